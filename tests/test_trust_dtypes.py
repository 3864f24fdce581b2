"""Result dtypes follow PyTorch's type promotion (issue 7, dtypes).

The grids below are PyTorch 2.13's result dtypes, written down: a
dimensioned tensor (row) meets an operand (column) in either order.  The
rules they show: a Python or NumPy scalar, and a 0-d tensor, decide the
dtype only when they are of a higher category (bool < integer < float) --
so NumPy's promotion (float32 + numpy.float64 -> float64) never leaks in --
and true division of integers gives float32, the default dtype.

Columns: Python ``int float bool``; NumPy scalars ``np.*``; 0-d tensors
``0d:*``; dimensioned tensors ``t:*``; 0-d NumPy arrays ``0a:*``.  The last
are chainrule's decision (they count as the 0-d tensors ``tensor()`` would
make of them); PyTorch hands them to NumPy's operators instead, so the live
oracle skips them.
"""
import operator

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn.functional as F
from autograd.errors import DTypeError

from helpers import fast

SHORT = {"f32": np.float32, "f64": np.float64, "f16": np.float16, "i64": np.int64,
         "i32": np.int32, "u8": np.uint8, "b": np.bool_}

ADD = """
       int float bool np.f64 np.f32 np.i64 np.i32 0d:f32 0d:f64 0d:f16 0d:i64 0d:i32 0d:u8 0d:b t:f32 t:f64 t:f16 t:i64 t:i32 t:u8 t:b 0a:f64 0a:i32
f32    f32 f32   f32  f32    f32    f32    f32    f32    f32    f32    f32    f32    f32   f32  f32   f64   f32   f32   f32   f32  f32 f32    f32
f64    f64 f64   f64  f64    f64    f64    f64    f64    f64    f64    f64    f64    f64   f64  f64   f64   f64   f64   f64   f64  f64 f64    f64
f16    f16 f16   f16  f16    f16    f16    f16    f16    f16    f16    f16    f16    f16   f16  f32   f64   f16   f16   f16   f16  f16 f16    f16
i64    i64 f32   i64  f32    f32    i64    i64    f32    f64    f16    i64    i64    i64   i64  f32   f64   f16   i64   i64   i64  i64 f64    i64
i32    i32 f32   i32  f32    f32    i32    i32    f32    f64    f16    i32    i32    i32   i32  f32   f64   f16   i64   i32   i32  i32 f64    i32
u8     u8  f32   u8   f32    f32    u8     u8     f32    f64    f16    u8     u8     u8    u8   f32   f64   f16   i64   i32   u8   u8  f64    u8
b      i64 f32   b    f32    f32    i64    i64    f32    f64    f16    i64    i32    u8    b    f32   f64   f16   i64   i32   u8   b   f64    i32
"""

DIV = """
       int float bool np.f64 np.f32 np.i64 np.i32 0d:f32 0d:f64 0d:f16 0d:i64 0d:i32 0d:u8 0d:b t:f32 t:f64 t:f16 t:i64 t:i32 t:u8 t:b 0a:f64 0a:i32
f32    f32 f32   f32  f32    f32    f32    f32    f32    f32    f32    f32    f32    f32   f32  f32   f64   f32   f32   f32   f32  f32 f32    f32
f64    f64 f64   f64  f64    f64    f64    f64    f64    f64    f64    f64    f64    f64   f64  f64   f64   f64   f64   f64   f64  f64 f64    f64
f16    f16 f16   f16  f16    f16    f16    f16    f16    f16    f16    f16    f16    f16   f16  f32   f64   f16   f16   f16   f16  f16 f16    f16
i64    f32 f32   f32  f32    f32    f32    f32    f32    f64    f16    f32    f32    f32   f32  f32   f64   f16   f32   f32   f32  f32 f64    f32
i32    f32 f32   f32  f32    f32    f32    f32    f32    f64    f16    f32    f32    f32   f32  f32   f64   f16   f32   f32   f32  f32 f64    f32
u8     f32 f32   f32  f32    f32    f32    f32    f32    f64    f16    f32    f32    f32   f32  f32   f64   f16   f32   f32   f32  f32 f64    f32
b      f32 f32   f32  f32    f32    f32    f32    f32    f64    f16    f32    f32    f32   f32  f32   f64   f16   f32   f32   f32  f32 f64    f32
"""


def parse(grid):
    lines = grid.strip().splitlines()
    cols = lines[0].split()
    table = {}
    for line in lines[1:]:
        row, *cells = line.split()
        assert len(cells) == len(cols)
        for col, cell in zip(cols, cells):
            table[row, col] = cell
    return table


def operand(col, lib):
    """The operand a column names, for chainrule (lib=autograd) or torch."""
    py = {"int": 2, "float": 1.5, "bool": True}
    if col in py:
        return py[col]
    kind, code = col.split(":") if ":" in col else ("np", col[3:])
    dt = SHORT[code]
    if kind == "np":
        return dt(2) if dt().dtype.kind in "iu" else dt(1.5)
    if kind == "0a":
        return np.ones((), dtype=dt)
    shape = () if kind == "0d" else (2,)
    if lib is autograd:
        return autograd.tensor(np.ones(shape, dtype=dt))
    return lib.ones(shape, dtype=getattr(lib, np.dtype(dt).name))


def row_tensor(row, lib):
    dt = SHORT[row]
    if lib is autograd:
        return autograd.tensor(np.ones(2, dtype=dt))
    return lib.ones(2, dtype=getattr(lib, np.dtype(dt).name))


def name_of(dtype):
    return {np.dtype(v): k for k, v in SHORT.items()}[np.dtype(str(dtype).replace("torch.", ""))]


GRIDS = {"add": (operator.add, parse(ADD)), "mul": (operator.mul, parse(ADD)),
         "div": (operator.truediv, parse(DIV))}
ENTRIES = [(op, row, col) for op, (_, table) in GRIDS.items() for row, col in table]


@pytest.mark.parametrize("op,row,col", ENTRIES)
def test_binary_result_dtype_in_both_orders(op, row, col):
    fn, table = GRIDS[op]
    expected = table[row, col]
    t, o = row_tensor(row, autograd), operand(col, autograd)
    assert name_of(fn(t, o).dtype) == expected
    if not col.startswith("0a:"):  # an ndarray on the left runs NumPy's operator first
        assert name_of(fn(o, t).dtype) == expected


@pytest.mark.parametrize("op,row,col", [e for e in ENTRIES if not e[2].startswith("0a:")])
def test_grids_match_live_pytorch(op, row, col):
    torch = pytest.importorskip("torch")
    fn, table = GRIDS[op]
    assert name_of(fn(row_tensor(row, torch), operand(col, torch)).dtype) == table[row, col]


# bool operands are left out: subtracting bools is refused (tested below)
@pytest.mark.parametrize("row,col", [k for k in parse(ADD) if k[0] != "b"
                                     and not (k[1].endswith(":b") or k[1] == "bool")])
def test_subtraction_and_comparisons_follow_the_same_grid(row, col):
    t, o = row_tensor(row, autograd), operand(col, autograd)
    assert name_of((t - o).dtype) == parse(ADD)[row, col]
    for cmp in (operator.lt, operator.eq, operator.ge):
        assert cmp(t, o).dtype == np.bool_


def test_comparison_with_a_numpy_scalar_compares_in_the_tensor_dtype():
    """float32(0.1) == numpy.float64(0.1) is True in PyTorch: the scalar is
    weak, so it is rounded to float32 first (NumPy would compare in float64)."""
    x = autograd.tensor([0.1, 0.2])
    np.testing.assert_array_equal((x == np.float64(0.1)).numpy(), [True, False])
    np.testing.assert_array_equal((x == autograd.tensor(0.1, dtype=np.float64)).numpy(),
                                  [True, False])
    np.testing.assert_array_equal((x == np.array(0.1)).numpy(), [True, False])


def test_subtracting_bool_tensors_is_refused_like_pytorch():
    b = autograd.tensor([True, False])
    for bad in (lambda: b - 1, lambda: 1 - b, lambda: b - autograd.tensor(1.0),
                lambda: autograd.ones(2) - autograd.tensor(True),
                lambda: b - autograd.tensor([[True], [False]])):
        with pytest.raises(RuntimeError, match="bool"):
            bad()


# ------------------------------------------------------------ other ops
def f32(*shape):
    return autograd.ones(*shape) if shape else autograd.tensor(1.0)


def ints(dtype=np.int64):
    return autograd.tensor(np.arange(1, 7, dtype=dtype).reshape(2, 3))


# (description, call, PyTorch's result dtype)
OPS = [
    ("clamp f32 by numpy float64", lambda: f32(3).clamp(np.float64(0.5)), np.float32),
    ("clamp f32 by numpy int64", lambda: f32(3).clamp(np.int64(0)), np.float32),
    ("clamp f16 max numpy float32",
     lambda: autograd.ones(3, dtype=np.float16).clamp(max=np.float32(0.5)), np.float16),
    ("clamp f32 by 0-d float64 tensor", lambda: f32(3).clamp(autograd.tensor(0.5, dtype=np.float64)),
     np.float32),
    ("clamp f32 by 0-d float64 array", lambda: f32(3).clamp(np.array(0.5), np.array(2.0)),
     np.float32),
    ("clamp f32 by float64 tensor", lambda: f32(3).clamp(autograd.zeros(3, dtype=np.float64)),
     np.float64),
    ("clamp int by 0.5", lambda: ints().clamp(0.5), np.float32),
    ("clamp int32 by numpy float64", lambda: ints(np.int32).clamp(np.float64(0.5)), np.float32),
    ("clamp int32 by numpy int64", lambda: ints(np.int32).clamp(np.int64(0)), np.int32),
    ("clamp uint8 by 0-d int64 tensor",
     lambda: ints(np.uint8).clamp(autograd.tensor(1)), np.uint8),
    ("clamp bool by 0.5", lambda: autograd.tensor([True]).clamp(0.5), np.float32),
    ("where int / 1.5", lambda: autograd.where(autograd.tensor([True, False]),
                                               autograd.tensor([1, 2]), 1.5), np.float32),
    ("where 1.5 / int", lambda: autograd.where(autograd.tensor([True, False]), 1.5,
                                               autograd.tensor([1, 2])), np.float32),
    ("where f32 / numpy float64", lambda: autograd.where(autograd.tensor([True, False]),
                                                         f32(2), np.float64(1.5)), np.float32),
    ("where int / numpy float64", lambda: autograd.where(autograd.tensor([True, False]),
                                                         autograd.tensor([1, 2]),
                                                         np.float64(1.5)), np.float32),
    ("where f32 / 0-d float64", lambda: autograd.where(autograd.tensor([True, False]), f32(2),
                                                       autograd.tensor(1.5, dtype=np.float64)),
     np.float32),
    ("where uint8 / 0-d int64", lambda: autograd.where(
        autograd.tensor([True, False]), autograd.tensor(np.ones(2, np.uint8)),
        autograd.tensor(3)), np.uint8),
    ("where two floats", lambda: autograd.where(autograd.tensor([True, False]), 1.0, 0.0),
     np.float32),
    ("where two ints", lambda: autograd.where(autograd.tensor([True, False]), 1, 0), np.int64),
    ("maximum int / f32", lambda: autograd.maximum(ints(), autograd.ones(2, 3)), np.float32),
    ("maximum f32 / 0-d float64",
     lambda: autograd.maximum(f32(3), autograd.tensor(0.5, dtype=np.float64)), np.float32),
    ("minimum uint8 / int32", lambda: autograd.minimum(ints(np.uint8), ints(np.int32)), np.int32),
    ("sum int32", lambda: ints(np.int32).sum(), np.int64),
    ("sum bool", lambda: autograd.tensor([True, True]).sum(), np.int64),
    ("sum uint8 dim", lambda: ints(np.uint8).sum(1), np.int64),
    ("amax int32", lambda: ints(np.int32).amax(), np.int32),
    ("max int32 dim values", lambda: ints(np.int32).max(1)[0], np.int32),
    ("argmax", lambda: f32(3).argmax(), np.int64),
    ("mean f16", lambda: autograd.ones(3, dtype=np.float16).mean(), np.float16),
    ("cat f32 + int64", lambda: autograd.cat([f32(2), autograd.tensor([1, 2])]), np.float32),
    ("cat uint8 + int8", lambda: autograd.cat([autograd.tensor(np.ones(2, np.uint8)),
                                               autograd.tensor(np.ones(2, np.int8))]), np.int16),
    ("cat f32 + f64", lambda: autograd.cat([f32(2), autograd.ones(2, dtype=np.float64)]),
     np.float64),
    ("stack 0-d f32 + 0-d f64", lambda: autograd.stack([f32(), autograd.tensor(
        1.0, dtype=np.float64)]), np.float64),
    ("pow f32 ** numpy float64", lambda: f32(3) ** np.float64(0.5), np.float32),
    ("pow int ** 0.5", lambda: ints() ** 0.5, np.float32),
    ("pow int ** 2", lambda: ints(np.int32) ** 2, np.int32),
    ("pow bool ** 2", lambda: autograd.tensor([True]) ** 2, np.int64),
    ("rpow 2 ** int", lambda: 2 ** ints(), np.int64),
    ("rpow numpy float64 ** f32", lambda: np.float64(2.0) ** f32(3), np.float32),
    ("rpow 2.5 ** int", lambda: 2.5 ** ints(), np.float32),
    ("int / int same shape", lambda: ints() / ints(), np.float32),
    ("int / int broadcast", lambda: ints() / autograd.tensor([1, 2, 3]), np.float32),
    ("int32 / 2", lambda: ints(np.int32) / 2, np.float32),
    ("2 / int32", lambda: 2 / ints(np.int32), np.float32),
    ("reciprocal int", lambda: ints().reciprocal(), np.float32),
    ("leaky_relu f32 numpy slope", lambda: F.leaky_relu(f32(3), np.float64(0.1)), np.float32),
    ("leaky_relu f16 numpy slope",
     lambda: F.leaky_relu(autograd.ones(3, dtype=np.float16), np.float64(0.1)), np.float16),
    ("elu f32 numpy alpha", lambda: F.elu(f32(3), np.float64(0.5)), np.float32),
    ("softplus f32 numpy beta", lambda: F.softplus(f32(3), np.float64(2.0)), np.float32),
    ("tensor of numpy float64", lambda: autograd.tensor(np.float64(1.5)), np.float64),
    ("tensor of [numpy float64]", lambda: autograd.tensor([np.float64(1.5)]), np.float64),
    ("tensor of [numpy int32]", lambda: autograd.tensor([np.int32(1)]), np.int32),
    ("tensor of [1, 2.5]", lambda: autograd.tensor([1, 2.5]), np.float32),
    ("full numpy float64", lambda: autograd.full((2,), np.float64(1)), np.float32),
    ("full numpy int32", lambda: autograd.full((2,), np.int32(1)), np.int64),
    ("full numpy float32", lambda: autograd.full((2,), np.float32(1)), np.float32),
    ("full int", lambda: autograd.full((2,), 1), np.int64),
    ("full bool", lambda: autograd.full((2,), True), np.bool_),
    ("arange numpy float64", lambda: autograd.arange(np.float64(3)), np.float32),
    ("arange numpy int32", lambda: autograd.arange(np.int32(3)), np.int64),
    ("arange 0-d tensor", lambda: autograd.arange(autograd.tensor(3)), np.int64),
    ("linspace", lambda: autograd.linspace(0, 1, 3), np.float32),
    ("randint", lambda: autograd.randint(0, 5, (2,)), np.int64),
    ("rand_like f16", lambda: autograd.rand_like(autograd.ones(2, dtype=np.float16)), np.float16),
    ("softmax of empty", lambda: autograd.zeros(0).softmax(0), np.float32),
]


@pytest.mark.parametrize("name,call,expected", OPS, ids=[o[0] for o in OPS])
def test_op_result_dtype(name, call, expected):
    assert call().dtype == np.dtype(expected)


# chainrule's deliberate supersets: PyTorch refuses these; chainrule gives
# the float32 result a user converting first would get (never float64).
SUPERSET = [
    ("softmax of int", lambda: ints().softmax(1), np.float32),
    ("log_softmax of int", lambda: ints(np.int32).log_softmax(1), np.float32),
    ("logsumexp of int", lambda: ints().logsumexp(1), np.float32),
    ("leaky_relu of int", lambda: F.leaky_relu(ints(), np.float64(0.1)), np.float32),
    ("matmul int @ f32", lambda: ints() @ autograd.ones(3, 2), np.float32),
]


@pytest.mark.parametrize("name,call,expected", SUPERSET, ids=[o[0] for o in SUPERSET])
def test_chainrule_supersets_stay_float32(name, call, expected):
    assert call().dtype == np.dtype(expected)


def test_reductions_that_need_floats_refuse_integers_like_pytorch():
    for call in (lambda: ints().mean(), lambda: autograd.tensor([True]).mean()):
        with pytest.raises(RuntimeError, match="floating"):
            call()
    with pytest.raises(DTypeError):
        ints().mean()


def test_integer_tensor_to_a_negative_integer_power_is_refused():
    with pytest.raises(RuntimeError, match="negative integer power"):
        ints() ** -2
    assert (ints().float() ** -2).dtype == np.float32


# ------------------------------------------- gradients keep the input dtype
GRAD_CASES = [
    ("mul numpy float64", lambda x: x * np.float64(1.5)),
    ("add 0-d float64 array", lambda x: x + np.array(0.5)),
    ("sub 0-d float64 tensor", lambda x: x - autograd.tensor(0.5, dtype=np.float64)),
    ("clamp numpy bounds", lambda x: x.clamp(np.float64(-0.5), np.float64(0.5))),
    ("clamp 0-d float64 tensor bound", lambda x: x.clamp(autograd.tensor(-0.5, dtype=np.float64))),
    ("where numpy scalar", lambda x: autograd.where(x > 0, x, np.float64(0.25))),
    ("maximum 0-d float64", lambda x: autograd.maximum(x, autograd.tensor(0.1, dtype=np.float64))),
    ("pow numpy exponent", lambda x: x ** np.float64(2.0)),
    ("div int tensor", lambda x: x / autograd.tensor([1, 2, 3])),
    ("leaky_relu numpy slope", lambda x: F.leaky_relu(x, np.float64(0.2))),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@pytest.mark.parametrize("name,fn", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_results_and_gradients_keep_the_float_dtype(name, fn, dtype):
    x = autograd.tensor(np.array([-1.0, 0.3, 2.0], dtype=dtype), requires_grad=True)
    out = fn(x)
    assert out.dtype == dtype
    out.sum().backward()
    assert x.grad.dtype == dtype


def test_weak_float64_scalar_keeps_float64_precision():
    x = autograd.tensor([1.0], dtype=np.float64)
    assert (x * np.float64(1.000000001)).numpy()[0] == 1.000000001


# ------------------------------------------------ hypothesis: the rule itself
CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}
dtypes = st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.int16, np.int32,
                          np.int64, np.uint8, np.bool_])


@fast
@given(a=dtypes, b=dtypes, a0=st.booleans(), b0=st.booleans())
def test_a_weaker_operand_decides_only_with_a_higher_category(a, b, a0, b0):
    """The rule behind the grids, over all dtype pairs: between a 0-d and a
    dimensioned tensor, the 0-d one matters only if its category is higher;
    between equals, NumPy's promotion with floats beating integers."""
    x = autograd.tensor(np.ones(() if a0 else (2,), dtype=a))
    y = autograd.tensor(np.ones(() if b0 else (2,), dtype=b))
    if a == np.bool_ and b == np.bool_:
        return
    got = (x + y).dtype
    da, db = np.dtype(a), np.dtype(b)
    ca, cb = CATEGORY[da.kind], CATEGORY[db.kind]
    if a0 != b0:
        strong, weak = (db, da) if a0 else (da, db)
        if CATEGORY[weak.kind] <= CATEGORY[strong.kind]:
            assert got == strong
            return
    higher = da if ca > cb else db
    if ca != cb and higher.kind == "f":
        assert got == higher  # a float beats integers without widening
    else:
        assert got == np.promote_types(da, db)


@fast
@given(a=dtypes, b=dtypes)
def test_live_pytorch_agrees_on_every_dtype_pair(a, b):
    torch = pytest.importorskip("torch")
    for sa, sb in (((2,), (2,)), ((2,), ()), ((), (2,))):
        x = autograd.tensor(np.ones(sa, dtype=a))
        y = autograd.tensor(np.ones(sb, dtype=b))
        tx = torch.from_numpy(np.ones(sa, dtype=a))
        ty = torch.from_numpy(np.ones(sb, dtype=b))
        for fn in (operator.add, operator.mul, operator.truediv):
            assert str(fn(x, y).dtype) == str(fn(tx, ty).dtype).replace("torch.", "")

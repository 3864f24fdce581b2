"""Arguments are validated as PyTorch validates them (issue 7, arguments).

Every case states the exception TYPE PyTorch 2.13 raises and words the
message must contain (the function, the argument, what was given).  Where
PyTorch raises RuntimeError for a bad size or value, chainrule raises a
ShapeError/ArgumentError, which is both a ValueError and a RuntimeError.
PyTorch, when installed, is an extra oracle for the exception type.
"""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd.errors import ArgumentError, DTypeError, ShapeError

from helpers import fast


def x23():
    return autograd.tensor(np.arange(6.0).reshape(2, 3))


# (name, call on chainrule, call on torch, exception type, message words)
CASES = [
    # sizes: floats, bools, strings and negatives
    ("reshape float", lambda L: x23_of(L).reshape(2.5, 3), TypeError, ["reshape", "2.5"]),
    ("reshape -2", lambda L: x23_of(L).reshape(-2, 3), RuntimeError, ["reshape", "-2"]),
    ("reshape two -1", lambda L: x23_of(L).reshape(-1, -1), RuntimeError,
     ["reshape", "only one"]),
    ("reshape str", lambda L: x23_of(L).reshape("a"), TypeError, ["reshape", "str"]),
    ("view float", lambda L: x23_of(L).view(-1, 2.0), TypeError, ["view", "float"]),
    ("ones float", lambda L: L.ones(2.5), TypeError, ["ones", "size", "2.5"]),
    ("ones bool", lambda L: L.ones(True), TypeError, ["ones", "size", "bool"]),
    ("ones str", lambda L: L.ones("a"), TypeError, ["ones", "size", "str"]),
    ("ones -1", lambda L: L.ones(-1), RuntimeError, ["ones", "-1"]),
    ("zeros (2, -1)", lambda L: L.zeros((2, -1)), RuntimeError, ["zeros", "-1", "(2, -1)"]),
    ("rand float", lambda L: L.rand(2, 1.5), TypeError, ["rand", "1.5"]),
    ("full float size", lambda L: L.full((2.5,), 1.0), TypeError, ["full", "size", "2.5"]),
    ("full negative size", lambda L: L.full((2, -3), 1.0), RuntimeError, ["full", "-3"]),
    ("full str value", lambda L: L.full((2,), "a"), TypeError, ["full", "fill_value", "str"]),
    ("expand float", lambda L: L.zeros(1, 3).expand(2.5, 3), TypeError, ["expand", "2.5"]),
    ("expand -2", lambda L: L.zeros(1, 3).expand(-2, 3), RuntimeError, ["expand", "-2"]),
    ("expand -1 in a new dim", lambda L: L.zeros(1, 3).expand(-1, 1, 3), RuntimeError,
     ["expand", "-1", "new leading"]),
    ("expand too few sizes", lambda L: L.zeros(1, 3).expand(3), RuntimeError,
     ["expand", "(1, 3)"]),
    ("expand mismatch", lambda L: L.zeros(1, 3).expand(2, 2), RuntimeError,
     ["expand", "(1, 3)", "(2, 2)"]),
    ("repeat negative", lambda L: x23_of(L).repeat(-1, 1), RuntimeError, ["repeat", "-1"]),
    ("repeat float", lambda L: x23_of(L).repeat(2.0, 1), TypeError, ["repeat", "2.0"]),
    ("eye -1", lambda L: L.eye(-1), RuntimeError, ["eye", "n", "-1"]),
    ("eye m -1", lambda L: L.eye(2, -1), RuntimeError, ["eye", "m", "-1"]),
    ("eye float", lambda L: L.eye(2.5), TypeError, ["eye", "n", "float"]),
    ("linspace steps -1", lambda L: L.linspace(0, 1, steps=-1), RuntimeError,
     ["linspace", "steps", "-1"]),
    ("linspace steps float", lambda L: L.linspace(0, 1, steps=2.5), TypeError,
     ["linspace", "steps", "float"]),
    # dims
    ("sum dim float", lambda L: x23_of(L).sum(dim=1.5), TypeError, ["sum", "dim", "float"]),
    ("sum dim str", lambda L: x23_of(L).sum("a"), TypeError, ["sum", "dim", "str"]),
    ("sum dim bool", lambda L: x23_of(L).sum(True), TypeError, ["sum", "dim", "bool"]),
    ("sum dim list float", lambda L: x23_of(L).sum([0, 1.0]), TypeError, ["sum", "float"]),
    ("sum dim out of range", lambda L: x23_of(L).sum(dim=5), IndexError,
     ["sum", "5", "[-2, 1]"]),
    ("sum dim twice", lambda L: x23_of(L).sum(dim=(0, -2)), RuntimeError,
     ["sum", "dim 0", "more than once"]),
    ("mean dim out of range", lambda L: x23_of(L).mean(dim=-3), IndexError, ["mean", "-3"]),
    ("softmax dim float", lambda L: x23_of(L).softmax(dim=1.0), TypeError,
     ["softmax", "dim", "float"]),
    ("argmax dim float", lambda L: x23_of(L).argmax(1.0), TypeError, ["argmax", "float"]),
    ("unsqueeze float", lambda L: x23_of(L).unsqueeze(1.5), TypeError,
     ["unsqueeze", "dim", "float"]),
    ("unsqueeze bool", lambda L: x23_of(L).unsqueeze(True), TypeError, ["unsqueeze", "bool"]),
    ("unsqueeze range", lambda L: x23_of(L).unsqueeze(5), IndexError,
     ["unsqueeze", "5", "[-3, 2]"]),
    ("transpose str", lambda L: x23_of(L).transpose("a", 0), TypeError,
     ["transpose", "dim0", "str"]),
    ("transpose float", lambda L: x23_of(L).transpose(0, 1.0), TypeError,
     ["transpose", "dim1", "float"]),
    ("transpose range", lambda L: x23_of(L).transpose(0, 5), IndexError, ["transpose", "5"]),
    ("transpose 1-d range", lambda L: L.zeros(3).transpose(0, 1), IndexError,
     ["transpose", "[-1, 0]"]),
    ("permute repeated", lambda L: x23_of(L).permute(0, 0), RuntimeError,
     ["permute", "dim 0", "more than once"]),
    ("permute repeated negative", lambda L: x23_of(L).permute(1, -1), RuntimeError,
     ["permute", "more than once"]),
    ("permute too few", lambda L: x23_of(L).permute(0), RuntimeError, ["permute", "(2, 3)"]),
    ("permute range", lambda L: x23_of(L).permute(0, 2), IndexError, ["permute", "2"]),
    ("flatten float", lambda L: x23_of(L).flatten(1.0), TypeError, ["flatten", "start_dim"]),
    ("flatten order", lambda L: x23_of(L).flatten(1, 0), RuntimeError,
     ["flatten", "start_dim"]),
    ("squeeze range", lambda L: x23_of(L).squeeze(5), IndexError, ["squeeze", "5"]),
    ("cat dim float", lambda L: L.cat([x23_of(L), x23_of(L)], 1.0), TypeError, ["cat", "float"]),
    ("cat dim range", lambda L: L.cat([x23_of(L), x23_of(L)], 5), IndexError, ["cat", "5"]),
    ("stack dim range", lambda L: L.stack([x23_of(L), x23_of(L)], 5), IndexError,
     ["stack", "[-3, 2]"]),
    ("size dim float", lambda L: x23_of(L).size(1.0), TypeError, ["size", "float"]),
    ("size dim range", lambda L: x23_of(L).size(5), IndexError, ["size", "5"]),
    # counts and ranges
    ("chunk 0", lambda L: x23_of(L).chunk(0), RuntimeError, ["chunk", "0"]),
    ("chunk -1", lambda L: x23_of(L).chunk(-1), RuntimeError, ["chunk", "-1"]),
    ("chunk float", lambda L: x23_of(L).chunk(1.5), TypeError, ["chunk", "chunks", "float"]),
    ("split 0", lambda L: x23_of(L).split(0), RuntimeError, ["split", "0"]),
    ("split -1", lambda L: x23_of(L).split(-1), RuntimeError, ["split", "-1"]),
    ("split float", lambda L: x23_of(L).split(1.5), TypeError, ["split", "float"]),
    ("split negative section", lambda L: x23_of(L).split([3, -1, 0]), RuntimeError,
     ["split", "-1"]),
    ("randint empty range", lambda L: L.randint(5, 5, (2,)), RuntimeError,
     ["randint", "low", "5"]),
    ("randint reversed range", lambda L: L.randint(6, 5, (2,)), RuntimeError, ["randint", "6"]),
    ("randint float bound", lambda L: L.randint(0, 5.5, (2,)), TypeError, ["randint", "high"]),
    ("randint float size", lambda L: L.randint(0, 5, (2.5,)), TypeError, ["randint", "2.5"]),
    ("arange step away", lambda L: L.arange(0, 5, -1), RuntimeError, ["arange", "step"]),
    ("arange step away down", lambda L: L.arange(5, 0, 1), RuntimeError, ["arange", "step"]),
    ("arange step 0", lambda L: L.arange(0, 5, 0), RuntimeError, ["arange", "nonzero"]),
    ("arange nan", lambda L: L.arange(float("nan")), RuntimeError, ["arange", "nan"]),
    ("arange inf", lambda L: L.arange(float("inf")), RuntimeError, ["arange", "inf"]),
    ("arange str", lambda L: L.arange("a"), TypeError, ["arange", "end", "str"]),
    ("manual_seed too big", lambda L: L.manual_seed(2 ** 64), ValueError, ["seed"]),
    ("manual_seed str", lambda L: L.manual_seed("a"), ValueError, ["a"]),
    ("rand_like int", lambda L: L.rand_like(L.zeros(2, dtype=L.int64)), RuntimeError,
     ["rand", "int64"]),
    ("randn_like bool", lambda L: L.randn_like(L.zeros(2, dtype=L.bool_ if L is autograd
                                                       else L.bool)), RuntimeError,
     ["randn", "bool"]),
    ("rand int dtype", lambda L: L.rand(2, dtype=L.int64), RuntimeError, ["rand", "int64"]),
    ("clamp no bounds", lambda L: x23_of(L).clamp(), RuntimeError, ["clamp", "min", "max"]),
    ("pow negative int", lambda L: L.arange(3) ** -1, RuntimeError, ["negative", "int"]),
    # tensor() of ragged data
    ("ragged", lambda L: L.tensor([[1, 2], [3]]), ValueError,
     ["length 2", "dim 1", "got 1"]),
    ("ragged deeper", lambda L: L.tensor([[[1], [2]], [[3], [4, 5]]]), ValueError,
     ["length 1", "dim 2", "got 2"]),
]


def x23_of(lib):
    if lib is autograd:
        return x23()
    return lib.arange(6.0).reshape(2, 3)


@pytest.mark.parametrize("name,call,kind,words", CASES, ids=[c[0] for c in CASES])
def test_refused_like_pytorch(name, call, kind, words):
    with pytest.raises(kind) as info:
        call(autograd)
    msg = str(info.value)
    for w in words:
        assert w in msg, f"{name}: {w!r} not in message {msg!r}"


# "manual_seed too big" is left out: PyTorch's overflow message is its own
@pytest.mark.parametrize("name,call,kind,words",
                         [c for c in CASES if c[0] != "manual_seed too big"],
                         ids=[c[0] for c in CASES if c[0] != "manual_seed too big"])
def test_pytorch_refuses_the_same_way(name, call, kind, words):
    torch = pytest.importorskip("torch")
    torch_call = call
    if name in ("randn_like bool",):
        torch_call = lambda L: L.randn_like(L.zeros(2, dtype=L.bool))  # noqa: E731
    with pytest.raises(kind):
        torch_call(torch)


def test_runtime_error_classes_are_also_python_errors():
    """Ported code catches RuntimeError, chainrule's older code ValueError
    or TypeError; both work."""
    assert issubclass(ShapeError, ValueError) and issubclass(ShapeError, RuntimeError)
    assert issubclass(ArgumentError, ValueError) and issubclass(ArgumentError, RuntimeError)
    assert issubclass(DTypeError, TypeError) and issubclass(DTypeError, RuntimeError)
    with pytest.raises(ValueError):
        autograd.zeros(-1)
    with pytest.raises(RuntimeError):
        autograd.zeros(-1)


# ------------------------------------------------------------ accepted forms
@pytest.mark.parametrize("size", [
    (2, 3), ((2, 3),), ([2, 3],), (np.int64(2), np.int32(3)),
    (autograd.tensor(2), 3), (autograd.tensor([2]), autograd.tensor(3)),
])
def test_int_like_sizes_are_accepted(size):
    assert autograd.zeros(*size).shape == (2, 3)
    assert autograd.ones(6).reshape(*size).shape == (2, 3)


def test_reshape_infers_one_minus_one_and_expand_keeps_sizes():
    x = x23()
    assert x.reshape(-1).shape == (6,)
    assert x.view(3, -1).shape == (3, 2)
    assert autograd.zeros(1, 3).expand(2, -1).shape == (2, 3)
    assert autograd.zeros(1, 3).expand(4, -1, -1).shape == (4, 1, 3)
    assert autograd.zeros(1, 3).expand(0, 3).shape == (0, 3)


def test_dims_accept_numpy_and_tensor_ints():
    x = x23()
    np.testing.assert_array_equal(x.sum(np.int64(1)).numpy(), [3.0, 12.0])
    np.testing.assert_array_equal(x.sum(autograd.tensor(1)).numpy(), [3.0, 12.0])
    assert x.unsqueeze(np.int32(-1)).shape == (2, 3, 1)
    assert x.permute(-1, 0).shape == (3, 2)


def test_empty_dim_list_reduces_everything_like_pytorch():
    x = x23()
    assert x.sum(dim=[]).shape == () and x.sum(dim=[]).item() == 15.0
    assert x.mean(dim=()).item() == 2.5
    assert x.amax(dim=()).item() == 5.0


def test_zero_dim_tensors_take_dims_minus_one_and_zero():
    s = autograd.tensor(3.0)
    assert s.sum(0).shape == () and s.sum(-1).shape == ()
    assert s.transpose(0, -1).shape == ()
    with pytest.raises(IndexError, match=r"\[-1, 0\]"):
        s.sum(1)


def test_split_with_zero_size_is_allowed_only_for_an_empty_dim():
    empty = autograd.zeros(0, 3)
    parts = empty.split(0)
    assert len(parts) == 1 and parts[0].shape == (0, 3)


def test_manual_seed_takes_what_pytorch_takes():
    """-1 counts modulo 2**64 (PyTorch's initial_seed() of -1 is 2**64 - 1),
    bools and one-element tensors are ints."""
    autograd.manual_seed(-1)
    a = autograd.rand(3).numpy()
    autograd.manual_seed(2 ** 64 - 1)
    np.testing.assert_array_equal(autograd.rand(3).numpy(), a)
    autograd.manual_seed(autograd.tensor(3))
    b = autograd.rand(2).numpy()
    autograd.manual_seed(3)
    np.testing.assert_array_equal(autograd.rand(2).numpy(), b)


def test_refused_manual_seed_keeps_the_generator():
    autograd.manual_seed(7)
    expected = autograd.rand(4).numpy()
    autograd.manual_seed(7)
    with pytest.raises(ValueError):
        autograd.manual_seed(2 ** 64)
    np.testing.assert_array_equal(autograd.rand(4).numpy(), expected)


def test_arange_counts_down_with_a_negative_step():
    np.testing.assert_array_equal(autograd.arange(5, 0, -1).numpy(), [5, 4, 3, 2, 1])
    assert autograd.arange(0, 0, -1).shape == (0,)
    assert autograd.linspace(0, 1, 0).shape == (0,)
    assert autograd.eye(0).shape == (0, 0)


# ------------------------------------------------- refused calls change nothing
def test_refused_view_ops_leave_the_tensor_and_its_graph_alone():
    x = autograd.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    y = x * 2
    before = y.detach().numpy().copy()
    for bad in (lambda: y.reshape(-2, 3), lambda: y.permute(0, 0), lambda: y.expand(2, 2),
                lambda: y.unsqueeze(1.5), lambda: y.sum(dim=(0, 0)), lambda: y.chunk(0)):
        with pytest.raises((TypeError, ValueError, IndexError)):
            bad()
    np.testing.assert_array_equal(y.detach().numpy(), before)
    assert y._vc[0] == 0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((2, 3), 2.0))


# ------------------------------------------------------- hypothesis: classes
bad_size_items = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.text(max_size=2),
    st.none())


@fast
@given(item=bad_size_items, position=st.integers(0, 2))
def test_any_non_integer_size_is_a_type_error(item, position):
    size = [2, 3, 4]
    size[position] = item
    for fn in (autograd.zeros, autograd.ones, autograd.rand, autograd.randn):
        with pytest.raises(TypeError, match=fn.__name__):
            fn(*size)
    with pytest.raises(TypeError, match="reshape"):
        autograd.ones(24).reshape(*size)


@fast
@given(neg=st.integers(-10, -2), position=st.integers(0, 1))
def test_any_negative_size_below_minus_one_is_refused(neg, position):
    size = [2, 3]
    size[position] = neg
    for fn in (autograd.zeros, autograd.ones, autograd.rand):
        with pytest.raises(ShapeError, match=str(neg)):
            fn(*size)
    with pytest.raises(ShapeError, match=str(neg)):
        autograd.ones(6).reshape(*size)
    with pytest.raises(ShapeError, match=str(neg)):
        autograd.ones(1, 1).expand(*size)


@fast
@given(dim=st.one_of(st.floats(allow_nan=False), st.booleans(), st.text(max_size=2)))
def test_any_non_integer_dim_is_a_type_error(dim):
    x = x23()
    for call in (lambda: x.sum(dim), lambda: x.mean(dim), lambda: x.amax(dim),
                 lambda: x.softmax(dim), lambda: x.unsqueeze(dim), lambda: x.transpose(dim, 0),
                 lambda: x.squeeze(dim), lambda: x.flatten(dim), lambda: x.argmax(dim),
                 lambda: autograd.cat([x, x], dim)):
        with pytest.raises(TypeError):
            call()


@fast
@given(dim=st.one_of(st.integers(2, 50), st.integers(-50, -3)))
def test_any_out_of_range_dim_names_the_range(dim):
    x = x23()
    for name, call in (("sum", lambda: x.sum(dim)), ("softmax", lambda: x.softmax(dim)),
                       ("transpose", lambda: x.transpose(dim, 0)),
                       ("argmax", lambda: x.argmax(dim)), ("split", lambda: x.split(1, dim))):
        with pytest.raises(IndexError, match=rf"{name}.*{dim}.*\[-2, 1\]"):
            call()


# -------------------------------------------------------------- Tensor.to
def test_to_accepts_pytorch_forms_on_the_cpu():
    x = x23()
    assert x.to("cpu") is x
    assert x.to(device="cpu") is x
    assert x.to("cpu", autograd.float64).dtype == np.float64
    assert x.to(dtype=autograd.float64).dtype == np.float64
    assert x.to(autograd.tensor([1], dtype=np.int32)).dtype == np.int32
    copied = x.to(copy=True)
    assert copied is not x and copied.dtype == x.dtype
    copied[0, 0] = 100.0
    assert x.numpy()[0, 0] == 0.0


def test_to_copy_keeps_the_graph():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    (x.to(copy=True) * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "mps"])
def test_to_other_devices_is_a_clear_error(device):
    x = x23()
    for call in (lambda: x.to(device), lambda: x.to(device=device)):
        with pytest.raises(RuntimeError, match=rf"CPU only.*{device}"):
            call()


def test_to_names_a_bad_dtype():
    with pytest.raises(TypeError, match=r"to\(\).*'gpu'"):
        x23().to("gpu")
    with pytest.raises(TypeError, match="dtype given twice"):
        x23().to(autograd.float64, dtype=autograd.float32)


# --------------------------------------------------------------- indexing
def test_float_index_is_an_index_error_about_valid_index_types():
    x = x23()
    with pytest.raises(IndexError, match=r"only integers, slices.*float \(1\.5\)"):
        x[1.5]
    with pytest.raises(IndexError, match=r"only integers.*item 1 is str"):
        x[0, "a"]


def test_wrong_shape_mask_names_both_shapes():
    x = x23()
    with pytest.raises(IndexError, match=r"mask of shape \(2,\).*shape \(3,\) at dims 1"):
        x[:, autograd.tensor([True, False])]
    with pytest.raises(IndexError, match=r"mask of shape \(3,\).*\(2,\)"):
        x[autograd.tensor([True, False, True])]


def test_out_of_range_index_names_dim_and_size():
    with pytest.raises(IndexError, match=r"index 5 is out of range for dim 1 of size 3"):
        x23()[0, 5]


def test_pytorch_raises_index_error_for_the_same_indices():
    torch = pytest.importorskip("torch")
    t = torch.zeros(2, 3)
    for bad in (lambda: t[1.5], lambda: t[:, torch.tensor([True, False])], lambda: t[0, 5]):
        with pytest.raises(IndexError):
            bad()


# ----------------------------------------------------------- empty results
def test_softmax_family_of_an_empty_tensor_is_empty():
    for shape, dim in (((0,), 0), ((0, 3), 1), ((2, 0), 1)):
        x = autograd.zeros(*shape, requires_grad=True)
        for op in ("softmax", "log_softmax"):
            out = getattr(x, op)(dim)
            assert out.shape == shape and out.dtype == np.float32
            out.sum().backward()
            assert x.grad.shape == shape
    lse = autograd.zeros(2, 0).logsumexp(1)
    np.testing.assert_array_equal(lse.numpy(), [-np.inf, -np.inf])


# ------------------------------------------------------ backward(inputs=[])
def test_empty_inputs_are_refused_and_change_nothing():
    x = autograd.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    with pytest.raises(RuntimeError, match=r"backward\(\).*inputs.*cannot be empty"):
        y.backward(inputs=[])
    assert x.grad is None
    with pytest.raises(RuntimeError, match=r"grad\(\).*inputs.*cannot be empty"):
        autograd.grad(y, [])
    y.backward()  # the graph is intact
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


# ---------------------------------------------------------------- grad mode
def test_no_grad_without_parentheses():
    @autograd.no_grad
    def f(x):
        return x * 2

    x = autograd.tensor([1.0], requires_grad=True)
    assert not f(x).requires_grad
    assert f.__name__ == "f"

    @autograd.enable_grad
    def g(x):
        return x * 2

    with autograd.no_grad():
        assert g(x).requires_grad


@pytest.mark.parametrize("make", [lambda: autograd.no_grad(), lambda: autograd.no_grad,
                                  lambda: autograd.set_grad_enabled(False)])
def test_no_grad_on_a_generator_holds_inside_each_resumption(make):
    seen = []

    @make()
    def gen(x):
        for _ in range(2):
            seen.append(autograd.is_grad_enabled())
            received = yield x * 2
            seen.append(received)
        return "done"

    x = autograd.tensor([1.0], requires_grad=True)
    assert autograd.is_grad_enabled()
    g = gen(x)
    first = next(g)
    assert not first.requires_grad
    assert autograd.is_grad_enabled()  # restored between yields
    second = g.send("hello")
    assert not second.requires_grad and autograd.is_grad_enabled()
    with pytest.raises(StopIteration) as stop:
        g.send("bye")
    assert stop.value.value == "done"
    assert seen == [False, "hello", False, "bye"]
    assert autograd.is_grad_enabled()


def test_enable_grad_generator_inside_no_grad():
    @autograd.enable_grad()
    def gen(x):
        yield x * 2

    x = autograd.tensor([1.0], requires_grad=True)
    with autograd.no_grad():
        out = next(gen(x))
        assert not autograd.is_grad_enabled()
    assert out.requires_grad


def test_generator_exceptions_and_close_run_in_the_mode():
    modes = []

    @autograd.no_grad()
    def gen():
        try:
            yield 1
        except KeyError:
            modes.append(("thrown", autograd.is_grad_enabled()))
            yield 2
        finally:
            modes.append(("closed", autograd.is_grad_enabled()))

    g = gen()
    next(g)
    assert g.throw(KeyError("k")) == 2
    g.close()
    assert modes == [("thrown", False), ("closed", False)]
    assert autograd.is_grad_enabled()


def test_pytorch_agrees_on_generators_and_bare_decorators():
    torch = pytest.importorskip("torch")

    @torch.no_grad
    def f(x):
        return x * 2

    @torch.no_grad()
    def gen(x):
        yield x * 2

    x = torch.ones(1, requires_grad=True)
    assert not f(x).requires_grad
    assert not next(gen(x)).requires_grad and torch.is_grad_enabled()


# ------------------------------------------- found by the independent review
@pytest.mark.parametrize("call,kind,words", [
    (lambda: autograd.ones(2).fill_(autograd.tensor([2.0, 3.0])), RuntimeError,
     ["fill_", "0-d", "(2,)"]),
    (lambda: autograd.set_grad_enabled("yes"), TypeError, ["set_grad_enabled", "bool", "str"]),
    (lambda: autograd.manual_seed("a"), ValueError, ["manual_seed", "integer", "str"]),
    (lambda: autograd.empty(2.5), TypeError, ["empty()", "size", "2.5"]),
    (lambda: autograd.broadcast_to(autograd.ones(3), (2, 3, 4.0)), TypeError,
     ["broadcast_to()", "4.0"]),
    (lambda: autograd.ones(3)[::1.5], TypeError, ["shape (3,)", "slice"]),
], ids=["fill_ with a 1-d value", "set_grad_enabled with a string", "manual_seed with a string",
        "empty with a float size", "broadcast_to with a float size", "slice with a float step"])
def test_more_misuse_is_named(call, kind, words):
    mode = autograd.is_grad_enabled()
    with pytest.raises(kind) as info:
        call()
    assert autograd.is_grad_enabled() == mode
    for w in words:
        assert w in str(info.value)


def test_tensor_from_numpy_arrays_keeps_their_dtype():
    t = autograd.tensor([np.array([1.0, 2.0]), np.array([3.0, 4.0])])
    assert t.dtype == np.float64  # PyTorch keeps NumPy's float64 here
    assert autograd.tensor([[1.0, 2.0]]).dtype == np.float32  # Python floats: float32

"""Forward values against NumPy, dtype rules, numerically extreme inputs,
and the small conveniences (namedtuple results, comparisons, conversions,
repr, factories).  An optional section compares values *and* gradients
with PyTorch when it is installed; nothing here requires it.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from helpers import (away_from_zero, broadcast_pairs, fast, medium, normal, positive,
                     rng, seeds, shapes)


# =========================================================== NumPy reference
def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_logsumexp(x, axis=None, keepdims=False):
    m = x.max(axis=axis, keepdims=True)
    out = np.log(np.exp(x - m).sum(axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


UNARY_REFERENCE = {
    # name: (ours, NumPy's, value generator)
    "neg": (lambda t: -t, np.negative, normal),
    "exp": (lambda t: t.exp(), np.exp, normal),
    "log": (lambda t: t.log(), np.log, lambda r, s: positive(r, s, 0.1, 5)),
    "sqrt": (lambda t: t.sqrt(), np.sqrt, lambda r, s: positive(r, s, 0.0, 5)),
    "abs": (lambda t: t.abs(), np.abs, normal),
    "sin": (lambda t: t.sin(), np.sin, normal),
    "cos": (lambda t: t.cos(), np.cos, normal),
    "tanh": (lambda t: t.tanh(), np.tanh, normal),
    "sigmoid": (lambda t: t.sigmoid(), lambda x: 1 / (1 + np.exp(-x)), normal),
    "relu": (lambda t: t.relu(), lambda x: np.maximum(x, 0), normal),
    "leaky_relu": (lambda t: t.leaky_relu(0.1), lambda x: np.where(x > 0, x, 0.1 * x), normal),
    "elu": (lambda t: t.elu(0.7), lambda x: np.where(x > 0, x, 0.7 * np.expm1(x)), normal),
    "softplus": (lambda t: t.softplus(), lambda x: np.log1p(np.exp(x)), normal),
    "softplus_beta": (lambda t: t.softplus(beta=2.0),
                      lambda x: np.log1p(np.exp(2 * x)) / 2, normal),
    "clamp": (lambda t: t.clamp(-0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), normal),
    "clamp_min": (lambda t: t.clamp(min=0.2), lambda x: np.maximum(x, 0.2), normal),
    "square": (lambda t: t.square(), np.square, normal),
    "reciprocal": (lambda t: t.reciprocal(), np.reciprocal, away_from_zero),
    "pow3": (lambda t: t ** 3, lambda x: x ** 3, normal),
    "pow_half": (lambda t: t ** 0.5, np.sqrt, lambda r, s: positive(r, s, 0.0, 5)),
    "rpow": (lambda t: 2.0 ** t, lambda x: 2.0 ** x, normal),
}


@pytest.mark.parametrize("name", sorted(UNARY_REFERENCE))
@fast
@given(shape=shapes(), seed=seeds)
def test_unary_values_match_numpy(name, shape, seed):
    ours, ref, gen = UNARY_REFERENCE[name]
    x = gen(rng(seed), shape)
    out = ours(autograd.tensor(x))
    assert out.shape == shape
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.data, ref(x), rtol=1e-12, atol=1e-15)


BINARY_REFERENCE = {
    "add": (lambda a, b: a + b, np.add),
    "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply),
    "div": (lambda a, b: a / b, np.divide),
    "pow": (lambda a, b: a.abs() ** b, lambda a, b: np.abs(a) ** b),
    "maximum": (autograd.maximum, np.maximum),
    "minimum": (autograd.minimum, np.minimum),
}


@pytest.mark.parametrize("name", sorted(BINARY_REFERENCE))
@fast
@given(pair=broadcast_pairs(), seed=seeds)
def test_binary_values_match_numpy_with_broadcasting(name, pair, seed):
    ours, ref = BINARY_REFERENCE[name]
    r = rng(seed)
    a, b = away_from_zero(r, pair[0]), away_from_zero(r, pair[1])
    out = ours(autograd.tensor(a), autograd.tensor(b))
    expected = ref(a, b)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)


@fast
@given(pair=broadcast_pairs(), seed=seeds)
def test_where_values_match_numpy(pair, seed):
    r = rng(seed)
    a, b = normal(r, pair[0]), normal(r, pair[1])
    cond = r.random(np.broadcast_shapes(*pair)) < 0.5
    np.testing.assert_array_equal(
        autograd.where(cond, autograd.tensor(a), autograd.tensor(b)).data, np.where(cond, a, b))
    np.testing.assert_array_equal(
        autograd.where(autograd.tensor(cond), autograd.tensor(a), 0.5).data,
        np.where(cond, a, 0.5))


@pytest.mark.parametrize("layout", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)),
                                    ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                                    ((5, 2, 3), (5, 3, 4)), ((1, 2, 3), (5, 3, 4)),
                                    ((6, 1, 2, 3), (5, 3, 4)), ((3,), (5, 3, 4))])
def test_matmul_values_match_numpy(layout):
    r = rng(0)
    a, b = normal(r, layout[0]), normal(r, layout[1])
    out = autograd.tensor(a) @ autograd.tensor(b)
    expected = np.matmul(a, b)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)


@st.composite
def shape_and_axis(draw):
    shape = draw(shapes(min_dims=1))
    nd = len(shape)
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return shape, None
    if kind == "int":
        return shape, draw(st.integers(-nd, nd - 1))
    return shape, tuple(draw(st.lists(st.integers(0, nd - 1), min_size=1, unique=True)))


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin", "var", "std", "logsumexp"])
@medium
@given(sa=shape_and_axis(), keep=st.booleans(), seed=seeds)
def test_reduction_values_match_numpy(name, sa, keep, seed):
    shape, axis = sa
    x = normal(rng(seed), shape)
    refs = {
        "sum": lambda: np.sum(x, axis=axis, keepdims=keep),
        "mean": lambda: np.mean(x, axis=axis, keepdims=keep),
        "amax": lambda: np.max(x, axis=axis, keepdims=keep),
        "amin": lambda: np.min(x, axis=axis, keepdims=keep),
        "var": lambda: np.var(x, axis=axis, keepdims=keep, ddof=1),
        "std": lambda: np.std(x, axis=axis, keepdims=keep, ddof=1),
        "logsumexp": lambda: _np_logsumexp(x, axis=axis, keepdims=keep),
    }
    # var/std of one element (ddof=1) is NaN in NumPy and here alike
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = refs[name]()
        out = getattr(autograd.tensor(x), name)(dim=axis, keepdim=keep)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-14)


@medium
@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_softmax_family_values_match_numpy(shape, data, seed):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = normal(rng(seed), shape, 3.0)
    t = autograd.tensor(x)
    sm = t.softmax(dim)
    np.testing.assert_allclose(sm.data, _np_softmax(x, dim), rtol=1e-12)
    np.testing.assert_allclose(sm.data.sum(axis=dim), 1.0, rtol=1e-12)
    np.testing.assert_allclose(t.log_softmax(dim).data, np.log(_np_softmax(x, dim)),
                               rtol=1e-10, atol=1e-12)


@fast
@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_max_min_with_dim_values_and_indices_match_numpy(shape, data, seed):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keep = data.draw(st.booleans())
    x = normal(rng(seed), shape)
    t = autograd.tensor(x)
    for name, npv, npi in (("max", np.max, np.argmax), ("min", np.min, np.argmin)):
        values, indices = getattr(t, name)(dim, keepdim=keep)
        np.testing.assert_array_equal(values.data, npv(x, axis=dim, keepdims=keep))
        np.testing.assert_array_equal(indices.data, npi(x, axis=dim, keepdims=keep))
        assert indices.dtype == np.int64


@fast
@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_movement_values_match_numpy(shape, data, seed):
    x = normal(rng(seed), shape)
    t = autograd.tensor(x)
    nd = len(shape)
    perm = data.draw(st.permutations(range(nd)))
    d0, d1 = data.draw(st.integers(-nd, nd - 1)), data.draw(st.integers(-nd, nd - 1))
    reps = tuple(data.draw(st.lists(st.integers(1, 3), min_size=nd, max_size=nd + 1)))
    np.testing.assert_array_equal(t.reshape(-1).data, x.reshape(-1))
    np.testing.assert_array_equal(t.view(tuple(reversed(shape))).data,
                                  x.reshape(tuple(reversed(shape))))
    np.testing.assert_array_equal(t.T.data, x.T)
    np.testing.assert_array_equal(t.permute(*perm).data, x.transpose(perm))
    np.testing.assert_array_equal(t.transpose(d0, d1).data, np.swapaxes(x, d0, d1))
    np.testing.assert_array_equal(t.flatten().data, x.flatten())
    np.testing.assert_array_equal(t.unsqueeze(0).squeeze(0).data, x)
    np.testing.assert_array_equal(t.expand((2,) + shape).data, np.broadcast_to(x, (2,) + shape))
    np.testing.assert_array_equal(t.repeat(*reps).data, np.tile(x, reps))
    np.testing.assert_array_equal(t.clone().data, x)
    assert t.clone().data is not t.data


def test_indexing_values_match_numpy():
    x = np.arange(60.0).reshape(4, 5, 3)
    t = autograd.tensor(x)
    for idx in [1, -1, slice(1, 3), (slice(None), 2), (Ellipsis, -1), (None, 0),
                np.array([3, 3, 0]), [1, 0, 1], (np.array([0, 0]), np.array([4, 4])),
                x > 30, np.array([True, False, True, False]),
                (slice(None, None, -1), [0, 2])]:
        np.testing.assert_array_equal(t[idx].data, x[idx])
    np.testing.assert_array_equal(t[autograd.tensor([2, 2])].data, x[[2, 2]])
    np.testing.assert_array_equal(t[t > 30].data, x[x > 30])


def test_cat_stack_split_chunk_pad_values_match_numpy():
    r = rng(1)
    a, b = normal(r, (2, 3)), normal(r, (2, 1))
    np.testing.assert_array_equal(
        autograd.cat([autograd.tensor(a), autograd.tensor(b)], dim=1).data,
        np.concatenate([a, b], axis=1))
    np.testing.assert_array_equal(
        autograd.stack([autograd.tensor(a), autograd.tensor(a * 2)], axis=-1).data,
        np.stack([a, a * 2], axis=-1))
    parts = autograd.tensor(a).split([1, 2], dim=1)
    assert [p.shape for p in parts] == [(2, 1), (2, 2)]
    np.testing.assert_array_equal(parts[1].data, a[:, 1:])
    chunks = autograd.tensor(np.arange(7.0)).chunk(3)
    assert [c.shape for c in chunks] == [(3,), (3,), (1,)]  # PyTorch's chunk sizes
    np.testing.assert_array_equal(autograd.pad(autograd.tensor(a), (1, 0, 0, 2), value=9.0).data,
                                  np.pad(a, [(0, 2), (1, 0)], constant_values=9.0))


# ================================================================ dtype rules
def test_python_data_default_dtypes():
    assert autograd.tensor(1.5).dtype == np.float32
    assert autograd.tensor(3).dtype == np.int64
    assert autograd.tensor(True).dtype == np.bool_
    assert autograd.tensor([1, 2.5]).dtype == np.float32
    assert autograd.tensor([[1, 2], [3, 4]]).dtype == np.int64
    # NumPy data keeps its dtype
    assert autograd.tensor(np.array([1.0, 2.0])).dtype == np.float64
    assert autograd.tensor(np.array([1, 2], dtype=np.int32)).dtype == np.int32
    assert autograd.tensor(np.float64(1.5)).dtype == np.float64
    assert autograd.tensor([1.0], dtype=np.float64).dtype == np.float64


def test_python_scalars_take_the_tensor_dtype():
    x64 = autograd.tensor(np.array([1.0, 3.0, 1e8]))
    for out, expected in [(x64 * 1.000001, x64.data * 1.000001),
                          (1.000001 * x64, x64.data * 1.000001),
                          (x64 + 1e-9, x64.data + 1e-9),
                          (x64 / 3.0, x64.data / 3.0),
                          (0.1 - x64, 0.1 - x64.data),
                          (x64 ** 1.1, x64.data ** 1.1)]:
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out.data, expected)  # full float64 precision
    y = x64 * 1.000001
    assert y.data[0] != np.float32(1.000001)
    x32 = autograd.tensor(np.array([1.0, 3.0], dtype=np.float32))
    for out in (x32 * 2.0, 2.0 * x32, x32 + 1, x32 / 3, 1.5 - x32, x32 ** 2.0, 2.0 ** x32,
                x32 * np.float64(2.0), autograd.maximum(x32, 0.5), autograd.where(
                    x32.data > 1, x32, 0.1), x32.clamp(0.5, 2.5)):
        assert out.dtype == np.float32


def test_integer_tensor_promotion():
    i = autograd.tensor([1, 2, 3])
    assert (i + 0.5).dtype == np.float32
    np.testing.assert_array_equal((i + 0.5).data, [1.5, 2.5, 3.5])
    assert (0.5 * i).dtype == np.float32
    assert (i / 2).dtype == np.float32  # true division, as in PyTorch
    np.testing.assert_array_equal((i / 2).data, [0.5, 1.0, 1.5])
    assert (i + 1).dtype == np.int64
    assert (i * 2).dtype == np.int64
    assert (i ** 2).dtype == np.int64
    assert (i ** 0.5).dtype == np.float32
    assert (-i).dtype == np.int64
    assert i.abs().dtype == np.int64
    assert i.sum().dtype == np.int64
    assert autograd.tensor([True, True, False]).sum().item() == 2
    assert i.exp().dtype == np.float32
    assert i.sigmoid().dtype == np.float32
    assert (i + autograd.tensor(np.ones(3, dtype=np.float32))).dtype == np.float32
    assert (i + autograd.tensor(np.ones(3))).dtype == np.float64
    assert (autograd.tensor(np.ones(3, np.int32)) + i).dtype == np.int64


def test_two_float_tensors_promote():
    a32 = autograd.tensor(np.ones(2, np.float32), requires_grad=True)
    b64 = autograd.tensor(np.ones(2), requires_grad=True)
    assert (a32 + b64).dtype == np.float64
    assert (a32 @ b64).dtype == np.float64
    assert autograd.cat([a32, b64]).dtype == np.float64
    (a32 @ b64).backward()
    assert a32.grad.dtype == np.float32
    assert b64.grad.dtype == np.float64


_x32 = np.array([[0.6, 1.3, 0.9], [1.2, 0.7, 1.45]], dtype=np.float32)

FLOAT32_OPS = {
    "add scalar": lambda t: t + 1.5, "rsub scalar": lambda t: 2.0 - t,
    "rdiv scalar": lambda t: 2.0 / t, "mul numpy f32": lambda t: t * np.ones(3, np.float32),
    "div tensor": lambda t: t / (t + 1), "neg": lambda t: -t,
    "pow 2": lambda t: t ** 2, "pow 0.5": lambda t: t ** 0.5, "pow -1.5": lambda t: t ** -1.5,
    "pow tensor": lambda t: t ** t, "scalar ** t": lambda t: 2.0 ** t,
    "int ** t": lambda t: 3 ** t,
    "exp": lambda t: t.exp(), "log": lambda t: t.log(), "sqrt": lambda t: t.sqrt(),
    "abs": lambda t: (t - 1).abs(), "sin": lambda t: t.sin(), "cos": lambda t: t.cos(),
    "tanh": lambda t: t.tanh(), "sigmoid": lambda t: t.sigmoid(), "relu": lambda t: (t - 1).relu(),
    "leaky_relu": lambda t: (t - 1).leaky_relu(0.1), "elu": lambda t: (t - 1).elu(),
    "softplus": lambda t: t.softplus(), "softplus linear": lambda t: t.softplus(threshold=1.0),
    "clamp": lambda t: t.clamp(0.7, 1.25), "clamp tensor": lambda t: t.clamp(t * 0.5 + 0.3),
    "maximum scalar": lambda t: autograd.maximum(t, 1.0),
    "minimum tensor": lambda t: autograd.minimum(t, 2.0 - t),
    "where scalar": lambda t: autograd.where(t.data > 1, t, 0.0),
    "where tensor": lambda t: autograd.where(t.data > 1, t, t * 2),
    "sum": lambda t: t.sum(0), "mean": lambda t: t.mean(1), "var": lambda t: t.var(0),
    "std": lambda t: t.std(), "var biased": lambda t: t.var(1, unbiased=False),
    "max": lambda t: t.max(), "max dim": lambda t: t.max(1).values,
    "min dim": lambda t: t.min(0)[0], "amax": lambda t: t.amax((0, 1)),
    "logsumexp": lambda t: t.logsumexp(1), "softmax": lambda t: t.softmax(0),
    "log_softmax": lambda t: t.log_softmax(1), "norm": lambda t: t.norm(),
    "matmul": lambda t: t @ t.T, "matmul vec": lambda t: t @ t[0],
    "matmul batch": lambda t: t.reshape(1, 2, 3) @ t.T,
    "reshape": lambda t: t.reshape(3, 2), "T": lambda t: t.T,
    "permute": lambda t: t.permute(1, 0), "flatten": lambda t: t.flatten(),
    "unsqueeze": lambda t: t.unsqueeze(0), "expand": lambda t: t.expand(4, 2, 3),
    "repeat": lambda t: t.repeat(2, 1), "index int": lambda t: t[1],
    "index repeats": lambda t: t[[0, 0, 1]], "index mask": lambda t: t[t.data > 1],
    "index step": lambda t: t[:, ::2], "cat": lambda t: autograd.cat([t, t * 2], 1),
    "stack": lambda t: autograd.stack([t, t]), "split": lambda t: t.split(1, 1)[1],
    "chunk": lambda t: t.chunk(2, 1)[0], "pad": lambda t: autograd.pad(t, (1, 2), value=2.5),
    "clone": lambda t: t.clone(), "square": lambda t: t.square(),
    "mul bool array": lambda t: t * (t.data > 1),
    "add int tensor": lambda t: t + autograd.tensor([1, 2, 3]),
}


@pytest.mark.parametrize("name", list(FLOAT32_OPS))
def test_float32_stays_float32_through_op_and_gradients(name):
    """Forward, first and second derivatives all stay float32.  `grad()`
    hands back exactly what the backward pass computed, so an upcast inside
    any backward formula shows up there (`.grad` of a leaf is cast to the
    leaf's dtype and would hide it)."""
    fn = FLOAT32_OPS[name]
    x = autograd.tensor(_x32.copy(), requires_grad=True)
    out = fn(x)
    assert out.dtype == np.float32, f"{name}: forward gave {out.dtype}"
    w = autograd.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(out.shape)
                        .astype(np.float32))
    (g,) = autograd.grad((out * w).sum(), x, create_graph=True)
    assert g.dtype == np.float32, f"{name}: gradient is {g.dtype}"
    if g.requires_grad:
        (h,) = autograd.grad((g * g).sum(), x, allow_unused=True)
        assert h is None or h.dtype == np.float32, f"{name}: second derivative is {h.dtype}"
    fn(x).sum().backward()
    assert x.grad.dtype == np.float32


# ======================================================= numerical extremes
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
def test_softmax_family_is_finite_for_huge_logits(dtype, name):
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4]], dtype=dtype)
    x = autograd.tensor(logits, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / invalid-value warnings either
        out = getattr(x, name)(-1)
        w = autograd.tensor(np.arange(1.0, out.numel() + 1).reshape(out.shape).astype(dtype))
        (out * w).sum().backward()
    assert out.dtype == dtype and x.grad.dtype == dtype
    assert np.isfinite(out.data).all(), out.data
    assert np.isfinite(x.grad.data).all(), x.grad.data
    shifted = logits.astype(np.float64) - logits.max(-1, keepdims=True)
    expected = {
        "softmax": lambda: _np_softmax(shifted, -1),
        "log_softmax": lambda: shifted - np.log(np.exp(shifted).sum(-1, keepdims=True)),
        "logsumexp": lambda: _np_logsumexp(logits.astype(np.float64), axis=-1),
    }[name]()
    np.testing.assert_allclose(out.data, expected, rtol=1e-6)


def test_softmax_family_with_minus_inf_masks():
    """Masked logits (-inf) get probability 0 and a finite gradient."""
    x = autograd.tensor(np.array([0.0, -np.inf, 1.0]), requires_grad=True)
    sm = x.softmax(0)
    np.testing.assert_allclose(sm.data, [1 / (1 + np.e), 0.0, np.e / (1 + np.e)])
    (sm * autograd.tensor(np.array([1.0, 2.0, 3.0]))).sum().backward()
    assert np.isfinite(x.grad.data).all()
    assert x.grad.data[1] == 0
    y = autograd.tensor(np.array([0.0, -np.inf, 1.0]), requires_grad=True)
    ls = y.log_softmax(0)
    assert ls.data[1] == -np.inf
    ls[[0, 2]].sum().backward()
    assert np.isfinite(y.grad.data).all()
    z = autograd.tensor(np.array([0.0, -np.inf]), requires_grad=True)
    lse = z.logsumexp(0)
    assert lse.item() == 0.0
    lse.backward()
    np.testing.assert_array_equal(z.grad.data, [1.0, 0.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_at_extremes(dtype):
    v = np.array([-1e4, -100.0, -30.0, 0.0, 30.0, 100.0, 1e4], dtype=dtype)
    x = autograd.tensor(v, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = x.sigmoid()
        s.sum().backward()
    assert s.dtype == dtype and x.grad.dtype == dtype
    assert s.data[0] == 0.0 and s.data[-1] == 1.0 and s.data[3] == 0.5
    assert np.all((s.data >= 0) & (s.data <= 1))
    assert np.all(np.diff(s.data) >= 0)
    if dtype == np.float64:
        # tiny outputs keep full relative precision (no 1 - (1 - tiny))
        np.testing.assert_allclose(s.data[1], np.exp(-100.0) / (1 + np.exp(-100.0)), rtol=1e-12)
    assert np.isfinite(x.grad.data).all()
    np.testing.assert_allclose(x.grad.data, s.data * (1 - s.data), rtol=1e-6, atol=1e-30)


@pytest.mark.parametrize("name", ["tanh", "softplus", "elu", "relu", "exp"])
def test_saturating_activations_have_finite_gradients(name):
    x = autograd.tensor(np.array([-1e3, -50.0, 0.5, 50.0, 80.0]), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        getattr(x, name)().sum().backward()
    assert np.isfinite(x.grad.data).all(), x.grad.data


@pytest.mark.parametrize("p", [0, 0.0, 1, 2, 3])
def test_pow_scalar_exponent_gradient_at_zero(p):
    """d/dx x**p at x = 0 is 0 for p = 0, 2, 3 and 1 for p = 1 (PyTorch gives
    the same); it must not be 0 * inf = NaN."""
    x = autograd.tensor(np.array([0.0, 2.0]), requires_grad=True)
    with np.errstate(all="ignore"):
        (x ** p).sum().backward()
    expected = [1.0 if p == 1 else 0.0, p * 2.0 ** (p - 1) if p else 0.0]
    np.testing.assert_allclose(x.grad.data, expected)


# ========================================================= result structure
def test_max_min_with_dim_return_values_indices_namedtuple():
    x = autograd.tensor(np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]), requires_grad=True)
    res = x.max(1)
    assert isinstance(res, tuple) and res._fields == ("values", "indices")
    values, indices = res
    assert values is res.values and indices is res[1]
    np.testing.assert_array_equal(values.data, [5.0, 6.0])
    np.testing.assert_array_equal(indices.data, [1, 2])
    assert indices.dtype == np.int64 and not indices.requires_grad
    assert values.requires_grad and values.grad_fn is not None
    kept = x.min(dim=0, keepdim=True)
    assert kept.values.shape == (1, 3) and kept.indices.shape == (1, 3)
    np.testing.assert_array_equal(kept.indices.data, [[0, 1, 0]])
    axis_form = x.max(axis=-1, keepdims=True)
    np.testing.assert_array_equal(axis_form.values.data, [[5.0], [6.0]])
    # without dim: one value, not a tuple
    assert x.max().item() == 6.0 and x.min().item() == 1.0
    values.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 1, 0], [0, 0, 1]])


def test_argmax_argmin():
    x = autograd.tensor(np.array([[1.0, 5.0, 3.0], [7.0, 2.0, 6.0]]), requires_grad=True)
    assert x.argmax().item() == 3 and x.argmin().item() == 0
    np.testing.assert_array_equal(x.argmax(1).data, [1, 0])
    np.testing.assert_array_equal(x.argmax(dim=0, keepdim=True).data, [[1, 0, 1]])
    np.testing.assert_array_equal(x.argmin(axis=1).data, [0, 1])
    np.testing.assert_array_equal(autograd.argmax(x, 1).data, [1, 0])
    out = x.argmax(1)
    assert out.dtype == np.int64 and not out.requires_grad and out.grad_fn is None


@pytest.mark.parametrize("op", ["==", "!=", "<", "<=", ">", ">="])
def test_comparisons_return_bool_tensors_without_grad(op):
    import operator
    f = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
         ">": operator.gt, ">=": operator.ge}[op]
    a = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    b = np.array([2.0, 2.0, 2.0])
    x = autograd.tensor(a, requires_grad=True)
    y = autograd.tensor(b, requires_grad=True)
    for out, expected in [(f(x, y), f(a, b)), (f(x, 2.0), f(a, 2.0)), (f(2.0, x), f(2.0, a)),
                          (f(x, b), f(a, b)), (f(b, x), f(b, a)), (f(x * 1, y), f(a, b))]:
        assert isinstance(out, autograd.Tensor)
        assert out.dtype == np.bool_
        assert not out.requires_grad and out.grad_fn is None
        np.testing.assert_array_equal(out.data, expected)


def test_logical_ops_on_bool_tensors():
    p = autograd.tensor([True, True, False, False])
    q = autograd.tensor([True, False, True, False])
    np.testing.assert_array_equal((p & q).data, [True, False, False, False])
    np.testing.assert_array_equal((p | q).data, [True, True, True, False])
    np.testing.assert_array_equal((p ^ q).data, [False, True, True, False])
    np.testing.assert_array_equal((~p).data, [False, False, True, True])


def test_numpy_interop():
    x = autograd.tensor(np.array([[1.0, 2.0], [3.0, 4.0]]))
    arr = np.asarray(x)
    assert isinstance(arr, np.ndarray) and arr.dtype == np.float64
    np.testing.assert_array_equal(arr, [[1, 2], [3, 4]])
    assert np.asarray(x, dtype=np.float32).dtype == np.float32
    assert np.shares_memory(x.detach().numpy(), x.data)  # views of one storage
    copy = np.array(x)
    copy[0, 0] = 99
    assert x.data[0, 0] == 1.0
    assert np.asarray(x * 2).shape == (2, 2)
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(x.requires_grad_())
    assert x.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_casts_between_dtypes():
    x = autograd.tensor(np.array([1.7, -2.5, 0.0]), requires_grad=True)
    for out, dt in [(x.float(), np.float32), (x.double(), np.float64), (x.half(), np.float16),
                    (x.astype(np.float32), np.float32), (x.to(np.float32), np.float32),
                    (x.to(autograd.float32), np.float32), (x.type(np.float64), np.float64)]:
        assert out.dtype == dt
        np.testing.assert_array_equal(out.data, x.data.astype(dt))
    assert x.float().requires_grad and x.float().grad_fn is not None
    for out, dt, vals in [(x.long(), np.int64, [1, -2, 0]), (x.int(), np.int32, [1, -2, 0]),
                          (x.bool(), np.bool_, [True, True, False])]:
        assert out.dtype == dt and not out.requires_grad
        np.testing.assert_array_equal(out.data, vals)
    i = autograd.tensor([1, 2])
    assert i.float().dtype == np.float32 and i.double().dtype == np.float64
    assert x.is_floating_point() and not i.is_floating_point()


def test_item_and_python_number_conversions():
    assert autograd.tensor(2.5).item() == 2.5
    assert isinstance(autograd.tensor(2.5).item(), float)
    assert isinstance(autograd.tensor(3).item(), int)
    assert autograd.tensor([[4.0]]).item() == 4.0
    assert float(autograd.tensor([1.5])) == 1.5
    assert int(autograd.tensor(7)) == 7
    x = autograd.tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert (x * x).sum().item() == 5.0
    assert bool(autograd.tensor(True)) is True


def test_repr_shows_dtype_and_history():
    x = autograd.tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert "requires_grad=True" in repr(x)
    assert "float64" in repr(x)
    y = x * 2
    assert "grad_fn=<MulBackward" in repr(y)
    assert "grad_fn=<SumBackward" in repr(y.sum())
    assert "grad_fn=<ExpBackward" in repr(x.exp())
    plain = autograd.tensor([1.0, 2.0])
    assert "grad_fn" not in repr(plain) and "requires_grad" not in repr(plain)
    assert repr(plain).startswith("tensor(")
    with autograd.no_grad():
        assert "grad_fn" not in repr(x * 2)


# ================================================================ factories
def test_factories_shapes_dtypes_values():
    for f, fill in ((autograd.zeros, 0.0), (autograd.ones, 1.0)):
        a, b = f(2, 3), f((2, 3))
        assert a.shape == b.shape == (2, 3)
        assert a.dtype == np.float32
        assert np.all(a.data == fill)
        assert f(4, dtype=np.float64).dtype == np.float64
        assert f(2, requires_grad=True).requires_grad
    assert autograd.full((2, 2), 1.5).dtype == np.float32
    assert autograd.full((2, 2), 7).dtype == np.int64
    np.testing.assert_array_equal(autograd.full((2,), 3.0).data, [3.0, 3.0])
    t = autograd.tensor(np.ones((2, 3)))
    assert autograd.zeros_like(t).dtype == np.float64 and autograd.zeros_like(t).shape == (2, 3)
    assert autograd.ones_like(autograd.tensor([1, 2])).dtype == np.int64
    assert autograd.ones_like(t, dtype=np.float32).dtype == np.float32
    assert np.all(autograd.ones_like(t).data == 1)
    np.testing.assert_array_equal(autograd.arange(5).data, np.arange(5))
    assert autograd.arange(5).dtype == np.int64
    np.testing.assert_array_equal(autograd.arange(1, 7, 2).data, [1, 3, 5])
    assert autograd.arange(0, 1, 0.25).dtype == np.float32
    np.testing.assert_allclose(autograd.arange(0, 1, 0.25).data, [0, 0.25, 0.5, 0.75])
    np.testing.assert_array_equal(autograd.eye(3).data, np.eye(3))
    np.testing.assert_array_equal(autograd.eye(2, 3).data, np.eye(2, 3))
    assert autograd.eye(2).dtype == np.float32
    assert autograd.zeros(0, 3).shape == (0, 3)


def test_random_factories_and_manual_seed_reproducibility():
    for f in (autograd.rand, autograd.randn):
        autograd.manual_seed(123)
        a = f(3, 4)
        autograd.manual_seed(123)
        b = f((3, 4))
        autograd.manual_seed(124)
        c = f(3, 4)
        assert a.shape == (3, 4) and a.dtype == np.float32
        np.testing.assert_array_equal(a.data, b.data)
        assert not np.array_equal(a.data, c.data)
        assert f(2, dtype=np.float64).dtype == np.float64
    autograd.manual_seed(0)
    u = autograd.rand(10000)
    assert u.data.min() >= 0 and u.data.max() < 1
    assert abs(u.data.mean() - 0.5) < 0.02
    n = autograd.randn(10000)
    assert abs(n.data.mean()) < 0.05 and abs(n.data.std() - 1) < 0.05
    autograd.manual_seed(5)
    seq1 = [autograd.randn(2).data for _ in range(3)]
    autograd.manual_seed(5)
    seq2 = [autograd.randn(2).data for _ in range(3)]
    for s1, s2 in zip(seq1, seq2):
        np.testing.assert_array_equal(s1, s2)
    assert not np.array_equal(seq1[0], seq1[1])


# ========================================================= against PyTorch
TORCH_CASES = {
    # name: (ours, torch's, input values) -- inputs include the kinks, where
    # the subgradient convention is checked against PyTorch's
    "relu": (lambda t: t.relu(), lambda t: t.relu(), [-1.0, 0.0, 2.0]),
    "abs": (lambda t: t.abs(), lambda t: t.abs(), [-1.0, 0.0, 2.0]),
    "leaky_relu": (lambda t: t.leaky_relu(0.2),
                   lambda t: __import__("torch").nn.functional.leaky_relu(t, 0.2),
                   [-1.0, 0.0, 2.0]),
    "elu": (lambda t: t.elu(0.5), lambda t: __import__("torch").nn.functional.elu(t, 0.5),
            [-1.0, 0.0, 2.0]),
    "softplus": (lambda t: t.softplus(beta=2.0, threshold=3.0),
                 lambda t: __import__("torch").nn.functional.softplus(t, beta=2.0, threshold=3.0),
                 [-3.0, 0.1, 1.0, 2.0]),
    "clamp": (lambda t: t.clamp(-0.5, 0.5), lambda t: t.clamp(-0.5, 0.5),
              [-1.0, -0.5, 0.0, 0.5, 1.0]),
    "max": (lambda t: t.max(), lambda t: t.max(), [1.0, 3.0, 3.0, 2.0]),
    "amax": (lambda t: t.amax(0), lambda t: t.amax(0), [1.0, 3.0, 3.0, 2.0]),
    "sigmoid": (lambda t: t.sigmoid(), lambda t: t.sigmoid(), [-40.0, 0.0, 3.0]),
    "tanh": (lambda t: t.tanh(), lambda t: t.tanh(), [-4.0, 0.0, 3.0]),
    "log_softmax": (lambda t: t.log_softmax(0), lambda t: t.log_softmax(0), [1.0, 2.0, -3.0]),
    "softmax": (lambda t: t.softmax(0), lambda t: t.softmax(0), [1.0, 2.0, -3.0]),
    "logsumexp": (lambda t: t.logsumexp(0), lambda t: t.logsumexp(0), [1.0, 2.0, -3.0]),
    "var": (lambda t: t.var(), lambda t: t.var(), [1.0, 2.0, 4.0]),
    "std biased": (lambda t: t.std(unbiased=False), lambda t: t.std(unbiased=False),
                   [1.0, 2.0, 4.0]),
    "pow": (lambda t: t ** 3, lambda t: t ** 3, [-1.0, 0.0, 2.0]),
    "rpow": (lambda t: 2.0 ** t, lambda t: 2.0 ** t, [-1.0, 0.0, 2.0]),
    "sqrt": (lambda t: t.sqrt(), lambda t: t.sqrt(), [0.5, 1.0, 4.0]),
}


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_values_and_gradients_match_pytorch(name):
    torch = pytest.importorskip("torch")
    ours, theirs, values = TORCH_CASES[name]
    v = np.array(values)
    x = autograd.tensor(v, requires_grad=True)
    tx = torch.tensor(v, requires_grad=True)
    out, tout = ours(x), theirs(tx)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12, atol=1e-15)
    w = np.linspace(1.0, 2.0, out.numel()).reshape(out.shape)
    (out * autograd.tensor(w)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_matmul_broadcast_and_maximum_ties_match_pytorch():
    torch = pytest.importorskip("torch")
    r = rng(3)
    a, b = normal(r, (4, 1, 2, 3)), normal(r, (5, 3, 2))
    x, y = autograd.tensor(a, requires_grad=True), autograd.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (x @ y).sum().backward()
    (tx @ ty).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(y.grad.data, ty.grad.numpy(), rtol=1e-12)
    p, q = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0])
    x, y = autograd.tensor(p, requires_grad=True), autograd.tensor(q, requires_grad=True)
    tx, ty = torch.tensor(p, requires_grad=True), torch.tensor(q, requires_grad=True)
    autograd.maximum(x, y).sum().backward()
    torch.maximum(tx, ty).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())
    np.testing.assert_allclose(y.grad.data, ty.grad.numpy())

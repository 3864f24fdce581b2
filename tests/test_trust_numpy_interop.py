"""NumPy interop without silent gradient loss, and no writes behind the
version counter's back.

* NumPy ufuncs and functions on tensors run chainrule's differentiable op
  when there is one (``np.exp(t)`` is ``t.exp()``), compute in NumPy when
  no gradient is at stake, and otherwise raise a TypeError naming the NumPy
  function -- never a plain array whose gradient silently vanished.
* ``ndarray <op> tensor`` is the tensor's reflected operator: same dtype,
  same values, same gradient.
* The arrays chainrule hands out (``.data``, ``np.asarray(t)``,
  ``.numpy()``) are read-only views, so a write that the version counter
  would not see is refused; ``.numpy()`` refuses tensors that require grad
  (PyTorch: "Can't call numpy() on Tensor that requires grad").
"""
import numpy as np
import pytest

import autograd as ag
from autograd import gradcheck, gradgradcheck, no_grad

NUMPY2 = int(np.__version__.split(".")[0]) >= 2


def f64(*shape, seed=0, lo=None, hi=None):
    r = np.random.default_rng(seed)
    values = r.standard_normal(shape) if lo is None else r.uniform(lo, hi, size=shape)
    return ag.tensor(values, requires_grad=True)


def away_from_zero(*shape, seed=0):
    r = np.random.default_rng(seed)
    sign = np.where(r.random(shape) < 0.5, -1.0, 1.0)
    return ag.tensor(sign * r.uniform(0.5, 2.0, size=shape), requires_grad=True)


def snapshot(t):
    return t._data.copy(), t._vc[0], None if t.grad is None else t.grad._data.copy()


def assert_unchanged(t, snap):
    data, version, grad = snap
    np.testing.assert_array_equal(t._data, data)
    assert t._vc[0] == version
    if grad is None:
        assert t.grad is None
    else:
        np.testing.assert_array_equal(t.grad._data, grad)


# --------------------------------------------------------- ufunc dispatch
UNARY = [  # (ufunc, the chainrule method it must equal, input)
    (np.exp, ag.Tensor.exp, lambda: f64(2, 3)),
    (np.log, ag.Tensor.log, lambda: f64(2, 3, lo=0.5, hi=2.0)),
    (np.sqrt, ag.Tensor.sqrt, lambda: f64(2, 3, lo=0.5, hi=2.0)),
    (np.abs, ag.Tensor.abs, lambda: away_from_zero(2, 3)),
    (np.sin, ag.Tensor.sin, lambda: f64(2, 3)),
    (np.cos, ag.Tensor.cos, lambda: f64(2, 3)),
    (np.tanh, ag.Tensor.tanh, lambda: f64(2, 3)),
    (np.negative, ag.Tensor.__neg__, lambda: f64(2, 3)),
    (np.square, ag.Tensor.square, lambda: f64(2, 3)),
    (np.reciprocal, ag.Tensor.reciprocal, lambda: away_from_zero(2, 3)),
]


@pytest.mark.parametrize("ufunc,method,make", UNARY, ids=[u.__name__ for u, _, _ in UNARY])
def test_unary_ufunc_runs_the_differentiable_op(ufunc, method, make):
    x = make()
    y = ufunc(x)
    assert isinstance(y, ag.Tensor) and y.requires_grad and y.dtype == np.float64
    np.testing.assert_array_equal(y.data, method(x).data)
    np.testing.assert_allclose(y.data, ufunc(x.detach().numpy()), rtol=1e-12)
    assert gradcheck(ufunc, (x,))
    assert gradgradcheck(ufunc, (x,))


BINARY = [  # (ufunc, chainrule equivalent, left input, right input)
    (np.add, lambda a, b: a + b, lambda: f64(2, 3), lambda: f64(3, seed=1)),
    (np.subtract, lambda a, b: a - b, lambda: f64(2, 3), lambda: f64(3, seed=1)),
    (np.multiply, lambda a, b: a * b, lambda: f64(2, 3), lambda: f64(3, seed=1)),
    (np.divide, lambda a, b: a / b, lambda: f64(2, 3), lambda: away_from_zero(3, seed=1)),
    (np.power, lambda a, b: a ** b, lambda: f64(2, 3, lo=0.5, hi=2.0), lambda: f64(3, seed=1)),
    (np.maximum, ag.maximum, lambda: f64(2, 3), lambda: f64(2, 3, seed=1)),
    (np.minimum, ag.minimum, lambda: f64(2, 3), lambda: f64(2, 3, seed=1)),
    (np.matmul, lambda a, b: a @ b, lambda: f64(2, 3), lambda: f64(3, 4, seed=1)),
]


@pytest.mark.parametrize("ufunc,op,make_a,make_b", BINARY, ids=[u.__name__ for u, *_ in BINARY])
def test_binary_ufunc_runs_the_differentiable_op(ufunc, op, make_a, make_b):
    a, b = make_a(), make_b()
    y = ufunc(a, b)
    assert isinstance(y, ag.Tensor) and y.requires_grad
    np.testing.assert_array_equal(y.data, op(a, b).data)
    np.testing.assert_allclose(y.data, ufunc(a.detach().numpy(), b.detach().numpy()),
                               rtol=1e-12)
    assert gradcheck(ufunc, (a, b))
    assert gradgradcheck(ufunc, (a, b))


def test_ufunc_with_a_python_scalar_keeps_the_tensor_dtype():
    x = ag.tensor([1.0, 2.0], requires_grad=True)  # float32
    y = np.multiply(x, 1.5)
    assert y.dtype == np.float32 and y.grad_fn is not None
    y = np.power(x, 2)
    assert y.dtype == np.float32
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.array([2.0, 4.0], dtype=np.float32))


def test_ufunc_dtype_argument_casts_differentiably():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = np.exp(x, dtype=np.float64)
    assert y.dtype == np.float64 and y.requires_grad
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, np.exp([1.0, 2.0]), rtol=1e-6)


def test_bool_valued_ufuncs_compute_even_when_grad_is_required():
    x = ag.tensor([-1.0, np.nan, 2.0], requires_grad=True)
    for ufunc, expected in ((np.isnan, [False, True, False]),
                            (np.isfinite, [True, False, True]),
                            (np.signbit, [True, False, False]),
                            (np.greater, [False, False, True])):
        args = (x, 0.0) if ufunc.nin == 2 else (x,)
        r = ufunc(*args)
        assert isinstance(r, ag.Tensor) and r.dtype == np.bool_ and not r.requires_grad
        np.testing.assert_array_equal(r.data, expected)


def test_sign_matches_the_tensor_method():
    x = ag.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    np.testing.assert_array_equal(np.sign(x).data, x.sign().data)


# ------------------------------------------------------- function dispatch
def _reduce_cases():
    x = lambda: f64(3, 4)  # noqa: E731
    return [
        ("sum", lambda a: np.sum(a), x),
        ("sum-axis", lambda a: np.sum(a, axis=0), x),
        ("sum-positional-keepdims", lambda a: np.sum(a, 1, None, None, True), x),
        ("mean", lambda a: np.mean(a, axis=(0, 1)), x),
        ("mean-keepdims", lambda a: np.mean(a, axis=1, keepdims=True), x),
        ("max", lambda a: np.max(a), x),
        ("amax-axis", lambda a: np.amax(a, axis=1), x),
        ("min-axis", lambda a: np.min(a, axis=0, keepdims=True), x),
        ("amin", lambda a: np.amin(a), x),
        ("var", lambda a: np.var(a), x),
        ("var-ddof", lambda a: np.var(a, axis=0, ddof=1), x),
        ("std", lambda a: np.std(a, axis=1), x),
        ("std-ddof-keepdims", lambda a: np.std(a, ddof=1, keepdims=True), x),
    ]


def _movement_cases():
    return [
        ("reshape", lambda a: np.reshape(a, (4, 3)), lambda: f64(3, 4)),
        ("reshape-int", lambda a: np.reshape(a, -1), lambda: f64(3, 4)),
        ("ravel", lambda a: np.ravel(a), lambda: f64(3, 4)),
        ("transpose", lambda a: np.transpose(a), lambda: f64(2, 3, 4)),
        ("transpose-axes", lambda a: np.transpose(a, (1, 0, 2)), lambda: f64(2, 3, 4)),
        ("swapaxes", lambda a: np.swapaxes(a, 0, 2), lambda: f64(2, 3, 4)),
        ("squeeze", lambda a: np.squeeze(a, axis=1), lambda: f64(3, 1, 2)),
        ("expand_dims", lambda a: np.expand_dims(a, 0), lambda: f64(3, 2)),
        ("broadcast_to", lambda a: np.broadcast_to(a, (4, 3)), lambda: f64(3)),
        ("copy", lambda a: np.copy(a), lambda: f64(3)),
        ("concatenate", lambda a: np.concatenate([a, a * 2], axis=1), lambda: f64(2, 3)),
        ("concatenate-array", lambda a: np.concatenate((np.ones((1, 3)), a)), lambda: f64(2, 3)),
        ("concatenate-flat", lambda a: np.concatenate([a, a], axis=None), lambda: f64(2, 3)),
        ("stack", lambda a: np.stack([a, a * 3], axis=1), lambda: f64(2, 3)),
        ("where", lambda a: np.where(a > 0, a, a * 0.5), lambda: away_from_zero(2, 3)),
        ("where-array", lambda a: np.where(np.array([True, False, True]), a, 0.0),
         lambda: f64(2, 3)),
        ("clip", lambda a: np.clip(a, -0.7, 0.7), lambda: away_from_zero(4, 3)),
        ("dot-2d", lambda a: np.dot(a, a.T), lambda: f64(2, 3)),
        ("dot-1d", lambda a: np.dot(a, np.arange(3.0)), lambda: f64(3)),
    ]


FUNCTIONS = _reduce_cases() + _movement_cases()


@pytest.mark.parametrize("name,fn,make", FUNCTIONS, ids=[c[0] for c in FUNCTIONS])
def test_numpy_function_runs_the_differentiable_op(name, fn, make):
    x = make()
    y = fn(x)
    assert isinstance(y, ag.Tensor) and y.requires_grad, name
    plain = fn(x.detach().numpy())  # NumPy itself, on the values
    assert not isinstance(plain, ag.Tensor)
    assert y.shape == np.shape(plain)
    np.testing.assert_allclose(y.data, plain, rtol=1e-12, atol=1e-15)
    assert gradcheck(fn, (x,))


def test_numpy_var_and_std_default_to_the_population_formula():
    """np.var divides by n (ddof=0), Tensor.var by n - 1 (PyTorch): the
    NumPy call keeps NumPy's meaning."""
    x = ag.tensor([1.0, 2.0, 3.0, 4.0], dtype=np.float64, requires_grad=True)
    assert np.var(x).item() == 1.25
    assert x.var().item() == pytest.approx(5 / 3, rel=1e-12)
    assert np.std(x, ddof=1).item() == pytest.approx(np.sqrt(5 / 3), rel=1e-12)


def test_sum_and_mean_dtype_argument():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    s = np.sum(x, dtype=np.float64)
    assert s.dtype == np.float64 and s.requires_grad
    s.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    assert np.mean(x, dtype=np.float64).dtype == np.float64


def test_max_with_axis_returns_values_as_numpy_does():
    x = ag.tensor([[1.0, 5.0], [7.0, 2.0]], requires_grad=True)
    m = np.max(x, axis=1)
    assert isinstance(m, ag.Tensor)
    np.testing.assert_array_equal(m.data, [5.0, 7.0])
    m.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0.0, 1.0], [1.0, 0.0]])


def test_results_without_a_gradient_are_computed_whatever_grad_requires():
    x = ag.tensor([[3.0, 1.0], [2.0, 4.0]], requires_grad=True)
    assert np.shape(x) == (2, 2) and np.ndim(x) == 2 and np.size(x) == 4
    idx = np.argmax(x, axis=1)
    assert isinstance(idx, ag.Tensor) and idx.dtype == np.int64
    np.testing.assert_array_equal(idx.data, [0, 1])
    assert np.argmin(x).item() == 1
    order = np.argsort(x, axis=1)
    assert isinstance(order, ag.Tensor) and not order.requires_grad
    np.testing.assert_array_equal(order.data, [[1, 0], [0, 1]])
    rows, cols = np.where(x > 2.5)
    np.testing.assert_array_equal(rows.data, [0, 1])
    np.testing.assert_array_equal(cols.data, [0, 1])
    assert np.allclose(x, x) is True
    z = np.zeros_like(x)
    assert isinstance(z, ag.Tensor) and not z.requires_grad
    np.testing.assert_array_equal(z.data, np.zeros((2, 2)))
    np.testing.assert_array_equal(np.isclose(x, 3.0).data, [[True, False], [False, False]])


@pytest.mark.skipif(np.lib.NumpyVersion(np.__version__) < "2.1.0",
                    reason="np.clip's min=/max= are NumPy >= 2.1")
def test_clip_accepts_numpys_min_max_keywords():
    x = ag.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    np.testing.assert_array_equal(np.clip(x, min=-1.0, max=1.0).data, [-1.0, 0.5, 1.0])


# ------------------------------------------------ refused: no silent cuts
REFUSED = [  # (call, what the message must name)
    (lambda x: np.cumsum(x), "np.cumsum"),
    (lambda x: np.prod(x), "np.prod"),
    (lambda x: np.floor(x), "np.floor"),
    (lambda x: np.expm1(x), "np.expm1"),
    (lambda x: np.linalg.norm(x), "np.linalg.norm"),
    (lambda x: np.add.reduce(x), "np.add.reduce"),
    (lambda x: np.multiply.outer(x, x), "np.multiply.outer"),
    (lambda x: np.sum(x, where=np.array([True, False, True])), "where="),
    (lambda x: np.sum(x, initial=1.0), "initial="),
    (lambda x: np.add(x, 1.0, where=np.array([True, False, True])), "where="),
    (lambda x: np.sum(x, dtype=np.int64), "dtype=int64"),
    (lambda x: np.exp(x, dtype=np.int64), "dtype=int64"),
    (lambda x: np.reshape(x, (3, 1), order="F"), "order='F'"),
    (lambda x: np.expand_dims(x, (0, 1)), "np.expand_dims"),
    (lambda x: np.dot(x.reshape(1, 1, 3), x.reshape(3, 1)), "np.dot"),
]


@pytest.mark.parametrize("call,named", REFUSED, ids=[n for _, n in REFUSED])
def test_unsupported_numpy_call_on_a_tensor_needing_grad_is_refused(call, named):
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.grad = ag.tensor([0.5, 0.5, 0.5])
    before = snapshot(x)
    with pytest.raises(TypeError) as info:
        call(x)
    msg = str(info.value)
    assert named in msg and "requires grad" in msg and "detach()" in msg
    assert_unchanged(x, before)


@pytest.mark.parametrize("call,named", REFUSED[:7], ids=[n for _, n in REFUSED[:7]])
def test_the_same_calls_compute_in_numpy_when_no_gradient_is_at_stake(call, named):
    values = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    x = ag.tensor(values, requires_grad=True)
    expected = call(values)
    for y in (call(x.detach()), _under_no_grad(call, x)):
        assert isinstance(y, ag.Tensor) and not y.requires_grad
        np.testing.assert_array_equal(y.data, expected)
        assert y.dtype == np.asarray(expected).dtype


def _under_no_grad(call, x):
    with no_grad():
        return call(x)


def test_numpy_scalar_results_come_back_as_0d_tensors():
    y = np.prod(ag.tensor([2.0, 3.0]))
    assert isinstance(y, ag.Tensor) and y.shape == () and y.item() == 6.0


def test_a_numpy_view_result_gets_storage_of_its_own():
    """np.atleast_2d returns a view of the (read-only) array it was given;
    the tensor made from it must be writable and independent."""
    u = ag.tensor([1.0, 2.0])
    v = np.atleast_2d(u)
    assert isinstance(v, ag.Tensor) and v.shape == (1, 2)
    v.add_(1.0)
    np.testing.assert_array_equal(u.data, [1.0, 2.0])
    assert u._vc[0] == 0


# ------------------------------------------------------------------ out=
def test_ufunc_out_tensor_is_an_in_place_op():
    z = ag.zeros(3)
    r = np.add(ag.tensor([1.0, 2.0, 3.0]), 1.0, out=z)
    assert r is z and z._vc[0] == 1
    np.testing.assert_array_equal(z.data, [2.0, 3.0, 4.0])


def test_out_tensor_with_only_array_inputs():
    z = ag.zeros(2)
    assert np.exp(np.zeros(2, dtype=np.float32), out=z) is z
    np.testing.assert_array_equal(z.data, [1.0, 1.0])
    np.add(np.ones(2), np.ones(2), out=z)
    np.testing.assert_array_equal(z.data, [2.0, 2.0])
    assert z.dtype == np.float32 and z._vc[0] == 2


def test_out_tensor_is_recorded_like_copy_():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    z = x * 1.0  # non-leaf
    np.multiply(z, 3.0, out=z)
    np.sum(z, out=ag.zeros(()))  # reductions take out= too
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])


def test_out_into_a_leaf_that_requires_grad_is_refused():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    before = snapshot(x)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        np.add(x, 1.0, out=x)
    assert_unchanged(x, before)


def test_out_with_where_writes_only_the_selected_entries():
    z = ag.tensor([9.0, 9.0, 9.0])
    np.add(ag.tensor([1.0, 2.0, 3.0]), 1.0, out=z, where=np.array([True, False, True]))
    np.testing.assert_array_equal(z.data, [2.0, 9.0, 4.0])
    assert z._vc[0] == 1


def test_array_out_from_a_tensor_needing_grad_is_refused():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    arr = np.zeros(2, dtype=np.float32)
    with pytest.raises(TypeError, match=r"np\.add\(\).*out= is a NumPy array"):
        arr += x
    np.testing.assert_array_equal(arr, [0.0, 0.0])
    with pytest.raises(TypeError, match=r"np\.sum\(\).*out= is a NumPy array"):
        np.sum(x, out=np.zeros((), dtype=np.float32))


def test_array_in_place_with_a_plain_tensor_still_works():
    arr = np.zeros(2)
    arr += ag.tensor([1.0, 2.0])
    assert type(arr) is np.ndarray and arr.dtype == np.float64
    np.testing.assert_array_equal(arr, [1.0, 2.0])


# ------------------------------------------------- ndarray <op> Tensor
OPERATORS = [
    ("+", lambda a, b: a + b, "__radd__"),
    ("-", lambda a, b: a - b, "__rsub__"),
    ("*", lambda a, b: a * b, "__rmul__"),
    ("/", lambda a, b: a / b, "__rtruediv__"),
    ("**", lambda a, b: a ** b, "__rpow__"),
]
ARRAYS = [np.array([1.5, 2.0, 3.0], dtype=np.float64),
          np.array([1.5, 2.0, 3.0], dtype=np.float32),
          np.array([1, 2, 3], dtype=np.int64)]


@pytest.mark.parametrize("sym,op,reflected", OPERATORS, ids=[o[0] for o in OPERATORS])
@pytest.mark.parametrize("t_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("arr", ARRAYS, ids=lambda a: str(a.dtype))
def test_array_op_tensor_is_the_reflected_operator(sym, op, reflected, t_dtype, arr):
    t1 = ag.tensor(np.array([0.5, 1.5, 2.5], dtype=t_dtype), requires_grad=True)
    t2 = ag.tensor(np.array([0.5, 1.5, 2.5], dtype=t_dtype), requires_grad=True)
    ours = op(arr, t1)
    ref = getattr(t2, reflected)(arr)
    assert isinstance(ours, ag.Tensor) and ours.requires_grad
    assert ours.dtype == ref.dtype
    np.testing.assert_array_equal(ours.data, ref.data)
    ours.sum().backward()
    ref.sum().backward()
    assert t1.grad.dtype == t_dtype
    np.testing.assert_array_equal(t1.grad.data, t2.grad.data)


def test_array_op_tensor_dtypes_follow_pytorch():
    f32 = ag.tensor([1.0, 2.0], requires_grad=True)
    f64t = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    assert (np.ones(2) * f32).dtype == np.float64  # two dimensioned floats promote
    assert (np.ones(2, dtype=np.int64) * f32).dtype == np.float32  # floats win over ints
    assert (np.ones(2, dtype=np.float32) + f64t).dtype == np.float64
    assert (np.float64(2.0) * f32).dtype == np.float32  # NumPy scalars act as Python ones
    assert (np.float32(2.0) ** f32).dtype == np.float32
    y = np.arange(2) @ f32  # int64 @ float32
    assert y.dtype == np.float32 and y.shape == ()
    y.backward()
    np.testing.assert_array_equal(f32.grad.data, [0.0, 1.0])


def test_array_matmul_and_comparisons_with_tensors():
    w = f64(3, 2)
    a = np.arange(6.0).reshape(2, 3)
    y = a @ w
    np.testing.assert_array_equal(y.data, w.__rmatmul__(a).data)
    assert gradcheck(lambda w: a @ w, (w,))
    t = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for r, expected in ((np.array([2.0, 2.0, 2.0]) < t, [False, False, True]),
                        (np.array([2.0, 2.0, 2.0]) == t, [False, True, False])):
        assert isinstance(r, ag.Tensor) and r.dtype == np.bool_
        np.testing.assert_array_equal(r.data, expected)


def test_array_op_tensor_against_pytorch_gradients():
    torch = pytest.importorskip("torch")
    arr = np.array([[1.0, -2.0], [0.5, 3.0]])
    x = ag.tensor(np.array([0.3, 0.7]), requires_grad=True)
    tx = torch.tensor([0.3, 0.7], dtype=torch.float64, requires_grad=True)
    (np.exp(arr * x) / (arr @ x + 4.0)).sum().backward()
    ta = torch.tensor(arr)
    ((ta * tx).exp() / (ta @ tx + 4.0)).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)


# ----------------------------------------------- read-only exports
def _exports(t):
    return {
        ".data.numpy()": t.data.numpy(),
        "np.asarray": np.asarray(t.detach()),
        "np.asarray(same dtype)": np.asarray(t.detach(), dtype=t.dtype),
        "detach().numpy()": t.detach().numpy(),
        ".numpy(force=True)": t.numpy(force=True),
    }


WRITES = {
    "setitem": lambda a: a.__setitem__(0, 5.0),
    "slice-assign": lambda a: a.__setitem__(slice(None), 0.0),
    "iadd": lambda a: a.__iadd__(1.0),
    "fill": lambda a: a.fill(0.0),
    "copyto": lambda a: np.copyto(a, 0.0),
    "ufunc-out": lambda a: np.multiply(a, 2.0, out=a),
    "reshape-view": lambda a: a.reshape(-1).__setitem__(0, 5.0),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=list(WRITES))
def test_writes_through_every_export_are_refused(write):
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    before = snapshot(x)
    for name, arr in _exports(x).items():
        assert not arr.flags.writeable, name
        assert np.shares_memory(arr, x._data), name  # a view, not a copy
        with pytest.raises(ValueError, match="read-only"):
            write(arr)
        assert_unchanged(x, before)


NUMPY_WRITES = {
    "np.copyto": lambda t: np.copyto(t, 0.0),
    "np.put": lambda t: np.put(t, [0], 5.0),
    "np.place": lambda t: np.place(t, np.array([True, False, False]), [5.0]),
    "np.putmask": lambda t: np.putmask(t, np.array([True, False, False]), 5.0),
    "np.add.at": lambda t: np.add.at(t, [0], 1.0),
}


@pytest.mark.parametrize("write", NUMPY_WRITES.values(), ids=list(NUMPY_WRITES))
def test_numpy_functions_cannot_write_into_a_tensor(write):
    x = ag.tensor([1.0, 2.0, 3.0])
    before = snapshot(x)
    with pytest.raises(ValueError, match=r"would write into a tensor's storage.*copy_"):
        write(x)
    assert_unchanged(x, before)


def test_converting_a_tensor_that_requires_grad_to_an_array_is_refused():
    """As in PyTorch: the array could not carry the gradient, and
    np.array([t1, t2]) would otherwise drop it without a word."""
    x = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    for convert in (np.asarray, np.array, lambda t: np.array([t, t]),
                    lambda t: np.asarray(t, dtype=np.float32)):
        with pytest.raises(RuntimeError, match=r"requires grad.*detach\(\)"):
            convert(x)
    assert x._vc[0] == 0
    np.testing.assert_array_equal(np.array([x.detach(), x.detach()]), [[1.0, 2.0]] * 2)


def test_copies_are_writable_and_independent():
    x = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    d = x.detach()
    for arr in (np.array(d), np.asarray(d, dtype=np.float32), x.detach().numpy().copy()):
        assert arr.flags.writeable and not np.shares_memory(arr, x._data)
        arr[0] = 9.0
    np.testing.assert_array_equal(x.data, [1.0, 2.0])
    assert x._vc[0] == 0


@pytest.mark.skipif(not NUMPY2, reason="np.asarray(copy=) is NumPy 2")
def test_asarray_copy_true_is_a_writable_copy():
    x = ag.tensor([1.0, 2.0])
    arr = np.asarray(x, copy=True)
    assert arr.flags.writeable and not np.shares_memory(arr, x._data)


def test_numpy_refuses_a_tensor_that_requires_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    for t in (x, x * 2):
        with pytest.raises(RuntimeError, match=r"requires grad.*t\.detach\(\)\.numpy\(\)"):
            t.numpy()
    with no_grad(), pytest.raises(RuntimeError, match="requires grad"):
        x.numpy()  # PyTorch checks the flag, not grad mode
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(ag.tensor([3.0]).numpy(), [3.0])


def test_numpy_refusal_matches_pytorch():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match="requires grad"):
        torch.ones(2, requires_grad=True).numpy()
    with pytest.raises(RuntimeError, match="requires grad"):
        ag.ones(2, requires_grad=True).numpy()


def test_data_setter_still_replaces_and_bumps_the_version():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.data = np.array([5.0, 6.0], dtype=np.float32)
    assert x._vc[0] == 1
    np.testing.assert_array_equal(x.data, [5.0, 6.0])


# --------------------------------------------- the saved-tensor scenario
def test_write_into_a_saved_tensor_through_data_is_refused_and_gradient_stays_right():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = ag.tensor([4.0, 5.0, 6.0], requires_grad=True)
    y = x * w  # MulBackward saved x (for w's gradient) and w
    with pytest.raises(ValueError, match="read-only"):
        x.data.numpy()[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(x.detach())[0] = 5.0
    with pytest.raises(RuntimeError, match="requires grad"):
        np.asarray(x)[0] = 5.0
    y.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.grad.data, [4.0, 5.0, 6.0])


def test_the_allowed_ways_to_change_a_saved_tensor_are_caught():
    for change in (lambda x: setattr(x, "data", np.array([5.0, 2.0, 3.0], np.float32)),
                   lambda x: x.detach().__setitem__(0, 5.0),
                   lambda x: ag.Tensor(x).add_(1.0)):
        x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = ag.tensor([4.0, 5.0, 6.0], requires_grad=True)
        y = x * w
        change(x)
        with pytest.raises(RuntimeError, match="modified by an in-place operation"):
            y.sum().backward()

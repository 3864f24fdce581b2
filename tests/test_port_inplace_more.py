"""In-place forms built from their out-of-place methods (``x.cumsum_(1)``,
``x.pow_(2)``, ``x.lt_(0)``, ``x.tril_()``...): the same values as PyTorch's,
gradients through a non-leaf, and PyTorch's refusals."""
import numpy as np
import pytest

import autograd as ag
from autograd.errors import DTypeError

X = np.array([[0.3, -1.2, 2.5], [0.7, 0.1, -0.4]])
POS = np.abs(X) + 0.2
PROB = np.array([[0.2, 0.5, 0.9], [0.3, 0.6, 0.1]])
INTS = np.array([[4, 6, 9], [12, 5, 8]])

# name, input values, args (arrays become tensors), smooth (gradchecked)
CASES = [
    ("absolute", X, (), False), ("clamp_min", X, (0.2,), False),
    ("clamp_max", X, (0.2,), False), ("cumsum", X, (1,), True), ("cumprod", X, (0,), True),
    ("deg2rad", X, (), True), ("rad2deg", X, (), True), ("digamma", POS, (), True),
    ("lgamma", POS, (), True), ("erfinv", PROB, (), True), ("logit", PROB, (), True),
    ("sinc", X, (), True), ("nan_to_num", X, (), False), ("pow", POS, (2.5,), True),
    ("float_power", POS, (2,), True), ("atan2", X, (POS,), True), ("hypot", X, (POS,), True),
    ("copysign", POS, (X,), False), ("fmod", X, (0.5,), False), ("remainder", X, (0.5,), False),
    ("xlogy", POS, (POS,), True), ("lerp", X, (POS, 0.3), True),
    ("subtract", X, (POS,), True), ("multiply", X, (POS,), True), ("divide", X, (POS,), True),
    ("true_divide", X, (POS,), True), ("floor_divide", X, (POS,), False),
    ("tril", X, (), True), ("triu", X, (1,), True), ("polygamma", POS, (1,), True),
    ("lt", X, (0.2,), False), ("ge", X, (0.2,), False), ("eq", X, (X,), False),
    ("logical_not", X, (), False), ("logical_and", X, (POS,), False),
]


def _args(args, maker):
    return tuple(maker(a) if isinstance(a, np.ndarray) else a for a in args)


@pytest.mark.parametrize("name,values,args,smooth", CASES, ids=[c[0] for c in CASES])
def test_in_place_equals_out_of_place(name, values, args, smooth):
    t = ag.tensor(values.copy())
    expected = getattr(ag.tensor(values.copy()), name)(*_args(args, ag.tensor)).numpy()
    version = t._version
    assert getattr(t, name + "_")(*_args(args, ag.tensor)) is t
    np.testing.assert_array_equal(t.numpy(), expected.astype(t.dtype))
    assert t._version == version + 1 and t.dtype == np.float64
    if smooth:
        def fn(a):
            b = a * 1.0
            return getattr(b, name + "_")(*_args(args, ag.tensor))
        assert ag.gradcheck(fn, (ag.tensor(values.copy(), requires_grad=True),))


def test_refusals_change_nothing():
    leaf = ag.tensor(X.copy(), requires_grad=True)
    with pytest.raises(RuntimeError, match="cumsum_"):
        leaf.cumsum_(0)
    np.testing.assert_array_equal(leaf.detach().numpy(), X)
    ints = ag.tensor(INTS.copy())
    with pytest.raises(DTypeError, match="pow_: the result has dtype float32"):
        ints.pow_(0.5)
    with pytest.raises(DTypeError, match="true_divide_"):
        ints.true_divide_(ag.tensor(INTS))
    np.testing.assert_array_equal(ints.numpy(), INTS)
    assert ints._version == 0
    ints.gcd_(ag.tensor(np.full((2, 3), 4)))            # integer results fit
    np.testing.assert_array_equal(ints.numpy(), np.gcd(INTS, 4))


def test_a_saved_value_changed_in_place_is_caught_at_backward():
    a = ag.tensor(X.copy(), requires_grad=True)
    b = a * 1.0
    c = b.exp()                                   # saves its output ...
    c.tril_()                                     # ... which tril_ then overwrites
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        c.sum().backward()


@pytest.mark.parametrize("name,values,args,smooth", CASES, ids=[c[0] for c in CASES])
def test_agrees_with_pytorch(name, values, args, smooth):
    torch = pytest.importorskip("torch")
    ours = ag.tensor(values.copy())
    theirs = torch.tensor(values.copy())
    getattr(ours, name + "_")(*_args(args, ag.tensor))
    getattr(theirs, name + "_")(*_args(args, torch.tensor))
    # PyTorch's trigamma is accurate to ~5e-10 (ours to ~1e-16, see test_port_ops_math)
    rtol = 1e-8 if name in ("polygamma", "digamma", "lgamma", "erfinv") else 1e-10
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=rtol, atol=1e-12)

"""In-place forms of the one-input ops (``x.sqrt_()``, ``x.clamp_(0, 1)``...),
as PyTorch 2.13: same object back, values of the out-of-place op, version
bumped, history rebased (gradients as if ``x = x.op()``), leaves that require
grad refused, and a result whose dtype the tensor cannot hold (a float result
in an integer tensor) refused with nothing written.  PyTorch is an optional
oracle in the tests marked so."""
import numpy as np
import pytest

import autograd as ag

# every one of these has a Tensor.<name>_ method
FLOAT_VALUED = ["log2", "log10", "log1p", "expm1", "exp2", "rsqrt", "tan", "asin", "acos",
                "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "erfc", "sqrt",
                "exp", "log", "sigmoid", "tanh", "sin", "cos", "reciprocal", "arcsin",
                "arccos", "arctan", "arcsinh", "arccosh", "arctanh"]
INT_PRESERVING = ["floor", "ceil", "trunc", "fix", "round", "sign", "sgn", "abs", "neg",
                  "negative", "square", "relu"]
ALL = FLOAT_VALUED + INT_PRESERVING + ["frac"]
STEP = {"floor", "ceil", "trunc", "fix", "round", "sign", "sgn"}  # slope zero
SMOOTH = [n for n in ALL if n not in STEP]


def domain(name):
    """Inputs inside the op's smooth domain (away from kinks and poles)."""
    if name in ("acosh", "arccosh"):
        return np.array([1.2, 2.0, 3.5])
    return np.array([0.2, 0.45, 0.7])


@pytest.mark.parametrize("name", ALL)
def test_inplace_matches_out_of_place_and_bumps_the_version(name):
    x = ag.tensor(domain(name) + 0.03)
    expected = getattr(x, name)().numpy()
    version = x._version
    out = getattr(x, name + "_")()
    assert out is x
    assert x.dtype == np.float64
    np.testing.assert_array_equal(x.numpy(), expected)
    assert x._version == version + 1


@pytest.mark.parametrize("name", ["sqrt", "exp", "floor", "tanh", "erf"])
def test_float32_stays_float32(name):
    x = ag.tensor(np.array([0.25, 1.5], dtype=np.float32))
    expected = getattr(x, name)().numpy()
    getattr(x, name + "_")()
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x.numpy(), expected)


@pytest.mark.parametrize("name", FLOAT_VALUED)
def test_float_result_into_integer_tensor_is_refused_and_changes_nothing(name):
    x = ag.tensor([1, 4])
    version = x._version
    with pytest.raises(RuntimeError, match=rf"{name}_: the result has dtype float32, which "
                                           r"can't be cast to the dtype int64"):
        getattr(x, name + "_")()
    assert x.tolist() == [1, 4] and x.dtype == np.int64 and x._version == version


def test_frac_of_an_integer_tensor_is_refused():
    x = ag.tensor([3, 4])
    with pytest.raises(RuntimeError, match="frac.*floating-point"):
        x.frac_()
    assert x.tolist() == [3, 4]


@pytest.mark.parametrize("name, expected", [
    ("floor", [3, -2, 0]), ("ceil", [3, -2, 0]), ("trunc", [3, -2, 0]), ("fix", [3, -2, 0]),
    ("round", [3, -2, 0]), ("sign", [1, -1, 0]), ("sgn", [1, -1, 0]), ("abs", [3, 2, 0]),
    ("neg", [-3, 2, 0]), ("negative", [-3, 2, 0]), ("square", [9, 4, 0]),
    ("relu", [3, 0, 0])])
def test_integer_preserving_ops_work_on_integer_tensors(name, expected):
    x = ag.tensor([3, -2, 0])
    assert getattr(x, name + "_")() is x
    assert x.tolist() == expected and x.dtype == np.int64


def test_clamp_and_clip_in_place():
    x = ag.tensor([-1.5, 0.25, 3.0])
    assert x.clamp_(-1, 1) is x
    assert x.tolist() == [-1.0, 0.25, 1.0]
    y = ag.tensor([-1.5, 0.25, 3.0])
    y.clip_(min=0.0)
    assert y.tolist() == [0.0, 0.25, 3.0]
    i = ag.tensor([-3, 5])
    i.clamp_(max=2)
    assert i.tolist() == [-3, 2] and i.dtype == np.int64


def test_clamp_of_an_integer_tensor_to_a_float_bound_is_refused():
    x = ag.tensor([1, 2])
    with pytest.raises(RuntimeError, match="clamp_: the result has dtype float32, which "
                                           "can't be cast to the dtype int64"):
        x.clamp_(0.5)
    assert x.tolist() == [1, 2]


def test_round_in_place_with_decimals():
    x = ag.tensor([1.26, 2.5, -0.35])
    x.round_(decimals=1)
    np.testing.assert_allclose(x.numpy(), [1.3, 2.5, -0.4])
    y = ag.tensor([0.5, 1.5, 2.5])
    y.round_()
    assert y.tolist() == [0.0, 2.0, 2.0]  # half to even


@pytest.mark.parametrize("name", ["sqrt", "exp", "floor", "clamp"])
def test_leaf_that_requires_grad_is_refused_and_unchanged(name):
    x = ag.tensor([0.5, 2.0], requires_grad=True)
    call = (lambda: x.clamp_(0, 1)) if name == "clamp" else getattr(x, name + "_")
    with pytest.raises(RuntimeError, match=rf"{name}_: a leaf tensor that requires grad"):
        call()
    assert x.tolist() == [0.5, 2.0] and x.grad is None and x.grad_fn is None


def test_leaf_update_under_no_grad_is_allowed_and_records_nothing():
    x = ag.tensor([0.25, 4.0], requires_grad=True)
    with ag.no_grad():
        x.sqrt_()
    assert x.tolist() == [0.5, 2.0] and x.grad_fn is None and x.requires_grad


@pytest.mark.parametrize("name", SMOOTH)
def test_gradcheck_through_inplace_on_a_clone(name):
    x = ag.tensor(domain(name), requires_grad=True)

    def f(t):
        return getattr(t.clone(), name + "_")()
    assert ag.gradcheck(f, (x,))
    assert ag.gradgradcheck(f, (x,))


@pytest.mark.parametrize("name", sorted(STEP))
def test_step_ops_in_place_give_zero_gradient(name):
    x = ag.tensor([0.3, -1.7, 2.5], requires_grad=True)
    y = x * 1
    getattr(y, name + "_")()
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_gradient_is_that_of_the_out_of_place_op():
    x = ag.tensor(np.array([0.3, 0.9]), requires_grad=True)
    y = x.clone()
    y.sin_()
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos([0.3, 0.9]), rtol=1e-15)


def test_inplace_through_a_view_reaches_the_base_gradient():
    b = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    z = b * 1
    z[0].exp_()
    np.testing.assert_allclose(z.numpy(force=True)[0], np.exp([1.0, 2.0]))
    z.sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), [[np.e, np.exp(2.0)], [1.0, 1.0]])


def test_view_of_a_leaf_that_requires_grad_is_refused():
    b = ag.tensor([1.0, 4.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="sqrt_.*leaf tensor that requires grad"):
        b[:1].sqrt_()
    assert b.tolist() == [1.0, 4.0]


def test_a_value_saved_for_backward_then_modified_in_place_is_detected():
    x = ag.tensor([0.5, 1.5], requires_grad=True)
    y = x * 1
    z = y * y  # saves y
    y.exp_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation|version"):
        z.sum().backward()


def test_clamp_in_place_with_a_tensor_bound_that_requires_grad():
    lo = ag.tensor([0.0, 0.0, 0.0], requires_grad=True)
    x = ag.tensor([-1.0, 0.5, 2.0])
    x.clamp_(lo, 1.0)
    assert x.tolist() == [0.0, 0.5, 1.0] and x.requires_grad
    x.sum().backward()
    assert lo.grad.tolist() == [1.0, 0.0, 0.0]


# --------------------------------------------------------- PyTorch oracle
@pytest.mark.parametrize("name", ALL)
def test_oracle_values_dtypes_and_integer_errors(name):
    torch = pytest.importorskip("torch")
    x = domain(name)
    ours, theirs = ag.tensor(x.copy()), torch.tensor(x.copy())
    getattr(ours, name + "_")()
    getattr(theirs, name + "_")()
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-14, atol=0)
    i_ours, i_theirs = ag.tensor([3, -2]), torch.tensor([3, -2])
    try:
        getattr(i_theirs, name + "_")()
    except (RuntimeError, NotImplementedError):
        with pytest.raises(RuntimeError):
            getattr(i_ours, name + "_")()
        assert i_ours.tolist() == [3, -2]
    else:
        getattr(i_ours, name + "_")()
        assert i_ours.tolist() == i_theirs.tolist()


@pytest.mark.parametrize("name", SMOOTH)
def test_oracle_gradient_through_inplace(name):
    torch = pytest.importorskip("torch")
    x = domain(name)
    ours = ag.tensor(x.copy(), requires_grad=True)
    theirs = torch.tensor(x.copy(), requires_grad=True)
    y = ours.clone()
    getattr(y, name + "_")()
    # PyTorch 2.13 has no derivative for a few in-place forms (asinh_,
    # acosh_, atanh_): the reference is its out-of-place op, whose gradient
    # the in-place form must give
    t = getattr(theirs, name)()
    g, = ag.grad((y * y).sum(), ours)
    tg, = torch.autograd.grad((t * t).sum(), theirs)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12)

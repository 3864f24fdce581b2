"""Finite-difference checks (float64) of every differentiable op.

Each property draws shapes (and dims, indices, ...) with hypothesis and
fills the arrays from a seeded NumPy generator, placing values where the op
is smooth.  `gradcheck` compares the analytic Jacobian with central
differences; `gradgradcheck` does the same for the gradient itself, which
exercises the Tensor-op backward formulas of every smooth op.
"""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
from helpers import (away_from_zero, broadcast_pairs, check_grad, check_gradgrad,
                     distinct, fast, interleaved_pair, leaf, medium, normal, positive,
                     rng, seeds, shapes)


# =================================================================== binary
def _binary_inputs(op, r, sa, sb):
    a = normal(r, sa)
    if op in ("div", "rdiv"):
        b = away_from_zero(r, sb, 0.5, 2.0)
    else:
        b = normal(r, sb)
    return a, b


BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "add_method": lambda a, b: a.add(b),
    "sub_method": lambda a, b: a.sub(b),
    "mul_method": lambda a, b: a.mul(b),
    "div_method": lambda a, b: a.div(b),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@fast
@given(pair=broadcast_pairs(), seed=seeds)
def test_binary_broadcast_grad(name, pair, seed):
    fn = BINARY[name]
    op = name.split("_")[0]
    a, b = _binary_inputs(op, rng(seed), *pair)
    check_grad(fn, leaf(a), leaf(b))


@pytest.mark.parametrize("name", ["add", "sub", "mul", "div"])
@fast
@given(pair=broadcast_pairs(max_dims=2, max_side=3), seed=seeds)
def test_binary_broadcast_gradgrad(name, pair, seed):
    a, b = _binary_inputs(name, rng(seed), *pair)
    check_gradgrad(BINARY[name], leaf(a), leaf(b))


@pytest.mark.parametrize("name", ["add", "mul", "div"])
@fast
@given(shape=shapes(max_dims=2), seed=seeds)
def test_binary_same_tensor_on_both_sides(name, shape, seed):
    """x op x: both edges lead to one leaf and the engine must add them."""
    x = away_from_zero(rng(seed), shape, 0.5, 2.0)
    check_grad(lambda t: BINARY[name](t, t), leaf(x))
    check_gradgrad(lambda t: BINARY[name](t, t), leaf(x))


@fast
@given(shape=shapes(), seed=seeds)
def test_unary_minus_grad(shape, seed):
    x = leaf(normal(rng(seed), shape))
    check_grad(lambda t: -t, x)
    check_gradgrad(lambda t: -t, x)


# ---------------------------------------------- reflected / constant operands
SCALAR = 1.7
REFLECTED_SCALAR = {
    "t+c": lambda t: t + SCALAR, "c+t": lambda t: SCALAR + t,
    "t-c": lambda t: t - SCALAR, "c-t": lambda t: SCALAR - t,
    "t*c": lambda t: t * SCALAR, "c*t": lambda t: SCALAR * t,
    "t/c": lambda t: t / SCALAR, "c/t": lambda t: SCALAR / t,
    "t+int": lambda t: t + 3, "int-t": lambda t: 3 - t,
    "int*t": lambda t: 3 * t, "int/t": lambda t: 3 / t,
}


@pytest.mark.parametrize("name", sorted(REFLECTED_SCALAR))
@fast
@given(shape=shapes(), seed=seeds)
def test_python_scalar_on_either_side_grad(name, shape, seed):
    x = leaf(away_from_zero(rng(seed), shape, 0.5, 2.0))
    check_grad(REFLECTED_SCALAR[name], x)
    check_gradgrad(REFLECTED_SCALAR[name], x)


REFLECTED_ARRAY = {
    "t+arr": lambda t, c: t + c, "arr+t": lambda t, c: c + t,
    "t-arr": lambda t, c: t - c, "arr-t": lambda t, c: c - t,
    "t*arr": lambda t, c: t * c, "arr*t": lambda t, c: c * t,
    "t/arr": lambda t, c: t / c, "arr/t": lambda t, c: c / t,
    "t**arr": lambda t, c: t ** c, "arr**t": lambda t, c: np.abs(c) ** t,
}


@pytest.mark.parametrize("name", sorted(REFLECTED_ARRAY))
@fast
@given(pair=broadcast_pairs(), seed=seeds)
def test_numpy_array_on_either_side_grad(name, pair, seed):
    """A NumPy operand is a constant of its own shape; broadcasting works in
    both directions and the result is a Tensor (not an object ndarray)."""
    r = rng(seed)
    t_shape, c_shape = pair
    x = leaf(positive(r, t_shape, 0.5, 2.0))
    c = away_from_zero(r, c_shape, 0.5, 2.0)
    fn = REFLECTED_ARRAY[name]
    out = fn(x, c)
    assert isinstance(out, autograd.Tensor), type(out)
    assert out.shape == np.broadcast_shapes(t_shape, c_shape)
    check_grad(lambda t: fn(t, c), x)


# ===================================================================== pow
@pytest.mark.parametrize("p", [2, 3, 1, -1, -2, 0.5, 1.5, -2.5, 2.0])
@fast
@given(shape=shapes(), seed=seeds)
def test_pow_scalar_exponent_grad(p, shape, seed):
    r = rng(seed)
    # integer exponents work for any sign of base; fractional ones need x > 0
    if isinstance(p, int) and p > 0:
        x = normal(r, shape)
    elif isinstance(p, int):
        x = away_from_zero(r, shape, 0.5, 2.0)
    else:
        x = positive(r, shape, 0.5, 2.0)
    t = leaf(x)
    check_grad(lambda a: a ** p, t)
    check_gradgrad(lambda a: a ** p, t)


@fast
@given(pair=broadcast_pairs(), seed=seeds)
def test_pow_tensor_exponent_grad(pair, seed):
    r = rng(seed)
    base = leaf(positive(r, pair[0], 0.5, 2.0))
    expo = leaf(normal(r, pair[1]))
    check_grad(lambda a, b: a ** b, base, expo)


@fast
@given(pair=broadcast_pairs(max_dims=2, max_side=3), seed=seeds)
def test_pow_tensor_exponent_gradgrad(pair, seed):
    r = rng(seed)
    base = leaf(positive(r, pair[0], 0.5, 2.0))
    expo = leaf(normal(r, pair[1]))
    check_gradgrad(lambda a, b: a ** b, base, expo)


@pytest.mark.parametrize("base", [2.0, 0.5, 3])
@fast
@given(shape=shapes(), seed=seeds)
def test_pow_scalar_base_grad(base, shape, seed):
    x = leaf(normal(rng(seed), shape))
    check_grad(lambda t: base ** t, x)
    check_gradgrad(lambda t: base ** t, x)


def test_pow_method_spelling():
    x = leaf(np.array([0.5, 1.5, 2.0]))
    check_grad(lambda t: t.pow(3), x)
    check_grad(lambda t: t.pow(t), x)


# ================================================================== matmul
MATMUL_LAYOUTS = {
    # name: (shape of a, shape of b) from sizes B, C, n, k, m
    "vec@vec": lambda B, C, n, k, m: ((k,), (k,)),
    "vec@mat": lambda B, C, n, k, m: ((k,), (k, m)),
    "mat@vec": lambda B, C, n, k, m: ((n, k), (k,)),
    "mat@mat": lambda B, C, n, k, m: ((n, k), (k, m)),
    "batch@batch": lambda B, C, n, k, m: ((B, n, k), (B, k, m)),
    "batch@mat": lambda B, C, n, k, m: ((B, n, k), (k, m)),
    "batch4@mat": lambda B, C, n, k, m: ((C, B, n, k), (k, m)),
    "mat@batch": lambda B, C, n, k, m: ((n, k), (B, k, m)),
    "vec@batch": lambda B, C, n, k, m: ((k,), (B, k, m)),
    "batch@vec": lambda B, C, n, k, m: ((B, n, k), (k,)),
    "bcast1@batch": lambda B, C, n, k, m: ((1, n, k), (B, k, m)),
    "bcast_both": lambda B, C, n, k, m: ((C, 1, n, k), (B, k, m)),
    "bcast_both_2": lambda B, C, n, k, m: ((C, 1, n, k), (1, B, k, m)),
}

sizes = st.integers(1, 3)


@pytest.mark.parametrize("layout", sorted(MATMUL_LAYOUTS))
@fast
@given(B=sizes, C=sizes, n=sizes, k=sizes, m=sizes, seed=seeds)
def test_matmul_grad(layout, B, C, n, k, m, seed):
    sa, sb = MATMUL_LAYOUTS[layout](B, C, n, k, m)
    r = rng(seed)
    a, b = leaf(normal(r, sa)), leaf(normal(r, sb))
    out = a @ b
    assert out.shape == np.matmul(a.data, b.data).shape
    check_grad(lambda x, y: x @ y, a, b)
    check_grad(lambda x, y: x.matmul(y), a, b)
    check_grad(lambda x, y: autograd.matmul(x, y), a, b)


@pytest.mark.parametrize("layout", ["vec@vec", "mat@mat", "batch@mat", "bcast_both", "vec@batch"])
@fast
@given(B=sizes, C=sizes, n=sizes, k=sizes, m=sizes, seed=seeds)
def test_matmul_gradgrad(layout, B, C, n, k, m, seed):
    sa, sb = MATMUL_LAYOUTS[layout](B, C, n, k, m)
    r = rng(seed)
    check_gradgrad(lambda x, y: x @ y, leaf(normal(r, sa)), leaf(normal(r, sb)))


@fast
@given(n=sizes, k=sizes, m=sizes, seed=seeds)
def test_matmul_with_numpy_operand_either_side(n, k, m, seed):
    r = rng(seed)
    x = leaf(normal(r, (n, k)))
    w = normal(r, (k, m))
    v = normal(r, (m, n))
    right = x @ w
    left = v @ x  # ndarray @ Tensor must defer to Tensor.__rmatmul__
    assert isinstance(right, autograd.Tensor) and isinstance(left, autograd.Tensor)
    np.testing.assert_allclose(right.data, x.data @ w)
    np.testing.assert_allclose(left.data, v @ x.data)
    check_grad(lambda t: t @ w, x)
    check_grad(lambda t: v @ t, x)
    check_grad(lambda t: autograd.matmul(w.T, t.T), x)


# ============================================================ unary maths
UNARY = {
    # name: (function, value generator)
    "exp": (lambda t: t.exp(), lambda r, s: normal(r, s)),
    "log": (lambda t: t.log(), lambda r, s: positive(r, s, 0.3, 3.0)),
    "sqrt": (lambda t: t.sqrt(), lambda r, s: positive(r, s, 0.3, 3.0)),
    "sin": (lambda t: t.sin(), lambda r, s: normal(r, s, 2.0)),
    "cos": (lambda t: t.cos(), lambda r, s: normal(r, s, 2.0)),
    "tanh": (lambda t: t.tanh(), lambda r, s: normal(r, s, 1.5)),
    "sigmoid": (lambda t: t.sigmoid(), lambda r, s: normal(r, s, 2.0)),
    "softplus": (lambda t: t.softplus(), lambda r, s: normal(r, s, 2.0)),
    "softplus_beta2": (lambda t: t.softplus(beta=2.0), lambda r, s: normal(r, s, 2.0)),
    "elu": (lambda t: t.elu(), lambda r, s: away_from_zero(r, s, 0.1, 2.0)),
    "square": (lambda t: t.square(), lambda r, s: normal(r, s)),
    "reciprocal": (lambda t: t.reciprocal(), lambda r, s: away_from_zero(r, s, 0.5, 2.0)),
    "fn_exp": (lambda t: autograd.exp(t), lambda r, s: normal(r, s)),
    "fn_log": (lambda t: autograd.log(t), lambda r, s: positive(r, s, 0.3, 3.0)),
    "fn_tanh": (lambda t: autograd.tanh(t), lambda r, s: normal(r, s)),
    # kinked ops: values kept well away from the kink
    "abs": (lambda t: t.abs(), lambda r, s: away_from_zero(r, s)),
    "abs_builtin": (lambda t: abs(t), lambda r, s: away_from_zero(r, s)),
    "relu": (lambda t: t.relu(), lambda r, s: away_from_zero(r, s)),
    "leaky_relu": (lambda t: t.leaky_relu(), lambda r, s: away_from_zero(r, s)),
    "leaky_relu_0.2": (lambda t: t.leaky_relu(0.2), lambda r, s: away_from_zero(r, s)),
    "elu_alpha0.5": (lambda t: t.elu(alpha=0.5), lambda r, s: away_from_zero(r, s, 0.1, 2.0)),
    "softplus_threshold": (lambda t: t.softplus(beta=1.0, threshold=1.0),
                           lambda r, s: np.where(r.random(s) < 0.5, -1, 1)
                           * r.uniform(1.3, 3.0, size=s) + 0.0),
    "clamp_both": (lambda t: t.clamp(-0.5, 0.7),
                   lambda r, s: r.choice([-1.5, -0.2, 0.3, 1.4], size=s)
                   + r.uniform(-0.1, 0.1, size=s)),
    "clamp_min": (lambda t: t.clamp(min=0.1),
                  lambda r, s: away_from_zero(r, s) + 0.1),
    "clamp_max": (lambda t: t.clamp(max=-0.3),
                  lambda r, s: away_from_zero(r, s) - 0.3),
    "clip": (lambda t: t.clip(-1.0, 1.0),
             lambda r, s: r.choice([-2.0, 0.0, 2.0], size=s) + r.uniform(-0.5, 0.5, size=s)),
    "fn_clamp": (lambda t: autograd.clamp(t, -0.5, 0.7),
                 lambda r, s: r.choice([-1.5, -0.2, 0.3, 1.4], size=s)
                 + r.uniform(-0.1, 0.1, size=s)),
}

SMOOTH_UNARY = ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "softplus",
                "softplus_beta2", "elu", "square", "reciprocal", "fn_exp", "fn_log"]


@pytest.mark.parametrize("name", sorted(UNARY))
@medium
@given(shape=shapes(), seed=seeds)
def test_unary_grad(name, shape, seed):
    fn, gen = UNARY[name]
    check_grad(fn, leaf(gen(rng(seed), shape)))


@pytest.mark.parametrize("name", SMOOTH_UNARY)
@fast
@given(shape=shapes(max_dims=2), seed=seeds)
def test_unary_gradgrad(name, shape, seed):
    fn, gen = UNARY[name]
    check_gradgrad(fn, leaf(gen(rng(seed), shape)))


def test_chain_of_ops_that_save_their_output_grad():
    """exp saves its own output; a chain of them differentiates twice."""
    x = leaf(np.array([0.1, -0.4, 0.7]))
    check_grad(lambda t: t.exp().exp().sin(), x)
    check_gradgrad(lambda t: t.exp().exp().sin(), x)


# -------------------------------------------------------- maximum / minimum
@pytest.mark.parametrize("op", ["maximum", "minimum", "fn_maximum", "fn_minimum",
                                "max_tensor", "min_tensor"])
@fast
@given(pair=broadcast_pairs(), seed=seeds)
def test_maximum_minimum_grad(op, pair, seed):
    a, b = interleaved_pair(rng(seed), *pair)
    fns = {
        "maximum": lambda x, y: x.maximum(y),
        "minimum": lambda x, y: x.minimum(y),
        "fn_maximum": lambda x, y: autograd.maximum(x, y),
        "fn_minimum": lambda x, y: autograd.minimum(x, y),
        "max_tensor": lambda x, y: x.max(y),
        "min_tensor": lambda x, y: x.min(y),
    }
    check_grad(fns[op], leaf(a), leaf(b))


@fast
@given(shape=shapes(), seed=seeds)
def test_maximum_with_scalar_and_clamp_with_tensor_bounds_grad(shape, seed):
    r = rng(seed)
    a, lo = interleaved_pair(r, shape, shape)
    hi = lo + 2.0  # hi also sits at odd half-multiples: never ties a
    check_grad(lambda x: autograd.maximum(x, 0.25), leaf(a))
    check_grad(lambda x: autograd.minimum(0.25, x), leaf(a))
    check_grad(lambda x, l, h: x.clamp(l, h), leaf(a), leaf(lo), leaf(hi))


# -------------------------------------------------------------------- where
@fast
@given(shape=shapes(), pair=broadcast_pairs(), seed=seeds)
def test_where_grad(shape, pair, seed):
    r = rng(seed)
    sa, sb = pair
    out_shape = np.broadcast_shapes(sa, sb)
    cond = r.random(out_shape) < 0.5
    a, b = leaf(normal(r, sa)), leaf(normal(r, sb))
    check_grad(lambda x, y: autograd.where(cond, x, y), a, b)
    check_gradgrad(lambda x, y: autograd.where(cond, x, y), a, b)
    # condition as a bool Tensor that broadcasts against the operands
    cond_t = autograd.tensor(r.random(sa[-1:] if sa else ()) < 0.5)
    check_grad(lambda x, y: autograd.where(cond_t, x, y), a, b)
    # condition larger than both operands: both are expanded
    big = r.random((2,) + out_shape) < 0.5
    assert autograd.where(big, a, b).shape == big.shape
    check_grad(lambda x, y: autograd.where(big, x, y), a, b)
    # scalar on one side
    x = leaf(normal(r, shape))
    c = r.random(shape) < 0.5
    check_grad(lambda t: autograd.where(c, t, 0.0), x)
    check_grad(lambda t: autograd.where(c, -1.5, t * 2), x)


# ============================================================== reductions
@st.composite
def shape_and_dim(draw, allow_tuple=True, allow_none=True, min_dims=1, max_dims=3):
    shape = draw(shapes(min_dims=min_dims, max_dims=max_dims))
    nd = len(shape)
    kinds = ["int"] + (["tuple"] if allow_tuple else []) + (["none"] if allow_none else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "none":
        return shape, None
    if kind == "int":
        return shape, draw(st.integers(-nd, nd - 1))
    axes = draw(st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd, unique=True))
    return shape, tuple(a - nd if draw(st.booleans()) else a for a in axes)


def _reduced_count(shape, dim):
    if dim is None:
        return int(np.prod(shape, dtype=np.int64))
    dims = dim if isinstance(dim, tuple) else (dim,)
    return int(np.prod([shape[d] for d in dims], dtype=np.int64))


def call_reduction(x, name, dim, keep, style, **extra):
    """Every spelling PyTorch users reach for: positional dim, dim=/keepdim=,
    NumPy's axis=/keepdims=, and the module-level function."""
    if style == "positional":
        return getattr(x, name)(dim, keepdim=keep, **extra)
    if style == "dim":
        return getattr(x, name)(dim=dim, keepdim=keep, **extra)
    if style == "axis":
        return getattr(x, name)(axis=dim, keepdims=keep, **extra)
    return getattr(autograd, name)(x, dim=dim, keepdim=keep, **extra)


styles = st.sampled_from(["positional", "dim", "axis", "function"])


@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp"])
@medium
@given(sd=shape_and_dim(), keep=st.booleans(), style=styles, seed=seeds)
def test_smooth_reduction_grad(name, sd, keep, style, seed):
    shape, dim = sd
    x = leaf(normal(rng(seed), shape))
    out = call_reduction(x, name, dim, keep, style)
    expected = getattr(np, name if name != "logsumexp" else "sum")(
        x.data, axis=dim, keepdims=keep)
    assert out.shape == np.shape(expected)
    check_grad(lambda t: call_reduction(t, name, dim, keep, style), x)


@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp", "var", "std"])
@fast
@given(sd=shape_and_dim(max_dims=2), keep=st.booleans(), seed=seeds)
def test_smooth_reduction_gradgrad(name, sd, keep, seed):
    shape, dim = sd
    if name in ("var", "std"):
        assume(_reduced_count(shape, dim) >= 2)
    x = leaf(normal(rng(seed), shape))
    check_gradgrad(lambda t: call_reduction(t, name, dim, keep, "dim"), x)


@pytest.mark.parametrize("name", ["var", "std"])
@medium
@given(sd=shape_and_dim(), keep=st.booleans(), style=styles,
       correction=st.sampled_from([None, "unbiased=False", "correction=0", "correction=1"]),
       seed=seeds)
def test_var_std_grad(name, sd, keep, style, correction, seed):
    shape, dim = sd
    n = _reduced_count(shape, dim)
    ddof = 1 if correction in (None, "correction=1") else 0
    assume(n - ddof >= 1 and n >= 2)
    extra = {} if correction is None else {correction.split("=")[0]: eval(correction.split("=")[1])}
    x = leaf(normal(rng(seed), shape))
    out = call_reduction(x, name, dim, keep, style, **extra)
    np.testing.assert_allclose(out.data, getattr(np, name)(x.data, axis=dim, keepdims=keep,
                                                           ddof=ddof), rtol=1e-10, atol=1e-12)
    check_grad(lambda t: call_reduction(t, name, dim, keep, style, **extra), x)


ZERO_D_OPS = {
    "sum()": lambda t: t.sum(), "sum(0)": lambda t: t.sum(0), "mean(-1)": lambda t: t.mean(-1),
    "logsumexp(0)": lambda t: t.logsumexp(0), "amax(0)": lambda t: t.amax(0),
    "max(0)": lambda t: t.max(0).values, "softmax(0)": lambda t: t.softmax(0) * t,
    "log_softmax(0)": lambda t: t.log_softmax(0) + t, "flatten": lambda t: t.flatten(),
    "unsqueeze": lambda t: t.unsqueeze(0), "expand": lambda t: t.expand(3),
    "repeat": lambda t: t.repeat(2, 2), "[None]": lambda t: t[None], "[...]": lambda t: t[...],
}


@pytest.mark.parametrize("name", list(ZERO_D_OPS))
def test_ops_on_0d_tensors_grad(name):
    """PyTorch lets dim 0 / -1 name the only "dimension" of a 0-d tensor."""
    check_grad(ZERO_D_OPS[name], leaf(np.array(1.3)))


def test_sum_and_mean_of_full_reductions_grad():
    x = leaf(np.arange(6.0).reshape(2, 3) / 5)
    check_grad(lambda t: t.sum(), x)
    check_grad(lambda t: t.mean(keepdim=True), x)
    check_grad(lambda t: autograd.sum(t), x)


@pytest.mark.parametrize("name", ["amax", "amin", "max", "min"])
@medium
@given(sd=shape_and_dim(), keep=st.booleans(), style=styles, seed=seeds)
def test_extreme_reductions_grad(name, sd, keep, style, seed):
    """max/min without dim and amax/amin with any dims; values are distinct
    so there are no ties to split the gradient."""
    shape, dim = sd
    if name in ("max", "min"):
        dim = None if isinstance(dim, tuple) else dim
    x = leaf(distinct(rng(seed), shape))

    def f(t):
        if name in ("max", "min") and dim is None:
            return getattr(t, name)()
        out = call_reduction(t, name, dim, keep, style)
        return out.values if name in ("max", "min") else out

    full_max = name in ("max", "min") and dim is None  # no keepdim in that call
    expected = getattr(np, name)(x.data, axis=dim, keepdims=keep and not full_max)
    assert f(x).shape == np.shape(expected)
    np.testing.assert_array_equal(f(x).data, expected)
    check_grad(f, x)


@pytest.mark.parametrize("name", ["max", "min"])
@fast
@given(sd=shape_and_dim(allow_tuple=False, allow_none=False), keep=st.booleans(), seed=seeds)
def test_max_min_with_dim_values_grad(name, sd, keep, seed):
    shape, dim = sd
    x = leaf(distinct(rng(seed), shape))
    check_grad(lambda t: getattr(t, name)(dim, keepdim=keep)[0], x)
    check_gradgrad(lambda t: getattr(t, name)(dim=dim, keepdim=keep).values * t.sum(), x)


def test_max_ties_split_gradient_evenly():
    """Not a finite-difference check (max is not differentiable at a tie):
    the documented subgradient is an even split, as in PyTorch."""
    x = leaf(np.array([1.0, 3.0, 3.0, 2.0]))
    x.max().backward()
    np.testing.assert_allclose(x.grad.data, [0, 0.5, 0.5, 0])
    y = leaf(np.array([1.0, 3.0, 3.0, 2.0]))
    y.amax().backward()
    np.testing.assert_allclose(y.grad.data, [0, 0.5, 0.5, 0])
    a, b = leaf(np.array([1.0, 2.0])), leaf(np.array([1.0, 0.0]))
    autograd.maximum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.data, [0.5, 1.0])
    np.testing.assert_allclose(b.grad.data, [0.5, 0.0])


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@medium
@given(sd=shape_and_dim(allow_tuple=False, allow_none=False),
       style=st.sampled_from(["positional", "dim", "axis", "function"]), seed=seeds)
def test_softmax_family_grad(name, sd, style, seed):
    shape, dim = sd
    x = leaf(normal(rng(seed), shape, 2.0))

    def f(t):
        if style == "positional":
            return getattr(t, name)(dim)
        if style == "dim":
            return getattr(t, name)(dim=dim)
        if style == "axis":
            return getattr(t, name)(axis=dim)
        return getattr(autograd, name)(t, dim)

    check_grad(f, x)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@fast
@given(sd=shape_and_dim(allow_tuple=False, allow_none=False, max_dims=2), seed=seeds)
def test_softmax_family_gradgrad(name, sd, seed):
    shape, dim = sd
    x = leaf(normal(rng(seed), shape, 2.0))
    check_gradgrad(lambda t: getattr(t, name)(dim), x)


# ============================================================ movement ops
def _movement_cases(shape, draw):
    """(label, function) pairs of movement ops valid for ``shape``."""
    nd = len(shape)
    n = int(np.prod(shape, dtype=np.int64))
    cases = [
        ("reshape(-1)", lambda t: t.reshape(-1)),
        ("reshape(n,1)", lambda t: t.reshape(n, 1)),
        ("reshape(tuple reversed)", lambda t: t.reshape(tuple(reversed(shape)))),
        ("view(1,..)", lambda t: t.view((1,) + tuple(shape))),
        ("view(-1, last)", lambda t: t.view(-1, shape[-1]) if nd else t.view(1)),
        ("flatten", lambda t: t.flatten()),
        ("fn_flatten", lambda t: autograd.flatten(t)),
        (".T", lambda t: t.T),
        ("squeeze()", lambda t: t.squeeze()),
        ("unsqueeze(0)", lambda t: t.unsqueeze(0)),
        ("unsqueeze(-1)", lambda t: t.unsqueeze(-1)),
        ("clone", lambda t: t.clone()),
        ("fn_clone", lambda t: autograd.clone(t)),
    ]
    if nd >= 1:
        s, e = sorted(draw(st.lists(st.integers(-nd, nd - 1), min_size=2, max_size=2)),
                      key=lambda d: d % nd)
        d0, d1 = draw(st.integers(-nd, nd - 1)), draw(st.integers(-nd, nd - 1))
        perm = draw(st.permutations(range(nd)))
        u = draw(st.integers(-nd - 1, nd))
        cases += [
            (f"flatten({s},{e})", lambda t: t.flatten(s, e)),
            (f"transpose({d0},{d1})", lambda t: t.transpose(d0, d1)),
            (f"fn_transpose({d0},{d1})", lambda t: autograd.transpose(t, d0, d1)),
            (f"permute{tuple(perm)}", lambda t: t.permute(*perm)),
            (f"permute(tuple {tuple(perm)})", lambda t: t.permute(tuple(perm))),
            (f"unsqueeze({u})", lambda t: t.unsqueeze(u)),
            ("squeeze(dim of size 1 or not)", lambda t: t.squeeze(0)),
        ]
    return cases


@medium
@given(shape=shapes(min_side=1, max_side=3), data=st.data(), seed=seeds)
def test_movement_grad(shape, data, seed):
    x = leaf(normal(rng(seed), shape))
    for label, fn in _movement_cases(shape, data.draw):
        out = fn(x)
        assert out.numel() == x.numel(), label
        check_grad(fn, x)


@fast
@given(shape=shapes(min_side=1, max_side=3, max_dims=2), data=st.data(), seed=seeds)
def test_movement_gradgrad(shape, data, seed):
    x = leaf(normal(rng(seed), shape))
    for label, fn in _movement_cases(shape, data.draw):
        check_gradgrad(lambda t: fn(t) * fn(t), x)  # a product, so H != 0


@st.composite
def shape_with_ones(draw, max_dims=4):
    return tuple(draw(st.lists(st.sampled_from([1, 1, 2, 3]), min_size=0, max_size=max_dims)))


@medium
@given(shape=shape_with_ones(), data=st.data(), seed=seeds)
def test_squeeze_unsqueeze_grad(shape, data, seed):
    x = leaf(normal(rng(seed), shape))
    nd = len(shape)
    check_grad(lambda t: t.squeeze(), x)
    assert x.squeeze().shape == np.squeeze(x.data).shape
    if nd:
        d = data.draw(st.integers(-nd, nd - 1))
        expected = np.squeeze(x.data, d).shape if shape[d] == 1 else shape
        assert x.squeeze(d).shape == expected
        assert x.squeeze(dim=d).shape == expected
        check_grad(lambda t: t.squeeze(d), x)
        check_grad(lambda t: autograd.squeeze(t, d), x)
    u = data.draw(st.integers(-nd - 1, nd))
    assert x.unsqueeze(u).shape == np.expand_dims(x.data, u).shape
    check_grad(lambda t: autograd.unsqueeze(t, u), x)


@medium
@given(shape=shape_with_ones(max_dims=3), data=st.data(), seed=seeds)
def test_expand_broadcast_to_repeat_grad(shape, data, seed):
    x = leaf(normal(rng(seed), shape))
    lead = tuple(data.draw(st.lists(st.integers(1, 3), max_size=2)))
    target = lead + tuple(data.draw(st.integers(1, 3)) if s == 1 else s for s in shape)
    with_minus_one = lead + tuple(-1 if (s != 1 or data.draw(st.booleans())) else t
                                  for s, t in zip(shape, target[len(lead):]))
    assert x.expand(*target).shape == target
    check_grad(lambda t: t.expand(*target), x)
    check_grad(lambda t: t.expand(target), x)
    check_grad(lambda t: t.expand(*with_minus_one), x)
    check_grad(lambda t: t.broadcast_to(target), x)
    check_grad(lambda t: autograd.broadcast_to(t, target), x)
    check_gradgrad(lambda t: t.expand(*target) ** 2, x)
    other = leaf(normal(rng(seed + 1), target))
    check_grad(lambda t, o: t.expand_as(o) * o, x, other)
    reps = tuple(data.draw(st.lists(st.integers(1, 3), min_size=len(shape),
                                    max_size=len(shape) + 2)))
    out = x.repeat(*reps)
    np.testing.assert_array_equal(out.data, np.tile(x.data, reps))
    check_grad(lambda t: t.repeat(*reps), x)
    check_gradgrad(lambda t: t.repeat(reps) ** 2, x)


# ================================================================= indexing
INDEXES = {
    "int": 1,
    "negative int": -1,
    "slice": slice(1, 3),
    "slice step": slice(None, None, 2),
    "negative step": slice(None, None, -1),
    "negative slice bounds": slice(-3, -1),
    "tuple of ints": (1, -2),
    "int, slice, int": (2, slice(None), -1),
    "ellipsis": (Ellipsis, 0),
    "None": (None, 1),
    "int array with repeats": np.array([0, 2, 2, 1, 0, 3]),
    "list with repeats": [3, 3, 0],
    "2-D int array": np.array([[0, 1], [1, 1]]),
    "negative int array": np.array([-1, -1, 0]),
    "paired int arrays with repeats": (np.array([0, 0, 3, 0]), np.array([1, 1, 4, 1])),
    "three int arrays": (np.array([1, 1]), np.array([0, 0]), np.array([2, 2])),
    "slice + int array": (slice(1, 4), [0, 0, 2]),
    "int + int array": (0, np.array([4, 4, 1])),
    "arrays apart": (np.array([1, 1]), slice(None), np.array([0, 2])),
    "bool mask full": "mask_full",
    "bool mask dim0": np.array([True, False, True, True]),
    "bool mask dim1 with slice": (slice(None), np.array([False, True, True, False, True])),
    "bool + int array": (np.array([True, False, True, False]), np.array([4, 0])),
    "tensor index": "tensor_index",
    "tensor mask from comparison": "tensor_mask",
}


def _resolve_index(key, x):
    idx = INDEXES[key]
    if not isinstance(idx, str):
        return idx
    if idx == "mask_full":
        return x.data > 0
    if idx == "tensor_index":
        return autograd.tensor(np.array([2, 0, 2]))
    assert idx == "tensor_mask"
    return x > 0.2


@pytest.mark.parametrize("key", list(INDEXES))
@fast
@given(seed=seeds)
def test_indexing_grad(key, seed):
    x = leaf(normal(rng(seed), (4, 5, 3)))
    idx = _resolve_index(key, x)
    np_idx = np.asarray(idx.data) if isinstance(idx, autograd.Tensor) else idx
    np.testing.assert_array_equal(x[idx].data, x.data[np_idx])
    check_grad(lambda t: t[idx], x)


@pytest.mark.parametrize("key", ["int array with repeats", "paired int arrays with repeats",
                                 "slice + int array", "bool mask dim0", "int, slice, int",
                                 "negative step", "None"])
@fast
@given(seed=seeds)
def test_indexing_gradgrad(key, seed):
    x = leaf(normal(rng(seed), (4, 5, 3)))
    idx = _resolve_index(key, x)
    check_gradgrad(lambda t: t[idx] ** 2, x)


@medium
@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_indexing_random_int_arrays_with_repeats_grad(shape, data, seed):
    """Repeated indices must accumulate, not overwrite, in backward."""
    x = leaf(normal(rng(seed), shape))
    idx = np.array(data.draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1,
                                      max_size=7)))
    out = x[idx]
    assert out.shape == (len(idx),) + shape[1:]
    check_grad(lambda t: t[idx], x)
    # backward of sum(x[idx]) counts how often each row was picked
    x.grad = None
    x[idx].sum().backward()
    counts = np.bincount(idx % shape[0], minlength=shape[0]).astype(float)
    expected = np.broadcast_to(counts.reshape((-1,) + (1,) * (len(shape) - 1)), shape)
    np.testing.assert_allclose(x.grad.data, expected)


@medium
@given(shape=shapes(min_dims=1), seed=seeds)
def test_indexing_random_bool_masks_grad(shape, seed):
    r = rng(seed)
    x = leaf(normal(r, shape))
    mask = r.random(shape) < 0.5
    assert x[mask].shape == (int(mask.sum()),)
    check_grad(lambda t: t[mask], x)
    row_mask = r.random(shape[:1]) < 0.5
    check_grad(lambda t: t[row_mask], x)


@fast
@given(shape=shapes(min_dims=1, max_dims=3), data=st.data(), seed=seeds)
def test_split_chunk_grad(shape, data, seed):
    x = leaf(normal(rng(seed), shape))
    nd = len(shape)
    dim = data.draw(st.integers(-nd, nd - 1))
    size = data.draw(st.integers(1, shape[dim]))
    parts = x.split(size, dim)
    assert sum(p.shape[dim] for p in parts) == shape[dim]
    check_grad(lambda t: t.split(size, dim), x)
    check_grad(lambda t: autograd.split(t, size, dim=dim)[0], x)  # other parts unused
    sections = []
    left = shape[dim]
    while left:
        s = data.draw(st.integers(1, left))
        sections.append(s)
        left -= s
    check_grad(lambda t: t.split(sections, dim=dim), x)
    chunks = data.draw(st.integers(1, 4))
    pieces = x.chunk(chunks, dim)
    np.testing.assert_array_equal(
        np.concatenate([p.data for p in pieces], axis=dim), x.data)
    check_grad(lambda t: t.chunk(chunks, dim), x)
    check_grad(lambda t: autograd.chunk(t, chunks, dim)[-1], x)


# ============================================================ cat/stack/pad
@fast
@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_cat_grad(shape, data, seed):
    r = rng(seed)
    nd = len(shape)
    dim = data.draw(st.integers(-nd, nd - 1))
    count = data.draw(st.integers(1, 3))
    parts = []
    for _ in range(count):
        s = list(shape)
        s[dim] = data.draw(st.integers(1, 3))
        parts.append(leaf(normal(r, tuple(s))))
    out = autograd.cat(parts, dim)
    np.testing.assert_array_equal(out.data, np.concatenate([p.data for p in parts], axis=dim))
    check_grad(lambda *ts: autograd.cat(ts, dim), *parts)
    check_grad(lambda *ts: autograd.cat(list(ts), dim=dim), *parts)
    check_grad(lambda *ts: autograd.concatenate(ts, axis=dim), *parts)
    check_gradgrad(lambda *ts: autograd.cat(ts, dim) ** 2, *parts)


@fast
@given(shape=shapes(min_dims=0), data=st.data(), seed=seeds)
def test_stack_grad(shape, data, seed):
    r = rng(seed)
    nd = len(shape)
    dim = data.draw(st.integers(-nd - 1, nd))
    parts = [leaf(normal(r, shape)) for _ in range(data.draw(st.integers(1, 3)))]
    out = autograd.stack(parts, dim)
    np.testing.assert_array_equal(out.data, np.stack([p.data for p in parts], axis=dim))
    check_grad(lambda *ts: autograd.stack(ts, dim), *parts)
    check_grad(lambda *ts: autograd.stack(ts, dim=dim), *parts)
    check_gradgrad(lambda *ts: autograd.stack(ts, dim) ** 2, *parts)


def test_cat_and_stack_with_a_constant_part_grad():
    x = leaf(np.array([[0.3, -1.2]]))
    const = np.ones((1, 2))
    check_grad(lambda t: autograd.cat([t, autograd.tensor(const), t], 0), x)
    check_grad(lambda t: autograd.stack([t, autograd.tensor(const)], 1), x)


@fast
@given(shape=shapes(min_dims=1), data=st.data(), seed=seeds)
def test_pad_grad(shape, data, seed):
    x = leaf(normal(rng(seed), shape))
    k = data.draw(st.integers(1, len(shape)))
    widths = tuple(data.draw(st.lists(st.integers(0, 2), min_size=2 * k, max_size=2 * k)))
    value = data.draw(st.sampled_from([0.0, 1.5]))
    out = autograd.pad(x, widths, value=value)
    np_widths = [(0, 0)] * len(shape)
    for i in range(k):
        np_widths[len(shape) - 1 - i] = (widths[2 * i], widths[2 * i + 1])
    np.testing.assert_array_equal(out.data, np.pad(x.data, np_widths, constant_values=value))
    check_grad(lambda t: autograd.pad(t, widths, value=value), x)
    check_gradgrad(lambda t: autograd.pad(t, widths) ** 2, x)


# =================================================================== casts
@fast
@given(shape=shapes(), seed=seeds)
def test_cast_between_float_dtypes_grad(shape, seed):
    """The gradient of a cast is a cast back: a float64 input gets a float64
    gradient even through a float32 stretch."""
    x = leaf(normal(rng(seed), shape))
    # float32 in the middle rounds at 1e-7: use a larger step and tolerance
    check_grad(lambda t: t.float().double() * 3.0, x, eps=1e-3, atol=1e-3, rtol=1e-2)
    check_grad(lambda t: t.to(np.float32).to(np.float64).exp(), x, eps=1e-3, atol=1e-3,
               rtol=1e-2)
    check_grad(lambda t: t.astype(np.float64) * t, x)  # same dtype: no-op cast
    y = leaf(normal(rng(seed), shape))
    (y.float() * 2).sum().backward()
    assert y.grad.dtype == np.float64
    np.testing.assert_allclose(y.grad.data, 2.0)
    z = autograd.tensor(normal(rng(seed), shape).astype(np.float32), requires_grad=True)
    (z.double() ** 2).sum().backward()
    assert z.grad.dtype == np.float32
    np.testing.assert_allclose(z.grad.data, 2 * z.data, rtol=1e-6)


# ====================================================== composite formulas
def test_binary_ops_mixing_dtype_float32_and_float64_grads_keep_each_dtype():
    a = autograd.tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    b = autograd.tensor(np.array([3.0, 4.0]), requires_grad=True)
    out = a * b
    assert out.dtype == np.float64
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_allclose(a.grad.data, [3.0, 4.0])
    np.testing.assert_allclose(b.grad.data, [1.0, 2.0])


@fast
@given(seed=seeds)
def test_deep_composition_of_many_ops_grad(seed):
    """A small model-like expression touching many ops at once."""
    r = rng(seed)
    x = leaf(normal(r, (3, 4)))
    w = leaf(normal(r, (4, 5)))
    b = leaf(normal(r, (5,)))

    def f(x, w, b):
        h = (x @ w + b).tanh()
        z = h.log_softmax(-1)[:, 1:4] + h.softmax(dim=0).sqrt()[0, 1:4]
        return (z.exp() * h.sigmoid()[:, :3]).mean(0).logsumexp(0) + x.var() * w.std()

    check_grad(f, x, w, b)
    check_gradgrad(f, x, w, b)

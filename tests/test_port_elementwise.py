"""Elementwise math ported from PyTorch (issue 11): values, dtypes,
gradients (gradcheck / gradgradcheck in float64) and errors; PyTorch 2.13
as an optional oracle in the tests marked so."""
import math

import numpy as np
import pytest

import autograd as ag
from autograd.errors import DTypeError, IntegerDivisionByZero


def leaf(values):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


# inputs inside each function's smooth domain
SMOOTH = {
    "log2": [0.3, 1.7, 4.0], "log10": [0.3, 1.7, 40.0], "log1p": [-0.5, 0.2, 3.0],
    "expm1": [-1.0, 1e-3, 2.0], "exp2": [-1.5, 0.0, 3.2], "rsqrt": [0.25, 1.0, 9.0],
    "tan": [-1.0, 0.2, 1.3], "asin": [-0.7, 0.1, 0.9], "acos": [-0.7, 0.1, 0.9],
    "atan": [-3.0, 0.1, 2.0], "sinh": [-2.0, 0.3, 1.0], "cosh": [-2.0, 0.3, 1.0],
    "asinh": [-2.0, 0.3, 5.0], "acosh": [1.2, 2.0, 7.0], "atanh": [-0.8, 0.1, 0.6],
    "erf": [-2.0, 0.1, 1.5], "erfc": [-2.0, 0.1, 3.5],
}
MATH = {"log2": math.log2, "log10": math.log10, "log1p": math.log1p, "expm1": math.expm1,
        "exp2": lambda v: 2.0 ** v, "rsqrt": lambda v: 1 / math.sqrt(v), "tan": math.tan,
        "asin": math.asin, "acos": math.acos, "atan": math.atan, "sinh": math.sinh,
        "cosh": math.cosh, "asinh": math.asinh, "acosh": math.acosh, "atanh": math.atanh,
        "erf": math.erf, "erfc": math.erfc}


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_smooth_unary_values_match_math(name):
    x = SMOOTH[name]
    got = getattr(ag, name)(ag.tensor(np.array(x))).numpy()
    np.testing.assert_allclose(got, [MATH[name](v) for v in x], rtol=1e-14, atol=0)


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_smooth_unary_gradcheck_and_gradgradcheck(name):
    x = leaf(SMOOTH[name])
    fn = getattr(ag, name)
    assert ag.gradcheck(fn, (x,))
    assert ag.gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_smooth_unary_method_form_and_dtypes(name):
    x32 = ag.tensor(np.asarray(SMOOTH[name], dtype=np.float32))
    assert getattr(x32, name)().dtype == np.float32
    # integer input gives float32, as in PyTorch
    assert getattr(ag, name)(ag.tensor([1, 2])).dtype == np.float32


def test_erf_at_float64_precision_beyond_the_tails():
    x = np.array([-6.0, -0.5, 1e-8, 0.5, 6.0, 27.0])
    np.testing.assert_array_equal(ag.erf(ag.tensor(x)).numpy(), [math.erf(v) for v in x])
    np.testing.assert_array_equal(ag.erfc(ag.tensor(x)).numpy(), [math.erfc(v) for v in x])


# ------------------------------------------------------------- rounding
def test_rounding_values_and_zero_gradient():
    x = leaf([-2.5, -1.5, -0.4, 0.5, 1.5, 2.7])
    assert ag.floor(x).tolist() == [-3, -2, -1, 0, 1, 2]
    assert ag.ceil(x).tolist() == [-2, -1, -0.0, 1, 2, 3]
    assert ag.trunc(x).tolist() == [-2, -1, -0.0, 0, 1, 2]
    assert ag.round(x).tolist() == [-2, -2, -0.0, 0, 2, 3]  # half to even
    for fn in (ag.floor, ag.ceil, ag.trunc, ag.round, ag.sign):
        g, = ag.grad(fn(x).sum(), x)
        assert g.tolist() == [0.0] * 6


def test_round_decimals():
    x = ag.tensor(np.array([1.2345, -2.675, 1234.5678]))
    np.testing.assert_allclose(ag.round(x, decimals=2).numpy(), [1.23, -2.68, 1234.57])
    np.testing.assert_allclose(x.round(decimals=-2).numpy(), [0.0, -0.0, 1200.0])


def test_rounding_keeps_integer_dtype():
    i = ag.tensor([1, -2, 3])
    for fn in (ag.floor, ag.ceil, ag.trunc, ag.round):
        out = fn(i)
        assert out.dtype == np.int64 and out.tolist() == [1, -2, 3]


def test_frac_passes_gradient_and_refuses_integers():
    x = leaf([-2.25, 0.5, 3.75])
    assert ag.frac(x).tolist() == [-0.25, 0.5, 0.75]
    g, = ag.grad(ag.frac(x).sum(), x)
    assert g.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(DTypeError, match="frac"):
        ag.frac(ag.tensor([1, 2]))


# ------------------------------------------------- remainder and division
def test_remainder_and_fmod_signs():
    a = ag.tensor([5.0, -5.0, 5.0, -5.0])
    b = ag.tensor([3.0, 3.0, -3.0, -3.0])
    assert (a % b).tolist() == [2.0, 1.0, -1.0, -2.0]
    assert ag.fmod(a, b).tolist() == [2.0, -2.0, 2.0, -2.0]
    assert (ag.tensor([5, -5]) % 3).tolist() == [2, 1]
    assert (ag.tensor([5, -5]) % 3).dtype == np.int64
    assert (7 % ag.tensor([4, -4])).tolist() == [3, -1]


def test_floor_divide_and_rounding_modes():
    a = ag.tensor([7, -7, 7, -7])
    b = ag.tensor([2, 2, -2, -2])
    assert (a // b).tolist() == [3, -4, -4, 3]
    assert ag.div(a, b, rounding_mode="floor").tolist() == [3, -4, -4, 3]
    assert ag.div(a, b, rounding_mode="trunc").tolist() == [3, -3, -3, 3]
    assert ag.div(a, b, rounding_mode="trunc").dtype == np.int64
    assert ag.div(a, b).dtype == np.float32
    f = ag.tensor([7.5, -7.5])
    assert f.div(2, rounding_mode="trunc").tolist() == [3.0, -3.0]
    assert f.div(2, rounding_mode="floor").tolist() == [3.0, -4.0]
    with pytest.raises(ValueError, match="rounding_mode"):
        ag.div(f, 2, rounding_mode="round")


@pytest.mark.parametrize("op", [lambda a, b: a % b, lambda a, b: a // b, ag.fmod,
                                lambda a, b: ag.div(a, b, rounding_mode="trunc")])
def test_integer_division_by_zero_is_an_error(op):
    with pytest.raises(IntegerDivisionByZero, match="division by zero"):
        op(ag.tensor([5, 6]), ag.tensor([1, 0]))
    with pytest.raises(RuntimeError):  # PyTorch's type
        op(ag.tensor([5]), 0)


def test_remainder_fmod_gradients():
    a = leaf([5.3, -5.3, 2.2])
    b = leaf([3.1, 3.1, -1.5])
    for fn in (ag.remainder, ag.fmod):
        assert ag.gradcheck(fn, (a, b))
        assert ag.gradgradcheck(fn, (a, b))
    _, gb = ag.grad(ag.remainder(a, b).sum(), (a, b))
    assert gb.tolist() == [-1.0, 2.0, 2.0]  # -floor(a / b)


def test_floor_divide_refuses_backward_and_rounded_div_gives_zero():
    a = leaf([5.0, -3.0])
    with pytest.raises(RuntimeError, match="floor_divide"):
        (a // 2).sum().backward()
    assert a.grad is None
    g, = ag.grad(ag.div(a, 2.0, rounding_mode="floor").sum(), a)
    assert g.tolist() == [0.0, 0.0]


# ---------------------------------------------------------- binary math
def test_atan2_hypot_copysign_values_and_dtypes():
    y, x = ag.tensor([1.0, -1.0, 0.0]), ag.tensor([1.0, -1.0, -2.0])
    np.testing.assert_allclose(ag.atan2(y, x).numpy(), [math.pi / 4, -3 * math.pi / 4, math.pi],
                               rtol=1e-6)
    assert ag.hypot(ag.tensor([3.0]), ag.tensor([4.0])).tolist() == [5.0]
    assert ag.copysign(ag.tensor([1.0, -2.0, 3.0]), -1.0).tolist() == [-1.0, -2.0, -3.0]
    assert ag.atan2(ag.tensor([1]), ag.tensor([2])).dtype == np.float32
    assert ag.copysign(ag.tensor([1, 2]), ag.tensor([-1, 1])).dtype == np.float32
    with pytest.raises(DTypeError, match="hypot"):
        ag.hypot(ag.tensor([3]), ag.tensor([4]))


def test_binary_math_gradcheck():
    a = leaf([0.7, -1.3, 2.1])
    b = leaf([1.5, 0.4, -0.8])
    for fn in (ag.atan2, ag.hypot):
        assert ag.gradcheck(fn, (a, b))
        assert ag.gradgradcheck(fn, (a, b))
    assert ag.gradcheck(ag.copysign, (a, b))
    ga, gb = ag.grad(ag.copysign(a, b).sum(), (a, b))
    assert ga.tolist() == [1.0, -1.0, -1.0] and gb.tolist() == [0.0, 0.0, 0.0]


def test_lerp_values_gradients_and_exact_end():
    s, e = leaf([0.0, 1.0, -2.0]), leaf([10.0, 3.0, 2.0])
    assert ag.lerp(s, e, 0.25).tolist() == [2.5, 1.5, -1.0]
    assert ag.lerp(s, e, 1.0).tolist() == e.tolist()
    w = leaf([0.1, 0.6, 0.9])
    assert ag.gradcheck(ag.lerp, (s, e, w))
    assert ag.gradgradcheck(ag.lerp, (s, e, w))
    assert ag.gradcheck(lambda a, b: a.lerp(b, 0.7), (s, e))


def test_classification_and_isclose():
    x = ag.tensor([1.0, math.inf, -math.inf, math.nan])
    assert ag.isinf(x).tolist() == [False, True, True, False]
    assert x.isposinf().tolist() == [False, True, False, False]
    assert ag.isneginf(x).tolist() == [False, False, True, False]
    assert ag.isfinite(x).tolist() == [True, False, False, False]
    assert ag.isnan(x).tolist() == [False, False, False, True]
    a, b = ag.tensor([1.0, 2.0, math.nan]), ag.tensor([1.0 + 1e-6, 2.1, math.nan])
    assert ag.isclose(a, b).tolist() == [True, False, False]
    assert ag.isclose(a, b, equal_nan=True).tolist() == [True, False, True]
    assert ag.allclose(ag.tensor([1.0]), ag.tensor([1.0 + 1e-7])) is True
    assert a.allclose(b) is False


def test_bitwise_ops_on_integers_are_bitwise():
    a, b = ag.tensor([12, 10]), ag.tensor([10, 6])
    assert (a & b).tolist() == [8, 2]
    assert (a | b).tolist() == [14, 14]
    assert (a ^ b).tolist() == [6, 12]
    assert (~a).tolist() == [-13, -11]
    assert ag.bitwise_and(a, b).tolist() == [8, 2] and a.bitwise_xor(b).tolist() == [6, 12]
    assert (~ag.tensor([True, False])).tolist() == [False, True]


def test_function_forms_with_alpha():
    a, b = leaf([1.0, 2.0]), leaf([3.0, 5.0])
    assert ag.add(a, b, alpha=2).tolist() == [7.0, 12.0]
    assert ag.sub(a, b, alpha=2).tolist() == [-5.0, -8.0]
    assert a.add(b, alpha=0.5).tolist() == [2.5, 4.5]
    assert ag.mul(a, b).tolist() == [3.0, 10.0]
    assert ag.true_divide(ag.tensor([1, 2]), 2).tolist() == [0.5, 1.0]
    assert ag.pow(a, 2).tolist() == [1.0, 4.0]
    assert ag.neg(a).tolist() == [-1.0, -2.0]
    assert ag.clip(a, 1.5, None).tolist() == [1.5, 2.0]
    _, gb = ag.grad(ag.sub(a, b, alpha=3).sum(), (a, b))
    assert gb.tolist() == [-3.0, -3.0]


# --------------------------------------------------------- PyTorch oracle
@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_oracle_unary(name):
    torch = pytest.importorskip("torch")
    x = np.asarray(SMOOTH[name])
    ours = leaf(x)
    theirs = torch.tensor(x, requires_grad=True)
    out, ref = getattr(ag, name)(ours), getattr(torch, name)(theirs)
    np.testing.assert_allclose(out.numpy(force=True), ref.detach().numpy(), rtol=1e-13)
    g, = ag.grad(out.sum(), ours)
    tg, = torch.autograd.grad(ref.sum(), theirs)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12)
    for dt, tdt in ((np.float32, torch.float32), (np.int64, torch.int64)):
        assert str(getattr(ag, name)(ag.tensor(x.astype(dt))).dtype) == \
            str(getattr(torch, name)(torch.tensor(x.astype(dt))).dtype).split(".")[1]


def test_oracle_rounding_and_division():
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(0)
    x = np.round(r.uniform(-20, 20, 64), 3)
    y = np.where(np.abs(q := np.round(r.uniform(-5, 5, 64), 2)) < 0.1, 1.5, q)
    xi, yi = r.integers(-50, 50, 64), r.integers(1, 9, 64) * r.choice([-1, 1], 64)
    pairs = [(x, y), (xi, yi), (x.astype(np.float32), y.astype(np.float32))]
    for a, b in pairs:
        ta, tb, ca, cb = torch.tensor(a), torch.tensor(b), ag.tensor(a), ag.tensor(b)
        for ours, theirs in [(ca % cb, ta % tb), (ca // cb, ta // tb),
                             (ag.fmod(ca, cb), torch.fmod(ta, tb)),
                             (ag.div(ca, cb, rounding_mode="trunc"),
                              torch.div(ta, tb, rounding_mode="trunc")),
                             (ag.div(ca, cb, rounding_mode="floor"),
                              torch.div(ta, tb, rounding_mode="floor")),
                             (ag.copysign(ca, cb), torch.copysign(ta, tb)),
                             (ag.atan2(ca, cb), torch.atan2(ta, tb))]:
            assert str(ours.dtype) == str(theirs.dtype).split(".")[1]
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
        for fn in ("floor", "ceil", "trunc", "round", "sign"):
            np.testing.assert_array_equal(getattr(ag, fn)(ca).numpy(),
                                          getattr(torch, fn)(ta).numpy())
    for d in (1, 2, -1):
        np.testing.assert_array_equal(ag.round(ag.tensor(x), decimals=d).numpy(),
                                      torch.round(torch.tensor(x), decimals=d).numpy())


def test_oracle_binary_gradients():
    torch = pytest.importorskip("torch")
    a, b = np.array([5.3, -5.3, 2.2, 0.7]), np.array([3.1, 3.1, -1.5, 0.4])
    for name in ("remainder", "fmod", "atan2", "hypot", "copysign"):
        ca, cb = leaf(a), leaf(b)
        ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        out, ref = getattr(ag, name)(ca, cb), getattr(torch, name)(ta, tb)
        np.testing.assert_allclose(out.numpy(force=True), ref.detach().numpy(), rtol=1e-14)
        g = ag.grad(out.sum(), (ca, cb))
        tg = torch.autograd.grad(ref.sum(), (ta, tb))
        for mine, ref_g in zip(g, tg):
            np.testing.assert_allclose(mine.numpy(), ref_g.numpy(), rtol=1e-12, atol=1e-15)
    w = np.array([0.2, 0.7, -0.3, 1.4])
    ours = ag.lerp(ag.tensor(a), ag.tensor(b), ag.tensor(w)).numpy()
    # PyTorch fuses the multiply-add (one rounding): agreement to the last bit or so
    np.testing.assert_allclose(ours, torch.lerp(torch.tensor(a), torch.tensor(b),
                                                torch.tensor(w)).numpy(), rtol=1e-15)

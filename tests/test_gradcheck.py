"""gradcheck / gradgradcheck: they pass on correct gradients, and on wrong
ones they fail with a report that points at the right entries and the
likely mistake.  The wrong gradients come from small custom `Function`s,
each with one deliberate, typical bug."""
import warnings

import numpy as np
import pytest

import autograd
from autograd import Function, GradcheckError, gradcheck, gradgradcheck


def leaf(values):
    return autograd.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def normal(shape, seed=0):
    return leaf(np.random.default_rng(seed).standard_normal(shape))


def away_from_zero(shape, seed=0):
    """Values in +-[0.5, 2]: nowhere near a kink, so the buggy ops below fail
    for their bug only."""
    r = np.random.default_rng(seed)
    return leaf(np.where(r.random(shape) < 0.5, -1, 1) * r.uniform(0.5, 2, size=shape))


def failure(fn, inputs, **kw):
    """Run a check that must fail; return the GradcheckError."""
    check = kw.pop("check", gradcheck)
    with pytest.raises(GradcheckError) as info:
        check(fn, inputs, **kw)
    return info.value


# ------------------------------------------------------- deliberately wrong ops
class SquareHalfGrad(Function):
    """x^2 whose backward forgot the 2."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a


class SinSignFlipped(Function):
    """sin whose backward says -cos."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.sin(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -(g * a.cos())


class ExpZeroGrad(Function):
    """exp whose backward returns zeros."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return np.exp(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * 0.0


class TripleOneWrong(Function):
    """3x whose backward is right except at element [1, 2] (5 instead of 3)."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return 3.0 * a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        scale = np.full(a.shape, 3.0)
        scale[1, 2] = 5.0
        return g * autograd.tensor(scale)


_PICK = np.zeros((12, 2))
_PICK[6, 0] = 2.0       # output[0] = 2 * input[1, 2]
_PICK[0, 1] = 1.0       # output[1] = input[0, 0]


class PickWrongScale(Function):
    """output = flat(input) @ _PICK, whose backward uses 3 instead of 2 for
    input[1, 2] -> output[0]: input and output indices differ here."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a.reshape(-1) @ _PICK

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        wrong = _PICK.copy()
        wrong[6, 0] = 3.0
        return (g.reshape(1, 2) @ autograd.tensor(wrong.T)).reshape(a.shape)


class SquareOnData(Function):
    """x^2 with a correct first derivative computed on .data: the result is a
    constant to the engine, so its own derivative comes out as zero."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * a

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return autograd.tensor(2.0 * a.data * g.data)


class CubeViaBadSquare(Function):
    """x^3 with a correct backward 3*x^2*g, but x^2 is computed with
    SquareHalfGrad: first derivatives are right, second ones are not."""

    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a ** 3

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return 3.0 * SquareHalfGrad.apply(a) * g


# ------------------------------------------------------------------- passing
def test_square_passes_and_clears_last_report():
    gradcheck(SquareHalfGrad.apply, away_from_zero((3,)), raise_exception=False)
    assert gradcheck.last_report is not None
    assert gradcheck(lambda a: a * a, normal((3, 4))) is True
    assert gradcheck.last_report is None


def test_matmul_passes():
    a, b = normal((3, 4), 1), normal((4, 2), 2)
    assert gradcheck(lambda x, y: x @ y, (a, b)) is True


def test_multiple_outputs_pass():
    a, b = normal((3, 4), 1), normal((4, 2), 2)
    assert gradcheck(lambda x, y: (x @ y, x.tanh(), (y * y).sum()), [a, b]) is True


def test_non_tensor_and_non_grad_inputs_are_passed_through_not_differentiated():
    x = normal((2, 3))
    const = autograd.tensor(np.ones((2, 3)))   # a Tensor that does not require grad
    seen = []

    def fn(a, scale, c, flag):
        seen.append((scale, flag))
        return a * scale + c if flag else a
    assert gradcheck(fn, (x, 2.5, const, True)) is True
    assert all(s == (2.5, True) for s in seen)


def test_single_tensor_input_and_0d_tensors():
    assert gradcheck(lambda a: a.exp(), normal((4,))) is True
    assert gradcheck(lambda a: (a * a).sum(), leaf(0.7)) is True


def test_integer_outputs_are_ignored():
    assert gradcheck(lambda a: (a * 2, a.argmax()), normal((5,))) is True


def test_inputs_are_left_exactly_as_they_were():
    x = normal((3, 3))
    before = x.detach().numpy().copy()
    version = x._vc[0]
    gradcheck(lambda a: a, x)            # fn returns a view of the perturbed data
    gradcheck(SquareHalfGrad.apply, x, raise_exception=False)
    assert np.array_equal(x.data, before)
    assert x._vc[0] == version
    assert x.grad is None


def test_numeric_pass_moves_one_element_by_eps_at_a_time():
    x = normal((2, 3))
    seen = []

    def fn(a):
        if not autograd.is_grad_enabled():               # the numeric evaluations
            seen.append(a.detach().numpy().copy())
        return a * a
    gradcheck(fn, x, eps=1e-6)
    moved = [np.nonzero(p != x.data) for p in seen]
    assert len(seen) == 2 * 6
    assert all(len(m[0]) == 1 for m in moved)           # the others restored exactly
    steps = sorted((p - x.data)[m].item() for p, m in zip(seen, moved))
    assert steps[:6] == pytest.approx([-1e-6] * 6) and steps[6:] == pytest.approx([1e-6] * 6)


def test_works_when_called_under_no_grad():
    with autograd.no_grad():
        assert gradcheck(lambda a: a.sigmoid(), normal((3,))) is True
    with pytest.raises(GradcheckError):
        with autograd.no_grad():
            gradcheck(SquareHalfGrad.apply, away_from_zero((3,)))


# ---------------------------------------------------------- wrong gradients
def test_factor_two_report_names_worst_element_values_and_hint():
    x = away_from_zero((3, 4))
    err = failure(SquareHalfGrad.apply, x)
    flat = np.abs(x.detach().numpy()).reshape(-1)
    worst = np.unravel_index(np.argmax(flat), x.shape)     # |error| = |x| here
    text = str(err)
    label = f"input[{worst[0]}, {worst[1]}] -> output[{worst[0]}, {worst[1]}]"
    assert label in text
    top = err.report.pairs[0].worst[0]
    assert top.input_index == tuple(worst) and top.output_index == tuple(worst)
    assert top.analytic == pytest.approx(x.detach().numpy()[worst])
    assert top.numeric == pytest.approx(2 * x.detach().numpy()[worst], rel=1e-6)
    assert f"{x.detach().numpy()[worst]:.6g}" in text
    assert "12 of 144" in text
    assert "factor of 2" in text and "half" in text


def test_sign_flip_hint():
    err = failure(SinSignFlipped.apply, away_from_zero((2, 3)))
    assert "sign error" in str(err)
    assert "factor of 2" not in str(err)
    top = err.report.pairs[0].worst[0]
    assert top.analytic == pytest.approx(-top.numeric, rel=1e-6)


def test_zero_gradient_hint():
    err = failure(ExpZeroGrad.apply, normal((4,)))
    assert "zero everywhere" in str(err)
    assert all(w.analytic == 0 for w in err.report.pairs[0].worst)


def test_detached_input_gets_the_zero_hint():
    err = failure(lambda a: a.detach() * 2 + 0 * a, normal((3,)))
    assert "is the input connected to the output" in str(err)


def test_single_wrong_element_is_located():
    x = normal((3, 4))
    err = failure(TripleOneWrong.apply, x)
    pair = err.report.pairs[0]
    assert pair.mismatched == 1 and pair.total == 144
    (only,) = pair.worst
    assert only.input_index == (1, 2) and only.output_index == (1, 2)
    assert only.analytic == pytest.approx(5.0)
    assert only.numeric == pytest.approx(3.0, rel=1e-6)
    assert only.abs_error == pytest.approx(2.0, rel=1e-6)
    text = str(err)
    assert "input[1, 2] -> output[1, 2]" in text
    assert "1 of 144" in text and "only 1 of 144 entries is wrong" in text


def test_element_label_gives_input_and_output_indices_separately():
    err = failure(PickWrongScale.apply, normal((3, 4)))
    (only,) = err.report.pairs[0].worst
    assert (only.input_index, only.output_index) == ((1, 2), (0,))
    assert (only.analytic, only.numeric) == (pytest.approx(3.0), pytest.approx(2.0))
    assert "input[1, 2] -> output[0]" in str(err)
    assert "1 of 24" in str(err)


def test_report_names_the_failing_output_and_input_pair():
    a, b = away_from_zero((2, 2), 1), away_from_zero((3,), 2)
    err = failure(lambda x, k, y: (x.tanh(), SquareHalfGrad.apply(y), x * k),
                  (a, 3.0, b))
    ((pair),) = err.report.pairs
    assert (pair.output, pair.input) == (1, 2)
    assert pair.input_shape == (3,) and pair.output_shape == (3,)
    assert "output 1 w.r.t. input 2" in str(err)


def test_kink_hint_for_relu_at_zero():
    x = leaf([0.5, 0.0, -1.0, 2.0])
    err = failure(lambda a: a.relu(), x)
    text = str(err)
    assert "input[1] (= 0, near 0)" in text
    assert "non-differentiable point" in text and "move the test point away" in text
    assert err.report.pairs[0].worst[0].input_index == (1,)


def test_tie_hint_for_max_along_a_dim():
    x = leaf([[3.0, 3.0], [1.0, 2.0]])
    err = failure(lambda a: a.max(dim=1)[0], x)
    text = str(err)
    assert "ties with input[0, " in text and "non-differentiable point" in text


def test_nan_hint_names_the_numeric_side():
    with np.errstate(invalid="ignore"):                 # log(-1) is the point here
        err = failure(lambda a: a.log(), leaf([-1.0, 1.0, 4.0]))
    text = str(err)
    assert "numeric Jacobian contains NaN/Inf" in text
    assert "analytic Jacobian contains NaN/Inf" not in text


def test_report_table_columns_are_aligned():
    text = str(failure(SquareHalfGrad.apply, away_from_zero((3, 4))))
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if "analytic" in l and "rel error" in l)
    table = lines[start:start + 6]
    assert len({len(l) for l in table}) == 1            # right-aligned numbers
    assert all(l.startswith("    ") for l in table)
    header = table[0]
    for row in table[1:]:                               # each number ends under its header
        assert row[header.index("analytic") + len("analytic") - 1] != " "


# ------------------------------------------------------ result and errors
def test_raise_exception_false_returns_false_and_keeps_the_report():
    result = gradcheck(SinSignFlipped.apply, away_from_zero((3,)), raise_exception=False)
    assert result is False
    assert isinstance(gradcheck.last_report, str)
    assert "sign error" in gradcheck.last_report


def test_error_is_a_runtime_error_carrying_the_report():
    err = failure(SquareHalfGrad.apply, away_from_zero((2,)))
    assert isinstance(err, RuntimeError)
    assert str(err) == str(err.report) == gradcheck.last_report
    assert err.report.check == "gradcheck"


def test_float32_input_warns():
    x = autograd.tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
    with pytest.warns(UserWarning, match="float32.*meaningless"):
        gradcheck(lambda a: a * 2, x, raise_exception=False)


def test_float64_input_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gradcheck(lambda a: a * 2, normal((2,))) is True


def test_no_input_requiring_grad_is_refused():
    with pytest.raises(ValueError, match="nothing to check"):
        gradcheck(lambda a, k: a * k, (autograd.tensor(np.ones(3)), 2.0))


def test_non_floating_input_requiring_grad_is_refused():
    # The public API cannot make one (requires_grad refuses integers), so the
    # private flag is set directly to reach this last line of defence.
    bad = autograd.tensor(np.arange(3))
    bad._rg = True
    with pytest.raises(ValueError, match=r"input 1 .*int64"):
        gradcheck(lambda a, b: a * 2, (normal((3,)), bad))


def test_fn_returning_a_non_tensor_is_refused():
    with pytest.raises(TypeError, match="Tensor or a tuple of Tensors"):
        gradcheck(lambda a: 3.0, normal((2,)))


# ------------------------------------------------------------ gradgradcheck
@pytest.mark.parametrize("fn", [
    lambda a: a.tanh(),
    lambda a: a.sigmoid(),
    lambda a: a.exp(),
    lambda a: a.softmax(dim=1),
], ids=["tanh", "sigmoid", "exp", "softmax"])
def test_gradgradcheck_passes_for_smooth_ops(fn):
    assert gradgradcheck(fn, normal((2, 3))) is True
    assert gradgradcheck.last_report is None


def test_gradgradcheck_passes_for_matmul():
    assert gradgradcheck(lambda x, y: x @ y, (normal((2, 3), 1), normal((3, 2), 2))) is True


def test_gradgradcheck_with_given_grad_outputs():
    x = normal((3,))
    go = autograd.tensor(np.array([1.0, -2.0, 0.5]), requires_grad=True)
    assert gradgradcheck(lambda a: a ** 3, x, grad_outputs=go) is True


def test_given_grad_outputs_are_differentiated_only_if_they_require_grad():
    x = away_from_zero((3,))
    fixed = autograd.tensor(np.array([1.0, -2.0, 0.5]))
    assert gradgradcheck(SquareOnData.apply, x, grad_outputs=fixed,
                         raise_exception=False) is False
    assert "w.r.t. input 0" in gradgradcheck.last_report
    assert "grad_output 0" not in gradgradcheck.last_report


def test_gradgradcheck_accepts_a_numpy_grad_output():
    x = away_from_zero((3,))
    go = np.array([1.0, -2.0, 0.5])
    assert gradgradcheck(lambda a: a ** 3, x, grad_outputs=go) is True
    assert gradgradcheck(SquareOnData.apply, x, grad_outputs=go, raise_exception=False) is False


def test_a_refused_call_clears_the_previous_report():
    gradcheck(SquareHalfGrad.apply, away_from_zero((2,)), raise_exception=False)
    with pytest.raises(ValueError):
        gradcheck(lambda a: a, autograd.tensor(np.ones(2)))
    assert gradcheck.last_report is None


def test_gradgradcheck_refuses_a_wrong_number_of_grad_outputs():
    with pytest.raises(ValueError, match="2 grad_outputs for 1 outputs"):
        gradgradcheck(lambda a: a * a, normal((2,)), grad_outputs=[normal((2,)), normal((2,))])


def test_gradgradcheck_catches_backward_computed_on_data():
    x = away_from_zero((2, 3))
    assert gradcheck(SquareOnData.apply, x) is True      # first derivative is fine
    err = failure(SquareOnData.apply, x, check=gradgradcheck)
    text = str(err)
    assert "gradgradcheck failed" in text
    assert "zero everywhere" in text and "Write backward with Tensor ops" in text
    assert {(p.input_name, p.output_name) for p in err.report.pairs} == {
        ("input 0", "grad of input 0"), ("grad_output 0", "grad of input 0")}
    assert gradgradcheck.last_report == text


def test_gradgradcheck_finds_a_wrong_second_derivative():
    x = away_from_zero((4,))
    assert gradcheck(CubeViaBadSquare.apply, x) is True
    result = gradgradcheck(CubeViaBadSquare.apply, x, raise_exception=False)
    assert result is False
    report = gradgradcheck.last_report
    assert "grad of input 0 w.r.t. input 0" in report
    assert "factor of 2" in report
    # d/dgo (3 x^2 go) is right: SquareHalfGrad's forward is correct
    assert "w.r.t. grad_output 0" not in report


def test_gradgradcheck_reports_are_reproducible():
    x = away_from_zero((3,))
    gradgradcheck(CubeViaBadSquare.apply, x, raise_exception=False)
    first = gradgradcheck.last_report
    gradgradcheck(CubeViaBadSquare.apply, x, raise_exception=False)
    assert gradgradcheck.last_report == first


def test_gradgradcheck_does_not_touch_gradcheck_last_report():
    gradcheck(lambda a: a * 2, normal((2,)))
    gradgradcheck(SquareOnData.apply, away_from_zero((2,)), raise_exception=False)
    assert gradcheck.last_report is None
    assert gradgradcheck.last_report is not None

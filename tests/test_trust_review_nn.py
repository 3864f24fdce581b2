"""Findings of the independent nn/optim review, pinned to PyTorch 2.13.

1. An ignored target removes its row from a class-index loss: a NaN or inf
   there must not reach the value, and (for nll_loss) its gradient is 0.
2. When every target is ignored, 'mean' is NaN (0/0) but the gradient is 0;
   'sum' and 'none' are 0.  A total *weight* of 0 (targets not ignored) is
   NaN in value and gradient, as in PyTorch.
3. Mixed input/target dtypes follow PyTorch: promotion where it promotes,
   refusal where it refuses.
4. nn.init and lr_scheduler arguments are checked with PyTorch's rules, and
   refusals name the function and the argument; a refused call changes
   nothing.

Every expectation is written out; PyTorch is only an extra, optional check.
"""
import math
import re
import warnings

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
import nn.init as init
import optim
from autograd.errors import ArgumentError, DTypeError
from optim import lr_scheduler

NAN = float("nan")
INF = float("inf")
# softplus(-1) = -log_softmax([1, 2])[1]; softmax([1, 2]) - onehot(1)
LOSS_ROW1 = math.log1p(math.exp(-1.0))
GRAD_ROW1 = 1.0 / (1.0 + math.e)


def leaf(rows):
    return ag.tensor(np.array(rows, dtype=np.float64), requires_grad=True)


def idx(*values):
    return ag.tensor(np.array(values, dtype=np.int64))


def value_and_grad(fn, rows, *args, **kwargs):
    x = leaf(rows)
    loss = fn(x, *args, **kwargs)
    loss.sum().backward()
    return loss.detach().numpy(), x.grad.detach().numpy()


def assert_equal_nan(actual, expected):
    np.testing.assert_allclose(actual, np.array(expected, dtype=np.float64),
                               rtol=1e-12, atol=1e-15, equal_nan=True)


# ------------------------------------------------- 1. ignored rows are removed
def test_cross_entropy_ignored_nan_row_does_not_reach_the_loss():
    loss, grad = value_and_grad(F.cross_entropy, [[NAN, 1.0], [1.0, 2.0]], idx(-100, 1))
    assert loss == pytest.approx(LOSS_ROW1, rel=1e-12)               # PyTorch 0.3133
    # row 1 as usual; row 0's gradient passes through log_softmax of a NaN row,
    # which is NaN in PyTorch too
    assert_equal_nan(grad, [[NAN, NAN], [GRAD_ROW1, -GRAD_ROW1]])


def test_cross_entropy_label_smoothing_ignored_nan_row():
    loss, grad = value_and_grad(F.cross_entropy, [[NAN, 1.0], [1.0, 2.0]], idx(-100, 1),
                                label_smoothing=0.1)
    # (1 - 0.1) * nll + 0.1 / 2 * (-(logp0 + logp1)) = nll + 0.05 for this row
    assert loss == pytest.approx(LOSS_ROW1 + 0.05, rel=1e-12)        # PyTorch 0.3633
    assert_equal_nan(grad, [[NAN, NAN], [GRAD_ROW1 - 0.05, -(GRAD_ROW1 - 0.05)]])


def test_cross_entropy_weighted_ignore_index_inf_row():
    w = ag.tensor(np.array([1.0, 2.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # inf - inf in log_softmax
        loss, grad = value_and_grad(F.cross_entropy, [[INF, 1.0], [1.0, 2.0]], idx(0, 1),
                                    weight=w, ignore_index=0)
    assert loss == pytest.approx(LOSS_ROW1, rel=1e-12)   # 2 * 0.3133 / 2; PyTorch 0.3133
    np.testing.assert_allclose(grad[1], [GRAD_ROW1, -GRAD_ROW1], rtol=1e-12)


def test_nll_loss_ignored_nan_row_has_zero_gradient():
    loss, grad = value_and_grad(F.nll_loss, [[NAN, 1.0], [1.0, 2.0]], idx(-100, 1))
    assert loss == -2.0                                              # PyTorch -2.0
    assert_equal_nan(grad, [[0.0, 0.0], [0.0, -1.0]])


def test_spatial_cross_entropy_ignored_nan_position():
    # (N=1, C=2, d=2): position 0 holds a NaN logit and is ignored
    loss, grad = value_and_grad(F.cross_entropy, [[[NAN, 1.0], [1.0, 2.0]]],
                                ag.tensor(np.array([[-100, 1]])))
    assert loss == pytest.approx(LOSS_ROW1, rel=1e-12)
    assert_equal_nan(grad, [[[NAN, GRAD_ROW1], [NAN, -GRAD_ROW1]]])


def test_ignore_path_passes_gradcheck():
    r = np.random.default_rng(0)
    x = ag.tensor(r.standard_normal((5, 3)), requires_grad=True)
    t = idx(0, 2, 1, 1, 2)
    w = ag.tensor(np.array([0.5, 1.0, 2.0]))
    for reduction in ("mean", "sum", "none"):
        def f(x, reduction=reduction):
            return F.cross_entropy(x, t, weight=w, ignore_index=1, reduction=reduction,
                                   label_smoothing=0.2)
        assert ag.gradcheck(f, (x,))
        assert ag.gradgradcheck(f, (x,))
        assert ag.gradcheck(lambda x, reduction=reduction: F.nll_loss(
            x, t, weight=w, ignore_index=2, reduction=reduction), (x,))


# ----------------------------------------------- 2. every target ignored
ALL_IGNORED = [
    (F.cross_entropy, {}),
    (F.cross_entropy, {"label_smoothing": 0.1}),
    (F.nll_loss, {}),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fn,kwargs", ALL_IGNORED)
def test_all_ignored_mean_is_nan_with_zero_gradient(fn, kwargs, weighted):
    w = ag.tensor(np.array([1.0, 2.0])) if weighted else None
    loss, grad = value_and_grad(fn, [[0.0, 1.0], [1.0, 2.0]], idx(-100, -100), weight=w,
                                **kwargs)
    assert math.isnan(loss)                                          # PyTorch nan
    assert_equal_nan(grad, np.zeros((2, 2)))                         # PyTorch zeros


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fn,kwargs", ALL_IGNORED)
def test_all_ignored_sum_and_none_are_zero(fn, kwargs, weighted):
    w = ag.tensor(np.array([1.0, 2.0])) if weighted else None
    for reduction, expected in (("sum", 0.0), ("none", [0.0, 0.0])):
        loss, grad = value_and_grad(fn, [[0.0, 1.0], [1.0, 2.0]], idx(-100, -100),
                                    weight=w, reduction=reduction, **kwargs)
        assert_equal_nan(loss, expected)
        assert_equal_nan(grad, np.zeros((2, 2)))


def test_all_ignored_nan_row_keeps_log_softmax_nan_gradient():
    for reduction, expected in (("mean", NAN), ("sum", 0.0), ("none", [0.0, 0.0])):
        loss, grad = value_and_grad(F.cross_entropy, [[NAN, 1.0], [1.0, 2.0]],
                                    idx(-100, -100), reduction=reduction)
        assert_equal_nan(loss, expected)
        assert_equal_nan(grad, [[NAN, NAN], [0.0, 0.0]])


def test_unbatched_all_ignored():
    loss, grad = value_and_grad(F.nll_loss, [1.0, 1.0], ag.tensor(np.array(-100)))
    assert math.isnan(loss)
    assert_equal_nan(grad, [0.0, 0.0])


def test_zero_total_weight_is_nan_as_in_pytorch():
    """Targets not ignored but all of weight 0: 0/0 in value and gradient."""
    w = ag.tensor(np.array([0.0, 1.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        loss, grad = value_and_grad(F.nll_loss, [[0.0, 1.0], [1.0, 2.0]], idx(0, 0),
                                    weight=w)
        assert math.isnan(loss)
        assert_equal_nan(grad, [[NAN, 0.0], [NAN, 0.0]])
        # with label smoothing PyTorch divides each part by the total: NaN, not inf
        smoothed, _ = value_and_grad(F.cross_entropy, [[0.0, 1.0], [1.0, 2.0]], idx(0, 0),
                                     weight=w, label_smoothing=0.2)
    assert math.isnan(smoothed)


def test_weighted_smoothing_with_one_ignored_row():
    w = ag.tensor(np.array([0.0, 1.0]))
    loss, grad = value_and_grad(F.cross_entropy, [[0.0, 1.0], [1.0, 2.0]], idx(-100, 1),
                                weight=w, label_smoothing=0.2)
    # row 1: 0.8 * nll - 0.1 * (0 * logp0 + 1 * logp1) over total weight 1
    assert loss == pytest.approx(0.9 * LOSS_ROW1, rel=1e-12)        # PyTorch 0.28194
    np.testing.assert_allclose(grad, [[0.0, 0.0], [0.9 * GRAD_ROW1, -0.9 * GRAD_ROW1]],
                               rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------- 3. dtypes
def floats(dtype, low=0.1, high=0.9):
    return ag.tensor(np.random.default_rng(2).uniform(low, high, (3, 2)).astype(dtype))


PROMOTING = [  # (loss, input dtype, target dtype, PyTorch's result dtype)
    (F.mse_loss, np.float32, np.float64, np.float64),
    (F.mse_loss, np.float64, np.float32, np.float64),
    (F.mse_loss, np.float16, np.float32, np.float32),
    (F.mse_loss, np.float32, np.float16, np.float32),
    (F.mse_loss, np.float32, np.int64, np.float32),
    (F.mse_loss, np.float16, np.int64, np.float16),
    (F.mse_loss, np.float32, np.bool_, np.float32),
    (F.l1_loss, np.float32, np.float64, np.float64),
    (F.l1_loss, np.float64, np.float32, np.float64),
    (F.l1_loss, np.float32, np.int64, np.float32),
    (F.binary_cross_entropy_with_logits, np.float32, np.float64, np.float64),
    (F.binary_cross_entropy_with_logits, np.float16, np.float32, np.float32),
    (F.cross_entropy, np.float32, np.float64, np.float64),           # probabilities
    (F.cross_entropy, np.float64, np.float32, np.float64),
    (F.cross_entropy, np.float32, np.float16, np.float32),
]


@pytest.mark.parametrize("fn,xdt,tdt,expected", PROMOTING)
def test_target_tensor_dtype_promotes(fn, xdt, tdt, expected):
    x = ag.tensor(np.random.default_rng(3).uniform(0.1, 0.9, (3, 2)).astype(xdt),
                  requires_grad=True)
    t = ag.tensor(np.random.default_rng(4).uniform(0, 1, (3, 2)).astype(tdt))
    loss = fn(x, t)
    assert loss.dtype == expected
    loss.backward()
    assert x.grad.dtype == xdt                     # the input's gradient keeps its dtype


def test_mse_float32_float64_value_is_computed_in_float64():
    x = ag.tensor(np.array([0.1], dtype=np.float32))
    t = ag.tensor(np.array([0.3]))
    expected = (np.float64(np.float32(0.1)) - 0.3) ** 2
    assert F.mse_loss(x, t).item() == expected


@pytest.mark.parametrize("xdt,tdt", [(np.float64, np.float32), (np.float32, np.float64),
                                     (np.float32, np.float32), (np.float64, np.float64)])
def test_bce_with_logits_computes_in_the_targets_dtype(xdt, tdt):
    """PyTorch 2.13 computes this loss in the target's dtype, even when it is
    narrower than the logits' (float64 logits, float32 target: float32);
    the logits' gradient keeps their own dtype."""
    x = ag.tensor(np.linspace(-2, 2, 6).reshape(3, 2).astype(xdt), requires_grad=True)
    t = ag.tensor(np.linspace(0, 1, 6).reshape(3, 2).astype(tdt))
    loss = F.binary_cross_entropy_with_logits(x, t)
    assert loss.dtype == np.dtype(tdt)
    xs = x.detach().numpy().astype(tdt)
    ts = t.numpy()
    expected = np.mean(np.logaddexp(0, xs) - xs * ts)
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-6)
    loss.backward()
    assert x.grad.dtype == np.dtype(xdt)


@pytest.mark.parametrize("tdt", [np.float64, np.float16, np.int64])
def test_binary_cross_entropy_refuses_another_target_dtype(tdt):
    # PyTorch: RuntimeError "Found dtype Double but expected Float"
    x = floats(np.float32)
    with pytest.raises(DTypeError, match=r"binary_cross_entropy: target has dtype "
                                         rf"{np.dtype(tdt)} but the input has dtype float32"):
        F.binary_cross_entropy(x, ag.tensor(np.zeros((3, 2), dtype=tdt)))
    assert issubclass(DTypeError, RuntimeError)


def test_bce_with_logits_refuses_integer_targets():
    with pytest.raises(DTypeError, match="binary_cross_entropy_with_logits: target must be "
                                         "floating-point, got dtype int64"):
        F.binary_cross_entropy_with_logits(floats(np.float32),
                                           ag.tensor(np.zeros((3, 2), dtype=np.int64)))


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
@pytest.mark.parametrize("dtype", [np.int32, np.int16, np.int8, np.uint16, np.bool_])
def test_class_indices_must_be_int64_or_uint8(fn, dtype):
    # PyTorch: "expected target dtype to be Long or Byte, but got Int"
    x = floats(np.float32)
    name = fn.__name__
    with pytest.raises(DTypeError, match=rf"{name}: class-index targets must be "):
        fn(x, ag.tensor(np.array([0, 1, 0]).astype(dtype)))
    with pytest.raises(DTypeError, match=name):                     # unbatched too
        fn(ag.tensor(np.zeros(2, dtype=np.float32)), ag.tensor(np.array(1, dtype=dtype)))


def test_class_indices_uint8_and_int64_accepted():
    x = floats(np.float32)
    a = F.cross_entropy(x, ag.tensor(np.array([0, 1, 0], dtype=np.uint8)))
    b = F.cross_entropy(x, idx(0, 1, 0))
    assert a.dtype == np.float32 and a.item() == b.item()


def test_numpy_arrays_stay_constants_in_the_input_dtype():
    """Arrays are not PyTorch tensors: they take the input's dtype (so a
    float32 model stays float32), and integer arrays of any width index."""
    x = floats(np.float32)
    assert F.mse_loss(x, np.zeros((3, 2))).dtype == np.float32
    assert F.mse_loss(x, np.zeros((3, 2), dtype=np.int64)).dtype == np.float32
    assert F.cross_entropy(x, np.array([0, 1, 0], dtype=np.int32)).dtype == np.float32


# ---------------------------------------------------------------- 4. init
def filled(shape=(2, 3), dtype=np.float32):
    return ag.tensor(np.full(shape, 7, dtype=dtype))


def refused(exc, pattern, fn, tensor, *args, **kwargs):
    before = tensor.detach().numpy().copy()
    with pytest.raises(exc, match=pattern):
        fn(tensor, *args, **kwargs)
    np.testing.assert_array_equal(tensor.detach().numpy(), before)


def test_normal_std_must_not_be_negative():
    # PyTorch: RuntimeError "normal expects std >= 0.0, but found std -1"
    refused(ArgumentError, r"nn.init.normal_: std must be >= 0, got -1", init.normal_,
            filled(), std=-1)
    refused(ArgumentError, r"nn.init.normal_: std must be >= 0, got nan", init.normal_,
            filled(), std=NAN)
    assert issubclass(ArgumentError, RuntimeError)
    assert (init.normal_(filled(), mean=2.0, std=0).detach().numpy() == 2.0).all()


def test_uniform_range_checks():
    # PyTorch: "uniform_ expects to return a [from, to) range, but found from=1 > to=0"
    refused(ArgumentError, r"nn.init.uniform_: .*reversed, got a=1.0 > b=0.0",
            init.uniform_, filled(), 1, 0)
    # PyTorch: "to is out of bounds for float"
    refused(ArgumentError, r"nn.init.uniform_: b=inf is not a finite float32",
            init.uniform_, filled(), 0, INF)
    refused(ArgumentError, r"nn.init.uniform_: b=nan", init.uniform_, filled(), 0, NAN)
    refused(ArgumentError, r"nn.init.uniform_: b=1e\+39 is not a finite float32",
            init.uniform_, filled(), 0, 1e39)
    # PyTorch: "uniform_ expects to-from <= std::numeric_limits<Float>::max()"
    refused(ArgumentError, r"nn.init.uniform_: b - a = 6e\+38 exceeds the largest float32",
            init.uniform_, filled(), -3e38, 3e38)
    assert (init.uniform_(filled(), 1.0, 1.0).detach().numpy() == 1.0).all()


def test_non_number_arguments_are_type_errors():
    # PyTorch: "normal_(): argument 'std' (position 2) must be float, not str"
    refused(TypeError, r"nn.init.normal_: std must be a real number, got 'a'",
            init.normal_, filled(), std="a")
    refused(TypeError, r"nn.init.normal_: mean must be a real number",
            init.normal_, filled(), mean="a")
    refused(TypeError, r"nn.init.uniform_: a must be a real number", init.uniform_,
            filled(), "a", 1)
    refused(TypeError, r"nn.init.constant_: val must be a real number", init.constant_,
            filled(), "a")
    refused(TypeError, r"nn.init.xavier_uniform_: gain must be a real number",
            init.xavier_uniform_, filled(), gain="a")
    # a 0-d tensor is a number, as in PyTorch
    out = init.normal_(filled(), mean=ag.tensor(3.0), std=ag.tensor(0.0))
    assert (out.detach().numpy() == 3.0).all()


@pytest.mark.parametrize("fn", ["xavier_uniform_", "xavier_normal_"])
def test_xavier_gain_must_not_be_negative(fn):
    # PyTorch refuses the reversed range / negative std that gain < 0 makes
    refused(ArgumentError, rf"nn.init.{fn}: gain must be >= 0, got -1",
            getattr(init, fn), filled(), gain=-1)
    assert (getattr(init, fn)(filled(), gain=0).detach().numpy() == 0).all()


@pytest.mark.parametrize("fn", ["uniform_", "normal_", "xavier_uniform_", "xavier_normal_",
                                "kaiming_uniform_", "kaiming_normal_"])
def test_random_fills_refuse_integer_tensors(fn):
    # PyTorch: NotImplementedError (a RuntimeError) "not implemented for 'Long'"
    refused(DTypeError, rf"nn.init.{fn}: expected a floating-point tensor, got dtype int64",
            getattr(init, fn), filled(dtype=np.int64))


@pytest.mark.parametrize("fn", ["xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
                                "kaiming_normal_"])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_fan_needs_two_dimensions_and_names_the_function(fn, shape):
    # PyTorch: ValueError "Fan in and fan out can not be computed for tensor with
    # fewer than 2 dimensions"
    refused(ValueError, rf"nn.init.{fn}: fan in and fan out need a tensor with at least 2 "
                        rf"dimensions, got shape {re.escape(str(shape))}",
            getattr(init, fn), filled(shape))


def test_xavier_of_an_empty_square_tensor():
    # PyTorch: ZeroDivisionError (fan_in + fan_out = 0)
    with pytest.raises(ZeroDivisionError, match=r"nn.init.xavier_normal_: fan_in \+ fan_out "
                                                r"is 0 for shape \(0, 0\)"):
        init.xavier_normal_(ag.zeros(0, 0))


def test_kaiming_on_an_empty_tensor_warns_and_is_a_no_op():
    with pytest.warns(UserWarning, match="kaiming_normal_: initializing a zero-element"):
        out = init.kaiming_normal_(ag.zeros(3, 0))
    assert out.shape == (3, 0)


def test_mode_and_nonlinearity_strings():
    refused(ValueError, r"nn.init.kaiming_uniform_: mode 'fanin' not supported",
            init.kaiming_uniform_, filled(), mode="fanin")
    refused(ValueError, r"unsupported nonlinearity 'gelu'", init.kaiming_normal_, filled(),
            nonlinearity="gelu")
    refused(ValueError, r"negative slope must be a number, got 'x'", init.kaiming_normal_,
            filled(), a="x")


def test_constant_fills_any_dtype_like_pytorch():
    assert init.constant_(filled(dtype=np.int64), 1.7).detach().numpy().tolist() == \
        [[1, 1, 1]] * 2                                         # truncated, as fill_
    assert init.ones_(filled(dtype=np.int32)).dtype == np.int32
    assert init.zeros_(filled(dtype=np.bool_)).detach().numpy().sum() == 0
    assert np.isinf(init.constant_(filled(), INF).detach().numpy()).all()
    # PyTorch: "value cannot be converted to type int64_t without overflow"
    refused(ArgumentError, r"nn.init.constant_: val=nan cannot be converted to int64",
            init.constant_, filled(dtype=np.int64), NAN)
    refused(ArgumentError, r"val=1e\+30 cannot be converted to int64", init.constant_,
            filled(dtype=np.int64), 1e30)
    refused(ArgumentError, r"val=1e\+100 cannot be converted to float32", init.constant_,
            filled(), 1e100)


# ------------------------------------------------------------ schedulers
def sgd(lr=0.1):
    return optim.SGD([ag.zeros(1, requires_grad=True)], lr=lr)


@pytest.mark.parametrize("metrics,exc", [(None, TypeError), ([1.0], TypeError),
                                         ("a", ValueError),
                                         (ag.tensor([1.0, 2.0]), ValueError)])
def test_plateau_step_names_the_metrics_argument(metrics, exc):
    s = lr_scheduler.ReduceLROnPlateau(sgd())
    before = s.state_dict()
    with pytest.raises(exc, match=r"ReduceLROnPlateau.step: metrics must be a number \(or a "
                                  r"one-element tensor\), got "):
        s.step(metrics)
    assert s.state_dict() == before


def test_plateau_step_accepts_what_pytorch_accepts():
    s = lr_scheduler.ReduceLROnPlateau(sgd(), patience=0)
    s.step(ag.tensor(1.0, requires_grad=True))
    s.step("1.5")                                  # float()'s rules, as PyTorch
    s.step(NAN)                                    # never an improvement
    assert s.best == 1.0 and s.optimizer.param_groups[0]["lr"] == pytest.approx(0.001)


def test_scheduler_step_epoch_must_be_a_number():
    s = lr_scheduler.StepLR(sgd(), 2)
    before = s.state_dict()
    with pytest.raises(TypeError, match=r"StepLR.step: epoch must be a number or None, "
                                        r"got str 'a'"):
        s.step("a")
    assert s.state_dict() == before
    p = lr_scheduler.ReduceLROnPlateau(sgd())
    with pytest.raises(TypeError, match=r"ReduceLROnPlateau.step: epoch must be"):
        p.step(1.0, "a")
    assert p.last_epoch == 0


def test_scheduler_constructor_arguments_are_named():
    with pytest.raises(TypeError, match=r"StepLR: last_epoch must be an int"):
        lr_scheduler.StepLR(sgd(), 1, last_epoch="a")
    with pytest.raises(ValueError, match=r"StepLR: last_epoch must be >= -1"):
        lr_scheduler.StepLR(sgd(), 1, last_epoch=-2)
    with pytest.raises(TypeError, match=r"CosineAnnealingLR: eta_min must be a number"):
        lr_scheduler.CosineAnnealingLR(sgd(), 5, eta_min="a")
    with pytest.raises(TypeError, match=r"ReduceLROnPlateau: min_lr must be a number"):
        lr_scheduler.ReduceLROnPlateau(sgd(), min_lr="a")
    opt = sgd()
    with pytest.raises(TypeError, match=r"LambdaLR: lr_lambda 0 returned 'x' \(str\) for "
                                        r"epoch 0"):
        lr_scheduler.LambdaLR(opt, lambda epoch: "x")
    assert opt.param_groups[0]["lr"] == 0.1


# ------------------------------------------------------- optional oracle
def test_pytorch_agrees_on_the_loss_findings():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional

    def pt(fn, rows, target, **kw):
        x = torch.tensor(rows, dtype=torch.float64, requires_grad=True)
        loss = fn(x, torch.tensor(target), **kw)
        loss.sum().backward()
        return loss.detach().numpy(), x.grad.numpy()

    cases = [
        (F.cross_entropy, tf.cross_entropy, [[NAN, 1.0], [1.0, 2.0]], [-100, 1], {}),
        (F.cross_entropy, tf.cross_entropy, [[NAN, 1.0], [1.0, 2.0]], [-100, 1],
         {"label_smoothing": 0.1}),
        (F.nll_loss, tf.nll_loss, [[NAN, 1.0], [1.0, 2.0]], [-100, 1], {}),
    ]
    for reduction in ("mean", "sum", "none"):
        for fn, tfn in ((F.cross_entropy, tf.cross_entropy), (F.nll_loss, tf.nll_loss)):
            cases.append((fn, tfn, [[0.0, 1.0], [1.0, 2.0]], [-100, -100],
                          {"reduction": reduction}))
    for ours, theirs, rows, target, kw in cases:
        v, g = value_and_grad(ours, rows, idx(*target), **kw)
        tv, tg = pt(theirs, rows, target, **kw)
        assert_equal_nan(v, tv)
        assert_equal_nan(g, tg)


def test_pytorch_agrees_on_dtypes():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    names = {"mse_loss": tf.mse_loss, "l1_loss": tf.l1_loss, "cross_entropy": tf.cross_entropy,
             "binary_cross_entropy_with_logits": tf.binary_cross_entropy_with_logits}
    for fn, xdt, tdt, expected in PROMOTING:
        x = torch.rand(3, 2, dtype=getattr(torch, np.dtype(xdt).name))
        t = torch.rand(3, 2).to(getattr(torch, np.dtype(tdt).name.replace("bool_", "bool")))
        assert names[fn.__name__](x, t).dtype == getattr(torch, np.dtype(expected).name)
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte"):
        tf.cross_entropy(torch.rand(3, 2), torch.tensor([0, 1, 0], dtype=torch.int32))
    with pytest.raises(RuntimeError):
        tf.binary_cross_entropy(torch.rand(3, 2), torch.rand(3, 2, dtype=torch.float64))

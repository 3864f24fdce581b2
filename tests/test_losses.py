"""Losses: values by hand, gradcheck/gradgradcheck (float64) for every loss
with every reduction and option, extreme logits, dtype preservation, error
messages, the modules, and (optionally) PyTorch as an oracle."""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd as ag
from nn.losses import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss,
                       NLLLoss, binary_cross_entropy, binary_cross_entropy_with_logits,
                       cross_entropy, l1_loss, mse_loss, nll_loss)

from helpers import check_grad, check_gradgrad, fast

REDUCTIONS = ["mean", "sum", "none"]


def f64(*shape, seed=0, scale=1.0):
    r = np.random.default_rng(seed)
    return ag.tensor(r.standard_normal(shape) * scale, requires_grad=True)


def targets(shape, n_classes, seed=1):
    return np.random.default_rng(seed).integers(0, n_classes, size=shape)


def probs(shape, seed=2, axis=1):
    r = np.random.default_rng(seed)
    p = r.uniform(0.1, 1.0, size=shape)
    return p / p.sum(axis=axis, keepdims=True)


def ref_log_softmax(x, axis=1):
    z = x - x.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


def count_nodes(t):
    """Graph nodes reachable from t (what the loss cost in ops)."""
    seen, stack = set(), [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or not hasattr(node, "next_functions"):
            continue
        seen.add(id(node))
        stack.extend(n for n, _ in node.next_functions)
    return len(seen)


# --------------------------------------------------------------- values
def test_cross_entropy_by_hand():
    x = ag.tensor(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    t = np.array([2, 0])
    l0 = math.log(math.e + math.e ** 2 + math.e ** 3) - 3.0
    l1 = math.log(3.0)
    assert cross_entropy(x, t, reduction="none").detach().numpy() == pytest.approx([l0, l1])
    assert cross_entropy(x, t).item() == pytest.approx((l0 + l1) / 2)
    assert cross_entropy(x, t, reduction="sum").item() == pytest.approx(l0 + l1)


def test_cross_entropy_weighted_mean_divides_by_target_weights():
    x = ag.tensor(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [0.5, -1.0, 2.0]]))
    t = np.array([2, 0, 1])
    w = np.array([0.5, 2.0, 4.0])
    per = -ref_log_softmax(x.detach().numpy())[np.arange(3), t]
    want_none = w[t] * per
    assert cross_entropy(x, t, w, reduction="none").detach().numpy() == pytest.approx(want_none)
    assert cross_entropy(x, t, w, reduction="sum").item() == pytest.approx(want_none.sum())
    assert cross_entropy(x, t, w).item() == pytest.approx(want_none.sum() / w[t].sum())


def test_cross_entropy_ignore_index_leaves_targets_out_of_the_mean():
    x = ag.tensor(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [0.5, -1.0, 2.0]]))
    t = np.array([2, -100, 1])
    per = -ref_log_softmax(x.detach().numpy())[[0, 2], [2, 1]]
    assert cross_entropy(x, t).item() == pytest.approx(per.mean())
    none = cross_entropy(x, t, reduction="none").detach().numpy()
    assert none == pytest.approx([per[0], 0.0, per[1]])
    # a custom ignore_index that is a real class
    t2 = np.array([2, 0, 0])
    assert cross_entropy(x, t2, ignore_index=0).item() == pytest.approx(per[0])


def test_cross_entropy_all_targets_ignored_gives_nan_mean_like_pytorch():
    x = ag.tensor(np.zeros((2, 3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # no RuntimeWarning from 0/0 either
        out = cross_entropy(x, np.array([-100, -100]))
    assert np.isnan(out.item())
    assert cross_entropy(x, np.array([-100, -100]), reduction="sum").item() == 0.0


def test_label_smoothing_by_hand():
    x = np.array([[2.0, 0.0, -1.0, 0.5]])
    s, c = 0.2, 4
    logp = ref_log_softmax(x)[0]
    want = -(1 - s) * logp[1] - s / c * logp.sum()
    got = cross_entropy(ag.tensor(x), np.array([1]), label_smoothing=s)
    assert got.item() == pytest.approx(want)
    # equals the soft-target loss against (1 - s) * onehot + s / C
    soft = np.full((1, 4), s / c)
    soft[0, 1] += 1 - s
    assert cross_entropy(ag.tensor(x), soft).item() == pytest.approx(want)


def test_label_smoothing_with_weights_and_ignore():
    x = np.random.default_rng(0).standard_normal((4, 3))
    t = np.array([0, 2, -100, 1])
    w = np.array([1.0, 2.0, 0.5])
    s = 0.3
    logp = ref_log_softmax(x)
    keep = t != -100
    safe = np.where(keep, t, 0)
    nll = -w[safe] * logp[np.arange(4), safe] * keep
    smooth = -(logp * w).sum(1) * keep
    per = (1 - s) * nll + s / 3 * smooth
    got = cross_entropy(ag.tensor(x), t, w, label_smoothing=s, reduction="none")
    assert got.detach().numpy() == pytest.approx(per)
    got = cross_entropy(ag.tensor(x), t, w, label_smoothing=s)
    assert got.item() == pytest.approx(per.sum() / w[safe][keep].sum())


def test_cross_entropy_probability_targets_by_hand():
    x = np.random.default_rng(0).standard_normal((3, 4))
    p = probs((3, 4))
    w = np.array([1.0, 0.5, 2.0, 3.0])
    per = -(ref_log_softmax(x) * p * w).sum(1)
    assert cross_entropy(ag.tensor(x), p, w, reduction="none").detach().numpy() == pytest.approx(per)
    # 'mean' averages over samples (weights do not normalize soft targets)
    assert cross_entropy(ag.tensor(x), p, w).item() == pytest.approx(per.mean())


def test_cross_entropy_spatial_input():
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 5))
    t = targets((2, 4, 5), 3)
    logp = ref_log_softmax(x)
    n, i, j = np.indices((2, 4, 5))
    per = -logp[n, t, i, j]
    got = cross_entropy(ag.tensor(x), t, reduction="none")
    assert got.shape == (2, 4, 5)
    assert got.detach().numpy() == pytest.approx(per)


def test_unbatched_input():
    x = np.array([0.5, -1.0, 2.0])
    logp = ref_log_softmax(x[None])[0]
    assert cross_entropy(ag.tensor(x), np.int64(2)).item() == pytest.approx(-logp[2])
    none = cross_entropy(ag.tensor(x), np.int64(2), reduction="none")
    assert none.shape == ()
    p = np.array([0.2, 0.3, 0.5])
    assert cross_entropy(ag.tensor(x), p).item() == pytest.approx(-(logp * p).sum())
    assert nll_loss(ag.tensor(logp), np.int64(1)).item() == pytest.approx(-logp[1])


def test_nll_loss_by_hand():
    logp = np.log(np.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]]))
    t = np.array([1, 0, 1])
    w = np.array([3.0, 1.0])
    want = -(w[t] * logp[np.arange(3), t]).sum() / w[t].sum()
    assert nll_loss(ag.tensor(logp), t, w).item() == pytest.approx(want)
    assert nll_loss(ag.tensor(logp), ag.tensor(t)).item() == pytest.approx(
        -logp[np.arange(3), t].mean())


def test_cross_entropy_is_log_softmax_then_nll():
    x = f64(6, 5)
    t = targets(6, 5)
    a = cross_entropy(x, t)
    b = nll_loss(x.log_softmax(1), t)
    assert a.item() == pytest.approx(b.item())


def test_mse_and_l1_by_hand():
    x = ag.tensor(np.array([1.0, -2.0, 3.0]))
    y = np.array([0.0, 0.0, 1.0])
    assert mse_loss(x, y).item() == pytest.approx((1 + 4 + 4) / 3)
    assert mse_loss(x, y, reduction="sum").item() == pytest.approx(9.0)
    assert mse_loss(x, y, reduction="none").detach().numpy() == pytest.approx([1, 4, 4])
    assert l1_loss(x, y).item() == pytest.approx(5 / 3)
    assert l1_loss(x, y, reduction="none").detach().numpy() == pytest.approx([1, 2, 2])


def test_bce_by_hand_and_clamped_log():
    p = ag.tensor(np.array([0.8, 0.3, 0.0, 1.0, 1.0]))
    y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
    want = [-math.log(0.8), -math.log(0.7), 100.0, 0.0, 100.0]
    assert binary_cross_entropy(p, y, reduction="none").detach().numpy() == pytest.approx(want)
    w = np.array([1.0, 2.0, 0.5, 1.0, 1.0])
    assert binary_cross_entropy(p, y, w).item() == pytest.approx(np.mean(np.multiply(want, w)))


def test_bce_with_logits_by_hand():
    x = ag.tensor(np.array([0.0, 2.0, -3.0]))
    y = np.array([1.0, 0.0, 0.25])
    sig = 1 / (1 + np.exp(-x.data))
    want = -(y * np.log(sig) + (1 - y) * np.log(1 - sig))
    assert binary_cross_entropy_with_logits(x, y, reduction="none").detach().numpy() == pytest.approx(want)
    q = np.array([3.0, 3.0, 3.0])
    want_q = -(q * y * np.log(sig) + (1 - y) * np.log(1 - sig))
    got = binary_cross_entropy_with_logits(x, y, pos_weight=q, reduction="none")
    assert got.detach().numpy() == pytest.approx(want_q)
    assert got.detach().numpy()[0] == pytest.approx(3 * math.log(2))


def test_pos_weight_broadcasts_over_the_class_dim():
    x = f64(4, 3)
    y = np.random.default_rng(5).uniform(0, 1, (4, 3))
    q = np.array([1.0, 2.0, 5.0])
    sig = 1 / (1 + np.exp(-x.data))
    want = -(q * y * np.log(sig) + (1 - y) * np.log(1 - sig))
    got = binary_cross_entropy_with_logits(x, y, pos_weight=q, reduction="none")
    assert got.detach().numpy() == pytest.approx(want)


def test_bce_with_logits_gradient_at_zero_is_sigmoid_minus_target():
    """The max/abs form would give -y here (its two kinks at 0 do not
    cancel); softplus gives the true derivative 0.5 - y."""
    x = ag.tensor(np.zeros(3), requires_grad=True)
    y = np.array([0.0, 1.0, 0.3])
    binary_cross_entropy_with_logits(x, y, reduction="sum").backward()
    assert x.grad.detach().numpy() == pytest.approx(0.5 - y)


# ----------------------------------------------------------- extremes
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_extreme_logits_finite(dtype):
    x = ag.tensor(np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, -1e4]], dtype=dtype),
                  requires_grad=True)
    t = np.array([0, 0])
    out = cross_entropy(x, t, reduction="none")
    assert out.detach().numpy() == pytest.approx([0.0, 2e4])
    loss = cross_entropy(x, t, label_smoothing=0.1)
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(x.grad.data).all()
    # gradient = softmax - onehot (mixed with the smoothing), bounded by 1
    assert np.abs(x.grad.data).max() <= 1.0
    x.grad = None
    p = np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]], dtype=dtype)
    loss = cross_entropy(x, p)
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(x.grad.data).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_extreme_logits_finite(dtype):
    x = ag.tensor(np.array([1e4, -1e4, 1e4, -1e4], dtype=dtype), requires_grad=True)
    y = np.array([0.0, 0.0, 1.0, 1.0], dtype=dtype)
    out = binary_cross_entropy_with_logits(x, y, reduction="none")
    assert out.detach().numpy() == pytest.approx([1e4, 0.0, 0.0, 1e4])
    loss = binary_cross_entropy_with_logits(x, y, pos_weight=np.full(4, 2.0))
    loss.backward()
    assert np.isfinite(loss.item())
    assert np.isfinite(x.grad.data).all()
    # d/dx = (sigmoid(x)(1 + (q-1)y) - q y) / n: exact at saturation
    assert x.grad.detach().numpy() == pytest.approx(np.array([1.0, 0.0, 0.0, -2.0]) / 4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_probabilities_zero_and_one_finite(dtype):
    p = ag.tensor(np.array([0.0, 1.0, 0.0, 1.0, 1e-45, 0.5], dtype=dtype), requires_grad=True)
    y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.5], dtype=dtype)
    loss = binary_cross_entropy(p, y)
    loss.backward()
    assert np.isfinite(loss.item())
    assert np.isfinite(p.grad.data).all()


def test_bce_gradgrad_finite_at_the_clamp():
    p = ag.tensor(np.array([0.0, 1.0, 0.3]), requires_grad=True)
    y = np.array([1.0, 0.0, 0.5])
    g, = ag.grad(binary_cross_entropy(p, y, reduction="sum"), p, create_graph=True)
    h, = ag.grad(g.sum(), p)
    assert np.isfinite(g.data).all() and np.isfinite(h.data).all()
    # away from the clamp: d2/dp2 = y/p^2 + (1-y)/(1-p)^2
    assert h.detach().numpy()[2] == pytest.approx(0.5 / 0.09 + 0.5 / 0.49)


# -------------------------------------------------------------- dtypes
def test_float32_stays_float32():
    r = np.random.default_rng(0)
    x = ag.tensor(r.standard_normal((8, 5)).astype(np.float32), requires_grad=True)
    t = targets(8, 5)
    w = np.linspace(0.5, 2.0, 5)                       # float64 weight array
    cases = [
        cross_entropy(x, t, w, label_smoothing=0.1),
        cross_entropy(x, probs((8, 5))),               # float64 targets
        nll_loss(x.log_softmax(1), t, w),
        mse_loss(x, r.standard_normal((8, 5))),
        l1_loss(x, r.standard_normal((8, 5))),
        binary_cross_entropy(x.sigmoid(), r.uniform(0, 1, (8, 5)), w),
        binary_cross_entropy_with_logits(x, r.uniform(0, 1, (8, 5)), w, pos_weight=w),
    ]
    for loss in cases:
        assert loss.dtype == np.float32
        x.grad = None
        loss.backward()
        assert x.grad.dtype == np.float32


def test_cross_entropy_is_a_handful_of_ops():
    """log_softmax + one gather + neg + mean: no per-sample work in Python."""
    x = ag.tensor(np.zeros((128, 10), dtype=np.float32), requires_grad=True)
    t = targets(128, 10)
    assert count_nodes(cross_entropy(x, t)) <= 4
    assert count_nodes(nll_loss(x, t)) <= 3


# ------------------------------------------------------------ gradcheck
CE_CASES = {
    "plain": dict(),
    "weight": dict(weight=np.array([0.5, 1.0, 2.0, 3.0])),
    "ignore": dict(ignore_index=1),
    "smoothing": dict(label_smoothing=0.25),
    "everything": dict(weight=np.array([0.5, 1.0, 2.0, 3.0]), ignore_index=1,
                       label_smoothing=0.25),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", CE_CASES)
def test_gradcheck_cross_entropy_indices(case, reduction):
    x = f64(6, 4)
    t = np.array([0, 1, 2, 3, 1, 2])
    check_grad(lambda x: cross_entropy(x, t, reduction=reduction, **CE_CASES[case]), x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", ["plain", "everything"])
def test_gradgradcheck_cross_entropy_indices(case, reduction):
    x = f64(5, 4)
    t = np.array([0, 1, 2, 3, 1])
    check_gradgrad(lambda x: cross_entropy(x, t, reduction=reduction, **CE_CASES[case]), x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck_cross_entropy_spatial(reduction):
    x = f64(2, 3, 2, 3)
    t = targets((2, 2, 3), 3)
    t[0, 1, 1] = -100
    w = np.array([1.0, 2.0, 0.5])
    fn = lambda x: cross_entropy(x, t, w, reduction=reduction, label_smoothing=0.1)  # noqa: E731
    check_grad(fn, x)
    check_gradgrad(fn, x)


def test_gradcheck_cross_entropy_weight_tensor_requiring_grad():
    x = f64(5, 3)
    w = ag.tensor(np.array([0.5, 1.0, 2.0]), requires_grad=True)
    t = np.array([0, 1, 2, 2, 0])
    check_grad(lambda x, w: cross_entropy(x, t, w, label_smoothing=0.2), x, w)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
def test_gradcheck_cross_entropy_probabilities(reduction, smoothing):
    x = f64(4, 5)
    p = ag.tensor(probs((4, 5)), requires_grad=True)   # soft targets get gradients too
    w = np.linspace(0.5, 2.0, 5)
    fn = lambda x, p: cross_entropy(x, p, w, reduction=reduction,  # noqa: E731
                                    label_smoothing=smoothing)
    check_grad(fn, x, p)
    check_gradgrad(fn, x, p)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck_nll_loss(reduction):
    x = f64(6, 4)
    t = np.array([0, 1, 2, 3, -100, 2])
    w = np.array([0.5, 1.0, 2.0, 3.0])
    fn = lambda x: nll_loss(x, t, w, reduction=reduction)  # noqa: E731
    check_grad(fn, x)
    check_gradgrad(fn, x)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss", [mse_loss, l1_loss])
def test_gradcheck_regression_losses(loss, reduction):
    x = f64(3, 4, seed=0)
    # targets at least 0.25 away from x: no kink of |x - y| within eps
    y = ag.tensor(x.data + np.where(np.random.default_rng(1).random((3, 4)) < 0.5, -1, 1)
                  * np.random.default_rng(2).uniform(0.25, 1.0, (3, 4)), requires_grad=True)
    check_grad(lambda x, y: loss(x, y, reduction=reduction), x, y)
    check_gradgrad(lambda x, y: loss(x, y, reduction=reduction), x, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck_bce(reduction):
    r = np.random.default_rng(0)
    p = ag.tensor(r.uniform(0.05, 0.95, (3, 4)), requires_grad=True)
    y = ag.tensor(r.uniform(0, 1, (3, 4)), requires_grad=True)
    w = r.uniform(0.5, 2.0, (4,))
    fn = lambda p, y: binary_cross_entropy(p, y, w, reduction=reduction)  # noqa: E731
    check_grad(fn, p, y)
    check_gradgrad(fn, p, y)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("with_pos_weight", [False, True])
def test_gradcheck_bce_with_logits(reduction, with_pos_weight):
    r = np.random.default_rng(0)
    x = f64(3, 4, scale=3.0)
    y = ag.tensor(r.uniform(0, 1, (3, 4)), requires_grad=True)
    w = r.uniform(0.5, 2.0, (3, 4))
    q = r.uniform(0.5, 4.0, (4,)) if with_pos_weight else None
    fn = lambda x, y: binary_cross_entropy_with_logits(  # noqa: E731
        x, y, w, reduction=reduction, pos_weight=q)
    check_grad(fn, x, y)
    check_gradgrad(fn, x, y)


@fast
@given(n=st.integers(1, 5), c=st.integers(1, 5), d=st.integers(0, 3),
       seed=st.integers(0, 2**31 - 1))
def test_cross_entropy_matches_reference_for_any_shape(n, c, d, seed):
    r = np.random.default_rng(seed)
    shape = (n, c) + ((d,) if d else ())
    x = r.standard_normal(shape)
    t = r.integers(0, c, size=(n,) + ((d,) if d else ()))
    logp = ref_log_softmax(x)
    picked = np.take_along_axis(logp, t[:, None], axis=1)[:, 0]
    got = cross_entropy(ag.tensor(x), t, reduction="none")
    np.testing.assert_allclose(got.data, -picked, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------- errors
def test_target_out_of_range_names_index_position_and_classes():
    x = ag.zeros(5, 10)
    t = np.array([1, 2, 3, 12, 0])
    with pytest.raises(IndexError, match=r"cross_entropy: target 12 at position 3 is out of "
                                         r"range for 10 classes"):
        cross_entropy(x, t)
    with pytest.raises(IndexError, match=r"nll_loss: target -1 at position 1 is out of range "
                                         r"for 10 classes"):
        nll_loss(x, np.array([0, -1, 0, 0, 0]))


def test_target_out_of_range_spatial_position():
    x = ag.zeros(2, 3, 2, 2)
    t = np.zeros((2, 2, 2), dtype=np.int64)
    t[1, 0, 1] = 3
    with pytest.raises(IndexError, match=r"target 3 at position \(1, 0, 1\) is out of range "
                                         r"for 3 classes"):
        cross_entropy(x, t)


def test_target_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"input of shape \(4, 10\).*target of shape \(3,\)"):
        cross_entropy(ag.zeros(4, 10), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"\(4, 10\).*\(4, 3\)"):
        nll_loss(ag.zeros(4, 10), np.zeros((4, 3), dtype=np.int64))


def test_float_targets_where_indices_expected_are_explained():
    with pytest.raises(TypeError, match=r"class-index targets must be integers.*float64.*"
                                        r"probability targets must instead"):
        cross_entropy(ag.zeros(4, 3), np.array([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(TypeError, match=r"nll_loss: target must hold class indices.*use "
                                        r"cross_entropy"):
        nll_loss(ag.zeros(4, 3), probs((4, 3)))


def test_integer_targets_with_probability_shape_are_explained():
    with pytest.raises(ValueError, match=r"as class probabilities would, but an integer dtype"):
        cross_entropy(ag.zeros(4, 3), np.zeros((4, 3), dtype=np.int64))


@pytest.mark.parametrize("call", [
    lambda r: cross_entropy(ag.zeros(2, 3), np.array([0, 1]), reduction=r),
    lambda r: nll_loss(ag.zeros(2, 3), np.array([0, 1]), reduction=r),
    lambda r: mse_loss(ag.zeros(3), np.zeros(3), reduction=r),
    lambda r: l1_loss(ag.zeros(3), np.zeros(3), reduction=r),
    lambda r: binary_cross_entropy(ag.zeros(3), np.zeros(3), reduction=r),
    lambda r: binary_cross_entropy_with_logits(ag.zeros(3), np.zeros(3), reduction=r),
    lambda r: CrossEntropyLoss(reduction=r),
    lambda r: BCEWithLogitsLoss(reduction=r),
])
def test_invalid_reduction_names_the_argument(call):
    with pytest.raises(ValueError, match=r"reduction='avg' is not valid; use 'mean', 'sum' "
                                         r"or 'none'"):
        call("avg")


def test_other_bad_arguments():
    with pytest.raises(ValueError, match=r"weight must have one entry per class, shape \(3,\), "
                                         r"got shape \(2,\)"):
        cross_entropy(ag.zeros(2, 3), np.array([0, 1]), weight=np.ones(2))
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\], got 1.5"):
        cross_entropy(ag.zeros(2, 3), np.array([0, 1]), label_smoothing=1.5)
    with pytest.raises(ValueError, match=r"input must hold probabilities in \[0, 1\], found "
                                         r"1.5 at position 1"):
        binary_cross_entropy(ag.tensor([0.5, 1.5]), np.zeros(2))
    with pytest.raises(ValueError, match=r"target shape \(3,\) must equal the input's shape "
                                         r"\(2,\)"):
        binary_cross_entropy_with_logits(ag.zeros(2), np.zeros(3))
    with pytest.raises(TypeError, match=r"target must be floating-point, got dtype int64"):
        binary_cross_entropy_with_logits(ag.zeros(2), np.array([0, 1]))
    with pytest.raises(ValueError, match=r"pos_weight of shape \(3,\) cannot be broadcast to "
                                         r"the input's shape \(2, 2\)"):
        binary_cross_entropy_with_logits(ag.zeros(2, 2), np.zeros((2, 2)), pos_weight=np.ones(3))
    with pytest.raises(ValueError, match=r"mse_loss: input of shape \(2, 3\) and target of "
                                         r"shape \(4,\) cannot be broadcast"):
        mse_loss(ag.zeros(2, 3), np.zeros(4))
    with pytest.raises(TypeError, match=r"argument .input. \(position 1\) must be Tensor, not ndarray"):
        cross_entropy(np.zeros((2, 3)), np.array([0, 1]))


def test_mse_broadcast_warns_with_both_shapes():
    with pytest.warns(UserWarning, match=r"target shape \(3,\) differs from input shape "
                                         r"\(3, 1\)"):
        out = mse_loss(ag.zeros(3, 1), np.ones(3), reduction="none")
    assert out.shape == (3, 3)


def test_legacy_size_average_and_reduce_are_translated():
    x, t = f64(3, 4), np.array([0, 1, 2])
    with pytest.warns(UserWarning, match="reduction='sum'"):
        s = cross_entropy(x, t, size_average=False)
    assert s.item() == pytest.approx(cross_entropy(x, t, reduction="sum").item())
    with pytest.warns(UserWarning, match="reduction='none'"):
        loss = MSELoss(reduce=False)
    assert loss.reduction == "none"


# --------------------------------------------------------------- modules
def test_modules_match_functions():
    x = f64(4, 3)
    t = np.array([0, 2, 1, 2])
    w = np.array([1.0, 2.0, 0.5])
    y = np.random.default_rng(0).uniform(0, 1, (4, 3))
    pairs = [
        (CrossEntropyLoss(w, ignore_index=2, label_smoothing=0.1, reduction="sum")(x, t),
         cross_entropy(x, t, w, ignore_index=2, label_smoothing=0.1, reduction="sum")),
        (NLLLoss(w)(x, t), nll_loss(x, t, w)),
        (MSELoss(reduction="none")(x, y), mse_loss(x, y, reduction="none")),
        (L1Loss()(x, y), l1_loss(x, y)),
        (BCELoss(ag.tensor(w))(x.sigmoid(), y), binary_cross_entropy(x.sigmoid(), y, w)),
        (BCEWithLogitsLoss(pos_weight=w)(x, y),
         binary_cross_entropy_with_logits(x, y, pos_weight=w)),
    ]
    for a, b in pairs:
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12)


def test_loss_weights_are_buffers():
    loss = CrossEntropyLoss(weight=np.array([1.0, 2.0], dtype=np.float32))
    assert list(loss.state_dict()) == ["weight"]
    loss.double()
    assert loss.weight.dtype == np.float64
    assert list(BCEWithLogitsLoss(pos_weight=np.ones(2)).state_dict()) == ["pos_weight"]
    assert CrossEntropyLoss().weight is None and list(CrossEntropyLoss().state_dict()) == []


def test_loss_reprs():
    assert repr(CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(CrossEntropyLoss(reduction="sum", label_smoothing=0.1)) == \
        "CrossEntropyLoss(reduction='sum', label_smoothing=0.1)"
    assert repr(NLLLoss(ignore_index=0)) == "NLLLoss(ignore_index=0)"


def test_loss_module_trains_a_tiny_classifier():
    """End to end: gradient descent on CrossEntropyLoss separates two
    clusters (the loss falls and predictions become right)."""
    r = np.random.default_rng(0)
    pts = np.concatenate([r.normal(-2, 0.5, (20, 2)), r.normal(2, 0.5, (20, 2))])
    labels = np.repeat([0, 1], 20)
    w = ag.tensor(np.zeros((2, 2)), requires_grad=True)
    crit = CrossEntropyLoss()
    first = None
    for _ in range(50):
        loss = crit(ag.tensor(pts) @ w, labels)
        first = loss.item() if first is None else first
        w.grad = None
        loss.backward()
        with ag.no_grad():
            w -= 0.5 * w.grad
    assert loss.item() < first / 5
    assert ((ag.tensor(pts) @ w).data.argmax(1) == labels).all()


# ------------------------------------------------- PyTorch as an oracle
def _torch_compare(ours, theirs, x, torch, tol=1e-10):
    xa = ag.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    a, b = ours(xa), theirs(xt)
    assert a.dtype == x.dtype
    np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=tol, atol=tol)
    a.sum().backward()
    b.sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_against_pytorch_cross_entropy_and_nll(reduction):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    r = np.random.default_rng(0)
    x = r.standard_normal((6, 4))
    t = np.array([0, 3, -100, 1, 2, 1])
    w = r.uniform(0.5, 2, 4)
    for s in (0.0, 0.2):
        for ww in (None, w):
            _torch_compare(
                lambda x: cross_entropy(x, t, ww, reduction=reduction, label_smoothing=s),
                lambda x: F.cross_entropy(x, torch.tensor(t),
                                          None if ww is None else torch.tensor(ww),
                                          reduction=reduction, label_smoothing=s), x, torch)
        p = probs((6, 4))
        _torch_compare(
            lambda x: cross_entropy(x, p, w, reduction=reduction, label_smoothing=s),
            lambda x: F.cross_entropy(x, torch.tensor(p), torch.tensor(w),
                                      reduction=reduction, label_smoothing=s), x, torch)
    _torch_compare(lambda x: nll_loss(x, t, w, reduction=reduction),
                   lambda x: F.nll_loss(x, torch.tensor(t), torch.tensor(w),
                                        reduction=reduction), x, torch)
    x4 = r.standard_normal((2, 3, 4, 2))
    t4 = r.integers(0, 3, (2, 4, 2))
    t4[1, 2, 0] = -100
    _torch_compare(lambda x: cross_entropy(x, t4, w[:3], reduction=reduction,
                                           label_smoothing=0.1),
                   lambda x: F.cross_entropy(x, torch.tensor(t4), torch.tensor(w[:3]),
                                             reduction=reduction, label_smoothing=0.1),
                   x4, torch)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_against_pytorch_binary_and_regression(reduction):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    r = np.random.default_rng(1)
    x = r.standard_normal((5, 3)) * 4
    y = r.uniform(0, 1, (5, 3))
    w = r.uniform(0.5, 2, (5, 3))
    q = r.uniform(0.5, 3, 3)
    T = torch.tensor
    _torch_compare(lambda x: binary_cross_entropy_with_logits(x, y, w, reduction=reduction,
                                                              pos_weight=q),
                   lambda x: F.binary_cross_entropy_with_logits(x, T(y), T(w),
                                                                reduction=reduction,
                                                                pos_weight=T(q)), x, torch)
    pr = r.uniform(0.02, 0.98, (5, 3))
    _torch_compare(lambda p: binary_cross_entropy(p, y, w, reduction=reduction),
                   lambda p: F.binary_cross_entropy(p, T(y), T(w), reduction=reduction),
                   pr, torch)
    _torch_compare(lambda x: mse_loss(x, y, reduction=reduction),
                   lambda x: F.mse_loss(x, T(y), reduction=reduction), x, torch)
    _torch_compare(lambda x: l1_loss(x, y, reduction=reduction),
                   lambda x: F.l1_loss(x, T(y), reduction=reduction), x, torch)


def test_against_pytorch_extreme_logits_float32():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = np.array([[1e4, -1e4, 3.0], [-1e4, 1e4, -1e4], [0.0, 0.0, 0.0]], dtype=np.float32)
    t = np.array([1, 1, 2])
    y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]], dtype=np.float32)
    _torch_compare(lambda x: cross_entropy(x, t, reduction="none"),
                   lambda x: F.cross_entropy(x, torch.tensor(t), reduction="none"), x, torch,
                   tol=1e-6)
    _torch_compare(lambda x: binary_cross_entropy_with_logits(x, y, reduction="none"),
                   lambda x: F.binary_cross_entropy_with_logits(x, torch.tensor(y),
                                                                reduction="none"), x, torch,
                   tol=1e-6)

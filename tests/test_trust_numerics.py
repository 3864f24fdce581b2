"""Numerics that must not be silently wrong: NaN propagates through every
reduction and selection (and its gradient goes where PyTorch sends it),
kinks get PyTorch's subgradients, and norm/var take PyTorch's arguments.

Every expected value below was read off PyTorch 2.13 and is written down;
where PyTorch is installed it is asked again as an extra oracle.
"""
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd as ag
import nn
import nn.functional as F

nan, inf = math.nan, math.inf


def leaf(values, dtype=np.float64):
    return ag.tensor(np.array(values, dtype=dtype), requires_grad=True)


def grad_of(fn, values, dtype=np.float64):
    """(value, gradient of value.sum()) of fn at values."""
    x = leaf(values, dtype)
    y = fn(x)
    y = y[0] if isinstance(y, tuple) else y
    if y.requires_grad:
        y.sum().backward()
    return y.detach().numpy(), (None if x.grad is None else x.grad.detach().numpy())


def same(a, b):
    """Equal values, NaN equal to NaN, shape and sign of infinities included."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True)


def torch_or_none():
    try:
        import torch
    except ImportError:
        return None
    return torch


def torch_grad(fn, values):
    """The PyTorch oracle: (value, grad) of fn on a float64 tensor."""
    torch = torch_or_none()
    x = torch.tensor(np.array(values, dtype=np.float64), requires_grad=True)
    y = fn(x)
    y = y[0] if isinstance(y, tuple) else y
    if y.requires_grad:
        y.sum().backward()
    return y.detach().numpy(), (None if x.grad is None else x.grad.detach().numpy())


def check(ours, theirs, values, value, grad):
    """Assert our value and gradient; ask PyTorch too when it is installed."""
    v, g = grad_of(ours, values)
    assert same(v, value), (v, value)
    assert (g is None and grad is None) or same(g, grad), (g, grad)
    if torch_or_none() is not None:
        tv, tg = torch_grad(theirs, values)
        assert same(tv, value), (tv, value)
        assert (tg is None and grad is None) or same(tg, grad), (tg, grad)


# ================================================================ max pool
X2 = [[[[1., 2., nan, 4.], [5., nan, 0., 1.], [1., 2., 3., 4.], [4., 3., 2., nan]]]]


def test_max_pool_propagates_nan_and_routes_the_gradient_to_it():
    x = leaf(X2)
    values, indices = F.max_pool2d(x, 2, return_indices=True)
    values.sum().backward()
    assert same(values.detach().numpy(), [[[[nan, nan], [4., nan]]]])
    assert indices.detach().numpy().tolist() == [[[[5, 2], [12, 15]]]]
    assert indices.dtype == np.int64
    assert same(x.grad.detach().numpy(), [[[[0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 1]]]])


def test_max_pool_picks_the_last_nan_of_a_window_as_pytorch():
    # window rows 0-2, cols 1-3 of X2 holds NaN at flat 2 and 5: PyTorch takes 5
    x = leaf(X2)
    values, indices = F.max_pool2d(x, 3, stride=1, return_indices=True)
    values.sum().backward()
    assert np.isnan(values.detach().numpy()).all()
    assert indices.detach().numpy().tolist() == [[[[5, 5], [5, 15]]]]
    expected = np.zeros((4, 4))
    expected[1, 1], expected[3, 3] = 3.0, 1.0
    assert same(x.grad.detach().numpy()[0, 0], expected)


def test_max_pool_window_of_minus_inf_never_picks_padding():
    x = leaf(np.full((1, 1, 3, 3), -inf))
    values, indices = F.max_pool2d(x, 3, stride=1, padding=1, return_indices=True)
    values.sum().backward()
    assert (values.detach().numpy() == -inf).all()
    assert indices.detach().numpy().ravel().tolist() == [0, 0, 1, 0, 0, 1, 3, 3, 4]
    assert x.grad.detach().numpy().ravel().tolist() == [4., 2., 0., 2., 1., 0., 0., 0., 0.]
    assert x.grad.detach().numpy().sum() == 9.0  # every window's gradient reaches the input


def pytorch_max_pool(x, k, s, p, d):
    """PyTorch's CPU rule, one window at a time: start at the window's first
    element inside the input; a later one wins if larger or NaN."""
    n, c, h, w = x.shape
    oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) // s[1] + 1
    values, indices = np.zeros((n, c, oh, ow)), np.zeros((n, c, oh, ow), dtype=np.int64)
    for b, ch, i, j in np.ndindex(n, c, oh, ow):
        best, at = -inf, None
        for u, v in np.ndindex(*k):
            r, q = i * s[0] - p[0] + u * d[0], j * s[1] - p[1] + v * d[1]
            if 0 <= r < h and 0 <= q < w:
                val = x[b, ch, r, q]
                if at is None or val > best or np.isnan(val):
                    best, at = val, r * w + q
        values[b, ch, i, j], indices[b, ch, i, j] = x[b, ch, at // w, at % w], at
    return values, indices


@settings(max_examples=40, deadline=None)
@given(k=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       s=st.tuples(st.integers(1, 2), st.integers(1, 2)),
       d=st.tuples(st.integers(1, 2), st.integers(1, 2)),
       hw=st.tuples(st.integers(5, 6), st.integers(5, 6)),
       pad=st.booleans(), seed=st.integers(0, 2**31 - 1),
       special=st.sampled_from([nan, -inf, inf]), dtype=st.sampled_from([np.float32, np.float64]))
def test_max_pool_matches_pytorch_rule_with_nan_and_inf_anywhere(k, s, d, hw, pad, seed, special,
                                                                 dtype):
    rng = np.random.default_rng(seed)
    p = (k[0] // 2, k[1] // 2) if pad else (0, 0)
    x = rng.standard_normal((1, 2) + hw).astype(dtype)
    x[rng.random(x.shape) < 0.2] = special
    x[rng.random(x.shape) < 0.1] = nan
    expect_v, expect_i = pytorch_max_pool(x.astype(np.float64), k, s, p, d)
    X = ag.tensor(x, requires_grad=True)
    v, i = F.max_pool2d(X, k, s, p, d, return_indices=True)
    g = rng.standard_normal(v.shape).astype(dtype)
    v.backward(ag.tensor(g))
    assert v.dtype == dtype
    assert np.array_equal(i.detach().numpy(), expect_i)
    assert same(v.detach().numpy(), expect_v)
    expect_g = np.zeros(x.size)  # each window's gradient lands on its winner
    planes = np.arange(2).reshape(1, 2, 1, 1) * (hw[0] * hw[1])
    np.add.at(expect_g, (planes + expect_i).ravel(), g.astype(np.float64).ravel())
    assert np.allclose(X.grad.detach().numpy().ravel(), expect_g, rtol=1e-6)
    torch = torch_or_none()
    if torch is not None:
        tv, ti = torch.nn.functional.max_pool2d(torch.tensor(x), k, s, p, d, return_indices=True)
        assert np.array_equal(ti.detach().numpy(), expect_i)


def test_max_pool_3d_input_with_nan():
    x = leaf(X2[0])
    values, indices = F.max_pool2d(x, 2, return_indices=True)
    values.sum().backward()
    assert values.shape == (1, 2, 2) and indices.detach().numpy().tolist() == [[[5, 2], [12, 15]]]
    expected = np.zeros(16)
    expected[[2, 5, 12, 15]] = 1.0
    assert same(x.grad.detach().numpy(), expected.reshape(1, 4, 4))


def test_a_diverging_cnn_shows_nan_and_detect_anomaly_names_the_pool():
    ag.manual_seed(0)
    model = nn.Sequential(nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4, 3)).double()
    x = np.random.default_rng(0).standard_normal((2, 1, 4, 4))
    x[1, 0, 2, 3] = nan  # one sample diverged
    out = model(ag.tensor(x))
    assert np.isfinite(out.detach().numpy()[0]).all() and np.isnan(out.detach().numpy()[1]).all()
    with ag.detect_anomaly():
        with pytest.raises(FloatingPointError, match="MaxPool2DWithIndices produced NaN"):
            model(ag.tensor(x, requires_grad=True))


@pytest.mark.parametrize("shape,padding", [((1, 1, 4, 4), 0), ((1, 4, 4), 0), ((1, 1, 4, 4), 1)])
def test_detect_anomaly_names_the_pool_in_forward(shape, padding):
    x = np.ones(shape)
    x[..., 1, 1] = nan
    with ag.detect_anomaly():
        with pytest.raises(FloatingPointError, match="MaxPool2DWithIndices produced NaN"):
            F.max_pool2d(ag.tensor(x, requires_grad=True), 2 + padding, padding=padding)


def test_detect_anomaly_names_the_pool_in_backward():
    x = leaf(np.ones((1, 1, 4, 4)))
    with ag.detect_anomaly():
        y = nn.MaxPool2d(2)(x)
        assert y.grad_fn.name() == "MaxPool2DWithIndicesBackward"
        with pytest.raises(FloatingPointError,
                           match="MaxPool2DWithIndicesBackward returned NaN/Inf in its gradient"):
            y.backward(ag.tensor(np.full(y.shape, nan)))
    assert x.grad is None


def test_padded_max_pool_runs_under_detect_anomaly():
    # padding is -inf internally; it must not look like an anomaly
    x = leaf(np.arange(16.0).reshape(1, 1, 4, 4))
    with ag.detect_anomaly():
        F.max_pool2d(x, 3, 1, 1).sum().backward()
    assert x.grad.detach().numpy().sum() == 16.0


# ==================================================== max / min / amax / argmax
def test_max_and_min_without_dim_send_the_gradient_to_nan():
    check(lambda t: t.max(), lambda t: t.max(), [1., nan, 3., nan], nan, [0., .5, 0., .5])
    check(lambda t: t.min(), lambda t: t.min(), [1., nan, 3., nan], nan, [0., .5, 0., .5])
    check(lambda t: t.max(), lambda t: t.max(), [3., 1., 3.], 3., [.5, 0., .5])  # ties unchanged


def test_amax_of_a_nan_slice_has_a_nan_gradient_as_pytorch():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "invalid value" warning either
        check(lambda t: t.amax(1), lambda t: t.amax(1), [[1., nan, 3., nan], [1., 2., 3., 4.]],
              [nan, 4.], [[nan] * 4, [0., 0., 0., 1.]])
        check(lambda t: t.amin(0), lambda t: t.amin(0), [[1., nan], [0., 2.]],
              [0., nan], [[0., nan], [1., nan]])


def test_max_and_min_with_dim_pick_the_first_nan():
    values = [[1., nan, 3., nan], [nan, 2., nan, 4.], [1., 5., 5., 2.]]
    onehot = [[0., 1., 0., 0.], [1., 0., 0., 0.], [0., 1., 0., 0.]]
    check(lambda t: t.max(1)[0], lambda t: t.max(1)[0], values, [nan, nan, 5.], onehot)
    assert ag.tensor(values).max(1)[1].detach().numpy().tolist() == [1, 0, 1]
    onehot_min = [[0., 1., 0., 0.], [1., 0., 0., 0.], [1., 0., 0., 0.]]
    check(lambda t: t.min(1)[0], lambda t: t.min(1)[0], values, [nan, nan, 1.], onehot_min)
    assert ag.tensor(values).min(1)[1].detach().numpy().tolist() == [1, 0, 0]


def test_argmax_and_argmin_name_the_first_nan():
    x = ag.tensor([1., nan, 3., nan])
    assert x.argmax().item() == 1 and x.argmin().item() == 1
    assert ag.tensor([1., inf, nan]).argmax().item() == 2
    assert ag.tensor([[1., nan, 3., nan], [nan, 2., nan, 4.]]).argmax(1).detach().numpy().tolist() == [1, 0]


def reference_extreme(a, axis, largest):
    """PyTorch's max/min along one axis: NaN if the slice holds one (at the
    first NaN), else the first extreme."""
    moved = np.moveaxis(a, axis, -1)
    idx = np.empty(moved.shape[:-1], dtype=np.int64)
    for pos in np.ndindex(*moved.shape[:-1]):
        row = moved[pos]
        nans = np.flatnonzero(np.isnan(row))
        idx[pos] = nans[0] if nans.size else (np.argmax(row) if largest else np.argmin(row))
    return idx


@settings(max_examples=60, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 2**31 - 1),
       data=st.data())
def test_selection_with_nan_anywhere_matches_pytorch_rules(shape, seed, data):
    rng = np.random.default_rng(seed)
    a = rng.integers(-2, 3, shape).astype(np.float64)  # small integers: ties happen
    a[rng.random(a.shape) < 0.25] = nan
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    for name, largest in (("max", True), ("min", False)):
        idx = reference_extreme(a, dim, largest)
        x = ag.tensor(a, requires_grad=True)
        values, indices = getattr(x, name)(dim)
        values.sum().backward()
        assert np.array_equal(indices.detach().numpy(), idx)
        picked = np.take_along_axis(a, np.expand_dims(idx, dim), dim).squeeze(dim)
        assert same(values.detach().numpy(), picked)
        onehot = np.zeros_like(a)
        np.put_along_axis(onehot, np.expand_dims(idx, dim), 1.0, dim)
        assert same(x.grad.detach().numpy(), onehot)
        assert np.array_equal(getattr(ag.tensor(a), "arg" + name)(dim).detach().numpy(), idx)
        full = ag.tensor(a, requires_grad=True)
        getattr(full, name)().backward()
        if np.isnan(a).any():  # NaN result: gradient shared by the NaNs
            assert same(full.grad.detach().numpy(), np.isnan(a) / np.isnan(a).sum())
        amax = ag.tensor(a, requires_grad=True)
        getattr(amax, "a" + name)(dim).sum().backward()
        nan_slices = np.isnan(a).any(axis=dim, keepdims=True) & np.ones_like(a, dtype=bool)
        assert np.isnan(amax.grad.detach().numpy()[nan_slices]).all()
        assert np.isfinite(amax.grad.detach().numpy()[~nan_slices]).all()


# ====================================================== maximum / minimum / clamp
def test_maximum_minimum_nan_and_tie_gradients():
    a, b = leaf([1., nan, 3., nan, 2.]), leaf([2., 2., nan, nan, 2.])
    out = ag.maximum(a, b)
    out.sum().backward()
    assert same(out.detach().numpy(), [2., nan, nan, nan, 2.])
    assert same(a.grad.detach().numpy(), [0., 1., 1., 1., .5]) and same(b.grad.detach().numpy(), [1., 1., 1., 1., .5])
    a.grad = b.grad = None
    out = ag.minimum(a, b)
    out.sum().backward()
    assert same(out.detach().numpy(), [1., nan, nan, nan, 2.])
    assert same(a.grad.detach().numpy(), [1., 1., 1., 1., .5]) and same(b.grad.detach().numpy(), [0., 1., 1., 1., .5])


@pytest.mark.parametrize("lo,hi,value,grad", [
    (0., 2., [1., nan, 2., 0., 0., 2.], [1., 0., 0., 0., 1., 1.]),
    (0., None, [1., nan, 3., 0., 0., 2.], [1., 0., 1., 0., 1., 1.]),
    (nan, None, [nan] * 6, [0.] * 6),
    (None, nan, [nan] * 6, [0.] * 6),
    (2., 1., [1., nan, 1., 1., 1., 1.], [0.] * 6),  # lo > hi: hi (NaN stays NaN)
])
def test_clamp_with_number_bounds(lo, hi, value, grad):
    check(lambda t: t.clamp(lo, hi), lambda t: t.clamp(lo, hi), [1., nan, 3., -1., 0., 2.],
          value, grad)


@pytest.mark.parametrize("x,lo,hi,value,gx,glo,ghi", [
    ([1., nan, 3., -1.], [nan, 0., 0., 0.], [2.] * 4, [nan, nan, 2., 0.],
     [0.] * 4, [0., 0., 0., 1.], [0., 0., 1., 0.]),
    ([0., 1.5, 3.], [2.] * 3, [1.] * 3, [1.] * 3, [0.] * 3, [0.] * 3, [1.] * 3),
    ([0., 1.5, 3., 1., 2.], [1.] * 5, [2.] * 5, [1., 1.5, 2., 1., 2.],
     [0., 1., 0., 1., 1.], [1., 0., 0., 0., 0.], [0., 0., 1., 0., 0.]),
])
def test_clamp_with_tensor_bounds_gradients_as_pytorch(x, lo, hi, value, gx, glo, ghi):
    X, L, H = leaf(x), leaf(lo), leaf(hi)
    out = X.clamp(L, H)
    assert out.grad_fn.name() == "ClampBackward"  # one node, not maximum + minimum
    out.sum().backward()
    assert same(out.detach().numpy(), value)
    assert same(X.grad.detach().numpy(), gx) and same(L.grad.detach().numpy(), glo) and same(H.grad.detach().numpy(), ghi)
    torch = torch_or_none()
    if torch is not None:
        tx, tl, th = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (x, lo, hi))
        torch.clamp(tx, tl, th).sum().backward()
        assert same(tx.grad.detach().numpy(), gx) and same(tl.grad.detach().numpy(), glo)
        assert same(th.grad.detach().numpy(), ghi)


def test_clamp_tensor_bound_broadcasts_and_mixes_with_a_number():
    x, lo = leaf([[0., 2., 3.], [nan, 1., -1.]]), leaf([1.])
    out = ag.clamp(x, lo, 2.5)
    out.sum().backward()
    assert same(out.detach().numpy(), [[1., 2., 2.5], [nan, 1., 1.]])
    assert same(x.grad.detach().numpy(), [[0., 1., 0.], [0., 1., 0.]]) and same(lo.grad.detach().numpy(), [2.])
    assert ag.gradcheck(lambda a, b: a.clamp(b, 2.5), (leaf([[0., 2.2, 3.], [.4, 1.6, -1.]]),
                                                      leaf([1.])))


# ================================================================ activations
@pytest.mark.parametrize("name,ours,theirs,value,grad", [
    ("relu", F.relu, lambda t: t.relu(), [1., nan, 0., 0.], [1., 1., 0., 0.]),
    ("leaky_relu", lambda t: F.leaky_relu(t, 0.1),
     lambda t: __import__("torch").nn.functional.leaky_relu(t, 0.1),
     [1., nan, -.1, 0.], [1., .1, .1, .1]),
    ("elu", F.elu, lambda t: __import__("torch").nn.functional.elu(t),
     [1., nan, math.expm1(-1.), 0.], [1., 1., math.exp(-1.), 1.]),
    ("abs", lambda t: t.abs(), lambda t: t.abs(), [1., nan, 1., 0.], [1., 0., -1., 0.]),
])
def test_activation_at_nan(name, ours, theirs, value, grad):
    check(ours, theirs, [1., nan, -1., 0.], value, grad)


def test_relu_module_and_inplace_keep_nan_gradient():
    x = leaf([nan, -1., 2.])
    y = nn.ReLU()(x * 1.0)
    y.sum().backward()
    assert same(y.detach().numpy(), [nan, 0., 2.]) and same(x.grad.detach().numpy(), [1., 0., 1.])


def test_l1_loss_gradient_at_nan_is_zero_as_pytorch():
    x = leaf([.2, nan, 3.])
    loss = F.l1_loss(x, ag.tensor([1., 1., nan]), reduction="none")
    loss.sum().backward()
    assert same(loss.detach().numpy(), [.8, nan, nan]) and same(x.grad.detach().numpy(), [-1., 0., 0.])


def test_maxout_propagates_nan():
    ag.manual_seed(0)
    m = nn.Maxout(3, 2, pieces=2).double()
    out = m(ag.tensor([[1., 2., 3.], [nan, 0., 1.]], dtype=ag.float64))
    assert np.isfinite(out.detach().numpy()[0]).all() and np.isnan(out.detach().numpy()[1]).all()


# ============================================================== softmax family
def test_softmax_rows_with_nan_or_inf_are_nan_and_other_rows_untouched():
    rows = [[1., nan, 3.], [1., 2., 3.], [1., inf, 3.], [-inf, -inf, -inf], [-inf, 1., 2.]]
    e = np.exp([1., 2., 3.]) / np.exp([1., 2., 3.]).sum()
    for fn in (lambda t: t.softmax(1), lambda t: F.log_softmax(t, 1)):
        x = leaf(rows)
        y = fn(x)
        (y * ag.tensor(np.arange(15.).reshape(5, 3))).sum().backward()
        assert np.isnan(y.detach().numpy()[[0, 2, 3]]).all() and np.isnan(x.grad.detach().numpy()[[0, 2, 3]]).all()
        assert np.isfinite(x.grad.detach().numpy()[[1, 4]]).all()
    out = ag.tensor(np.array(rows)).softmax(1).detach().numpy()
    assert np.allclose(out[1], e)
    assert np.allclose(out[4], [0., *np.exp([1., 2.]) / np.exp([1., 2.]).sum()])


def test_logsumexp_nan_and_infinities_as_pytorch():
    check(lambda t: t.logsumexp(0), lambda t: t.logsumexp(0), [1., nan, 3.], nan, [nan] * 3)
    check(lambda t: t.logsumexp(0), lambda t: t.logsumexp(0), [1., inf, 3.], inf, [0., nan, 0.])
    check(lambda t: t.logsumexp(0), lambda t: t.logsumexp(0), [-inf, -inf], -inf, [nan, nan])


def test_cross_entropy_nan_logit_makes_only_its_sample_nan():
    x = leaf([[.2, nan, 3.], [1., 2., 3.]])
    loss = F.cross_entropy(x, ag.tensor(np.array([0, 1])), reduction="none")
    loss.sum().backward()
    assert np.isnan(loss.detach().numpy()[0]) and math.isclose(loss.detach().numpy()[1], 1.4076059644443801)
    assert np.isnan(x.grad.detach().numpy()[0]).all() and np.isfinite(x.grad.detach().numpy()[1]).all()


# ==================================================================== var / std
def test_std_of_a_constant_has_zero_gradient():
    check(lambda t: t.std(), lambda t: t.std(), [2., 2., 2.], 0., [0., 0., 0.])
    rows = [[2., 2., 2.], [1., 2., 3.]]
    grad = [[0., 0., 0.], [-.5, 0., .5]]
    check(lambda t: t.std(1), lambda t: t.std(1), rows, [0., 1.], grad)
    check(lambda t: t.std(1, keepdim=True), lambda t: t.std(1, keepdim=True), rows, [[0.], [1.]],
          grad)
    check(lambda t: t.std(correction=0), lambda t: t.std(correction=0), [5.], 0., [0.])


@pytest.mark.parametrize("fn,values,value,grad", [
    # divisor max(0, N - correction): never a negative variance
    (lambda t: t.var(correction=5), [1., 2., 4.], inf, [inf, inf, inf]),
    (lambda t: t.var(correction=3), [1., 1., 1.], nan, [nan, nan, nan]),
    (lambda t: t.std(correction=5), [1., 2., 4.], inf, [nan, nan, nan]),
    (lambda t: t.std(correction=3), [1., 1., 1.], nan, [nan, nan, nan]),
    # with dim PyTorch keeps 2 (x - mean) / (N - correction), even for N - correction <= 0
    (lambda t: t.var(1, correction=5), [[1., 2., 4.], [1., 1., 1.]], [inf, nan],
     [[4 / 3, 1 / 3, -5 / 3], [0., 0., 0.]]),
    (lambda t: t.var(1, correction=3), [[1., 2., 4.], [1., 1., 1.]], [inf, nan],
     [[-inf, -inf, inf], [nan, nan, nan]]),
    (lambda t: t.std(1, correction=5), [[1., 2., 4.], [1., 1., 1.]], [inf, nan],
     [[0., 0., 0.], [nan, nan, nan]]),
    (lambda t: t.var(), [2.], nan, [nan]),
    (lambda t: t.var(), 3., nan, nan),
])
def test_var_and_std_when_correction_reaches_n(fn, values, value, grad):
    with pytest.warns(UserWarning, match=r"(var|std): correction=\d+ leaves .* <= 0 degrees"):
        check(fn, fn, values, value, grad)


def test_var_of_a_scalar_without_correction_is_zero():
    check(lambda t: t.var(correction=0), lambda t: t.var(correction=0), 3., 0., 0.)


def test_var_fractional_and_negative_corrections_as_pytorch():
    check(lambda t: t.var(correction=2.5), lambda t: t.var(correction=2.5), [1., 2., 4.],
          28 / 3, [-16 / 3, -4 / 3, 20 / 3])
    check(lambda t: t.var(correction=-1), lambda t: t.var(correction=-1), [1., 2., 4.], 7 / 6,
          [-2 / 3, -1 / 6, 5 / 6])


def test_var_of_empty_is_nan_with_a_warning():
    with pytest.warns(UserWarning, match="var: correction=1 leaves 0 - 1"):
        assert np.isnan(ag.zeros(0).var().item())


def test_var_and_std_argument_errors_name_the_op():
    x = leaf([1., 2., 4.])
    x.grad = ag.tensor([9., 9., 9.], dtype=ag.float64)
    with pytest.raises(TypeError, match=r"var: correction must be a number, got str 'a'"):
        x.var(correction="a")
    with pytest.raises(TypeError, match=r"std: needs a floating-point tensor, got dtype int64"):
        ag.tensor([1, 2, 4]).std()
    assert x.grad.detach().numpy().tolist() == [9., 9., 9.]


@pytest.mark.parametrize("dim,keep,correction", [(None, False, 1), (1, False, 0), ((0, 1), True, 2),
                                                 (0, True, 1), (1, False, 2.5)])
def test_var_std_gradgradcheck(dim, keep, correction):
    x = ag.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    for name in ("var", "std"):
        fn = lambda a: getattr(a, name)(dim, keepdim=keep, correction=correction)  # noqa: E731
        assert ag.gradcheck(fn, (x,)) and ag.gradgradcheck(fn, (x,))


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 2**31 - 1),
       keep=st.booleans(), data=st.data())
def test_std_of_constant_slices_has_zero_gradient(shape, seed, keep, data):
    rng = np.random.default_rng(seed)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    base = rng.integers(-5, 6, shape).astype(np.float64)  # integers: the mean is exact
    a = np.broadcast_to(np.take(base, [0], axis=dim), shape).copy()  # constant along dim
    x = ag.tensor(a, requires_grad=True)
    out = x.std(dim, keepdim=keep, correction=0)
    out.sum().backward()
    assert (out.detach().numpy() == 0).all() and (x.grad.detach().numpy() == 0).all()


# ======================================================================== norm
NORM_CASES = [  # p, value at [0, 3, -4], its gradient (the gradient at 0-vector is 0 for all)
    (2, 5., [0., .6, -.8]),
    ("fro", 5., [0., .6, -.8]),
    (None, 5., [0., .6, -.8]),
    (1, 7., [0., 1., -1.]),
    (3, 91 ** (1 / 3), [0., 9 / 91 ** (2 / 3), -16 / 91 ** (2 / 3)]),
    (0.5, (3 ** .5 + 2) ** 2, [0., (3 ** .5 + 2) / 3 ** .5, -(3 ** .5 + 2) / 2]),
    (inf, 4., [0., 0., -1.]),
    (-inf, 0., [0., 0., 0.]),
    (-1, 0., [0., 0., 0.]),
    (-2, 0., [0., 0., 0.]),
]


@pytest.mark.parametrize("p,value,grad", NORM_CASES)
def test_norm_values_and_subgradients(p, value, grad):
    check(lambda t: t.norm(p), lambda t: t.norm(p), [0., 3., -4.], value, grad)
    check(lambda t: t.norm(p), lambda t: t.norm(p), [0., 0., 0.], 0., [0., 0., 0.])
    assert ag.tensor(np.array([3., 4.], dtype=np.float32)).norm(p).dtype == np.float32


def test_norm_zero_counts_nonzeros_and_has_no_gradient():
    x = leaf([0., 2., -3., nan])
    y = x.norm(0)
    assert y.item() == 3.0 and y.requires_grad
    y.backward()
    assert x.grad is None
    assert ag.tensor(np.array([0., 1.], dtype=np.float32)).norm(0).dtype == np.float32


def test_norm_over_dims():
    check(lambda t: t.norm(dim=1), lambda t: t.norm(dim=1), [[0., 0.], [3., 4.]], [0., 5.],
          [[0., 0.], [.6, .8]])
    check(lambda t: t.norm(dim=(0, 1)), lambda t: t.norm(dim=(0, 1)), [[0., 0.], [3., 4.]], 5.,
          [[0., 0.], [.6, .8]])
    r = math.sqrt(26)
    check(lambda t: t.norm("fro", dim=(0, 1)), lambda t: t.norm("fro", dim=(0, 1)),
          [[1., 0.], [3., 4.]], r, [[1 / r, 0.], [3 / r, 4 / r]])
    check(lambda t: t.norm(inf, 1, True), lambda t: t.norm(inf, 1, True),
          [[3., -3., 1.], [0., 0., 0.]], [[3.], [0.]], [[.5, -.5, 0.], [0., 0., 0.]])
    check(lambda t: t.norm(-inf), lambda t: t.norm(-inf), [3., -1., 1.], 1., [0., -.5, .5])


def test_norm_below_one_ignores_zero_elements():
    s = 1 + 2 ** .5
    check(lambda t: t.norm(.5), lambda t: t.norm(.5), [0., 1., 2.], s * s, [0., s, s / 2 ** .5])
    check(lambda t: t.norm(-1), lambda t: t.norm(-1), [0., 1., 2.], 0., [0., 0., 0.])


def test_norm_with_nan():
    check(lambda t: t.norm(1), lambda t: t.norm(1), [nan, -2., 0.], nan, [0., -1., 0.])
    check(lambda t: t.norm(inf), lambda t: t.norm(inf), [nan, -2., 0.], nan, [0., 0., 0.])
    check(lambda t: t.norm(3), lambda t: t.norm(3), [nan, -2., 1.], nan, [nan] * 3)
    check(lambda t: t.norm(), lambda t: t.norm(), [nan, -2., 1.], nan, [nan] * 3)


@pytest.mark.parametrize("p,kind,match", [
    ("bad", ValueError, r"norm: p='bad' is not a valid order"),
    ("inf", ValueError, r"norm: p='inf' is not a valid order"),
    ([1], TypeError, r"norm: p must be .*, got list \[1\]"),
    ("nuc", NotImplementedError, r"norm: p='nuc'"),
])
def test_norm_bad_p_is_a_clear_error(p, kind, match):
    x = leaf([1., 2.])
    x.grad = ag.tensor([7., 7.], dtype=ag.float64)
    with pytest.raises(kind, match=match):
        x.norm(p)
    assert x.grad.detach().numpy().tolist() == [7., 7.]


def test_norm_other_errors():
    with pytest.raises(ValueError, match=r"norm: p='fro' takes at most 2 dims, got dim=\(0, 1, 2\)"):
        ag.ones(2, 2, 2).norm("fro", dim=(0, 1, 2))
    with pytest.raises(TypeError, match="norm: needs a floating-point tensor, got dtype int64"):
        ag.tensor([3, 4]).norm()
    for p in (inf, -inf, -1):
        with pytest.raises(ValueError, match=r"norm: the p=.* norm of an empty slice"):
            ag.zeros(2, 0).norm(p, dim=1)
    assert ag.zeros(2, 0).norm(inf, dim=0).shape == (0,)
    assert ag.zeros(0).norm().item() == 0.0 and ag.zeros(0).norm(0.5).item() == 0.0


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, 1.5, -1, 2.5, inf, -inf, "fro"])
@pytest.mark.parametrize("dim,keep", [(None, False), (1, False), ((0, 1), True)])
def test_norm_gradcheck_and_gradgradcheck(p, dim, keep):
    x = ag.tensor(np.random.default_rng(2).standard_normal((3, 4)) + 0.1, requires_grad=True)
    fn = lambda a: a.norm(p, dim, keep)  # noqa: E731
    assert ag.gradcheck(fn, (x,))
    if p not in (1, inf, -inf):  # piecewise linear: the second derivative is 0 a.e.
        assert ag.gradgradcheck(fn, (x,))


@settings(max_examples=60, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 2**31 - 1),
       p=st.sampled_from([2, 1, 3, 0.5, 1.5, -1, inf, -inf]), data=st.data())
def test_norm_gradient_is_finite_wherever_the_input_is(shape, seed, p, data):
    """Zeros anywhere (whole slices included) never make a NaN gradient."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    a[rng.random(a.shape) < 0.4] = 0.0
    dim = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    x = ag.tensor(a, requires_grad=True)
    x.norm(p, dim).sum().backward()
    assert np.isfinite(x.grad.detach().numpy()).all()
    assert (x.grad.detach().numpy()[a == 0] == 0).all()
    torch = torch_or_none()
    if torch is not None:
        t = torch.tensor(a, requires_grad=True)
        t.norm(p, dim).sum().backward()
        assert np.allclose(x.grad.detach().numpy(), t.grad.detach().numpy(), rtol=1e-9, atol=1e-12)


def test_clip_grad_norm_inf_sees_nan_in_any_gradient():
    a, b = leaf([1., 2.]), leaf([1., 2.])
    a.grad, b.grad = ag.tensor([1., 2.], dtype=ag.float64), ag.tensor([nan, 0.], dtype=ag.float64)
    total = nn.utils.clip_grad_norm_([a, b], 1.0, norm_type=inf)
    assert np.isnan(total.item())
    assert np.isnan(a.grad.detach().numpy()).all() and np.isnan(b.grad.detach().numpy()).all()  # as PyTorch


def test_sign_of_nan_is_zero_as_in_pytorch():
    s = ag.tensor([nan, -2.0, 0.0, 3.0]).sign()
    np.testing.assert_array_equal(s.data, [0.0, -1.0, 0.0, 1.0])
    assert s.dtype == np.float32


def test_sign_is_differentiable_with_zero_gradient():
    x = leaf([-2.0, 0.0, 3.0, nan])
    y = x.sign()
    assert y.requires_grad
    (y * 5.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0, 0.0])
    assert ag.gradcheck(lambda t: t.sign(), (leaf([-2.0, 3.0]),))

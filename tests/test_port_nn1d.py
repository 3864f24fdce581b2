"""Issue 11, 1-d pooling and friends: max/avg/adaptive/LP pooling in 1-d,
LP pooling in 2-d, max-unpooling, conv_transpose1d, BatchNorm3d,
LocalResponseNorm, ChannelShuffle, lazy 1-d conv / 3-d batch norm and the
deprecated upsample aliases.  Expected values are written out by hand;
PyTorch 2.13 is an optional extra oracle (the tests at the end)."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.errors import ArgumentError


def _x(*shape, seed=0, positive=False):
    a = np.random.default_rng(seed).standard_normal(shape)
    return ag.tensor(np.abs(a) + 0.5 if positive else a, requires_grad=True)


def _row(values):
    return ag.tensor(np.array(values, dtype=np.float64).reshape(1, 1, -1))


# ---- max / avg pooling 1-d ----------------------------------------------

def test_max_pool1d_values_and_indices_by_hand():
    v, i = F.max_pool1d(_row([3, 1, 4, 1, 5, 9, 2]), 2, return_indices=True)
    assert v.detach().numpy().ravel().tolist() == [3, 4, 9]
    assert i.detach().numpy().ravel().tolist() == [0, 2, 5]
    assert i.dtype == np.int64


def test_max_pool1d_ceil_mode_padding_dilation_by_hand():
    x = _row([3, 1, 4, 1, 5, 9, 2])
    # ceil_mode: a last partial window [2] starting inside the input
    v, i = F.max_pool1d(x, 2, ceil_mode=True, return_indices=True)
    assert v.detach().numpy().ravel().tolist() == [3, 4, 9, 2]
    assert i.detach().numpy().ravel().tolist() == [0, 2, 5, 6]
    # padding 1: windows [-, 3], [1, 4], [1, 5], [9, 2]; padding never wins
    v, i = F.max_pool1d(x, 2, padding=1, return_indices=True)
    assert v.detach().numpy().ravel().tolist() == [3, 4, 5, 9]
    assert i.detach().numpy().ravel().tolist() == [0, 2, 4, 5]
    # dilation 2, kernel 2, stride 1: pairs (j, j + 2)
    assert F.max_pool1d(x, 2, 1, dilation=2).detach().numpy().ravel().tolist() == [4, 1, 5, 9, 5]


def test_max_pool1d_first_maximum_wins_and_gradient_goes_there():
    x = ag.tensor(np.array([[[2.0, 2.0, 1.0, 1.0]]]), requires_grad=True)
    v, i = F.max_pool1d(x, 2, return_indices=True)
    assert i.detach().numpy().ravel().tolist() == [0, 2]
    v.sum().backward()
    assert x.grad.detach().numpy().ravel().tolist() == [1, 0, 1, 0]


def test_avg_pool1d_divisors_by_hand():
    x = _row([1, 2, 3, 4, 5])
    assert F.avg_pool1d(x, 2).detach().numpy().ravel().tolist() == [1.5, 3.5]
    # padding 1, count_include_pad=True: [0,1] [2,3] [4,5] over 2
    assert F.avg_pool1d(x, 2, padding=1).detach().numpy().ravel().tolist() == [0.5, 2.5, 4.5]
    assert F.avg_pool1d(x, 2, padding=1, count_include_pad=False).detach().numpy().ravel().tolist() \
        == [1.0, 2.5, 4.5]
    # ceil_mode: the partial window [5] divides by what it covers
    assert F.avg_pool1d(x, 2, ceil_mode=True).detach().numpy().ravel().tolist() == [1.5, 3.5, 5.0]


def test_unbatched_1d_pooling_keeps_rank():
    x = _x(3, 8)
    assert F.max_pool1d(x, 2).shape == (3, 4)
    assert F.avg_pool1d(x, 3, 2).shape == (3, 3)
    assert F.adaptive_avg_pool1d(x, 3).shape == (3, 3)
    assert F.adaptive_max_pool1d(x, 3, True)[1].shape == (3, 3)
    assert F.lp_pool1d(_x(3, 8, positive=True), 2, 2).shape == (3, 4)
    np.testing.assert_array_equal(F.max_pool1d(x, 2).detach().numpy(), F.max_pool1d(x[None], 2)[0].detach().numpy())


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                dict(kernel_size=3, stride=2, ceil_mode=True)])
def test_avg_pool1d_gradcheck(kw):
    f = lambda x: F.avg_pool1d(x, count_include_pad=False, **kw)  # noqa: E731
    assert ag.gradcheck(f, [_x(2, 3, 9)])
    assert ag.gradgradcheck(f, [_x(2, 3, 9)])


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1),
                                dict(kernel_size=2, stride=2, dilation=2, ceil_mode=True)])
def test_max_pool1d_gradcheck(kw):
    assert ag.gradcheck(lambda x: F.max_pool1d(x, **kw), [_x(2, 3, 9)])


def test_adaptive_pool1d_by_hand_and_gradcheck():
    x = _row([0, 1, 2, 3, 4])  # 5 into 3 overlapping bins [0,2) [1,4) [3,5)
    assert F.adaptive_avg_pool1d(x, 3).detach().numpy().ravel().tolist() == [0.5, 2.0, 3.5]
    v, i = F.adaptive_max_pool1d(_row([3, 1, 4, 1, 5]), 3, return_indices=True)
    assert v.detach().numpy().ravel().tolist() == [3, 4, 5] and i.detach().numpy().ravel().tolist() == [0, 2, 4]
    assert ag.gradcheck(lambda t: F.adaptive_avg_pool1d(t, 3), [_x(2, 3, 7)])
    assert ag.gradgradcheck(lambda t: F.adaptive_avg_pool1d(t, 3), [_x(2, 3, 7)])
    assert ag.gradcheck(lambda t: F.adaptive_max_pool1d(t, 3), [_x(2, 3, 7)])


# ---- LP pooling -----------------------------------------------------------

def test_lp_pool_by_hand():
    x = _row([3, 4, 6, 8])
    assert np.allclose(F.lp_pool1d(x, 2, 2).detach().numpy().ravel(), [5, 10])
    assert np.allclose(F.lp_pool1d(x, 1, 2).detach().numpy().ravel(), [7, 14])
    img = ag.tensor(np.array([[[[1.0, 2.0], [2.0, 4.0]]]]))
    assert np.allclose(F.lp_pool2d(img, 2, 2).detach().numpy().ravel(), [5.0])


@pytest.mark.parametrize("p", [1, 2, 1.5, 3])
def test_lp_pool_gradcheck(p):
    f1 = lambda x: F.lp_pool1d(x, p, 3, 2)  # noqa: E731
    f2 = lambda x: F.lp_pool2d(x, p, (2, 3), 1, True)  # noqa: E731
    assert ag.gradcheck(f1, [_x(2, 2, 8, positive=True)])
    assert ag.gradgradcheck(f1, [_x(2, 2, 8, positive=True)])
    assert ag.gradcheck(f2, [_x(1, 2, 5, 6, positive=True)])
    assert ag.gradgradcheck(f2, [_x(1, 2, 5, 6, positive=True)])


# ---- max unpooling --------------------------------------------------------

def test_max_unpool1d_inverts_max_pool1d_up_to_non_maxima():
    x = _row([3, 1, 4, 1, 5, 9])
    v, i = F.max_pool1d(x, 2, return_indices=True)
    out = F.max_unpool1d(v, i, 2)
    assert out.detach().numpy().ravel().tolist() == [3, 0, 4, 0, 0, 9]
    out = nn.MaxUnpool1d(2)(v, i, output_size=[7])
    assert out.detach().numpy().ravel().tolist() == [3, 0, 4, 0, 0, 9, 0]


def test_max_unpool2d_by_hand_and_unbatched():
    x = ag.tensor(np.array([[[[1.0, 5.0], [7.0, 2.0]]]]))
    v, i = F.max_pool2d(x, 2, return_indices=True)
    assert i.detach().numpy().ravel().tolist() == [2]
    out = F.max_unpool2d(v, i, 2)
    assert out.detach().numpy()[0, 0].tolist() == [[0, 0], [7, 0]]
    assert F.max_unpool2d(v[0], i[0], 2).shape == (1, 2, 2)
    assert F.max_unpool2d(v, i, 2, output_size=(1, 1, 3, 3)).shape == (1, 1, 3, 3)


def test_max_unpool_gradient_gathers_from_each_index():
    v = _x(2, 3, 4)
    i = ag.tensor(np.tile(np.array([0, 3, 5, 6]), (2, 3, 1)))
    assert ag.gradcheck(lambda t: F.max_unpool1d(t, i, 2), [v])
    assert ag.gradgradcheck(lambda t: F.max_unpool1d(t, i, 2), [v])
    v2, i2 = F.max_pool2d(_x(2, 2, 6, 6), 2, return_indices=True)
    v2 = v2.detach().requires_grad_()
    assert ag.gradcheck(lambda t: F.max_unpool2d(t, i2, 2), [v2])


def test_max_unpool_refuses_bad_indices_and_sizes():
    v = _row([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=r"max_unpool1d: found an invalid max index 10 "
                                           r"\(the output planes are of size 6x1\)"):
        F.max_unpool1d(v, ag.tensor(np.full((1, 1, 3), 10)), 2)
    with pytest.raises(ValueError, match=r"max_unpool1d: invalid output_size \[9\] \(dim 0 "
                                         r"must be between 4 and 8"):
        F.max_unpool1d(v, ag.tensor(np.zeros((1, 1, 3), np.int64)), 2, output_size=[9])
    with pytest.raises(TypeError, match=r"max_unpool1d: indices must be an integer"):
        F.max_unpool1d(v, ag.tensor(np.zeros((1, 1, 3))), 2)
    with pytest.raises(ValueError, match=r"max_unpool2d: indices shape \(1, 1, 2\) must match "
                                         r"input shape \(1, 1, 3\)"):
        F.max_unpool2d(v, ag.tensor(np.zeros((1, 1, 2), np.int64)), 2)


# ---- conv_transpose1d -------------------------------------------------------

def _naive_conv_transpose1d(x, w, b, stride, padding, output_padding, groups, dilation):
    n, c, length = x.shape
    cg, og, k = w.shape[0] // groups, w.shape[1], w.shape[2]
    full = (length - 1) * stride + dilation * (k - 1) + 1 + output_padding
    out = np.zeros((n, og * groups, full + padding))
    for g in range(groups):
        for ci in range(g * cg, (g + 1) * cg):
            for o in range(og):
                for j in range(length):
                    for t in range(k):
                        out[:, g * og + o, j * stride + t * dilation] += x[:, ci, j] * w[ci, o, t]
    out = out[:, :, padding:padding + full - 2 * padding]
    return out + (0 if b is None else b[None, :, None])


CT1 = [(3, 4, 3, 1, 0, 0, 1, 1), (4, 6, 3, 2, 1, 1, 2, 2), (4, 4, 2, 3, 0, 2, 4, 1),
       (2, 3, 4, 2, 2, 1, 1, 1)]


@pytest.mark.parametrize("cin,cout,k,s,p,op,g,d", CT1)
def test_conv_transpose1d_matches_naive_loop(cin, cout, k, s, p, op, g, d):
    rng = np.random.default_rng(3)
    x, w, b = (rng.standard_normal((2, cin, 5)), rng.standard_normal((cin, cout // g, k)),
               rng.standard_normal(cout))
    out = F.conv_transpose1d(ag.tensor(x), ag.tensor(w), ag.tensor(b), s, p, op, g, d)
    np.testing.assert_allclose(out.detach().numpy(), _naive_conv_transpose1d(x, w, b, s, p, op, g, d),
                               atol=1e-12)
    unbatched = F.conv_transpose1d(ag.tensor(x[0]), ag.tensor(w), None, s, p, op, g, d)
    np.testing.assert_allclose(unbatched.detach().numpy(),
                               _naive_conv_transpose1d(x[:1], w, None, s, p, op, g, d)[0],
                               atol=1e-12)


@pytest.mark.parametrize("cin,cout,k,s,p,op,g,d", CT1[1:3])
def test_conv_transpose1d_gradcheck(cin, cout, k, s, p, op, g, d):
    f = lambda x, w, b: F.conv_transpose1d(x, w, b, s, p, op, g, d)  # noqa: E731
    args = [_x(1, cin, 4), _x(cin, cout // g, k, seed=1), _x(cout, seed=2)]
    assert ag.gradcheck(f, args)
    assert ag.gradgradcheck(f, args)


def test_conv_transpose1d_module_shapes_init_output_size_and_repr():
    ag.manual_seed(0)
    m = nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2,
                           bias=False, dilation=2)
    assert m.weight.shape == (4, 3, 3) and m.bias is None
    assert repr(m) == ("ConvTranspose1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), "
                       "dilation=(2,), output_padding=(1,), groups=2, bias=False)")
    bound = 1 / np.sqrt(3 * 3)  # kaiming_uniform(a=sqrt(5)) over fan_in = 3 * 3
    assert np.abs(m.weight.detach().numpy()).max() <= bound
    m = nn.ConvTranspose1d(2, 3, 3, stride=2).double()
    x = _x(1, 2, 4)
    assert m(x).shape == (1, 3, 9)
    assert m(x, output_size=[10]).shape == (1, 3, 10)
    with pytest.raises(ValueError, match=r"requested an output size of 11, but valid sizes "
                                         r"range from 9 to 10"):
        m(x, output_size=[11])


def test_conv_transpose1d_refusals_name_the_shapes():
    x, w = _x(1, 3, 4), _x(2, 4, 3)
    with pytest.raises(RuntimeError, match=r"conv_transpose1d: weight of shape \(2, 4, 3\) "
                                           r"expects input \(1, 3, 4\) to have 2 channels, "
                                           r"but got 3"):
        F.conv_transpose1d(x, w)
    with pytest.raises(ValueError, match=r"conv_transpose1d: output_padding \(2,\) must be "
                                         r"smaller than either stride \(2,\) or dilation"):
        F.conv_transpose1d(_x(1, 2, 4), w, stride=2, output_padding=2)
    m = nn.ConvTranspose1d(3, 2, 2)
    before = m.weight.detach().numpy().copy()
    with pytest.raises(ValueError, match=r"ConvTranspose1d\(3, 2, kernel_size=\(2,\)\) expected "
                                         r"input \(N, 3, L\) or \(3, L\), got \(1, 2, 4\)"):
        m(_x(1, 2, 4))
    np.testing.assert_array_equal(m.weight.detach().numpy(), before)
    assert m.weight.grad is None
    with pytest.raises(ValueError, match="only padding_mode='zeros'"):
        nn.ConvTranspose1d(3, 2, 2, padding_mode="reflect")


# ---- norms, shuffle, lazy ------------------------------------------------------

def test_batchnorm3d_normalizes_over_n_d_h_w_and_refuses_4d():
    x = _x(2, 3, 2, 2, 2)
    m = nn.BatchNorm3d(3).double()
    y = m(x).detach().numpy()
    assert np.allclose(y.mean(axis=(0, 2, 3, 4)), 0, atol=1e-12)
    assert np.allclose(y.var(axis=(0, 2, 3, 4)), 1, atol=1e-3)
    assert int(m.num_batches_tracked.item()) == 1
    before = m.running_mean.detach().numpy().copy()
    with pytest.raises(ValueError, match=r"BatchNorm3d\(3\) expected input \(N, 3, D, H, W\), "
                                         r"got \(2, 3, 4, 4\)"):
        m(_x(2, 3, 4, 4))
    np.testing.assert_array_equal(m.running_mean.detach().numpy(), before)
    assert int(m.num_batches_tracked.item()) == 1
    assert list(m.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                    "num_batches_tracked"]


def test_lazy_conv1d_and_lazy_batchnorm3d_infer_their_sizes():
    conv = nn.LazyConv1d(4, 3)
    assert conv(_x(2, 5, 7).float()).shape == (2, 4, 5)
    assert type(conv) is nn.Conv1d and conv.weight.shape == (4, 5, 3)
    bn = nn.LazyBatchNorm3d()
    assert bn(_x(2, 3, 2, 2, 2).float()).shape == (2, 3, 2, 2, 2)
    assert type(bn) is nn.BatchNorm3d and bn.running_mean.shape == (3,)
    with pytest.raises(ValueError, match=r"LazyConv1d: cannot infer in_channels; expected "
                                         r"input \(N, C, L\) or \(C, L\), got \(5,\)"):
        nn.LazyConv1d(4, 3)(_x(5))


def test_local_response_norm_by_hand():
    # one position, channels [1, 2, 3], size 2: neighbourhoods {pad, 1}, {1, 2}, {2, 3}
    x = ag.tensor(np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1))
    out = F.local_response_norm(x, 2, alpha=1.0, beta=1.0, k=1.0).detach().numpy().ravel()
    expected = np.array([1 / (1 + 1 / 2), 2 / (1 + 5 / 2), 3 / (1 + 13 / 2)])
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert repr(nn.LocalResponseNorm(2)) == "LocalResponseNorm(2, alpha=0.0001, beta=0.75, k=1.0)"
    with pytest.raises(ValueError, match=r"local_response_norm: expected 3D or higher "
                                         r"dimensionality input .* got 2 dimensions"):
        F.local_response_norm(_x(3, 4), 2)


@pytest.mark.parametrize("shape,size", [((2, 5, 3), 3), ((1, 6, 2, 3), 4), ((1, 4, 2, 1, 2), 2)])
def test_local_response_norm_gradcheck(shape, size):
    f = lambda x: F.local_response_norm(x, size, alpha=0.5, beta=0.75, k=2.0)  # noqa: E731
    assert ag.gradcheck(f, [_x(*shape)])
    assert ag.gradgradcheck(f, [_x(*shape)])


def test_channel_shuffle_by_hand_and_errors():
    x = ag.tensor(np.arange(6.0).reshape(1, 6, 1))
    assert F.channel_shuffle(x, 2).detach().numpy().ravel().tolist() == [0, 3, 1, 4, 2, 5]
    assert nn.ChannelShuffle(3)(x).detach().numpy().ravel().tolist() == [0, 2, 4, 1, 3, 5]
    assert repr(nn.ChannelShuffle(2)) == "ChannelShuffle(groups=2)"
    assert ag.gradcheck(lambda t: F.channel_shuffle(t, 2), [_x(2, 4, 3)])
    with pytest.raises(ValueError, match=r"channel_shuffle: number of channels must be "
                                         r"divisible by groups. Got 5 channels and 2 groups"):
        F.channel_shuffle(_x(1, 5, 2), 2)
    with pytest.raises(ValueError, match=r"channel_shuffle: expects input with > 2 dims"):
        F.channel_shuffle(_x(4, 2), 2)


@pytest.mark.parametrize("fn,kwargs,expect", [
    ("upsample", dict(scale_factor=2), dict(scale_factor=2)),
    ("upsample_nearest", dict(scale_factor=2), dict(scale_factor=2, mode="nearest")),
    ("upsample_bilinear", dict(size=(3, 5)),
     dict(size=(3, 5), mode="bilinear", align_corners=True))])
def test_deprecated_upsample_aliases_warn_then_interpolate(fn, kwargs, expect):
    x = _x(1, 2, 2, 3)
    with pytest.warns(UserWarning, match=rf"`nn.functional.{fn}` is deprecated. Use "
                                         r"`nn.functional.interpolate` instead."):
        out = getattr(F, fn)(x, **kwargs)
    np.testing.assert_array_equal(out.detach().numpy(), F.interpolate(x, **expect).detach().numpy())


def test_module_reprs():
    assert repr(nn.MaxPool1d(3, 2, 1, 2, True, True)) == (
        "MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)")
    assert repr(nn.AvgPool1d(3, 2, 1)) == "AvgPool1d(kernel_size=(3,), stride=(2,), padding=(1,))"
    assert repr(nn.AdaptiveMaxPool1d(3, True)) == "AdaptiveMaxPool1d(output_size=3)"
    assert repr(nn.LPPool1d(2, 3)) == "LPPool1d(norm_type=2, kernel_size=3, stride=None, " \
                                      "ceil_mode=False)"
    assert repr(nn.MaxUnpool2d(2, 1, 1)) == ("MaxUnpool2d(kernel_size=(2, 2), stride=(1, 1), "
                                             "padding=(1, 1))")


def test_pool1d_refusals_name_op_and_shape():
    with pytest.raises(ValueError, match=r"max_pool1d: padding should be at most half of "
                                         r"kernel size, but got padding=2 and kernel_size=2"):
        F.max_pool1d(_x(1, 2, 3), 2, padding=2)
    with pytest.raises(ValueError, match=r"max_pool1d: input of length 3 \(shape \(1, 2, 3\)\) "
                                         r"with kernel_size=5.* gives an empty output"):
        F.max_pool1d(_x(1, 2, 3), 5)
    with pytest.raises(ValueError, match=r"avg_pool1d: expected input \(N, C, L\) or \(C, L\), "
                                         r"got \(2, 1, 2, 3\)"):
        F.avg_pool1d(_x(2, 1, 2, 3), 2)
    with pytest.raises(TypeError, match=r"adaptive_max_pool1d: output_size should contain one "
                                        r"int, got \(2, 3\)"):
        F.adaptive_max_pool1d(_x(1, 2, 3), (2, 3))
    with pytest.raises(TypeError, match=r"avg_pool1d: input must be floating-point"):
        F.avg_pool1d(ag.tensor(np.ones((1, 1, 4), np.int64)), 2)


# ---- PyTorch as an oracle ------------------------------------------------------

def _pair(a, requires_grad=True):
    torch = pytest.importorskip("torch")
    return (ag.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def _check(ours, theirs, inputs):
    """Values and the gradient of sum(out * weights) agree."""
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=1e-10)
    wt = np.random.default_rng(9).standard_normal(ours.shape)
    (ours * ag.tensor(wt)).sum().backward()
    import torch
    (theirs * torch.tensor(wt)).sum().backward()
    for a, b in inputs:
        np.testing.assert_allclose(a.grad.detach().numpy(), b.grad.detach().numpy(), atol=1e-10)


POOL1D = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
          dict(kernel_size=3, stride=2, ceil_mode=True),
          dict(kernel_size=2, stride=3, padding=1, ceil_mode=True)]


@pytest.mark.parametrize("kw", POOL1D)
def test_pool1d_match_pytorch(kw):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(4).standard_normal((2, 3, 10))
    for cip in (True, False):
        x, t = _pair(a)
        _check(F.avg_pool1d(x, count_include_pad=cip, **kw),
               torch.nn.functional.avg_pool1d(t, count_include_pad=cip, **kw), [(x, t)])
    for d in (1, 2):
        x, t = _pair(a)
        v, i = F.max_pool1d(x, dilation=d, return_indices=True, **kw)
        tv, ti = torch.nn.functional.max_pool1d(t, dilation=d, return_indices=True, **kw)
        np.testing.assert_array_equal(i.detach().numpy(), ti.detach().numpy())
        _check(v, tv, [(x, t)])


@pytest.mark.parametrize("size", [1, 3, 4, 10])
def test_adaptive_pool1d_match_pytorch(size):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(5).standard_normal((2, 3, 10))
    x, t = _pair(a)
    _check(F.adaptive_avg_pool1d(x, size), torch.nn.functional.adaptive_avg_pool1d(t, size),
           [(x, t)])
    x, t = _pair(a)
    v, i = F.adaptive_max_pool1d(x, size, True)
    tv, ti = torch.nn.functional.adaptive_max_pool1d(t, size, True)
    np.testing.assert_array_equal(i.detach().numpy(), ti.detach().numpy())
    _check(v, tv, [(x, t)])


@pytest.mark.parametrize("p", [1, 2, 1.5])
def test_lp_pool_matches_pytorch(p):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(6)
    x, t = _pair(np.abs(rng.standard_normal((2, 3, 9))) + 0.1)
    _check(F.lp_pool1d(x, p, 3, 2, True), torch.nn.functional.lp_pool1d(t, p, 3, 2, True),
           [(x, t)])
    x, t = _pair(np.abs(rng.standard_normal((2, 3, 6, 7))) + 0.1)
    _check(F.lp_pool2d(x, p, (2, 3)), torch.nn.functional.lp_pool2d(t, p, (2, 3)), [(x, t)])
    assert repr(nn.LPPool2d(p, (2, 3), 1, True)) == repr(torch.nn.LPPool2d(p, (2, 3), 1, True))


def test_max_unpool_matches_pytorch():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(7).standard_normal((2, 3, 6, 7))
    v, i = F.max_pool2d(ag.tensor(a), 3, 2, 1, return_indices=True)
    tv, ti = torch.nn.functional.max_pool2d(torch.tensor(a), 3, 2, 1, return_indices=True)
    x, t = _pair(v.detach().numpy())
    _check(F.max_unpool2d(x, i, 3, 2, 1, output_size=(6, 7)),
           torch.nn.functional.max_unpool2d(t, ti, 3, 2, 1, output_size=(6, 7)), [(x, t)])
    v, i = F.max_pool1d(ag.tensor(a[:, :, 0]), 2, return_indices=True)
    tv, ti = torch.nn.functional.max_pool1d(torch.tensor(a[:, :, 0]), 2, return_indices=True)
    x, t = _pair(v.detach().numpy())
    _check(F.max_unpool1d(x, i, 2, output_size=[7]),
           torch.nn.functional.max_unpool1d(t, ti, 2, output_size=[7]), [(x, t)])


@pytest.mark.parametrize("cin,cout,k,s,p,op,g,d", CT1)
def test_conv_transpose1d_matches_pytorch_and_state_dicts_move(cin, cout, k, s, p, op, g, d):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    x, t = _pair(rng.standard_normal((2, cin, 5)))
    w, tw = _pair(rng.standard_normal((cin, cout // g, k)))
    b, tb = _pair(rng.standard_normal(cout))
    _check(F.conv_transpose1d(x, w, b, s, p, op, g, d),
           torch.nn.functional.conv_transpose1d(t, tw, tb, s, p, op, g, d),
           [(x, t), (w, tw), (b, tb)])
    ours = nn.ConvTranspose1d(cin, cout, k, s, p, op, g, True, d).double()
    theirs = torch.nn.ConvTranspose1d(cin, cout, k, s, p, op, g, True, d).double()
    assert repr(ours) == repr(theirs)
    ours.load_state_dict({key: ag.tensor(v.detach().numpy())
                          for key, v in theirs.state_dict().items()})
    a = rng.standard_normal((1, cin, 4))
    np.testing.assert_allclose(ours(ag.tensor(a)).detach().numpy(),
                               theirs(torch.tensor(a)).detach().numpy(), atol=1e-12)


def test_norms_and_shuffle_match_pytorch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    a = np.random.default_rng(10).standard_normal((2, 6, 3, 4))
    for args in [(3,), (4, 1e-2, 0.5, 2.0), (1,)]:
        x, t = _pair(a)
        _check(F.local_response_norm(x, *args), tf.local_response_norm(t, *args), [(x, t)])
    x, t = _pair(a)
    _check(F.channel_shuffle(x, 3), tf.channel_shuffle(t, 3), [(x, t)])
    for ours, theirs in [(nn.LocalResponseNorm(3), torch.nn.LocalResponseNorm(3)),
                         (nn.ChannelShuffle(2), torch.nn.ChannelShuffle(2)),
                         (nn.MaxPool1d(3, 2, 1, 2, True, True),
                          torch.nn.MaxPool1d(3, 2, 1, 2, True, True)),
                         (nn.AvgPool1d(3, 2, 1), torch.nn.AvgPool1d(3, 2, 1)),
                         (nn.AdaptiveAvgPool1d(3), torch.nn.AdaptiveAvgPool1d(3)),
                         (nn.LPPool1d(2, 3), torch.nn.LPPool1d(2, 3)),
                         (nn.MaxUnpool1d(2), torch.nn.MaxUnpool1d(2)),
                         (nn.MaxUnpool2d(2, 1, 1), torch.nn.MaxUnpool2d(2, 1, 1)),
                         (nn.ConvTranspose1d(3, 4, 3), torch.nn.ConvTranspose1d(3, 4, 3))]:
        assert repr(ours) == repr(theirs)
    b5 = np.random.default_rng(11).standard_normal((2, 3, 2, 3, 2))
    ours, theirs = nn.BatchNorm3d(3).double(), torch.nn.BatchNorm3d(3).double()
    x, t = _pair(b5)
    _check(ours(x), theirs(t), [(x, t)])
    np.testing.assert_allclose(ours.running_var.detach().numpy(), theirs.running_var.detach().numpy(), atol=1e-12)

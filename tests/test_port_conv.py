"""Issue 11, convolution family: adaptive pooling, ceil_mode pooling, pad
modes, conv1d, interpolate, conv_transpose2d, unfold/fold.  Expected values
are written out (or computed by a naive loop); PyTorch 2.13 is an optional
extra oracle."""
import itertools

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.errors import ArgumentError


def _x(*shape, seed=0):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


# ---- adaptive pooling ---------------------------------------------------

def test_adaptive_avg_bins_by_hand():
    # H=5 into 3 bins: [0,2), [1,4), [3,5) -- PyTorch's overlapping bins
    x = ag.tensor(np.arange(5.0).reshape(1, 1, 5, 1))
    out = F.adaptive_avg_pool2d(x, (3, 1))
    assert np.allclose(out.numpy().ravel(), [0.5, 2.0, 3.5])


def test_adaptive_max_bins_and_indices_by_hand():
    x = ag.tensor(np.array([[[3.0, 1.0, 4.0, 1.0, 5.0]]]))  # (1, 1, 5)
    v, i = F.adaptive_max_pool2d(x, (1, 3), return_indices=True)
    assert np.array_equal(v.numpy().ravel(), [3.0, 4.0, 5.0])
    assert np.array_equal(i.numpy().ravel(), [0, 2, 4])


def test_adaptive_avg_keeps_nan_and_inf_in_their_bins():
    a = np.zeros((1, 1, 5, 1))
    a[0, 0, 0, 0], a[0, 0, 4, 0] = np.nan, np.inf
    out = F.adaptive_avg_pool2d(ag.tensor(a), (3, 1)).numpy().ravel()
    assert np.isnan(out[0]) and out[1] == 0.0 and out[2] == np.inf


def test_adaptive_max_last_nan_wins():
    a = np.array([[[[1.0, np.nan, 2.0, np.nan]]]])
    v, i = F.adaptive_max_pool2d(ag.tensor(a), 1, return_indices=True)
    assert np.isnan(v.numpy()).all() and i.numpy().item() == 3


@pytest.mark.parametrize("shape,out", [((2, 3, 7, 5), (3, 2)), ((3, 6, 8), (2, 4)),
                                       ((1, 2, 5, 9), (None, 4)), ((2, 2, 4, 4), 1)])
def test_adaptive_pools_gradcheck(shape, out):
    x = _x(*shape)
    assert ag.gradcheck(lambda a: F.adaptive_avg_pool2d(a, out), (x,))
    assert ag.gradgradcheck(lambda a: F.adaptive_avg_pool2d(a, out), (x,))
    assert ag.gradcheck(lambda a: F.adaptive_max_pool2d(a, out), (x,))


def test_adaptive_modules_and_errors():
    x = _x(2, 3, 9, 7)
    assert nn.AdaptiveAvgPool2d((2, 3))(x).shape == (2, 3, 2, 3)
    assert nn.AdaptiveAvgPool2d((None, 3))(x).shape == (2, 3, 9, 3)
    v, i = nn.AdaptiveMaxPool2d(4, return_indices=True)(x)
    assert v.shape == i.shape == (2, 3, 4, 4) and i.dtype == np.int64
    with pytest.raises(ArgumentError, match="output_size"):
        F.adaptive_avg_pool2d(x, 0)
    with pytest.raises(TypeError, match="output_size"):
        F.adaptive_max_pool2d(x, (1, 2, 3))
    with pytest.raises(ArgumentError, match=r"\(4, 4\)"):
        F.adaptive_avg_pool2d(_x(4, 4), 2)
    assert x.grad is None


def test_adaptive_pools_match_torch():
    torch = pytest.importorskip("torch")
    for shape, out in [((2, 3, 7, 5), (3, 2)), ((3, 6, 7), (2, 3)), ((2, 2, 10, 3), (4, None))]:
        a = np.random.default_rng(1).standard_normal(shape)
        a.flat[3], a.flat[5] = np.nan, np.inf
        for ours, theirs in [(F.adaptive_avg_pool2d, torch.nn.functional.adaptive_avg_pool2d),
                             (F.adaptive_max_pool2d, torch.nn.functional.adaptive_max_pool2d)]:
            x, t = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
            r, tr = ours(x, out), theirs(t, out)
            assert r.shape == tuple(tr.shape)
            assert np.allclose(r.detach().numpy(), tr.detach().numpy(), equal_nan=True)
            g = np.random.default_rng(2).standard_normal(r.shape)
            (r * ag.tensor(g)).sum().backward()
            (tr * torch.tensor(g)).sum().backward()
            assert np.allclose(x.grad.numpy(), t.grad.numpy(), equal_nan=True)
        _, i = F.adaptive_max_pool2d(ag.tensor(a), out, return_indices=True)
        _, ti = torch.nn.functional.adaptive_max_pool2d(torch.tensor(a), out, return_indices=True)
        assert np.array_equal(i.numpy(), ti.numpy())


# ---- ceil_mode ------------------------------------------------------------

def test_ceil_mode_by_hand():
    x = ag.tensor(np.arange(5.0).reshape(1, 1, 1, 5))
    # windows of 2, stride 2 over 5: [0,1] [2,3] [4] -- the last partial one
    assert np.array_equal(F.max_pool2d(x, (1, 2), ceil_mode=True).numpy().ravel(), [1, 3, 4])
    assert np.array_equal(F.avg_pool2d(x, (1, 2), ceil_mode=True).numpy().ravel(),
                          [0.5, 2.5, 4.0])
    assert F.max_pool2d(x, (1, 2)).shape == (1, 1, 1, 2)


def test_ceil_mode_last_window_must_start_inside_input_or_left_padding():
    # H=4, k=2, s=2, p=1: ceil((4+2-2)/2)+1 = 3 windows starting at -1, 1, 3: all kept
    assert F.max_pool2d(_x(1, 1, 4, 4), 2, 2, 1, ceil_mode=True).shape == (1, 1, 3, 3)
    # H=5, k=3, s=3, p=1: ceil((5+2-3)/3)+1 = 3, but window 3 starts at 5 = H (right padding)
    assert F.max_pool2d(_x(1, 1, 5, 5), 3, 3, 1, ceil_mode=True).shape == (1, 1, 2, 2)


def test_ceil_mode_avg_divisor_counts_padding_but_not_overhang():
    x = ag.tensor(np.ones((1, 1, 1, 4)))
    # k=3, s=2, p=1 over W=4: windows start at -1, 1, 3; the last covers 3, 4(pad), 5(overhang)
    inc = F.avg_pool2d(x, (1, 3), (1, 2), (0, 1), ceil_mode=True).numpy().ravel()
    exc = F.avg_pool2d(x, (1, 3), (1, 2), (0, 1), ceil_mode=True,
                       count_include_pad=False).numpy().ravel()
    assert np.allclose(inc, [2 / 3, 1.0, 1 / 2]) and np.allclose(exc, [1.0, 1.0, 1.0])
    assert np.allclose(F.avg_pool2d(x, (1, 2), divisor_override=3).numpy(), 2 / 3)


@pytest.mark.parametrize("k,s,p", [(2, 2, 0), (3, 2, 1), (3, 3, 1), (2, 3, 1)])
def test_ceil_mode_gradcheck(k, s, p):
    x = _x(1, 2, 7, 6)
    for cip in (True, False):
        def fn(a, cip=cip):
            return F.avg_pool2d(a, k, s, p, ceil_mode=True, count_include_pad=cip)

        assert ag.gradcheck(fn, (x,)) and ag.gradgradcheck(fn, (x,))
    assert ag.gradcheck(lambda a: F.max_pool2d(a, k, s, p, ceil_mode=True), (x,))


def test_pool_modules_take_torch_argument_order():
    m = nn.MaxPool2d(2, 2, 0, 1, True, True)
    v, _ = m(_x(1, 1, 5, 5))
    assert v.shape == (1, 1, 3, 3)
    a = nn.AvgPool2d(2, 2, 0, True, False)
    assert a(_x(1, 1, 5, 5)).shape == (1, 1, 3, 3) and not a.count_include_pad


def test_ceil_mode_matches_torch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    for h, w, k, s, p, d, cip in itertools.product([5, 7], [4, 8], [2, 3], [1, 2, 3], [0, 1],
                                                   [1, 2], [True, False]):
        if p > k // 2 or d * (k - 1) + 1 > min(h, w) + 2 * p:
            continue
        a = np.random.default_rng(h * w + k).standard_normal((2, 2, h, w))
        x, t = ag.tensor(a), torch.tensor(a)
        v, i = F.max_pool2d(x, k, s, p, d, True, True)
        tv, ti = tf.max_pool2d(t, k, s, p, d, True, True)
        assert v.shape == tuple(tv.shape) and np.array_equal(v.numpy(), tv.numpy())
        assert np.array_equal(i.numpy(), ti.numpy())
        avg = F.avg_pool2d(x, k, s, p, True, cip)
        tavg = tf.avg_pool2d(t, k, s, p, True, cip)
        assert avg.shape == tuple(tavg.shape) and np.allclose(avg.numpy(), tavg.numpy())


# ---- F.pad modes and negative padding -----------------------------------------

_ROW = np.arange(6.0).reshape(1, 2, 3)  # rows [0 1 2] and [3 4 5]


@pytest.mark.parametrize("mode,pad,first_row", [
    ("reflect", (2, 1), [2, 1, 0, 1, 2, 1]),
    ("reflect", (-1, 2), [1, 2, 1, 0]),
    ("replicate", (2, 1), [0, 0, 0, 1, 2, 2]),
    ("replicate", (-1, 2), [1, 2, 2, 2]),
    ("circular", (2, 1), [1, 2, 0, 1, 2, 0]),
    ("circular", (-1, 2), [1, 2, 1, 2]),  # PyTorch crops first, then wraps
    ("circular", (1, -1), [1, 0, 1]),
    ("constant", (-1, 2), [1, 2, 0, 0]),
])
def test_pad_modes_by_hand(mode, pad, first_row):
    out = F.pad(ag.tensor(_ROW), pad, mode=mode)
    assert np.array_equal(out.numpy()[0, 0], first_row)


def test_pad_2d_reflect_by_hand():
    x = ag.tensor(np.arange(9.0).reshape(1, 1, 3, 3))
    out = F.pad(x, (1, 0, 0, 1), mode="reflect").numpy()[0, 0]
    assert np.array_equal(out, [[1, 0, 1, 2], [4, 3, 4, 5], [7, 6, 7, 8], [4, 3, 4, 5]])


def test_pad_reflect_gradient_sums_copies():
    x = ag.tensor(np.arange(3.0).reshape(1, 1, 3), requires_grad=True)
    F.pad(x, (2, 2), mode="reflect").sum().backward()
    # out = [2 1 | 0 1 2 | 1 0]: element 0 appears 2x, 1 appears 3x, 2 appears 2x
    assert np.array_equal(x.grad.numpy().ravel(), [2, 3, 2])


@pytest.mark.parametrize("shape,pad", [((2, 5), (2, 1)), ((1, 2, 5), (-1, 2)),
                                       ((1, 2, 4, 5), (1, 2, 3, 0)), ((2, 4, 5), (-1, 1, 2, -2)),
                                       ((1, 1, 3, 4, 5), (1, 1, 2, 2, 0, 1))])
@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "constant"])
def test_pad_gradcheck(shape, pad, mode):
    x = _x(*shape)
    fn = lambda a: F.pad(a, pad, mode=mode)  # noqa: E731
    assert ag.gradcheck(fn, (x,)) and ag.gradgradcheck(fn, (x,))


def test_pad_errors():
    x = _x(1, 2, 3)
    with pytest.raises(RuntimeError, match=r"reflect padding \(3, 0\) of dim 2 must be less"):
        F.pad(x, (3, 0), mode="reflect")
    with pytest.raises(RuntimeError, match="more than once"):
        F.pad(x, (4, 0), mode="circular")
    with pytest.raises(NotImplementedError, match=r"needs a 2-D or 3-D input, got shape "
                                                   r"\(1, 1, 2, 3\)"):
        F.pad(_x(1, 1, 2, 3), (1, 1), mode="replicate")
    with pytest.raises(ValueError, match="mode must be one of"):
        F.pad(x, (1, 1), mode="wrap")
    with pytest.raises(RuntimeError, match="removes more than"):
        F.pad(x, (-2, -2))
    assert x.grad is None
    assert F.pad(x, (3, 0), mode="circular").shape == (1, 2, 6)  # wrapping exactly once is fine


def test_pad_matches_torch():
    torch = pytest.importorskip("torch")
    for shape, pad in [((2, 5), (2, 1)), ((1, 2, 5), (1, -1)), ((1, 2, 4, 5), (1, 2, 3, 0)),
                       ((2, 2, 3, 4, 5), (-1, 1, 2, -2, 1, 1))]:
        a = np.random.default_rng(3).standard_normal(shape)
        for mode in ("reflect", "replicate", "circular", "constant"):
            x, t = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
            r, tr = F.pad(x, pad, mode=mode), torch.nn.functional.pad(t, pad, mode=mode)
            assert r.shape == tuple(tr.shape)
            assert np.array_equal(r.detach().numpy(), tr.detach().numpy())
            g = np.random.default_rng(4).standard_normal(r.shape)
            (r * ag.tensor(g)).sum().backward()
            (tr * torch.tensor(g)).sum().backward()
            assert np.allclose(x.grad.numpy(), t.grad.numpy())


# ---- conv1d / Conv1d --------------------------------------------------------

def test_conv1d_by_hand():
    x = ag.tensor(np.array([[[1.0, 2.0, 3.0, 4.0, 5.0]]]))
    w = ag.tensor(np.array([[[1.0, 0.0, -1.0]]]))
    assert np.array_equal(F.conv1d(x, w).numpy().ravel(), [-2, -2, -2])
    assert np.array_equal(F.conv1d(x, w, padding=1, stride=2).numpy().ravel(), [-2, -2, 4])
    assert np.array_equal(F.conv1d(x, w, padding="same").numpy().ravel(), [-2, -2, -2, -2, 4])
    bias = ag.tensor([1.0], dtype=ag.float64)
    assert np.array_equal(F.conv1d(x[0], w, bias).numpy().ravel(), [-1, -1, -1])


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1), dict(dilation=2, groups=2),
                                dict(padding="same", dilation=2)])
def test_conv1d_gradcheck(kw):
    x, w, b = _x(2, 4, 9), _x(6, 4 // kw.get("groups", 1), 3, seed=1), _x(6, seed=2)
    fn = lambda *a: F.conv1d(*a, **kw)  # noqa: E731
    assert ag.gradcheck(fn, (x, w, b)) and ag.gradgradcheck(fn, (x, w, b))


def test_conv1d_module_shapes_init_and_errors():
    m = nn.Conv1d(4, 6, 3, groups=2)
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
    assert m.weight.shape == (6, 2, 3) and m.bias.shape == (6,)
    bound = 1 / np.sqrt(2 * 3)  # kaiming_uniform(a=sqrt(5)) and the bias both give 1/sqrt(fan_in)
    assert np.abs(m.weight.detach().numpy()).max() <= bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    assert m(ag.randn(2, 4, 9)).shape == (2, 6, 7) and m(ag.randn(4, 9)).shape == (6, 7)
    with pytest.raises(RuntimeError, match=r"Conv1d\(4, 6.*expected input \(N, 4, L\), got "
                                           r"\(2, 3, 9\)"):
        m(ag.randn(2, 3, 9))
    with pytest.raises(RuntimeError, match=r"conv1d: expected input \(N, 4, L\)"):
        F.conv1d(ag.randn(2, 3, 9), m.weight, groups=2)
    with pytest.raises(TypeError, match="conv1d: input dtype float32 does not match"):
        F.conv1d(ag.randn(2, 4, 9), _x(6, 4, 3))
    with pytest.raises(TypeError, match="kernel_size"):
        nn.Conv1d(4, 6, (3, 3))
    with pytest.raises(RuntimeError, match="padding='same'.*strided"):
        nn.Conv1d(4, 6, 3, stride=2, padding="same")
    assert m.weight.grad is None


def test_conv1d_padding_modes_by_hand():
    m = nn.Conv1d(1, 1, 3, padding=1, bias=False, padding_mode="circular")
    m.load_state_dict({"weight": ag.tensor([[[1.0, 0.0, 0.0]]])})  # out[i] = in[i - 1], wrapped
    out = m(ag.tensor([[[1.0, 2.0, 3.0]]]))
    assert np.array_equal(out.detach().numpy().ravel(), [3.0, 1.0, 2.0])


def test_conv1d_matches_torch():
    torch = pytest.importorskip("torch")
    for mode in ("zeros", "reflect", "replicate", "circular"):
        for pad in (2, "same", "valid"):
            t = torch.nn.Conv1d(4, 6, 3, padding=pad, dilation=2, groups=2,
                                padding_mode=mode).double()
            m = nn.Conv1d(4, 6, 3, padding=pad, dilation=2, groups=2, padding_mode=mode,
                          dtype=ag.float64)
            m.load_state_dict({k: ag.tensor(v.detach().numpy()) for k, v in
                               t.state_dict().items()})
            a = np.random.default_rng(5).standard_normal((2, 4, 9))
            assert np.allclose(m(ag.tensor(a)).detach().numpy(),
                               t(torch.tensor(a)).detach().numpy())


# ---- conv_transpose2d -------------------------------------------------------------

def test_conv_transpose2d_by_hand():
    # one input pixel spreads a copy of the kernel; stride 2 places copies 2 apart
    x = ag.tensor(np.array([[[[1.0, 2.0]]]]))
    w = ag.tensor(np.array([[[[1.0, 1.0, 1.0]]]]))
    out = F.conv_transpose2d(x, w, stride=(1, 2)).numpy().ravel()
    assert np.array_equal(out, [1, 1, 3, 2, 2])
    out = F.conv_transpose2d(x, w, stride=(1, 2), padding=(0, 1), output_padding=(0, 1))
    assert np.array_equal(out.numpy().ravel(), [1, 3, 2, 2])  # cropped 1 each side, +1 right
    assert F.conv_transpose2d(_x(3, 4, 5), _x(3, 2, 3, 3)).shape == (2, 6, 7)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1, output_padding=1),
                                dict(stride=(2, 3), padding=(1, 0), output_padding=(1, 2)),
                                dict(dilation=2, output_padding=1, padding=1)])
def test_conv_transpose2d_gradcheck(kw):
    x, w, b = _x(2, 3, 4, 3), _x(3, 2, 3, 2, seed=1), _x(2, seed=2)
    fn = lambda *a: F.conv_transpose2d(*a, **kw)  # noqa: E731
    assert ag.gradcheck(fn, (x, w, b)) and ag.gradgradcheck(fn, (x, w, b))


def test_conv_transpose2d_module_and_errors():
    m = nn.ConvTranspose2d(3, 5, (3, 2), stride=2, padding=1, output_padding=1)
    assert m.weight.shape == (3, 5, 3, 2) and m.bias.shape == (5,)
    bound = 1 / np.sqrt(5 * 3 * 2)  # PyTorch's fan_in of a transposed weight: dim 1 x kernel
    assert np.abs(m.weight.detach().numpy()).max() <= bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    assert m(_x(2, 3, 4, 5).float()).shape == (2, 5, 8, 9)  # (4-1)*2-2+3+1+1, (5-1)*2-2+2+1+1
    with pytest.raises(RuntimeError, match=r"output_padding \(2, 2\) must be smaller"):
        nn.ConvTranspose2d(3, 5, 3, stride=2, output_padding=2)
    with pytest.raises(RuntimeError, match=r"conv_transpose2d: weight must be \(in_channels"):
        F.conv_transpose2d(_x(2, 4, 4, 5), _x(3, 5, 3, 3))
    with pytest.raises(NotImplementedError, match="groups=1"):
        F.conv_transpose2d(_x(2, 4, 4, 5), _x(4, 5, 3, 3), groups=2)


def test_conv_transpose2d_matches_torch():
    torch = pytest.importorskip("torch")
    t = torch.nn.ConvTranspose2d(3, 5, (3, 2), stride=(2, 3), padding=(1, 0),
                                 output_padding=(1, 2), dilation=(1, 2)).double()
    m = nn.ConvTranspose2d(3, 5, (3, 2), stride=(2, 3), padding=(1, 0), output_padding=(1, 2),
                           dilation=(1, 2), dtype=ag.float64)
    m.load_state_dict({k: ag.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    a = np.random.default_rng(6).standard_normal((2, 3, 4, 5))
    x, tx = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    r, tr = m(x), t(tx)
    assert r.shape == tuple(tr.shape)
    assert np.allclose(r.detach().numpy(), tr.detach().numpy())
    r.sum().backward()
    tr.sum().backward()
    assert np.allclose(x.grad.numpy(), tx.grad.numpy())
    assert np.allclose(m.weight.grad.numpy(), t.weight.grad.numpy())


# ---- unfold / fold ------------------------------------------------------------

def test_unfold_fold_by_hand():
    x = ag.tensor(np.arange(9.0).reshape(1, 1, 3, 3))
    cols = F.unfold(x, 2)
    assert cols.shape == (1, 4, 4)
    assert np.array_equal(cols.numpy()[0, :, 0], [0, 1, 3, 4])  # first window, row-major
    # fold adds overlaps: the centre pixel is in all four 2x2 windows
    back = F.fold(cols, (3, 3), 2).numpy()[0, 0]
    assert np.array_equal(back, np.arange(9.0).reshape(3, 3) * [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


def test_unfold_fold_gradcheck_and_modules():
    x = _x(2, 3, 5, 6)
    fn = lambda a: F.unfold(a, (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))  # noqa: E731
    assert ag.gradcheck(fn, (x,)) and ag.gradgradcheck(fn, (x,))
    c = _x(2, 12, 21)
    fn = lambda a: F.fold(a, (5, 6), 2, padding=1, stride=(2, 1))  # noqa: E731
    assert ag.gradcheck(fn, (c,)) and ag.gradgradcheck(fn, (c,))
    assert nn.Unfold(2)(x).shape == (2, 12, 20)
    assert nn.Fold((4, 6), 2, stride=2)(_x(12, 6)).shape == (3, 4, 6)
    with pytest.raises(RuntimeError, match=r"fold: expected input \(N, C\*4, 21\)"):
        F.fold(_x(2, 12, 20), (5, 6), 2, padding=1, stride=(2, 1))
    with pytest.raises(RuntimeError, match="unfold: kernel"):
        F.unfold(x, 7)


def test_unfold_fold_match_torch():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(7).standard_normal((2, 3, 6, 7))
    r = F.unfold(ag.tensor(a), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    tr = torch.nn.functional.unfold(torch.tensor(a), (2, 3), dilation=(1, 2), padding=1,
                                    stride=(2, 1))
    assert np.array_equal(r.numpy(), tr.numpy())
    c = np.random.default_rng(8).standard_normal((2, 12, 21))
    r = F.fold(ag.tensor(c), (5, 6), 2, padding=1, stride=(2, 1))
    tr = torch.nn.functional.fold(torch.tensor(c), (5, 6), 2, padding=1, stride=(2, 1))
    assert np.allclose(r.numpy(), tr.numpy())


# ---- interpolate / Upsample --------------------------------------------------------

def test_interpolate_nearest_by_hand():
    x = ag.tensor(np.array([[[1.0, 2.0, 3.0]]]))
    assert np.array_equal(F.interpolate(x, scale_factor=2).numpy().ravel(), [1, 1, 2, 2, 3, 3])
    assert np.array_equal(F.interpolate(x, size=2).numpy().ravel(), [1, 2])  # floor(i * 1.5)
    assert np.array_equal(F.interpolate(x, size=5).numpy().ravel(), [1, 1, 2, 2, 3])


def test_interpolate_linear_by_hand():
    x = ag.tensor(np.array([[[0.0, 4.0]]]))
    # centres: src = (dst + 0.5) / 2 - 0.5 -> -0.25 (clamped to 0), 0.25, 0.75, 1.25 (->1)
    assert np.allclose(F.interpolate(x, scale_factor=2, mode="linear").numpy().ravel(),
                       [0, 1, 3, 4])
    # corners: src = dst * (2 - 1) / (4 - 1)
    assert np.allclose(F.interpolate(x, size=4, mode="linear", align_corners=True).numpy()
                       .ravel(), [0, 4 / 3, 8 / 3, 4])


def test_interpolate_bilinear_gradient_by_hand():
    x = ag.tensor(np.zeros((1, 1, 2, 2)), requires_grad=True)
    F.interpolate(x, size=(3, 3), mode="bilinear", align_corners=True).sum().backward()
    # each 3-tap axis spreads weights (1, .5+.5, 1) -> corner pixels get 1.5 * 1.5
    assert np.allclose(x.grad.numpy(), 2.25)


@pytest.mark.parametrize("shape,kw", [((1, 2, 3, 4), dict(size=(5, 7), mode="bilinear")),
                                      ((1, 2, 3, 4), dict(scale_factor=2, mode="bilinear",
                                                          align_corners=True)),
                                      ((2, 2, 5), dict(scale_factor=0.6, mode="linear")),
                                      ((1, 2, 3, 4), dict(scale_factor=(1.5, 0.5))),
                                      ((1, 1, 2, 3, 2), dict(size=(3, 4, 5)))])
def test_interpolate_gradcheck(shape, kw):
    x = _x(*shape)
    fn = lambda a: F.interpolate(a, **kw)  # noqa: E731
    assert ag.gradcheck(fn, (x,)) and ag.gradgradcheck(fn, (x,))


def test_upsample_modules_and_errors():
    x = _x(2, 3, 4, 5)
    assert nn.Upsample(scale_factor=2)(x).shape == (2, 3, 8, 10)
    assert nn.Upsample(size=(3, 3), mode="bilinear")(x).shape == (2, 3, 3, 3)
    corners = nn.UpsamplingBilinear2d(scale_factor=2)(x).detach().numpy()
    assert np.allclose(corners[..., 0, 0], x.detach().numpy()[..., 0, 0])
    assert np.allclose(corners[..., -1, -1], x.detach().numpy()[..., -1, -1])
    assert nn.UpsamplingNearest2d(size=6)(x).shape == (2, 3, 6, 6)
    with pytest.raises(ValueError, match="exactly one of size and scale_factor"):
        F.interpolate(x, size=4, scale_factor=2)
    with pytest.raises(ValueError, match="align_corners.*nearest"):
        F.interpolate(x, size=4, align_corners=True)
    with pytest.raises(NotImplementedError, match=r"'bilinear' needs a 4-D .* got shape "
                                                   r"\(2, 3, 4\)"):
        F.interpolate(_x(2, 3, 4), size=4, mode="bilinear")
    with pytest.raises(NotImplementedError, match=r"3-D, 4-D or 5-D .* got shape \(3, 4\)"):
        F.interpolate(_x(3, 4), size=4)
    with pytest.raises(NotImplementedError, match="bicubic"):
        F.interpolate(x, size=4, mode="bicubic")
    with pytest.raises(RuntimeError, match=r"size must have 2 entries"):
        F.interpolate(x, size=(1, 2, 3))
    assert x.grad is None


def test_interpolate_matches_torch():
    torch = pytest.importorskip("torch")
    cases = [((2, 3, 5, 7), dict(size=(8, 4))), ((2, 3, 5, 7), dict(scale_factor=2)),
             ((2, 3, 5, 7), dict(scale_factor=(1.7, 0.6))),
             ((2, 3, 4, 6), dict(scale_factor=1 / 3)),
             ((2, 3, 9), dict(scale_factor=2.5)), ((1, 2, 3, 4, 5), dict(size=(4, 2, 7))),
             ((2, 3, 5, 7), dict(scale_factor=1.5, recompute_scale_factor=True))]
    for shape, kw in cases:
        a = np.random.default_rng(9).standard_normal(shape)
        modes = [("nearest", None)] + {3: [("linear", False), ("linear", True)],
                                       4: [("bilinear", False), ("bilinear", True)]}.get(
                                           len(shape), [])
        for mode, ac in modes:
            x, t = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
            r = F.interpolate(x, mode=mode, align_corners=ac, **kw)
            tr = torch.nn.functional.interpolate(t, mode=mode, align_corners=ac, **kw)
            assert r.shape == tuple(tr.shape)
            assert np.allclose(r.detach().numpy(), tr.detach().numpy())
            g = np.random.default_rng(10).standard_normal(r.shape)
            (r * ag.tensor(g)).sum().backward()
            (tr * torch.tensor(g)).sum().backward()
            assert np.allclose(x.grad.numpy(), t.grad.numpy())


# ---- Conv2d padding_mode --------------------------------------------------------------

def test_conv2d_padding_modes_by_hand():
    # a kernel that picks the top-left tap shows what the padding holds
    m = nn.Conv2d(1, 1, 3, padding=1, bias=False, padding_mode="replicate", dtype=ag.float64)
    m.load_state_dict({"weight": ag.tensor(np.eye(1, 9).reshape(1, 1, 3, 3))})
    x = ag.tensor(np.arange(9.0).reshape(1, 1, 3, 3))  # out[i, j] = padded[i, j]
    assert np.array_equal(m(x).detach().numpy()[0, 0], [[0, 0, 1], [0, 0, 1], [3, 3, 4]])
    m.padding_mode = "reflect"
    assert np.array_equal(m(x).detach().numpy()[0, 0], [[4, 3, 4], [1, 0, 1], [4, 3, 4]])
    m.padding_mode = "circular"
    assert np.array_equal(m(x).detach().numpy()[0, 0], [[8, 6, 7], [2, 0, 1], [5, 3, 4]])


def test_conv2d_padding_modes_match_torch():
    torch = pytest.importorskip("torch")
    for mode in ("reflect", "replicate", "circular"):
        for pad in ((1, 2), "same"):
            t = torch.nn.Conv2d(2, 3, (3, 4), padding=pad, padding_mode=mode).double()
            m = nn.Conv2d(2, 3, (3, 4), padding=pad, padding_mode=mode, dtype=ag.float64)
            m.load_state_dict({k: ag.tensor(v.detach().numpy()) for k, v in
                               t.state_dict().items()})
            a = np.random.default_rng(11).standard_normal((2, 2, 5, 6))
            x, tx = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
            r, tr = m(x), t(tx)
            assert r.shape == tuple(tr.shape)
            assert np.allclose(r.detach().numpy(), tr.detach().numpy())
            r.sum().backward()
            tr.sum().backward()
            assert np.allclose(x.grad.numpy(), tx.grad.numpy())

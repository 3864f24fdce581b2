"""Issue 11, the 3-d convolution family: F.conv3d / nn.Conv3d, F.max_pool3d /
nn.MaxPool3d, F.avg_pool3d / nn.AvgPool3d.  Expected values are written out
or computed by a naive loop over output voxels; PyTorch 2.13 is an optional
extra oracle (values and gradients across random configurations)."""
import itertools
import math

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def _x(*shape, seed=0, grad=True):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=grad)


def naive_conv3d(x, w, b, stride, pad, dil, groups):
    """Output voxel by output voxel (float64): the definition, no windows."""
    n, c, *size = x.shape
    o, cg, *k = w.shape
    x = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in pad])
    outs = [(s + 2 * p - d * (kk - 1) - 1) // st + 1
            for s, p, d, kk, st in zip(size, pad, dil, k, stride)]
    out = np.zeros([n, o] + outs)
    og = o // groups
    for oc in range(o):
        g = oc // og
        for pos in itertools.product(*map(range, outs)):
            sl = tuple(slice(q * st, q * st + d * (kk - 1) + 1, d)
                       for q, st, d, kk in zip(pos, stride, dil, k))
            patch = x[(slice(None), slice(g * cg, (g + 1) * cg)) + sl]
            out[(slice(None), oc) + pos] = (patch * w[oc]).sum(axis=(1, 2, 3, 4))
        if b is not None:
            out[:, oc] += b[oc]
    return out


# ---- conv3d values ------------------------------------------------------

def test_conv3d_of_ones_counts_the_kernel_taps():
    out = F.conv3d(ag.ones(1, 1, 3, 3, 3), ag.ones(1, 1, 2, 2, 2))
    assert out.shape == (1, 1, 2, 2, 2)
    assert np.array_equal(out.detach().numpy(), np.full((1, 1, 2, 2, 2), 8.0, np.float32))
    assert out.dtype == np.float32


@pytest.mark.parametrize("stride,pad,dil,groups", [
    ((1, 1, 1), (0, 0, 0), (1, 1, 1), 1),
    ((2, 1, 2), (1, 0, 2), (1, 1, 1), 1),
    ((1, 2, 1), (0, 1, 1), (2, 1, 1), 2),
    ((1, 1, 1), (1, 1, 1), (1, 2, 1), 4),
])
def test_conv3d_matches_the_definition(stride, pad, dil, groups):
    x = _x(2, 4, 5, 6, 5, grad=False)
    w = _x(4, 4 // groups, 2, 3, 2, seed=1, grad=False)
    b = _x(4, seed=2, grad=False)
    out = F.conv3d(x, w, b, stride, pad, dil, groups)
    ref = naive_conv3d(x.numpy(), w.numpy(), b.numpy(), stride, pad, dil, groups)
    assert out.shape == ref.shape
    np.testing.assert_allclose(out.detach().numpy(), ref, rtol=1e-10, atol=1e-12)


def test_conv3d_int_padding_and_no_bias():
    x, w = _x(1, 2, 4, 4, 4, grad=False), _x(3, 2, 3, 3, 3, seed=1, grad=False)
    out = F.conv3d(x, w, padding=1)
    np.testing.assert_allclose(out.numpy(), naive_conv3d(x.numpy(), w.numpy(), None, (1,) * 3,
                                                         (1,) * 3, (1,) * 3, 1), rtol=1e-10)


def test_conv3d_same_padding_keeps_the_size_extra_after():
    """Kernel 2 along W: the odd total padding (1) goes after, as PyTorch."""
    x, w = _x(1, 2, 4, 5, 6, grad=False), _x(3, 2, 3, 1, 2, seed=1, grad=False)
    out = F.conv3d(x, w, padding="same")
    assert out.shape == (1, 3, 4, 5, 6)
    padded = np.pad(x.detach().numpy(), [(0, 0), (0, 0), (1, 1), (0, 0), (0, 1)])
    ref = naive_conv3d(padded, w.detach().numpy(), None, (1,) * 3, (0,) * 3, (1,) * 3, 1)
    np.testing.assert_allclose(out.detach().numpy(), ref, rtol=1e-10)
    valid = F.conv3d(x, w, padding="valid")
    assert valid.shape == (1, 3, 2, 5, 5)


def test_conv3d_unbatched_input_is_one_sample():
    x, w, b = _x(2, 4, 4, 4, grad=False), _x(3, 2, 2, 2, 2, seed=1), _x(3, seed=2)
    out = F.conv3d(x, w, b, padding=1)
    assert out.shape == (3, 5, 5, 5)
    np.testing.assert_array_equal(out.detach().numpy(), F.conv3d(x.unsqueeze(0), w, b, padding=1)
                                  .detach().numpy()[0])


def test_conv3d_gradcheck_and_gradgradcheck():
    x, w, b = _x(1, 2, 3, 4, 3), _x(2, 1, 2, 2, 2, seed=1), _x(2, seed=2)
    f = lambda x, w, b: F.conv3d(x, w, b, stride=(1, 2, 1), padding=(1, 0, 1),  # noqa: E731
                                 dilation=(1, 1, 2), groups=2)
    assert ag.gradcheck(f, (x, w, b))
    assert ag.gradgradcheck(f, (x, w, b))


def test_conv3d_same_padding_gradcheck():
    x, w = _x(1, 1, 3, 3, 4), _x(1, 1, 2, 1, 2, seed=1)
    assert ag.gradcheck(lambda x, w: F.conv3d(x, w, padding="same"), (x, w))


# ---- nn.Conv3d ----------------------------------------------------------

def test_conv3d_module_parameters_as_pytorch():
    m = nn.Conv3d(4, 6, (1, 2, 3), groups=2)
    assert m.weight.shape == (6, 2, 1, 2, 3) and m.bias.shape == (6,)
    assert list(m.state_dict()) == ["weight", "bias"]
    assert (m.kernel_size, m.stride, m.padding, m.dilation) == ((1, 2, 3), (1, 1, 1),
                                                                (0, 0, 0), (1, 1, 1))
    bound = 1 / math.sqrt(2 * 1 * 2 * 3)  # kaiming_uniform(a=sqrt(5)) and the bias share it
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(w).max() > bound / 2  # actually spread, not zeros
    assert nn.Conv3d(2, 2, 3, bias=False).bias is None


def test_conv3d_module_reprs_as_pytorch():
    assert repr(nn.Conv3d(2, 4, 3)) == "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1))"
    assert repr(nn.Conv3d(2, 4, (1, 2, 3), stride=2, padding=1)) == (
        "Conv3d(2, 4, kernel_size=(1, 2, 3), stride=(2, 2, 2), padding=(1, 1, 1))")
    assert repr(nn.Conv3d(2, 4, 3, padding="same", padding_mode="reflect", groups=2,
                          bias=False, dilation=2)) == (
        "Conv3d(2, 4, kernel_size=(3, 3, 3), stride=(1, 1, 1), padding=same, "
        "dilation=(2, 2, 2), groups=2, bias=False, padding_mode=reflect)")


def test_conv3d_module_forward_is_the_functional():
    m = nn.Conv3d(2, 3, 2, stride=(1, 2, 1), padding=1).double()
    x = _x(2, 2, 3, 4, 5, grad=False)
    want = F.conv3d(x, m.weight, m.bias, (1, 2, 1), 1)
    np.testing.assert_array_equal(m(x).detach().numpy(), want.detach().numpy())
    assert m(x[0]).shape == (3, 4, 3, 6)  # unbatched (C, D, H, W)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_conv3d_padding_modes_pad_first(mode):
    m = nn.Conv3d(1, 2, 3, padding=(1, 2, 1), padding_mode=mode).double()
    x = _x(1, 1, 3, 4, 3, grad=False)
    want = F.conv3d(F.pad(x, (1, 1, 2, 2, 1, 1), mode=mode), m.weight, m.bias)
    np.testing.assert_array_equal(m(x).detach().numpy(), want.detach().numpy())


def test_conv3d_module_gradcheck():
    m = nn.Conv3d(2, 2, 2, padding=1, padding_mode="circular").double()
    x = _x(1, 2, 2, 3, 2)
    assert ag.gradcheck(lambda x, w, b: F.conv3d(F.pad(x, (1,) * 6, mode="circular"), w, b),
                        (x, m.weight, m.bias))
    assert ag.gradcheck(lambda x: m(x), (x,))


# ---- max_pool3d ---------------------------------------------------------

def test_max_pool3d_values_and_indices_by_hand():
    x = ag.tensor(np.arange(27.0).reshape(1, 1, 3, 3, 3))
    v, i = F.max_pool3d(x, 2, stride=1, return_indices=True)
    # each 2x2x2 window's largest is its far corner: d*9 + h*3 + w + 13
    want = 13 + np.array([0, 1, 3, 4, 9, 10, 12, 13.0]).reshape(1, 1, 2, 2, 2)
    np.testing.assert_array_equal(v.detach().numpy(), want)
    np.testing.assert_array_equal(i.detach().numpy(), want.astype(np.int64))
    assert v.dtype == np.float64


def test_max_pool3d_ties_take_the_first_and_padding_never_wins():
    x = ag.tensor(-np.ones((1, 1, 2, 2, 2)), requires_grad=True)
    v, i = F.max_pool3d(x, 3, stride=2, padding=1, return_indices=True)
    assert v.shape == (1, 1, 1, 1, 1) and v.item() == -1.0 and i.detach().numpy().item() == 0
    v.sum().backward()
    want = np.zeros((1, 1, 2, 2, 2))
    want[0, 0, 0, 0, 0] = 1.0
    np.testing.assert_array_equal(x.grad.detach().numpy(), want)


def test_max_pool3d_ceil_mode_and_unbatched():
    x = _x(2, 5, 5, 4, grad=False)
    v = F.max_pool3d(x, 2, ceil_mode=True)
    assert v.shape == (2, 3, 3, 2)
    assert v.detach().numpy()[0, 2, 2, 1] == x.detach().numpy()[0, 4, 4, 2:4].max()
    assert nn.MaxPool3d(2)(x).shape == (2, 2, 2, 2)


def test_max_pool3d_gradcheck():
    x = _x(1, 2, 4, 3, 4)  # distinct random values: no ties
    f = lambda x: F.max_pool3d(x, (2, 2, 3), stride=(1, 2, 1), padding=1,  # noqa: E731
                               dilation=(1, 1, 1), ceil_mode=True)
    assert ag.gradcheck(f, (x,))
    assert ag.gradgradcheck(f, (x,))  # piecewise linear: the second derivative is exact 0


def test_max_pool3d_module_repr_keeps_the_arguments():
    assert repr(nn.MaxPool3d(2)) == ("MaxPool3d(kernel_size=2, stride=2, padding=0, "
                                     "dilation=1, ceil_mode=False)")
    assert repr(nn.MaxPool3d((2, 1, 2), stride=1, padding=(1, 0, 1), ceil_mode=True)) == (
        "MaxPool3d(kernel_size=(2, 1, 2), stride=1, padding=(1, 0, 1), dilation=1, "
        "ceil_mode=True)")


# ---- avg_pool3d ---------------------------------------------------------

def test_avg_pool3d_values_by_hand():
    x = ag.tensor(np.arange(8.0).reshape(1, 1, 2, 2, 2))
    assert F.avg_pool3d(x, 2).item() == 3.5
    # padding 1, kernel 2, stride 2: each window holds one input voxel
    full = F.avg_pool3d(x, 2, padding=1)
    np.testing.assert_array_equal(full.detach().numpy().ravel(), np.arange(8.0) / 8)
    exclude = F.avg_pool3d(x, 2, padding=1, count_include_pad=False)
    np.testing.assert_array_equal(exclude.detach().numpy().ravel(), np.arange(8.0))
    assert F.avg_pool3d(x, 2, divisor_override=2).item() == 14.0


def test_avg_pool3d_ceil_mode_divides_by_the_part_inside():
    x = ag.tensor(np.arange(27.0).reshape(1, 1, 3, 3, 3))
    out = F.avg_pool3d(x, 2, ceil_mode=True)
    assert out.shape == (1, 1, 2, 2, 2)
    assert out.detach().numpy()[0, 0, 1, 1, 1] == 26.0  # the corner window holds one voxel
    assert out.detach().numpy()[0, 0, 0, 0, 1] == np.mean([2, 5, 11, 14])


def test_avg_pool3d_gradcheck_and_gradgradcheck():
    x = _x(2, 1, 3, 4, 3)
    for kw in ({}, {"padding": 1, "count_include_pad": False, "ceil_mode": True},
               {"stride": (1, 2, 1), "divisor_override": 3}):
        f = lambda x: F.avg_pool3d(x, 2, **kw)  # noqa: E731
        assert ag.gradcheck(f, (x,)), kw
        assert ag.gradgradcheck(f, (x,)), kw


def test_avg_pool3d_module_repr_keeps_the_arguments():
    assert repr(nn.AvgPool3d(2)) == "AvgPool3d(kernel_size=2, stride=2, padding=0)"
    m = nn.AvgPool3d(3, 2, 1, ceil_mode=True, count_include_pad=False)
    assert repr(m) == "AvgPool3d(kernel_size=3, stride=2, padding=1)"
    assert (m.kernel_size, m.stride, m.ceil_mode, m.count_include_pad) == (3, 2, True, False)


# ---- misuse -------------------------------------------------------------

def test_conv3d_module_names_itself_and_the_shapes():
    m = nn.Conv3d(2, 4, 3)
    before = m.weight.detach().numpy().copy()
    with pytest.raises(ValueError, match=r"^Conv3d\(2, 4, kernel_size=\(3, 3, 3\)\) expected "
                       r"input \(N, 2, D, H, W\), got \(1, 3, 4, 4, 4\)") as info:
        m(ag.ones(1, 3, 4, 4, 4))
    assert isinstance(info.value, RuntimeError)
    with pytest.raises(ValueError, match=r"got \(2, 4, 4\)"):
        m(ag.ones(2, 4, 4))
    with pytest.raises(TypeError, match=r"^Conv3d\(2, 4, .*argument 'input' \(position 1\) "
                       r"must be Tensor, not list"):
        m([1.0])
    np.testing.assert_array_equal(m.weight.detach().numpy(), before)
    assert m.weight.grad is None


@pytest.mark.parametrize("x,w,kw,pattern", [
    ((2, 2), (1, 2, 2, 2, 2), {}, r"conv3d: expected 4-D \(C, D, H, W\) or 5-D "
                                  r"\(N, C, D, H, W\) input, got shape \(2, 2\)"),
    ((1, 2, 3, 3, 3), (1, 2, 2, 2), {}, r"conv3d: weight must be \(out_channels, "
                                        r"in_channels/groups, kD, kH, kW\), got shape"),
    ((1, 3, 3, 3, 3), (1, 2, 2, 2, 2), {}, r"conv3d: expected input \(N, 2, D, H, W\) for "
                                           r"weight of shape \(1, 2, 2, 2, 2\) and groups=1, "
                                           r"got \(1, 3, 3, 3, 3\)"),
    ((1, 1, 3, 3, 3), (1, 1, 4, 2, 2), {}, r"conv3d: kernel \(4, 2, 2\) \(dilation \(1, 1, 1\)"
                                           r"\) is larger than the padded input \(3, 3, 3\)"),
    ((1, 1, 3, 3, 3), (1, 1, 2, 2, 2), {"padding": "same", "stride": 2},
     r"conv3d: padding='same' is not supported for strided convolutions"),
    ((1, 2, 3, 3, 3), (3, 1, 2, 2, 2), {"groups": 2}, r"conv3d: groups=2 must divide "
                                                      r"out_channels=3"),
    ((1, 1, 3, 3, 3), (1, 1, 2, 2, 2), {"padding": "full"}, r"conv3d: invalid padding string "
                                                            r"'full'; use 'same', 'valid', an "
                                                            r"int or a triple of ints"),
])
def test_conv3d_refuses_with_the_shapes(x, w, kw, pattern):
    w = ag.ones(*w, requires_grad=True)
    with pytest.raises(ValueError, match=pattern) as info:
        F.conv3d(ag.ones(*x), w, **kw)
    assert isinstance(info.value, RuntimeError)
    assert w.grad is None


def test_conv3d_argument_types_are_type_errors():
    with pytest.raises(TypeError, match=r"Conv3d: kernel_size must be an int or a triple of "
                                        r"ints, got \(2, 2\)"):
        nn.Conv3d(1, 1, (2, 2))
    with pytest.raises(TypeError, match=r"conv3d: stride must be an int or a triple"):
        F.conv3d(ag.ones(1, 1, 3, 3, 3), ag.ones(1, 1, 2, 2, 2), stride=1.5)
    with pytest.raises(TypeError, match=r"conv3d: input dtype float64 does not match weight "
                                        r"dtype float32"):
        nn.Conv3d(1, 1, 2)(_x(1, 1, 3, 3, 3, grad=False))


@pytest.mark.parametrize("fn", [F.max_pool3d, F.avg_pool3d])
def test_pools_3d_refuse_with_the_shapes(fn):
    name = fn.__name__
    with pytest.raises(ValueError, match=rf"^{name}: expected input \(N, C, D, H, W\) or "
                                         r"\(C, D, H, W\), got \(3, 3\)"):
        fn(ag.ones(3, 3), 2)
    with pytest.raises(ValueError, match=rf"^{name}: kernel \(4, 4, 4\) is larger than the "
                                         r"padded input \(3, 3, 3\) \(input shape "
                                         r"\(1, 1, 3, 3, 3\)\)"):
        fn(ag.ones(1, 1, 3, 3, 3), 4)
    with pytest.raises(ValueError, match=rf"^{name}: padding \(2, 2, 2\) must be at most half "
                                         r"the kernel size \(2, 2, 2\)"):
        fn(ag.ones(1, 1, 3, 3, 3), 2, padding=2)
    with pytest.raises(TypeError, match=rf"^{name}: argument 'input' \(position 1\) must be "
                                        "Tensor, not ndarray"):
        fn(np.ones((1, 1, 3, 3, 3)), 2)


def test_pool_modules_refuse_bad_arguments_at_construction():
    with pytest.raises(ValueError, match=r"MaxPool3d: padding \(2, 2, 2\) must be at most half"):
        nn.MaxPool3d(2, padding=2)
    with pytest.raises(TypeError, match=r"AvgPool3d: kernel_size must be an int or a triple"):
        nn.AvgPool3d((2, 2))
    with pytest.raises(TypeError, match=r"avg_pool3d: input must be floating-point, got dtype "
                                        r"int64"):
        nn.AvgPool3d(2)(ag.tensor(np.ones((1, 1, 2, 2, 2), np.int64)))


# ---- PyTorch oracle -----------------------------------------------------

def _compare(ours, theirs, inputs, t_inputs, rtol=1e-9, atol=1e-11):
    """Values and input gradients (float64) of ours vs PyTorch's."""
    out, t_out = ours(*inputs), theirs(*t_inputs)
    np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy(), rtol=rtol, atol=atol)
    g = np.random.default_rng(9).standard_normal(out.shape)
    out.backward(ag.tensor(g))
    t_out.backward(__import__("torch").tensor(g))
    for a, t in zip(inputs, t_inputs):
        if a is not None and a.requires_grad:
            np.testing.assert_allclose(a.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)


def _pair(shape, seed, grad=True):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(seed).standard_normal(shape)
    return (ag.tensor(a, requires_grad=grad),
            torch.tensor(a, requires_grad=grad))


@pytest.mark.parametrize("seed", range(12))
def test_conv3d_matches_pytorch_random_configurations(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(100 + seed)
    groups = int(rng.choice([1, 2]))
    c, o = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
    k = tuple(int(v) for v in rng.integers(1, 4, 3))
    dil = tuple(int(v) for v in rng.integers(1, 3, 3))
    same = seed % 4 == 0
    stride = (1, 1, 1) if same else tuple(int(v) for v in rng.integers(1, 3, 3))
    pad = "same" if same else tuple(int(v) for v in rng.integers(0, 3, 3))
    size = tuple(d * (kk - 1) + 1 + int(rng.integers(0, 3)) for d, kk in zip(dil, k))
    lead = () if seed % 3 == 0 else (2,)
    x, tx = _pair(lead + (c,) + size, seed)
    w, tw = _pair((o, c // groups) + k, seed + 50)
    b, tb = _pair((o,), seed + 70)
    _compare(lambda x, w, b: F.conv3d(x, w, b, stride, pad, dil, groups),
             lambda x, w, b: torch.nn.functional.conv3d(x, w, b, stride, pad, dil, groups),
             (x, w, b), (tx, tw, tb))


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv3d_module_state_dict_moves_to_pytorch(mode):
    torch = pytest.importorskip("torch")
    m = nn.Conv3d(2, 4, (3, 2, 3), stride=(1, 2, 1), padding=(1, 1, 2), padding_mode=mode,
                  groups=2).double()
    t = torch.nn.Conv3d(2, 4, (3, 2, 3), stride=(1, 2, 1), padding=(1, 1, 2),
                        padding_mode=mode, groups=2).double()
    t.load_state_dict({k: torch.tensor(v.detach().numpy()) for k, v in m.state_dict().items()})
    assert repr(m) == repr(t)
    x, tx = _pair((2, 2, 4, 5, 4), 3)
    _compare(lambda x: m(x), lambda x: t(x), (x,), (tx,))
    np.testing.assert_allclose(m.weight.grad.numpy(), t.weight.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(m.bias.grad.numpy(), t.bias.grad.numpy(), rtol=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_pools_3d_match_pytorch_random_configurations(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(200 + seed)
    k = tuple(int(v) for v in rng.integers(1, 4, 3))
    stride = tuple(int(v) for v in rng.integers(1, 4, 3))
    pad = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)
    dil = tuple(int(v) for v in rng.integers(1, 3, 3))
    ceil = bool(rng.integers(0, 2))
    size = tuple(d * (kk - 1) + 1 + int(rng.integers(0, 4)) for d, kk in zip(dil, k))
    lead = (3,) if seed % 3 == 0 else (2, 2)
    x, tx = _pair(lead + size, seed)
    v, i = F.max_pool3d(x, k, stride, pad, dil, ceil, return_indices=True)
    tv, ti = torch.nn.functional.max_pool3d(tx, k, stride, pad, dil, ceil, return_indices=True)
    np.testing.assert_array_equal(i.detach().numpy(), ti.detach().numpy())
    _compare(lambda x: F.max_pool3d(x, k, stride, pad, dil, ceil),
             lambda x: torch.nn.functional.max_pool3d(x, k, stride, pad, dil, ceil),
             (x,), (tx,))
    include = bool(rng.integers(0, 2))
    divisor = None if seed % 4 else int(rng.integers(1, 5))
    x, tx = _pair(lead + size, seed + 1)
    _compare(lambda x: F.avg_pool3d(x, k, stride, pad, ceil, include, divisor),
             lambda x: torch.nn.functional.avg_pool3d(x, k, stride, pad, ceil, include,
                                                      divisor),
             (x,), (tx,))


def test_max_pool3d_nan_rule_matches_pytorch():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(4).standard_normal((1, 2, 4, 4, 4))
    a[0, 0, 1, 1, 1] = a[0, 0, 0, 0, 1] = a[0, 1, 3, 2, 2] = np.nan
    v, i = F.max_pool3d(ag.tensor(a), 2, return_indices=True)
    tv, ti = torch.nn.functional.max_pool3d(torch.tensor(a), 2, return_indices=True)
    np.testing.assert_array_equal(i.detach().numpy(), ti.detach().numpy())
    np.testing.assert_array_equal(v.detach().numpy(), tv.detach().numpy())


# ---- LazyConv3d ---------------------------------------------------------

def test_lazy_conv3d_reads_in_channels_from_the_first_input():
    m = nn.LazyConv3d(4, (1, 2, 3), padding=1, groups=2)
    params = list(m.parameters())  # an optimizer built now still trains them
    out = m(ag.ones(2, 6, 3, 3, 3))
    assert type(m) is nn.Conv3d and m.in_channels == 6
    assert m.weight.shape == (4, 3, 1, 2, 3) and out.shape == (2, 4, 5, 4, 3)
    assert params[0] is m.weight and params[1] is m.bias
    bound = 1 / math.sqrt(3 * 1 * 2 * 3)
    assert 0 < np.abs(m.weight.detach().numpy()).max() <= bound
    unbatched = nn.LazyConv3d(2, 2)
    assert unbatched(ag.ones(3, 2, 2, 2)).shape == (2, 1, 1, 1) and unbatched.in_channels == 3


def test_lazy_conv3d_refuses_a_rank_it_cannot_read():
    m = nn.LazyConv3d(2, 3)
    with pytest.raises(ValueError, match=r"LazyConv3d: cannot infer in_channels; expected input "
                                         r"\(N, C, D, H, W\) or \(C, D, H, W\), got \(2, 4, 4\)"):
        m(ag.ones(2, 4, 4))
    assert type(m) is nn.LazyConv3d and m.has_uninitialized_params()

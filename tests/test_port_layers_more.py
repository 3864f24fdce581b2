"""Layers and functions a port reaches for: ParameterList/ParameterDict,
padding modules, PixelShuffle/PixelUnshuffle, RMSNorm, shrink/threshold
activations, softmin, Softmax2d, RReLU and F's in-place forms."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd.errors import ArgumentError, DTypeError


def rand(*shape, seed=0, grad=True):
    x = np.random.default_rng(seed).normal(size=shape)
    return ag.tensor(x, requires_grad=grad)


# ------------------------------------------------------- parameter containers
def test_parameter_list_registers_and_trains():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.ws = nn.ParameterList([nn.Parameter(ag.ones(2)), ag.zeros(2)])

        def forward(self, x):
            return sum((w * x).sum() for w in self.ws)

    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["ws.0", "ws.1"]
    assert isinstance(net.ws[1], nn.Parameter) and net.ws[1].requires_grad
    assert list(net.state_dict()) == ["ws.0", "ws.1"]
    net.ws.append(ag.ones(2))
    assert len(net.ws) == 3 and net.ws[-1] is list(net.parameters())[-1]
    opt = optim.SGD(net.parameters(), lr=0.5)
    net(ag.ones(2)).backward()
    opt.step()
    np.testing.assert_array_equal(net.ws[1].detach().numpy(), [-0.5, -0.5])
    assert len(net.ws[0:2]) == 2


def test_parameter_dict_and_refusals_change_nothing():
    pd = nn.ParameterDict({"a": ag.ones(2)})
    pd["b"] = nn.Parameter(ag.zeros(3))
    assert list(pd.keys()) == ["a", "b"] and "b" in pd and len(pd) == 2
    assert [n for n, _ in pd.named_parameters()] == ["a", "b"]
    assert pd.pop("a").shape == (2,) and list(pd) == ["b"]
    with pytest.raises(DTypeError, match=r"ParameterDict\['d'\]: .*floating-point.*int64"):
        pd.update({"c": ag.ones(1), "d": ag.tensor([1, 2])})
    assert list(pd) == ["b"]                       # the good item was not added either
    pl = nn.ParameterList([ag.ones(1)])
    with pytest.raises(TypeError, match="expected a Tensor or Parameter, got list"):
        pl.extend([ag.ones(1), [1.0]])
    assert len(pl) == 1
    with pytest.raises(KeyError, match="has no parameter 'zz'"):
        pd["zz"]


# ------------------------------------------------------------------ padding
PADS = [("ZeroPad2d", (1, 2, 0, 1), "constant", (2, 3, 4)),
        ("ConstantPad1d", 2, "constant", (2, 3, 4)),
        ("ReflectionPad1d", (2, 1), "reflect", (2, 3, 4)),
        ("ReflectionPad2d", 1, "reflect", (1, 2, 3, 4)),
        ("ReplicationPad2d", (0, 2, 1, 1), "replicate", (2, 3, 4)),
        ("ReplicationPad3d", 1, "replicate", (1, 2, 2, 3, 3)),
        ("CircularPad1d", (1, 2), "circular", (2, 3, 4)),
        ("ZeroPad3d", 1, "constant", (2, 2, 2, 2))]


@pytest.mark.parametrize("name,padding,mode,shape", PADS)
def test_padding_modules_are_f_pad(name, padding, mode, shape):
    cls = getattr(nn, name)
    layer = cls(padding, 0.5) if name.startswith("Constant") else cls(padding)
    x = rand(*shape)
    dims = int(name[-2])
    pads = (padding,) * (2 * dims) if isinstance(padding, int) else padding
    value = 0.5 if name.startswith("Constant") else 0.0
    expected = ag.pad(x, pads, mode, value) if mode == "constant" else ag.pad(x, pads, mode)
    np.testing.assert_array_equal(layer(x).detach().numpy(), expected.detach().numpy())
    assert ag.gradcheck(layer, (x,))


def test_padding_module_refusals():
    with pytest.raises(ArgumentError, match=r"ReflectionPad2d: expected a 3-D or 4-D input, "
                                            r"got shape \(2, 2\)"):
        nn.ReflectionPad2d(1)(ag.ones(2, 2))
    with pytest.raises(ArgumentError, match="padding must be an int or a tuple of 4 ints"):
        nn.ZeroPad2d((1, 2))


# ------------------------------------------------------------ pixel shuffle
def test_pixel_shuffle_round_trip_and_layout():
    x = rand(2, 8, 3, 5)
    y = F.pixel_shuffle(x, 2)
    assert y.shape == (2, 2, 6, 10)
    # output (c, h*r + i, w*r + j) is input channel c*r*r + i*r + j at (h, w)
    xn, yn = x.detach().numpy(), y.detach().numpy()
    assert yn[1, 1, 2 * 2 + 1, 3 * 2 + 0] == xn[1, 1 * 4 + 1 * 2 + 0, 2, 3]
    np.testing.assert_array_equal(F.pixel_unshuffle(y, 2).detach().numpy(), xn)
    assert ag.gradcheck(lambda t: F.pixel_shuffle(t, 2), (rand(1, 4, 2, 2),))
    with pytest.raises(ArgumentError, match=r"channel count 6 .* divisible by "
                                            r"upscale_factor\^2 = 4"):
        F.pixel_shuffle(ag.ones(1, 6, 2, 2), 2)
    with pytest.raises(ArgumentError, match="height 3 and width 4"):
        nn.PixelUnshuffle(2)(ag.ones(1, 1, 3, 4))


# ------------------------------------------------------------------ RMSNorm
def test_rms_norm_values_gradients_and_eps():
    x = rand(3, 4, 5)
    w = rand(4, 5, seed=1)
    out = F.rms_norm(x, (4, 5), w, eps=1e-6).detach().numpy()
    xn = x.detach().numpy()
    rms = np.sqrt((xn ** 2).mean(axis=(1, 2), keepdims=True) + 1e-6)
    np.testing.assert_allclose(out, xn / rms * w.detach().numpy(), rtol=1e-12)
    assert ag.gradcheck(lambda a, b: F.rms_norm(a, (5,), b[0]), (x, w))
    assert ag.gradgradcheck(lambda a: F.rms_norm(a, (4, 5)), (x,))
    layer = nn.RMSNorm(5)
    assert layer.weight.shape == (5,) and repr(layer) == \
        "RMSNorm((5,), eps=None, elementwise_affine=True)"
    z = ag.zeros(2, 5)                            # eps=None: the dtype's epsilon keeps it finite
    assert np.all(np.isfinite(layer(z).detach().numpy()))
    with pytest.raises(ArgumentError, match=r"normalized_shape=\[4\] expects input of shape "
                                            r"\(\*, 4\), got \(3, 4, 5\)"):
        F.rms_norm(x, 4)


# -------------------------------------------------------------- activations
@pytest.mark.parametrize("fn", [F.hardshrink, lambda t: F.softshrink(t, 0.3), F.tanhshrink,
                                lambda t: F.threshold(t, 0.2, -3.0),
                                lambda t: F.softmin(t, -1)])
def test_activations_gradcheck(fn):
    x = rand(3, 5)
    assert ag.gradcheck(fn, (x,))
    assert ag.gradgradcheck(fn, (x,))


def test_shrink_and_threshold_values_at_the_edges():
    x = ag.tensor([-1.0, -0.5, 0.0, 0.5, 1.0], dtype=ag.float64, requires_grad=True)
    np.testing.assert_array_equal(F.hardshrink(x).detach().numpy(), [-1, 0, 0, 0, 1])
    np.testing.assert_array_equal(F.softshrink(x).detach().numpy(), [-0.5, 0, 0, 0, 0.5])
    y = F.threshold(x, 0.5, 9.0)
    np.testing.assert_array_equal(y.detach().numpy(), [9, 9, 9, 9, 1])
    g, = ag.grad(y.sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.detach().numpy(), [0, 0, 0, 0, 1])
    gg, = ag.grad(g.sum(), x)                        # connected, zero (as PyTorch)
    np.testing.assert_array_equal(gg.numpy(), np.zeros(5))
    ints = F.threshold(ag.tensor([1, 2]), 1, 5)
    assert ints.dtype == np.int64 and ints.tolist() == [5, 2]
    with pytest.raises(ArgumentError, match="softshrink: lambd must be non-negative"):
        F.softshrink(x, -1.0)
    with pytest.raises(DTypeError, match="hardshrink"):
        F.hardshrink(ag.tensor([1, 2]))


def test_softmax2d_rrelu_and_in_place_forms():
    x = rand(2, 3, 4, 4, grad=False)
    np.testing.assert_allclose(nn.Softmax2d()(x).numpy().sum(axis=1), np.ones((2, 4, 4)))
    with pytest.raises(ArgumentError, match="Softmax2d: expected a 3-D or 4-D input"):
        nn.Softmax2d()(ag.ones(2, 3))
    layer = nn.RReLU(0.1, 0.3)
    ag.manual_seed(0)
    neg = -ag.ones(20000, dtype=ag.float64)
    slopes = -layer(neg).numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and abs(slopes.mean() - 0.2) < 0.005
    layer.eval()
    np.testing.assert_allclose(layer(ag.tensor([-1.0, 2.0])).numpy(), [-0.2, 2.0])
    t = ag.tensor([-1.0, 2.0])
    assert F.relu_(t) is t and t.tolist() == [0.0, 2.0]
    t = ag.tensor([-1.0, 2.0])
    F.threshold_(t, 1.5, 7.0)
    assert t.tolist() == [7.0, 2.0]


def test_agree_with_pytorch():
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    x = np.random.default_rng(3).normal(size=(2, 8, 3, 4))
    cases = [(F.hardshrink, tF.hardshrink), (lambda t: F.softshrink(t, 0.3),
                                             lambda t: tF.softshrink(t, 0.3)),
             (F.tanhshrink, tF.tanhshrink), (lambda t: F.threshold(t, 0.1, 2.0),
                                             lambda t: tF.threshold(t, 0.1, 2.0)),
             (lambda t: F.softmin(t, 1), lambda t: tF.softmin(t, 1)),
             (lambda t: F.pixel_shuffle(t, 2), lambda t: tF.pixel_shuffle(t, 2)),
             (lambda t: F.pixel_unshuffle(t, 1), lambda t: tF.pixel_unshuffle(t, 1)),
             (lambda t: F.rms_norm(t, (3, 4)), lambda t: tF.rms_norm(t, (3, 4))),
             (nn.ReflectionPad2d((1, 2, 2, 1)), torch.nn.ReflectionPad2d((1, 2, 2, 1))),
             (nn.ReplicationPad3d(2), torch.nn.ReplicationPad3d(2))]
    for ours_fn, theirs_fn in cases:
        ours, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        a, b = ours_fn(ours), theirs_fn(theirs)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12,
                                   atol=1e-14)
        (a ** 2).sum().backward()
        (b ** 2).sum().backward()
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10,
                                   atol=1e-12)
    for name, args in [("ZeroPad2d", (1,)), ("ConstantPad1d", ((1, 2), 3.5)),
                       ("ReflectionPad2d", (2,)), ("PixelShuffle", (2,)),
                       ("RMSNorm", ([2, 3],)), ("Softmin", (1,)), ("Hardshrink", ()),
                       ("Threshold", (0.1, 20.0)), ("Softshrink", (0.3,)),
                       ("Tanhshrink", ()), ("Softmax2d", ()), ("RReLU", ())]:
        assert repr(getattr(nn, name)(*args)) == repr(getattr(torch.nn, name)(*args)), name

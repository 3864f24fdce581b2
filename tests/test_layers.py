"""Linear, Conv2d, pooling and BatchNorm: values by hand, gradcheck and
gradgradcheck in float64 across configurations, errors, and (optionally)
PyTorch as an oracle."""
import math

import numpy as np
import pytest

import autograd as ag
from nn.layers.batchnorm import BatchNorm1d, BatchNorm2d, batch_norm
from nn.layers.conv import Conv2d, conv2d
from nn.layers.linear import Linear, linear
from nn.layers.pooling import AvgPool2d, MaxPool2d, avg_pool2d, max_pool2d


def f64(*shape, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return ag.tensor(rng.standard_normal(shape) * scale, requires_grad=True)


def naive_conv(x, w, b, stride, padding, dilation, groups):
    """Direct loops: the definition, for small inputs."""
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, o, oh, ow))
    og = o // groups
    for oc in range(o):
        g = oc // og
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg, i * sh:i * sh + dh * (kh - 1) + 1:dh,
                           j * sw:j * sw + dw * (kw - 1) + 1:dw]
                out[:, oc, i, j] = (patch * w[oc]).sum(axis=(1, 2, 3))
    if b is not None:
        out += b[None, :, None, None]
    return out


CONV_CONFIGS = [
    # (N, C, H, W, O, kernel, stride, padding, dilation, groups)
    (2, 3, 6, 5, 4, 3, 1, 0, 1, 1),
    (1, 2, 7, 7, 2, 3, 2, 1, 1, 1),
    (2, 4, 8, 6, 6, (3, 2), (2, 1), (1, 0), (2, 1), 2),
    (1, 4, 5, 5, 4, 1, 1, 0, 1, 4),  # depthwise 1x1
    (1, 1, 5, 5, 2, 5, 1, 2, 1, 1),
]


def _pairs(*vals):
    return [v if isinstance(v, tuple) else (v, v) for v in vals]


@pytest.mark.parametrize("cfg", CONV_CONFIGS)
def test_conv2d_matches_the_definition(cfg):
    n, c, h, w, o, k, s, p, d, g = cfg
    k, s, p, d = _pairs(k, s, p, d)
    x, wt, b = f64(n, c, h, w), f64(o, c // g, *k, seed=1), f64(o, seed=2)
    out = conv2d(x, wt, b, s, p, d, g)
    ref = naive_conv(x.data, wt.data, b.data, s, p, d, g)
    assert np.allclose(out.data, ref)


@pytest.mark.parametrize("cfg", CONV_CONFIGS)
def test_conv2d_gradcheck_and_gradgradcheck(cfg):
    n, c, h, w, o, k, s, p, d, g = cfg
    x, wt, b = f64(1, c, h, w), f64(o, c // g, *_pairs(k)[0], seed=1), f64(o, seed=2)
    fn = lambda x, wt, b: conv2d(x, wt, b, s, p, d, g)  # noqa: E731
    assert ag.gradcheck(fn, (x, wt, b))
    assert ag.gradgradcheck(fn, (x, wt, b))


def test_conv2d_unbatched_input():
    x, wt = f64(2, 5, 5), f64(3, 2, 3, 3, seed=1)
    out = conv2d(x, wt, padding=1)
    assert out.shape == (3, 5, 5)
    assert np.allclose(out.data, conv2d(x.unsqueeze(0), wt, padding=1).data[0])


def test_conv2d_module_init_and_shapes():
    ag.manual_seed(0)
    m = Conv2d(3, 8, (5, 3), stride=2, padding=(2, 1), bias=True)
    assert m.weight.shape == (8, 3, 5, 3) and m.bias.shape == (8,)
    fan_in = 3 * 5 * 3
    bound = 1 / math.sqrt(fan_in)  # kaiming-uniform with a=sqrt(5) gives U(+-1/sqrt(fan_in))
    assert np.abs(m.weight.data).max() <= bound + 1e-7
    assert np.abs(m.weight.data).max() > 0.8 * bound
    assert np.abs(m.bias.data).max() <= bound + 1e-7
    assert m(ag.randn(2, 3, 9, 7)).shape == (2, 8, 5, 4)
    assert m.weight.dtype == np.float32


def test_conv2d_errors_name_the_layer_and_shapes():
    m = Conv2d(3, 8, 3)
    with pytest.raises(ValueError, match=r"Conv2d\(3, 8.*expected input \(N, 3, H, W\), got \(2, 1, 28, 28\)"):
        m(ag.randn(2, 1, 28, 28))
    with pytest.raises(ValueError, match=r"kernel .*larger than the padded input"):
        conv2d(ag.randn(1, 1, 2, 2), ag.randn(1, 1, 3, 3))
    with pytest.raises(ValueError, match="groups"):
        Conv2d(3, 8, 3, groups=2)
    with pytest.raises(ValueError, match="stride must be >= 1"):
        Conv2d(3, 8, 3, stride=0)


def naive_pool(x, k, s, p, op, pad_value):
    n, c, h, w = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=pad_value)
    oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = op(xp[:, :, i * s:i * s + k, j * s:j * s + k], axis=(2, 3))
    return out


@pytest.mark.parametrize("k,s,p", [(2, 2, 0), (3, 2, 1), (3, 1, 1), (2, 1, 0)])
def test_pooling_matches_the_definition(k, s, p):
    x = f64(2, 3, 7, 6)
    assert np.allclose(max_pool2d(x, k, s, p).data, naive_pool(x.data, k, s, p, np.max, -np.inf))
    assert np.allclose(avg_pool2d(x, k, s, p).data, naive_pool(x.data, k, s, p, np.mean, 0.0))


@pytest.mark.parametrize("k,s,p", [(2, None, 0), (3, 2, 1), ((3, 2), (1, 2), (1, 1))])
def test_pooling_gradcheck(k, s, p):
    x = f64(1, 2, 6, 5)  # distinct random values: no ties
    assert ag.gradcheck(lambda a: max_pool2d(a, k, s, p), (x,))
    assert ag.gradcheck(lambda a: avg_pool2d(a, k, s, p), (x,))
    assert ag.gradcheck(lambda a: avg_pool2d(a, k, s, p, count_include_pad=False), (x,))
    assert ag.gradgradcheck(lambda a: avg_pool2d(a, k, s, p), (x,))


def test_max_pool_ties_route_to_one_winner():
    x = ag.tensor(np.ones((1, 1, 4, 4)), requires_grad=True)
    max_pool2d(x, 2).sum().backward()
    g = x.grad.numpy()[0, 0]
    assert g.sum() == 4.0
    for i in range(0, 4, 2):
        for j in range(0, 4, 2):
            assert g[i:i + 2, j:j + 2].sum() == 1.0


def test_overlapping_max_pool_accumulates_gradient():
    x = ag.tensor(np.array([[[[0., 9., 0.], [0., 0., 0.], [0., 0., 0.]]]]), requires_grad=True)
    max_pool2d(x, 2, stride=1).sum().backward()
    assert x.grad.numpy()[0, 0, 0, 1] == 2.0  # the 9 wins two windows


def test_pool_modules_and_errors():
    assert MaxPool2d(2)(ag.randn(1, 3, 8, 8)).shape == (1, 3, 4, 4)
    assert AvgPool2d(3, stride=1, padding=1)(ag.randn(3, 8, 8)).shape == (3, 8, 8)
    with pytest.raises(ValueError, match="larger than the padded input"):
        max_pool2d(ag.randn(1, 1, 2, 2), 3)
    with pytest.raises(ValueError, match="at most half the kernel"):
        MaxPool2d(2, padding=2)
    with pytest.raises(ValueError, match=r"expected input \(N, C, H, W\)"):
        max_pool2d(ag.randn(4, 4), 2)


def test_linear_values_init_and_errors():
    ag.manual_seed(1)
    m = Linear(5, 3)
    assert m.weight.shape == (3, 5) and m.bias.shape == (3,)
    assert np.abs(m.weight.data).max() <= 1 / math.sqrt(5) + 1e-7
    x = ag.randn(4, 5)
    assert np.allclose(m(x).data, x.numpy() @ m.weight.data.T + m.bias.data, atol=1e-6)
    assert m(ag.randn(2, 7, 5)).shape == (2, 7, 3)
    with pytest.raises(ValueError, match=r"Linear\(5, 3\) expected input \(\*, 5\), got \(4, 6\)"):
        m(ag.randn(4, 6))
    assert Linear(5, 3, bias=False).bias is None


def test_linear_gradcheck():
    x, w, b = f64(4, 5), f64(3, 5, seed=1), f64(3, seed=2)
    assert ag.gradcheck(linear, (x, w, b))
    assert ag.gradgradcheck(linear, (x, w, b))


def test_batchnorm_training_uses_biased_batch_variance_and_unbiased_running_var():
    x = np.random.default_rng(0).standard_normal((6, 3)) * 2 + 1
    bn = BatchNorm1d(3).double()
    y = bn(ag.tensor(x)).data
    expected = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    assert np.allclose(y, expected)
    assert np.allclose(bn.running_mean.numpy(), 0.1 * x.mean(0))
    assert np.allclose(bn.running_var.numpy(), 0.9 + 0.1 * x.var(0, ddof=1))
    assert bn.num_batches_tracked.item() == 1
    bn.eval()
    y_eval = bn(ag.tensor(x)).data
    expected_eval = (x - bn.running_mean.numpy()) / np.sqrt(bn.running_var.numpy() + 1e-5)
    assert np.allclose(y_eval, expected_eval)
    assert bn.num_batches_tracked.item() == 1  # eval does not count


def test_batchnorm2d_normalizes_per_channel_and_keeps_float32():
    bn = BatchNorm2d(4)
    x = ag.randn(5, 4, 3, 3) * 3 + 2
    y = bn(x)
    assert y.dtype == np.float32 and bn.running_var.dtype == np.float32
    yd = y.detach().numpy()
    assert np.allclose(yd.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    assert np.allclose(yd.var(axis=(0, 2, 3)), 1, atol=1e-3)


@pytest.mark.parametrize("cls,shape", [(BatchNorm1d, (5, 3)), (BatchNorm1d, (4, 3, 2)),
                                       (BatchNorm2d, (3, 3, 2, 2))])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_gradcheck_train_and_eval(cls, shape, training):
    bn = cls(3).double()
    with ag.no_grad():
        bn.weight.data = np.array([1.5, -0.5, 2.0])
        bn.bias.data = np.array([0.1, 0.2, -0.3])
        bn.running_mean.data = np.array([0.2, -0.1, 0.3])
        bn.running_var.data = np.array([1.5, 0.7, 2.0])
    bn.train(training)
    x = f64(*shape, scale=2.0)

    def fn(a, w, b):
        return batch_norm(a, bn.running_mean, bn.running_var, w, b, training)
    assert ag.gradcheck(fn, (x, bn.weight, bn.bias))
    assert ag.gradgradcheck(fn, (x, bn.weight, bn.bias))
    assert ag.gradcheck(lambda a: bn(a), (x,))


def test_batchnorm_errors_and_momentum_none():
    bn = BatchNorm2d(3)
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\) expected input \(N, 3, H, W\), got \(2, 4, 5, 5\)"):
        bn(ag.randn(2, 4, 5, 5))
    with pytest.raises(ValueError, match="more than one value per channel"):
        BatchNorm1d(3)(ag.randn(1, 3))
    cma = BatchNorm1d(2, momentum=None).double()
    xs = [np.random.default_rng(i).standard_normal((4, 2)) for i in range(3)]
    for x in xs:
        cma(ag.tensor(x))
    assert np.allclose(cma.running_mean.numpy(), np.mean([x.mean(0) for x in xs], axis=0))


def test_layers_against_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 9, 8))
    w = rng.standard_normal((6, 2, 3, 3))
    b = rng.standard_normal(6)
    X, W, B = (ag.tensor(v, requires_grad=True) for v in (x, w, b))
    tX, tW, tB = (torch.tensor(v, requires_grad=True) for v in (x, w, b))
    out = max_pool2d(conv2d(X, W, B, 2, 1, 1, 2).relu(), 2, 1, 1)
    tout = torch.nn.functional.max_pool2d(
        torch.nn.functional.conv2d(tX, tW, tB, 2, 1, 1, 2).relu(), 2, 1, 1)
    g = rng.standard_normal(tout.shape)
    out.backward(ag.tensor(g))
    tout.backward(torch.tensor(g))
    assert np.allclose(out.data, tout.detach().numpy())
    for ours, theirs in ((X, tX), (W, tW), (B, tB)):
        assert np.allclose(ours.grad.numpy(), theirs.grad.numpy())


@pytest.mark.parametrize("k,s,p", [(2, None, 0), (3, 1, 1)])  # disjoint and overlapping windows
def test_max_pool_gradgradcheck(k, s, p):
    x = f64(1, 2, 5, 5)
    assert ag.gradgradcheck(lambda a: max_pool2d(a, k, s, p), (x,))


def test_max_pool_return_indices_are_flat_positions_in_the_input_plane():
    x = ag.tensor(np.array([[[[1., 5., 2., 0.], [3., 4., 9., 8.], [7., 6., 1., 2.], [0., 1., 3., 4.]]]]))
    values, indices = max_pool2d(x, 2, return_indices=True)
    assert np.array_equal(values.numpy()[0, 0], [[5., 9.], [7., 4.]])
    assert np.array_equal(indices.numpy()[0, 0], [[1, 6], [8, 15]])


def test_pooling_against_pytorch_including_overlap_and_indices():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 9, 7))
    for k, s, p, d in ((3, 1, 1, 1), (3, 2, 1, 1), (2, 2, 0, 2), ((3, 2), (2, 1), (1, 1), 1)):
        X, tX = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        v, i = max_pool2d(X, k, s, p, d, return_indices=True)
        tv, ti = torch.nn.functional.max_pool2d(tX, k, s, p, d, return_indices=True)
        g = rng.standard_normal(tv.shape)
        v.backward(ag.tensor(g))
        tv.backward(torch.tensor(g))
        assert np.allclose(v.data, tv.detach().numpy())
        assert np.array_equal(i.numpy(), ti.numpy())
        assert np.allclose(X.grad.numpy(), tX.grad.numpy())

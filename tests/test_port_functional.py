"""Issue 11, activations and functional: silu ... logsigmoid, prelu, glu,
one_hot, normalize, cosine_similarity, pairwise_distance and the dropout
variants -- values written down, gradients at PyTorch's kinks, gradcheck
and gradgradcheck in float64 away from kinks, errors, module reprs, and
PyTorch 2.13 as an optional oracle."""
import math
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

from helpers import away_from_zero, check_grad, check_gradgrad

SMOOTH = ["silu", "mish", "softsign", "logsigmoid", "selu", "celu"]
PIECEWISE = ["hardtanh", "relu6", "hardsigmoid", "hardswish"]
KINKS = np.array([-3.0, -1.0, 0.0, 1.0, 3.0, 6.0])


def _leaf(values):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def _value_and_grad(fn, values, **kw):
    x = _leaf(values)
    y = fn(x, **kw)
    y.sum().backward()
    return y.detach().numpy(), x.grad.detach().numpy()


# ------------------------------------------------------------ activations
def test_activation_values_by_hand():
    x = np.array([-2.0, -0.5, 0.0, 1.5, 4.0])
    sig = 1 / (1 + np.exp(-x))
    sp = np.log1p(np.exp(x))
    t = ag.tensor(x)
    assert F.silu(t).detach().numpy() == pytest.approx(x * sig)
    assert F.mish(t).detach().numpy() == pytest.approx(x * np.tanh(sp))
    assert F.softsign(t).detach().numpy() == pytest.approx(x / (1 + np.abs(x)))
    assert F.logsigmoid(t).detach().numpy() == pytest.approx(np.log(sig))
    assert F.hardtanh(t).detach().numpy() == pytest.approx(np.clip(x, -1, 1))
    assert F.hardtanh(t, -0.4, 2.0).detach().numpy() == pytest.approx(np.clip(x, -0.4, 2))
    assert F.relu6(ag.tensor(x * 2)).detach().numpy() == pytest.approx(np.clip(2 * x, 0, 6))
    assert F.hardsigmoid(t).detach().numpy() == pytest.approx(np.clip(x + 3, 0, 6) / 6)
    assert F.hardswish(t).detach().numpy() == pytest.approx(x * np.clip(x + 3, 0, 6) / 6)
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    assert F.selu(t).detach().numpy() == pytest.approx(scale * np.where(x > 0, x, alpha * np.expm1(x)))
    assert F.celu(t, alpha=2.0).detach().numpy() == pytest.approx(np.where(x > 0, x, 2 * np.expm1(x / 2)))


def test_gradients_at_kinks_follow_pytorch():
    """PyTorch's subgradients at the exact kinks (checked against 2.13)."""
    _, g = _value_and_grad(F.hardtanh, KINKS)
    assert g.tolist() == [0, 0, 1, 0, 0, 0]              # strictly inside only
    _, g = _value_and_grad(F.relu6, KINKS)
    assert g.tolist() == [0, 0, 0, 1, 1, 0]              # 0 at both 0 and 6
    _, g = _value_and_grad(F.hardsigmoid, KINKS)
    assert g == pytest.approx([0, 1 / 6, 1 / 6, 1 / 6, 0, 0])
    y, g = _value_and_grad(F.hardswish, KINKS)
    assert g == pytest.approx([0, 1 / 6, 0.5, 5 / 6, 1, 1])   # 0 at -3, 1 at 3
    assert y == pytest.approx([0, -1 / 3, 0, 2 / 3, 3, 6])
    _, g = _value_and_grad(F.softsign, [0.0])
    assert g.tolist() == [1.0]
    _, g = _value_and_grad(F.logsigmoid, [0.0])
    assert g.tolist() == [0.5]


def test_logsigmoid_and_mish_are_finite_far_out():
    x = ag.tensor(np.array([-1000.0, 1000.0]))
    assert F.logsigmoid(x).detach().numpy().tolist() == [-1000.0, 0.0]
    assert F.mish(x).detach().numpy().tolist() == [0.0, 1000.0]


@pytest.mark.parametrize("name", SMOOTH + PIECEWISE)
def test_gradcheck(name):
    # every piece of the piecewise ones, off their kinks at 0, +-1, +-3 and 6
    x = _leaf(np.array([[-4.5, -2.7, -1.3, -0.6], [-0.2, 0.3, 0.8, 1.4], [2.2, 3.6, 5.1, 7.2]]))
    check_grad(getattr(F, name), x)
    check_gradgrad(getattr(F, name), x)


def test_inplace_overwrites_and_returns_input():
    x = ag.tensor(np.array([-1.0, 2.0]))
    out = F.silu(x, inplace=True)
    assert out is x
    assert x.detach().numpy() == pytest.approx([-1 / (1 + math.e), 2 / (1 + math.exp(-2))])
    y = ag.tensor(np.array([-2.0, 8.0]))
    assert nn.ReLU6(inplace=True)(y) is y and y.detach().numpy().tolist() == [0.0, 6.0]


def test_integer_input():
    """hardtanh/relu6 keep an integer dtype (as PyTorch); the smooth ones
    refuse it (PyTorch: NotImplementedError, a RuntimeError)."""
    i = ag.tensor(np.array([-2, 1, 8]))
    assert F.relu6(i).detach().numpy().tolist() == [0, 1, 6] and F.relu6(i).dtype == np.int64
    assert F.hardtanh(i).detach().numpy().tolist() == [-1, 1, 1]
    assert F.softsign(ag.tensor(np.array([1, 2]))).detach().numpy() == pytest.approx([0.5, 2 / 3])
    for name in ["silu", "mish", "hardsigmoid", "hardswish", "celu", "selu", "logsigmoid",
                 "glu"]:
        with pytest.raises(RuntimeError, match=f"{name}.*int64"):
            getattr(F, name)(ag.tensor(np.array([1, 2])))


def test_argument_errors():
    x = ag.tensor(np.ones(3))
    with pytest.raises(ValueError, match="min_val cannot be greater than max_val"):
        F.hardtanh(x, 1.0, -1.0)
    with pytest.raises(RuntimeError, match="alpha cannot be 0"):
        F.celu(x, alpha=0.0)
    with pytest.raises(TypeError, match="must be Tensor, not list"):
        F.silu([1.0, 2.0])


def test_modules_repr_and_forward():
    assert repr(nn.SiLU()) == "SiLU()"
    assert repr(nn.Hardtanh(-2, 2)) == "Hardtanh(min_val=-2, max_val=2)"
    assert repr(nn.ReLU6(True)) == "ReLU6(inplace=True)"
    assert repr(nn.CELU(2.0)) == "CELU(alpha=2.0)"
    assert repr(nn.GLU()) == "GLU(dim=-1)"
    assert repr(nn.PReLU()) == "PReLU(num_parameters=1)"
    for cls in ["Mish", "Hardswish", "Hardsigmoid", "Softsign", "LogSigmoid", "SELU"]:
        assert repr(getattr(nn, cls)()) == f"{cls}()"
    x = ag.tensor(np.array([-1.0, 0.5]))
    assert nn.Mish()(x).detach().numpy() == pytest.approx(F.mish(x).detach().numpy())
    assert nn.Hardtanh(-0.5, 0.25)(x).detach().numpy().tolist() == [-0.5, 0.25]


# ------------------------------------------------------------------ glu
def test_glu_values_grad_and_errors():
    x = ag.tensor(np.arange(8.0).reshape(2, 4) / 4 - 1, requires_grad=True)
    a, b = x.detach().numpy()[:, :2], x.detach().numpy()[:, 2:]
    assert F.glu(x).detach().numpy() == pytest.approx(a / (1 + np.exp(-b)))
    assert F.glu(x, dim=0).shape == (1, 4)
    check_grad(F.glu, x)
    check_gradgrad(F.glu, x)
    with pytest.raises(RuntimeError, match="must be even.*dimension 1 is size 3"):
        F.glu(ag.tensor(np.ones((2, 3))))
    with pytest.raises(RuntimeError, match="scalars"):
        F.glu(ag.tensor(1.0))
    with pytest.raises(IndexError, match="range"):
        F.glu(x, dim=2)


# ----------------------------------------------------------------- prelu
def test_prelu_values_grads_and_parameter():
    m = nn.PReLU(3, init=0.1).double()
    assert m.weight.shape == (3,) and m.weight.detach().numpy().tolist() == pytest.approx([0.1] * 3)
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    x = ag.tensor(np.array([[-1.0, 2.0, -3.0], [0.0, -2.0, 1.0]]), requires_grad=True)
    y = m(x)
    assert y.detach().numpy() == pytest.approx(np.array([[-0.1, 2.0, -0.3], [0.0, -0.2, 1.0]]))
    y.sum().backward()
    assert m.weight.grad.detach().numpy() == pytest.approx([-1.0, -2.0, -3.0])   # sum of x where x <= 0
    assert x.grad.detach().numpy() == pytest.approx(np.array([[0.1, 1, 0.1], [0.1, 0.1, 1]]))  # slope w at x = 0
    assert nn.PReLU()(ag.tensor(np.array([-2.0], dtype=np.float32))).dtype == np.float32
    before = m.weight.detach().numpy().copy()
    with pytest.raises(RuntimeError, match="float32"):       # PyTorch: no type promotion
        m(ag.tensor(np.array([[1.0, 2.0, 3.0]], dtype=np.float32)))
    assert (m.weight.detach().numpy() == before).all()


def test_prelu_gradcheck_and_shapes():
    x = ag.tensor(away_from_zero(np.random.default_rng(0), (2, 3, 4)), requires_grad=True)
    w = ag.tensor(np.array([0.2, -0.3, 0.5]), requires_grad=True)
    check_grad(F.prelu, x, w)
    check_gradgrad(F.prelu, x, w)
    one = ag.tensor(np.array([0.25]), requires_grad=True)
    check_grad(F.prelu, x, one)
    with pytest.raises(RuntimeError, match="4 parameters and channel size 3"):
        F.prelu(ag.tensor(np.ones((2, 3))), ag.tensor(np.ones(4)))
    with pytest.raises(RuntimeError, match="channel size 1"):
        F.prelu(ag.tensor(np.ones(3)), ag.tensor(np.ones(3)))
    with pytest.raises(RuntimeError, match="ndim = 2"):
        F.prelu(ag.tensor(np.ones((2, 3))), ag.tensor(np.ones((1, 3))))


# --------------------------------------------------------------- one_hot
def test_one_hot():
    out = F.one_hot(ag.tensor(np.array([0, 2])))
    assert out.dtype == np.int64 and out.detach().numpy().tolist() == [[1, 0, 0], [0, 0, 1]]
    assert F.one_hot(ag.tensor(np.array(2)), 4).detach().numpy().tolist() == [0, 0, 1, 0]
    assert F.one_hot(ag.tensor(np.array([[1], [0]])), 2).shape == (2, 1, 2)
    assert F.one_hot(ag.tensor(np.zeros(0, dtype=np.int64)), 3).shape == (0, 3)


@pytest.mark.parametrize("values, classes, exc, msg", [
    (np.array([0, 1], dtype=np.int32), -1, TypeError, "int64"),
    (np.array([0.0, 1.0]), -1, TypeError, "int64"),
    (np.array([0, -1]), -1, ValueError, "non-negative"),
    (np.array([0, 3]), 3, ValueError, "smaller than num_classes=3"),
    (np.zeros(0, dtype=np.int64), -1, ValueError, "empty"),
])
def test_one_hot_errors(values, classes, exc, msg):
    with pytest.raises(exc, match=msg) as info:
        F.one_hot(ag.tensor(values), classes)
    assert isinstance(info.value, RuntimeError)      # PyTorch raises RuntimeError


# ------------------------------------------------------ normalize & co.
def test_normalize_values_and_zero_vector():
    x = ag.tensor(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert F.normalize(x).detach().numpy().tolist() == [[0.6, 0.8], [0.0, 0.0]]
    assert F.normalize(x, p=1, dim=0).detach().numpy() == pytest.approx(np.array([[1.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(RuntimeError, match="floating-point"):
        F.normalize(ag.tensor(np.ones((2, 2), dtype=np.int64)))


def test_normalize_gradcheck():
    x = ag.tensor(np.random.default_rng(1).standard_normal((3, 4)), requires_grad=True)
    check_grad(lambda t: F.normalize(t, dim=1), x)
    check_gradgrad(lambda t: F.normalize(t, p=3, dim=0), x)


def test_cosine_similarity_values_broadcast_and_zero():
    a = ag.tensor(np.array([[1.0, 0.0], [1.0, 1.0]]))
    b = ag.tensor(np.array([[1.0, 1.0]]))
    assert F.cosine_similarity(a, b).detach().numpy() == pytest.approx([1 / math.sqrt(2), 1.0])
    assert F.cosine_similarity(a, b, dim=0).shape == (2,)
    v = ag.tensor(np.array([1.0, 2.0]))
    assert F.cosine_similarity(v, v, dim=0).shape == ()
    z = ag.tensor(np.zeros((2, 3)), requires_grad=True)
    out = F.cosine_similarity(z, ag.tensor(np.ones((2, 3))))
    assert out.detach().numpy().tolist() == [0.0, 0.0]
    out.sum().backward()
    # a zero vector divided by eps = 1e-8: the gradient is 1 / (eps sqrt(3)) (PyTorch's value)
    assert z.grad.detach().numpy() == pytest.approx(np.full((2, 3), 1 / (1e-8 * math.sqrt(3))))


def test_cosine_similarity_promotion_and_errors():
    a32 = ag.tensor(np.ones((2, 3), dtype=np.float32))
    assert F.cosine_similarity(a32, ag.tensor(np.ones((2, 3)))).dtype == np.float64
    assert F.cosine_similarity(a32, ag.tensor(np.ones((2, 3), dtype=np.int64))).dtype \
        == np.float32
    with pytest.raises(RuntimeError, match="floating point"):
        F.cosine_similarity(ag.tensor(np.ones(3, dtype=np.int64)),
                            ag.tensor(np.ones(3, dtype=np.int64)), dim=0)
    with pytest.raises(RuntimeError, match=r"\(2, 3\).*\(2, 4\)"):
        F.cosine_similarity(a32, ag.tensor(np.ones((2, 4), dtype=np.float32)))
    with pytest.raises(IndexError, match="range"):
        F.cosine_similarity(ag.tensor(np.ones(3)), ag.tensor(np.ones(3)))


def test_cosine_similarity_and_pairwise_distance_gradcheck():
    r = np.random.default_rng(2)
    a = ag.tensor(r.standard_normal((3, 4)), requires_grad=True)
    b = ag.tensor(r.standard_normal((1, 4)), requires_grad=True)
    for fn in (F.cosine_similarity, F.pairwise_distance,
               lambda x, y: F.pairwise_distance(x, y, p=3, keepdim=True)):
        check_grad(fn, a, b)
        check_gradgrad(fn, a, b)


def test_pairwise_distance_values():
    a = ag.tensor(np.array([[0.0, 0.0], [1.0, 1.0]]))
    b = ag.tensor(np.array([[3.0, 4.0], [1.0, 1.0]]))
    eps = 1e-6
    d = F.pairwise_distance(a, b)
    assert d.detach().numpy() == pytest.approx([math.hypot(3 - eps, 4 - eps), eps * math.sqrt(2)])
    assert F.pairwise_distance(a, b, p=1, keepdim=True).shape == (2, 1)
    assert F.pairwise_distance(ag.tensor(np.ones(3)), ag.tensor(np.zeros(3))).shape == ()
    assert repr(nn.PairwiseDistance()) == "PairwiseDistance()"
    assert nn.PairwiseDistance(p=1)(a, b).detach().numpy() == pytest.approx([7 - 2 * eps, 2 * eps])
    assert nn.CosineSimilarity(dim=0)(a, b).shape == (2,)


# -------------------------------------------------------------- dropouts
def test_dropout1d_and_3d_drop_whole_channels():
    ag.manual_seed(0)
    y = F.dropout1d(ag.ones(8, 16, 5), p=0.5)
    per_channel = y.detach().numpy().reshape(8, 16, 5)
    assert set(np.unique(per_channel)) <= {0.0, 2.0}
    assert (per_channel == per_channel[..., :1]).all()     # one decision per channel
    assert 0 < (per_channel == 0).mean() < 1
    y3 = F.dropout3d(ag.ones(4, 6, 2, 3, 2), p=0.5).detach().numpy()
    assert (y3 == y3[:, :, :1, :1, :1]).all()
    unbatched = F.dropout3d(ag.ones(6, 2, 3, 2), p=0.5).detach().numpy()
    assert (unbatched == unbatched[:, :1, :1, :1]).all()
    x = ag.ones(2, 3)
    assert F.dropout1d(x, training=False) is x


def test_dropout_variant_errors_and_repr():
    with pytest.raises(RuntimeError, match="dropout1d: expected 2-D or 3-D input.*4-D"):
        F.dropout1d(ag.ones(1, 2, 3, 4))
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.alpha_dropout(ag.ones(3), 1.5, True)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        F.feature_alpha_dropout(ag.ones(4), 0.5, True)
    with pytest.warns(UserWarning, match="3-D input"):
        F.dropout3d(ag.ones(2, 3, 4))
    assert repr(nn.AlphaDropout(0.2)) == "AlphaDropout(p=0.2, inplace=False)"
    assert repr(nn.Dropout3d()) == "Dropout3d(p=0.5, inplace=False)"
    assert repr(nn.FeatureAlphaDropout()) == "FeatureAlphaDropout(p=0.5, inplace=False)"


def test_alpha_dropout_values_and_statistics():
    ag.manual_seed(1)
    p = 0.3
    alpha = 1.6732632423543772 * 1.0507009873554805
    a = 1 / math.sqrt((1 - p) * (1 + p * alpha ** 2))
    zeros = F.alpha_dropout(ag.zeros(10000), p, training=True).detach().numpy()
    assert sorted(set(zeros.tolist())) == pytest.approx([-a * alpha * (1 - p), a * alpha * p])
    x = ag.randn(200000)
    out = F.alpha_dropout(x, p, training=True).detach().numpy()
    assert abs(out.mean()) < 0.02 and abs(out.std() - 1) < 0.02
    assert F.alpha_dropout(x, p) is x                       # PyTorch's default training=False
    assert F.alpha_dropout(x, 1.0, True).detach().numpy().tolist() == [0.0] * 200000
    m = nn.AlphaDropout(p).eval()
    assert m(x) is x


def test_alpha_dropout_gradient_is_the_scale():
    ag.manual_seed(2)
    x = ag.tensor(np.ones((4, 3, 2)), requires_grad=True)
    y = F.feature_alpha_dropout(x, 0.5, training=True)
    y.sum().backward()
    a = 1 / math.sqrt(0.5 * (1 + 0.5 * (1.6732632423543772 * 1.0507009873554805) ** 2))
    kept = x.grad.detach().numpy() != 0
    assert x.grad.detach().numpy()[kept] == pytest.approx(np.full(kept.sum(), a))
    assert (kept == kept[:, :, :1]).all()


# ------------------------------------------------- existing ones vs. torch
def test_existing_activation_arguments_match_pytorch_semantics():
    x = ag.tensor(np.array([-2.0, 0.5, 30.0]))
    assert F.leaky_relu(x, negative_slope=0.2).detach().numpy() == pytest.approx([-0.4, 0.5, 30.0])
    assert F.elu(x, alpha=0.5).detach().numpy() == pytest.approx([0.5 * math.expm1(-2), 0.5, 30.0])
    assert F.softplus(x, beta=2, threshold=10).detach().numpy() == pytest.approx(
        [math.log1p(math.exp(-4)) / 2, math.log1p(math.exp(1)) / 2, 30.0])
    inner = math.sqrt(2 / math.pi) * (0.5 + 0.044715 * 0.125)
    assert F.gelu(x, approximate="tanh").detach().numpy()[1] == pytest.approx(0.25 * (1 + math.tanh(inner)))


# --------------------------------------------------------- torch oracle
@pytest.mark.parametrize("name", SMOOTH + PIECEWISE + ["gelu", "elu", "leaky_relu", "softplus"])
def test_matches_torch(name):
    torch = pytest.importorskip("torch")
    tf = pytest.importorskip("torch.nn.functional")
    values = np.concatenate([KINKS, np.linspace(-7, 7, 29)])
    kw = {"gelu": {"approximate": "tanh"}, "elu": {"alpha": 0.7},
          "leaky_relu": {"negative_slope": 0.2},
          "softplus": {"beta": 2.0, "threshold": 5.0}}.get(name, {})
    y, g = _value_and_grad(getattr(F, name), values, **kw)
    t = torch.tensor(values, requires_grad=True)
    yt = getattr(tf, name)(t, **kw)
    yt.sum().backward()
    assert y == pytest.approx(yt.detach().numpy(), rel=1e-12, abs=1e-12)
    # PyTorch's hardsigmoid slope is 1/6 rounded to float32
    assert g == pytest.approx(t.grad.numpy(), rel=1e-7, abs=1e-12)


def test_layers_match_torch():
    torch = pytest.importorskip("torch")
    tf = pytest.importorskip("torch.nn.functional")
    r = np.random.default_rng(5)
    a, b = r.standard_normal((3, 4, 2)), r.standard_normal((3, 4, 2))
    w = np.array([0.1, -0.2, 0.3, 0.4])
    cases = [("glu", (a,), {"dim": 1}), ("prelu", (a, w), {}),
             ("cosine_similarity", (a, b), {"dim": 1}),
             ("pairwise_distance", (a, b), {"p": 1.5}), ("normalize", (a,), {"dim": 2})]
    for name, arrays, kw in cases:
        ours = [ag.tensor(v, requires_grad=True) for v in arrays]
        theirs = [torch.tensor(v, requires_grad=True) for v in arrays]
        y, yt = getattr(F, name)(*ours, **kw), getattr(tf, name)(*theirs, **kw)
        g = ag.grad(y.sum(), ours)
        gt = torch.autograd.grad(yt.sum(), theirs)
        assert y.shape == tuple(yt.shape), name
        assert y.detach().numpy() == pytest.approx(yt.detach().numpy(), rel=1e-12, abs=1e-12), name
        for mine, ref in zip(g, gt):
            assert mine.detach().numpy() == pytest.approx(ref.numpy(), rel=1e-10, abs=1e-12), name
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        idx = np.array([[3, 0], [1, 2]])
        assert (F.one_hot(ag.tensor(idx), 5).detach().numpy()
                == tf.one_hot(torch.tensor(idx), 5).numpy()).all()

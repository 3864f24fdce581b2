"""nn.init (formulas, statistics, reproducibility, errors) and nn.utils
(gradient clipping, parameter vectors, the notes' L1/L2 penalties)."""
import math

import numpy as np
import pytest

import autograd as ag
from nn import Module, Parameter, Sequential, init
from nn.utils import (clip_grad_norm_, clip_grad_value_, l1_penalty, l2_penalty,
                      parameters_to_vector, vector_to_parameters)


# ------------------------------------------------------------------ init
def test_calculate_gain_values():
    assert init.calculate_gain("linear") == 1 and init.calculate_gain("sigmoid") == 1
    assert init.calculate_gain("conv2d") == 1
    assert math.isclose(init.calculate_gain("relu"), math.sqrt(2))
    assert math.isclose(init.calculate_gain("tanh"), 5 / 3)
    assert math.isclose(init.calculate_gain("leaky_relu"), math.sqrt(2 / (1 + 0.01 ** 2)))
    assert math.isclose(init.calculate_gain("leaky_relu", math.sqrt(5)), math.sqrt(1 / 3))
    assert math.isclose(init.calculate_gain("leaky_relu", 0), math.sqrt(2))
    assert init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="negative slope"):
        init.calculate_gain("leaky_relu", "0.1")


def test_fan_in_and_fan_out():
    assert init._calculate_fan_in_and_fan_out(ag.zeros(256, 784)) == (784, 256)
    assert init._calculate_fan_in_and_fan_out(ag.zeros(16, 8, 5, 3)) == (8 * 15, 16 * 15)
    with pytest.raises(ValueError, match=r"at least 2 dimensions.*\(7,\)"):
        init._calculate_fan_in_and_fan_out(ag.zeros(7))
    with pytest.raises(ValueError, match="at least 2"):
        init.xavier_uniform_(ag.zeros(7))


def test_kaiming_uniform_bounds_and_spread():
    w = ag.zeros(400, 250)
    out = init.kaiming_uniform_(w, a=math.sqrt(5))
    assert out is w and w.dtype == np.float32
    bound = math.sqrt(1 / 3) * math.sqrt(3 / 250)  # gain * sqrt(3 / fan_in)
    assert np.abs(w.data).max() <= bound
    assert np.abs(w.data).max() > 0.99 * bound  # fills the whole interval
    np.testing.assert_allclose(w.data.std(), bound / math.sqrt(3), rtol=0.02)
    relu = init.kaiming_uniform_(ag.zeros(300, 50), mode="fan_out", nonlinearity="relu")
    assert np.abs(relu.data).max() <= math.sqrt(2) * math.sqrt(3 / 300)
    assert np.abs(relu.data).max() > 0.99 * math.sqrt(2) * math.sqrt(3 / 300)


def test_kaiming_normal_std_for_conv_weight():
    # 73,728 samples: rtol 0.03 is 11 standard errors of the sample std
    w = init.kaiming_normal_(ag.zeros(256, 32, 3, 3), nonlinearity="relu")
    np.testing.assert_allclose(w.data.std(), math.sqrt(2 / (32 * 9)), rtol=0.03)
    assert abs(w.data.mean()) < 0.01


def test_xavier_statistics_on_a_big_tensor():
    w = init.xavier_normal_(ag.zeros(500, 300, dtype=np.float64), gain=2.0)
    assert w.dtype == np.float64
    std = 2.0 * math.sqrt(2 / 800)
    np.testing.assert_allclose(w.data.std(), std, rtol=0.02)
    u = init.xavier_uniform_(ag.zeros(500, 300))
    a = math.sqrt(6 / 800)
    assert np.abs(u.data).max() <= a and np.abs(u.data).max() > 0.99 * a
    np.testing.assert_allclose(u.data.std(), math.sqrt(2 / 800), rtol=0.02)


def test_uniform_normal_constant():
    t = init.uniform_(ag.zeros(100000), -2.0, 3.0)  # mean within 11 standard errors
    assert t.data.min() >= -2 and t.data.max() < 3 and abs(t.data.mean() - 0.5) < 0.05
    n = init.normal_(ag.zeros(20000), mean=1.0, std=0.5)
    assert abs(n.data.mean() - 1.0) < 0.02 and abs(n.data.std() - 0.5) < 0.02
    assert np.all(init.constant_(ag.zeros(3), 0.25).data == 0.25)
    assert np.all(init.ones_(ag.zeros(3)).data == 1)
    assert not np.any(init.zeros_(ag.ones(3)).data)


def test_manual_seed_makes_init_reproducible():
    ag.manual_seed(123)
    a = init.kaiming_uniform_(ag.zeros(5, 4)).detach().numpy().copy()
    b = init.normal_(ag.zeros(3)).detach().numpy().copy()
    ag.manual_seed(123)
    np.testing.assert_array_equal(init.kaiming_uniform_(ag.zeros(5, 4)).data, a)
    np.testing.assert_array_equal(init.normal_(ag.zeros(3)).data, b)
    ag.manual_seed(124)
    assert not np.array_equal(init.kaiming_uniform_(ag.zeros(5, 4)).data, a)
    g1, g2 = np.random.default_rng(7), np.random.default_rng(7)
    np.testing.assert_array_equal(init.uniform_(ag.zeros(4), generator=g1).data,
                                  init.uniform_(ag.zeros(4), generator=g2).data)


def test_init_works_on_parameters_in_place_and_bumps_version():
    p = Parameter(ag.zeros(4, 3))
    arr, version = p._data, p._vc[0]
    init.xavier_uniform_(p)
    assert p._data is arr and p._vc[0] > version and p.requires_grad and p.is_leaf
    assert np.any(arr != 0)


def test_init_errors():
    with pytest.raises(ValueError, match="mode 'fan_avg' not supported"):
        init.kaiming_uniform_(ag.zeros(3, 3), mode="fan_avg")
    with pytest.raises(ValueError, match="unsupported nonlinearity"):
        init.kaiming_normal_(ag.zeros(3, 3), nonlinearity="gelu")
    with pytest.raises(TypeError, match="floating-point"):
        init.normal_(ag.zeros(3, dtype=np.int64))
    with pytest.raises(TypeError, match="expected a Tensor"):
        init.zeros_(np.zeros(3))


def test_init_matches_pytorch_bounds():
    torch = pytest.importorskip("torch")
    t = torch.empty(40, 30)
    torch.nn.init.kaiming_uniform_(t, a=math.sqrt(5))
    ours = init.kaiming_uniform_(ag.zeros(40, 30), a=math.sqrt(5))
    # same formula: both maxima lie just under the same bound
    bound = math.sqrt(1 / 30)
    assert t.abs().max().item() <= bound and np.abs(ours.data).max() <= bound
    assert t.abs().max().item() > 0.9 * bound and np.abs(ours.data).max() > 0.9 * bound
    for nl in ("relu", "tanh", "sigmoid", "selu", "linear"):
        assert math.isclose(init.calculate_gain(nl), torch.nn.init.calculate_gain(nl))


# ------------------------------------------------------------- clipping
def with_grads(*grads):
    params = []
    for g in grads:
        p = Parameter(ag.zeros(*np.shape(g)))
        p.grad = ag.tensor(np.asarray(g, dtype=np.float32))
        params.append(p)
    return params


def test_clip_grad_norm_returns_total_and_scales():
    params = with_grads([3.0, 0.0], [[4.0]])
    total = clip_grad_norm_(params, max_norm=1.0)
    assert isinstance(total, ag.Tensor) and total.shape == () and total.dtype == np.float32
    assert math.isclose(total.item(), 5.0, rel_tol=1e-6)
    np.testing.assert_allclose(params[0].grad.data, [3 / (5 + 1e-6), 0.0], rtol=1e-6)
    np.testing.assert_allclose(params[1].grad.data, [[4 / (5 + 1e-6)]], rtol=1e-6)
    joint = np.sqrt(sum((p.grad.data ** 2).sum() for p in params))
    assert math.isclose(joint, 1.0, rel_tol=1e-5)


def test_clip_grad_norm_leaves_small_gradients_alone():
    params = with_grads([0.3, 0.4])
    grad_obj = params[0].grad
    assert math.isclose(clip_grad_norm_(params, 10.0).item(), 0.5, rel_tol=1e-6)
    assert params[0].grad is grad_obj
    np.testing.assert_array_equal(params[0].grad.data, np.float32([0.3, 0.4]))


def test_clip_grad_norm_other_norms_generators_and_single_tensor():
    params = with_grads([1.0, -7.0], [2.0])
    total = clip_grad_norm_(iter(params), max_norm=3.5, norm_type=float("inf"))
    assert total.item() == 7.0
    np.testing.assert_allclose(params[0].grad.data, [0.5, -3.5], rtol=1e-5)
    params = with_grads([1.0, -2.0], [3.0])
    assert math.isclose(clip_grad_norm_(params, 100.0, norm_type=1).item(), 6.0)
    p = with_grads([6.0, 8.0])[0]
    assert math.isclose(clip_grad_norm_(p, 100.0, norm_type=3).item(), (6 ** 3 + 8 ** 3) ** (1 / 3),
                        rel_tol=1e-6)
    no_grad_param = Parameter(ag.zeros(2))
    assert clip_grad_norm_([no_grad_param], 1.0).item() == 0.0


def test_clip_grad_norm_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 4)).astype(np.float32) * 5, rng.standard_normal(7).astype(np.float32)]
    for norm_type in (2.0, 1.0, float("inf")):
        ours = with_grads(*grads)
        theirs = [torch.zeros(g.shape, requires_grad=True) for g in grads]
        for t, g in zip(theirs, grads):
            t.grad = torch.tensor(g)
        a = clip_grad_norm_(ours, 2.0, norm_type)
        b = torch.nn.utils.clip_grad_norm_(theirs, 2.0, norm_type)
        assert math.isclose(a.item(), b.item(), rel_tol=1e-5)
        for p, t in zip(ours, theirs):
            np.testing.assert_allclose(p.grad.data, t.grad.numpy(), rtol=1e-5)


def test_clip_grad_norm_nonfinite():
    params = with_grads([np.inf, 1.0])
    with pytest.raises(RuntimeError, match="non-finite|inf"):
        clip_grad_norm_(params, 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(params[0].grad.data, np.float32([np.inf, 1.0]))
    with pytest.raises(ValueError, match="norm_type"):
        clip_grad_norm_(params, 1.0, norm_type=0)


def test_clip_grad_value_():
    params = with_grads([-3.0, 0.5, 2.0], [[10.0]])
    version = params[0].grad._vc[0]
    assert clip_grad_value_(params, 1.0) is None
    np.testing.assert_array_equal(params[0].grad.data, np.float32([-1.0, 0.5, 1.0]))
    np.testing.assert_array_equal(params[1].grad.data, np.float32([[1.0]]))
    assert params[0].grad._vc[0] > version
    with pytest.raises(ValueError, match="non-negative"):
        clip_grad_value_(params, -1)


# -------------------------------------------------------------- vectors
class Two(Module):
    def __init__(self):
        super().__init__()
        self.weight = Parameter(ag.randn(3, 4))
        self.bias = Parameter(ag.randn(3))


def test_parameters_to_vector_and_back():
    m = Two()
    vec = parameters_to_vector(m.parameters())
    assert vec.shape == (15,)
    np.testing.assert_array_equal(vec.detach().numpy()[:12], m.weight.detach().numpy().ravel())
    np.testing.assert_array_equal(vec.data[12:], m.bias.data)
    other = Two()
    ids = [id(p) for p in other.parameters()]
    vector_to_parameters(vec, other.parameters())
    assert [id(p) for p in other.parameters()] == ids
    np.testing.assert_array_equal(other.weight.data, m.weight.data)
    np.testing.assert_array_equal(other.bias.data, m.bias.data)
    vector_to_parameters(np.arange(15, dtype=np.float64), other.parameters())
    assert other.bias.dtype == np.float32 and list(other.bias.data) == [12, 13, 14]


def test_parameters_to_vector_is_differentiable():
    m = Two()
    v = parameters_to_vector(m.parameters())
    (v * v).sum().backward()
    np.testing.assert_allclose(m.weight.grad.data, 2 * m.weight.data, rtol=1e-6)
    np.testing.assert_allclose(m.bias.grad.data, 2 * m.bias.data, rtol=1e-6)


def test_vector_to_parameters_checks_size_before_writing():
    m = Two()
    before = m.weight.detach().numpy().copy()
    with pytest.raises(ValueError, match="14 elements but the parameters hold 15"):
        vector_to_parameters(ag.zeros(14), m.parameters())
    with pytest.raises(ValueError, match="1-D"):
        vector_to_parameters(ag.zeros(3, 5), m.parameters())
    np.testing.assert_array_equal(m.weight.data, before)


# ------------------------------------------------------------ penalties
def test_l2_penalty_is_lambda_over_2n_sum_of_squared_weights_without_biases():
    m = Sequential(Two(), Two())
    lam, n = 0.1, 50
    pen = l2_penalty(m, lam, n)
    w2 = sum((mod.weight.data.astype(np.float64) ** 2).sum() for mod in m)
    assert isinstance(pen, ag.Tensor) and pen.shape == ()
    assert math.isclose(pen.item(), lam / (2 * n) * w2, rel_tol=1e-5)
    pen.backward()
    for mod in m:  # dC/dw = (lam/n) w; dC/db = 0 (notes: biases not regularized)
        np.testing.assert_allclose(mod.weight.grad.data, lam / n * mod.weight.data, rtol=1e-5)
        assert mod.bias.grad is None
    with_b = l2_penalty(m, lam, n, include_biases=True).item()
    b2 = sum((mod.bias.data.astype(np.float64) ** 2).sum() for mod in m)
    assert math.isclose(with_b, lam / (2 * n) * (w2 + b2), rel_tol=1e-5)


def test_l1_penalty_is_lambda_over_n_sum_of_abs_with_sign_gradient():
    w = Parameter(ag.tensor([[0.5, -2.0], [0.0, 1.5]]))
    b = Parameter(ag.tensor([3.0]))
    lam, n = 0.2, 10
    pen = l1_penalty([("layer.weight", w), ("layer.bias", b)], lam, n)
    assert math.isclose(pen.item(), lam / n * 4.0, rel_tol=1e-6)
    pen.backward()
    np.testing.assert_allclose(w.grad.data, lam / n * np.float32([[1, -1], [0, 1]]), rtol=1e-6)
    assert b.grad is None


def test_penalties_take_plain_tensors_as_given_and_add_to_a_loss():
    w = Parameter(ag.tensor([1.0, -1.0]))
    b = Parameter(ag.tensor([2.0]))
    assert math.isclose(l2_penalty([w, b], 1.0).item(), (1 + 1 + 4) / 2)
    loss = (w * 3).sum() + l2_penalty([w], 0.5, n=2)
    loss.backward()
    np.testing.assert_allclose(w.grad.data, 3 + 0.5 / 2 * w.data, rtol=1e-6)
    assert l1_penalty([], 1.0).item() == 0.0


def test_l2_penalty_gradient_passes_gradcheck():
    w = ag.tensor(np.random.default_rng(1).standard_normal((3, 2)), requires_grad=True)
    assert ag.gradcheck(lambda w: l2_penalty([w], 0.3, n=4), (w,))
    assert ag.gradgradcheck(lambda w: l2_penalty([w], 0.3, n=4), (w,))

"""Activation functions and modules, Maxout, and (inverted) dropout:
values, gradcheck/gradgradcheck (float64, away from kinks), in-place
semantics, dropout statistics and reproducibility."""
import math

import numpy as np
import pytest

import autograd as ag
from nn.layers import activation as A
from nn.layers.activation import (ELU, GELU, Flatten, Identity, LeakyReLU, LogSoftmax, Maxout,
                                  ReLU, Sigmoid, Softmax, Softplus, Tanh)
from nn.layers.dropout import Dropout, Dropout2d, dropout, dropout2d

from helpers import away_from_zero, check_grad, check_gradgrad


def kinkless(*shape, seed=0):
    """float64 values with |x| in [0.25, 2]: no kink of relu & co. within eps."""
    return ag.tensor(away_from_zero(np.random.default_rng(seed), shape) * 1.5,
                     requires_grad=True)


# ------------------------------------------------------------ functions
def test_activation_values_by_hand():
    x = ag.tensor(np.array([-2.0, -0.5, 0.0, 1.5]))
    e = np.exp
    assert A.relu(x).detach().numpy() == pytest.approx([0, 0, 0, 1.5])
    assert A.leaky_relu(x, 0.1).detach().numpy() == pytest.approx([-0.2, -0.05, 0, 1.5])
    assert A.elu(x, 2.0).detach().numpy() == pytest.approx([2 * (e(-2) - 1), 2 * (e(-0.5) - 1), 0, 1.5])
    assert A.sigmoid(x).detach().numpy() == pytest.approx(1 / (1 + e(-x.detach().numpy())))
    assert A.tanh(x).numpy() == pytest.approx(np.tanh(x.numpy()))
    assert A.softplus(x).numpy() == pytest.approx(np.log1p(e(x.numpy())))
    # linear above the threshold (beta * x > threshold)
    assert A.softplus(ag.tensor(np.array([30.0])), beta=1, threshold=20).item() == 30.0
    assert A.softplus(x, beta=2.0).detach().numpy() == pytest.approx(np.log1p(e(2 * x.detach().numpy())) / 2)
    phi = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.detach().numpy()])
    assert A.gelu(x).detach().numpy() == pytest.approx(x.detach().numpy() * phi)
    tanh_phi = 0.5 * (1 + np.tanh(math.sqrt(2 / math.pi) * (x.detach().numpy() + 0.044715 * x.detach().numpy() ** 3)))
    assert A.gelu(x, approximate="tanh").detach().numpy() == pytest.approx(x.detach().numpy() * tanh_phi)
    assert A.gelu(x, approximate="tanh").detach().numpy() == pytest.approx(x.detach().numpy() * phi, abs=5e-3)


def test_softmax_and_log_softmax():
    x = ag.tensor(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    sm = A.softmax(x, dim=1)
    want = np.exp(x.detach().numpy()) / np.exp(x.detach().numpy()).sum(1, keepdims=True)
    assert sm.detach().numpy() == pytest.approx(want)
    assert A.log_softmax(x, 1).detach().numpy() == pytest.approx(np.log(want))
    assert A.softmax(x, 0).detach().numpy().sum(0) == pytest.approx([1, 1, 1])
    assert A.softmax(x, dim=1, dtype=np.float32).dtype == np.float32


def test_softmax_without_dim_warns_and_uses_pytorch_rule():
    x = ag.tensor(np.array([[1.0, 2.0], [3.0, 5.0]]))
    with pytest.warns(UserWarning, match=r"dim=1 was used for a 2-d input"):
        out = A.softmax(x)
    assert out.detach().numpy().sum(1) == pytest.approx([1, 1])
    with pytest.warns(UserWarning, match=r"dim=0 was used for a 1-d input"):
        A.log_softmax(ag.tensor(np.array([1.0, 2.0])))


def test_functions_refuse_non_tensors():
    # As PyTorch: an array would come back as a result with no graph.
    with pytest.raises(TypeError, match=r"relu: argument 'input' \(position 1\) must be "
                                        r"Tensor, not ndarray"):
        A.relu(np.array([-1.0, 2.0]))
    with pytest.raises(TypeError, match="relu: .*must be Tensor, not str"):
        A.relu("x")


GRAD_CASES = {
    "relu": A.relu,
    "leaky_relu": lambda x: A.leaky_relu(x, 0.2),
    "elu": lambda x: A.elu(x, 0.7),
    "sigmoid": A.sigmoid,
    "tanh": A.tanh,
    "softplus": lambda x: A.softplus(x, beta=2.0, threshold=3.0),
    "softmax": lambda x: A.softmax(x, 1),
    "log_softmax": lambda x: A.log_softmax(x, 0),
    "gelu": A.gelu,
    "gelu_tanh": lambda x: A.gelu(x, approximate="tanh"),
}
SMOOTH = ["elu", "sigmoid", "tanh", "softplus", "softmax", "log_softmax", "gelu", "gelu_tanh"]


@pytest.mark.parametrize("name", GRAD_CASES)
def test_gradcheck_activations(name):
    check_grad(GRAD_CASES[name], kinkless(3, 4))


@pytest.mark.parametrize("name", SMOOTH)
def test_gradgradcheck_smooth_activations(name):
    check_gradgrad(GRAD_CASES[name], kinkless(3, 4, seed=1))


def test_activation_gradients_by_hand():
    x = ag.tensor(np.array([-1.0, 2.0]), requires_grad=True)
    A.leaky_relu(x, 0.1).sum().backward()
    assert x.grad.detach().numpy() == pytest.approx([0.1, 1.0])
    x.grad = None
    A.relu(x).sum().backward()
    assert x.grad.detach().numpy() == pytest.approx([0.0, 1.0])


def test_float32_preserved():
    x = ag.tensor(np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4), requires_grad=True)
    for fn in GRAD_CASES.values():
        out = fn(x)
        assert out.dtype == np.float32
        x.grad = None
        out.sum().backward()
        assert x.grad.dtype == np.float32


# ------------------------------------------------------------- in-place
def test_inplace_relu_overwrites_and_returns_the_input():
    x = ag.tensor(np.array([-1.0, 2.0, -3.0]))
    out = A.relu(x, inplace=True)
    assert out is x
    assert x.detach().numpy() == pytest.approx([0, 2, 0])


def test_inplace_inside_a_graph_gives_correct_gradients():
    w = ag.tensor(np.array([1.0, -1.0, 2.0]), requires_grad=True)
    h = w * 3.0
    out = ReLU(inplace=True)(h)
    assert out is h
    (out * out).sum().backward()
    assert w.grad.detach().numpy() == pytest.approx([18.0, 0.0, 36.0])


@pytest.mark.parametrize("module", [ReLU(inplace=True), LeakyReLU(0.1, inplace=True),
                                    ELU(inplace=True)])
def test_inplace_modules_backward_like_out_of_place(module):
    """Ops that save their input (leaky_relu, elu) must still backward after
    the in-place write."""
    w = ag.tensor(np.array([1.0, -1.0, 2.0, -0.5]), requires_grad=True)
    h = w * 3.0
    out = module(h)
    assert out is h
    (out * out).sum().backward()
    got = w.grad.detach().numpy()
    w.grad = None
    module.inplace = False
    ref = module(w * 3.0)
    (ref * ref).sum().backward()
    np.testing.assert_allclose(got, w.grad.detach().numpy())
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy())


def test_inplace_on_a_leaf_requiring_grad_is_refused():
    w = ag.tensor(np.array([1.0, -1.0]), requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        A.relu(w, inplace=True)


def test_inplace_invalidates_nodes_that_saved_the_input():
    x = ag.tensor(np.array([0.5, -1.0]), requires_grad=True)
    s = x.sigmoid()                                  # saves its output, s
    A.elu(s, inplace=False).sum().backward(retain_graph=True)  # out of place: fine
    assert x.grad is not None
    A.elu(s, inplace=True)                           # overwrites s
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        s.sum().backward()


# --------------------------------------------------------------- modules
def test_modules_match_functions_and_repr():
    x = kinkless(2, 3)
    pairs = [
        (ReLU(), A.relu(x), "ReLU()"),
        (LeakyReLU(0.2), A.leaky_relu(x, 0.2), "LeakyReLU(negative_slope=0.2)"),
        (ELU(alpha=0.5), A.elu(x, 0.5), "ELU(alpha=0.5)"),
        (Sigmoid(), A.sigmoid(x), "Sigmoid()"),
        (Tanh(), A.tanh(x), "Tanh()"),
        (Softplus(beta=2, threshold=10), A.softplus(x, 2, 10), "Softplus(beta=2, threshold=10)"),
        (Softmax(dim=1), A.softmax(x, 1), "Softmax(dim=1)"),
        (LogSoftmax(dim=0), A.log_softmax(x, 0), "LogSoftmax(dim=0)"),
        (GELU(), A.gelu(x), "GELU(approximate='none')"),
        (Identity(54, unused=True), x, "Identity()"),
    ]
    for module, want, text in pairs:
        np.testing.assert_array_equal(module(x).detach().numpy(), want.detach().numpy())
        assert repr(module) == text
        assert list(module.parameters()) == []


def test_identity_returns_the_same_object():
    x = ag.zeros(2)
    assert Identity()(x) is x


def test_flatten():
    x = ag.tensor(np.arange(120.0).reshape(2, 3, 4, 5), requires_grad=True)
    assert Flatten()(x).shape == (2, 60)
    assert Flatten(0, 1)(x).shape == (6, 4, 5)
    assert Flatten(start_dim=2)(x).shape == (2, 3, 20)
    assert repr(Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    out = Flatten()(x)
    np.testing.assert_array_equal(out.detach().numpy(), x.detach().numpy().reshape(2, 60))
    (out * ag.tensor(np.arange(120.0).reshape(2, 60))).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), np.arange(120.0).reshape(2, 3, 4, 5))


def test_gelu_bad_approximate():
    with pytest.raises(ValueError, match="approximate='fast' is not valid"):
        GELU("fast")
    with pytest.raises(ValueError, match="approximate='fast' is not valid"):
        A.gelu(ag.zeros(2), approximate="fast")


# ---------------------------------------------------------------- Maxout
def test_maxout_shapes_and_values():
    ag.manual_seed(0)
    m = Maxout(4, 3, pieces=2)
    assert m.weight.shape == (6, 4) and m.bias.shape == (6,)
    assert m.num_parameters() == 30
    x = ag.randn(5, 4)
    out = m(x)
    assert out.shape == (5, 3)
    z = x.numpy() @ m.weight.detach().numpy().T + m.bias.detach().numpy()
    want = z.reshape(5, 3, 2).max(-1)
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-6)
    # extra leading dims, like Linear
    assert m(ag.randn(2, 7, 4)).shape == (2, 7, 3)
    assert Maxout(4, 3, 2, bias=False)(x).shape == (5, 3)
    assert repr(m) == "Maxout(in_features=4, out_features=3, pieces=2, bias=True)"


def test_maxout_two_pieces_can_be_relu_and_abs():
    """max(x, 0) and max(x, -x): the textbook special cases."""
    m = Maxout(1, 2, pieces=2).double()
    with ag.no_grad():
        m.weight.copy_(np.array([[1.0], [0.0], [1.0], [-1.0]]))
        m.bias.zero_()
    x = ag.tensor(np.array([[-2.0], [3.0]]))
    np.testing.assert_array_equal(m(x).detach().numpy(), [[0.0, 2.0], [3.0, 3.0]])


def test_maxout_init_matches_linear_default():
    ag.manual_seed(1)
    m = Maxout(100, 20, pieces=3)
    bound = 1 / math.sqrt(100)
    assert np.abs(m.weight.detach().numpy()).max() <= bound
    assert np.abs(m.weight.detach().numpy()).max() > 0.9 * bound      # spread over the range
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    assert m.weight.dtype == np.float32
    assert abs(m.weight.detach().numpy().std() - bound / math.sqrt(3)) < 0.1 * bound


def test_maxout_gradcheck_and_gradgradcheck():
    ag.manual_seed(2)
    m = Maxout(3, 2, pieces=3).double()
    x = ag.tensor(np.random.default_rng(0).standard_normal((4, 3)), requires_grad=True)
    fn = lambda x, w, b: A.maxout(x, w, b, 3)  # noqa: E731
    np.testing.assert_array_equal(fn(x, m.weight, m.bias).detach().numpy(), m(x).detach().numpy())
    check_grad(fn, x, m.weight, m.bias)
    check_gradgrad(fn, x, m.weight, m.bias)


def test_maxout_gradient_goes_to_the_winning_piece_and_ties_split():
    m = Maxout(1, 1, pieces=3).double()
    with ag.no_grad():
        m.weight.copy_(np.array([[1.0], [2.0], [2.0]]))   # pieces 1 and 2 tie
        m.bias.copy_(np.array([5.0, 0.0, 0.0]))
    x = ag.tensor(np.array([[-1.0], [3.0]]))
    m(x).sum().backward()
    # pieces give (4, -2, -2) for x = -1 and (8, 6, 6) for x = 3: piece 0 wins both
    np.testing.assert_array_equal(m.bias.grad.detach().numpy(), [2.0, 0.0, 0.0])
    m.zero_grad()
    x = ag.tensor(np.array([[10.0]]))                      # 15 < 20 == 20: a tie
    m(x).sum().backward()
    np.testing.assert_array_equal(m.bias.grad.detach().numpy(), [0.0, 0.5, 0.5])
    np.testing.assert_array_equal(m.weight.grad.detach().numpy(), [[0.0], [5.0], [5.0]])


def test_maxout_errors():
    m = Maxout(4, 3, pieces=2)
    with pytest.raises(ValueError, match=r"Maxout\(4, 3, pieces=2\) expected input \(\*, 4\), "
                                         r"got \(5, 7\)"):
        m(ag.zeros(5, 7))
    with pytest.raises(ValueError, match="Maxout: pieces must be >= 1, got 0"):
        Maxout(4, 3, pieces=0)


# --------------------------------------------------------------- dropout
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_statistics(p):
    ag.manual_seed(0)
    x = ag.ones(1000, 1000)
    out = dropout(x, p)
    zero = (out.detach().numpy() == 0).mean()
    assert abs(zero - p) < 0.005
    kept = out.detach().numpy()[out.detach().numpy() != 0]
    np.testing.assert_allclose(kept, 1 / (1 - p), rtol=1e-6)
    assert abs(out.detach().numpy().mean() - 1.0) < 0.01            # expectation preserved
    assert out.dtype == np.float32


def test_dropout_keeps_float64():
    assert dropout(ag.ones(10, dtype=np.float64), 0.5).dtype == np.float64


def test_dropout_gradient_is_mask_times_scale():
    ag.manual_seed(3)
    x = ag.tensor(np.ones((50, 40)), requires_grad=True)
    out = dropout(x, 0.3)
    g = np.random.default_rng(0).standard_normal((50, 40))
    out.backward(ag.tensor(g))
    mask = out.detach().numpy()                           # x is ones: out is the mask
    assert set(np.unique(mask)) == {0.0, 1 / 0.7}
    np.testing.assert_allclose(x.grad.detach().numpy(), g * mask)


def test_dropout_gradcheck_with_a_fixed_mask():
    def fn(x):
        ag.manual_seed(7)                                 # same mask every call
        return dropout(x, 0.4)
    x = ag.tensor(np.random.default_rng(0).standard_normal((4, 5)), requires_grad=True)
    check_grad(fn, x)
    check_gradgrad(fn, x)


def test_dropout_reproducible_with_manual_seed():
    x = ag.ones(200)
    ag.manual_seed(42)
    a = dropout(x, 0.5).detach().numpy()
    b = dropout(x, 0.5).detach().numpy()
    ag.manual_seed(42)
    c = dropout(x, 0.5).detach().numpy()
    np.testing.assert_array_equal(a, c)
    assert not np.array_equal(a, b)                       # the stream moves on


def test_dropout_edge_probabilities():
    x = ag.tensor(np.arange(1.0, 7.0), requires_grad=True)
    out = dropout(x, 1.0)
    assert (out.detach().numpy() == 0).all()
    out.sum().backward()
    assert (x.grad.detach().numpy() == 0).all()
    assert dropout(x, 0.0) is x
    assert dropout(x, 0.9, training=False) is x


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_bad_p(p):
    with pytest.raises(ValueError, match=r"p must be between 0 and 1, got p="):
        dropout(ag.ones(3), p)
    with pytest.raises(ValueError, match=r"Dropout: dropout probability p must be between"):
        Dropout(p)


@pytest.mark.parametrize("p", ["0.5", None])
def test_dropout_p_of_the_wrong_type(p):
    # TypeError, as in PyTorch (where the range comparison fails on it)
    with pytest.raises(TypeError, match=r"dropout: dropout probability p must be a number"):
        dropout(ag.ones(3), p)
    with pytest.raises(TypeError, match=r"Dropout: dropout probability p must be a number"):
        Dropout(p)


def test_dropout_module_train_and_eval():
    ag.manual_seed(0)
    d = Dropout(0.5)
    x = ag.ones(100, 100)
    assert (d(x).detach().numpy() == 0).any()
    d.eval()
    assert d(x) is x
    d.train()
    assert (d(x).detach().numpy() == 0).any()
    assert repr(d) == "Dropout(p=0.5, inplace=False)"


def test_dropout_inplace():
    ag.manual_seed(0)
    x = ag.ones(20, 20)
    out = dropout(x, 0.5, inplace=True)
    assert out is x
    assert (x.detach().numpy() == 0).any() and (x.detach().numpy() == 2.0).any()
    w = ag.tensor(np.ones((20, 20)), requires_grad=True)
    h = w * 1.0
    out = Dropout(0.5, inplace=True)(h)
    assert out is h
    out.sum().backward()
    np.testing.assert_array_equal(w.grad.detach().numpy(), out.detach().numpy())


def test_dropout2d_zeroes_whole_channels():
    ag.manual_seed(0)
    x = ag.ones(256, 64, 3, 3)  # 16,384 channels: 0.03 is 9 standard errors of frac
    out = dropout2d(x, 0.25).numpy()
    per_channel = out.reshape(256, 64, 9)
    # each channel is either all zero or all scaled
    assert ((per_channel == 0).all(-1) | (per_channel == 1 / 0.75).all(-1)).all()
    frac = (per_channel == 0).all(-1).mean()
    assert abs(frac - 0.25) < 0.03
    assert abs(out.mean() - 1.0) < 0.05


def test_dropout2d_unbatched_gradient_and_errors():
    ag.manual_seed(1)
    x = ag.tensor(np.ones((16, 2, 2)), requires_grad=True)
    out = Dropout2d(0.5)(x)
    assert out.shape == (16, 2, 2)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), out.detach().numpy())     # gradient = mask * scale
    assert (out.detach().numpy().reshape(16, 4).std(-1) == 0).all()     # channel-constant
    with pytest.raises(ValueError, match=r"expected input \(N, C, H, W\) or \(C, H, W\), got "
                                         r"shape \(4, 5\)"):
        dropout2d(ag.ones(4, 5))
    d = Dropout2d(0.5).eval()
    x4 = ag.ones(2, 3, 4, 4)
    assert d(x4) is x4


# ------------------------------------------------- PyTorch as an oracle
def test_against_pytorch_activations():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = np.random.default_rng(0).standard_normal((4, 6)) * 3
    pairs = [
        (lambda x: A.leaky_relu(x, 0.2), lambda x: F.leaky_relu(x, 0.2)),
        (lambda x: A.elu(x, 0.7), lambda x: F.elu(x, 0.7)),
        (lambda x: A.softplus(x, 2.0, 3.0), lambda x: F.softplus(x, 2.0, 3.0)),
        (lambda x: A.log_softmax(x, 1), lambda x: F.log_softmax(x, 1)),
        (A.gelu, F.gelu),
        (lambda x: A.gelu(x, approximate="tanh"), lambda x: F.gelu(x, approximate="tanh")),
    ]
    weights = np.arange(24.0).reshape(4, 6)
    for ours, theirs in pairs:
        xa = ag.tensor(x, requires_grad=True)
        xt = torch.tensor(x, requires_grad=True)
        a, b = ours(xa), theirs(xt)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)
        (a * ag.tensor(weights)).sum().backward()
        (b * torch.tensor(weights)).sum().backward()
        np.testing.assert_allclose(xa.grad.detach().numpy(), xt.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_gelu_of_a_zero_dim_tensor():
    """np.frompyfunc returns a Python float for 0-d input; GELU must still
    give a 0-d tensor of the input's dtype and its gradient."""
    x = ag.tensor(np.array(0.5), requires_grad=True)
    y = A.gelu(x)
    assert y.shape == () and y.dtype == np.float64
    assert y.item() == pytest.approx(0.5 * 0.5 * (1 + math.erf(0.5 / math.sqrt(2))), rel=1e-12)
    assert ag.gradcheck(A.gelu, (x,))

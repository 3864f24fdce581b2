"""Issue 11, losses: SmoothL1, Huber, KLDiv, Poisson/Gaussian NLL, margin
ranking, hinge embedding, soft margin, multilabel soft margin, cosine
embedding, triplet margin -- values by hand, reductions, gradcheck and
gradgradcheck in float64 (off the kinks), integer-target promotion,
errors, modules, and PyTorch 2.13 as an optional oracle."""
import math
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

from helpers import check_grad, check_gradgrad

R = np.random.default_rng(7)
A = R.standard_normal((3, 4))
B = R.standard_normal((3, 4))
POS = np.abs(B) + 0.2
SIGNS = np.array([[1.0, -1.0, 1.0, -1.0], [-1.0, 1.0, 1.0, -1.0], [1.0, 1.0, -1.0, -1.0]])
Y3 = np.array([1.0, -1.0, 1.0])


def _t(values, grad=False):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=grad)


# (name, float64 arrays, which of them are differentiated, keyword args)
CASES = [
    ("smooth_l1_loss", (A, B), 2, {"beta": 0.5}),
    ("smooth_l1_loss", (A, B), 2, {"beta": 0.0}),
    ("huber_loss", (A, B), 2, {"delta": 0.7}),
    ("kl_div", (A, POS), 2, {"reduction": "batchmean"}),
    ("kl_div", (A, B), 2, {"log_target": True}),
    ("poisson_nll_loss", (A, POS * 3), 1, {}),
    ("poisson_nll_loss", (POS, POS * 3), 1, {"log_input": False, "full": True}),
    ("gaussian_nll_loss", (A, B, POS), 3, {"full": True}),
    ("gaussian_nll_loss", (A, B, POS[:, 0]), 3, {}),
    ("margin_ranking_loss", (A[:, 0], B[:, 0], Y3), 2, {"margin": 0.1}),
    ("hinge_embedding_loss", (A, SIGNS), 1, {"margin": 1.5}),
    ("soft_margin_loss", (A, SIGNS), 1, {}),
    ("multilabel_soft_margin_loss", (A, (B > 0) * 1.0, POS[0]), 1, {}),
    ("cosine_embedding_loss", (A, B, Y3), 2, {"margin": -0.5}),
    ("triplet_margin_loss", (A, B, A + 0.3 * B), 3, {}),
    ("triplet_margin_loss", (A, B, A + 0.3 * B), 3, {"p": 1, "swap": True, "margin": 2.0}),
]
IDS = [f"{c[0]}-{i}" for i, c in enumerate(CASES)]
KINKY = {"smooth_l1_loss-1", "hinge_embedding_loss-10", "triplet_margin_loss-15",
         "margin_ranking_loss-9", "cosine_embedding_loss-13"}


def _call(name, arrays, n_diff, kw, reduction):
    args = [_t(a, i < n_diff) for i, a in enumerate(arrays)]
    return args, getattr(F, name)(*args, reduction=reduction, **kw)


@pytest.mark.parametrize("index", range(len(CASES)), ids=IDS)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_gradcheck(index, reduction):
    name, arrays, n_diff, kw = CASES[index]
    if kw.get("reduction") == "batchmean" and reduction == "mean":
        reduction = "batchmean"
    kw = {k: v for k, v in kw.items() if k != "reduction"}
    args = [_t(a, i < n_diff) for i, a in enumerate(arrays)]

    def fn(*xs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(F, name)(*xs, reduction=reduction, **kw)
    check_grad(fn, *args)
    if IDS[index] not in KINKY:
        check_gradgrad(fn, *args)


def test_reductions_relate():
    for name, arrays, n_diff, kw in CASES:
        if "reduction" in kw:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, none = _call(name, arrays, n_diff, kw, "none")
            _, total = _call(name, arrays, n_diff, kw, "sum")
            _, mean = _call(name, arrays, n_diff, kw, "mean")
        assert total.item() == pytest.approx(none.detach().numpy().sum(), rel=1e-12), name
        assert mean.item() == pytest.approx(none.detach().numpy().mean(), rel=1e-12), name


# --------------------------------------------------------- values by hand
def test_smooth_l1_and_huber_by_hand():
    x, y = _t([0.0, 0.25, 2.0, -3.0]), _t([0.0, 0.0, 0.0, 0.0])
    # |d| < beta: 0.5 d^2 / beta; else |d| - beta / 2
    assert F.smooth_l1_loss(x, y, reduction="none", beta=0.5).detach().numpy().tolist() == \
        [0.0, 0.0625, 1.75, 2.75]
    assert F.smooth_l1_loss(x, y, beta=0.0, reduction="sum").item() == 5.25
    # huber = delta * smooth_l1(beta=delta)
    assert F.huber_loss(x, y, reduction="none", delta=0.5).detach().numpy().tolist() == \
        [0.0, 0.03125, 0.875, 1.375]
    assert F.huber_loss(x, y, weight=_t([1, 2, 0, 1]), reduction="sum").item() == \
        pytest.approx(2 * 0.03125 + 2.5)


def test_kl_div_by_hand():
    p = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    logq = np.log(np.array([[0.25, 0.25, 0.5], [0.2, 0.3, 0.5]]))
    expected_rows = [0.5 * math.log(2) * 2, 0.0]
    out = F.kl_div(_t(logq), _t(p), reduction="batchmean")
    assert out.item() == pytest.approx(sum(expected_rows) / 2)
    out = F.kl_div(_t(logq), _t(np.log(np.where(p > 0, p, 1e-300))), reduction="sum",
                   log_target=True)
    assert out.item() == pytest.approx(sum(expected_rows))
    with pytest.warns(UserWarning, match="batchmean"):
        mean = F.kl_div(_t(logq), _t(p))
    assert mean.item() == pytest.approx(sum(expected_rows) / 6)
    assert F.kl_div(_t(logq[0]), _t(p[0]), reduction="none").detach().numpy()[2] == 0.0   # 0 log 0 = 0


def test_poisson_and_gaussian_nll_by_hand():
    x, t = _t([0.0, 1.0]), _t([2.0, 3.0])
    assert F.poisson_nll_loss(x, t, reduction="none").detach().numpy() == pytest.approx([1.0, math.e - 3])
    stirling = 3 * math.log(3) - 3 + 0.5 * math.log(2 * math.pi * 3)
    full = F.poisson_nll_loss(_t([1.0, 2.0]), _t([1.0, 3.0]), log_input=False, full=True,
                              eps=0.0, reduction="none")
    assert full.detach().numpy() == pytest.approx([1.0, 2 - 3 * math.log(2) + stirling])
    mu, y, var = _t([0.0, 1.0]), _t([1.0, 1.0]), _t([2.0, 0.5])
    g = F.gaussian_nll_loss(mu, y, var, reduction="none")
    assert g.detach().numpy() == pytest.approx([0.5 * (math.log(2) + 0.5), 0.5 * math.log(0.5)])
    assert F.gaussian_nll_loss(mu, y, 2.0, full=True, reduction="sum").item() == \
        pytest.approx(0.5 * (2 * math.log(2) + 0.5) + math.log(2 * math.pi))


def test_gaussian_nll_var_floor_passes_the_gradient_through():
    """Variances below eps count as eps, but var's gradient is computed as
    if unclamped (PyTorch clamps a clone without recording it)."""
    var = _t([1e-9], grad=True)
    loss = F.gaussian_nll_loss(_t([0.0]), _t([0.001]), var, eps=1e-6)
    assert loss.item() == pytest.approx(0.5 * (math.log(1e-6) + 1e-6 / 1e-6))
    loss.backward()
    assert var.grad.item() == pytest.approx(0.5 * (1 / 1e-6 - 1e-6 / 1e-12))


def test_margin_losses_by_hand():
    x1, x2 = _t([1.0, 0.0, 2.0]), _t([0.0, 1.0, 2.5])
    y = _t([1.0, 1.0, -1.0])
    assert F.margin_ranking_loss(x1, x2, y, margin=0.5, reduction="none").detach().numpy().tolist() == \
        [0.0, 1.5, 0.0]
    d = _t([0.5, 2.0, 0.3, 0.7])
    t = _t([1.0, -1.0, -1.0, 0.0])         # a target of 0 contributes both terms (PyTorch)
    assert F.hinge_embedding_loss(d, t, reduction="none").detach().numpy() == \
        pytest.approx([0.5, 0.0, 0.7, 0.3 + 0.7])
    sm = F.soft_margin_loss(_t([0.0, 2.0]), _t([1.0, -1.0]), reduction="none")
    assert sm.detach().numpy() == pytest.approx([math.log(2), math.log1p(math.exp(2))])
    assert F.soft_margin_loss(_t([-1000.0]), _t([1.0])).item() == 1000.0   # no overflow


def test_multilabel_soft_margin_by_hand():
    x = _t([[0.0, 2.0]])
    y = _t([[1.0, 0.0]])
    per_label = [math.log(2), math.log1p(math.exp(2))]
    assert F.multilabel_soft_margin_loss(x, y, reduction="none").detach().numpy() == \
        pytest.approx([sum(per_label) / 2])
    w = _t([2.0, 0.0])
    assert F.multilabel_soft_margin_loss(x, y, w).item() == pytest.approx(per_label[0])


def test_cosine_embedding_and_triplet_by_hand():
    a = _t([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    b = _t([[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    y = ag.tensor(np.array([1, -1, 0]))
    out = F.cosine_embedding_loss(a, b, y, margin=0.5, reduction="none")
    assert out.detach().numpy() == pytest.approx([1.0, 1 / math.sqrt(2) - 0.5, 0.0])
    anchor, pos, neg = _t([[0.0, 0.0]]), _t([[3.0, 4.0]]), _t([[0.0, 1.0]])
    eps = 1e-6
    d_ap = math.hypot(-3 + eps, -4 + eps)
    d_an = math.hypot(eps, -1 + eps)
    assert F.triplet_margin_loss(anchor, pos, neg, margin=1.0).item() == \
        pytest.approx(1 + d_ap - d_an)
    d_pn = math.hypot(3 + eps, 3 + eps)
    assert F.triplet_margin_loss(anchor, pos, neg, swap=True).item() == \
        pytest.approx(1 + d_ap - min(d_an, d_pn))


# --------------------------------------------------------------- dtypes
def test_integer_targets_are_promoted():
    x = ag.tensor(np.ones((2, 3), dtype=np.float32))
    i = ag.tensor(np.array([[0, 1, 2], [1, 0, 1]]))
    for name in ["smooth_l1_loss", "huber_loss", "poisson_nll_loss", "soft_margin_loss",
                 "multilabel_soft_margin_loss", "hinge_embedding_loss"]:
        assert getattr(F, name)(x, i).dtype == np.float32, name
    assert F.gaussian_nll_loss(x, i, ag.ones(2, 3)).dtype == np.float32
    assert F.smooth_l1_loss(x, ag.tensor(np.ones((2, 3)))).dtype == np.float64
    with pytest.raises(TypeError, match="kl_div: target must be floating-point"):
        F.kl_div(x, i, reduction="sum")


# --------------------------------------------------------------- errors
def test_argument_errors():
    x, y = _t(A), _t(B)
    with pytest.raises(RuntimeError, match="negative values for beta"):
        F.smooth_l1_loss(x, y, beta=-1)
    with pytest.raises(RuntimeError, match="non-positive values for delta"):
        F.huber_loss(x, y, delta=0)
    with pytest.raises(ValueError, match="same size"):
        F.huber_loss(x, y, weight=_t(np.ones(4)))
    with pytest.raises(ValueError, match="reduction='bad'"):
        F.kl_div(x, y, reduction="bad")
    with pytest.raises(ValueError, match="reduction='bad'"):
        F.poisson_nll_loss(x, y, reduction="bad")
    with pytest.raises(ValueError, match="margin must be greater than 0, got -1"):
        F.triplet_margin_loss(x, y, y, margin=-1)
    with pytest.raises(ValueError, match="var has negative"):
        F.gaussian_nll_loss(x, y, -_t(np.ones((3, 4))))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(x, y, _t(np.ones((3, 2))))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(x, y, _t(np.ones(4)))


@pytest.mark.parametrize("call, msg", [
    (lambda x, y: F.smooth_l1_loss(x, _t(np.ones((3, 5)))), r"\(3, 4\).*\(3, 5\)"),
    (lambda x, y: F.kl_div(x, _t(np.ones((3, 5))), reduction="sum"), r"\(3, 4\).*\(3, 5\)"),
    (lambda x, y: F.soft_margin_loss(x, _t(np.ones(5))), r"\(3, 4\).*\(5,\)"),
    (lambda x, y: F.margin_ranking_loss(x[:, 0], _t(np.ones((3, 1))), _t(Y3)),
     "same number of dimensions"),
    (lambda x, y: F.cosine_embedding_loss(x, y, _t([[1, -1, 1]])), "multi-target"),
    (lambda x, y: F.cosine_embedding_loss(x[0], y[0], _t([1.0])),
     "1-D target tensor expects 2-D input"),
    (lambda x, y: F.cosine_embedding_loss(x, y, _t([1.0, -1.0])), r"\(3, 4\).*\(2,\)"),
    (lambda x, y: F.triplet_margin_loss(x, y, y[0]), "anchor 2D, positive 2D, and negative 1D"),
])
def test_shape_errors_are_runtime_errors_and_change_nothing(call, msg):
    x, y = _t(A, grad=True), _t(B, grad=True)
    with pytest.raises(RuntimeError, match=msg):
        call(x, y)
    assert x.grad is None and y.grad is None
    assert (x.detach().numpy() == A).all()


def test_broadcast_target_warns_like_pytorch():
    with pytest.warns(UserWarning, match="differs from input shape"):
        out = F.smooth_l1_loss(_t(A), _t(B[0]), reduction="none")
    assert out.shape == (3, 4)


# --------------------------------------------------------------- modules
def test_modules_forward_repr_and_buffers():
    x, y = _t(A), _t(B)
    assert nn.SmoothL1Loss(beta=0.5)(x, y).item() == F.smooth_l1_loss(x, y, beta=0.5).item()
    assert repr(nn.SmoothL1Loss(beta=0.5)) == "SmoothL1Loss(beta=0.5)"
    assert repr(nn.HuberLoss()) == "HuberLoss()"
    assert repr(nn.KLDivLoss(reduction="batchmean", log_target=True)) == \
        "KLDivLoss(reduction='batchmean', log_target=True)"
    assert nn.KLDivLoss(reduction="batchmean")(x, _t(POS)).item() == \
        F.kl_div(x, _t(POS), reduction="batchmean").item()
    assert nn.HingeEmbeddingLoss().margin == 1.0 and nn.CosineEmbeddingLoss().margin == 0.0
    assert nn.MarginRankingLoss(0.2)(x[:, 0], y[:, 0], _t(Y3)).item() == \
        F.margin_ranking_loss(x[:, 0], y[:, 0], _t(Y3), 0.2).item()
    m = nn.MultiLabelSoftMarginLoss(weight=np.ones(4))
    assert list(m.state_dict()) == ["weight"]
    assert nn.GaussianNLLLoss(full=True)(x, y, _t(POS)).item() == \
        F.gaussian_nll_loss(x, y, _t(POS), full=True).item()
    with pytest.raises(TypeError):
        nn.GaussianNLLLoss(True)                       # keyword-only, as PyTorch
    t = nn.TripletMarginLoss(margin=2.0, p=1, swap=True)
    assert (t.margin, t.p, t.eps, t.swap) == (2.0, 1, 1e-6, True)
    p = nn.PoissonNLLLoss(log_input=False, full=True)
    assert (p.log_input, p.full, p.eps) == (False, True, 1e-8)
    assert p(_t(POS), _t(POS)).item() == \
        F.poisson_nll_loss(_t(POS), _t(POS), log_input=False, full=True).item()
    with pytest.raises(ValueError):
        nn.KLDivLoss(reduction="bad")


def test_legacy_flags_are_translated():
    with pytest.warns(UserWarning, match="reduction='sum'"):
        out = F.soft_margin_loss(_t(A), _t(SIGNS), size_average=False)
    assert out.item() == pytest.approx(F.soft_margin_loss(_t(A), _t(SIGNS),
                                                          reduction="sum").item())


# --------------------------------------------------------- torch oracle
@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_matches_torch(case, reduction):
    torch = pytest.importorskip("torch")
    tf = pytest.importorskip("torch.nn.functional")
    name, arrays, n_diff, kw = case
    kw = dict(kw)
    if kw.pop("reduction", None) == "batchmean" and reduction == "mean":
        reduction = "batchmean"
    ours = [_t(a, i < n_diff) for i, a in enumerate(arrays)]
    theirs = [torch.tensor(a, requires_grad=i < n_diff) for i, a in enumerate(arrays)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = getattr(F, name)(*ours, reduction=reduction, **kw)
        yt = getattr(tf, name)(*theirs, reduction=reduction, **kw)
    assert y.shape == tuple(yt.shape) and y.dtype == np.float64
    assert y.detach().numpy() == pytest.approx(yt.detach().numpy(), rel=1e-12, abs=1e-12)
    g = ag.grad(y.sum(), ours[:n_diff])
    gt = torch.autograd.grad(yt.sum(), theirs[:n_diff])
    for mine, ref in zip(g, gt):
        assert mine.detach().numpy() == pytest.approx(ref.numpy(), rel=1e-10, abs=1e-12)


def test_float32_dtypes_match_torch():
    torch = pytest.importorskip("torch")
    tf = pytest.importorskip("torch.nn.functional")
    x = A.astype(np.float32)
    i = (B > 0).astype(np.int64)
    for name in ["smooth_l1_loss", "huber_loss", "poisson_nll_loss", "soft_margin_loss",
                 "multilabel_soft_margin_loss"]:
        ours = getattr(F, name)(ag.tensor(x), ag.tensor(i))
        ref = getattr(tf, name)(torch.tensor(x), torch.tensor(i))
        assert str(ours.dtype) == str(ref.dtype).replace("torch.", ""), name
        assert ours.item() == pytest.approx(ref.item(), rel=1e-5), name

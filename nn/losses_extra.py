"""More of PyTorch's losses: robust regression (``smooth_l1_loss``,
``huber_loss``), distributions (``kl_div``, ``poisson_nll_loss``,
``gaussian_nll_loss``), margins and embeddings (``margin_ranking_loss``,
``hinge_embedding_loss``, ``soft_margin_loss``,
``multilabel_soft_margin_loss``, ``cosine_embedding_loss``,
``triplet_margin_loss``) -- functions and modules.

As in `losses`, each is a composition of engine ops, so it differentiates
twice; piecewise losses use ``where`` on the data, never a multiplied 0/1
mask, so an unselected branch cannot leak a NaN.  Arguments, defaults,
reductions (with the deprecated ``size_average``/``reduce`` flags),
integer-target promotion and the errors for shapes that do not fit follow
PyTorch 2.13.  Terms that PyTorch computes as ``log(1 + exp(z))`` use
``softplus`` here (finite where PyTorch overflows to inf for z > ~88 in
float32).
"""
import math
import warnings

import numpy as np

import autograd as ag
from autograd import Tensor

from autograd.errors import ArgumentError
from .layers.distance import pairwise_distance
from .losses import (_Loss, _buffer, _check_input, _check_reduction, _difference,
                     _legacy_reduction, _promoted, _reduce)
from ._checks import not_tensor, real_arg
from .module import Module


# ------------------------------------------------------------ helpers
def _as_tensor(value):
    """A constant (array) operand as a Tensor, so Tensor methods apply."""
    return value if isinstance(value, Tensor) else ag.tensor(np.asarray(value))


def _operands(input, target, fn, integer_ok=True):
    """``(input, target)`` promoted as PyTorch promotes them (integer and
    bool targets take the input's float dtype), target as a Tensor, and
    checked to broadcast together."""
    _check_input(input, target, fn)
    input, t = _promoted(input, target, fn, integer_ok=integer_ok)
    t = _as_tensor(t)
    _broadcastable(fn, ("input", input), ("target", t))
    return input, t


def _broadcastable(fn, *named):
    """Refuse operands whose shapes do not broadcast, naming them all."""
    try:
        np.broadcast_shapes(*(t.shape for _, t in named))
    except ValueError:
        listing = ", ".join(f"{name} of shape {t.shape}" for name, t in named)
        raise ArgumentError(f"{fn}: {listing} cannot be broadcast together") from None


def _tensor_arg(value, fn, name, position):
    if not isinstance(value, Tensor):
        raise not_tensor(fn, name, position, value)
    return value


def _exact_softplus(x):
    """log(1 + exp(x)) by ``logaddexp`` for every x (no linear cut-off)."""
    return x.softplus(1.0, float("inf"))


def _data(t):
    return t._data if isinstance(t, Tensor) else np.asarray(t)


# -------------------------------------------------- robust regression
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean",
                   beta=1.0):
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta``, with
    ``d = input - target``: quadratic near 0, linear (robust to outliers)
    beyond.  ``beta=0`` is the L1 loss."""
    fn = "smooth_l1_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    if real_arg(beta, "beta", fn) < 0:
        raise ArgumentError(f"{fn}: does not support negative values for beta, got beta={beta}")
    d = _difference(input, target, fn)
    ad = d.abs()
    if beta == 0:
        return _reduce(ad, reduction)
    loss = ag.where(ad._data < beta, d * d * (0.5 / beta), ad - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``:
    ``delta`` times `smooth_l1_loss` with beta = delta.  ``weight`` (the
    input's shape) scales each element before the reduction."""
    fn = "huber_loss"
    _check_reduction(reduction, fn)
    if real_arg(delta, "delta", fn) <= 0:
        raise ArgumentError(f"{fn}: does not support non-positive values for delta, got "
                            f"delta={delta}")
    d = _difference(input, target, fn)
    ad = d.abs()
    loss = ag.where(ad._data < delta, d * d * 0.5, (ad - 0.5 * delta) * delta)
    if weight is not None:
        if tuple(np.shape(_data(weight))) != input.shape:
            raise ValueError(f"{fn}: weights and input must have the same size, got weight "
                             f"of shape {np.shape(_data(weight))} for input of shape "
                             f"{input.shape}")
        loss = loss * weight
    return _reduce(loss, reduction)


# ---------------------------------------------------- distributions
_KL_REDUCTIONS = ("mean", "batchmean", "sum", "none")


def _kl_reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return _legacy_reduction(size_average, reduce, "mean", "kl_div")
    if reduction not in _KL_REDUCTIONS:
        raise ValueError(f"kl_div: reduction={reduction!r} is not valid; use 'batchmean', "
                         "'mean', 'sum' or 'none'")
    if reduction == "mean":
        warnings.warn("kl_div: reduction='mean' divides the total loss by both the batch size "
                      "and the support size; 'batchmean' divides by the batch size only, "
                      "which is the mathematical KL divergence (PyTorch gives the same "
                      "warning)", UserWarning, stacklevel=3)
    return reduction


def _xlogx(t):
    """``t log t`` with 0 at t = 0 (and NaN for negative t, as PyTorch)."""
    zero = t._data == 0
    with np.errstate(invalid="ignore"):
        return ag.where(zero, 0.0, t * ag.where(zero, 1.0, t).log())


def kl_div(input, target, size_average=None, reduce=None, reduction="mean",
           log_target=False):
    """Pointwise KL divergence ``target * (log target - input)``, with
    ``input`` given as log-probabilities (and ``target`` too when
    ``log_target``).  ``reduction='batchmean'`` (sum / batch size) is the
    true KL divergence; PyTorch's default 'mean' divides by every element.

    Where a target is exactly 0 (not log_target), the target's gradient
    here is ``-input`` (the limit), where PyTorch reports NaN."""
    fn = "kl_div"
    reduction = _kl_reduction(size_average, reduce, reduction)
    input, t = _operands(input, target, fn, integer_ok=False)
    if log_target:
        loss = t.exp() * (t - input)
    else:
        loss = _xlogx(t) - t * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.ndim else total
    return _reduce(loss, reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None,
                     eps=1e-8, reduce=None, reduction="mean"):
    """Negative log-likelihood of a Poisson target with rate ``exp(input)``
    (``log_input``) or ``input``: ``exp(x) - t x`` or ``x - t log(x + eps)``.
    ``full`` adds Stirling's approximation of ``log(t!)``,
    ``t log t - t + 0.5 log(2 pi t)``, for targets above 1."""
    fn = "poisson_nll_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    input, t = _operands(input, target, fn)
    if log_input:
        loss = input.exp() - t * input
    else:
        loss = input - t * (input + real_arg(eps, "eps", fn)).log()
    if full:
        loss = loss + _stirling(t)
    return _reduce(loss, reduction)


def _stirling(t):
    """``t log t - t + 0.5 log(2 pi t)`` where t > 1, else 0."""
    big = t._data > 1
    safe = ag.where(big, t, 1.0)
    term = safe * safe.log() - safe + (safe * (2 * math.pi)).log() * 0.5
    return ag.where(big, term, 0.0)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """Negative log-likelihood of ``target`` under a Gaussian with mean
    ``input`` and variance ``var``: ``0.5 (log var + (input - target)^2 / var)``
    (+ 0.5 log(2 pi) with ``full``).

    ``var`` may be a number, the input's shape, the input's shape without
    its last dim, or the input's shape with one dim of size 1.  Variances
    below ``eps`` are raised to ``eps`` for the value only: the gradient
    still reaches ``var`` as if unclamped (PyTorch clamps a clone in
    place without recording it)."""
    fn = "gaussian_nll_loss"
    input, t = _operands(input, target, fn)
    var = _gaussian_var(var, input, fn)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{fn}: reduction={reduction!r} is not valid; use 'mean', 'sum' or "
                         "'none'")
    low = var._data < eps
    if low.any():   # straight-through floor: value max(var, eps), gradient of var
        var = var + np.where(low, eps - var._data, 0).astype(var.dtype)
    loss = (var.log() + (input - t) ** 2 / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def _gaussian_var(var, input, fn):
    """``var`` as a Tensor that broadcasts against ``input``, or the
    ValueError PyTorch raises."""
    if isinstance(var, (int, float)) and not isinstance(var, bool):
        if var < 0:
            raise ValueError(f"{fn}: var has negative entry/entries, got var={var}")
        return ag.full(input.shape, float(var), dtype=input.dtype)
    var = _tensor_arg(var, fn, "var", 3)
    if (var._data < 0).any():
        raise ValueError(f"{fn}: var has negative entry/entries (min {var._data.min()})")
    if var.shape == input.shape:
        return var
    if var.shape == input.shape[:-1]:
        return var.unsqueeze(-1)
    if var.ndim == input.ndim and sum(v for i, v in zip(input.shape, var.shape) if i != v) == 1:
        return var
    raise ValueError(f"{fn}: var is of incorrect size: got shape {var.shape} for input of "
                     f"shape {input.shape}; expected the input's shape, the input's shape "
                     "without its last dim, or the input's shape with one dim of size 1")


# ------------------------------------------------ margins and embeddings
def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                        reduction="mean"):
    """``max(0, -target (input1 - input2) + margin)``: target 1 asks for
    input1 to rank higher than input2 by ``margin``, -1 the reverse."""
    fn = "margin_ranking_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    x1 = _tensor_arg(input1, fn, "input1", 1)
    x2 = _tensor_arg(input2, fn, "input2", 2)
    y = _tensor_arg(target, fn, "target", 3)
    if not x1.ndim == x2.ndim == y.ndim:
        raise ArgumentError(f"{fn}: all input tensors should have the same number of "
                            f"dimensions, but got sizes: input1: {x1.shape}, input2: "
                            f"{x2.shape}, target: {y.shape}")
    _broadcastable(fn, ("input1", x1), ("input2", x2), ("target", y))
    return _reduce((-y * (x1 - x2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """``input`` where target is 1, ``max(0, margin - input)`` where it is
    -1 (``input`` is typically a distance between two embeddings).  Other
    target values contribute both terms, as in PyTorch."""
    fn = "hinge_embedding_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    _check_input(input, target, fn)
    y = _data(target)
    _broadcastable(fn, ("input", input), ("target", y))
    hinge = ag.where(y != 1, (margin - input).clamp(min=0), 0.0)
    return _reduce(hinge + ag.where(y != -1, input, 0.0), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``log(1 + exp(-target * input))``: a smooth hinge for targets of +-1."""
    fn = "soft_margin_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    input, t = _operands(input, target, fn)
    return _reduce(_exact_softplus(-(t * input)), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """Binary cross-entropy on logits for each of C labels (the last dim),
    averaged over the labels: one loss per sample.  ``weight`` scales each
    label."""
    fn = "multilabel_soft_margin_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    input, t = _operands(input, target, fn)
    if input.ndim == 0:
        raise ArgumentError(f"{fn}: input must have a label dimension, got a 0-d tensor")
    # -(t log sigmoid(x) + (1 - t) log sigmoid(-x)), each log sigmoid as -softplus
    loss = t * _exact_softplus(-input) + (1.0 - t) * _exact_softplus(input)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.sum(-1) / input.shape[-1], reduction)


_COS_EPS = 1e-12   # PyTorch's floor under each squared norm


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None, reduce=None,
                          reduction="mean"):
    """``1 - cos(x1, x2)`` where target is 1, ``max(0, cos(x1, x2) - margin)``
    where it is -1 (0 for other values); the cosine is over the last dim,
    for (N, D) inputs with an (N,) target or (D,) inputs with a 0-d one."""
    fn = "cosine_embedding_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    x1 = _tensor_arg(input1, fn, "input1", 1)
    x2 = _tensor_arg(input2, fn, "input2", 2)
    y = _data(_tensor_arg(target, fn, "target", 3))
    _cosine_embedding_shapes(x1, x2, y, fn)
    dot = (x1 * x2).sum(-1)
    sq1 = (x1 * x1).sum(-1) + _COS_EPS
    sq2 = (x2 * x2).sum(-1) + _COS_EPS
    cos = dot / (sq1 * sq2).sqrt()
    loss = ag.where(y == 1, 1.0 - cos, 0.0) + ag.where(y == -1, (cos - margin).clamp(min=0),
                                                      0.0)
    return _reduce(loss, reduction)


def _cosine_embedding_shapes(x1, x2, y, fn):
    if y.ndim > 1:
        raise ArgumentError(f"{fn}: 0-D or 1-D target tensor expected, multi-target not "
                            f"supported; got target of shape {y.shape}")
    if not x1.ndim == x2.ndim == y.ndim + 1:
        raise ArgumentError(f"{fn}: {y.ndim}-D target tensor expects {y.ndim + 1}-D input "
                            f"tensors, but found inputs with sizes {x1.shape} and {x2.shape}")
    if x1.shape != x2.shape or x1.shape[:-1] != y.shape:
        raise ArgumentError(f"{fn}: input1 {x1.shape}, input2 {x2.shape} and target "
                            f"{y.shape} do not fit: expected (N, D), (N, D) and (N,)")


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """``max(0, margin + d(a, p) - d(a, n))`` with ``d`` the `pairwise_distance`
    over the last dim: pulls the positive closer to the anchor than the
    negative by ``margin``.  ``swap`` uses ``min(d(a, n), d(p, n))`` as the
    negative distance (Balntas et al., 2016)."""
    fn = "triplet_margin_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    if real_arg(margin, "margin", fn) <= 0:
        raise ValueError(f"{fn}: margin must be greater than 0, got {margin}")
    a = _tensor_arg(anchor, fn, "anchor", 1)
    pos = _tensor_arg(positive, fn, "positive", 2)
    neg = _tensor_arg(negative, fn, "negative", 3)
    if not a.ndim == pos.ndim == neg.ndim:
        raise ArgumentError(f"{fn}: the anchor, positive, and negative tensors are expected to "
                            f"have the same number of dimensions, but got: anchor {a.ndim}D, "
                            f"positive {pos.ndim}D, and negative {neg.ndim}D inputs")
    _broadcastable(fn, ("anchor", a), ("positive", pos), ("negative", neg))
    d_pos = pairwise_distance(a, pos, p, eps)
    d_neg = pairwise_distance(a, neg, p, eps)
    if swap:
        d_neg = ag.minimum(d_neg, pairwise_distance(pos, neg, p, eps))
    return _reduce((d_pos - d_neg + margin).clamp(min=0), reduction)


# ----------------------------------------------------------------- modules
def _flag(name, value, default):
    return "" if value == default else f"{name}={value!r}"


def _joined(*parts):
    return ", ".join(p for p in parts if p)


class SmoothL1Loss(_Loss):
    """Module form of `smooth_l1_loss`."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        if real_arg(beta, "beta", "SmoothL1Loss") < 0:
            raise ArgumentError(f"SmoothL1Loss: beta must be >= 0, got {beta}")
        self.beta = beta

    def forward(self, input, target):
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)

    def extra_repr(self):
        return _joined(super().extra_repr(), _flag("beta", self.beta, 1.0))


class HuberLoss(_Loss):
    """Module form of `huber_loss`."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        if real_arg(delta, "delta", "HuberLoss") <= 0:
            raise ArgumentError(f"HuberLoss: delta must be > 0, got {delta}")
        self.delta = delta

    def forward(self, input, target):
        return huber_loss(input, target, reduction=self.reduction, delta=self.delta)

    def extra_repr(self):
        return _joined(super().extra_repr(), _flag("delta", self.delta, 1.0))


class KLDivLoss(_Loss):
    """Module form of `kl_div` (input: log-probabilities); use
    ``reduction='batchmean'`` for the mathematical KL divergence."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        Module.__init__(self)
        if size_average is not None or reduce is not None:
            reduction = _legacy_reduction(size_average, reduce, reduction, "KLDivLoss")
        elif reduction not in _KL_REDUCTIONS:
            raise ValueError(f"KLDivLoss: reduction={reduction!r} is not valid; use "
                             "'batchmean', 'mean', 'sum' or 'none'")
        self.reduction = reduction
        self.log_target = log_target

    def forward(self, input, target):
        return kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

    def extra_repr(self):
        return _joined(super().extra_repr(), _flag("log_target", self.log_target, False))


class _MarginLoss(_Loss):
    """A loss whose one setting besides the reduction is ``margin``."""
    _default_margin = 0.0

    def __init__(self, margin=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        margin = self._default_margin if margin is None else margin
        self.margin = real_arg(margin, "margin", type(self).__name__)

    def extra_repr(self):
        return _joined(super().extra_repr(), _flag("margin", self.margin, self._default_margin))


class CosineEmbeddingLoss(_MarginLoss):
    """Module form of `cosine_embedding_loss`."""

    def forward(self, input1, input2, target):
        return cosine_embedding_loss(input1, input2, target, self.margin,
                                     reduction=self.reduction)


class MarginRankingLoss(_MarginLoss):
    """Module form of `margin_ranking_loss`."""

    def forward(self, input1, input2, target):
        return margin_ranking_loss(input1, input2, target, self.margin,
                                   reduction=self.reduction)


class HingeEmbeddingLoss(_MarginLoss):
    """Module form of `hinge_embedding_loss`."""
    _default_margin = 1.0

    def forward(self, input, target):
        return hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """Module form of `soft_margin_loss`."""

    def forward(self, input, target):
        return soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_Loss):
    """Module form of `multilabel_soft_margin_loss`; ``weight`` (one per
    label) is a buffer, as in PyTorch."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _buffer(weight))

    def forward(self, input, target):
        return multilabel_soft_margin_loss(input, target, self.weight,
                                           reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """Module form of `poisson_nll_loss`."""

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = real_arg(eps, "eps", "PoissonNLLLoss")

    def forward(self, log_input, target):
        return poisson_nll_loss(log_input, target, self.log_input, self.full, eps=self.eps,
                                reduction=self.reduction)

    def extra_repr(self):
        return _joined(super().extra_repr(), _flag("log_input", self.log_input, True),
                       _flag("full", self.full, False), _flag("eps", self.eps, 1e-8))


class GaussianNLLLoss(_Loss):
    """Module form of `gaussian_nll_loss`; called as ``loss(input, target,
    var)``."""

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(reduction=reduction)
        self.full = full
        self.eps = real_arg(eps, "eps", "GaussianNLLLoss")

    def forward(self, input, target, var):
        return gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                 reduction=self.reduction)

    def extra_repr(self):
        return _joined(super().extra_repr(), _flag("full", self.full, False),
                       _flag("eps", self.eps, 1e-6))


class TripletMarginLoss(_Loss):
    """Module form of `triplet_margin_loss`."""

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None,
                 reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        if real_arg(margin, "margin", "TripletMarginLoss") <= 0:
            raise ValueError(f"TripletMarginLoss: margin must be greater than 0, got {margin}")
        self.margin = margin
        self.p = real_arg(p, "p", "TripletMarginLoss")
        self.eps = real_arg(eps, "eps", "TripletMarginLoss")
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                   self.swap, reduction=self.reduction)

    def extra_repr(self):
        return _joined(super().extra_repr(), _flag("margin", self.margin, 1.0),
                       _flag("p", self.p, 2.0), _flag("eps", self.eps, 1e-6),
                       _flag("swap", self.swap, False))

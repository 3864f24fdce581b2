"""Multi-class margin losses (``multi_margin_loss``,
``multilabel_margin_loss``), the triplet loss with a distance of the
user's choosing, the deprecated ``NLLLoss2d`` alias, ``gumbel_softmax`` and
``AdaptiveLogSoftmaxWithLoss`` -- functions and modules, as PyTorch 2.13.

As in `losses`, every loss is a composition of engine ops (one gather,
``clamp``, ``where``, sums), so the gradient and its gradient come from the
engine.  Terms a loss leaves out (a class against itself, padding after the
first -1 of a multilabel target) are selected away with ``where``, never
multiplied by a 0 mask.  PyTorch's dtype rules are kept: class targets must
be int64 Tensors, a class weight must have the input's dtype.
"""
import warnings
from collections import namedtuple

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentError, DTypeError

from ._checks import not_tensor, real_arg, size_arg
from .layers.container import ModuleList, Sequential
from .layers.distance import PairwiseDistance, pairwise_distance
from .layers.linear import Linear
from .losses import NLLLoss, _buffer, _legacy_reduction, _Loss, _reduce
from .losses_extra import _broadcastable, _tensor_arg
from .module import Module


# ------------------------------------------------------------ arguments
def _float_input(input, fn):
    if not isinstance(input, Tensor):
        raise not_tensor(fn, "input", 1, input)
    if input.dtype.kind != "f":
        raise DTypeError(f"{fn}: input must be floating-point, got dtype {input.dtype}; "
                         "convert with .float()")
    if input.ndim not in (1, 2) or input.shape[-1] == 0:
        raise ArgumentError(f"{fn}: expected a non-empty (C,) or (N, C) input, got shape "
                            f"{input.shape}")
    return input


def _long_target(target, fn, any_integer=False):
    """Class indices as an int64 array: PyTorch's margin kernels refuse any
    other dtype of target Tensor (``any_integer`` admits every integer
    dtype, as the adaptive softmax does; a NumPy array or list is a
    constant and is accepted when it holds integers)."""
    if isinstance(target, Tensor):
        if target.dtype != np.int64 and not (any_integer and target.dtype.kind in "iu"):
            raise DTypeError(f"{fn}: target must be an int64 (Long) tensor of class indices, "
                             f"got dtype {target.dtype}; convert with .long()")
        return target._data.astype(np.int64, copy=False)
    arr = np.asarray(target)
    if arr.dtype.kind not in "iu":
        raise DTypeError(f"{fn}: target must hold integer class indices, got dtype "
                         f"{arr.dtype}")
    return arr.astype(np.int64, copy=False)


def _class_weight(weight, input, fn):
    """One weight per class, in the input's dtype (PyTorch refuses another)."""
    if weight is None:
        return None
    if not isinstance(weight, Tensor):
        weight = ag.tensor(np.asarray(weight, dtype=input.dtype))
    if weight.ndim != 1:
        raise ValueError(f"{fn}: weight must be one-dimensional, got shape {weight.shape}")
    if weight.shape[0] != input.shape[-1]:
        raise ArgumentError(f"{fn}: inconsistent weight size, expected {input.shape[-1]} "
                            f"(one per class) but got shape {weight.shape}")
    if weight.dtype != input.dtype:
        raise DTypeError(f"{fn}: weight has dtype {weight.dtype} but the input has dtype "
                         f"{input.dtype}; they must match")
    return weight


def _batched(input, target):
    """An unbatched (C,) input as a batch of one, and its target with it."""
    if input.ndim == 1:
        return input.unsqueeze(0), target.reshape((1,) + target.shape)
    return input, target


def _unbatched_result(loss, was_1d, reduction):
    return loss.reshape(()) if was_1d and reduction == "none" else loss


# ------------------------------------------------------- multi-class margin
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """Multi-class hinge loss: for each sample with class ``y``,
    ``sum_{i != y} w[y] * max(0, margin - x[y] + x[i])^p / C``.  ``p`` is 1
    or 2; ``weight`` (one per class) scales each sample by its class."""
    fn = "multi_margin_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    if p not in (1, 2) or isinstance(p, bool):
        raise ValueError(f"{fn}: only p == 1 and p == 2 supported, got p={p!r}")
    real_arg(margin, "margin", fn)
    input = _float_input(input, fn)
    y = _long_target(target, fn)
    w = _class_weight(weight, input, fn)
    was_1d = input.ndim == 1
    if y.shape != input.shape[:-1]:
        raise ArgumentError(f"{fn}: target should have shape {input.shape[:-1]} (one class per "
                            f"sample), got {y.shape} for input of shape {input.shape}")
    x, y = _batched(input, y)
    _check_classes(y, x.shape[1], fn)
    rows = np.arange(x.shape[0])
    picked = x[rows, y].unsqueeze(1)                       # x[n, y_n], (N, 1)
    hinge = (x - picked + margin).clamp(min=0)
    if p == 2:
        hinge = hinge * hinge
    if w is not None:
        hinge = hinge * w[y].unsqueeze(1)
    own = np.arange(x.shape[1]) == y[:, None]
    loss = ag.where(own, 0.0, hinge).sum(1) / x.shape[1]
    return _unbatched_result(_reduce(loss, reduction), was_1d, reduction)


def _check_classes(y, n_classes, fn, low=0):
    bad = (y < low) | (y >= n_classes)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ArgumentError(f"{fn}: target out of range: {y[where]} at position {where}, "
                            f"valid class indices are {low}..{n_classes - 1}")


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Multi-label hinge loss.  ``target`` (the input's shape) lists each
    sample's classes, ended by the first -1; the loss is
    ``sum_{j in targets} sum_{i not in targets} max(0, 1 - (x[j] - x[i])) / C``
    (a class listed twice counts twice, as in PyTorch).  All (j, i) pairs
    are formed at once, an (N, C, C) array: memory grows with C^2."""
    fn = "multilabel_margin_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    input = _float_input(input, fn)
    y = _long_target(target, fn)
    if y.shape != input.shape:
        raise ArgumentError(f"{fn}: inconsistent target size: target of shape {y.shape} for "
                            f"input of shape {input.shape}; the target must have the "
                            "input's shape, padded with -1")
    was_1d = input.ndim == 1
    x, y = _batched(input, y)
    _check_classes(y, x.shape[1], fn, low=-1)
    listed = np.cumprod(y != -1, axis=1).astype(bool)      # before the first -1
    safe = np.where(listed, y, 0)
    rows = np.arange(x.shape[0])[:, None]
    x_t = x[rows, safe]                                    # x[n, y_nj], (N, C)
    hinge = (1.0 - x_t.unsqueeze(2) + x.unsqueeze(1)).clamp(min=0)   # (N, j, i)
    keep = listed[:, :, None] & ~_targets_of(listed, safe)[:, None, :]
    loss = ag.where(keep, hinge, 0.0).sum((1, 2)) / x.shape[1]
    return _unbatched_result(_reduce(loss, reduction), was_1d, reduction)


def _targets_of(listed, safe):
    """(N, C) mask of the classes listed in each sample's target."""
    mask = np.zeros(listed.shape, dtype=bool)
    rows = np.nonzero(listed)[0]
    mask[rows, safe[listed]] = True
    return mask


# ---------------------------------------------------------------- triplet
def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin=1.0, swap=False, reduction="mean"):
    """``max(0, margin + d(a, p) - d(a, n))`` with ``d`` any callable of two
    tensors returning one distance per triplet (default `pairwise_distance`).
    ``swap`` uses ``min(d(a, n), d(p, n))`` as the negative distance."""
    fn = "triplet_margin_with_distance_loss"
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{fn}: {reduction!r} is not a valid value for reduction; use "
                         "'mean', 'sum' or 'none'")
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
    dist = pairwise_distance if distance_function is None else distance_function
    d_pos = dist(a, pos)
    d_neg = dist(a, neg)
    if swap:
        d_neg = ag.minimum(d_neg, dist(pos, neg))
    return _reduce((d_pos - d_neg + margin).clamp(min=0), reduction)


# ----------------------------------------------------------- gumbel softmax
def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """A differentiable sample of a categorical distribution with
    log-probabilities ``logits`` (up to a constant):
    ``softmax((logits + g) / tau)`` with Gumbel(0, 1) noise ``g`` drawn from
    the library generator.  ``hard`` returns the one-hot of its argmax in
    the forward pass and the soft sample's gradient in the backward
    (straight-through).  ``eps`` is unused (deprecated in PyTorch too)."""
    fn = "gumbel_softmax"
    if not isinstance(logits, Tensor):
        raise not_tensor(fn, "logits", 1, logits)
    if logits.dtype.kind != "f":
        raise DTypeError(f"{fn}: logits must be floating-point, got dtype {logits.dtype}")
    if eps != 1e-10:
        warnings.warn(f"{fn}: `eps` parameter is deprecated and has no effect.",
                      UserWarning, stacklevel=2)
    real_arg(tau, "tau", fn)
    noise = -np.log(ag.factories.generator().standard_exponential(logits.shape))
    soft = ((logits + noise.astype(logits.dtype)) / tau).softmax(dim)
    if not hard:
        return soft
    # one-hot of the argmax, plus (soft - soft.detach()) whose value is 0
    # and whose gradient is the soft sample's
    index = np.expand_dims(soft._data.argmax(dim), dim)
    one_hot = np.zeros(soft.shape, dtype=soft.dtype)
    np.put_along_axis(one_hot, index, 1, axis=dim)
    return soft - soft.detach() + one_hot


# ------------------------------------------------------------------ modules
class MultiMarginLoss(_Loss):
    """Module form of `multi_margin_loss`; ``weight`` is a buffer."""

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                 reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        if p not in (1, 2) or isinstance(p, bool):
            raise ValueError(f"MultiMarginLoss: only p == 1 and p == 2 supported, got p={p!r}")
        if weight is not None and np.ndim(weight._data if isinstance(weight, Tensor)
                                          else weight) != 1:
            raise ValueError("MultiMarginLoss: weight must be one-dimensional")
        self.p = p
        self.margin = real_arg(margin, "margin", "MultiMarginLoss")
        self.register_buffer("weight", _buffer(weight))

    def forward(self, input, target):
        return multi_margin_loss(input, target, p=self.p, margin=self.margin,
                                 weight=self.weight, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Module form of `multilabel_margin_loss`."""

    def forward(self, input, target):
        return multilabel_margin_loss(input, target, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """Module form of `triplet_margin_with_distance_loss`; the default
    distance is a `PairwiseDistance` child module (as in PyTorch)."""

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(reduction=reduction)
        if real_arg(margin, "margin", "TripletMarginWithDistanceLoss") <= 0:
            raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater "
                             f"than 0, got {margin} instead")
        self.distance_function = (distance_function if distance_function is not None
                                  else PairwiseDistance())
        self.margin = margin
        self.swap = swap

    def forward(self, anchor, positive, negative):
        return triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction)


class NLLLoss2d(NLLLoss):
    """Deprecated alias of `NLLLoss` (which takes (N, C, H, W) inputs
    itself); warns on construction, as PyTorch does."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        warnings.warn("NLLLoss2d has been deprecated. Please use NLLLoss instead as a "
                      "drop-in replacement.", FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


# --------------------------------------------------- adaptive log-softmax
_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


def _check_cutoffs(cutoffs, n_classes):
    cutoffs = list(cutoffs)
    ok = (len(cutoffs) > 0 and all(isinstance(c, (int, np.integer)) and not isinstance(c, bool)
                                   for c in cutoffs)
          and cutoffs == sorted(set(cutoffs)) and min(cutoffs) > 0
          and max(cutoffs) <= n_classes - 1)
    if not ok:
        raise ValueError("AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, "
                         "positive integers sorted in an increasing order, where each value "
                         f"is between 1 and n_classes-1 = {n_classes - 1}; got {cutoffs!r}")
    return [int(c) for c in cutoffs]


class AdaptiveLogSoftmaxWithLoss(Module):
    """Efficient softmax over many classes (Grave et al., 2016): frequent
    classes (below ``cutoffs[0]``) sit in a head with one extra logit per
    tail cluster; each cluster's classes get their own smaller projection
    (width ``in_features // div_value**(i+1)``).  ``forward(input, target)``
    returns ``(output, loss)``: the target's log-probability per sample and
    their negated mean.  Parameter names (``head``, ``tail.i.0/1``) are
    PyTorch's, so state dicts move both ways."""

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False,
                 device=None, dtype=None):
        super().__init__()
        where = "AdaptiveLogSoftmaxWithLoss"
        self.in_features = size_arg(in_features, "in_features", where, 1)
        self.n_classes = size_arg(n_classes, "n_classes", where, 1)
        self.cutoffs = _check_cutoffs(cutoffs, self.n_classes) + [self.n_classes]
        self.div_value = real_arg(div_value, "div_value", where)
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        kw = {"device": device, "dtype": dtype}
        self.head = Linear(self.in_features, self.head_size, bias=head_bias, **kw)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hsz = int(self.in_features // (self.div_value ** (i + 1)))
            osz = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(self.in_features, hsz, bias=False, **kw),
                                        Linear(hsz, osz, bias=False, **kw)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for cluster in self.tail:
            for layer in cluster:
                layer.reset_parameters()

    def forward(self, input, target):
        """``(output, loss)``: ``output[n]`` is ``log p(target[n] | input[n])``,
        ``loss`` is ``-output.mean()``."""
        x, y, was_1d = self._checked(input, target)
        head_logp = self.head(x).log_softmax(1)
        column = y.copy()                   # the head column each sample reads
        output = None
        for i in range(self.n_clusters):
            low, high = self.cutoffs[i], self.cutoffs[i + 1]
            rows = np.nonzero((y >= low) & (y < high))[0]
            if not rows.size:
                continue
            column[rows] = self.shortlist_size + i
            local = self.tail[i](x[rows]).log_softmax(1)[np.arange(rows.size), y[rows] - low]
            placed = ag.zeros(y.shape[0], dtype=local.dtype).index_add(0, ag.tensor(rows),
                                                                        local)
            output = placed if output is None else output + placed
        picked = head_logp[np.arange(y.shape[0]), column]
        output = picked if output is None else output + picked
        loss = (-output).mean()
        return _ASMoutput(output.reshape(()) if was_1d else output, loss)

    def _checked(self, input, target):
        """(N, in_features) input, (N,) int64 targets in range, and whether
        the call was unbatched -- or PyTorch's errors."""
        where = "AdaptiveLogSoftmaxWithLoss"
        if not isinstance(input, Tensor):
            raise not_tensor(where, "input", 1, input)
        y = _long_target(target, where, any_integer=True)
        if input.ndim == 1 and y.ndim == 0:
            input, y = input.unsqueeze(0), y.reshape(1)
            was_1d = True
        elif input.ndim == 2 and y.ndim == 1:
            if input.shape[0] != y.shape[0]:
                raise ArgumentError(f"{where}: input and target should have the same size in "
                                    f"the batch dimension, got input {input.shape} and "
                                    f"target {y.shape}")
            was_1d = False
        else:
            raise ArgumentError(f"{where}: expected a (N, in_features) input with an (N,) "
                                f"target or an (in_features,) input with a 0-d target, got "
                                f"input {input.shape} and target {y.shape}")
        if input.shape[1] != self.in_features:
            raise ArgumentError(f"{where}: input has {input.shape[1]} features, expected "
                                f"in_features={self.in_features}")
        if y.size and (y.min() < 0 or y.max() >= self.n_classes):
            raise ArgumentError(f"{where}: target values should be in [0, {self.n_classes - 1}], "
                             f"but values in range [{y.min()}, {y.max()}] were found")
        return input, y, was_1d

    def _full_log_prob(self, x, head_output):
        head_logp = head_output.log_softmax(1)
        parts = [head_logp[:, :self.shortlist_size]]
        for i, cluster in enumerate(self.tail):
            column = self.shortlist_size + i
            parts.append(cluster(x).log_softmax(1) + head_logp[:, column:column + 1])
        return ag.cat(parts, 1)

    def _as_batch(self, input, fn):
        if not isinstance(input, Tensor):
            raise not_tensor(f"AdaptiveLogSoftmaxWithLoss.{fn}", "input", 1, input)
        if input.ndim not in (1, 2) or input.shape[-1] != self.in_features:
            raise ArgumentError(f"AdaptiveLogSoftmaxWithLoss.{fn}: expected input of shape "
                                f"(N, {self.in_features}) or ({self.in_features},), got "
                                f"{input.shape}")
        return input.unsqueeze(0) if input.ndim == 1 else input

    def log_prob(self, input):
        """Log-probabilities of every class, shape (N, n_classes)."""
        x = self._as_batch(input, "log_prob")
        out = self._full_log_prob(x, self.head(x))
        return out.squeeze(0) if input.ndim == 1 else out

    def predict(self, input):
        """The most likely class per sample (int64): the argmax of
        `log_prob`, which the head decides alone when its best column is a
        shortlist class."""
        x = self._as_batch(input, "predict")
        with ag.no_grad():
            out = self._full_log_prob(x, self.head(x)).argmax(1)
        return out.squeeze(0) if input.ndim == 1 else out

    def extra_repr(self):
        return ""

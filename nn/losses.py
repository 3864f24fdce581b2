"""Loss functions (``torch.nn.functional`` names) and their modules.

Every loss here is a short composition of engine ops -- ``log_softmax``, one
advanced index (a gather), ``where``, ``softplus``, sums and means -- so its
gradient, and its gradient's gradient, come from the engine instead of a
hand-written backward that could drift out of sync with the forward.

Two numerical points decide how the compositions are written:

* cross-entropy never forms probabilities and then takes their log; it
  indexes ``log_softmax``, which is finite for any logits (±1e4 included);
* binary cross-entropy on logits is written with ``softplus`` (computed with
  ``logaddexp``), never with ``log(sigmoid(x))``, which underflows to
  ``log(0)`` for very negative ``x``.

Constants that enter a loss (class weights, targets given as arrays, masks)
are converted to the input's dtype first, so a float32 model stays float32.
A target given as a Tensor is the user's choice of dtype, so it follows
PyTorch: promoted with the input where PyTorch promotes (`mse_loss`,
`l1_loss`, `binary_cross_entropy_with_logits`, probability targets of
`cross_entropy`), refused where PyTorch refuses (`binary_cross_entropy`
with another dtype; class indices that are not int64 or uint8).
"""
import numbers
import warnings

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.dtypes import result_dtype

from autograd.errors import ArgumentError, DTypeError
from ._checks import not_tensor
from .module import Module

_REDUCTIONS = ("mean", "sum", "none")


# ------------------------------------------------------------ arguments
def _check_reduction(reduction, fn):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}: reduction={reduction!r} is not valid; "
                         "use 'mean', 'sum' or 'none'")
    return reduction


def _legacy_reduction(size_average, reduce, reduction, fn):
    """PyTorch's deprecated ``size_average``/``reduce`` flags still appear in
    ported code (and sit between other arguments positionally), so they are
    accepted and translated the way PyTorch translates them."""
    if size_average is None and reduce is None:
        return _check_reduction(reduction, fn)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    new = "none" if not reduce else ("mean" if size_average else "sum")
    warnings.warn(f"{fn}: size_average and reduce are deprecated; use reduction={new!r} "
                  "instead", UserWarning, stacklevel=3)
    return new


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_input(input, target, fn):
    """The input must be a floating-point Tensor.  The target may also be a
    NumPy array (or a nested list of numbers): it is a constant, so nothing
    is lost by converting it -- but it must hold numbers."""
    if not isinstance(input, Tensor):
        raise not_tensor(fn, "input", 1, input)
    if input.dtype.kind != "f":
        raise DTypeError(f"{fn}: input must be floating-point, got dtype {input.dtype}; "
                         "convert with .float()")
    if isinstance(target, (Tensor, np.ndarray)):
        return
    if isinstance(target, (list, tuple, numbers.Number)) and not isinstance(target, bool):
        if np.asarray(target).dtype.kind in "biuf":
            return
    raise TypeError(f"{fn}: argument 'target' (position 2) must be Tensor (or a NumPy array "
                    f"of numbers), not {type(target).__name__}")


def _float_operand(value, like, fn, name):
    """A float target/weight in ``like``'s dtype: tensors stay tensors (so
    gradients can flow into them when they require grad), everything else
    becomes a constant array."""
    if value is None:
        return None
    if isinstance(value, Tensor):
        if value.dtype.kind != "f":
            raise DTypeError(f"{fn}: {name} must be floating-point, got dtype {value.dtype}; "
                            "convert with .float()")
        return value if value.dtype == like.dtype else value.to(like.dtype)
    arr = np.asarray(value)
    if arr.dtype.kind not in "fiub":
        raise DTypeError(f"{fn}: {name} must hold numbers, got dtype {arr.dtype}")
    if arr.dtype.kind != "f" and name == "target":
        raise DTypeError(f"{fn}: target must be floating-point, got dtype {arr.dtype}; "
                        "convert it, e.g. target.astype(np.float32)")
    return arr.astype(like.dtype, copy=False)


def _promoted(input, target, fn, integer_ok=False):
    """``(input, target)`` in the dtype PyTorch computes the loss in.

    A target Tensor keeps its dtype and the two are promoted (float32 input
    with a float64 target gives a float64 loss; ``integer_ok`` admits
    integer and bool targets, which take the input's float dtype).  A target
    given as an array or list is a constant and takes the input's dtype."""
    kinds = "fiub" if integer_ok else "f"
    if not isinstance(target, Tensor):
        if integer_ok and np.asarray(target).dtype.kind in kinds:
            return input, np.asarray(target).astype(input.dtype, copy=False)
        return input, _float_operand(target, input, fn, "target")
    if target.dtype.kind not in kinds:
        raise DTypeError(f"{fn}: target must be floating-point, got dtype {target.dtype}; "
                         "convert with .float()")
    dtype = result_dtype(input.dtype, target.dtype)
    return _cast(input, dtype), _cast(target, dtype)


def _cast(t, dtype):
    return t if t.dtype == dtype else t.to(dtype)


def _same_dtype_target(input, target, fn):
    """`binary_cross_entropy` refuses a target Tensor of another dtype than
    the input, as PyTorch does, rather than silently casting either one."""
    if isinstance(target, Tensor) and target.dtype != input.dtype:
        raise DTypeError(f"{fn}: target has dtype {target.dtype} but the input has dtype "
                         f"{input.dtype}; they must match -- convert with "
                         "target.to(input.dtype)")


def _shape_of(x):
    return x.shape if isinstance(x, (Tensor, np.ndarray)) else np.shape(x)


def _check_broadcast_weight(weight, input, fn, name):
    shape = _shape_of(weight)
    try:
        ok = np.broadcast_shapes(shape, input.shape) == input.shape
    except ValueError:
        ok = False
    if not ok:
        raise ArgumentError(f"{fn}: {name} of shape {shape} cannot be broadcast to the "
                            f"input's shape {input.shape}")


def _same_shape(input, target, fn):
    if input.shape != _shape_of(target):
        raise ArgumentError(f"{fn}: target shape {_shape_of(target)} must equal the input's "
                            f"shape {input.shape}")


def _position(index):
    return str(index[0]) if len(index) == 1 else str(tuple(int(i) for i in index))


# ---------------------------------------------- class-index targets (gather)
# PyTorch's kernels take Long or Byte targets; a NumPy array of another
# integer dtype is a constant and is accepted (int32 is NumPy's default on
# some platforms).
_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.uint8))


def _class_targets(input, target, ignore_index, fn):
    """Validate class-index targets against an (N, C, *d) input.  Returns
    them as an integer array of shape (N, *d), and whether any of them may
    equal ``ignore_index`` (False lets the common case skip the mask)."""
    arr = target._data if isinstance(target, Tensor) else np.asarray(target)
    n_classes = input.shape[1]
    want = input.shape[:1] + input.shape[2:]
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and arr.shape == input.shape and fn == "nll_loss":
            raise DTypeError(f"nll_loss: target must hold class indices (an integer array "
                            f"of shape {want}), got a float target of the input's shape "
                            f"{input.shape}; for class probabilities use cross_entropy")
        raise DTypeError(
            f"{fn}: class-index targets must be integers (got dtype {arr.dtype}, shape "
            f"{arr.shape}); convert with .long() or .astype(np.int64)"
            + ("" if fn == "nll_loss" else
               f". Class-probability targets must instead be floating-point with the "
               f"input's shape {input.shape}"))
    if isinstance(target, Tensor) and arr.dtype not in _INDEX_DTYPES:
        raise DTypeError(f"{fn}: class-index targets must be int64 or uint8 (as in PyTorch), "
                         f"got dtype {arr.dtype}; convert with .long()")
    if arr.shape != want:
        if arr.shape == input.shape:
            raise ArgumentError(
                f"{fn}: target has the input's shape {input.shape}, as class probabilities "
                f"would, but an integer dtype ({arr.dtype}); probabilities must be "
                f"floating-point, class indices must have shape {want}")
        raise ArgumentError(f"{fn}: input of shape {input.shape} ({n_classes} classes) needs "
                            f"class-index targets of shape {want}, got target of shape "
                            f"{arr.shape}")
    if not arr.size:
        return arr, False
    # One reduction checks both ends: seen as unsigned, negatives are huge.
    as_unsigned = arr.view(np.dtype(f"u{arr.dtype.itemsize}")) if arr.dtype.kind == "i" else arr
    if as_unsigned.max() < n_classes:
        return arr, 0 <= ignore_index < n_classes
    bad = (arr < 0) | (arr >= n_classes)
    bad &= arr != ignore_index
    if bad.any():
        where = np.argwhere(bad)[0]
        raise IndexError(f"{fn}: target {arr[tuple(where)]} at position "
                         f"{_position(where)} is out of range for {n_classes} classes "
                         f"(valid: 0..{n_classes - 1}, or ignore_index={ignore_index})")
    return arr, True


def _gather_index(targets):
    """An advanced index picking ``x[n, targets[n, *d], *d]`` from an
    (N, C, *d) tensor in one step."""
    n = targets.shape[0]
    if targets.ndim == 1:
        return (np.arange(n), targets)
    k = targets.ndim
    lead = np.arange(n).reshape((n,) + (1,) * (k - 1))
    spatial = tuple(np.arange(s).reshape((1,) * (i + 1) + (s,) + (1,) * (k - 2 - i))
                    for i, s in enumerate(targets.shape[1:]))
    return (lead, targets) + spatial


def _class_weight(weight, input, fn):
    if weight is None:
        return None
    w = _float_operand(weight, input, fn, "weight")
    if _shape_of(w) != (input.shape[1],):
        raise ArgumentError(f"{fn}: weight must have one entry per class, shape "
                            f"({input.shape[1]},), got shape {_shape_of(w)}")
    return w if isinstance(w, Tensor) else Tensor(w)


def _indexed_loss(logp, targets, may_ignore, weight, ignore_index, reduction, smoothing):
    """Negative log-likelihood of integer targets, optionally mixed with the
    uniform-target term of label smoothing.

    Per element ``i`` (with ``w`` the class weights, 1 when absent):
    ``-(1 - s) * w[t_i] * logp[i, t_i] - s / C * sum_c w[c] * logp[i, c]``,
    and exactly 0 where ``t_i == ignore_index``.  'mean' divides the total
    by ``sum_i w[t_i]`` over the non-ignored elements: PyTorch's rule, which
    makes a weighted mean a true weighted average.

    Ignored elements are *selected away* (``where``), never multiplied by a
    0 mask: a NaN or inf in an ignored row must not reach the loss (NaN * 0
    is NaN), and its gradient must be exactly 0, as in PyTorch.
    """
    valid = None
    if may_ignore:
        valid = targets != ignore_index
        if valid.all():
            valid = None
    safe = targets if valid is None else np.where(valid, targets, 0)
    picked = logp[_gather_index(safe)]                     # (N, *d)
    w_t = None if weight is None else weight[safe]         # weight per element
    nll = -picked if w_t is None else -(picked * w_t)
    spread = _smoothing_spread(logp, weight) if smoothing else None
    if valid is not None:
        nll = ag.where(valid, nll, 0.0)
        spread = None if spread is None else ag.where(valid, spread, 0.0)
    def mix(a, b):
        return _mix(a, b, smoothing, logp.shape[1])

    if reduction == "none":
        return mix(nll, spread)
    if reduction == "sum":
        return mix(nll, spread).sum()
    if valid is None and w_t is None:
        return mix(nll, spread).mean()
    if valid is not None and not valid.any():
        return _empty_mean(mix(nll, spread))
    if valid is None:
        total = w_t.sum()
    else:
        total = valid.sum() if w_t is None else ag.where(valid, w_t, 0.0).sum()
    # Each part divided on its own, as PyTorch does: with a total weight of
    # 0 the result is then NaN (0/0 in the first part), never +-inf.
    return mix(_weighted_mean(nll, total), None if spread is None
               else _weighted_mean(spread, total))


def _smoothing_spread(logp, weight):
    """``sum_c w[c] * logp[i, c]`` per element: the uniform target's part of
    label smoothing."""
    if weight is None:
        return logp.sum(1)
    shape = (1, logp.shape[1]) + (1,) * (logp.ndim - 2)
    return (logp * weight.reshape(shape)).sum(1)


def _mix(nll, spread, smoothing, n_classes):
    """``(1 - s) * nll - s / C * spread``, or just ``nll`` without
    smoothing; applied per element or to already-reduced parts alike."""
    if spread is None:
        return nll
    return nll * (1.0 - smoothing) - spread * (smoothing / n_classes)


def _weighted_mean(loss, total):
    """``sum(loss) / total``; a total of 0 (every weight 0) gives NaN, as in
    PyTorch."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return loss.sum() / total


def _empty_mean(loss):
    """The mean over no elements: NaN (0/0), as PyTorch reports it -- but
    with a gradient of exactly 0, not NaN, since no element took part."""
    return ag.where(np.False_, loss.sum(), float("nan"))


def _unbatched(input, fn):
    """PyTorch accepts one sample without a batch dim: input (C,) with a
    0-d index target or a (C,) probability target.  It is run as a batch of
    one."""
    if input.ndim == 0:
        raise ArgumentError(f"{fn}: input must have a class dimension, got a 0-d tensor")
    return input.ndim == 1


def _add_batch_dim(target):
    if isinstance(target, Tensor):
        return target.unsqueeze(0)
    arr = np.asarray(target)
    return arr.reshape((1,) + arr.shape)


def _check_smoothing(label_smoothing, fn):
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{fn}: label_smoothing must be in [0, 1], got {label_smoothing}")


# ------------------------------------------------------------- functionals
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood of class indices, given log-probabilities.

    ``input`` is (N, C) or (N, C, d1, ...) (or (C,) for one sample) holding
    log-probabilities, e.g. from ``log_softmax``; ``target`` holds class
    indices of shape (N,) or (N, d1, ...).  Targets equal to
    ``ignore_index`` contribute nothing and are left out of the mean.
    """
    fn = "nll_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    _check_input(input, target, fn)
    if _unbatched(input, fn):
        out = nll_loss(input.unsqueeze(0), _add_batch_dim(target), weight,
                       ignore_index=ignore_index, reduction=reduction)
        return out.reshape(()) if reduction == "none" else out
    targets, may_ignore = _class_targets(input, target, ignore_index, fn)
    w = _class_weight(weight, input, fn)
    return _indexed_loss(input, targets, may_ignore, w, ignore_index, reduction, 0.0)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """Cross-entropy between logits and a target, as PyTorch defines it.

    ``input``: unnormalized logits (N, C) or (N, C, d1, ...), or (C,) for a
    single sample.  ``target``: either class indices (integers, shape (N,)
    or (N, d1, ...)) or class probabilities (floats, the input's shape).

    With class indices: ``weight`` rescales each class, 'mean' divides by
    the summed weights of the non-ignored targets, and ``ignore_index``
    removes targets.  With probabilities: the loss per sample is
    ``-sum_c weight[c] * p[c] * log_softmax(x)[c]`` and 'mean' averages over
    samples.  ``label_smoothing`` = s mixes the target with the uniform
    distribution: ``(1 - s) * target + s / C``.
    """
    fn = "cross_entropy"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    _check_input(input, target, fn)
    _check_smoothing(label_smoothing, fn)
    if _unbatched(input, fn):
        out = cross_entropy(input.unsqueeze(0), _add_batch_dim(target),
                            weight, ignore_index=ignore_index, reduction=reduction,
                            label_smoothing=label_smoothing)
        return out.reshape(()) if reduction == "none" else out
    w = _class_weight(weight, input, fn)
    if _is_probability_target(target) and _shape_of(target) == input.shape:
        return _soft_cross_entropy(input, target, w, reduction, label_smoothing, fn)
    targets, may_ignore = _class_targets(input, target, ignore_index, fn)
    logp = input.log_softmax(1)
    return _indexed_loss(logp, targets, may_ignore, w, ignore_index, reduction,
                         label_smoothing)


def _is_probability_target(target):
    if isinstance(target, Tensor):
        return target.dtype.kind == "f"
    return np.asarray(target).dtype.kind == "f"


def _soft_cross_entropy(input, target, weight, reduction, smoothing, fn):
    n_classes = input.shape[1]
    input, t = _promoted(input, target, fn)
    if smoothing:
        t = t * (1.0 - smoothing) + smoothing / n_classes
    logp = input.log_softmax(1)
    prod = logp * t
    if weight is not None:
        prod = prod * weight.reshape((1, n_classes) + (1,) * (input.ndim - 2))
    return _reduce(-prod.sum(1), reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean squared error ``(input - target)**2``, reduced.  Both sides may
    require grad."""
    fn = "mse_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    diff = _difference(input, target, fn)
    return _reduce(diff * diff, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean absolute error ``|input - target|``, reduced (gradient 0 where
    they are equal, as PyTorch)."""
    fn = "l1_loss"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    return _reduce(_difference(input, target, fn).abs(), reduction)


def _difference(input, target, fn):
    if fn == "l1_loss":
        _refuse_bool_operand(input, target, fn)
    input = _integer_input_promoted(input, target)
    _check_input(input, target, fn)
    input, t = _promoted(input, target, fn, integer_ok=True)
    tshape = _shape_of(t)
    if tshape != input.shape:
        try:
            np.broadcast_shapes(input.shape, tshape)
        except ValueError:
            raise ArgumentError(f"{fn}: input of shape {input.shape} and target of shape "
                                f"{tshape} cannot be broadcast together") from None
        # PyTorch warns too: (N, 1) against (N,) silently makes an (N, N) loss.
        warnings.warn(f"{fn}: target shape {tshape} differs from input shape "
                      f"{input.shape}; they will be broadcast, which is rarely intended",
                      UserWarning, stacklevel=3)
    return input - t


def _refuse_bool_operand(input, target, fn):
    """``l1_loss`` subtracts before promoting (PyTorch), and ``-`` is not
    defined for bool tensors."""
    for name, t in (("input", input), ("target", target)):
        if isinstance(t, Tensor) and t.dtype == np.bool_:
            raise DTypeError(f"{fn}: {name} has dtype bool, and input - target is not "
                             "defined for bool tensors (PyTorch refuses too); convert it "
                             "with .float()")


def _integer_input_promoted(input, target):
    """An integer or bool input with a float target Tensor is computed in the
    target's dtype, as PyTorch promotes it (``mse_loss(int64, float32)`` is
    float32).  Such an input cannot require grad, so nothing is lost."""
    if (isinstance(input, Tensor) and input.dtype.kind in "iub"
            and isinstance(target, Tensor) and target.dtype.kind == "f"):
        return input.to(target.dtype)
    return input


_LOG_FLOOR = -100.0


def _clamped_log(p):
    """``max(log(p), -100)`` with finite gradients everywhere.

    Clamping after ``log`` would give 0 * inf = NaN in backward at p = 0.
    Instead the log only ever sees positive numbers: where the clamp is
    active, ``log`` is taken of 1 and its result is discarded by ``where``,
    whose gradient on the discarded side is 0.  The derivative is thus
    exactly that of the clamped function: 1/p above the floor, 0 below it.
    """
    floor = p.dtype.type(np.exp(_LOG_FLOOR))
    above = p._data > floor
    if above.all():
        return p.log()
    return ag.where(above, ag.where(above, p, 1.0).log(), _LOG_FLOOR)


def _check_unit_interval(values, fn, name, hint):
    """Refuse values outside [0, 1] (NaN included), as PyTorch does, naming
    the first offender: its log terms are undefined there, and a target
    of 2 would silently reward confident mistakes."""
    inside = (values >= 0) & (values <= 1)
    if not inside.all():
        where = np.argwhere(~inside)[0] if values.ndim else ()
        raise ArgumentError(f"{fn}: {name} must hold probabilities in [0, 1], found "
                            f"{values[tuple(where)]} at position "
                            f"{_position(where) if values.ndim else '()'}{hint}")


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """``-w * (y log p + (1 - y) log(1 - p))`` for probabilities ``p``.

    As in PyTorch each log is clamped to >= -100, so p = 0 or 1 gives a
    large but finite loss.  Where the clamp is active its derivative is 0
    (the derivative of what is computed); PyTorch instead reports a huge
    finite slope there, so gradients differ only at exactly p = 0 or 1
    (or within e^-100 of them).
    """
    fn = "binary_cross_entropy"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    _check_input(input, target, fn)
    _same_dtype_target(input, target, fn)
    t = _float_operand(target, input, fn, "target")
    _same_shape(input, t, fn)
    _check_unit_interval(input._data, fn, "input",
                         "; for logits use binary_cross_entropy_with_logits")
    _check_unit_interval(t._data if isinstance(t, Tensor) else t, fn, "target",
                         " (binary targets are 0 or 1, or soft labels between)")
    loss = -(t * _clamped_log(input) + (1.0 - t) * _clamped_log(1.0 - input))
    if weight is not None:
        w = _float_operand(weight, input, fn, "weight")
        _check_broadcast_weight(w, input, fn, "weight")
        loss = loss * w
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """Binary cross-entropy on logits ``x``: ``BCE(sigmoid(x), y)`` computed
    without ever forming ``sigmoid(x)``.

    With ``pos_weight`` = q (broadcast along the last dim, one per class):
    ``loss = (1 - y) x + (1 + (q - 1) y) softplus(-x)``, which for q = 1 is
    ``softplus(x) - x y``.  ``softplus`` uses ``logaddexp``, so the loss and
    its gradient ``sigmoid(x) - y`` are finite for any logits.  (The textbook
    form ``max(x, 0) - x y + log1p(exp(-|x|))`` is equal, but built from
    ``max`` and ``abs`` its derivative at exactly x = 0 would come out as
    ``-y`` rather than ``0.5 - y``: the two kinks' subgradients do not
    cancel.  softplus has no kink.)

    The loss is computed in the target Tensor's dtype, as PyTorch 2.13
    does: float32 logits with a float64 target give a float64 loss, and
    float64 logits with a float32 target a float32 loss (the logits'
    gradient is still float64).  A porting user gets PyTorch's numbers;
    pass a float64 target to keep float64 precision.
    """
    fn = "binary_cross_entropy_with_logits"
    reduction = _legacy_reduction(size_average, reduce, reduction, fn)
    _check_input(input, target, fn)
    input, t = _promoted(input, target, fn)
    if isinstance(target, Tensor) and target.dtype != input.dtype:
        input, t = _cast(input, target.dtype), _cast(t, target.dtype)
    _same_shape(input, t, fn)
    # threshold=inf: always the exact logaddexp form, never the linear cut-off
    sp_neg = (-input).softplus(1.0, float("inf"))
    if pos_weight is None:
        loss = (1.0 - t) * input + sp_neg
    else:
        q = _float_operand(pos_weight, input, fn, "pos_weight")
        _check_broadcast_weight(q, input, fn, "pos_weight")
        loss = (1.0 - t) * input + (1.0 + (q - 1.0) * t) * sp_neg
    if weight is not None:
        w = _float_operand(weight, input, fn, "weight")
        _check_broadcast_weight(w, input, fn, "weight")
        loss = loss * w
    return _reduce(loss, reduction)


# ----------------------------------------------------------------- modules
def _buffer(value):
    """Loss weights live in buffers (as in PyTorch), so they follow
    ``.double()`` and appear in ``state_dict``."""
    if value is None or isinstance(value, Tensor):
        return value
    return ag.tensor(np.asarray(value))


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        self.reduction = _legacy_reduction(size_average, reduce, reduction,
                                           type(self).__name__)

    def extra_repr(self):
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _buffer(weight))


class CrossEntropyLoss(_WeightedLoss):
    """Module form of `cross_entropy` (logits in, class indices or class
    probabilities as target)."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean", label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        _check_smoothing(label_smoothing, "CrossEntropyLoss")
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                             reduction=self.reduction, label_smoothing=self.label_smoothing)

    def extra_repr(self):
        parts = [super().extra_repr()]
        if self.ignore_index != -100:
            parts.append(f"ignore_index={self.ignore_index}")
        if self.label_smoothing:
            parts.append(f"label_smoothing={self.label_smoothing}")
        return ", ".join(p for p in parts if p)


class NLLLoss(_WeightedLoss):
    """Module form of `nll_loss` (log-probabilities in, class indices as
    target)."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return nll_loss(input, target, self.weight, ignore_index=self.ignore_index,
                        reduction=self.reduction)

    def extra_repr(self):
        parts = [super().extra_repr()]
        if self.ignore_index != -100:
            parts.append(f"ignore_index={self.ignore_index}")
        return ", ".join(p for p in parts if p)


class MSELoss(_Loss):
    """Module form of `mse_loss`."""

    def forward(self, input, target):
        return mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Module form of `l1_loss`."""

    def forward(self, input, target):
        return l1_loss(input, target, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Module form of `binary_cross_entropy` (probabilities in)."""

    def forward(self, input, target):
        return binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Module form of `binary_cross_entropy_with_logits` (logits in); the
    stable choice over ``Sigmoid`` followed by `BCELoss`."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean",
                 pos_weight=None):
        super().__init__(weight, size_average, reduce, reduction)
        self.register_buffer("pos_weight", _buffer(pos_weight))

    def forward(self, input, target):
        return binary_cross_entropy_with_logits(input, target, self.weight,
                                                reduction=self.reduction,
                                                pos_weight=self.pos_weight)

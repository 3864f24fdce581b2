"""Connectionist Temporal Classification: ``ctc_loss`` and ``CTCLoss``.

The loss of a target label sequence given per-frame class log-probabilities
is minus the log of the summed probability of every alignment (frame-wise
path) that collapses to the target once repeats are merged and blanks are
dropped.  It is computed by the forward-variable (alpha) recursion in log
space over the *extended* target (a blank before, between and after the
labels), vectorised over the batch in NumPy with a Python loop over time
only; the gradient uses the backward-variable (beta) recursion.

Gradient convention.  The gradient returned for ``log_probs`` is the true
derivative of the loss with respect to the ``log_probs`` it was given:
minus the posterior occupancy of each class at each frame.  PyTorch instead
returns ``exp(log_probs) - occupancy``, which is the gradient with respect
to the *logits* when ``log_probs = log_softmax(logits)``; it is not the
derivative with respect to ``log_probs`` itself (it would fail gradcheck on
un-normalised input).  The two differ by ``exp(log_probs)`` per frame, a
direction that ``log_softmax``'s backward maps to zero, so for the usual
``ctc_loss(logits.log_softmax(-1), ...)`` the gradient reaching the logits
(and every parameter before them) is the same as PyTorch's.

The backward is computed on arrays, so a second derivative is refused with
an error naming ``ctc_loss`` rather than returned incomplete.

Stricter than PyTorch 2.13 on CPU, which reads such targets without a
check: a target label outside ``[0, C)`` or equal to ``blank`` is an error,
and so are floating-point targets (PyTorch truncates them to integers).
"""
import numpy as np

from autograd import Tensor
from autograd.errors import ArgumentError, DTypeError, ShapeError
from autograd.function import Function
from autograd.grad_mode import _state

from ._checks import not_tensor
from .losses import _Loss, _check_reduction

_FN = "ctc_loss"
_NEG_INF = -np.inf


# ------------------------------------------------------------ log-space arithmetic
def _logsumexp3(a, b, c):
    """Elementwise log(exp(a) + exp(b) + exp(c)), exact where all are -inf."""
    m = np.maximum(np.maximum(a, b), c)
    finite = m > _NEG_INF
    safe = np.where(finite, m, 0)
    with np.errstate(divide="ignore"):
        total = np.log(np.exp(a - safe) + np.exp(b - safe) + np.exp(c - safe))
    return np.where(finite, safe + total, _NEG_INF)


def _shift_right(x, k):
    """``x`` moved ``k`` places along the last axis, -inf flowing in."""
    out = np.full_like(x, _NEG_INF)
    out[..., k:] = x[..., :-k]
    return out


def _shift_left(x, k):
    out = np.full_like(x, _NEG_INF)
    out[..., :-k] = x[..., k:]
    return out


# ------------------------------------------------------------ the alignment plan
class _Plan:
    """What the recursions need besides ``log_probs``, built once from the
    checked targets and lengths: the extended labels ``ext`` (N, 2*S+1),
    which positions may be reached by skipping a blank (``skip``), and the
    per-sample lengths."""

    __slots__ = ("ext", "skip", "ext_len", "input_lengths", "zero_infinity")

    def __init__(self, rows, input_lengths, target_lengths, blank, zero_infinity):
        n = len(rows)
        width = 2 * (max(target_lengths) if n else 0) + 1
        ext = np.full((n, width), blank, dtype=np.intp)
        for i, row in enumerate(rows):
            ext[i, 1:2 * len(row):2] = row
        skip = np.zeros_like(ext, dtype=bool)
        # A label may be entered from two places back (skipping the blank in
        # between) unless it repeats the previous label.
        skip[:, 3::2] = ext[:, 3::2] != ext[:, 1:-2:2]
        self.ext = ext
        self.skip = skip
        self.ext_len = 2 * np.asarray(target_lengths, dtype=np.intp) + 1
        self.input_lengths = np.asarray(input_lengths, dtype=np.intp)
        self.zero_infinity = zero_infinity

    def emissions(self, log_probs):
        """(T, N, L): the log-probability of each extended label at each frame."""
        return np.take_along_axis(log_probs, self.ext[None], axis=2)

    def end_mask(self):
        """(N, L): the last two extended positions (the final label or the
        trailing blank), where a complete alignment ends."""
        pos = np.arange(self.ext.shape[1])
        last = self.ext_len[:, None] - 1
        return (pos == last) | (pos == last - 1)


def _alpha(emit, plan):
    """Forward variables: alpha[t, n, s] = log-probability of all partial
    alignments of frames 0..t ending in extended position s."""
    t_max, n, width = emit.shape
    alpha = np.full((t_max, n, width), _NEG_INF, dtype=emit.dtype)
    if t_max == 0:
        return alpha
    alpha[0, :, :2] = emit[0, :, :2]
    skip = plan.skip
    for t in range(1, t_max):
        prev = alpha[t - 1]
        two_back = np.where(skip, _shift_right(prev, 2), _NEG_INF)
        alpha[t] = _logsumexp3(prev, _shift_right(prev, 1), two_back) + emit[t]
    return alpha


def _log_likelihood(alpha, plan):
    """(N,) log-probability of the target: alpha at each sample's last frame,
    summed over its two end positions (0 or -inf for an empty input)."""
    n = alpha.shape[1]
    il = plan.input_lengths
    out = np.full(n, _NEG_INF, dtype=alpha.dtype)
    ends = plan.end_mask()
    for i in range(n):
        if il[i] == 0:
            out[i] = 0.0 if plan.ext_len[i] == 1 else _NEG_INF
        else:
            final = alpha[il[i] - 1, i][ends[i]]
            out[i] = np.logaddexp.reduce(final)
    return out


def _beta(emit, plan):
    """Backward variables: beta[t, n, s] = log-probability of all partial
    alignments of frames t..il-1 starting in extended position s (including
    frame t's emission); -inf from each sample's input length on."""
    t_max, n, width = emit.shape
    beta = np.full((t_max, n, width), _NEG_INF, dtype=emit.dtype)
    skip_from = np.zeros_like(plan.skip)  # whether s -> s+2 is allowed
    skip_from[:, :-2] = plan.skip[:, 2:]
    start = np.where(plan.end_mask(), 0.0, _NEG_INF).astype(emit.dtype)
    nxt = np.full((n, width), _NEG_INF, dtype=emit.dtype)
    last_frame = plan.input_lengths - 1
    for t in range(t_max - 1, -1, -1):
        two_ahead = np.where(skip_from, _shift_left(nxt, 2), _NEG_INF)
        cur = _logsumexp3(nxt, _shift_left(nxt, 1), two_ahead)
        cur = np.where((last_frame == t)[:, None], start, cur) + emit[t]
        beta[t] = cur
        nxt = cur
    return beta


def _occupancy_grad(log_probs, alpha, plan, log_likelihood):
    """d(-log p)/d log_probs: minus the posterior probability that frame t
    is spent on class c (summed over the extended positions carrying c)."""
    emit = plan.emissions(log_probs)
    beta = _beta(emit, plan)
    t_max, n, c = log_probs.shape
    both = alpha + beta
    with np.errstate(invalid="ignore", over="ignore"):
        post = np.where(both > _NEG_INF,
                        np.exp(both - emit - log_likelihood[None, :, None]), 0.0)
    frames = np.arange(t_max)[:, None, None]
    cell = (frames * n + np.arange(n)[None, :, None]) * c + plan.ext[None]
    occ = np.bincount(cell.ravel(), weights=post.ravel(), minlength=t_max * n * c)
    grad = -occ.reshape(t_max, n, c).astype(log_probs.dtype, copy=False)
    infeasible = np.isneginf(log_likelihood)
    for i in np.flatnonzero(infeasible):
        # The loss is +inf there: no derivative (PyTorch gives NaN too), or
        # none at all under zero_infinity.
        grad[:plan.input_lengths[i], i] = 0.0 if plan.zero_infinity else np.nan
    return grad


# ------------------------------------------------------------ the graph nodes
class _CTCNegLogLikelihood(Function):
    """Per-sample CTC loss (N,) of (T, N, C) ``log_probs``; backward by the
    beta recursion (first derivative exact, second refused)."""

    __slots__ = ("_ctc",)
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, log_probs, plan):
        emit = plan.emissions(log_probs)
        alpha = _alpha(emit, plan)
        log_likelihood = _log_likelihood(alpha, plan)
        ctx._ctc = (plan, alpha, log_likelihood)
        loss = -log_likelihood
        if plan.zero_infinity:
            loss[loss == np.inf] = 0.0
        return loss

    @staticmethod
    def backward(ctx, g):
        log_probs, = ctx.saved_tensors
        plan, alpha, log_likelihood = ctx._ctc
        grad = _occupancy_grad(log_probs._data, alpha, plan, log_likelihood)
        grad *= g._data[None, :, None]
        needing = tuple(t for t in (g, log_probs) if t._rg)
        if _state.enabled and needing:
            return _NoSecondDerivative.apply(grad, *needing), None
        return grad, None


class _NoSecondDerivative(Function):
    """Carries ctc_loss's gradient, connected to what it was computed from,
    so that differentiating it again is an error rather than a gradient
    missing its second-order terms."""

    __slots__ = ()

    @staticmethod
    def forward(ctx, value, *needing):
        return value

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError(
            "ctc_loss: the second derivative is not implemented (the gradient is computed "
            "by the beta recursion on arrays); the first derivative is exact. Use "
            "create_graph=False, or keep ctc_loss out of a double backward.")


# ------------------------------------------------------------ argument checks
def _float_log_probs(log_probs):
    if not isinstance(log_probs, Tensor):
        raise not_tensor(_FN, "log_probs", 1, log_probs)
    if log_probs.dtype.kind != "f":
        raise DTypeError(f"{_FN}: log_probs must be a floating-point tensor, got dtype "
                         f"{log_probs.dtype}; pass log_softmax output")
    if log_probs.ndim not in (2, 3):
        raise ShapeError(f"{_FN}: expected log_probs of shape (T, N, C) or unbatched (T, C), "
                         f"got a {log_probs.ndim}-dimensional tensor of shape "
                         f"{log_probs.shape}")
    return log_probs


def _integer_targets(targets):
    """Padded (N, S) or concatenated 1-d labels; unbatched input takes the
    same two forms with N = 1 (so 1-d targets hold exactly target_length
    labels, as in PyTorch)."""
    if not isinstance(targets, Tensor):
        raise not_tensor(_FN, "targets", 2, targets)
    if targets.dtype.kind not in "iu":
        raise DTypeError(f"{_FN}: targets must be an integer tensor of class indices, got "
                         f"dtype {targets.dtype}; convert with .long()")
    if targets.ndim not in (1, 2):
        raise ShapeError(f"{_FN}: expected targets of shape (N, S) padded or 1-d "
                         f"concatenated, got shape {targets.shape}")
    return targets._data


def _lengths(value, name, position, n, batched):
    """input_lengths / target_lengths as an int array of size n: an integer
    tensor (any shape with n elements, as PyTorch) or a tuple/list of ints."""
    if isinstance(value, Tensor):
        arr = value._data
        if arr.dtype.kind not in "iu":
            raise DTypeError(f"{_FN}: {name} must be integral, got a tensor of dtype "
                             f"{value.dtype}")
    elif isinstance(value, (tuple, list)):
        if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                   for v in value):
            raise TypeError(f"{_FN}: {name} must be a tuple or list of ints, got {value!r}")
        arr = np.asarray(value, dtype=np.int64)
    else:
        kind = "a tensor or a tuple of ints" + ("" if batched else " (one element)")
        raise TypeError(f"{_FN}: argument {name!r} (position {position}) must be {kind}, "
                        f"not {type(value).__name__}")
    if arr.size != n:
        raise ArgumentError(f"{_FN}: {name} must be of size batch_size ({n}), got "
                            f"{arr.size} values (shape {arr.shape})")
    return arr.reshape(-1).astype(np.int64)


def _check_length_values(lengths, name, upper, what):
    if lengths.size and lengths.min() < 0:
        raise ArgumentError(f"{_FN}: expected {name} to have value at least 0, but got "
                            f"value {lengths.min()}")
    if lengths.size and lengths.max() > upper:
        raise ArgumentError(f"{_FN}: expected {name} to have value at most {upper} "
                            f"({what}), but got value {lengths.max()}")


def _target_rows(targets, target_lengths, n):
    """Each sample's labels: the first target_lengths[i] entries of row i
    (padded (N, S)) or consecutive slices of the 1-d concatenation."""
    if targets.ndim == 2:
        if targets.shape[0] != n:
            raise ShapeError(f"{_FN}: padded targets must have batch size {n} in dim 0, got "
                             f"shape {targets.shape}")
        _check_length_values(target_lengths, "target_lengths", targets.shape[1],
                             f"the padded targets' length S, targets of shape {targets.shape}")
        return [targets[i, :k] for i, k in enumerate(target_lengths)]
    _check_length_values(target_lengths, "target_lengths", targets.shape[0],
                         f"the concatenated targets' length, shape {targets.shape}")
    total = int(target_lengths.sum())
    if total != targets.shape[0]:
        raise ShapeError(f"{_FN}: concatenated targets must hold sum(target_lengths) = "
                         f"{total} labels, got shape {targets.shape}")
    ends = np.cumsum(target_lengths)
    return [targets[e - k:e] for e, k in zip(ends, target_lengths)]


def _check_labels(rows, n_classes, blank):
    for i, row in enumerate(rows):
        bad = (row < 0) | (row >= n_classes) | (row == blank)
        if bad.any():
            value = row[np.argmax(bad)]
            raise ArgumentError(f"{_FN}: target labels must be in [0, {n_classes}) and differ "
                                f"from blank={blank}; sample {i} has label {value}")


def _blank_arg(blank, n_classes):
    if isinstance(blank, bool) or not isinstance(blank, (int, np.integer)):
        raise TypeError(f"{_FN}: blank must be an int, got {blank!r}")
    if not 0 <= blank < n_classes:
        raise ArgumentError(f"{_FN}: blank must be in label range [0, {n_classes}), got "
                            f"{blank}")
    return int(blank)


# ------------------------------------------------------------ public API
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean",
             zero_infinity=False):
    """Connectionist Temporal Classification loss: minus the log-probability of
    each target sequence summed over all its frame alignments.

    ``log_probs``: (T, N, C) per-frame class log-probabilities (usually
    ``log_softmax`` output), or unbatched (T, C).  ``targets``: padded
    (N, S) or the N sequences concatenated in 1-d (unbatched: one sequence
    of exactly the target length, or (1, S) padded), integer labels in ``[0, C)`` other than ``blank``.  ``input_lengths`` and
    ``target_lengths``: integer tensors or tuples of N ints.  ``reduction``
    'mean' divides each loss by its target length (at least 1) and averages
    over the batch, as PyTorch; 'sum' and 'none' as usual.  A target that no
    alignment fits gives inf, or 0 with a zero gradient under
    ``zero_infinity=True``.  See the module docstring for the gradient
    convention (the true derivative; PyTorch's differs by exp(log_probs),
    which vanishes through log_softmax)."""
    _check_reduction(reduction, _FN)
    log_probs = _float_log_probs(log_probs)
    batched = log_probs.ndim == 3
    target_array = _integer_targets(targets)
    lp = log_probs if batched else log_probs.unsqueeze(1)
    t_max, n, n_classes = lp.shape
    blank = _blank_arg(blank, n_classes)
    il = _lengths(input_lengths, "input_lengths", 3, n, batched)
    tl = _lengths(target_lengths, "target_lengths", 4, n, batched)
    _check_length_values(il, "input_lengths", t_max,
                         f"the number of frames T of log_probs of shape {log_probs.shape}")
    rows = _target_rows(target_array, tl, n)
    _check_labels(rows, n_classes, blank)
    plan = _Plan(rows, il, tl, blank, bool(zero_infinity))
    loss = _CTCNegLogLikelihood.apply(lp, plan)
    if reduction == "mean":
        # Each sample's loss per target label, then the batch mean.
        per_label = np.maximum(tl, 1).astype(loss.dtype)
        loss = (loss / per_label).mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss if batched or reduction != "none" else loss.squeeze(0)


class CTCLoss(_Loss):
    """Connectionist Temporal Classification loss as a module (see `ctc_loss`).

    For unsegmented sequence labelling (speech, handwriting): the network
    emits per-frame class log-probabilities and the loss sums over every
    alignment of the target, so no frame-level labels are needed."""

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank,
                        self.reduction, self.zero_infinity)

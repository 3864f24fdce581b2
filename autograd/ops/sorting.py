"""Sorting and selection: sort, argsort, topk, kthvalue, median, mode, unique.

Every op that returns values picked from its input returns them through
`TakeAlong` (values at given indices along one dim), whose backward is
`PutAlongAdd` (scatter-add into zeros) and vice versa: the gradient goes to
exactly the picked positions and differentiates any number of times.

Order follows PyTorch: NaN sorts above every number; ``sort`` is stable
(ties keep their input order, also when descending), and the ops built on
it inherit that.  PyTorch leaves the order of ties in ``topk`` and
``kthvalue`` unspecified (its selection algorithm decides); here ties are
always resolved as a stable sort would, so the values agree with PyTorch
and the indices are deterministic.
"""
from collections import namedtuple

import numpy as np

from .._args import dim_arg, int_arg
from ..errors import ArgumentError
from ..function import Function
from ..tensor import Tensor, _wrap
from .elementwise import refuse_unordered
from .reduce import Max

SortResult = namedtuple("sort", ["values", "indices"])
TopkResult = namedtuple("topk", ["values", "indices"])
KthvalueResult = namedtuple("kthvalue", ["values", "indices"])
MedianResult = namedtuple("median", ["values", "indices"])
ModeResult = namedtuple("mode", ["values", "indices"])


# ------------------------------------------------ gather / scatter-add pair
def _full_index(idx, dim):
    """An advanced index that addresses ``idx``'s entries along ``dim`` and
    every other dim by position (what ``take_along_axis`` does)."""
    grid = np.indices(idx.shape, sparse=True)
    return tuple(idx if d == dim else g for d, g in enumerate(grid))


class TakeAlong(Function):
    """``a`` at integer positions ``idx`` along ``dim`` (idx has a's number
    of dims); the adjoint of `PutAlongAdd`."""
    __slots__ = ("_dim", "_in_shape", "_idx")

    @staticmethod
    def forward(ctx, a, idx, dim):
        ctx._dim, ctx._in_shape, ctx._idx = dim, a.shape, idx
        return np.take_along_axis(a, idx, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return PutAlongAdd.apply(g, ctx._idx, ctx._dim, ctx._in_shape), None, None


class PutAlongAdd(Function):
    """Zeros of ``shape`` with ``g`` added at positions ``idx`` along ``dim``;
    repeated positions accumulate (cummax picks one element many times)."""
    __slots__ = ("_dim", "_idx")

    @staticmethod
    def forward(ctx, g, idx, dim, shape):
        ctx._dim, ctx._idx = dim, idx
        out = np.zeros(shape, dtype=g.dtype)
        np.add.at(out, _full_index(idx, dim), g)
        return out

    @staticmethod
    def backward(ctx, g):
        return TakeAlong.apply(g, ctx._idx, ctx._dim), None, None, None


def take_along(x, idx, dim):
    """Values of tensor ``x`` at the int64 array ``idx`` along ``dim``."""
    return TakeAlong.apply(x, idx, dim)


# ------------------------------------------------------------- ordering
def stable_order(a, axis, descending=False):
    """Indices that sort ``a`` along ``axis``, ties in input order (also
    when descending: the reversed array is sorted ascending and the result
    reversed back).  NaN compares above everything, as in PyTorch."""
    if not descending:
        return np.argsort(a, axis=axis, kind="stable").astype(np.int64, copy=False)
    rev = np.argsort(np.flip(a, axis), axis=axis, kind="stable").astype(np.int64, copy=False)
    return (a.shape[axis] - 1) - np.flip(rev, axis)


def _prepare(x, dim, op):
    """Check the input and its dim; 0-d tensors act as one-element vectors."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): expected a Tensor as input, got {type(x).__name__}")
    refuse_unordered(op, x)
    return dim_arg(dim, x.ndim, op)


def _keep_or_squeeze(t, d, keepdim, ndim):
    return t if keepdim or ndim == 0 else t.squeeze(d)


def _pick(x, idx, d, keepdim, result):
    """``result(values, indices)`` for one index per slice (``idx`` holds the
    kept dim of size 1)."""
    values = take_along(x, idx, d)
    indices = _wrap(idx)
    if x.ndim == 0:
        return result(values.reshape(()), _wrap(np.asarray(0)))
    return result(_keep_or_squeeze(values, d, keepdim, x.ndim),
                  _keep_or_squeeze(indices, d, keepdim, x.ndim))


def _nonempty(x, d, op):
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"{op}(): expected reduction dim {d} to have non-zero size "
                         f"(input shape {x.shape})")


def sort(input, dim=-1, descending=False, stable=False):
    """Sorted values and the indices they came from, along ``dim`` (stable)."""
    d = _prepare(input, dim, "sort")
    if input.ndim == 0:
        return SortResult(input.clone(), _wrap(np.asarray(0)))
    idx = stable_order(input._data, d, bool(descending))
    return SortResult(take_along(input, idx, d), _wrap(idx))


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim`` (stable)."""
    d = _prepare(input, dim, "argsort")
    if input.ndim == 0:
        return _wrap(np.asarray(0))
    return _wrap(stable_order(input._data, d, bool(descending)))


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The ``k`` largest (or smallest) values along ``dim``, largest first."""
    d = _prepare(input, dim, "topk")
    k = int_arg(k, "topk", "k")
    n = input.shape[d] if input.ndim else 1
    if not 0 <= k <= n:
        raise ArgumentError(f"topk(): selected index k={k} is out of range for dim {d} of "
                            f"size {n} (input shape {input.shape}); expected 0 <= k <= {n}")
    if input.ndim == 0:
        return TopkResult(input.clone(), _wrap(np.asarray(0)))
    idx = stable_order(input._data, d, bool(largest))
    idx = np.take(idx, np.arange(k), axis=d)
    return TopkResult(take_along(input, idx, d), _wrap(idx))


def kthvalue(input, k, dim=-1, keepdim=False):
    """The ``k``-th smallest value (k counts from 1) along ``dim`` and its index."""
    d = _prepare(input, dim, "kthvalue")
    k = int_arg(k, "kthvalue", "k")
    _nonempty(input, d, "kthvalue")
    n = input.shape[d] if input.ndim else 1
    if not 1 <= k <= n:
        raise ArgumentError(f"kthvalue(): selected number k={k} is out of range for dim {d} "
                            f"of size {n} (input shape {input.shape}); expected 1 <= k <= {n}")
    if input.ndim == 0:
        return KthvalueResult(input.clone(), _wrap(np.asarray(0)))
    idx = np.take(stable_order(input._data, d), [k - 1], axis=d)
    return _pick(input, idx, d, keepdim, KthvalueResult)


def _lower_median_position(a, axis):
    """Per slice, the sorted position PyTorch's median takes: the lower
    middle one, or the first NaN when the slice holds NaN."""
    n = a.shape[axis]
    lower = (n - 1) // 2
    if a.dtype.kind != "f":
        return lower
    nans = np.isnan(a).sum(axis=axis, keepdims=True)
    return np.where(nans > 0, n - nans, lower)


def _lower_median(a, axis=None, keepdims=True):
    """The lower median of all of ``a`` (NaN if it holds NaN), keepdims shape."""
    flat = a.reshape(-1)
    pos = _lower_median_position(flat, 0)
    value = np.sort(flat, kind="stable")[np.asarray(pos).reshape(-1)]
    return value.reshape((1,) * a.ndim)


class _Median(Max):
    """``median()`` without dim: the gradient is shared evenly among the
    elements equal to the median (NaN ones when it is NaN), as PyTorch does."""
    __slots__ = ()
    _np = staticmethod(_lower_median)


def median(input, dim=None, keepdim=False):
    """PyTorch's median: the lower of the two middle values for an even
    count, NaN if a NaN is present; with ``dim``, ``(values, indices)``."""
    op = "median"
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): expected a Tensor as input, got {type(input).__name__}")
    refuse_unordered(op, input)
    if input.dtype == np.bool_:
        raise NotImplementedError(f"{op}(): not implemented for bool tensors (as in PyTorch); "
                         "convert with .long() first")
    if dim is None:
        if input._data.size == 0:
            return _wrap(np.asarray(np.nan, dtype=input.dtype))
        return _Median.run(input, None, False, op)
    d = dim_arg(dim, input.ndim, op)
    _nonempty(input, d, op)
    if input.ndim == 0:
        return MedianResult(input.clone(), _wrap(np.asarray(0)))
    order = stable_order(input._data, d)
    pos = np.asarray(_lower_median_position(input._data, d), dtype=np.int64)
    kept = order.shape[:d] + (1,) + order.shape[d + 1:]
    idx = np.take_along_axis(order, np.broadcast_to(pos, kept), axis=d)
    return _pick(input, idx, d, keepdim, MedianResult)


def _mode_of_row(row):
    """(value, index) of one 1-D row: the most frequent value, the smallest
    among equally frequent ones, at its last occurrence (PyTorch's choice)."""
    values, counts = np.unique(row, return_counts=True)
    value = values[np.argmax(counts)]  # argmax takes the first, i.e. smallest
    hits = np.isnan(row) if value != value else row == value
    return np.flatnonzero(hits)[-1]


def mode(input, dim=-1, keepdim=False):
    """The most frequent value along ``dim`` (the smallest on a tie) and the
    index of its last occurrence, as PyTorch returns them."""
    d = _prepare(input, dim, "mode")
    _nonempty(input, d, "mode")
    if input.ndim == 0:
        return ModeResult(input.clone(), _wrap(np.asarray(0)))
    moved = np.moveaxis(input._data, d, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    found = np.array([_mode_of_row(r) for r in rows], dtype=np.int64)
    idx = np.moveaxis(found.reshape(moved.shape[:-1] + (1,)), -1, d)
    return _pick(input, idx, d, keepdim, ModeResult)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (or distinct slices along ``dim``), sorted; with
    ``return_inverse`` where each input element went and with
    ``return_counts`` how often each occurs (both int64).  Not
    differentiable: the result does not require grad, as in PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"unique(): expected a Tensor as input, got {type(input).__name__}")
    refuse_unordered("unique", input)
    a = input._data
    if dim is None:
        values, inverse, counts = np.unique(a.reshape(-1), return_inverse=True,
                                            return_counts=True)
        inverse = inverse.reshape(a.shape)
    else:
        d = dim_arg(dim, a.ndim, "unique")
        values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(-1)
    out = [_wrap(values)]
    if return_inverse:
        out.append(_wrap(inverse.astype(np.int64, copy=False)))
    if return_counts:
        out.append(_wrap(counts.astype(np.int64, copy=False)))
    return out[0] if len(out) == 1 else tuple(out)

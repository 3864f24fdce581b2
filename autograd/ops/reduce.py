"""Reductions, and the normalizations built on them.

Each reduction's backward reshapes the gradient to the keepdims shape and
broadcasts it back with `Expand`, so reductions differentiate twice.
softmax, log_softmax and logsumexp are primitives (one node each) because
they are hot in every classifier and their fused forms are the stable ones.
"""
from collections import namedtuple

import numpy as np

from .._args import dim_arg, dims_arg as _axes
from ..errors import DTypeError
from ..function import Function
from ..grad_mode import _state
from ..tensor import _wrap
from .movement import Expand, reshape

MaxResult = namedtuple("MaxResult", ["values", "indices"])


def _kept_shape(shape, axes):
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _expand_back(g, in_shape, axes, keepdims):
    """Gradient of a reduction, broadcast back to the input's shape."""
    if not keepdims:
        g = reshape(g, _kept_shape(in_shape, axes))
    return Expand.apply(g, in_shape) if g.shape != in_shape else g


class _Reduce(Function):
    __slots__ = ("_axes", "_keep", "_in_shape")

    @classmethod
    def run(cls, x, dim, keepdim, op):
        ax = _axes(dim, x.ndim, op)
        out = cls.apply(x, ax, keepdim)
        if type(out._data) is not np.ndarray:
            out._data = np.asarray(out._data)
        return out


class Sum(_Reduce):
    __slots__ = ()

    @staticmethod
    def forward(ctx, a, axes, keep):
        ctx._axes, ctx._keep, ctx._in_shape = axes, keep, a.shape
        return np.asarray(a.sum(axis=axes, keepdims=keep))

    @staticmethod
    def backward(ctx, g):
        return _expand_back(g, ctx._in_shape, ctx._axes, ctx._keep), None, None


class Mean(_Reduce):
    __slots__ = ()

    @staticmethod
    def forward(ctx, a, axes, keep):
        ctx._axes, ctx._keep, ctx._in_shape = axes, keep, a.shape
        return np.asarray(a.mean(axis=axes, keepdims=keep))

    @staticmethod
    def backward(ctx, g):
        n = 1
        for a in ctx._axes:
            n *= ctx._in_shape[a]
        return _expand_back(g * (1.0 / n), ctx._in_shape, ctx._axes, ctx._keep), None, None


def sum(x, dim=None, keepdim=False):
    if x.dtype.kind in "bu" or (x.dtype.kind == "i" and x.dtype != np.int64):
        x = x.long()  # PyTorch sums integers and bools in int64
    return Sum.run(x, dim, keepdim, "sum")


def mean(x, dim=None, keepdim=False):
    if x.dtype.kind != "f":
        raise DTypeError(f"mean: needs a floating-point tensor, got dtype {x.dtype}; "
                        "convert with .float() first")
    if x._data.size == 0:
        raise ValueError(f"mean: cannot average an empty tensor of shape {x.shape}")
    return Mean.run(x, dim, keepdim, "mean")


class AMax(_Reduce):
    """Max over axes; the gradient is shared equally among tied maxima."""
    __slots__ = ("_weight",)
    _np = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, a, axes, keep):
        ctx._axes, ctx._keep, ctx._in_shape = axes, keep, a.shape
        m = cls._np(a, axis=axes, keepdims=True)
        hit = (a == m)
        ctx._weight = hit / hit.sum(axis=axes, keepdims=True).astype(a.dtype)
        return m if keep else m.reshape(tuple(s for i, s in enumerate(a.shape) if i not in axes))

    @staticmethod
    def backward(ctx, g):
        return _expand_back(g, ctx._in_shape, ctx._axes, ctx._keep) * ctx._weight, None, None


class AMin(AMax):
    __slots__ = ()
    _np = staticmethod(np.min)


class _PickAlong(Function):
    """Values at given indices along one dim (max/min with ``dim``); the
    gradient goes to exactly those positions."""
    __slots__ = ("_onehot", "_keep", "_dim")

    @staticmethod
    def forward(ctx, a, idx_keep, dim, keep):
        ctx._dim, ctx._keep = dim, keep
        onehot = np.zeros(a.shape, dtype=a.dtype)
        np.put_along_axis(onehot, idx_keep, 1, axis=dim)
        ctx._onehot = onehot
        out = np.take_along_axis(a, idx_keep, axis=dim)
        return out if keep else out.squeeze(dim)

    @staticmethod
    def backward(ctx, g):
        return _expand_back(g, ctx._onehot.shape, (ctx._dim,), ctx._keep) * ctx._onehot, None, None, None


class MaxDim(_PickAlong):
    __slots__ = ()


class MinDim(_PickAlong):
    __slots__ = ()


def _reduce_extreme(x, dim, keepdim, op, full, argfn):
    if x._data.size == 0:
        raise ValueError(f"{op}: cannot reduce an empty tensor of shape {x.shape}")
    if dim is None:
        return full.run(x, None, keepdim, op)
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{op}: with dim= give one dim (use amax/amin for several)")
    d = dim_arg(dim, x.ndim, op)
    if x.ndim == 0:
        return MaxResult(x, _wrap(np.asarray(0)))
    idx = argfn(x._data, axis=d, keepdims=True)
    values = (MaxDim if argfn is np.argmax else MinDim).apply(x, idx, d, keepdim)
    return MaxResult(values, _wrap(idx if keepdim else idx.squeeze(d)))


def max(x, dim=None, keepdim=False):
    return _reduce_extreme(x, dim, keepdim, "max", AMax, np.argmax)


def min(x, dim=None, keepdim=False):
    return _reduce_extreme(x, dim, keepdim, "min", AMin, np.argmin)


def amax(x, dim=None, keepdim=False):
    return AMax.run(x, dim, keepdim, "amax")


def amin(x, dim=None, keepdim=False):
    return AMin.run(x, dim, keepdim, "amin")


def argmax(x, dim=None, keepdim=False):
    if dim is None:
        return _wrap(np.asarray(np.argmax(x._data)))
    return _wrap(np.asarray(np.argmax(x._data, axis=dim_arg(dim, x.ndim, "argmax"),
                                      keepdims=keepdim)))


def argmin(x, dim=None, keepdim=False):
    if dim is None:
        return _wrap(np.asarray(np.argmin(x._data)))
    return _wrap(np.asarray(np.argmin(x._data, axis=dim_arg(dim, x.ndim, "argmin"),
                                      keepdims=keepdim)))


def var(x, dim=None, correction=1, keepdim=False):
    ax = _axes(dim, x.ndim, "var")
    n = 1
    for a in ax:
        n *= x.shape[a]
    d = x - mean(x, ax, keepdim=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return sum(d * d, ax, keepdim) / x.dtype.type(n - correction)


def std(x, dim=None, correction=1, keepdim=False):
    return var(x, dim, correction, keepdim).sqrt()


def norm(x, p=2, dim=None, keepdim=False):
    if p == 2:
        return sum(x * x, dim, keepdim).sqrt()
    if p == 1:
        return sum(x.abs(), dim, keepdim)
    if p == float("inf"):
        return amax(x.abs(), dim, keepdim)
    return sum(x.abs() ** p, dim, keepdim) ** (1.0 / p)


# ------------------------------------------------- softmax family (stable)
def _shift(a, axis):
    """``a - max(a)`` along ``axis``, with infinite maxima treated as 0 so
    rows of -inf stay -inf instead of becoming NaN."""
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)  # initial: empty is fine
    m = np.where(np.isfinite(m), m, 0).astype(a.dtype, copy=False)
    return np.asarray(a - m), m  # asarray: 0-d input gives a scalar


class _AlongDim(Function):
    __slots__ = ("_dim",)

    @classmethod
    def run(cls, x, dim, op):
        if dim is None:
            raise TypeError(f"{op}(): dim is required (the dimension to normalize over)")
        if x.dtype.kind != "f":
            x = x.float()
        return cls.apply(x, dim_arg(dim, x.ndim, op))


# Softmax and LogSoftmax sit in every classifier's hot path, so without
# create_graph their backward is one NumPy expression instead of five
# dispatched ops; with it, the same formula in Tensor ops keeps double
# backward.  Tests check both paths against each other and finite differences.
class Softmax(_AlongDim):
    __slots__ = ()
    _save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx._dim = dim
        e, _ = _shift(a, dim)
        np.exp(e, out=e)
        e /= e.sum(axis=dim, keepdims=True)
        return e

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        d = ctx._dim
        if not _state.enabled:  # first-order only: one fused NumPy expression
            o, gd = out._data, g._data
            return _wrap(o * (gd - (gd * o).sum(axis=d, keepdims=True))), None
        return out * (g - sum(g * out, d, keepdim=True)), None


class LogSoftmax(_AlongDim):
    __slots__ = ()
    _save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx._dim = dim
        z, _ = _shift(a, dim)
        z -= np.log(np.exp(z).sum(axis=dim, keepdims=True))
        return z

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        d = ctx._dim
        if not _state.enabled:  # first-order only: one fused NumPy expression
            gd = g._data
            return _wrap(gd - np.exp(out._data) * gd.sum(axis=d, keepdims=True)), None
        return g - out.exp() * sum(g, d, keepdim=True), None


class LogSumExp(_Reduce):
    __slots__ = ()
    _save_inputs = (0,)
    _save_output = True

    @staticmethod
    def forward(ctx, a, axes, keep):
        ctx._axes, ctx._keep, ctx._in_shape = axes, keep, a.shape
        z, m = _shift(a, axes)
        out = np.log(np.exp(z).sum(axis=axes, keepdims=True)) + m
        return out if keep else out.reshape(tuple(s for i, s in enumerate(a.shape) if i not in axes))

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        shape = _kept_shape(ctx._in_shape, ctx._axes)
        out_k = out if ctx._keep else reshape(out, shape)
        g_k = g if ctx._keep else reshape(g, shape)
        return g_k * (x - out_k).exp(), None, None


def softmax(x, dim):
    return Softmax.run(x, dim, "softmax")


def log_softmax(x, dim):
    return LogSoftmax.run(x, dim, "log_softmax")


def logsumexp(x, dim=None, keepdim=False):
    if x.dtype.kind != "f":
        x = x.float()
    return LogSumExp.run(x, dim, keepdim, "logsumexp")


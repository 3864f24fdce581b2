"""Reductions, and the normalizations built on them.

Each reduction's backward reshapes the gradient to the keepdims shape and
broadcasts it back with `Expand`, so reductions differentiate twice.
softmax, log_softmax and logsumexp are primitives (one node each) because
they are hot in every classifier and their fused forms are the stable ones.
"""
import builtins
import warnings
from collections import namedtuple

import numpy as np

from .._args import dim_arg, dims_arg as _axes
from ..errors import ArgumentError, DTypeError
from ..function import Function
from ..grad_mode import _state
from ..tensor import _wrap
from .elementwise import refuse_unordered, sgn, where
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
        raise ArgumentError(f"mean: cannot average an empty tensor of shape {x.shape}")
    return Mean.run(x, dim, keepdim, "mean")


class AMax(_Reduce):
    """Max over axes; the gradient is shared equally among tied maxima.

    NaN propagates (the max of a slice holding NaN is NaN).  No element then
    equals the result, so the slice's share is 0/0: its whole gradient is
    NaN, exactly what PyTorch's amax gives."""
    __slots__ = ("_weight",)
    _np = staticmethod(np.max)

    @classmethod
    def forward(cls, ctx, a, axes, keep):
        ctx._axes, ctx._keep, ctx._in_shape = axes, keep, a.shape
        m = cls._np(a, axis=axes, keepdims=True)
        hit = cls._winners(a, m)
        with np.errstate(invalid="ignore", divide="ignore"):
            ctx._weight = hit / hit.sum(axis=axes, keepdims=True).astype(a.dtype)
        return m if keep else m.reshape(tuple(s for i, s in enumerate(a.shape) if i not in axes))

    @staticmethod
    def _winners(a, m):
        return a == m

    @staticmethod
    def backward(ctx, g):
        return _expand_back(g, ctx._in_shape, ctx._axes, ctx._keep) * ctx._weight, None, None


class AMin(AMax):
    __slots__ = ()
    _np = staticmethod(np.min)


class Max(AMax):
    """``max()`` without dim.  Unlike amax, a NaN result sends the gradient
    to the NaN elements (shared equally), as PyTorch's max() does: the
    gradient then points at what made the result NaN."""
    __slots__ = ()

    @staticmethod
    def _winners(a, m):
        if a.dtype.kind == "f" and np.isnan(m).any():  # full reduction: m is one value
            return np.isnan(a)
        return a == m


class Min(Max):
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
    refuse_unordered(op, x)
    if x._data.size == 0:
        raise ArgumentError(f"{op}: cannot reduce an empty tensor of shape {x.shape}")
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
    """With ``dim``, NaN wins: the values and indices name the first NaN
    (np.argmax returns it), as in PyTorch."""
    return _reduce_extreme(x, dim, keepdim, "max", Max, np.argmax)


def min(x, dim=None, keepdim=False):
    return _reduce_extreme(x, dim, keepdim, "min", Min, np.argmin)


def amax(x, dim=None, keepdim=False):
    refuse_unordered("amax", x)
    return AMax.run(x, dim, keepdim, "amax")


def amin(x, dim=None, keepdim=False):
    refuse_unordered("amin", x)
    return AMin.run(x, dim, keepdim, "amin")


def _check_arg_extreme(x, op):
    refuse_unordered(op, x)
    if x._data.size == 0:
        raise ArgumentError(f"{op}: an empty tensor (shape {x.shape}) has no largest or "
                            "smallest element")


def argmax(x, dim=None, keepdim=False):
    _check_arg_extreme(x, "argmax")
    if dim is None:
        return _wrap(np.asarray(np.argmax(x._data)))
    return _wrap(np.asarray(np.argmax(x._data, axis=dim_arg(dim, x.ndim, "argmax"),
                                      keepdims=keepdim)))


def argmin(x, dim=None, keepdim=False):
    _check_arg_extreme(x, "argmin")
    if dim is None:
        return _wrap(np.asarray(np.argmin(x._data)))
    return _wrap(np.asarray(np.argmin(x._data, axis=dim_arg(dim, x.ndim, "argmin"),
                                      keepdims=keepdim)))


# ------------------------------------------------------ variance and norms
def _count(shape, axes):
    n = 1
    for a in axes:
        n *= shape[a]
    return n


class Var(_Reduce):
    """``sum((x - mean)^2) / max(0, N - correction)``: PyTorch's divisor, so
    a correction as large as N gives inf (or NaN for a constant slice),
    never a negative variance.

    The backward is PyTorch's, written in Tensor ops (so it differentiates
    again): ``2 (x - mean) / (N - correction)`` times the gradient.  For a
    reduction over everything with ``N - correction <= 0`` PyTorch instead
    gives +inf, or NaN where x equals its mean; with ``dim`` it keeps the
    formula even when ``N - correction`` is 0 or negative.  Both are
    reproduced so gradients compare equal to PyTorch's."""
    __slots__ = ("_correction", "_full")
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, axes, keep, correction, full):
        ctx._axes, ctx._keep, ctx._in_shape = axes, keep, a.shape
        ctx._correction, ctx._full = correction, full
        n = _count(a.shape, axes)
        with np.errstate(invalid="ignore", divide="ignore"):
            d = a - a.sum(axis=axes, keepdims=True) / a.dtype.type(n)
            ss = np.asarray((d * d).sum(axis=axes, keepdims=keep))
            return (ss / a.dtype.type(builtins.max(0, n - correction))).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        g = _expand_back(g, ctx._in_shape, ctx._axes, ctx._keep)
        if x._data.size == 0:  # nothing to differentiate (and no mean to take)
            return g, None, None, None, None
        dof = _count(ctx._in_shape, ctx._axes) - ctx._correction
        with np.errstate(invalid="ignore", divide="ignore"):
            if ctx._full and dof <= 0:
                xd = x._data
                slope = np.where(xd == xd.mean(), np.nan, np.inf).astype(xd.dtype)
                return g * slope, None, None, None, None
            scale = 2.0 / dof if dof else float("inf")
            return g * ((x - mean(x, ctx._axes, keepdim=True)) * scale), None, None, None, None


class Std(Function):
    """The square root of a variance, with PyTorch's subgradient: slope 0
    where the std is 0 (a constant slice) instead of 1/0."""
    __slots__ = ()
    _save_output = True

    @staticmethod
    def forward(ctx, v):
        return np.sqrt(v)

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        zero = out._data == 0
        with np.errstate(invalid="ignore", divide="ignore"):
            return where(zero, 0.0, g / (out * 2 + zero.astype(out._data.dtype)))


def _check_correction(correction, op):
    if isinstance(correction, bool) or not isinstance(correction, (int, float, np.integer,
                                                                   np.floating)):
        raise TypeError(f"{op}: correction must be a number, got "
                        f"{type(correction).__name__} {correction!r}")


def var(x, dim=None, correction=1, keepdim=False, _op="var", _stacklevel=3):
    """Variance with PyTorch's ``correction`` (1: unbiased, 0: biased, any
    real number); too large a correction warns, as PyTorch does, since the
    result is then inf or NaN."""
    if x.dtype.kind != "f":
        raise DTypeError(f"{_op}: needs a floating-point tensor, got dtype {x.dtype}; "
                         "convert with .float() first")
    _check_correction(correction, _op)
    ax = _axes(dim, x.ndim, _op)
    n = _count(x.shape, ax)
    if n - correction <= 0:
        warnings.warn(f"{_op}: correction={correction} leaves {n} - {correction} <= 0 degrees "
                      f"of freedom over the {n} element(s) reduced (input shape {x.shape}); "
                      "the result is inf or NaN", UserWarning, stacklevel=_stacklevel)
    return Var.apply(x, ax, keepdim, correction, dim is None or x.ndim == 0)


def std(x, dim=None, correction=1, keepdim=False):
    return Std.apply(var(x, dim, correction, keepdim, _op="std", _stacklevel=4))


_ORDERS = "a number (inf and -inf included), None or 'fro'"


def _norm_order(p, dim):
    """PyTorch's ``p``: a number (vector norm), None or 'fro' (the 2-norm,
    over at most 2 dims when dims are named); 'nuc' is not implemented."""
    if p is None:
        return 2.0
    if isinstance(p, str):
        if p == "fro":
            if isinstance(dim, (tuple, list)) and len(dim) > 2:
                raise ArgumentError(f"norm: p='fro' takes at most 2 dims, got dim={dim}")
            return 2.0
        if p == "nuc":
            raise NotImplementedError(f"norm: p='nuc' (nuclear norm) is not supported; "
                                      f"p may be {_ORDERS}")
        raise ArgumentError(f"norm: p={p!r} is not a valid order; p may be {_ORDERS}")
    if not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"norm: p must be {_ORDERS}, got {type(p).__name__} {p!r}")
    return float(p)


class Norm(_Reduce):
    """Vector p-norm ``(sum |x|^p)^(1/p)`` over axes; p = 0 counts non-zeros,
    p = +-inf is the max/min of |x|.

    The backward follows PyTorch's subgradients, written in Tensor ops so it
    differentiates again: 0 at a zero norm (for every p), 0 at zero
    elements when p < 1 (where |x|^(p-1) is infinite), the gradient of
    +-inf norms shared among the elements that attain it, and no gradient at
    all for p = 0 (a count)."""
    __slots__ = ("_p",)
    _save_inputs = (0,)
    _save_output = True

    @staticmethod
    def forward(ctx, a, p, axes, keep):
        ctx._axes, ctx._keep, ctx._in_shape, ctx._p = axes, keep, a.shape, p
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if p == 0:
                out = (a != 0).sum(axis=axes, keepdims=keep)
            elif p == 1:
                out = np.abs(a).sum(axis=axes, keepdims=keep)
            elif p == 2:
                out = np.sqrt((a * a).sum(axis=axes, keepdims=keep))
            elif p == np.inf:
                out = np.abs(a).max(axis=axes, keepdims=keep)
            elif p == -np.inf:
                out = np.abs(a).min(axis=axes, keepdims=keep)
            else:
                out = np.asarray((np.abs(a) ** p).sum(axis=axes, keepdims=keep)) ** (1.0 / p)
        return np.asarray(out).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        p, axes, shape, keep = ctx._p, ctx._axes, ctx._in_shape, ctx._keep
        if p == 0:
            return None, None, None, None
        x, out = ctx.saved_tensors
        g = _expand_back(g, shape, axes, keep)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            if p == 1:
                return g * sgn(x._data), None, None, None
            nrm = _expand_back(out, shape, axes, keep)
            zero = nrm._data == 0
            if p == 2:  # the norm is 0 only where x is: 0 / 1 there
                return g * x / where(zero, 1.0, nrm), None, None, None
            if np.isinf(p):  # shared among the elements attaining the norm, or NaN ones
                ax = np.abs(x._data)
                hit = (ax == nrm._data) | np.isnan(ax)
                w = sgn(x._data) * hit / hit.sum(axis=axes, keepdims=True).astype(ax.dtype)
                return g * w, None, None, None
            if p < 1:  # |x|^(p-1) is infinite at 0, where sgn(x) = 0 takes over
                sx = sgn(x._data)
                scaled = where(x._data == 0, 1.0, x).abs() ** (p - 1) * sx
                return g * scaled * nrm ** (1 - p), None, None, None
            scale = where(zero, 0.0, g / where(zero, 1.0, nrm) ** (p - 1))
            if p < 2:
                return sgn(x._data) * x.abs() ** (p - 1) * scale, None, None, None
            return x * x.abs() ** (p - 2) * scale, None, None, None


def norm(x, p=2, dim=None, keepdim=False):
    """``torch.norm``'s vector norms: see `Norm` and `_norm_order`."""
    p = _norm_order(p, dim)
    if x.dtype.kind != "f":
        raise DTypeError(f"norm: needs a floating-point tensor, got dtype {x.dtype}; "
                         "convert with .float() first")
    ax = _axes(dim, x.ndim, "norm")
    if (p < 0 or p == np.inf) and any(x.shape[a] == 0 for a in ax):
        raise ArgumentError(f"norm: the p={p} norm of an empty slice is undefined (no identity); "
                            f"input shape {x.shape}, dim={dim}")
    return Norm.apply(x, p, ax, keepdim)


# ------------------------------------------------- softmax family (stable)
def _shift(a, axis):
    """For logsumexp: ``a - max(a)`` along ``axis``, with infinite maxima
    treated as 0, so a slice of -inf gives -inf and one holding +inf gives
    +inf (PyTorch's logsumexp), not NaN.  ``initial`` lets empty slices
    through."""
    m = np.max(a, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0).astype(a.dtype, copy=False)
    return np.asarray(a - m), m  # asarray: 0-d input gives a scalar


def _minus_max(a, axis):
    """For softmax and log_softmax: ``a - max(a)`` along ``axis``.  As in
    PyTorch, a slice holding +inf or only -inf becomes NaN (inf - inf): its
    softmax is undefined, and a NaN says so where 0s and a NaN would not."""
    # initial: an empty tensor has an empty softmax; asarray: 0-d gives a scalar
    return np.asarray(a - np.max(a, axis=axis, keepdims=True, initial=-np.inf))


class _AlongDim(Function):
    __slots__ = ("_dim",)

    @classmethod
    def run(cls, x, dim, op):
        if dim is None:
            raise TypeError(f"{op}(): dim is required (the dimension to normalize over)")
        if x.dtype.kind != "f":
            refuse_unordered(op, x)
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
        e = _minus_max(a, dim)
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
        z = _minus_max(a, dim)
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
        refuse_unordered("logsumexp", x)
        x = x.float()
    return LogSumExp.run(x, dim, keepdim, "logsumexp")


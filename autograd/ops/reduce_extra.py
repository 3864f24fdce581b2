"""More reductions with PyTorch's names and semantics: prod, nansum,
nanmean, var_mean/std_mean, aminmax, count_nonzero, quantile/nanquantile,
logaddexp, distances (cdist, dist), diff and trapezoidal integration.

Most are compositions of existing differentiable ops (sort, gather, where,
sum...), so their gradients -- and second derivatives -- come from those.
`Prod` is a primitive because its gradient must stay right when the input
holds zeros: ``out / x`` is then 0/0, so the backward takes the product of
the *other* elements explicitly.
"""
import math
from collections import namedtuple

import numpy as np

from .. import dtypes as _dt
from .._args import correction_arg, dim_arg, dims_arg
from ..errors import ArgumentError, DTypeError, ShapeError
from ..function import Function
from ..tensor import Tensor, _wrap
from .elementwise import _Elementwise, binary, cast, where
from .indexing import movedim, take_along_dim
from .reduce import amax, amin
from .sorting import sort
from .special_math import NotImplementedForDType, _tensor, _to_float, require_tensors

AMinMax = namedtuple("aminmax", ["min", "max"])


# ------------------------------------------------------------------ prod
class Prod(Function):
    """Product along one dim (``dim`` None: of all elements, as a 0-d
    tensor).  Backward: ``g * prod / x`` when no element is zero; otherwise
    the product of the other elements of each slice, taken over an ``n x n``
    copy of the slice with the diagonal set to 1 (n times the memory, only
    on that rare path).  Both are Tensor ops, so prod differentiates again."""
    __slots__ = ("_dim", "_keep")
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, dim, keep):
        ctx._dim, ctx._keep = dim, keep
        if dim is None:
            return np.asarray(np.prod(a))
        return np.asarray(np.prod(a, axis=dim, keepdims=keep))

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        dim = ctx._dim
        if dim is None:
            return g * _others_product(x.reshape(-1), 0).reshape(x.shape), None, None
        if not ctx._keep:
            g = g.unsqueeze(dim)
        return g * _others_product(x, dim), None, None


def _others_product(x, dim):
    """For each element, the product of the other elements of its slice."""
    if not (x._data == 0).any():
        return Prod.apply(x, dim, True) / x
    n = x.shape[dim]
    xs = movedim(x, dim, -1)
    grid = xs.unsqueeze(-2).expand(*xs.shape[:-1], n, n)
    others = Prod.apply(where(np.eye(n, dtype=bool), 1, grid), grid.ndim - 1, False)
    return movedim(others, -1, dim)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of the elements, over all or along one dim (integers and bools give int64)."""
    x = _tensor(input)
    if dtype is not None:
        x = x.to(dtype)
    elif x._data.dtype.kind in "bu" or (x._data.dtype.kind == "i" and
                                         x._data.dtype != np.int64):
        x = x.long()
    if dim is None:
        return Prod.apply(x, None, False)
    d = dim_arg(dim, x.ndim, "prod")
    return Prod.apply(x, None, False) if x.ndim == 0 else Prod.apply(x, d, bool(keepdim))


# ------------------------------------------------------ NaN-aware sums
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum treating NaN as zero (the gradient at NaN elements is 0)."""
    x = _tensor(input)
    if x._data.dtype.kind == "f":
        x = where(np.isnan(x._data), 0, x)
    return x.sum(dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of the non-NaN elements (NaN for an all-NaN slice)."""
    x = _tensor(input)
    if dtype is not None:
        x = x.to(dtype)
    if x._data.dtype.kind not in "fc":
        raise DTypeError(f"nanmean(): expected a floating-point input (as in PyTorch), got "
                         f"dtype {x._data.dtype}")
    count = _wrap(np.asarray(~np.isnan(x._data))).sum(dim, keepdim)
    with np.errstate(divide="ignore", invalid="ignore"):  # an all-NaN slice: NaN, silently
        return nansum(x, dim, keepdim) / count


# ------------------------------------------------------------ moments
def _moment_args(dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):  # var_mean(x, True): the old unbiased-only form
        dim, unbiased = None, dim
    return dim, correction_arg(unbiased, correction), keepdim


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance and the mean, as a (var, mean) tuple (``correction=1``: unbiased)."""
    dim, corr, keep = _moment_args(dim, unbiased, keepdim, correction)
    return input.var(dim, correction=corr, keepdim=keep), input.mean(dim, keep)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The standard deviation and the mean, as a (std, mean) tuple."""
    dim, corr, keep = _moment_args(dim, unbiased, keepdim, correction)
    return input.std(dim, correction=corr, keepdim=keep), input.mean(dim, keep)


def aminmax(input, *, dim=None, keepdim=False):
    """The smallest and largest values, as a (min, max) named tuple."""
    x = _tensor(input)
    if x._data.size == 0:
        raise ArgumentError(f"aminmax(): cannot reduce an empty tensor of shape {x.shape}")
    if dim is not None:
        dim = dim_arg(dim, x.ndim, "aminmax")
    return AMinMax(amin(x, dim, keepdim), amax(x, dim, keepdim))


def count_nonzero(input, dim=None):
    """The number of non-zero elements, over all or the given dims (int64)."""
    x = _tensor(input)
    axes = dims_arg(dim, x.ndim, "count_nonzero")
    return _wrap(np.asarray(np.count_nonzero(x._data, axis=axes), dtype=np.int64))


# ----------------------------------------------------------- quantiles
_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_q(q, x, op):
    qt = q if isinstance(q, Tensor) else None
    qv = np.asarray(q._data if qt is not None else q, dtype=np.float64)
    if qv.ndim > 1:
        raise ShapeError(f"{op}(): q must be a scalar or a 1-D tensor, got shape {qv.shape}")
    if qt is not None and qt._data.dtype != x._data.dtype:
        raise DTypeError(f"{op}(): q tensor must have the input's dtype {x._data.dtype}, got "
                         f"{qt._data.dtype}")
    if qv.size and not ((qv >= 0) & (qv <= 1)).all():
        raise ArgumentError(f"{op}(): q values must be in the range [0, 1], got {qv.tolist()}")
    return qv


def _quantile(input, q, dim, keepdim, interpolation, op, ignore_nan):
    x = _tensor(input)
    if x._data.dtype.kind != "f":
        raise DTypeError(f"{op}(): input tensor must be float32 or float64 (as in PyTorch), "
                         f"got dtype {x._data.dtype}")
    if interpolation not in _MODES:
        raise ArgumentError(f"{op}(): interpolation must be one of {', '.join(_MODES)}, got "
                            f"{interpolation!r}")
    qv = _quantile_q(q, x, op)
    if dim is None:
        xs, keep_shape = x.reshape(-1), (1,) * x.ndim
    else:
        d = dim_arg(dim, x.ndim, op)
        xs = movedim(x, d, -1)
        keep_shape = tuple(1 if i == d else s for i, s in enumerate(x.shape))
    if xs.shape[-1] == 0:
        raise ArgumentError(f"{op}(): input tensor must be non-empty along the reduced dim, "
                            f"got shape {x.shape}")
    res = _sorted_quantiles(xs, qv.reshape(-1), interpolation, ignore_nan)
    res = movedim(res, -1, 0)  # (m, *rest)
    if keepdim:
        res = res.reshape((qv.size,) + keep_shape)
    return res.reshape(res.shape[1:]) if qv.ndim == 0 else res


def _sorted_quantiles(xs, q, mode, ignore_nan):
    """Quantiles ``q`` (1-D) of each last-dim slice of ``xs``: (..., m)."""
    nan = np.isnan(xs._data)
    n = xs.shape[-1]
    valid = (n - nan.sum(-1, keepdims=True)) if ignore_nan else np.full(nan.shape[:-1] + (1,), n)
    ranks = q * np.maximum(valid - 1, 0)  # (..., m); sort puts NaN last
    lo, hi = np.floor(ranks), np.ceil(ranks)
    if mode == "lower":
        hi = lo
    elif mode == "higher":
        lo = hi
    elif mode == "nearest":
        lo = hi = np.round(ranks)
    values = sort(xs, -1).values
    v_lo = take_along_dim(values, _wrap(lo.astype(np.int64)), -1)
    v_hi = take_along_dim(values, _wrap(hi.astype(np.int64)), -1)
    if mode == "linear":
        out = v_lo + (v_hi - v_lo) * _wrap((ranks - lo).astype(xs._data.dtype))
    elif mode == "midpoint":
        out = (v_lo + v_hi) * 0.5
    else:
        out = v_lo
    bad = (valid == 0) if ignore_nan else nan.any(-1, keepdims=True)
    if bad.any():
        out = where(np.broadcast_to(bad, out.shape), math.nan, out)
    return out


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles (q a number or 1-D tensor in [0, 1]); NaN if the slice holds a NaN."""
    return _quantile(input, q, dim, keepdim, interpolation, "quantile", False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    """The q-th quantiles ignoring NaN (NaN only for an all-NaN slice)."""
    return _quantile(input, q, dim, keepdim, interpolation, "nanquantile", True)


# ------------------------------------------------------------ logaddexp
class LogAddExp(_Elementwise):
    """``log(exp(a) + exp(b))`` without overflow; the gradients are
    ``sigmoid(a - b)`` and ``sigmoid(b - a)`` (Tensor ops: differentiable)."""
    __slots__ = ()
    _save_inputs = (0, 1)
    _np = staticmethod(np.logaddexp)
    _scale = 1.0

    @classmethod
    def forward(cls, ctx, a, b):
        return cls._np(a, b)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        n = ctx.needs_input_grad
        wa = ((a - b) * cls._scale).sigmoid()
        return (g * wa if n[0] else None), (g * (1 - wa) if n[1] else None)


class LogAddExp2(LogAddExp):
    """``log2(2^a + 2^b)``."""
    __slots__ = ()
    _np = staticmethod(np.logaddexp2)
    _scale = math.log(2.0)


def _float_binary(fn, a, b, op):
    require_tensors(op, input=a, other=b)
    for v in (a, b):
        if isinstance(v, Tensor) and v._data.dtype.kind not in "f":
            raise NotImplementedForDType(f"{op}(): not implemented for dtype {v._data.dtype} "
                                         "(as in PyTorch); convert with .float() first")
    return binary(fn, a, b)


def logaddexp(input, other):
    """log(exp(input) + exp(other)), computed without overflow."""
    return _float_binary(LogAddExp, input, other, "logaddexp")


def logaddexp2(input, other):
    """log2(2^input + 2^other), computed without overflow."""
    return _float_binary(LogAddExp2, input, other, "logaddexp2")


# ------------------------------------------------------------ distances
def _root(s, p):
    """``s ** (1/p)`` with slope 0 where s == 0 (PyTorch's subgradient of
    a norm at zero distance) instead of inf * 0 = NaN."""
    zero = s._data == 0
    if not zero.any():
        return s ** (1.0 / p)
    return where(zero, 0, where(zero, 1, s) ** (1.0 / p))


def _pnorm(diff, p, dims):
    """The p-norm of ``diff`` over ``dims`` (p in [0, inf])."""
    if p == 0:
        return _wrap(np.asarray((diff._data != 0).sum(dims), dtype=diff._data.dtype))
    if math.isinf(p):
        return amax(diff.abs(), dims)
    if p == 1:
        return diff.abs().sum(dims)
    if p == 2:
        return _root((diff * diff).sum(dims), 2)
    return _root((diff.abs() ** p).sum(dims), p)


def _check_p(p, op):
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}(): p must be a number, got {type(p).__name__} ({p!r})")
    if p < 0:
        raise ArgumentError(f"{op}(): p must be >= 0 (as in PyTorch), got {p}")
    return float(p)


def cdist(x1, x2, p=2.0, compute_mode=None):
    """Pairwise p-norm distances between the rows of x1 (..., P, M) and x2 (..., R, M): (..., P, R)."""
    p = _check_p(p, "cdist")
    for name, t in (("x1", x1), ("x2", x2)):
        if not isinstance(t, Tensor):
            raise TypeError(f"cdist(): {name} must be a tensor, got {type(t).__name__}")
        if t.ndim < 2:
            raise ShapeError(f"cdist(): {name} must have at least 2 dims (rows, features), got "
                             f"shape {t.shape}")
        if t._data.dtype.kind != "f":
            raise DTypeError(f"cdist(): only floating-point dtypes are supported (as in "
                             f"PyTorch), got {name} of dtype {t._data.dtype}")
    if x1.shape[-1] != x2.shape[-1]:
        raise ShapeError(f"cdist(): x1 and x2 must have the same number of columns, got "
                         f"x1 {x1.shape} and x2 {x2.shape}")
    try:
        diff = x1.unsqueeze(-2) - x2.unsqueeze(-3)
    except ValueError:
        raise ShapeError(f"cdist(): batch dims of x1 {x1.shape} and x2 {x2.shape} cannot be "
                         "broadcast together") from None
    return _pnorm(diff, p, -1)


def dist(input, other, p=2):
    """The p-norm of ``input - other`` (broadcast), as a 0-d tensor."""
    p = _check_p(p, "dist")
    diff = _to_float(_tensor(input)) - other
    return _pnorm(diff.reshape(-1), p, 0)


# ---------------------------------------------- differences, integrals
def _along(x, dim, start, stop):
    idx = [slice(None)] * x.ndim
    idx[dim] = slice(start, stop)
    return x[tuple(idx)]


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along ``dim`` (bool input: ``!=`` of neighbours)."""
    x = _tensor(input)
    if x.ndim == 0:
        raise ShapeError("diff(): expected a tensor with at least 1 dim, got a 0-d tensor")
    d = dim_arg(dim, x.ndim, "diff")
    parts = [_edge(prepend, x, d, "prepend"), x, _edge(append, x, d, "append")]
    parts = [t for t in parts if t is not None]
    if len(parts) > 1:
        from .movement import cat
        x = cat(parts, d)
    for _ in range(n):
        if x._data.dtype == np.bool_:
            x = _wrap(np.asarray(_along(x, d, 1, None)._data != _along(x, d, None, -1)._data))
        else:
            x = _along(x, d, 1, None) - _along(x, d, None, -1)
    return x


def _edge(t, like, dim, name):
    """``prepend``/``append``: a scalar is broadcast to one slice along dim."""
    if t is None:
        return None
    t = _tensor(t, like)
    if t.ndim == 0:
        shape = tuple(1 if i == dim else s for i, s in enumerate(like.shape))
        return t.expand(*shape)
    if t.ndim != like.ndim:
        raise ShapeError(f"diff(): {name} must have the same number of dims as input "
                         f"({like.ndim}), got shape {t.shape}")
    return t


def _spacing(y, x, dx, dim, op):
    """The widths of the trapezoids along ``dim``, shaped to broadcast."""
    if x is None:
        return 1.0 if dx is None else dx
    if dx is not None:
        raise TypeError(f"{op}(): give x or dx, not both")
    x = _tensor(x)
    widths = diff(x, dim=-1 if x.ndim == 1 else dim)
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise ShapeError(f"{op}(): x has {x.shape[0]} points but y has {y.shape[dim]} "
                             f"along dim {dim} (y shape {y.shape})")
        widths = widths.reshape(tuple(-1 if i == dim else 1 for i in range(y.ndim)))
    return widths


def _trapezoids(y, x, dx, dim, op):
    y = _to_float(_tensor(y))
    d = dim_arg(dim, y.ndim, op)
    w = _spacing(y, x, dx, d, op)
    return (_along(y, d, 1, None) + _along(y, d, None, -1)) * w * 0.5, d


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """Integral of y along ``dim`` by the trapezoidal rule (sample points x, or spacing dx)."""
    t, d = _trapezoids(y, x, dx, dim, "trapezoid")
    return t.sum(d)


def trapz(y, x=None, *, dx=None, dim=-1):
    """The trapezoidal rule (the older name of `trapezoid`)."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """Running integral of y along ``dim`` by the trapezoidal rule (one element shorter)."""
    from .cumulative import cumsum
    t, d = _trapezoids(y, x, dx, dim, "cumulative_trapezoid")
    return cumsum(t, d)

"""Cumulative ops along one dim: cumsum, cumprod, logcumsumexp, cummax, cummin.

Each backward is written with these same ops (and flips, shifts, `where`),
so all of them differentiate again.

cumprod's gradient is the one that usually goes wrong: the textbook
``reverse_cumsum(g * out) / x`` divides by zero where the input holds
zeros.  Here it is computed without any division, as

    grad_k = (prod_{i<k} x_i) * S_k,   S_k = g_k + x_{k+1} * S_{k+1},

an exclusive product times a reverse *linear recurrence* (`LinRec`, a scan
``y_k = b_k + a_k y_{k-1}``).  The recurrence is linear in ``b`` and its
own gradient is the reverse recurrence, so cumprod is exact with any number
of zeros and twice differentiable there too.
"""
from collections import namedtuple

import numpy as np

from .._args import dim_arg
from ..function import Function
from ..tensor import Tensor, _wrap
from .elementwise import refuse_unordered
from .movement import cat, getitem, reshape
from .sorting import take_along

CumResult = namedtuple("cummax", ["values", "indices"])
CumminResult = namedtuple("cummin", ["values", "indices"])


# --------------------------------------------------- flips and shifts
def _flip(x, d):
    return getitem(x, (slice(None),) * d + (slice(None, None, -1),))


def _shifted(x, d, fill, later):
    """``x`` moved one step along ``d`` with ``fill`` in the freed slot:
    ``later`` gives ``y_k = x_{k-1}`` (fill at 0), otherwise ``y_k =
    x_{k+1}`` (fill at the end)."""
    n = x.shape[d]
    lead = (slice(None),) * d
    filler = _wrap(np.full(x.shape[:d] + (1,) + x.shape[d + 1:], fill, dtype=x.dtype))
    if later:
        return cat([filler, getitem(x, lead + (slice(0, n - 1),))], d)
    return cat([getitem(x, lead + (slice(1, n),)), filler], d)


def _reverse(fn, x, d, *rest):
    """``fn`` run from the end of dim ``d`` towards its start."""
    return _flip(fn(_flip(x, d), *[_flip(r, d) for r in rest], d), d)


# ---------------------------------------------------------- primitives
class CumSum(Function):
    __slots__ = ("_dim",)

    @staticmethod
    def forward(ctx, a, dim):
        ctx._dim = dim
        return np.cumsum(a, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return _reverse(CumSum.apply, g, ctx._dim), None


class LinRec(Function):
    """The scan ``y_k = b_k + a_k * y_{k-1}`` along ``dim`` (``y_{-1} = 0``).
    Its gradient: ``lam = `` the same scan run backwards on the incoming
    gradient with coefficients ``a_{k+1}``; then ``db = lam`` and ``da_k =
    lam_k * y_{k-1}``."""
    __slots__ = ("_dim",)
    _save_inputs = (1,)
    _save_output = True

    @staticmethod
    def forward(ctx, b, a, dim):
        ctx._dim = dim
        bm, am = np.moveaxis(b, dim, 0), np.moveaxis(a, dim, 0)
        out = np.empty(bm.shape, dtype=np.result_type(b, a))
        prev = 0
        for k in range(bm.shape[0]):
            prev = bm[k] + am[k] * prev
            out[k] = prev
        return np.moveaxis(out, 0, dim)

    @staticmethod
    def backward(ctx, g):
        a, y = ctx.saved_tensors
        d = ctx._dim
        lam = _reverse(LinRec.apply, g, d, _shifted(a, d, 0, later=False))
        return lam, lam * _shifted(y, d, 0, later=True), None


class CumProd(Function):
    """Cumulative product; see the module docstring for its gradient."""
    __slots__ = ("_dim",)
    _save_inputs = (0,)
    _save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx._dim = dim
        return np.cumprod(a, axis=dim)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        d = ctx._dim
        if x.shape[d] == 0:
            return g, None
        s = _reverse(LinRec.apply, g, d, _shifted(x, d, 0, later=False))
        return _shifted(out, d, 1, later=True) * s, None


class LogCumSumExp(Function):
    """``log(cumsum(exp(x)))`` without overflow.  Its gradient
    ``grad_k = sum_{j>=k} g_j exp(x_k - out_j)`` is computed as
    ``exp(x_k - out_k) * S_k`` with the reverse recurrence
    ``S_k = g_k + exp(out_k - out_{k+1}) S_{k+1}``: every exponent is <= 0,
    so nothing overflows whatever the range of ``x``, and the signs of ``g``
    need no special care."""
    __slots__ = ("_dim",)
    _save_inputs = (0,)
    _save_output = True

    @staticmethod
    def forward(ctx, a, dim):
        ctx._dim = dim
        return np.logaddexp.accumulate(a, axis=dim)

    @staticmethod
    def backward(ctx, g):
        x, out = ctx.saved_tensors
        d = ctx._dim
        if x.shape[d] == 0:
            return g, None
        decay = (out - _shifted(out, d, np.inf, later=False)).exp()  # 0 after the end
        return (x - out).exp() * _reverse(LinRec.apply, g, d, decay), None


# ------------------------------------------------------------ wrappers
def _along(input, dim, op):
    """Check the input and dim; a 0-d tensor is treated as one element."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): expected a Tensor as input, got {type(input).__name__}")
    if dim is None:
        raise TypeError(f"{op}(): dim is required (the dimension to accumulate along)")
    refuse_unordered(op, input)
    return dim_arg(dim, input.ndim, op)


def _run(fn, x, d):
    if x.ndim == 0:
        return reshape(fn.apply(reshape(x, (1,)), 0), ())
    return fn.apply(x, d)


def _integer_to_long(x, dtype):
    """PyTorch accumulates bool and integer tensors in int64 unless a dtype
    is given."""
    if dtype is not None:
        return x.to(dtype)
    if x.dtype.kind in "bu" or (x.dtype.kind == "i" and x.dtype != np.int64):
        return x.long()
    return x


def cumsum(input, dim, dtype=None):
    """Running sum along ``dim``."""
    d = _along(input, dim, "cumsum")
    return _run(CumSum, _integer_to_long(input, dtype), d)


def cumprod(input, dim, dtype=None):
    """Running product along ``dim`` (gradient exact with zeros in the input)."""
    d = _along(input, dim, "cumprod")
    return _run(CumProd, _integer_to_long(input, dtype), d)


def logcumsumexp(input, dim):
    """``log(cumsum(exp(input)))`` along ``dim``, computed stably."""
    d = _along(input, dim, "logcumsumexp")
    if input.dtype.kind != "f":
        raise NotImplementedError(f"logcumsumexp(): not implemented for dtype {input.dtype} "
                                  "(as in PyTorch); convert with .float() first")
    return _run(LogCumSumExp, input, d)


def _cumulative_extreme(input, dim, op, accumulate, result):
    """Running max/min with the index it came from: a new element takes
    over on ties (``>=``, so the latest index wins) and NaN takes over and
    stays, as in PyTorch."""
    d = _along(input, dim, op)
    if input.ndim == 0:
        return result(input.clone(), _wrap(np.asarray(0)))
    a = input._data
    taken = a == accumulate(a, axis=d)
    if a.dtype.kind == "f":
        taken |= np.isnan(a)
    n = a.shape[d]
    pos = np.arange(n, dtype=np.int64).reshape((n,) + (1,) * (a.ndim - d - 1))
    idx = np.maximum.accumulate(np.where(taken, pos, 0), axis=d)
    return result(take_along(input, idx, d), _wrap(idx))


def cummax(input, dim):
    """Running maximum along ``dim`` and the index of each."""
    return _cumulative_extreme(input, dim, "cummax", np.maximum.accumulate, CumResult)


def cummin(input, dim):
    """Running minimum along ``dim`` and the index of each."""
    return _cumulative_extreme(input, dim, "cummin", np.minimum.accumulate, CumminResult)

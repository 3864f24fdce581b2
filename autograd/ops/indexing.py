"""Indexing and shape ops with PyTorch's names: gather/scatter and their
reductions, index_select/index_add, masks, flip/roll, splitting and
stacking helpers, meshgrid, nonzero.

Where an op is a selection, it is built on the existing `Index`/`IndexAdd`
pair (or on `Gather`/`ScatterAdd` below, the same pair along one dim), so it
differentiates any number of times.  Ops whose gradient PyTorch does not
define (``scatter(reduce=...)``) record a node whose backward says so, as
PyTorch's does, rather than a silently missing gradient.
"""
import warnings

import numpy as np

from .. import dtypes as _dt
from .._args import dim_arg, dims_arg, int_arg
from ..errors import ArgumentError, DTypeError, ShapeError
from ..function import Function
from ..tensor import Tensor, _wrap
from . import movement as _mv
from . import inplace as _ip
from .elementwise import cast, where


# ------------------------------------------------------------- operands
def _index_array(index, fn, name="index"):
    """An integer index tensor's array (PyTorch takes int64 and int32)."""
    arr = index._data if isinstance(index, Tensor) else np.asarray(index)
    if arr.dtype.kind not in "iu":
        raise DTypeError(f"{fn}(): expected an integer tensor for '{name}' (int64 or int32), "
                         f"got dtype {arr.dtype}")
    return arr


def _as_tensor(x, fn, name="input"):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (np.ndarray, list, tuple)):
        return _wrap(_dt.infer_array(x))
    raise TypeError(f"{fn}(): argument '{name}' must be a tensor, got {type(x).__name__}")


def _along_dim(index, dim, ndim, shape=None):
    """NumPy index tuple that addresses, for every position of ``index``,
    the element ``index[pos]`` along ``dim`` (the other coordinates are the
    position's own): the index that gather reads and scatter writes."""
    shape = index.shape if shape is None else shape
    grids = list(np.ogrid[tuple(slice(0, s) for s in shape)]) if ndim else []
    grids[dim] = index
    return tuple(grids)


def _check_along(x, dim, index, fn, src=None):
    """PyTorch's shape rules for gather/scatter: same number of dims, and
    ``index`` no larger than the input (outside ``dim``) and than ``src``."""
    if index.ndim != x.ndim and not (index.ndim <= 1 and x.ndim <= 1):
        raise ShapeError(f"{fn}(): index has {index.ndim} dims (shape {index.shape}) but the "
                         f"input has {x.ndim} (shape {x.shape}); they must match")
    for d, s in enumerate(index.shape):
        if d != dim and s > x.shape[d]:
            raise ShapeError(f"{fn}(): index shape {index.shape} is larger than the input "
                             f"shape {x.shape} at dim {d}")
        if src is not None and s > src.shape[d]:
            raise ShapeError(f"{fn}(): index shape {index.shape} is larger than the src "
                             f"shape {src.shape} at dim {d}")
    n = x.shape[dim] if x.ndim else 1
    if index.size and (index.min() < -n or index.max() >= n):
        bad = index.min() if index.min() < -n else index.max()
        raise IndexError(f"{fn}(): index {bad} is out of bounds for dim {dim} with size {n}")


def _crop(t, shape):
    """The leading ``shape`` block of ``t`` (src larger than index)."""
    if t.shape == shape:
        return t
    return _mv.getitem(t, tuple(slice(0, s) for s in shape))


# --------------------------------------------------------- gather pair
class Gather(Function):
    """``out[pos] = a[pos with dim replaced by index[pos]]``."""
    __slots__ = ("_dim", "_index", "_in_shape")

    @staticmethod
    def forward(ctx, a, dim, index):
        ctx._dim, ctx._index, ctx._in_shape = dim, index, a.shape
        return a[_along_dim(index, dim, a.ndim)]

    @staticmethod
    def backward(ctx, g):
        return ScatterAdd.apply(g, ctx._dim, ctx._index, ctx._in_shape), None, None


class ScatterAdd(Function):
    """Zeros of ``shape`` with ``g`` added at the positions `Gather` reads
    (repeated indices accumulate): `Gather`'s adjoint, and vice versa."""
    __slots__ = ("_dim", "_index")

    @staticmethod
    def forward(ctx, g, dim, index, shape):
        ctx._dim, ctx._index = dim, index
        out = np.zeros(shape, dtype=g.dtype)
        np.add.at(out, _along_dim(index, dim, len(shape)), g)
        return out

    @staticmethod
    def backward(ctx, g):
        return Gather.apply(g, ctx._dim, ctx._index), None, None, None


def _dim_and_index(x, dim, index, fn):
    d = dim_arg(dim, x.ndim, fn)
    idx = _index_array(index, fn)
    if x.ndim == 0 or idx.ndim == 0:  # 0-d input or index: work on one element
        idx = idx.reshape((1,) * max(x.ndim, 1)) if idx.ndim == 0 else idx
    return d, idx


def gather(input, dim, index):
    """Values of ``input`` along ``dim`` at ``index`` (same number of dims;
    ``index`` may be smaller than ``input`` in the other dims)."""
    x = _as_tensor(input, "gather")
    d, idx = _dim_and_index(x, dim, index, "gather")
    if x.ndim == 0:
        _check_along(_mv.reshape(x, (1,)), 0, idx.reshape(-1), "gather")
        return _mv.reshape(Gather.apply(_mv.reshape(x, (1,)), 0, idx.reshape(-1)), idx.shape)
    _check_along(x, d, idx, "gather")
    full = tuple(s if i == d else idx.shape[i] for i, s in enumerate(x.shape))
    return Gather.apply(_crop(x, full), d, idx)


def take_along_dim(input, indices, dim=None):
    """``gather`` after broadcasting ``input`` and ``indices`` (outside
    ``dim``); without ``dim`` both are flattened first (as PyTorch)."""
    x = _as_tensor(input, "take_along_dim")
    idx = _index_array(indices, "take_along_dim", "indices")
    if dim is None:
        return gather(_mv.reshape(x, (-1,)) if x.ndim != 1 else x, 0, idx.reshape(-1))
    d = dim_arg(dim, x.ndim, "take_along_dim")
    if idx.ndim != x.ndim:
        raise ShapeError(f"take_along_dim(): input (shape {x.shape}) and indices (shape "
                         f"{idx.shape}) must have the same number of dims")
    try:
        outer = np.broadcast_shapes(x.shape[:d] + (1,) + x.shape[d + 1:],
                                    idx.shape[:d] + (1,) + idx.shape[d + 1:])
    except ValueError:
        raise ShapeError(f"take_along_dim(): input shape {x.shape} and indices shape "
                         f"{idx.shape} cannot be broadcast outside dim {d}") from None
    xs = outer[:d] + (x.shape[d],) + outer[d + 1:]
    ids = outer[:d] + (idx.shape[d],) + outer[d + 1:]
    if x.shape != xs:
        x = _mv.broadcast_to(x, xs)
    return gather(x, d, np.broadcast_to(idx, ids))


# -------------------------------------------------------------- scatter
class Scatter(Function):
    """``out = a`` with ``src`` written at the scattered positions (the last
    write wins where indices repeat).  ``a`` gets the gradient where it
    was not overwritten; ``src`` gets it gathered from every position it
    was written to (as PyTorch)."""
    __slots__ = ("_dim", "_index", "_src_shape")

    @staticmethod
    def forward(ctx, a, src, dim, index):
        ctx._dim, ctx._index = dim, index
        ctx._src_shape = np.shape(src)
        out = a.copy()
        values = src if np.ndim(src) == 0 else src[tuple(slice(0, s) for s in index.shape)]
        out[_along_dim(index, dim, a.ndim)] = values
        return out

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        at = _along_dim(ctx._index, ctx._dim, g.ndim)
        ga = gs = None
        if n[0]:
            keep = np.ones(g.shape, dtype=g.dtype)
            keep[at] = 0
            ga = g * keep
        if n[1]:
            gs = _pad_to(Gather.apply(g, ctx._dim, ctx._index), ctx._src_shape)
        return ga, gs, None, None


def _pad_to(t, shape):
    """Zero-pad ``t`` at the end of each dim up to ``shape`` (a src larger
    than its index gets zero gradient outside the block it used)."""
    if t.shape == tuple(shape):
        return t
    widths = tuple((0, s - n) for s, n in zip(shape, t.shape))
    return _mv.Pad.apply(t, widths, 0.0)


class _NoDerivative(Function):
    """A result PyTorch computes but does not differentiate: the node links
    the result to the inputs that require grad, and its backward refuses,
    naming the op (PyTorch's "derivative ... is not implemented")."""
    __slots__ = ("_op",)

    @staticmethod
    def forward(ctx, values, op, *inputs):
        ctx._op = op
        return values

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(f"the derivative for {ctx._op} is not implemented (as in "
                           "PyTorch); use a differentiable form (e.g. scatter_reduce) or "
                           "detach the inputs")


def no_derivative(values, inputs, op):
    """The array ``values`` as the result of ``op`` on ``inputs``."""
    return _NoDerivative.apply(values, op, *inputs)


def _src_operand(x, src, value, fn):
    """scatter's ``src`` (a tensor) or ``value`` (a number or 0-d tensor),
    in ``x``'s dtype."""
    if (src is None) == (value is None):
        raise TypeError(f"{fn}(): give exactly one of src (a tensor) and value (a number)")
    if src is None:
        src = value
    if isinstance(src, Tensor):
        if src.ndim == 0 and src._data.dtype != x.dtype:
            return cast(src, x.dtype) if src.dtype.kind == "f" else src._data.astype(x.dtype)
        if src.dtype != x.dtype:
            raise DTypeError(f"{fn}(): src has dtype {src.dtype} but the input has dtype "
                             f"{x.dtype}; they must match (as in PyTorch)")
        return src
    if isinstance(src, np.ndarray):
        return _src_operand(x, _wrap(src), None, fn)
    return x.dtype.type(src)


def scatter(input, dim, index, src=None, value=None, reduce=None):
    """``input`` with ``src`` (or the number ``value``) written along ``dim``
    at ``index``.  ``reduce='add'``/``'multiply'`` combine instead of
    overwriting; PyTorch gives those no gradient (backward raises)."""
    x = _as_tensor(input, "scatter")
    d, idx = _dim_and_index(x, dim, index, "scatter")
    s = _src_operand(x, src, value, "scatter")
    if x.ndim == 0:
        raise ShapeError("scatter(): a 0-d input is not supported; reshape it to (1,)")
    _check_along(x, d, idx, "scatter", s if isinstance(s, Tensor) and s.ndim else None)
    if reduce is None:
        return Scatter.apply(x, s, d, idx)
    if reduce not in ("add", "multiply"):
        raise ArgumentError(f"scatter(): reduce must be 'add' or 'multiply', got {reduce!r}")
    sd = s._data if isinstance(s, Tensor) else s
    out = x._data.copy()
    at = _along_dim(idx, d, x.ndim)
    vals = sd if np.ndim(sd) == 0 else sd[tuple(slice(0, n) for n in idx.shape)]
    (np.add if reduce == "add" else np.multiply).at(out, at, vals)
    return no_derivative(out, (x, s), f"scatter(reduce={reduce!r})")


def scatter_add(input, dim, index, src):
    """``input`` plus ``src`` added along ``dim`` at ``index`` (repeated
    indices accumulate)."""
    x = _as_tensor(input, "scatter_add")
    d, idx = _dim_and_index(x, dim, index, "scatter_add")
    s = _src_operand(x, src, None, "scatter_add")
    if not isinstance(s, Tensor):
        raise TypeError("scatter_add(): src must be a tensor")
    _check_along(x, d, idx, "scatter_add", s)
    return x + ScatterAdd.apply(_crop(s, idx.shape), d, idx, x.shape)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Combine ``src`` into ``input`` along ``dim`` at ``index`` with
    ``reduce`` (sum, prod, mean, amax, amin); ``include_self=False`` leaves
    the input's own value out wherever something is scattered."""
    fn = "scatter_reduce"
    if reduce not in _REDUCTIONS:
        raise ArgumentError(f"{fn}(): reduce must be one of {', '.join(_REDUCTIONS)}; got "
                            f"{reduce!r}")
    x = _as_tensor(input, fn)
    d, idx = _dim_and_index(x, dim, index, fn)
    s = _src_operand(x, src, None, fn)
    if not isinstance(s, Tensor):
        raise TypeError(f"{fn}(): src must be a tensor")
    _check_along(x, d, idx, fn, s)
    s = _crop(s, idx.shape)
    hit = np.zeros(x.shape, dtype=bool)
    hit[_along_dim(idx, d, x.ndim)] = True
    own = ~hit if not include_self else np.ones(x.shape, dtype=bool)
    if reduce in ("sum", "mean"):
        total = x * own + ScatterAdd.apply(s, d, idx, x.shape)
        if reduce == "sum":
            return total
        count = own.astype(np.int64)
        np.add.at(count, _along_dim(idx, d, x.ndim), 1)
        count = np.maximum(count, 1)
        if x.dtype.kind in "iu":  # PyTorch floors integer means
            return _wrap(total._data // count)
        return total / count.astype(x.dtype)
    return ScatterExtreme.apply(x, s, d, idx, reduce, own)


_UFUNC_OF = {"prod": np.multiply, "amax": np.maximum, "amin": np.minimum}


class ScatterExtreme(Function):
    """scatter_reduce with prod, amax or amin.  The forward is exact (one
    ``ufunc.at``); the backward follows PyTorch: amax/amin share the
    gradient equally among the elements equal to the result, prod gives
    each element the product of the others (zeros handled without
    dividing by them).  The weights are constants, so the gradient is
    differentiable again for amax/amin (piecewise linear); for prod the
    second derivative is refused (see `_ProdWeights`)."""
    __slots__ = ("_dim", "_index", "_reduce", "_own", "_wx", "_ws")
    _save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, src, dim, index, reduce, own):
        ctx._dim, ctx._index, ctx._reduce, ctx._own = dim, index, reduce, own
        at = _along_dim(index, dim, a.ndim)
        out = a.copy()
        out[~own] = _identity(reduce, a.dtype)  # include_self=False: start from nothing
        _UFUNC_OF[reduce].at(out, at, src)
        ctx._wx, ctx._ws = _extreme_weights(a, src, out, at, own, reduce)
        return out

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        ga = gs = None
        if ctx._reduce == "prod":
            a, src = ctx.saved_tensors
            if n[0]:
                ga = _ProdWeights.apply(g, ctx._wx, a, src)
            if n[1]:
                gs = _ProdWeights.apply(Gather.apply(g, ctx._dim, ctx._index), ctx._ws, a, src)
            return ga, gs, None, None, None, None
        if n[0]:
            ga = g * ctx._wx
        if n[1]:
            gs = Gather.apply(g, ctx._dim, ctx._index) * ctx._ws
        return ga, gs, None, None, None, None


def _identity(reduce, dtype):
    """The value that leaves ``reduce`` unchanged, in ``dtype``."""
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _extreme_weights(a, src, out, at, own, reduce):
    """d out / d a and d out / d src for amax/amin/prod as constant arrays."""
    if reduce in ("amax", "amin"):
        hit_a = (a == out) & own
        hit_s = src == out[at]
        ties = hit_a.astype(a.dtype)
        np.add.at(ties, at, hit_s.astype(a.dtype))
        ties = np.where(ties == 0, 1, ties)
        untouched = np.ones(a.shape, dtype=bool)
        untouched[at] = False
        wx = np.where(untouched, 1, hit_a / ties).astype(a.dtype)
        return wx, (hit_s / ties[at]).astype(a.dtype)
    # prod: each factor's weight is the product of the other factors
    zeros = np.where(own & (a == 0), 1, 0)
    np.add.at(zeros, at, (src == 0).astype(np.int64))
    nonzero_prod = np.where(own & (a != 0), a, 1).astype(a.dtype)
    np.multiply.at(nonzero_prod, at, np.where(src == 0, 1, src))
    with np.errstate(divide="ignore", invalid="ignore"):
        wx = np.where(zeros == 0, nonzero_prod / np.where(a == 0, 1, a),
                      np.where((zeros == 1) & (a == 0), nonzero_prod, 0))
        wx = np.where(own, wx, 0).astype(a.dtype)
        z, p = zeros[at], nonzero_prod[at]
        ws = np.where(z == 0, p / np.where(src == 0, 1, src),
                      np.where((z == 1) & (src == 0), p, 0)).astype(a.dtype)
    return wx, ws


class _ProdWeights(Function):
    """``g * w`` for prod's weights (computed in NumPy, zero-safe).  The
    node is connected to ``g`` and to the inputs the weights depend on, and
    refuses to be differentiated: a second derivative is refused instead
    of silently wrong."""
    __slots__ = ()

    @staticmethod
    def forward(ctx, g, w, *inputs):
        return g * w

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("scatter_reduce(reduce='prod') is differentiable once in "
                           "chainrule: its second derivative is not implemented")


# --------------------------------------------------------- index_select
def _index_1d(index, fn):
    idx = _index_array(index, fn)
    if idx.ndim > 1:
        raise ShapeError(f"{fn}(): index must be 1-D (or 0-d), got shape {idx.shape}")
    return idx.reshape(-1)


def index_select(input, dim, index):
    """The slices of ``input`` at ``index`` along ``dim``."""
    x = _as_tensor(input, "index_select")
    d = dim_arg(dim, x.ndim, "index_select")
    idx = _index_1d(index, "index_select")
    if x.ndim == 0:
        return _mv.getitem(_mv.reshape(x, (1,)), idx).reshape(())
    n = x.shape[d]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"index_select(): index out of range for dim {d} of size {n} "
                         f"(got {idx.min() if idx.min() < -n else idx.max()})")
    return _mv.getitem(x, (slice(None),) * d + (idx,))


def index_add(input, dim, index, source, *, alpha=1):
    """``input`` with ``alpha * source`` slices added at ``index`` along
    ``dim`` (repeated indices accumulate)."""
    x = _as_tensor(input, "index_add")
    d = dim_arg(dim, x.ndim, "index_add")
    idx = _index_1d(index, "index_add")
    src = _as_tensor(source, "index_add", "source")
    want = x.shape[:d] + (idx.size,) + x.shape[d + 1:]
    if src.shape != want and not (x.ndim == 0 and src.numel() == idx.size):
        raise ShapeError(f"index_add(): source must have shape {want} for index of length "
                         f"{idx.size} along dim {d} of input {x.shape}, got {src.shape}")
    if src.dtype != x.dtype:
        raise DTypeError(f"index_add(): source dtype {src.dtype} differs from input dtype "
                         f"{x.dtype}")
    if alpha != 1:
        src = src * alpha
    if x.ndim == 0:
        return x + _mv.reshape(_mv.IndexAdd.apply(_mv.reshape(src, (-1,)), idx, (1,)), ())
    return x + _mv.IndexAdd.apply(src, (slice(None),) * d + (idx,), x.shape)


# ----------------------------------------------------------------- masks
def _bool_mask(mask, fn):
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise DTypeError(f"{fn}(): expected a bool mask, got dtype {m.dtype}")
    return m


def masked_fill(input, mask, value):
    """``input`` with ``value`` where ``mask`` is True (the mask broadcasts
    to the input; the result keeps the input's dtype)."""
    x = _as_tensor(input, "masked_fill")
    m = _bool_mask(mask, "masked_fill")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise ShapeError(f"masked_fill(): value must be a number or a 0-d tensor, got a "
                             f"tensor of shape {value.shape}")
        value = cast(value, x.dtype) if value.dtype.kind == "f" and x.dtype.kind == "f" \
            else x.dtype.type(value.item())
    else:
        value = x.dtype.type(value)
    try:
        shape = np.broadcast_shapes(m.shape, x.shape)
    except ValueError:
        raise ShapeError(f"masked_fill(): mask of shape {m.shape} does not broadcast with "
                         f"the input's shape {x.shape}") from None
    if shape != x.shape:
        x = _mv.broadcast_to(x, shape)
    return where(m, value, x)


def masked_fill_(input, mask, value):
    """In-place `masked_fill`: the mask must broadcast to the input."""
    m = _bool_mask(mask, "masked_fill_")
    if np.broadcast_shapes(m.shape, input.shape) != input.shape:
        raise ShapeError(f"masked_fill_(): mask of shape {m.shape} does not broadcast to the "
                         f"input's shape {input.shape}")
    return _inplace_with_operand(input, value, lambda t: masked_fill(t, m, value),
                                 "masked_fill_")


def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` holds, as a 1-D tensor
    (input and mask broadcast together)."""
    x = _as_tensor(input, "masked_select")
    m = _bool_mask(mask, "masked_select")
    try:
        shape = np.broadcast_shapes(m.shape, x.shape)
    except ValueError:
        raise ShapeError(f"masked_select(): mask of shape {m.shape} does not broadcast with "
                         f"the input's shape {x.shape}") from None
    if x.shape != shape:
        x = _mv.broadcast_to(x, shape)
    m = np.broadcast_to(m, shape)
    if not shape:
        return _mv.getitem(_mv.reshape(x, (1,)), m.reshape(1))
    return _mv.getitem(x, m)


def scatter_(input, dim, index, src=None, value=None, reduce=None):
    """In-place `scatter`."""
    return _inplace_with_operand(input, src if src is not None else value,
                                 lambda t: scatter(t, dim, index, src, value, reduce),
                                 "scatter_")


def scatter_add_(input, dim, index, src):
    """In-place `scatter_add`."""
    return _inplace_with_operand(input, src, lambda t: scatter_add(t, dim, index, src),
                                 "scatter_add_")


def scatter_reduce_(input, dim, index, src, reduce, *, include_self=True):
    """In-place `scatter_reduce`."""
    return _inplace_with_operand(
        input, src, lambda t: scatter_reduce(t, dim, index, src, reduce,
                                             include_self=include_self), "scatter_reduce_")


def index_add_(input, dim, index, source, *, alpha=1):
    """In-place `index_add`."""
    return _inplace_with_operand(input, source,
                                 lambda t: index_add(t, dim, index, source, alpha=alpha),
                                 "index_add_")


def _inplace_with_operand(t, operand, compute, label):
    if _ip._tracked(t, operand):
        if t._rg and t._grad_fn is None:
            _ip._leaf_error(t, label)
        _ip._rebase(t, compute(_ip._history_copy(t)), label)
        return t
    _ip._check_untracked_write(t, label)
    _ip._write(t, compute(t)._data, label)
    return t


# ------------------------------------------------------ flip, roll, move
class Flip(Function):
    """A reversed copy (PyTorch's flip copies; it is not a view)."""
    __slots__ = ("_dims",)

    @staticmethod
    def forward(ctx, a, dims):
        ctx._dims = dims
        return np.flip(a, dims).copy() if dims else a.copy()

    @staticmethod
    def backward(ctx, g):
        return Flip.apply(g, ctx._dims), None


def _dims_list(dims, ndim, fn):
    if isinstance(dims, (tuple, list)):
        out = [dim_arg(d, ndim, fn) for d in dims]
    else:
        out = [dim_arg(dims, ndim, fn)]
    if len(set(out)) != len(out):
        raise ShapeError(f"{fn}(): dims {dims!r} name a dim more than once")
    return tuple(out) if ndim else ()


def flip(input, dims):
    """Reverse the order of elements along ``dims``."""
    x = _as_tensor(input, "flip")
    return Flip.apply(x, _dims_list(dims, x.ndim, "flip"))


def fliplr(input):
    """`flip` along dim 1 (needs at least 2 dims)."""
    if input.ndim < 2:
        raise ShapeError(f"fliplr(): input must have at least 2 dims, got shape {input.shape}")
    return flip(input, (1,))


def flipud(input):
    """`flip` along dim 0 (needs at least 1 dim)."""
    if input.ndim < 1:
        raise ShapeError("flipud(): input must have at least 1 dim, got a 0-d tensor")
    return flip(input, (0,))


class Roll(Function):
    __slots__ = ("_shifts", "_dims")

    @staticmethod
    def forward(ctx, a, shifts, dims):
        ctx._shifts, ctx._dims = shifts, dims
        return np.roll(a, shifts, dims)

    @staticmethod
    def backward(ctx, g):
        back = (tuple(-s for s in ctx._shifts) if isinstance(ctx._shifts, tuple)
                else -ctx._shifts)
        return Roll.apply(g, back, ctx._dims), None, None


def roll(input, shifts, dims=None):
    """Shift elements along ``dims`` cyclically; without ``dims`` the tensor
    is rolled as if flattened (shape kept)."""
    x = _as_tensor(input, "roll")
    if dims is None:
        if isinstance(shifts, (tuple, list)):
            if len(shifts) != 1:
                raise ArgumentError(f"roll(): without dims, shifts must be one number, got "
                                    f"{shifts!r}")
            shifts = shifts[0]
        return Roll.apply(x, int_arg(shifts, "roll", "shifts"), None)
    sh = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    dm = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if len(sh) != len(dm):
        raise ArgumentError(f"roll(): shifts {shifts!r} and dims {dims!r} must have the same "
                            "length")
    sh = tuple(int_arg(s, "roll", "shifts") for s in sh)
    dm = tuple(dim_arg(d, x.ndim, "roll", "dims") for d in dm)
    return Roll.apply(x, sh, dm)


def movedim(input, source, destination):
    """Move dims ``source`` to positions ``destination`` (the other dims
    keep their order); a permute."""
    x = _as_tensor(input, "movedim")
    nd = x.ndim
    src = _dims_list(source, nd, "movedim")
    dst = _dims_list(destination, nd, "movedim")
    if len(src) != len(dst):
        raise ArgumentError(f"movedim(): source {source!r} and destination {destination!r} "
                            "must name the same number of dims")
    order = [None] * nd
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(i for i in range(nd) if i not in src)
    order = [o if o is not None else next(rest) for o in order]
    return _mv.permute(x, order)


def swapaxes(input, axis0, axis1):
    """Exchange two dims (``transpose``)."""
    return _mv.transpose(_as_tensor(input, "swapaxes"), axis0, axis1)


# ------------------------------------------------- splitting and joining
def tensor_split(input, indices_or_sections, dim=0):
    """Split into ``n`` nearly equal parts (the first ``size % n`` one
    larger) or at the given indices; views, as ``split``."""
    x = _as_tensor(input, "tensor_split")
    d = dim_arg(dim, x.ndim, "tensor_split")
    n = x.shape[d]
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        if spec.dtype.kind not in "iu" or spec.ndim > 1:
            raise DTypeError(f"tensor_split(): a tensor indices_or_sections must be an integer "
                             f"0-d or 1-D tensor, got dtype {spec.dtype} shape {spec.shape}")
        spec = spec._data.item() if spec.ndim == 0 else spec._data.tolist()
    if isinstance(spec, (tuple, list)):
        cuts = [int_arg(c, "tensor_split", "indices") for c in spec]
        bounds = [0] + [min(max(c if c >= 0 else c + n, 0), n) for c in cuts] + [n]
    else:
        k = int_arg(spec, "tensor_split", "sections")
        if k <= 0:
            raise ArgumentError(f"tensor_split(): number of sections must be larger than 0, "
                                f"got {k}")
        q, r = divmod(n, k)
        bounds = [0]
        for i in range(k):
            bounds.append(bounds[-1] + q + (1 if i < r else 0))
    lead = (slice(None),) * d
    return tuple(_mv.getitem(x, lead + (slice(lo, max(lo, hi)),))
                 for lo, hi in zip(bounds[:-1], bounds[1:]))


def atleast_1d(x):
    """``x`` with at least one dim (a 0-d tensor becomes shape (1,))."""
    return _mv.reshape(x, (1,)) if x.ndim == 0 else x


def atleast_2d(x):
    """``x`` with at least two dims (leading dims of size 1 added)."""
    return _mv.reshape(x, (1,) * (2 - x.ndim) + x.shape) if x.ndim < 2 else x


def vstack(tensors):
    """Stack rows: 0-d and 1-D tensors become rows, then ``cat`` on dim 0."""
    ts = [atleast_2d(_as_tensor(t, "vstack", "tensors")) for t in _seq(tensors, "vstack")]
    return _mv.cat(ts, 0)


def hstack(tensors):
    """Stack columns: ``cat`` on dim 1, or on dim 0 for 1-D tensors."""
    ts = [atleast_1d(_as_tensor(t, "hstack", "tensors")) for t in _seq(tensors, "hstack")]
    return _mv.cat(ts, 0 if ts[0].ndim == 1 else 1)


def _seq(tensors, fn):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{fn}(): expected a tuple or list of tensors, got "
                        f"{type(tensors).__name__}")
    if not tensors:
        raise ArgumentError(f"{fn}(): expected a non-empty list of tensors")
    return tensors


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Repeat each element (or slice along ``dim``) ``repeats`` times;
    ``repeats`` is a number or one count per element.  With a single
    integer tensor argument, repeat its indices (PyTorch's one-argument
    form)."""
    if repeats is None:
        counts = _index_array(input, "repeat_interleave", "repeats")
        return _wrap(np.repeat(np.arange(counts.size, dtype=np.int64), counts))
    x = _as_tensor(input, "repeat_interleave")
    if dim is None:
        x = _mv.reshape(x, (-1,))
        d = 0
    else:
        d = dim_arg(dim, x.ndim, "repeat_interleave")
    n = x.shape[d] if x.ndim else 1
    if isinstance(repeats, Tensor):
        reps = _index_array(repeats, "repeat_interleave", "repeats")
        if reps.ndim == 0:
            reps = int(reps)
    else:
        reps = int_arg(repeats, "repeat_interleave", "repeats")
    if np.ndim(reps) and reps.shape != (n,) and reps.size != 1:
        raise ShapeError(f"repeat_interleave(): repeats must have one count per element of "
                         f"dim {d} (size {n}), got shape {reps.shape}")
    if np.any(np.asarray(reps) < 0):
        raise ArgumentError("repeat_interleave(): repeats must be non-negative")
    source = np.repeat(np.arange(n, dtype=np.int64), np.asarray(reps).reshape(-1)
                       if np.ndim(reps) else reps)
    if x.ndim == 0:
        x = _mv.reshape(x, (1,))
    return _mv.getitem(x, (slice(None),) * d + (source,))


def tile(input, dims):
    """``repeat`` with missing leading counts taken as 1 (NumPy's tile)."""
    x = _as_tensor(input, "tile")
    reps = tuple(int_arg(r, "tile", "dims") for r in
                 (dims if isinstance(dims, (tuple, list)) else (dims,)))
    if len(reps) < x.ndim:
        reps = (1,) * (x.ndim - len(reps)) + reps
    return _mv.repeat(x, reps)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors.  ``indexing='ij'`` (PyTorch's
    default, with its warning when not given) makes dim i follow tensor i;
    ``'xy'`` swaps the first two dims (NumPy/Matlab's layout).  The grids
    are expanded views, differentiable."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument (PyTorch's warning; 'ij' is used)", UserWarning,
                      stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise ArgumentError(f"meshgrid(): indexing must be 'ij' or 'xy', got {indexing!r}")
    ts = [_as_tensor(t, "meshgrid", "tensors") for t in tensors]
    for i, t in enumerate(ts):
        if t.ndim > 1:
            raise ShapeError(f"meshgrid(): expects 0-d or 1-D tensors, tensor {i} has shape "
                             f"{t.shape}")
        if t.dtype != ts[0].dtype:
            raise DTypeError(f"meshgrid(): all tensors must have the same dtype, tensor 0 is "
                             f"{ts[0].dtype} and tensor {i} is {t.dtype}")
    ts = [atleast_1d(t) for t in ts]
    axes = list(range(len(ts)))
    if indexing == "xy" and len(ts) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(ts)
    for t, axis in zip(ts, axes):
        shape[axis] = t.shape[0]
    shape = tuple(shape)
    grids = []
    for t, axis in zip(ts, axes):
        view = tuple(-1 if i == axis else 1 for i in range(len(ts)))
        grids.append(_mv.broadcast_to(_mv.reshape(t, view), shape))
    return tuple(grids)


def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or with
    ``as_tuple=True`` one 1-D tensor per dim (NumPy's layout)."""
    d = input._data if isinstance(input, Tensor) else np.asarray(input)
    if as_tuple:
        if d.ndim == 0:
            return (_wrap(np.flatnonzero(d.reshape(1)).astype(np.int64)),)
        return tuple(_wrap(i.astype(np.int64)) for i in np.nonzero(d))
    if d.ndim == 0:
        return _wrap(np.zeros((int(bool(d)), 0), dtype=np.int64))
    return _wrap(np.argwhere(d).astype(np.int64))


def argwhere(input):
    """`nonzero` as an (n, ndim) tensor."""
    return nonzero(input)


def any_(input, dim=None, keepdim=False):
    """Whether any element (along ``dim``) is non-zero; bool result (uint8
    input keeps uint8, as in PyTorch)."""
    return _logical_reduce(np.any, input, dim, keepdim, "any")


def all_(input, dim=None, keepdim=False):
    """Whether all elements (along ``dim``) are non-zero."""
    return _logical_reduce(np.all, input, dim, keepdim, "all")


def _logical_reduce(np_fn, x, dim, keepdim, fn):
    d = x._data
    axes = dims_arg(dim, d.ndim, fn)
    out = np.asarray(np_fn(d, axis=axes, keepdims=bool(keepdim)))
    return _wrap(out.astype(np.uint8) if d.dtype == np.uint8 else out)


def view_dtype(x, dtype):
    """The same bytes read as ``dtype`` (PyTorch's ``view(dtype)``): a
    different element size rescales the last dim, which must then be
    contiguous.  Not differentiable: the result has no history, as in
    PyTorch."""
    dt = np.dtype(dtype)
    d = x._data
    if dt.itemsize != d.dtype.itemsize:
        if d.ndim == 0:
            raise ShapeError(f"view(dtype): a 0-d tensor of {d.dtype} cannot be viewed as "
                             f"{dt} (element sizes differ)")
        last = d.shape[-1] * d.dtype.itemsize
        if d.strides[-1] != d.dtype.itemsize or last % dt.itemsize:
            raise ShapeError(f"view(dtype): cannot view a tensor of shape {d.shape} and dtype "
                             f"{d.dtype} as {dt}: the last dim must be contiguous and its "
                             f"{last} bytes divisible by {dt.itemsize}")
    out = _wrap(d.view(dt))
    out._vc = x._vc
    return out

"""Shape and indexing ops that ported programs call beyond the core set:
unbind/narrow/select (views, as in PyTorch), take, the ``index_*`` and
``*_scatter`` copies, rot90, unflatten, diag_embed/diagflat/block_diag,
cartesian_prod/combinations, broadcast_tensors, the ``*stack``/``*split``
helpers, and the factories logspace and (deprecated) range.

Everything here is a composition: basic-index selections are views of the
input through `movement.getitem` (so writes through them reach the input
and the version counter catches stale saved tensors), and the copies that
replace part of a tensor (``index_copy``, ``index_put``, ``select_scatter``
...) are a clone written in place through the engine's own in-place
machinery, so each gradient comes from ops that already differentiate any
number of times.
"""
import itertools
import math
import warnings

import numpy as np

from .. import dtypes as _dt
from .._args import dim_arg, dtype_arg, int_arg, nonnegative_int_arg, size_arg
from ..errors import ArgumentError, DTypeError, ShapeError
from ..size import Size
from ..tensor import Tensor, _wrap
from . import movement as _mv
from .elementwise import cast, where
from .indexing import _as_tensor, _bool_mask, _index_1d, _index_array, _seq, atleast_1d, \
    atleast_2d, flip, meshgrid, tensor_split


# ------------------------------------------------------------ views
def select(input, dim, index):
    """The slice at ``index`` along ``dim``, with that dim removed (a view)."""
    x = _as_tensor(input, "select")
    if x.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = dim_arg(dim, x.ndim, "select")
    i = int_arg(index, "select", "index")
    n = x.shape[d]
    if not -n <= i < n:
        raise IndexError(f"select(): index {i} out of range for tensor of size "
                         f"{list(x.shape)} at dimension {d}")
    return _mv.getitem(x, (slice(None),) * d + (i if i >= 0 else i + n, Ellipsis))


def unbind(input, dim=0):
    """All slices along ``dim``, as a tuple of views with that dim removed."""
    x = _as_tensor(input, "unbind")
    if x.ndim == 0:
        raise IndexError("unbind(): dimension specified as 0 but tensor has no dimensions")
    d = dim_arg(dim, x.ndim, "unbind")
    return tuple(select(x, d, i) for i in range(x.shape[d]))


def narrow(input, dim, start, length):
    """``length`` elements along ``dim`` from ``start`` (a view); ``start`` may
    be negative or a 0-d integer tensor."""
    x = _as_tensor(input, "narrow")
    if x.ndim == 0:
        raise IndexError("narrow() cannot be applied to a 0-dim tensor.")
    d = dim_arg(dim, x.ndim, "narrow")
    if isinstance(start, Tensor):
        if start.ndim != 0 or start.dtype.kind not in "iu":
            raise DTypeError(f"narrow(): start must be an integer or a 0-d integer tensor, "
                             f"got dtype {start.dtype} shape {start.shape}")
        start = start.item()
    start = int_arg(start, "narrow", "start")
    length = int_arg(length, "narrow", "length")
    n = x.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"narrow(): start ({start}) out of range for dimension {d} of "
                         f"size {n} (shape {tuple(x.shape)})")
    if start < 0:
        start += n
    if length < 0:
        raise ArgumentError(f"narrow(): length must be non-negative, got {length}")
    if start + length > n:
        raise ArgumentError(f"narrow(): start ({start}) + length ({length}) exceeds dimension "
                            f"size ({n}) of dim {d} (shape {tuple(x.shape)})")
    return _mv.getitem(x, (slice(None),) * d + (slice(start, start + length),))


def narrow_copy(input, dim, start, length):
    """`narrow`, as a new tensor rather than a view."""
    return narrow(input, dim, start, length).clone()


def ravel(input):
    """The elements as a 1-D tensor (a view when the layout allows)."""
    return _mv.reshape(_as_tensor(input, "ravel"), (-1,))


def t(input):
    """Transpose a tensor of at most 2 dims (0-d and 1-D come back as they are)."""
    return _as_tensor(input, "t").t()


def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one entry may be -1)."""
    x = _as_tensor(input, "unflatten")
    d = dim_arg(dim, x.ndim, "unflatten")
    sizes = size_arg((sizes,), "unflatten", "sizes", wildcard="infer")
    if not sizes:
        raise ShapeError("unflatten(): sizes must be non-empty")
    n = x.shape[d]
    known = math.prod(s for s in sizes if s != -1)
    if -1 in sizes:
        if known == 0 or n % known:
            raise ShapeError(f"unflatten(): sizes {list(sizes)} cannot split dim {d} of size "
                             f"{n} (shape {tuple(x.shape)})")
        sizes = tuple(n // known if s == -1 else s for s in sizes)
    elif known != n:
        raise ShapeError(f"unflatten(): provided sizes {list(sizes)} don't multiply up to the "
                         f"size of dim {d} ({n}) in the input tensor of shape "
                         f"{tuple(x.shape)}")
    return _mv.reshape(x, x.shape[:d] + tuple(sizes) + x.shape[d + 1:])


def take(input, index):
    """Elements of the flattened ``input`` at ``index`` (result has ``index``'s shape)."""
    x = _as_tensor(input, "take")
    idx = _index_array(index, "take")
    n = x.numel()
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx.min() if idx.min() < -n else idx.max()
        raise IndexError(f"take(): index {bad} out of range for tensor of size "
                         f"{list(x.shape)} ({n} elements)")
    return _mv.getitem(_mv.reshape(x, (-1,)), idx)


# ----------------------------------------------- copies with part replaced
def _written(x, index, value, label):
    """A copy of ``x`` with ``value`` written at ``index`` (through the
    engine's in-place ``__setitem__``, so both get gradients)."""
    out = x.clone()
    from . import inplace as _ip
    _ip.setitem(out, index, value, label)
    return out


def _along(x, dim, index, fn):
    d = dim_arg(dim, max(x.ndim, 1), fn)
    idx = _index_1d(index, fn)
    n = x.shape[d] if x.ndim else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = idx.min() if idx.min() < -n else idx.max()
        raise IndexError(f"{fn}(): index {bad} out of range for dim {d} of size {n} "
                         f"(shape {tuple(x.shape)})")
    return d, idx


def index_fill(input, dim, index, value):
    """``input`` with the slices at ``index`` along ``dim`` set to ``value``
    (a number or 0-d tensor, which then gets the gradient)."""
    x = _as_tensor(input, "index_fill")
    d, idx = _along(x, dim, index, "index_fill")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise ShapeError(f"index_fill(): only supports a 0-dimensional value tensor, but got "
                         f"tensor with {value.ndim} dimension(s) (shape {value.shape})")
    if x.ndim == 0:
        return _mv.reshape(index_fill(_mv.reshape(x, (1,)), 0, idx, value), ())
    mask = np.zeros(x.shape[d], dtype=bool)
    mask[idx] = True
    mask = mask.reshape((-1,) + (1,) * (x.ndim - d - 1))
    if isinstance(value, Tensor):
        value = cast(value, x.dtype) if value.dtype != x.dtype else value
    else:
        value = x.dtype.type(value)
    return where(np.broadcast_to(mask, x.shape), value, x)


def index_copy(input, dim, index, source):
    """``input`` with its slices at ``index`` along ``dim`` replaced by
    ``source``'s (in order)."""
    x = _as_tensor(input, "index_copy")
    src = _as_tensor(source, "index_copy", "source")
    d, idx = _along(x, dim, index, "index_copy")
    want = x.shape[:d] + (idx.size,) + x.shape[d + 1:]
    if x.ndim and src.shape != want:
        raise ShapeError(f"index_copy(): source must have shape {want} for index of length "
                         f"{idx.size} along dim {d} of input {tuple(x.shape)}, got "
                         f"{tuple(src.shape)}")
    if src.dtype != x.dtype:
        raise DTypeError(f"index_copy(): self and source expected to have the same dtype, "
                         f"but got (self) {x.dtype} and (source) {src.dtype}")
    if x.ndim == 0:
        return _mv.reshape(_written(_mv.reshape(x, (1,)), idx, _mv.reshape(src, (-1,)),
                                    "index_copy"), ())
    return _written(x, (slice(None),) * d + (idx,), src, "index_copy")


def index_put(input, indices, values, accumulate=False):
    """``input`` with ``values`` written (or added, with ``accumulate``) at
    the advanced index ``indices`` (a tuple of integer or bool tensors)."""
    x = _as_tensor(input, "index_put")
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put(): indices must be a tuple of tensors, got "
                        f"{type(indices).__name__}")
    index = tuple(i if isinstance(i, Tensor) else _wrap(np.asarray(i)) for i in indices)
    for i, t in enumerate(index):
        if t.dtype.kind not in "iub":
            raise DTypeError(f"index_put(): tensors used as indices must be long, int, byte "
                             f"or bool tensors; indices[{i}] has dtype {t.dtype}")
    vals = values if isinstance(values, Tensor) else _wrap(np.asarray(values, x.dtype))
    if vals.dtype != x.dtype:
        raise DTypeError(f"index_put(): values dtype {vals.dtype} must match the input's "
                         f"dtype {x.dtype}")
    if accumulate:
        arrays = tuple(t._data for t in index)
        shape = x._data[arrays].shape
        return x + _mv.IndexAdd.apply(_mv.broadcast_to(vals, shape, "index_put"), arrays,
                                      x.shape)
    return _written(x, index, vals, "index_put")


def masked_scatter(input, mask, source):
    """``input`` with the positions where ``mask`` holds filled, in order,
    from the first elements of ``source``."""
    x = _as_tensor(input, "masked_scatter")
    m = _bool_mask(mask, "masked_scatter")
    src = _as_tensor(source, "masked_scatter", "source")
    if src.dtype != x.dtype:
        raise DTypeError(f"masked_scatter(): expected source and self to have the same "
                         f"dtype, got {src.dtype} and {x.dtype}")
    try:
        shape = np.broadcast_shapes(m.shape, x.shape)
    except ValueError:
        raise ShapeError(f"masked_scatter(): mask of shape {m.shape} does not broadcast with "
                         f"the input's shape {tuple(x.shape)}") from None
    m = np.broadcast_to(m, shape)
    k = int(m.sum())
    if src.numel() < k:
        raise ArgumentError(f"masked_scatter(): number of elements in source "
                            f"({src.numel()}) < number of ones in mask ({k})")
    if x.shape != shape:
        x = _mv.broadcast_to(x, shape)
    picked = _mv.getitem(_mv.reshape(src, (-1,)), slice(0, k))
    if not shape:
        return _mv.reshape(_written(_mv.reshape(x, (1,)), m.reshape(1), picked,
                                    "masked_scatter"), ())
    return _written(x, m, picked, "masked_scatter")


def select_scatter(input, src, dim, index):
    """``input`` with the slice ``select(dim, index)`` replaced by ``src``."""
    x = _as_tensor(input, "select_scatter")
    want = select(x, dim, index).shape
    return _scatter_into(x, src, "select_scatter", want,
                         (slice(None),) * dim_arg(dim, x.ndim, "select_scatter")
                         + (int(index), Ellipsis))


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """``input`` with the slice ``start:end:step`` along ``dim`` replaced by ``src``."""
    x = _as_tensor(input, "slice_scatter")
    d = dim_arg(dim, x.ndim, "slice_scatter")
    step = int_arg(step, "slice_scatter", "step")
    if step <= 0:
        raise ArgumentError(f"slice_scatter(): slice step must be positive, got {step}")
    index = (slice(None),) * d + (slice(start, end, step),)
    return _scatter_into(x, src, "slice_scatter", _mv.getitem(x, index).shape, index)


def _scatter_into(x, src, fn, want, index):
    src = _as_tensor(src, fn, "src")
    if src.shape != want:
        raise ShapeError(f"{fn}(): expected src to have a size equal to the slice of self. "
                         f"src size = {list(src.shape)}, slice size = {list(want)}")
    if src.dtype != x.dtype:
        raise DTypeError(f"{fn}(): src dtype {src.dtype} must match the input's dtype "
                         f"{x.dtype}")
    return _written(x, index, src, fn)


# --------------------------------------------------------- rearranging
def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane ``dims``, from the first
    dim towards the second (a copy)."""
    x = _as_tensor(input, "rot90")
    dims = list(dims)
    if len(dims) != 2:
        raise ArgumentError(f"rot90(): expected total rotation dims == 2, but got dims = "
                            f"{len(dims)}")
    if x.ndim < 2:
        raise ShapeError(f"rot90(): expected total dims >= 2, but got total dims = {x.ndim}")
    d0, d1 = (dim_arg(d, x.ndim, "rot90", "dims") for d in dims)
    if d0 == d1:
        raise ArgumentError(f"rot90(): expected rotation dims to be different, but got "
                            f"dim0 = {dims[0]} and dim1 = {dims[1]}")
    k = int_arg(k, "rot90", "k") % 4
    if k == 1:
        return _mv.transpose(flip(x, [d1]), d0, d1)
    if k == 2:
        return flip(x, [d0, d1])
    if k == 3:
        return _mv.transpose(flip(x, [d0]), d0, d1)
    return x.clone()


def msort(input):
    """Sorted along dim 0 (the values of ``sort(input, dim=0)``)."""
    from .sorting import sort
    return sort(_as_tensor(input, "msort"), 0).values


def broadcast_shapes(*shapes):
    """The shape all ``shapes`` broadcast to, as a ``Size``."""
    norm = [tuple(s) if isinstance(s, (tuple, list)) else (int_arg(s, "broadcast_shapes",
                                                                     "shape"),)
            for s in shapes]
    try:
        return Size(np.broadcast_shapes(*norm))
    except ValueError:
        raise ShapeError(f"broadcast_shapes(): shape mismatch: shapes {norm} cannot be "
                         "broadcast to a single shape") from None


def broadcast_tensors(*tensors):
    """The tensors broadcast to their common shape (views, as ``expand``)."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    ts = [_as_tensor(t, "broadcast_tensors", "tensors") for t in tensors]
    try:
        shape = np.broadcast_shapes(*(t.shape for t in ts))
    except ValueError:
        raise ShapeError(f"broadcast_tensors(): shapes {[tuple(t.shape) for t in ts]} cannot "
                         "be broadcast together") from None
    return tuple(_mv.broadcast_to(t, shape, "broadcast_tensors") for t in ts)


def atleast_3d(*tensors):
    """Each tensor with at least three dims: ``(n,)`` becomes ``(1, n, 1)``,
    ``(m, n)`` becomes ``(m, n, 1)``.  Several tensors (or one sequence)
    give a tuple."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        return tuple(atleast_3d(t) for t in tensors[0])
    if len(tensors) != 1:
        return tuple(atleast_3d(t) for t in tensors)
    x = _as_tensor(tensors[0], "atleast_3d")
    if x.ndim == 0:
        return _mv.reshape(x, (1, 1, 1))
    if x.ndim == 1:
        return _mv.reshape(x, (1, x.shape[0], 1))
    if x.ndim == 2:
        return _mv.unsqueeze(x, -1)
    return x


def column_stack(tensors):
    """Join as columns: 0-d and 1-D tensors become columns, then ``cat`` on dim 1."""
    ts = [_as_tensor(t, "column_stack", "tensors") for t in _seq(tensors, "column_stack")]
    return _mv.cat([_mv.reshape(t, (-1, 1)) if t.ndim <= 1 else t for t in ts], 1)


def dstack(tensors):
    """Join along the third dim, after making each tensor at least 3-D."""
    ts = [atleast_3d(_as_tensor(t, "dstack", "tensors")) for t in _seq(tensors, "dstack")]
    return _mv.cat(ts, 2)


def _split_along(x, spec, dim, fn, need):
    x = _as_tensor(x, fn)
    if x.ndim < need:
        raise ShapeError(f"{fn}(): requires a tensor with at least {need} dimension(s), but "
                         f"got a tensor with {x.ndim} dimensions (shape {tuple(x.shape)})")
    if not isinstance(spec, (tuple, list, Tensor)):
        k = int_arg(spec, fn, "sections")
        if k == 0 or x.shape[dim] % k:
            raise ArgumentError(f"{fn}(): attempted to split along dimension {dim}, but the "
                                f"size of the dimension {x.shape[dim]} is not divisible by "
                                f"the split_size {k}!")
    return tensor_split(x, spec, dim)


def hsplit(input, indices_or_sections):
    """Split along dim 1 (dim 0 for a 1-D tensor), into equal parts or at indices."""
    x = _as_tensor(input, "hsplit")
    return _split_along(x, indices_or_sections, 0 if x.ndim == 1 else 1, "hsplit", 1)


def vsplit(input, indices_or_sections):
    """Split along dim 0 of a tensor with at least 2 dims."""
    return _split_along(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    """Split along dim 2 of a tensor with at least 3 dims."""
    return _split_along(input, indices_or_sections, 2, "dsplit", 3)


# ------------------------------------------------- building new tensors
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices whose ``offset`` diagonal (in dims ``dim1``, ``dim2`` of the
    result) holds the last dim of ``input``; zeros elsewhere."""
    x = _as_tensor(input, "diag_embed")
    offset = int_arg(offset, "diag_embed", "offset")
    nd = x.ndim + 1
    d1 = dim_arg(dim1, nd, "diag_embed", "dim1")
    d2 = dim_arg(dim2, nd, "diag_embed", "dim2")
    if d1 == d2:
        raise ArgumentError(f"diag_embed(): diagonal dimensions cannot be identical {dim1}, "
                            f"{dim2}")
    n = x.shape[-1] + abs(offset) if x.ndim else 1 + abs(offset)
    lead = x.shape[:-1]
    shape = list(lead)
    for d in sorted((d1, d2)):
        shape.insert(d, n)
    from .linalg import DiagonalScatter
    zeros = _wrap(np.zeros(tuple(shape), dtype=x.dtype))
    return DiagonalScatter.apply(zeros, x if x.ndim else _mv.reshape(x, (1,)), (offset, d1, d2))


def diagflat(input, offset=0):
    """The flattened input as the ``offset`` diagonal of a square matrix."""
    from .linalg import diag
    return diag(_mv.reshape(_as_tensor(input, "diagflat"), (-1,)), offset)


def block_diag(*tensors):
    """The tensors (0-d, 1-D as one row, or 2-D) placed along the diagonal of
    a zero matrix, in the promoted dtype."""
    ts = []
    for i, t in enumerate(tensors):
        t = _as_tensor(t, "block_diag", f"tensors[{i}]")
        if t.ndim > 2:
            raise ShapeError(f"block_diag(): Input tensors must have 2 or fewer dimensions. "
                             f"Input {i} has {t.ndim} dimensions (shape {tuple(t.shape)})")
        ts.append(atleast_2d(t))
    if not ts:
        return _wrap(np.zeros((1, 0), dtype=_dt.DEFAULT_FLOAT))
    dt = ts[0].dtype
    for t in ts[1:]:
        dt = _dt.result_dtype(dt, t.dtype)
    ts = [cast(t, dt) if t.dtype != dt else t for t in ts]
    width = sum(t.shape[1] for t in ts)
    rows, left = [], 0
    for t in ts:
        r, c = t.shape
        pad = _mv.pad(t, (left, width - left - c)) if width > c else t
        rows.append(pad)
        left += c
    return _mv.cat(rows, 0)


def cartesian_prod(*tensors):
    """All combinations of one element from each 1-D tensor, one per row
    (a single tensor comes back as it is)."""
    ts = [_as_tensor(t, "cartesian_prod", "tensors") for t in tensors]
    for i, t in enumerate(ts):
        if t.ndim != 1:
            raise ShapeError(f"cartesian_prod(): expect a 1D vector, but got shape "
                             f"{tuple(t.shape)} for tensor {i}")
    if len(ts) == 1:
        return ts[0]
    grids = meshgrid(*ts, indexing="ij")
    return _mv.stack([_mv.reshape(g, (-1,)) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """All length-``r`` combinations of a 1-D tensor's elements, one per row
    (in order; with repeats if ``with_replacement``)."""
    x = _as_tensor(input, "combinations")
    if x.ndim != 1:
        raise ShapeError(f"combinations(): expect a 1D vector, but got shape {tuple(x.shape)}")
    r = int_arg(r, "combinations", "r")
    if r < 0:
        raise ArgumentError(f"combinations(): expect a non-negative number, but got {r}")
    if r == 0:
        return _wrap(np.zeros((0,), dtype=x.dtype))
    pick = itertools.combinations_with_replacement if with_replacement \
        else itertools.combinations
    idx = np.array(list(pick(range(x.shape[0]), r)), dtype=np.int64).reshape(-1, r)
    if idx.shape[0] == 0:
        return _wrap(np.zeros((0, r), dtype=x.dtype))
    return _mv.getitem(x, idx)


def vander(x, N=None, increasing=False):
    """Columns of powers of a 1-D tensor: ``x^(N-1) ... x^0`` (increasing
    powers with ``increasing``); integer input gives int64."""
    x = _as_tensor(x, "vander", "x")
    if x.ndim != 1:
        raise ShapeError(f"vander(): x must be a one-dimensional tensor, got shape "
                         f"{tuple(x.shape)}")
    N = x.shape[0] if N is None else int_arg(N, "vander", "N")
    if N < 0:
        raise ArgumentError(f"vander(): N must be non-negative, got {N}")
    if x.dtype.kind in "iub":
        x = cast(x, np.int64)
    if N == 0:
        return _wrap(np.zeros((x.shape[0], 0), dtype=x.dtype))
    cols = [_wrap(np.ones(x.shape, dtype=x.dtype))]
    for _ in range(N - 1):
        cols.append(cols[-1] * x)
    return _mv.stack(cols if increasing else cols[::-1], 1)


# --------------------------------------------------------- non-differentiable
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive elements (of the flattened input, or
    of slices along ``dim``); optionally the run of each element and the run
    lengths."""
    x = _as_tensor(input, "unique_consecutive")
    a = x._data
    if dim is None:
        flat = a.reshape(-1)
        starts = np.ones(flat.shape, dtype=bool)
        starts[1:] = flat[1:] != flat[:-1]
        values = flat[starts]
        inverse_shape = a.shape
    else:
        d = dim_arg(dim, x.ndim, "unique_consecutive")
        moved = np.moveaxis(a, d, 0).reshape(a.shape[d], -1)
        starts = np.ones(moved.shape[0], dtype=bool)
        starts[1:] = (moved[1:] != moved[:-1]).any(axis=1)
        values = np.compress(starts, a, axis=d)
        inverse_shape = (a.shape[d],)
    run = np.cumsum(starts) - 1
    out = [_wrap(np.ascontiguousarray(values))]
    if return_inverse:
        out.append(_wrap(run.reshape(inverse_shape).astype(np.int64)))
    if return_counts:
        out.append(_wrap(np.bincount(run, minlength=int(starts.sum())).astype(np.int64)
                         if run.size else np.zeros(0, dtype=np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def unravel_index(indices, shape):
    """The coordinates of flat ``indices`` in a tensor of ``shape``, as a
    tuple of int64 tensors (negative indices count from the end)."""
    idx = _index_array(indices, "unravel_index", "indices")
    shape = size_arg((shape,), "unravel_index", "shape")
    n = math.prod(shape)
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise ArgumentError(f"unravel_index(): index {idx.min() if idx.min() < -n else idx.max()}"
                            f" is out of bounds for shape {tuple(shape)}")
    idx = np.where(idx < 0, idx + n, idx)
    return tuple(_wrap(np.asarray(c, dtype=np.int64)) for c in np.unravel_index(idx, shape))


# -------------------------------------------------------------- factories
def logspace(start, end, steps, base=10.0, dtype=None, requires_grad=False):
    """``steps`` values ``base ** linspace(start, end, steps)`` (float32 by default)."""
    from ..factories import _float_dtype, _make
    steps = nonnegative_int_arg(steps, "logspace", "steps")
    exps = np.linspace(float(start), float(end), steps)
    return _make(np.power(float(base), exps).astype(_float_dtype(dtype, "logspace")),
                 requires_grad)


def range_(start=0, end=None, step=1, dtype=None, requires_grad=False):
    """Deprecated ``torch.range``: ``start`` to ``end`` INCLUSIVE in steps of
    ``step``, float32 by default even for integer arguments (use ``arange``)."""
    warnings.warn("torch.range is deprecated and will be removed in a future release "
                  "because its behavior is inconsistent with Python's range builtin. "
                  "Instead, use torch.arange, which produces values in [start, end).",
                  UserWarning, stacklevel=3)  # the caller of the device= wrapper
    from ..factories import _make, _number_arg
    if end is None:
        start, end = 0, start
    start, end, step = (_number_arg(v, "range", n)
                        for v, n in ((start, "start"), (end, "end"), (step, "step")))
    if step == 0:
        raise ArgumentError("range(): step must be nonzero")
    if (end - start) * step < 0:
        raise ArgumentError(f"range(): upper bound and larger bound inconsistent with step "
                            f"sign (start {start}, end {end}, step {step})")
    n = int(math.floor((end - start) / step)) + 1
    dt = _dt.DEFAULT_FLOAT if dtype is None else dtype_arg(dtype, "range")
    return _make((np.arange(n, dtype=np.float64) * step + start).astype(dt), requires_grad)


range_.__name__ = range_.__qualname__ = "range"  # PyTorch's name, in errors and help()

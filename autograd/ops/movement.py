"""Ops that move, copy or select elements without arithmetic.

`Expand` and `SumTo` are each other's backward: this pair is the single
broadcasting mechanism of the engine.  `Index` and `IndexAdd` are the other
such pair (gather and its scatter-add adjoint), so indexing differentiates
any number of times.
"""
import numpy as np

from .. import dtypes as _dt
from .._args import dim_arg, dims_arg, distinct_dims, int_arg, size_arg
from ..errors import ArgumentError, ShapeError
from ..function import Function
from ..tensor import Tensor, _wrap, make_view
from ._placement import torch_layout


def _share_version(out, x, op, arg):
    """A result that is a NumPy view of ``x`` becomes a view tensor: it
    shares ``x``'s version counter, so an in-place change through either is
    seen by nodes that saved the other, and it remembers how it was made
    from ``x`` (``op.apply(x, arg)``), so its history can be regenerated
    after such a change and an in-place op on it can update ``x``'s."""
    base = out._data.base
    if base is not None and (base is x._data or base is x._data.base):
        make_view(out, x, op, arg)
    return out


def _alias(x):
    """A view op that changes nothing still returns a new tensor (a view of
    ``x``, as in PyTorch), never ``x`` itself: callers may set attributes,
    retain_grad or register it as something other than ``x``."""
    return _share_version(Reshape.apply(x, x.shape), x, Reshape, x.shape)


# ------------------------------------------------------ expand / sum_to
class Expand(Function):
    __slots__ = ("_in_shape",)

    @staticmethod
    def forward(ctx, a, shape):
        ctx._in_shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, g):
        return SumTo.apply(g, ctx._in_shape), None


class SumTo(Function):
    """Sum a broadcast gradient back down to ``shape``."""
    __slots__ = ("_in_shape",)

    @staticmethod
    def forward(ctx, g, shape):
        ctx._in_shape = g.shape
        lead = g.ndim - len(shape)
        axes = tuple(range(lead)) + tuple(
            i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
        out = g.sum(axis=axes, keepdims=True) if axes else g
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return Expand.apply(g, ctx._in_shape), None


def sum_to(x, shape):
    return x if x.shape == tuple(shape) else SumTo.apply(x, tuple(shape))


def expand(x, shape):
    """PyTorch's ``expand``: ``-1`` keeps a dimension's size (so it is not
    allowed in new leading dims, which have no size to keep)."""
    nd = len(shape) - x.ndim
    if nd < 0:
        raise ShapeError(f"expand(): {len(shape)} sizes {shape} for a tensor with {x.ndim} dims "
                         f"(shape {x.shape}); give at least one size per dim")
    for i in range(nd):
        if shape[i] == -1:
            raise ShapeError(f"expand(): -1 (keep the size) at position {i} of {shape} names a "
                             f"new leading dim of the tensor of shape {x.shape}, which has no "
                             "size to keep")
    target = tuple(x.shape[i - nd] if s == -1 and i >= nd else s for i, s in enumerate(shape))
    return broadcast_to(x, target, "expand")


def broadcast_to(x, shape, op="broadcast_to"):
    shape = size_arg((shape,), op)
    if x.shape == shape:
        return _alias(x)
    check_broadcastable(x.shape, shape, op)
    return _share_version(Expand.apply(x, shape), x, Expand, shape)


def check_broadcastable(shape, target, op):
    """Refuse, naming ``op``, a ``shape`` that does not broadcast to ``target``."""
    try:
        if np.broadcast_shapes(shape, target) == target:
            return
    except ValueError:
        pass
    raise ShapeError(f"{op}(): cannot broadcast shape {shape} to {target}: each dim must "
                     "match the target's or be 1 (missing leading dims count as 1)")


# ----------------------------------------------------- reshape / permute
class Reshape(Function):
    __slots__ = ("_in_shape",)

    @staticmethod
    def forward(ctx, a, shape):
        ctx._in_shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return Reshape.apply(g, ctx._in_shape), None


def reshape(x, shape, op="reshape"):
    """``reshape`` copies when the memory layout does not allow a view;
    ``view`` (op="view") must not: a silent copy would make in-place
    writes through it miss ``x``, so it is refused, as in PyTorch."""
    if op == "view" and x._data.size and not _viewable(x._data, shape):
        raise ShapeError(f"view(): a tensor of shape {x.shape} with strides "
                         f"{x._data.strides} cannot be viewed as shape {shape} without a "
                         "copy (its memory is not laid out for it); use .reshape(...), or "
                         ".contiguous().view(...)")
    try:
        out = Reshape.apply(x, shape)
    except ValueError:
        raise ShapeError(f"{op}(): a tensor of shape {x.shape} ({x._data.size} elements) "
                         f"cannot be viewed as shape {shape}") from None
    return _share_version(out, x, Reshape, out.shape)


def _viewable(a, shape):
    """Whether ``a.reshape(shape)`` can be a view (NumPy decides; a
    size mismatch is left to reshape's own error)."""
    try:
        return np.may_share_memory(a.reshape(shape), a)  # a copy never overlaps
    except ValueError:
        return True


def flatten(x, start_dim=0, end_dim=-1):
    nd = x.ndim
    if nd == 0:
        return reshape(x, (1,))
    s = dim_arg(start_dim, nd, "flatten", "start_dim")
    e = dim_arg(end_dim, nd, "flatten", "end_dim")
    if s > e:
        raise ShapeError(f"flatten(): start_dim {start_dim} comes after end_dim {end_dim} "
                         f"for a tensor of shape {x.shape}")
    shape = x.shape
    return reshape(x, shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])


def squeeze(x, dim=None):
    if dim is None:
        return reshape(x, tuple(s for s in x.shape if s != 1))
    # an empty dim list squeezes nothing (for reductions it would mean "all")
    empty = isinstance(dim, (tuple, list)) and not dim
    dims = () if empty else dims_arg(dim, x.ndim, "squeeze")
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if not (i in dims and s == 1)))


def unsqueeze(x, dim):
    d = dim_arg(dim, x.ndim + 1, "unsqueeze")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


class Permute(Function):
    __slots__ = ("_axes",)

    @staticmethod
    def forward(ctx, a, axes):
        ctx._axes = axes
        return a.transpose(axes)

    @staticmethod
    def backward(ctx, g):
        return Permute.apply(g, tuple(np.argsort(ctx._axes))), None


def permute(x, dims):
    nd = x.ndim
    dims = distinct_dims(dims, x.shape, "permute")
    if dims == tuple(range(nd)):
        return _alias(x)
    return _share_version(Permute.apply(x, dims), x, Permute, dims)


def transpose(x, dim0, dim1):
    nd = x.ndim
    a, b = dim_arg(dim0, nd, "transpose", "dim0"), dim_arg(dim1, nd, "transpose", "dim1")
    if nd < 2:
        return _alias(x)
    axes = list(range(nd))
    axes[a], axes[b] = axes[b], axes[a]
    return permute(x, axes)


def repeat(x, reps):
    """``np.tile`` semantics via reshape + expand, so it differentiates for free."""
    if len(reps) < x.ndim:
        raise ShapeError(f"repeat(): {len(reps)} repeat counts {reps} for a tensor with "
                         f"{x.ndim} dims (shape {x.shape}); give at least one per dim")
    shape = (1,) * (len(reps) - x.ndim) + x.shape
    x = reshape(x, shape)
    inter = tuple(v for s in shape for v in (1, s))
    big = tuple(v for r, s in zip(reps, shape) for v in (r, s))
    return reshape(expand(reshape(x, inter), big), tuple(r * s for r, s in zip(reps, shape)))


class Clone(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, g):
        return g


def clone(x):
    return Clone.apply(x)


class Contiguous(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, a):
        return np.ascontiguousarray(a)

    @staticmethod
    def backward(ctx, g):
        return g


def contiguous(x):
    """``x`` with C-ordered memory (itself if it already is one): ops that
    read a permuted layout pay for it in every pass over the data."""
    return x if x._data.flags.c_contiguous else Contiguous.apply(x)


# -------------------------------------------------------------- indexing
def _norm_index(index):
    """Tensors and lists inside an index become arrays NumPy understands."""
    if isinstance(index, tuple):
        return tuple(_norm_index_item(i) for i in index)
    return _norm_index_item(index)


def _norm_index_item(i):
    if isinstance(i, Tensor):
        return i._data
    if isinstance(i, list):
        return np.asarray(i)
    return i


def _is_basic(index):
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer))
               for i in items)


class Index(Function):
    __slots__ = ("_in_shape", "_index")

    @staticmethod
    def forward(ctx, a, index):
        ctx._in_shape = a.shape
        ctx._index = index
        return a[index]

    @staticmethod
    def backward(ctx, g):
        return IndexAdd.apply(g, ctx._index, ctx._in_shape), None


class IndexAdd(Function):
    """Scatter-add ``g`` into zeros of ``shape`` at ``index``; repeated
    indices accumulate."""
    __slots__ = ("_index",)

    @staticmethod
    def forward(ctx, g, index, shape):
        ctx._index = index
        if (len(shape) == 1 and isinstance(index, np.ndarray) and index.dtype.kind in "iu"
                and g.dtype.kind == "f"):
            # gathering from a 1-D tensor (embeddings, pooling winners): one
            # bincount sums repeated indices far faster than np.add.at
            n = shape[0]
            flat = index.ravel()
            if flat.size and flat.min() < 0:
                flat = np.where(flat < 0, flat + n, flat)
            return np.bincount(flat, weights=g.ravel(), minlength=n).astype(g.dtype, copy=False)
        out = np.zeros(shape, dtype=g.dtype)
        if _is_basic(index):
            out[index] = g
        else:
            np.add.at(out, index, g)
        return out

    @staticmethod
    def backward(ctx, g):
        return Index.apply(g, ctx._index), None, None


def getitem(x, index):
    index = _norm_index(index)
    index, drop = torch_layout(index, x._data.shape)
    if drop:
        out = getitem(x, index)
        return reshape(out, tuple(s for i, s in enumerate(out.shape) if i not in drop))
    if _one_int_per_dim(index, x._data.ndim):
        # NumPy returns a copy for x[i, j]; x[i, j, ...] is a 0-d view, which
        # is what PyTorch gives (so x[i, j].mul_(2) changes x)
        index = (index if type(index) is tuple else (index,)) + (Ellipsis,)
    try:
        out = Index.apply(x, index)
    except (IndexError, TypeError) as e:
        raise type(e)(_index_problem(x.shape, index, e)) from None
    if type(out._data) is not np.ndarray:
        out._data = np.asarray(out._data)
    return _share_version(out, x, Index, index)


def _one_int_per_dim(index, ndim):
    if type(index) is not tuple:
        return ndim == 1 and type(index) is int
    if len(index) != ndim:
        return False
    for i in index:
        if type(i) is not int and not isinstance(i, np.integer):
            return False
    return True


def _index_problem(shape, index, error):
    """Say which item of a refused index is wrong and why: a type that is
    not an index, a bool mask whose shape does not match the dims it
    covers, or an integer out of range."""
    items = index if isinstance(index, tuple) else (index,)
    dim = 0
    for pos, item in enumerate(items):
        if item is None:
            continue
        if item is Ellipsis:
            dim = len(shape) - sum(_dims_used(i) for i in items[pos + 1:])
            continue
        if not _valid_index_type(item):
            return (f"index {_show_index(index)}: only integers, slices (:), None, ..., and "
                    "integer or bool tensors are valid indices; item "
                    f"{pos} is {type(item).__name__} ({item!r})")
        if isinstance(item, np.ndarray) and item.dtype == np.bool_:
            covered = shape[dim:dim + item.ndim]
            if item.shape != covered:
                return (f"index {_show_index(index)}: the bool mask of shape {item.shape} does "
                        f"not match the tensor's shape {covered} at dims {dim}.."
                        f"{dim + item.ndim - 1} (tensor shape {shape})")
        elif isinstance(item, (int, np.integer)) and dim < len(shape):
            if not -shape[dim] <= item < shape[dim]:
                return (f"index {item} is out of range for dim {dim} of size {shape[dim]} "
                        f"(tensor shape {shape})")
        dim += _dims_used(item)
    return f"index {_show_index(index)} is invalid for a tensor of shape {shape}: {error}"


def _valid_index_type(item):
    if isinstance(item, (slice, int, np.integer)) and not isinstance(item, (bool, np.bool_)):
        return True
    return isinstance(item, np.ndarray) and item.dtype.kind in "iub"


def _dims_used(item):
    if item is None or item is Ellipsis:
        return 0
    if isinstance(item, np.ndarray) and item.dtype == np.bool_:
        return item.ndim
    return 1


def _show_index(index):
    items = index if isinstance(index, tuple) else (index,)
    return "[" + ", ".join(f"array{np.shape(i)}" if isinstance(i, np.ndarray) else repr(i)
                           for i in items) + "]"


# ------------------------------------------------------ joining, splitting
class Cat(Function):
    __slots__ = ("_dim", "_sizes")

    @staticmethod
    def forward(ctx, dim, *arrays):
        ctx._dim = dim
        ctx._sizes = [a.shape[dim] for a in arrays]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, g):
        grads = [None]
        lead = (slice(None),) * ctx._dim
        start = 0
        for size, need in zip(ctx._sizes, ctx.needs_input_grad[1:]):
            grads.append(getitem(g, lead + (slice(start, start + size),)) if need else None)
            start += size
        return tuple(grads)


def _as_tensor_list(tensors, op):
    tensors = list(tensors)
    if not tensors:
        raise ArgumentError(f"{op}: expected a non-empty sequence of tensors")
    out = [t if isinstance(t, Tensor) else _wrap(_dt.infer_array(t)) for t in tensors]
    dt = out[0].dtype
    for t in out[1:]:
        dt = _dt.result_dtype(dt, t.dtype)
    from .elementwise import cast
    return [cast(t, dt) for t in out]


def cat(tensors, dim=0, axis=None):
    if axis is not None:
        dim = axis
    ts = _as_tensor_list(tensors, "cat")
    nd = ts[0].ndim
    if nd == 0:
        raise ShapeError("cat(): zero-dimensional tensors cannot be concatenated; use stack")
    d = dim_arg(dim, nd, "cat")
    ref = ts[0].shape
    for i, t in enumerate(ts[1:], 1):
        if t.ndim != nd or t.shape[:d] + t.shape[d + 1:] != ref[:d] + ref[d + 1:]:
            raise ShapeError(f"cat(): tensors must match except in dim {dim}; tensor 0 has "
                             f"shape {ref}, tensor {i} has shape {t.shape}")
    return Cat.apply(d, *ts)


def stack(tensors, dim=0, axis=None):
    if axis is not None:
        dim = axis
    ts = _as_tensor_list(tensors, "stack")
    for i, t in enumerate(ts[1:], 1):
        if t.shape != ts[0].shape:
            raise ShapeError(f"stack(): all tensors must have the same shape; tensor 0 has "
                             f"shape {ts[0].shape}, tensor {i} has shape {t.shape}")
    d = dim_arg(dim, ts[0].ndim + 1, "stack")
    return cat([unsqueeze(t, d) for t in ts], d)


def split(x, split_size_or_sections, dim=0):
    d = dim_arg(dim, x.ndim, "split")
    n = x.shape[d]
    if isinstance(split_size_or_sections, (tuple, list)):
        sizes = list(size_arg((split_size_or_sections,), "split", "split_size_or_sections"))
        if sum(sizes) != n:
            raise ShapeError(f"split(): sections {sizes} sum to {sum(sizes)}, but dim {dim} "
                             f"has size {n} (shape {x.shape})")
    else:
        size = int_arg(split_size_or_sections, "split", "split_size_or_sections")
        if size < 0 or (size == 0 and n != 0):
            raise ShapeError(f"split(): split_size must be positive (0 only for a dim of size "
                             f"0), got {size} for dim {dim} of size {n}")
        sizes = [min(size, n - s) for s in range(0, n, size)] if size else [0]
    lead = (slice(None),) * d
    out, start = [], 0
    for s in sizes:
        out.append(getitem(x, lead + (slice(start, start + s),)))
        start += s
    return tuple(out)


def chunk(x, chunks, dim=0):
    chunks = int_arg(chunks, "chunk", "chunks")
    if chunks <= 0:
        raise ShapeError(f"chunk(): chunks must be > 0, got {chunks}")
    n = x.shape[dim_arg(dim, x.ndim, "chunk")]
    return split(x, -(-n // chunks), dim)


class Pad(Function):
    __slots__ = ("_crop",)

    @staticmethod
    def forward(ctx, a, widths, value):
        crop = tuple(slice(lo, lo + s) for (lo, _), s in zip(widths, a.shape))
        ctx._crop = crop
        out = np.full(tuple(lo + s + hi for (lo, hi), s in zip(widths, a.shape)), value,
                      dtype=a.dtype)
        out[crop] = a  # np.pad's general machinery costs more than the copy
        return out

    @staticmethod
    def backward(ctx, g):
        return getitem(g, ctx._crop), None, None


def pad(x, pad, mode="constant", value=0.0):
    """``torch.nn.functional.pad``: ``pad`` lists (left, right) pairs starting
    from the last dimension; ``mode`` 'constant', 'reflect', 'replicate' or
    'circular'; negative entries crop."""
    pad = tuple(int_arg(p, "pad", "pad") for p in pad)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ArgumentError(f"pad: expected an even number of at most {2 * x.ndim} values "
                            f"for a tensor of shape {x.shape}, got {pad}")
    if mode != "constant" or any(p < 0 for p in pad):
        from . import padding  # the rare modes live there
        if mode not in padding.MODES:
            raise ValueError(f"pad: mode must be one of {padding.MODES}, got mode={mode!r}")
        if mode != "constant":
            return padding.pad_by_gather(x, pad, mode)
        x, pad = padding.crop_negative(x, pad)
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return Pad.apply(x, tuple(widths), value)

"""Ops that move, copy or select elements without arithmetic.

`Expand` and `SumTo` are each other's backward: this pair is the single
broadcasting mechanism of the engine.  `Index` and `IndexAdd` are the other
such pair (gather and its scatter-add adjoint), so indexing differentiates
any number of times.
"""
import numpy as np

from .. import dtypes as _dt
from ..function import Function
from ..tensor import Tensor, _wrap, make_view


def shape_arg(shape):
    """Accept ``f(2, 3)`` and ``f((2, 3))`` alike."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


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


def _norm_dim(dim, ndim, op):
    if not -ndim <= dim < max(ndim, 1):
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor with {ndim} dims")
    return dim % ndim if ndim else 0


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
    """PyTorch's ``expand``: ``-1`` keeps a dimension's size."""
    nd = len(shape) - x.ndim
    if nd < 0:
        raise ValueError(f"expand: cannot expand shape {x.shape} to fewer dims {shape}")
    target = tuple(x.shape[i - nd] if s == -1 and i >= nd else s for i, s in enumerate(shape))
    return broadcast_to(x, target, "expand")


def broadcast_to(x, shape, op="broadcast_to"):
    shape = tuple(shape)
    if x.shape == shape:
        return _alias(x)
    try:
        if np.broadcast_shapes(x.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"{op}: cannot broadcast shape {x.shape} to {shape}") from None
    return _share_version(Expand.apply(x, shape), x, Expand, shape)


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


def reshape(x, shape):
    try:
        out = Reshape.apply(x, shape)
    except ValueError:
        raise ValueError(f"reshape: cannot view shape {x.shape} ({x._data.size} elements) "
                         f"as {shape}") from None
    return _share_version(out, x, Reshape, out.shape)


def flatten(x, start_dim=0, end_dim=-1):
    nd = x.ndim
    if nd == 0:
        return reshape(x, (1,))
    s = _norm_dim(start_dim, nd, "flatten")
    e = _norm_dim(end_dim, nd, "flatten")
    if s > e:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = x.shape
    return reshape(x, shape[:s] + (int(np.prod(shape[s:e + 1])),) + shape[e + 1:])


def squeeze(x, dim=None):
    if dim is None:
        return reshape(x, tuple(s for s in x.shape if s != 1))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    dims = {_norm_dim(d, x.ndim, "squeeze") for d in dims}
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if not (i in dims and s == 1)))


def unsqueeze(x, dim):
    if not -x.ndim - 1 <= dim <= x.ndim:
        raise IndexError(f"unsqueeze: dim {dim} is out of range for a tensor of shape {x.shape} "
                         f"(expected {-x.ndim - 1} <= dim <= {x.ndim})")
    d = dim % (x.ndim + 1)
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
    if sorted(d % nd if nd else d for d in dims) != list(range(nd)) or len(dims) != nd:
        raise ValueError(f"permute: dims {tuple(dims)} are not a permutation of the "
                         f"{nd} dims of a tensor of shape {x.shape}")
    dims = tuple(d % nd for d in dims)
    if dims == tuple(range(nd)):
        return _alias(x)
    return _share_version(Permute.apply(x, dims), x, Permute, dims)


def transpose(x, dim0, dim1):
    nd = x.ndim
    if nd < 2:
        return _alias(x)
    a, b = _norm_dim(dim0, nd, "transpose"), _norm_dim(dim1, nd, "transpose")
    axes = list(range(nd))
    axes[a], axes[b] = axes[b], axes[a]
    return permute(x, axes)


def repeat(x, reps):
    """``np.tile`` semantics via reshape + expand, so it differentiates for free."""
    if len(reps) < x.ndim:
        raise ValueError(f"repeat: {len(reps)} repeat counts for a tensor with {x.ndim} dims")
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
    if _one_int_per_dim(index, x._data.ndim):
        # NumPy returns a copy for x[i, j]; x[i, j, ...] is a 0-d view, which
        # is what PyTorch gives (so x[i, j].mul_(2) changes x)
        index = (index if type(index) is tuple else (index,)) + (Ellipsis,)
    try:
        out = Index.apply(x, index)
    except IndexError as e:
        raise IndexError(f"index {_show_index(index)} is out of range for a tensor of "
                         f"shape {x.shape}: {e}") from None
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
        raise ValueError(f"{op}: expected a non-empty sequence of tensors")
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
        raise ValueError("cat: zero-dimensional tensors cannot be concatenated; use stack")
    d = _norm_dim(dim, nd, "cat")
    ref = ts[0].shape
    for i, t in enumerate(ts[1:], 1):
        if t.ndim != nd or t.shape[:d] + t.shape[d + 1:] != ref[:d] + ref[d + 1:]:
            raise ValueError(f"cat: tensors must match except in dim {dim}; tensor 0 has "
                             f"shape {ref}, tensor {i} has shape {t.shape}")
    return Cat.apply(d, *ts)


def stack(tensors, dim=0, axis=None):
    if axis is not None:
        dim = axis
    ts = _as_tensor_list(tensors, "stack")
    for i, t in enumerate(ts[1:], 1):
        if t.shape != ts[0].shape:
            raise ValueError(f"stack: all tensors must have the same shape; tensor 0 has "
                             f"shape {ts[0].shape}, tensor {i} has shape {t.shape}")
    d = _norm_dim(dim, ts[0].ndim + 1, "stack")
    return cat([unsqueeze(t, d) for t in ts], d)


def split(x, split_size_or_sections, dim=0):
    d = _norm_dim(dim, x.ndim, "split")
    n = x.shape[d]
    if isinstance(split_size_or_sections, int):
        if split_size_or_sections <= 0:
            raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
        sizes = [min(split_size_or_sections, n - s) for s in range(0, n, split_size_or_sections)]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise ValueError(f"split: sections {sizes} sum to {sum(sizes)}, but dim {dim} "
                             f"has size {n}")
    lead = (slice(None),) * d
    out, start = [], 0
    for s in sizes:
        out.append(getitem(x, lead + (slice(start, start + s),)))
        start += s
    return tuple(out)


def chunk(x, chunks, dim=0):
    n = x.shape[_norm_dim(dim, x.ndim, "chunk")]
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
    from the last dimension."""
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got mode={mode!r}")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: expected an even number of at most {2 * x.ndim} values "
                         f"for a tensor of shape {x.shape}, got {pad}")
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative padding {pad} is not supported")
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return Pad.apply(x, tuple(widths), value)

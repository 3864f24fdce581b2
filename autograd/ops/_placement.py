"""Where advanced indices put their dims: PyTorch's rule on NumPy.

An index that mixes integer arrays (or bool masks) with slices places the
arrays' broadcast dims in place when the arrays are next to each other, and
first otherwise -- in both libraries.  They differ in what counts as "an
array": NumPy counts plain integers too, PyTorch does not (it applies them
as a ``select`` first).  So ``x[:, 0, :, idx]`` on a (2, 3, 4, 5) tensor is
(2, 4, len(idx)) in PyTorch but (len(idx), 2, 4) in NumPy.

`torch_layout` rewrites such an index so NumPy computes PyTorch's layout:
each integer outside the run of arrays becomes a length-1 slice (basic, so
it no longer separates anything), and the caller drops those length-1 dims
afterwards.  Indices where the two rules agree (nearly all) come back
unchanged after one pass over the items.
"""
import numpy as np


def _is_int(item):
    if isinstance(item, (bool, np.bool_)):
        return False
    if isinstance(item, (int, np.integer)):
        return True
    return isinstance(item, np.ndarray) and item.ndim == 0 and item.dtype.kind in "iu"


def _is_array(item):
    return isinstance(item, np.ndarray) and not _is_int(item)


def _dims_in(item):
    """How many input dims an index item consumes."""
    if item is None or item is Ellipsis:
        return 0
    if isinstance(item, np.ndarray) and item.dtype == np.bool_:
        return item.ndim
    return 1


def torch_layout(index, shape):
    """``(index, drop)``: an index NumPy applies with PyTorch's placement,
    and the result axes to squeeze afterwards (None: nothing to change)."""
    if type(index) is not tuple:
        return index, None
    for item in index:  # the common case, no array at all, costs one pass
        if type(item) is np.ndarray:
            break
    else:
        return index, None
    arrays = [p for p, item in enumerate(index) if _is_array(item)]
    if not arrays:
        return index, None
    first, last = arrays[0], arrays[-1]
    ints = [p for p, item in enumerate(index) if _is_int(item)]
    outside = [p for p in ints if p < first or p > last]
    if not outside:
        return index, None  # every integer sits between arrays: the same in both
    if any(not (_is_array(index[p]) or _is_int(index[p])) for p in range(first, last + 1)):
        return index, None  # arrays separated by a slice: dims go first in both
    advanced = sorted(arrays + ints)
    if advanced[-1] - advanced[0] + 1 == len(advanced):
        return index, None  # NumPy sees one run too, at the same place
    return _rewrite(index, shape, first, last, outside)


def _rewrite(index, shape, first, last, outside):
    ellipsis_dims = len(shape) - sum(_dims_in(i) for i in index)
    items, drop, dim, axis = list(index), [], 0, 0
    for pos, item in enumerate(index):
        if first <= pos <= last:
            if pos == first:
                axis += _run_ndim(index[first:last + 1])
            dim += _dims_in(item)
            continue
        if pos in outside:
            size = shape[dim] if dim < len(shape) else 0
            k = int(item)
            if not -size <= k < size:
                return index, None  # out of range: let NumPy raise its IndexError
            k %= size
            items[pos] = slice(k, k + 1)
            drop.append(axis)
            axis += 1
        elif item is Ellipsis:
            axis += ellipsis_dims
        elif item is None or isinstance(item, slice):
            axis += 1
        dim += ellipsis_dims if item is Ellipsis else _dims_in(item)
    return tuple(items), tuple(drop)


def _run_ndim(run):
    """The number of result dims the run of arrays (and integers) makes."""
    shapes = []
    for item in run:
        if _is_int(item):
            continue
        if item.dtype == np.bool_:
            shapes.append((int(np.count_nonzero(item)),))
        else:
            shapes.append(item.shape)
    return len(np.broadcast_shapes(*shapes))

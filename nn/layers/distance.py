"""Vector geometry of ``torch.nn.functional``: ``normalize``,
``cosine_similarity``, ``pairwise_distance`` (and their modules), plus
``one_hot``.

All are compositions of the engine's ``norm`` (whose gradient at a zero
norm is 0), ``clamp`` and elementwise ops, so they differentiate twice.
The ``eps`` arguments mean what they mean in PyTorch: a floor under each
norm for ``normalize`` and ``cosine_similarity`` (so a zero vector gives 0,
not NaN), and a small number added to the difference for
``pairwise_distance`` (so the distance of equal vectors has a gradient).
"""
import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.dtypes import result_dtype

from autograd.errors import ArgumentError, DTypeError, ShapeError
from .._checks import dim_arg, not_tensor, real_arg
from ..module import Module


def _check_dim(dim, ndim, fn):
    """``dim`` as a valid index into an ``ndim``-d tensor (IndexError, as
    PyTorch, when out of range)."""
    dim = dim_arg(dim, "dim", fn)
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"{fn}: dim {dim} is out of range (expected to be in range of "
                         f"[{-n}, {n - 1}]) for a {ndim}-d input")
    return dim


def _floor_norm(x, p, dim, eps):
    """``max(||x||_p, eps)`` along ``dim``, kept for broadcasting."""
    return x.norm(p, dim, keepdim=True).clamp(min=eps)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input / max(||input||_p, eps)`` along ``dim``: unit vectors, with a
    zero vector left at zero."""
    fn = "normalize"
    if out is not None:
        raise TypeError("normalize: out= is not supported (chainrule tensors are not "
                        "written into); use the returned tensor")
    if not isinstance(input, Tensor):
        raise not_tensor(fn, "input", 1, input)
    if input.dtype.kind != "f":
        raise DTypeError(f"{fn}: expected a floating-point input, got dtype {input.dtype}; "
                         "convert with .float()")
    dim = _check_dim(dim, input.ndim, fn)
    return input / _floor_norm(input, p, dim, real_arg(eps, "eps", fn))


def _common_float(x1, x2, fn):
    """``x1`` and ``x2`` in their promoted dtype, which must be floating
    point, and broadcast to one shape."""
    for pos, (name, t) in enumerate((("x1", x1), ("x2", x2)), start=1):
        if not isinstance(t, Tensor):
            raise not_tensor(fn, name, pos, t)
    dtype = result_dtype(x1.dtype, x2.dtype)
    if dtype.kind != "f":
        raise DTypeError(f"{fn}: expected the common dtype of x1 ({x1.dtype}) and x2 "
                         f"({x2.dtype}) to be floating point, got {dtype}")
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ShapeError(f"{fn}: x1 of shape {x1.shape} and x2 of shape {x2.shape} cannot be "
                         "broadcast together") from None
    return (x1.to(dtype).broadcast_to(shape), x2.to(dtype).broadcast_to(shape))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """``sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps))`` along
    ``dim``, after broadcasting x1 with x2.  Each input is divided by its
    own (floored) norm before the product, as PyTorch does, which keeps
    the product from overflowing."""
    fn = "cosine_similarity"
    a, b = _common_float(x1, x2, fn)
    dim = _check_dim(dim, a.ndim, fn)
    eps = real_arg(eps, "eps", fn)
    if a.ndim == 0:
        return (a / a.abs().clamp(min=eps)) * (b / b.abs().clamp(min=eps))
    return ((a / _floor_norm(a, 2, dim, eps)) * (b / _floor_norm(b, 2, dim, eps))).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``||x1 - x2 + eps||_p`` over the last dim (after broadcasting): the
    distance between paired rows.  ``eps`` keeps the gradient finite where
    the rows are equal."""
    fn = "pairwise_distance"
    for pos, (name, t) in enumerate((("x1", x1), ("x2", x2)), start=1):
        if not isinstance(t, Tensor):
            raise not_tensor(fn, name, pos, t)
    try:
        np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ShapeError(f"{fn}: x1 of shape {x1.shape} and x2 of shape {x2.shape} cannot be "
                         "broadcast together") from None
    diff = x1 - x2 + real_arg(eps, "eps", fn)
    if diff.ndim == 0:
        out = diff.norm(p)
        return out.reshape((1,)) if keepdim else out
    return diff.norm(p, -1, keepdim=keepdim)


def one_hot(tensor, num_classes=-1):
    """int64 tensor of shape ``(*tensor.shape, num_classes)`` with a 1 at
    each index; ``num_classes=-1`` means ``tensor.max() + 1``.  The input
    must hold int64 class indices in ``[0, num_classes)``."""
    fn = "one_hot"
    if not isinstance(tensor, Tensor):
        raise not_tensor(fn, "tensor", 1, tensor)
    idx = tensor._data
    if idx.dtype != np.int64:
        raise DTypeError(f"{fn}: is only applicable to an index tensor of dtype int64 "
                         f"(LongTensor), got dtype {idx.dtype}; convert with .long()")
    n = _num_classes(idx, num_classes)
    out = np.zeros(idx.shape + (n,), dtype=np.int64)
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    return ag.tensor(out)


def _num_classes(idx, num_classes):
    """The class count, checking every index against it."""
    num_classes = dim_arg(num_classes, "num_classes", "one_hot")
    if idx.size == 0:
        if num_classes == -1:
            raise ArgumentError("one_hot: can not infer the total number of classes from an "
                                "empty tensor; pass num_classes")
        return max(num_classes, 0)
    lo, hi = int(idx.min()), int(idx.max())
    if lo < 0:
        raise ArgumentError(f"one_hot: class values must be non-negative, got {lo}")
    if num_classes == -1:
        return hi + 1
    if hi >= num_classes:
        raise ArgumentError(f"one_hot: class values must be smaller than num_classes="
                            f"{num_classes}, got {hi}")
    return num_classes


class CosineSimilarity(Module):
    """Module form of `cosine_similarity`."""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim = dim_arg(dim, "dim", "CosineSimilarity")
        self.eps = real_arg(eps, "eps", "CosineSimilarity")

    def forward(self, x1, x2):
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """Module form of `pairwise_distance`."""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm = real_arg(p, "p", "PairwiseDistance")
        self.eps = real_arg(eps, "eps", "PairwiseDistance")
        self.keepdim = keepdim

    def forward(self, x1, x2):
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)

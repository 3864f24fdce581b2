"""Lookup tables: ``embedding``/``Embedding`` (a row of ``weight`` per index).

The lookup is one engine op whose backward scatters the incoming gradient
back into rows (repeated indices add up), and whose scatter is itself an op
whose backward is a lookup -- so double backward works.  ``padding_idx``
and ``scale_grad_by_freq`` change only the gradient rule, as in PyTorch:
the padding row receives no gradient, and with ``scale_grad_by_freq`` each
row's gradient is divided by how often its index occurs in the batch.
"""
import numpy as np

import autograd as ag
from autograd import Function, Tensor
from autograd._args import device_arg

from autograd.errors import ArgumentError, DTypeError
from .._checks import not_tensor, real_arg, size_arg
from ..init import normal_
from ..module import Module
from ..parameter import Parameter
from ._assert import LayerAssertionError


class _Lookup(Function):
    """``weight[indices]`` along dim 0; the backward scatters rows."""
    __slots__ = ("_idx", "_rows", "_scale")

    @staticmethod
    def forward(ctx, weight, indices, scale):
        ctx._idx = indices
        ctx._rows = weight.shape[0]
        ctx._scale = scale
        return np.take(weight, indices, axis=0)

    @staticmethod
    def backward(ctx, g):
        return _ScatterRows.apply(g, ctx._idx, ctx._rows, ctx._scale), None, None


class _ScatterRows(Function):
    """Sum the rows of ``g`` (shape ``indices.shape + (D,)``) into a
    ``(rows, D)`` table at ``indices``, each first multiplied by ``scale``
    (per position; None means 1).  Linear in ``g``, so its backward is the
    lookup of the incoming gradient times the same scale."""
    __slots__ = ("_idx", "_scale")

    @staticmethod
    def forward(ctx, g, indices, rows, scale):
        ctx._idx = indices
        ctx._scale = scale
        flat = g.reshape(-1, g.shape[-1])
        if scale is not None:
            flat = flat * scale.reshape(-1, 1)
        out = np.zeros((rows, g.shape[-1]), dtype=g.dtype)
        np.add.at(out, indices.reshape(-1), flat)
        return out

    @staticmethod
    def backward(ctx, gg):
        rows = _Lookup.apply(gg, ctx._idx, None)
        if ctx._scale is not None:
            rows = rows * ctx._scale[..., None]
        return rows, None, None, None


def _gradient_scale(indices, rows, padding_idx, scale_grad_by_freq, dtype):
    """The per-position factor of the gradient rule, or None when it is 1
    everywhere: 0 at padding positions, 1/count with ``scale_grad_by_freq``."""
    if padding_idx is None and not scale_grad_by_freq:
        return None
    scale = np.ones(indices.shape, dtype=dtype)
    if scale_grad_by_freq:
        counts = np.bincount(indices.reshape(-1), minlength=rows)
        scale = scale / counts[indices]
    if padding_idx is not None:
        scale[indices == padding_idx] = 0
    return scale.astype(dtype, copy=False)


def _padding_idx(padding_idx, rows, where):
    """PyTorch's rule: a negative ``padding_idx`` counts from the end; either
    way it must name a row of the table."""
    if padding_idx is None:
        return None
    if isinstance(padding_idx, bool) or not isinstance(padding_idx, (int, np.integer)):
        raise TypeError(f"{where}: padding_idx must be an int or None, got {padding_idx!r}")
    if not -rows <= padding_idx < rows:
        raise LayerAssertionError(f"{where}: padding_idx must be within num_embeddings "
                              f"({rows}), got {padding_idx}")
    return int(padding_idx) % rows


def _check_indices(input, weight, where):
    if not isinstance(input, Tensor):
        raise not_tensor(where, "input", 1, input)
    if not isinstance(weight, Tensor):
        raise not_tensor(where, "weight", 2, weight)
    if input.dtype.kind not in "iu":
        raise DTypeError(f"{where}: input must hold integer indices (int64 or int32), got "
                         f"dtype {input.dtype}; convert with .long()")
    if weight.ndim != 2:
        raise ArgumentError(f"{where}: weight must be 2-D (num_embeddings, embedding_dim), got "
                            f"shape {weight.shape}")
    idx = input._data
    rows = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= rows):
        bad = idx[(idx < 0) | (idx >= rows)].reshape(-1)[0]
        raise IndexError(f"{where}: index {bad} out of range for a table of {rows} rows "
                         f"(weight shape {weight.shape}); indices must be in [0, {rows})")
    return idx


def _renorm_rows(weight, idx, max_norm, norm_type):
    """PyTorch's ``max_norm``: each row looked up whose ``norm_type``-norm
    exceeds ``max_norm`` is rescaled in place (without recording a graph) to
    norm ``max_norm`` (up to PyTorch's 1e-7 guard)."""
    rows = np.unique(idx)
    w = weight._data
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    over = norms > max_norm
    if over.any():
        scale = (max_norm / (norms[over] + 1e-7)).astype(w.dtype)
        w[rows[over]] *= scale[:, None]
        weight._vc[0] += 1


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """``torch.nn.functional.embedding``: row ``input[i]`` of ``weight`` for
    every index, giving shape ``input.shape + (embedding_dim,)``."""
    where = "embedding"
    idx = _check_indices(input, weight, where)
    padding_idx = _padding_idx(padding_idx, weight.shape[0], where)
    if sparse:
        raise ArgumentError(f"{where}: sparse=True (sparse gradients) is not supported; "
                            "chainrule's gradients are dense")
    if max_norm is not None:
        real_arg(max_norm, "max_norm", where)
        with ag.no_grad():
            _renorm_rows(weight, idx, max_norm, real_arg(norm_type, "norm_type", where))
    scale = _gradient_scale(idx, weight.shape[0], padding_idx, scale_grad_by_freq,
                            weight.dtype) if weight.requires_grad else None
    return _Lookup.apply(weight, idx, scale)


class Embedding(Module):
    """``Embedding(num_embeddings, embedding_dim, padding_idx=None, ...)``: a
    trainable table of vectors, ``weight`` of shape (num_embeddings,
    embedding_dim), initialized N(0, 1) with the padding row zeroed, as
    PyTorch does."""

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, max_norm=None,
                 norm_type=2.0, scale_grad_by_freq=False, sparse=False, _weight=None,
                 _freeze=False, device=None, dtype=None):
        super().__init__()
        where = "Embedding"
        if device is not None:
            device_arg(device, where)
        self.num_embeddings = size_arg(num_embeddings, "num_embeddings", where)
        self.embedding_dim = size_arg(embedding_dim, "embedding_dim", where)
        self.padding_idx = _padding_idx(padding_idx, self.num_embeddings, where)
        self.max_norm = max_norm if max_norm is None else real_arg(max_norm, "max_norm", where)
        self.norm_type = real_arg(norm_type, "norm_type", where)
        self.scale_grad_by_freq = scale_grad_by_freq
        if sparse:
            raise ArgumentError(f"{where}: sparse=True (sparse gradients) is not supported")
        self.sparse = False
        if _weight is None:
            self.weight = Parameter(ag.zeros(self.num_embeddings, self.embedding_dim,
                                             dtype=dtype), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            shape = (self.num_embeddings, self.embedding_dim)
            if tuple(_weight.shape) != shape:
                raise ArgumentError(f"{where}: _weight must have shape {shape}, got "
                                    f"{tuple(_weight.shape)}")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self):
        normal_(self.weight)
        if self.padding_idx is not None:
            with ag.no_grad():
                self.weight[self.padding_idx].fill_(0)

    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, padding_idx=None, max_norm=None,
                        norm_type=2.0, scale_grad_by_freq=False, sparse=False):
        """An Embedding whose weight *is* ``embeddings`` (2-D), frozen unless
        ``freeze=False``."""
        if not isinstance(embeddings, Tensor) or embeddings.ndim != 2:
            shape = getattr(embeddings, "shape", None)
            raise ArgumentError(f"Embedding.from_pretrained: embeddings must be a 2-D Tensor, "
                                f"got {type(embeddings).__name__} of shape {shape}")
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
                   _weight=embeddings, _freeze=freeze)

    def forward(self, input):
        return embedding(input, self.weight, self.padding_idx, self.max_norm, self.norm_type,
                         self.scale_grad_by_freq, self.sparse)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        return s

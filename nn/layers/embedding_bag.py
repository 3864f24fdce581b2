"""``embedding_bag``/``EmbeddingBag``: one vector per bag of indices -- the
sum, mean or max of the bag's rows of ``weight`` -- without materializing
the per-index embeddings as a separate output (the text-classification
model of PyTorch's tutorials).

Bags are the rows of a 2-D input, or slices of a 1-D input starting at
``offsets``.  The lookup is `embedding`'s (so gradients scatter into rows
and ``max_norm`` renormalizes as there); sum and mean are `embedding`'s
own row scatter (each row, times 1 or 1/count, added into its bag), max
one reduction per bag.  Indices equal to ``padding_idx`` are left out of
their bag (and of the mean's count); an empty bag gives zeros, as in
PyTorch.
"""
import numpy as np

import autograd as ag
from autograd import Tensor
from autograd._args import device_arg
from autograd.errors import ArgumentError

from .._checks import not_tensor, real_arg, size_arg
from ..init import normal_
from ..module import Module
from ..parameter import Parameter
from .embedding import _ScatterRows, _check_indices, _padding_idx, embedding

MODES = ("sum", "mean", "max")


def _bag_bounds(input, offsets, include_last_offset, where):
    """(flat indices, start and end of each bag)."""
    idx = input._data
    if idx.ndim == 2:
        if offsets is not None:
            raise ArgumentError(f"{where}: a 2-D input is a batch of equal-length bags, so "
                                f"offsets must be None, got a {type(offsets).__name__}")
        bags, length = idx.shape
        starts = np.arange(bags) * length
        return idx.reshape(-1), starts, starts + length
    if idx.ndim != 1:
        raise ArgumentError(f"{where}: input must be 1-D (with offsets) or 2-D, got shape "
                            f"{input.shape}")
    if not isinstance(offsets, Tensor) or offsets.ndim != 1:
        raise ArgumentError(f"{where}: a 1-D input needs offsets, a 1-D tensor of bag starts, "
                            f"got {type(offsets).__name__ if offsets is None else offsets.shape}")
    off = offsets._data.astype(np.int64)
    n = idx.size
    if off.size and off[0] != 0:
        raise ArgumentError(f"{where}: offsets[0] must be 0 (the first bag starts at the "
                            f"first index), got {off[0]}")
    if np.any(np.diff(off) < 0) or (off.size and off[-1] > n):
        raise ArgumentError(f"{where}: offsets must be non-decreasing and at most the input "
                            f"length {n}, got {off.tolist()}")
    if include_last_offset:
        if off.size == 0:
            raise ArgumentError(f"{where}: include_last_offset needs at least one offset")
        return idx, off[:-1], off[1:]
    return idx, off, np.append(off[1:], n)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,
                  scale_grad_by_freq=False, mode="mean", sparse=False,
                  per_sample_weights=None, include_last_offset=False, padding_idx=None):
    """Sum, mean or max of the embeddings in each bag: shape (bags, dim)."""
    where = "embedding_bag"
    _check_indices(input, weight, where)
    if mode not in MODES:
        raise ArgumentError(f"{where}: mode must be one of {MODES}, got {mode!r}")
    if scale_grad_by_freq and mode == "max":
        raise ArgumentError(f"{where}: scale_grad_by_freq is not supported with mode='max'")
    flat, starts, ends = _bag_bounds(input, offsets, include_last_offset, where)
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"{where}: per_sample_weights is only supported for "
                                      f"mode='sum' (got mode={mode!r})")
        if not isinstance(per_sample_weights, Tensor):
            raise not_tensor(where, "per_sample_weights", 9, per_sample_weights)
        if per_sample_weights.shape != input.shape:
            raise ArgumentError(f"{where}: per_sample_weights must have the input's shape "
                                f"{input.shape}, got {per_sample_weights.shape}")
    padding_idx = _padding_idx(padding_idx, weight.shape[0], where)
    rows = embedding(ag.tensor(flat), weight, padding_idx, max_norm, norm_type,
                     scale_grad_by_freq, sparse)                       # (n, dim)
    kept = np.ones(flat.size, dtype=bool) if padding_idx is None else flat != padding_idx
    if mode == "max":
        return _bag_max(rows, starts, ends, kept, weight)
    bag_of = np.repeat(np.arange(starts.size), ends - starts)  # bag of each position
    covered = bag_of.size  # bags are contiguous from 0; include_last_offset may stop early
    if covered < flat.size:
        rows, kept = rows[:covered], kept[:covered]
    counts = np.bincount(bag_of[kept], minlength=starts.size)
    scale = kept.astype(weight.dtype)
    if mode == "mean":
        scale /= np.maximum(counts, 1)[bag_of]
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.reshape(-1, 1).to(rows.dtype)
    return _ScatterRows.apply(rows, bag_of, starts.size, scale)


def _bag_max(rows, starts, ends, kept, weight):
    zero = ag.zeros(weight.shape[1], dtype=weight.dtype)
    out = []
    for s, e in zip(starts, ends):
        members = np.flatnonzero(kept[s:e]) + s
        out.append(rows[members].amax(0) if members.size else zero)
    return ag.stack(out) if out else ag.zeros(0, weight.shape[1], dtype=weight.dtype)


class EmbeddingBag(Module):
    """A trainable table whose forward returns one sum/mean/max vector per
    bag of indices; ``weight`` (num_embeddings, embedding_dim) starts N(0, 1)
    with the padding row zeroed, as in PyTorch."""

    def __init__(self, num_embeddings, embedding_dim, max_norm=None, norm_type=2.0,
                 scale_grad_by_freq=False, mode="mean", sparse=False, _weight=None,
                 include_last_offset=False, padding_idx=None, device=None, dtype=None):
        super().__init__()
        where = "EmbeddingBag"
        if device is not None:
            device_arg(device, where)
        self.num_embeddings = size_arg(num_embeddings, "num_embeddings", where)
        self.embedding_dim = size_arg(embedding_dim, "embedding_dim", where)
        if mode not in MODES:
            raise ArgumentError(f"{where}: mode must be one of {MODES}, got {mode!r}")
        if sparse:
            raise ArgumentError(f"{where}: sparse=True (sparse gradients) is not supported")
        self.max_norm = max_norm if max_norm is None else real_arg(max_norm, "max_norm", where)
        self.norm_type = real_arg(norm_type, "norm_type", where)
        self.scale_grad_by_freq = scale_grad_by_freq
        self.mode = mode
        self.sparse = False
        self.include_last_offset = include_last_offset
        self.padding_idx = _padding_idx(padding_idx, self.num_embeddings, where)
        shape = (self.num_embeddings, self.embedding_dim)
        if _weight is None:
            self.weight = Parameter(ag.zeros(*shape, dtype=dtype))
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != shape:
                raise ArgumentError(f"{where}: _weight must have shape {shape}, got "
                                    f"{tuple(_weight.shape)}")
            self.weight = Parameter(_weight)

    def reset_parameters(self):
        normal_(self.weight)
        if self.padding_idx is not None:
            with ag.no_grad():
                self.weight[self.padding_idx].fill_(0)

    def forward(self, input, offsets=None, per_sample_weights=None):
        return embedding_bag(input, self.weight, offsets, self.max_norm, self.norm_type,
                             self.scale_grad_by_freq, self.mode, self.sparse,
                             per_sample_weights, self.include_last_offset, self.padding_idx)

    def extra_repr(self):
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        s += f", mode={self.mode!r}"
        if self.include_last_offset:
            s += ", include_last_offset=True"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s

"""Adaptive pooling: a fixed output size whatever the input size.

Output bin ``i`` of ``out`` along an axis of ``size`` covers input positions
``floor(i * size / out)`` up to (not including) ``ceil((i + 1) * size / out)``
-- PyTorch's bins, which overlap when ``out`` does not divide ``size``.
Average pooling sums each axis's bins by gathering their taps (a mean
of equal disjoint bins when the output size divides the input's), so it
differentiates any number of times; max pooling gathers each bin's winner
(first maximum, last NaN, as PyTorch) by flat position, like `max_pool2d`.
"""
import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.ops.window import WinnerGather

from autograd.errors import ArgumentError, DTypeError
from .._checks import not_tensor
from ..module import Module
from ._args import _is_int


def _bins(size, out):
    """(starts, ends) of PyTorch's adaptive bins."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _out_size(output_size, x, name):
    """``output_size`` (an int, or a pair whose None entries keep the input's
    size) as a pair of positive ints."""
    if _is_int(output_size) or output_size is None:
        output_size = (output_size, output_size)
    if not (isinstance(output_size, (tuple, list)) and len(output_size) == 2
            and all(v is None or _is_int(v) for v in output_size)):
        raise TypeError(f"{name}: output_size must be an int or a pair of ints (or None), "
                        f"got {output_size!r}")
    out = tuple(x.shape[-2 + i] if v is None else int(v) for i, v in enumerate(output_size))
    if min(out) < 1:
        raise ArgumentError(f"{name}: output_size must be positive, got {tuple(output_size)}")
    return out


def _check_input(x, name):
    if not isinstance(x, Tensor):
        raise not_tensor(name, "input", 1, x)
    if x.ndim not in (3, 4) or 0 in x.shape[-2:]:
        raise ArgumentError(f"{name}: expected input (N, C, H, W) or (C, H, W) with non-zero "
                            f"H and W, got {x.shape}")


def _bin_sums(x, axis, out):
    """Sums over PyTorch's adaptive bins along ``axis`` (-1 or -2) of x.

    Each bin gathers ``max bin length`` positions; a bin's surplus taps point
    at one appended zero, so no NaN or inf of a neighbouring bin leaks in
    (a 0-weight product would turn it into NaN)."""
    size = x.shape[axis]
    starts, ends = _bins(size, out)
    taps = starts[:, None] + np.arange(int((ends - starts).max()))
    taps = np.where(taps < ends[:, None], taps, size)  # `size` = the appended zero
    widths = (0, 1) if axis == -1 else (0, 0, 0, 1)
    padded = ag.pad(x, widths)
    if axis == -1:
        return padded[..., taps].sum(dim=-1)  # (..., out, taps) -> (..., out)
    return padded[..., taps, :].sum(dim=-2)  # (..., out, taps, W) -> (..., out, W)


def _bin_counts(size, out, dtype):
    starts, ends = _bins(size, out)
    return (ends - starts).astype(dtype)


def adaptive_avg_pool2d(input, output_size):
    """``torch.nn.functional.adaptive_avg_pool2d``: the mean of each of
    PyTorch's adaptive bins; input (N, C, H, W) or (C, H, W)."""
    name = "adaptive_avg_pool2d"
    _check_input(input, name)
    if input.dtype.kind != "f":
        raise DTypeError(f"{name}: input must be floating-point, got dtype {input.dtype}")
    oh, ow = _out_size(output_size, input, name)
    h, w = input.shape[-2:]
    if h % oh == 0 and w % ow == 0:  # equal disjoint bins: a reshape and a mean
        lead = input.shape[:-2]
        return input.reshape(*lead, oh, h // oh, ow, w // ow).mean(dim=(-3, -1))
    sums = _bin_sums(_bin_sums(input, -1, ow), -2, oh)
    counts = np.multiply.outer(_bin_counts(h, oh, input.dtype), _bin_counts(w, ow, input.dtype))
    return sums / ag.tensor(counts)


class AdaptiveMaxPool2D(WinnerGather):
    """The adaptive max-pool node: a `WinnerGather` of each bin's winner."""
    __slots__ = ()


def _bin_winners(a, oh, ow):
    """Flat (H*W-plane) index of each bin's winner of an (N, C, H, W) array:
    the first maximum, or the last NaN when the bin holds NaN."""
    n, c, h, w = a.shape
    hs, he = _bins(h, oh)
    ws, we = _bins(w, ow)
    idx = np.empty((n, c, oh, ow), dtype=np.int64)
    for i in range(oh):
        for j in range(ow):
            block = a[:, :, hs[i]:he[i], ws[j]:we[j]].reshape(n, c, -1)
            arg = block.argmax(-1)  # first maximum, or first NaN
            if a.dtype.kind == "f":
                nan = np.isnan(block)
                last_nan = block.shape[-1] - 1 - nan[..., ::-1].argmax(-1)
                arg = np.where(nan.any(-1), last_nan, arg)
            bw = we[j] - ws[j]
            idx[:, :, i, j] = (hs[i] + arg // bw) * w + ws[j] + arg % bw
    return idx


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """``torch.nn.functional.adaptive_max_pool2d``: the maximum of each of
    PyTorch's adaptive bins (first maximum; NaN wins); ``indices`` are flat
    positions in each (H, W) plane, as PyTorch returns them."""
    name = "adaptive_max_pool2d"
    _check_input(input, name)
    oh, ow = _out_size(output_size, input, name)
    a = input._data if input.ndim == 4 else input._data[None]
    n, c, h, w = a.shape
    indices = _bin_winners(a, oh, ow)
    flat = np.arange(n * c).reshape(n, c, 1, 1) * (h * w) + indices
    if input.ndim == 3:
        flat, indices = flat[0], indices[0]
    unique = h % oh == 0 and w % ow == 0  # bins are disjoint
    values = AdaptiveMaxPool2D.apply(input, flat, unique)
    return (values, ag.tensor(indices)) if return_indices else values


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size (``torch.nn.AdaptiveAvgPool2d``)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max pooling to a fixed output size (``torch.nn.AdaptiveMaxPool2d``)."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, x):
        return adaptive_max_pool2d(x, self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"

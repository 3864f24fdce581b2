"""Max and average pooling over strided window views of the input.

Max pooling routes each window's gradient to a single winner (chosen by
PyTorch's rule: the first maximum, or the last NaN) through a `GatherFlat`
node named as PyTorch's; padding never wins.  Average pooling is a mean
over the axes of `autograd.ops.window.Unfold`'s windows; with
``count_include_pad=True`` (PyTorch's default) padded zeros count in the
divisor.
"""
import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.ops.window import GatherFlat, unfold, windows_of

from autograd.errors import ArgumentError, DTypeError
from .._checks import not_tensor
from ..module import Module
from ._args import pair


def _pool_args(kernel_size, stride, padding, dilation, name):
    k = pair(kernel_size, "kernel_size", name, 1)
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else pair(stride, "stride", name, 1)
    p = pair(padding, "padding", name, 0)
    d = pair(dilation, "dilation", name, 1)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ArgumentError(f"{name}: padding {p} must be at most half the kernel size {k}")
    return k, s, p, d


def _check_pool_input(x, k, p, d, name):
    """Check type, rank and kernel size."""
    if not isinstance(x, Tensor):
        raise not_tensor(name, "input", 1, x)
    if x.ndim not in (3, 4):
        raise ArgumentError(f"{name}: expected input (N, C, H, W) or (C, H, W), got {x.shape}")
    h, w = x.shape[-2:]
    for size, kk, pp, dd in ((h, k[0], p[0], d[0]), (w, k[1], p[1], d[1])):
        if dd * (kk - 1) + 1 > size + 2 * pp:
            raise ArgumentError(f"{name}: kernel {k} is larger than the padded input "
                                f"{(h + 2 * p[0], w + 2 * p[1])} (input shape {x.shape})")


def _windows(x, k, s, p, d, pad_value, name):
    """(N, C, KH, KW, OH, OW) windows of an (N, C, H, W) or (C, H, W) input."""
    _check_pool_input(x, k, p, d, name)
    x4 = x if x.ndim == 4 else x.unsqueeze(0)
    if p != (0, 0):
        x4 = ag.pad(x4, (p[1], p[1], p[0], p[0]), value=pad_value)
    return unfold(x4, k, s, d)


class MaxPool2DWithIndices(GatherFlat):
    """The max-pool node: a `GatherFlat` of the winners under the name
    PyTorch gives its pooling node, so graph pictures and detect_anomaly's
    messages (NaN in the forward output or in the gradient) name the pool."""
    __slots__ = ()


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _first_max(win, k):
    """Offset (i * KW + j) of each window's first maximum, by a running
    maximum over the KH*KW slices of the strided window view (no window
    copies).  Also returns the running maximum: NaN exactly where a window
    holds NaN, which this strict comparison skips."""
    best = win[:, :, 0, 0].copy()
    arg = np.zeros(best.shape, dtype=np.int32)
    step = np.empty(best.shape, dtype=np.int32)
    for i in range(k[0]):
        for j in range(k[1]):
            if i or j:
                candidate = win[:, :, i, j]
                better = candidate > best  # strict: ties keep the first maximum
                np.maximum(best, candidate, out=best)
                # arg = where(better, offset, arg), in arithmetic: masked
                # assignment and np.where are ~20x slower here
                np.subtract(i * k[1] + j, arg, out=step)
                step *= better
                arg += step
    return arg, best


def _last_nan_or_first_max(win, k):
    """PyTorch's rule once NaN is present: a candidate wins if it is larger
    or NaN, so a window's last NaN wins.  Only run when some window holds
    NaN, so the common case pays for one ``max`` of the output."""
    best = win[:, :, 0, 0].copy()
    arg = np.zeros(best.shape, dtype=np.int32)
    for i in range(k[0]):
        for j in range(k[1]):
            if i or j:
                candidate = win[:, :, i, j]
                take = (candidate > best) | np.isnan(candidate)
                best = np.where(take, candidate, best)
                arg = np.where(take, i * k[1] + j, arg)
    return arg


def _first_inside(out_size, stride, pad, dil):
    """Per output row (or column): the kernel offset of the window's first
    element inside the unpadded input."""
    start = np.arange(out_size) * stride - pad
    return np.where(start < 0, (dil - 1 - start) // dil, 0)  # ceil(-start / dil)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, return_indices=False):
    """Each window's maximum, chosen as PyTorch chooses it: the first maximum,
    except that NaN wins (the last NaN of a window), and a window of only
    -inf picks its first element inside the input (padding never wins).
    The values are gathered from the input by flat position, so the
    gradient is a scatter to the winners -- a plain assignment when windows
    cannot overlap -- and ``indices`` are flat positions in each (H, W)
    plane of the input, as PyTorch returns them."""
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, "max_pool2d")
    _check_pool_input(input, k, p, d, "max_pool2d")
    a = input._data
    a = a if a.ndim == 4 else a[None]
    n, c, h, w = a.shape
    low = _lowest(a.dtype)
    if p != (0, 0):
        a = np.pad(a, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])), constant_values=low)
    win = windows_of(a, k, s, d)  # (N, C, KH, KW, OH, OW) view
    arg, best = _first_max(win, k)
    if a.dtype.kind == "f" and best.size and np.isnan(best.max()):  # max: faster than isnan
        arg = _last_nan_or_first_max(win, k)
    oh, ow = best.shape[-2:]
    if p != (0, 0) and (best == low).any():
        first = _first_inside(oh, s[0], p[0], d[0])[:, None] * k[1] \
            + _first_inside(ow, s[1], p[1], d[1])
        arg = np.where(best == low, first, arg)
    row = (np.arange(oh) * s[0] - p[0]).reshape(oh, 1) + (arg // k[1]) * d[0]
    col = (np.arange(ow) * s[1] - p[1]) + (arg % k[1]) * d[1]
    indices = row * w + col
    flat = np.arange(n * c).reshape(n, c, 1, 1) * (h * w) + indices
    disjoint = all(st >= dd * (kk - 1) + 1 for st, dd, kk in zip(s, d, k))
    if input.ndim == 3:
        flat, indices = flat[0], indices[0]
    values = MaxPool2DWithIndices.apply(input, flat, disjoint)
    return (values, ag.tensor(indices)) if return_indices else values


def avg_pool2d(input, kernel_size, stride=None, padding=0, count_include_pad=True):
    k, s, p, d = _pool_args(kernel_size, stride, padding, 1, "avg_pool2d")
    if isinstance(input, Tensor) and input.dtype.kind != "f":
        raise DTypeError(f"avg_pool2d: input must be floating-point, got dtype {input.dtype}; "
                         "convert with .float()")
    cols = _windows(input, k, s, p, d, 0.0, "avg_pool2d")
    if count_include_pad or p == (0, 0):
        out = cols.mean(dim=(2, 3))
    else:
        ones = ag.ones(1, 1, *input.shape[-2:], dtype=input.dtype)
        counts = _windows(ones, k, s, p, d, 0.0, "avg_pool2d")
        out = cols.sum(dim=(2, 3)) / counts.sum(dim=(2, 3))
    return out.squeeze(0) if input.ndim == 3 else out


class MaxPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False):
        super().__init__()
        self.kernel_size, self.stride, self.padding, self.dilation = _pool_args(
            kernel_size, stride, padding, dilation, "MaxPool2d")
        self.return_indices = return_indices

    def forward(self, x):
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}")


class AvgPool2d(Module):
    def __init__(self, kernel_size, stride=None, padding=0, count_include_pad=True):
        super().__init__()
        self.kernel_size, self.stride, self.padding, _ = _pool_args(
            kernel_size, stride, padding, 1, "AvgPool2d")
        self.count_include_pad = count_include_pad

    def forward(self, x):
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.count_include_pad)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

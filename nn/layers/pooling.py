"""Max and average pooling over strided window views of the input.

Max pooling routes each window's gradient to a single winner (chosen by
PyTorch's rule: the first maximum, or the last NaN) through a `GatherFlat`
node named as PyTorch's; padding never wins.  Average pooling is a mean
over the axes of `autograd.ops.window.Unfold`'s windows; with
``count_include_pad=True`` (PyTorch's default) padded zeros count in the
divisor.

``ceil_mode=True`` rounds the output size up, as PyTorch does: one more
window whenever a partial one still starts inside the input or its left
padding.  The partial window reads past the right padding, so the input is
padded further on the right (-inf for max, 0 for average, where that extra
region never counts in the divisor).
"""
import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.ops.window import WinnerGather, unfold, windows_of

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


def _ceil_extra(size, k, s, p, d, ceil_mode):
    """Extra right padding one axis needs for ``ceil_mode`` (0 without it)."""
    if not ceil_mode:
        return 0
    span = size + 2 * p - d * (k - 1) - 1
    out = -(-span // s) + 1
    if (out - 1) * s >= size + p:  # the last window would start in the right padding
        out -= 1
    return max(0, (out - 1) * s + d * (k - 1) + 1 - (size + 2 * p))


def _extras(x, k, s, p, d, ceil_mode):
    h, w = x.shape[-2:]
    return (_ceil_extra(h, k[0], s[0], p[0], d[0], ceil_mode),
            _ceil_extra(w, k[1], s[1], p[1], d[1], ceil_mode))


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


def _windows(x, k, s, p, d, extra, name):
    """(N, C, KH, KW, OH, OW) windows of an (N, C, H, W) or (C, H, W) input
    zero-padded by ``p`` and further by ``extra`` on the right (ceil_mode)."""
    _check_pool_input(x, k, p, d, name)
    x4 = x if x.ndim == 4 else x.unsqueeze(0)
    if p != (0, 0) or extra != (0, 0):
        x4 = ag.pad(x4, (p[1], p[1] + extra[1], p[0], p[0] + extra[0]))
    return unfold(x4, k, s, d)


class MaxPool2DWithIndices(WinnerGather):
    """The max-pool node: a `WinnerGather` of the winners under the name
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


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
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
    eh, ew = _extras(a, k, s, p, d, ceil_mode)
    if p != (0, 0) or eh or ew:
        a = np.pad(a, ((0, 0), (0, 0), (p[0], p[0] + eh), (p[1], p[1] + ew)),
                   constant_values=low)
    win = windows_of(a, k, s, d)  # (N, C, KH, KW, OH, OW) view
    arg, best = _first_max(win, k)
    if a.dtype.kind == "f" and best.size and np.isnan(best.max()):  # max: faster than isnan
        arg = _last_nan_or_first_max(win, k)
    oh, ow = best.shape[-2:]
    if (p != (0, 0) or eh or ew) and (best == low).any():
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


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Each window's mean.  The divisor is the window's size clipped to the
    padded input (``count_include_pad=True``), or its count of input
    elements (False), or ``divisor_override`` -- PyTorch's three rules."""
    k, s, p, d = _pool_args(kernel_size, stride, padding, 1, "avg_pool2d")
    if isinstance(input, Tensor) and input.dtype.kind != "f":
        raise DTypeError(f"avg_pool2d: input must be floating-point, got dtype {input.dtype}; "
                         "convert with .float()")
    if divisor_override is not None and (not isinstance(divisor_override, int)
                                         or isinstance(divisor_override, bool)
                                         or divisor_override == 0):
        raise ArgumentError(f"avg_pool2d: divisor_override must be a non-zero int, got "
                            f"{divisor_override!r}")
    _check_pool_input(input, k, p, d, "avg_pool2d")
    extra = _extras(input, k, s, p, d, ceil_mode)
    cols = _windows(input, k, s, p, d, extra, "avg_pool2d")
    if divisor_override is not None:
        out = cols.sum(dim=(2, 3)) / divisor_override
    elif extra == (0, 0) and (count_include_pad or p == (0, 0)):
        out = cols.mean(dim=(2, 3))
    else:
        out = cols.sum(dim=(2, 3)) / _divisors(input, k, s, p, extra, count_include_pad)
    return out.squeeze(0) if input.ndim == 3 else out


def _divisors(x, k, s, p, extra, count_include_pad):
    """How many elements of each window count: those inside the padded
    input (or, without count_include_pad, inside the input itself)."""
    h, w = x.shape[-2:]
    inside = np.ones((h + 2 * p[0], w + 2 * p[1]) if count_include_pad else (h, w), x.dtype)
    lo = (0, 0) if count_include_pad else p
    inside = np.pad(inside, ((lo[0], lo[0] + extra[0]), (lo[1], lo[1] + extra[1])))
    counts = windows_of(inside[None, None], k, s, (1, 1)).sum(axis=(2, 3))[0, 0]
    return ag.tensor(counts)


class MaxPool2d(Module):
    """2-D max pooling (``torch.nn.MaxPool2d``, same arguments and order)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size, self.stride, self.padding, self.dilation = _pool_args(
            kernel_size, stride, padding, dilation, "MaxPool2d")
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, x):
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """2-D average pooling (``torch.nn.AvgPool2d``, same arguments and order)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size, self.stride, self.padding, _ = _pool_args(
            kernel_size, stride, padding, 1, "AvgPool2d")
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, x):
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

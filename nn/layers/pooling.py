"""Max and average pooling over the windows of `autograd.ops.window.Unfold`.

Max pooling routes each window's gradient to a single winner (the first
maximum, as PyTorch), through the engine's ``max(dim)``; padding is -inf so
it can never win.  Average pooling is a mean over the window axes; with
``count_include_pad=True`` (PyTorch's default) padded zeros count in the
divisor.
"""
import numpy as np

import autograd as ag
from autograd.ops.window import unfold

from ..module import Module
from ._args import pair


def _pool_args(kernel_size, stride, padding, dilation, name):
    k = pair(kernel_size, "kernel_size", name, 1)
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else pair(stride, "stride", name, 1)
    p = pair(padding, "padding", name, 0)
    d = pair(dilation, "dilation", name, 1)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"{name}: padding {p} must be at most half the kernel size {k}")
    return k, s, p, d


def _windows(x, k, s, p, d, pad_value, name):
    """(N, C, KH*KW, OH, OW) windows of an (N, C, H, W) or (C, H, W) input."""
    if x.ndim not in (3, 4):
        raise ValueError(f"{name}: expected input (N, C, H, W) or (C, H, W), got {x.shape}")
    h, w = x.shape[-2:]
    for size, kk, pp, dd in ((h, k[0], p[0], d[0]), (w, k[1], p[1], d[1])):
        if dd * (kk - 1) + 1 > size + 2 * pp:
            raise ValueError(f"{name}: kernel {k} is larger than the padded input "
                             f"{(h + 2 * p[0], w + 2 * p[1])} (input shape {x.shape})")
    x4 = x if x.ndim == 4 else x.unsqueeze(0)
    if p != (0, 0):
        x4 = ag.pad(x4, (p[1], p[1], p[0], p[0]), value=pad_value)
    cols = unfold(x4, k, s, d)  # (N, C, KH, KW, OH, OW)
    n, c, kh, kw, oh, ow = cols.shape
    return cols, (n, c, kh * kw, oh, ow)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, return_indices=False):
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, "max_pool2d")
    cols, shape = _windows(input, k, s, p, d, -np.inf, "max_pool2d")
    values, indices = cols.reshape(shape).max(dim=2)
    if input.ndim == 3:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return (values, indices) if return_indices else values


def avg_pool2d(input, kernel_size, stride=None, padding=0, count_include_pad=True):
    k, s, p, d = _pool_args(kernel_size, stride, padding, 1, "avg_pool2d")
    cols, shape = _windows(input, k, s, p, d, 0.0, "avg_pool2d")
    if count_include_pad or p == (0, 0):
        out = cols.mean(dim=(2, 3))
    else:
        ones = ag.ones(1, 1, *input.shape[-2:], dtype=input.dtype)
        counts, _ = _windows(ones, k, s, p, d, 0.0, "avg_pool2d")
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

"""Sliding-window primitives for convolution and pooling.

`Unfold` turns a padded image batch ``(N, C, H, W)`` into its windows
``(N, C, KH, KW, OH, OW)`` -- a strided *view* of the input, so the forward
costs nothing until a consumer reads it.  Its adjoint `Fold` adds windows
back into an image with one strided slice-add per kernel offset (KH*KW
NumPy calls, never a loop over output pixels, never ``np.add.at``).  Each
is the other's backward, so convolution and pooling built from them
differentiate any number of times.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..function import Function


def out_size(size, k, stride, pad, dil):
    return (size + 2 * pad - dil * (k - 1) - 1) // stride + 1


def _windows(x, kernel, stride, dilation):
    n, c, h, w = x.shape
    kh, kw = kernel
    sh, sw = stride
    dh, dw = dilation
    oh = (h - dh * (kh - 1) - 1) // sh + 1
    ow = (w - dw * (kw - 1) - 1) // sw + 1
    s0, s1, s2, s3 = x.strides
    return as_strided(x, (n, c, kh, kw, oh, ow),
                      (s0, s1, s2 * dh, s3 * dw, s2 * sh, s3 * sw), writeable=False)


class Unfold(Function):
    """Windows of an (already padded) image: (N, C, KH, KW, OH, OW)."""
    __slots__ = ("_geom",)

    @staticmethod
    def forward(ctx, x, kernel, stride, dilation):
        ctx._geom = (x.shape, kernel, stride, dilation)
        return _windows(x, kernel, stride, dilation)

    @staticmethod
    def backward(ctx, g):
        shape, kernel, stride, dilation = ctx._geom
        return Fold.apply(g, shape, stride, dilation), None, None, None


class Fold(Function):
    """Sum windows (N, C, KH, KW, OH, OW) back into an image of ``shape``."""
    __slots__ = ("_geom",)

    @staticmethod
    def forward(ctx, cols, shape, stride, dilation):
        kh, kw = cols.shape[2:4]
        ctx._geom = ((kh, kw), stride, dilation)
        oh, ow = cols.shape[4:]
        sh, sw = stride
        dh, dw = dilation
        img = np.zeros(shape, dtype=cols.dtype)
        for i in range(kh):
            for j in range(kw):
                img[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                    j * dw:j * dw + sw * (ow - 1) + 1:sw] += cols[:, :, i, j]
        return img

    @staticmethod
    def backward(ctx, g):
        kernel, stride, dilation = ctx._geom
        return Unfold.apply(g, kernel, stride, dilation), None, None, None


def unfold(x, kernel, stride, dilation):
    return Unfold.apply(x, tuple(kernel), tuple(stride), tuple(dilation))

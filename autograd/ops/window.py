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
        # Accumulate in the memory order the columns arrive in: when channels
        # are the outer axis of ``cols`` (conv's layout), a (C, N, H, W)
        # buffer makes every slice-add stream through both arrays in step.
        channel_major = cols.strides[1] > cols.strides[0]
        if channel_major:
            img = np.zeros((shape[1], shape[0]) + tuple(shape[2:]), dtype=cols.dtype)
            src = cols.transpose(1, 0, 2, 3, 4, 5)
        else:
            img, src = np.zeros(shape, dtype=cols.dtype), cols
        for i in range(kh):
            for j in range(kw):
                img[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                    j * dw:j * dw + sw * (ow - 1) + 1:sw] += src[:, :, i, j]
        return img.transpose(1, 0, 2, 3) if channel_major else img

    @staticmethod
    def backward(ctx, g):
        kernel, stride, dilation = ctx._geom
        return Unfold.apply(g, kernel, stride, dilation), None, None, None


def unfold(x, kernel, stride, dilation):
    return Unfold.apply(x, tuple(kernel), tuple(stride), tuple(dilation))


def windows_of(x, kernel, stride, dilation):
    """The (N, C, KH, KW, OH, OW) strided view of an array (no graph)."""
    return _windows(x, kernel, stride, dilation)


class GatherFlat(Function):
    """``x.reshape(-1)[flat]``: pick elements by flat position (pooling
    winners).  ``unique`` says no position is picked twice, which lets the
    adjoint scatter assign instead of accumulate."""
    __slots__ = ("_in_shape", "_flat", "_unique")

    @staticmethod
    def forward(ctx, x, flat, unique):
        ctx._in_shape, ctx._flat, ctx._unique = x.shape, flat, unique
        return x.reshape(-1)[flat]

    @staticmethod
    def backward(ctx, g):
        return ScatterFlat.apply(g, ctx._flat, ctx._in_shape, ctx._unique), None, None


class ScatterFlat(Function):
    """Zeros of ``shape`` with ``g`` added at the flat positions."""
    __slots__ = ("_flat", "_unique")

    @staticmethod
    def forward(ctx, g, flat, shape, unique):
        ctx._flat, ctx._unique = flat, unique
        size = int(np.prod(shape))
        if unique:
            out = np.zeros(size, dtype=g.dtype)
            out[flat.ravel()] = g.ravel()
        else:
            out = np.bincount(flat.ravel(), weights=g.ravel(), minlength=size).astype(g.dtype)
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return GatherFlat.apply(g, ctx._flat, ctx._unique), None, None, None

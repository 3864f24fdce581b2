"""Sliding-window primitives for convolution and pooling, in any number of
spatial dims (1-d and 2-d layers use two, 3-d ones three).

`Unfold` turns a padded image batch ``(N, C, H, W)`` into its windows
``(N, C, KH, KW, OH, OW)`` (or the same with the batch axis last; a volume
``(N, C, D, H, W)`` likewise into ``(N, C, KD, KH, KW, OD, OH, OW)``) -- a
strided *view* of the input, so the forward
costs nothing until a consumer reads it.  Its adjoint `Fold` adds windows
back into an image with one strided slice-add per kernel offset (KH*KW
NumPy calls, never a loop over output pixels, never ``np.add.at``).  Each
is the other's backward, so convolution and pooling built from them
differentiate any number of times.
"""
import itertools

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..function import Function
from ..grad_mode import _state
from .zero_slope import ZeroSlope


def out_size(size, k, stride, dil):
    """How many windows of ``k`` taps (``dil`` apart) fit, ``stride`` apart,
    along an axis of ``size`` elements (padding included)."""
    return (size - dil * (k - 1) - 1) // stride + 1


def windows_of(x, kernel, stride, dilation, batch_last=False):
    """Strided window view of an array (no graph), for any number of spatial
    axes (``len(kernel)``): (N, C, *K, *O) of an (N, C, *S) image, or
    (C, *K, *O, N) of a (C, *S, N) one -- e.g. (N, C, KH, KW, OH, OW) in 2-d."""
    nd = len(kernel)
    if batch_last:
        lead, spatial, tail = x.shape[:1], x.shape[1:1 + nd], x.shape[1 + nd:]
        lead_st, sp_st, tail_st = x.strides[:1], x.strides[1:1 + nd], x.strides[1 + nd:]
    else:
        lead, spatial, tail = x.shape[:2], x.shape[2:], ()
        lead_st, sp_st, tail_st = x.strides[:2], x.strides[2:], ()
    outs = tuple(out_size(n, k, s, d) for n, k, s, d in zip(spatial, kernel, stride, dilation))
    tap_st = tuple(st * d for st, d in zip(sp_st, dilation))
    win_st = tuple(st * s for st, s in zip(sp_st, stride))
    return as_strided(x, lead + tuple(kernel) + outs + tail,
                      lead_st + tap_st + win_st + tail_st, writeable=False)


def kernel_offsets(kernel, stride, dilation, outs):
    """Each kernel offset (in C order, so enumerating gives the flat tap
    index) with the strided slices of the image its taps cover."""
    axes = [[slice(i * d, i * d + s * (o - 1) + 1, s) for i in range(k)]
            for k, s, d, o in zip(kernel, stride, dilation, outs)]
    return zip(itertools.product(*map(range, kernel)), itertools.product(*axes))


class Unfold(Function):
    """Windows of an (already padded) image; see `windows_of` for the two
    layouts.  Convolution uses the batch-last one: its (OW, N) rows are long
    contiguous runs, which is what both the im2col copy and Fold's adds are
    bound by (NumPy pays per inner row, and OW alone is often ~14)."""
    __slots__ = ("_geom",)

    @staticmethod
    def forward(ctx, x, kernel, stride, dilation, batch_last):
        ctx._geom = (x.shape, kernel, stride, dilation, batch_last)
        return windows_of(x, kernel, stride, dilation, batch_last)

    @staticmethod
    def backward(ctx, g):
        shape, kernel, stride, dilation, batch_last = ctx._geom
        return Fold.apply(g, shape, stride, dilation, batch_last), None, None, None, None


class Fold(Function):
    """Sum windows back into an image of ``shape`` (the adjoint of Unfold)."""
    __slots__ = ("_geom",)

    @staticmethod
    def forward(ctx, cols, shape, stride, dilation, batch_last):
        nd = len(stride)
        first = 1 if batch_last else 2
        kernel, outs = cols.shape[first:first + nd], cols.shape[first + nd:first + 2 * nd]
        ctx._geom = (kernel, stride, dilation, batch_last)
        img = np.zeros(shape, dtype=cols.dtype)
        lead = (slice(None),) * first
        for tap, taps in kernel_offsets(kernel, stride, dilation, outs):
            img[lead + taps] += cols[lead + tap]
        return img

    @staticmethod
    def backward(ctx, g):
        kernel, stride, dilation, batch_last = ctx._geom
        return Unfold.apply(g, kernel, stride, dilation, batch_last), None, None, None, None


def unfold(x, kernel, stride, dilation, batch_last=False):
    return Unfold.apply(x, tuple(kernel), tuple(stride), tuple(dilation), batch_last)


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


class WinnerGather(GatherFlat):
    """A `GatherFlat` whose positions were chosen by comparing ``x``'s values
    (max pooling).  The gradient does not vary with those values, but it
    depends on them, and PyTorch records that: after ``grad(...,
    create_graph=True)`` a second ``grad`` gives zeros for ``x`` rather
    than an "unused input" error.  So ``x`` is saved (in-place changes to it
    before backward are caught, as in PyTorch) and, only while a graph of
    the backward is being built, joined to its gradient with zero slope."""
    __slots__ = ()
    _save_inputs = (0,)

    @staticmethod
    def backward(ctx, g):
        dx = ScatterFlat.apply(g, ctx._flat, ctx._in_shape, ctx._unique)
        x, = ctx.saved_tensors
        if _state.enabled and x._rg:
            dx = dx + ZeroSlope.apply(np.zeros((), dx._data.dtype), x)
        return dx, None, None


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

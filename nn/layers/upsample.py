"""``interpolate``/``Upsample``: nearest and (bi)linear resizing.

Both are separable: each spatial axis is resized on its own by gathering
source positions (`GatherFlat`, whose adjoint scatter-adds), linear modes
blending the two neighbours of each source coordinate.  Source coordinates
follow PyTorch: nearest takes ``floor(dst * scale)`` (in float32, as
PyTorch's kernel does); linear maps pixel centres
(``(dst + 0.5) * scale - 0.5``, clamped at 0) or, with
``align_corners=True``, corners (``dst * (in - 1) / (out - 1)``).  ``scale``
is ``1 / scale_factor`` when a scale factor is given (unless
``recompute_scale_factor``) and ``in / out`` otherwise.
"""
import math

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.ops.window import GatherFlat

from autograd.errors import ArgumentError, DTypeError
from .._checks import not_tensor
from ..module import Module
from ._args import _is_int

_LINEAR = {"linear": 3, "bilinear": 4}  # mode -> the input rank it needs


def _take(x, idx, axis):
    """``x`` indexed by ``idx`` along ``axis``, differentiably."""
    flat = np.take(np.arange(x._data.size).reshape(x.shape), idx, axis=axis)
    return GatherFlat.apply(x, flat, len(np.unique(idx)) == len(idx))


def _per_axis(value, k, name):
    if isinstance(value, (tuple, list)):
        if len(value) != k:
            raise ArgumentError(f"interpolate: {name} must have {k} entries for {k} spatial "
                                f"dims, got {tuple(value)}")
        return tuple(value)
    return (value,) * k


def _sizes(x, size, scale_factor, recompute):
    """(output sizes, scales) per spatial axis; a scale is None where
    PyTorch derives it from the sizes."""
    k = x.ndim - 2
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor, got "
                         f"size={size!r}, scale_factor={scale_factor!r}")
    if size is not None:
        out = _per_axis(size, k, "size")
        if not all(_is_int(s) and s > 0 for s in out):
            raise ArgumentError(f"interpolate: size must be positive ints, got {size!r}")
        return tuple(int(s) for s in out), (None,) * k
    factors = _per_axis(scale_factor, k, "scale_factor")
    if not all(isinstance(f, (int, float)) and f > 0 for f in factors):
        raise ArgumentError(f"interpolate: scale_factor must be positive, got {scale_factor!r}")
    out = tuple(math.floor(n * f) for n, f in zip(x.shape[2:], factors))
    if min(out) < 1:
        raise ArgumentError(f"interpolate: scale_factor {scale_factor!r} gives an empty output "
                            f"{out} for input {x.shape}")
    return out, (None,) * k if recompute else tuple(1.0 / f for f in factors)


def _nearest(x, axis, n_out, scale):
    n_in = x.shape[axis]
    s = np.float32(n_in) / np.float32(n_out) if scale is None else np.float32(scale)
    src = np.minimum(np.floor(np.arange(n_out, dtype=np.float32) * s).astype(np.int64), n_in - 1)
    return _take(x, src, axis)


def _linear(x, axis, n_out, scale, align_corners):
    n_in = x.shape[axis]
    dst = np.arange(n_out, dtype=np.float64)
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1)) if n_out > 1 else np.zeros(n_out)
    else:
        s = n_in / n_out if scale is None else scale
        src = np.maximum((dst + 0.5) * s - 0.5, 0.0)
    lo = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    hi = np.minimum(lo + 1, n_in - 1)
    shape = [1] * x.ndim
    shape[axis] = n_out
    lam = ag.tensor((src - lo).reshape(shape).astype(x.dtype))
    return _take(x, lo, axis) * (1 - lam) + _take(x, hi, axis) * lam


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """``torch.nn.functional.interpolate`` for modes 'nearest' (any of 1-3
    spatial dims), 'linear' (N, C, L) and 'bilinear' (N, C, H, W)."""
    if not isinstance(input, Tensor):
        raise not_tensor("interpolate", "input", 1, input)
    if mode != "nearest" and mode not in _LINEAR:
        raise NotImplementedError(f"interpolate: mode={mode!r} is not implemented; use "
                                  "'nearest', 'linear' or 'bilinear'")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not implemented")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("interpolate: align_corners can only be set with the interpolating "
                         "modes (linear, bilinear), not mode='nearest'")
    if input.ndim not in (3, 4, 5):
        raise NotImplementedError(f"interpolate: expected a 3-D, 4-D or 5-D (N, C, spatial...) "
                                  f"input, got shape {input.shape}")
    sizes, scales = _sizes(input, size, scale_factor, recompute_scale_factor)
    if mode in _LINEAR and input.ndim != _LINEAR[mode]:
        raise NotImplementedError(f"interpolate: mode={mode!r} needs a {_LINEAR[mode]}-D "
                                  f"(N, C, spatial...) input, got shape {input.shape}")
    if mode in _LINEAR and input.dtype.kind != "f":
        raise DTypeError(f"interpolate: mode={mode!r} needs a floating-point input, got "
                         f"{input.dtype}")
    out = input
    for i, (n_out, scale) in enumerate(zip(sizes, scales)):
        if mode == "nearest":
            out = _nearest(out, 2 + i, n_out, scale)
        else:
            out = _linear(out, 2 + i, n_out, scale, bool(align_corners))
    return out


class Upsample(Module):
    """Resizing layer (``torch.nn.Upsample``); see `interpolate`."""

    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.size, self.scale_factor, self.mode = size, scale_factor, mode
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, x):
        return interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners,
                           self.recompute_scale_factor)

    def extra_repr(self):
        what = f"size={self.size}" if self.size is not None else \
            f"scale_factor={self.scale_factor}"
        return f"{what}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest 2-D upsampling (``torch.nn.UpsamplingNearest2d``)."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, "nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear 2-D upsampling with aligned corners (``torch.nn.UpsamplingBilinear2d``)."""

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, "bilinear", align_corners=True)

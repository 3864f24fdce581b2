"""Inverted dropout: ``dropout``/``Dropout`` and the channel-wise
``dropout2d``/``Dropout2d``.

In training each element (or each whole channel) is kept with probability
``1 - p`` and the kept ones are scaled by ``1 / (1 - p)``, so the expected
activation equals the input and evaluation needs no rescaling -- it is the
identity.  The mask is a constant array multiplied in with one engine op,
so the gradient is the same mask times the incoming gradient (and the
second derivative is zero, as it should be for a linear map).

The mask is drawn from the library's generator
(``autograd.factories.generator()``), so ``autograd.manual_seed`` makes it
reproducible.
"""
import numbers

import numpy as np

import autograd as ag

from autograd.errors import ArgumentError, DTypeError
from ..module import Module
from .activation import _apply, _tensor


def _check_p(p, fn):
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"{fn}: dropout probability p must be a number, got p={p!r}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{fn}: dropout probability p must be between 0 and 1, got p={p!r}")
    return float(p)


def _mask(shape, p, dtype):
    """Keep-mask with the inverted-dropout scale folded in: 0 or 1/(1-p)."""
    if p == 1.0:
        return np.zeros(shape, dtype=dtype)
    # float32 draws: half the cost of float64 and ample resolution for p
    keep = ag.factories.generator().random(shape, dtype=np.float32) >= p
    return np.multiply(keep, dtype.type(1.0 / (1.0 - p)), dtype=dtype)


def _masked(x, p, mask_shape, inplace, fn):
    if x.dtype.kind != "f":
        raise DTypeError(f"{fn}: input must be floating-point, got dtype {x.dtype}")
    mask = _mask(mask_shape, p, x.dtype)
    return _apply(x, lambda t: t * mask, inplace)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by
    ``1/(1-p)`` (training); return ``input`` unchanged otherwise."""
    p = _check_p(p, "dropout")
    x = _tensor(input, "dropout")
    if not training or p == 0.0:
        return x
    return _masked(x, p, x.shape, inplace, "dropout")


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an (N, C, H, W) or (C, H, W) input.

    Neighbouring pixels of a feature map are strongly correlated, so
    dropping single pixels barely regularizes a conv net; dropping a whole
    channel does (Tompson et al., 2015)."""
    p = _check_p(p, "dropout2d")
    x = _tensor(input, "dropout2d")
    if x.ndim not in (3, 4):
        raise ArgumentError(f"dropout2d: expected input (N, C, H, W) or (C, H, W), got shape "
                            f"{x.shape}; use dropout for element-wise dropout")
    if not training or p == 0.0:
        return x
    mask_shape = x.shape[:-2] + (1, 1)
    return _masked(x, p, mask_shape, inplace, "dropout2d")


class _DropoutNd(Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p = _check_p(p, type(self).__name__)
        self.inplace = inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Element-wise inverted dropout in training mode, identity in eval
    mode (``model.eval()``)."""

    def forward(self, input):
        return dropout(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Channel-wise inverted dropout for (N, C, H, W) or (C, H, W) input in
    training mode, identity in eval mode."""

    def forward(self, input):
        return dropout2d(input, self.p, self.training, self.inplace)

"""The other dropouts of ``torch.nn.functional``: channel-wise ``dropout1d``
and ``dropout3d``, and the self-normalizing ``alpha_dropout`` and
``feature_alpha_dropout`` meant for SELU networks -- with their modules.

Like `dropout`, each draws a constant mask from the library's generator
(so ``autograd.manual_seed`` reproduces it) and applies it with engine
ops; the result is linear in the input, so the gradient is the mask times
the incoming gradient.

Alpha dropout sets dropped units to SELU's negative saturation value
``-scale * alpha`` instead of 0, then applies the affine map ``a x + b``
that restores zero mean and unit variance for standardized input
(Klambauer et al., 2017):  with keep probability q = 1 - p,
``a = 1 / sqrt(q (1 + p alpha'^2))`` and ``b = a alpha' p`` where
``alpha' = scale * alpha``; a dropped unit becomes ``-a alpha' q``.
"""
import warnings

import numpy as np

import autograd as ag

from autograd.errors import ArgumentError, DTypeError
from .activation import _apply, _tensor
from .activation_extra import SELU_ALPHA, SELU_SCALE
from .dropout import _check_p, _DropoutNd, _masked

_ALPHA_PRIME = SELU_ALPHA * SELU_SCALE   # 1.7580993408473766


def _keep(shape, p):
    """Bool array: True with probability 1 - p."""
    return ag.factories.generator().random(shape, dtype=np.float32) >= p


def _channel_mask_shape(shape, batched):
    """One mask entry per (sample, channel): the spatial dims are 1.  An
    unbatched input's first dim is the channel."""
    lead = 2 if batched else 1
    return shape[:lead] + (1,) * (len(shape) - lead)


def _channel_dropout(input, p, training, inplace, fn, dims):
    """Zero whole channels of an input with ``dims`` (unbatched, batched)
    dimensions; the zeroed channels are the same across the spatial dims."""
    p = _check_p(p, fn)
    x = _tensor(input, fn)
    if x.ndim not in dims:
        raise ArgumentError(f"{fn}: expected {dims[0]}-D or {dims[1]}-D input (an optional "
                            f"batch dim, a channel dim and {dims[0] - 1} spatial dims), but "
                            f"received a {x.ndim}-D input of shape {x.shape}")
    if not training or p == 0.0:
        return x
    mask_shape = _channel_mask_shape(x.shape, x.ndim == dims[1])
    return _masked(x, p, mask_shape, inplace, fn)


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an (N, C, L) or (C, L) input, each with
    probability ``p``, and scale the rest by ``1 / (1 - p)`` (training)."""
    return _channel_dropout(input, p, training, inplace, "dropout1d", (2, 3))


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of an (N, C, D, H, W) or (C, D, H, W) input, each
    with probability ``p``, and scale the rest by ``1 / (1 - p)``.

    Other ranks are accepted with PyTorch's deprecation warning and treated
    as unbatched (the first dim is the channel)."""
    _check_p(p, "dropout3d")
    x = _tensor(input, "dropout3d")
    if x.ndim not in (4, 5) and x.ndim >= 1:
        warnings.warn(f"dropout3d: received a {x.ndim}-D input, which PyTorch deprecates; "
                      "dropout3d is for (N, C, D, H, W) or (C, D, H, W) input -- use dropout "
                      "for element-wise dropout", UserWarning, stacklevel=2)
        return _channel_dropout(x, p, training, inplace, "dropout3d", (x.ndim, x.ndim + 1))
    return _channel_dropout(x, p, training, inplace, "dropout3d", (4, 5))


def _alpha(input, p, training, inplace, fn, mask_shape_of):
    p = _check_p(p, fn)
    x = _tensor(input, fn)
    if x.dtype.kind != "f":
        raise DTypeError(f"{fn}: input must be floating-point, got dtype {x.dtype}")
    if not training or p == 0.0:
        return x
    if p == 1.0:        # nothing kept: PyTorch returns zeros (a would be infinite)
        return _apply(x, lambda t: t * x.dtype.type(0), inplace)
    keep = _keep(mask_shape_of(x), p)
    a = 1.0 / np.sqrt((1.0 - p) * (1.0 + p * _ALPHA_PRIME ** 2))
    scale = (keep * a).astype(x.dtype)
    shift = np.where(keep, a * _ALPHA_PRIME * p, -a * _ALPHA_PRIME * (1.0 - p)).astype(x.dtype)
    return _apply(x, lambda t: t * scale + shift, inplace)


def _feature_shape(x):
    if x.ndim < 2:
        raise ArgumentError(f"feature_alpha_dropout: feature dropout requires at least 2 "
                            f"dimensions in the input (N, C, ...), got shape {x.shape}")
    return x.shape[:2] + (1,) * (x.ndim - 2)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout for SELU networks: keeps mean and variance of
    standardized input.  Note PyTorch's default ``training=False``."""
    return _alpha(input, p, training, inplace, "alpha_dropout", lambda x: x.shape)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Alpha dropout of whole channels of an (N, C, ...) input."""
    return _alpha(input, p, training, inplace, "feature_alpha_dropout", _feature_shape)


class Dropout1d(_DropoutNd):
    """Channel-wise dropout for (N, C, L) or (C, L) input in training mode,
    identity in eval mode."""

    def forward(self, input):
        return dropout1d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Channel-wise dropout for (N, C, D, H, W) or (C, D, H, W) input in
    training mode, identity in eval mode."""

    def forward(self, input):
        return dropout3d(input, self.p, self.training, self.inplace)


class AlphaDropout(_DropoutNd):
    """Module form of `alpha_dropout`, active in training mode."""

    def forward(self, input):
        return alpha_dropout(input, self.p, self.training, self.inplace)


class FeatureAlphaDropout(_DropoutNd):
    """Module form of `feature_alpha_dropout`, active in training mode."""

    def forward(self, input):
        return feature_alpha_dropout(input, self.p, self.training, self.inplace)

"""``RMSNorm`` / ``F.rms_norm`` (Zhang & Sennrich, 2019), the norm of
LLaMA-style transformers: ``x / sqrt(mean(x^2) + eps) * weight`` over the
trailing ``normalized_shape`` dims -- LayerNorm without the centring or the
bias.  ``eps=None`` means the input dtype's machine epsilon, as in PyTorch.
Composed from engine ops, so its gradients (and second gradients) come
from the engine.
"""
import numpy as np

import autograd as ag
from autograd._args import device_arg
from autograd.errors import ArgumentError

from .._checks import real_arg
from ..init import ones_
from ..module import Module
from ..parameter import Parameter
from .normalization import _check_floating, _check_param, _shape_arg


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Root-mean-square normalization over the trailing dims, times ``weight``."""
    where = "rms_norm"
    _check_floating(where, input)
    shape = _shape_arg(normalized_shape, where)
    k = len(shape)
    if k == 0 or input.ndim < k or input.shape[input.ndim - k:] != shape:
        raise ArgumentError(f"{where}: normalized_shape={list(shape)} expects input of shape "
                            f"(*, {', '.join(map(str, shape))}), got {input.shape}")
    _check_param(where, "weight", 3, weight, shape, input.dtype)
    eps = float(np.finfo(input.dtype).eps) if eps is None else real_arg(eps, "eps", where)
    dims = tuple(range(input.ndim - k, input.ndim))
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight


class RMSNorm(Module):
    """Module form of `rms_norm`; ``weight`` (ones) when ``elementwise_affine``."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True, device=None,
                 dtype=None):
        super().__init__()
        if device is not None:
            device_arg(device, "RMSNorm")
        self.normalized_shape = _shape_arg(normalized_shape, "RMSNorm")
        self.eps = None if eps is None else real_arg(eps, "eps", "RMSNorm")
        self.elementwise_affine = elementwise_affine
        self.weight = (Parameter(ag.ones(*self.normalized_shape, dtype=dtype))
                       if elementwise_affine else None)

    def reset_parameters(self):
        if self.weight is not None:
            ones_(self.weight)

    def forward(self, input):
        return rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")

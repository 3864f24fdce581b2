"""BatchNorm3d (and its lazy form), local response normalization, channel
shuffle, and the deprecated ``upsample*`` aliases of ``interpolate``.

``local_response_norm`` is AlexNet's: each value is divided by
``(k + alpha * mean of the squares over `size` neighbouring channels) ** beta``,
where the neighbourhood reaches ``size // 2`` channels back and
``(size - 1) // 2`` forward, zero-padded at the ends, and the mean always
divides by ``size`` (PyTorch pools the squares with padded zeros counted).
It is a composition of engine ops, so it differentiates any number of times.
"""
import warnings

import autograd as ag
from autograd import Tensor

from autograd.errors import ArgumentError
from .._checks import not_tensor, real_arg, size_arg
from ..module import Module
from .batchnorm import _BatchNorm
from .lazy import _LazyBatchNorm
from .upsample import interpolate


class BatchNorm3d(_BatchNorm):
    """Batch normalization over (N, C, D, H, W) inputs (``torch.nn.BatchNorm3d``)."""
    _ranks = (5,)
    _layout = "(N, {C}, D, H, W)"


class LazyBatchNorm3d(_LazyBatchNorm):
    """A BatchNorm3d whose num_features is dim 1 of the first input."""
    cls_to_become = BatchNorm3d


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """``torch.nn.functional.local_response_norm``: normalization across
    neighbouring channels of an (N, C, ...) input (3-D or more)."""
    name = "local_response_norm"
    if not isinstance(input, Tensor):
        raise not_tensor(name, "input", 1, input)
    size = size_arg(size, "size", name, 1)
    for arg, value in (("alpha", alpha), ("beta", beta), ("k", k)):
        real_arg(value, arg, name)
    if input.ndim < 3:
        raise ArgumentError(f"{name}: expected 3D or higher dimensionality input (N, C, ...), "
                            f"got {input.ndim} dimensions (shape {input.shape})")
    if input.numel() == 0:
        return input
    channels = input.shape[1]
    widths = (0, 0) * (input.ndim - 2) + (size // 2, (size - 1) // 2)
    squares = ag.pad(input * input, widths)
    total = squares[:, 0:channels]
    for i in range(1, size):
        total = total + squares[:, i:i + channels]
    return input / (total * (alpha / size) + k).pow(beta)


class LocalResponseNorm(Module):
    """Local response normalization across channels (``torch.nn.LocalResponseNorm``)."""

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        name = "LocalResponseNorm"
        self.size = size_arg(size, "size", name, 1)
        self.alpha, self.beta, self.k = (real_arg(alpha, "alpha", name),
                                         real_arg(beta, "beta", name), real_arg(k, "k", name))

    def forward(self, input):
        return local_response_norm(input, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"


def channel_shuffle(input, groups):
    """``torch.nn.functional.channel_shuffle`` (ShuffleNet): split the C
    channels into ``groups`` groups and interleave them; input (N, C, *)."""
    name = "channel_shuffle"
    if not isinstance(input, Tensor):
        raise not_tensor(name, "input", 1, input)
    groups = size_arg(groups, "groups", name, 1)
    if input.ndim <= 2:
        raise ArgumentError(f"{name}: expects input with > 2 dims (N, C, *), but got input of "
                            f"shape {input.shape}")
    n, c = input.shape[:2]
    if c % groups:
        raise ArgumentError(f"{name}: number of channels must be divisible by groups. Got {c} "
                            f"channels and {groups} groups (input shape {input.shape})")
    rest = input.shape[2:]
    return input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(input.shape)


class ChannelShuffle(Module):
    """Interleave channel groups (``torch.nn.ChannelShuffle``)."""

    def __init__(self, groups):
        super().__init__()
        self.groups = size_arg(groups, "groups", "ChannelShuffle", 1)

    def forward(self, input):
        return channel_shuffle(input, self.groups)

    def extra_repr(self):
        return f"groups={self.groups}"


def _deprecated(name):
    warnings.warn(f"`nn.functional.{name}` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", UserWarning, stacklevel=3)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of ``interpolate`` (warns, as PyTorch does)."""
    _deprecated("upsample")
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(mode='nearest')`` (warns, as PyTorch does)."""
    _deprecated("upsample_nearest")
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(mode='bilinear', align_corners=True)``
    (warns, as PyTorch does)."""
    _deprecated("upsample_bilinear")
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)

"""``PixelShuffle`` / ``PixelUnshuffle`` (Shi et al., 2016, sub-pixel
convolution): move ``r * r`` channels into an ``r``-times larger image and
back.  One reshape, one permute and one reshape each, so each is a view
composition whose gradient is the other one.
"""
from autograd.errors import ArgumentError

from .._checks import not_tensor, size_arg
from ..module import Module
import autograd as ag


def _check(input, where, factor):
    if not isinstance(input, ag.Tensor):
        raise not_tensor(where, "input", 1, input)
    if input.ndim < 3:
        raise ArgumentError(f"{where}: expected an input (*, C, H, W) with at least 3 dims, "
                            f"got shape {input.shape}")
    return size_arg(factor, "factor", where, 1)


def pixel_shuffle(input, upscale_factor):
    """(*, C r^2, H, W) -> (*, C, H r, W r)."""
    r = _check(input, "pixel_shuffle", upscale_factor)
    *batch, c, h, w = input.shape
    if c % (r * r):
        raise ArgumentError(f"pixel_shuffle: the channel count {c} (input shape {input.shape}) "
                            f"must be divisible by upscale_factor^2 = {r * r}")
    nb = len(batch)
    x = input.reshape(*batch, c // (r * r), r, r, h, w)
    x = x.permute(*range(nb), nb, nb + 3, nb + 1, nb + 4, nb + 2)
    return x.reshape(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H r, W r) -> (*, C r^2, H, W)."""
    r = _check(input, "pixel_unshuffle", downscale_factor)
    *batch, c, h, w = input.shape
    if h % r or w % r:
        raise ArgumentError(f"pixel_unshuffle: height {h} and width {w} (input shape "
                            f"{input.shape}) must be divisible by downscale_factor = {r}")
    nb = len(batch)
    x = input.reshape(*batch, c, h // r, r, w // r, r)
    x = x.permute(*range(nb), nb, nb + 2, nb + 4, nb + 1, nb + 3)
    return x.reshape(*batch, c * r * r, h // r, w // r)


class PixelShuffle(Module):
    """Module form of `pixel_shuffle`."""

    def __init__(self, upscale_factor):
        super().__init__()
        self.upscale_factor = size_arg(upscale_factor, "upscale_factor", "PixelShuffle", 1)

    def forward(self, input):
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """Module form of `pixel_unshuffle`."""

    def __init__(self, downscale_factor):
        super().__init__()
        self.downscale_factor = size_arg(downscale_factor, "downscale_factor",
                                         "PixelUnshuffle", 1)

    def forward(self, input):
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"

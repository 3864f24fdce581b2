"""3-D convolution: `conv_nd` and `_ConvNd` (conv2d's window view and GEMM)
with three spatial axes.

A volume (N, C, D, H, W) is unfolded into (C, KD, KH, KW, OD, OH, OW, N)
windows -- a strided view -- and one GEMM with the (O, C*KD*KH*KW) weight
matrix makes the output; the backward is two GEMMs and a `Fold` with one
strided add per kernel offset.  All engine ops, so it differentiates twice.
"""
from .conv import _ConvNd, conv_nd
from .lazy import _LazyConvNd


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.functional.conv3d``: input (N, C, D, H, W) or (C, D, H, W),
    weight (O, C/groups, KD, KH, KW); ``padding`` an int, a triple,
    ``'valid'`` or ``'same'`` (output size = input size; stride must be 1)."""
    return conv_nd(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


class Conv3d(_ConvNd):
    """3-D convolution (``torch.nn.Conv3d``, same arguments and order):
    weight (out_channels, in_channels/groups, kD, kH, kW), PyTorch's init
    (kaiming-uniform with a=sqrt(5); bias uniform in +-1/sqrt(fan_in)), and
    every padding_mode ('zeros', 'reflect', 'replicate', 'circular')."""
    _nd = 3
    _functional = staticmethod(conv3d)


class LazyConv3d(_LazyConvNd):
    """``LazyConv3d(out_channels, kernel_size, ...)``: a Conv3d whose
    in_channels is the channel dim of the first input."""
    cls_to_become = Conv3d

"""3-D max and average pooling: `max_pool` and `avg_pool` (the 2-d ones'
rules) over the windows of a volume (N, C, D, H, W) or (C, D, H, W).

The modules are the 2-d ones' classes with three spatial dims.
"""
from autograd.ops.window import WinnerGather

from .pooling import _AvgPoolNd, _MaxPoolNd, _pool_args, avg_pool, max_pool


class MaxPool3DWithIndices(WinnerGather):
    """The 3-d max-pool node (named as PyTorch's): gathers the winners."""
    __slots__ = ()


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """``torch.nn.functional.max_pool3d``: each window's first maximum (NaN
    wins, padding never does); ``indices`` are flat positions in each
    (D, H, W) volume of the input, as PyTorch returns them."""
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, "max_pool3d", 3)
    return max_pool(input, k, s, p, d, ceil_mode, return_indices, "max_pool3d",
                    MaxPool3DWithIndices)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """``torch.nn.functional.avg_pool3d``: each window's mean, with PyTorch's
    divisor rules (count_include_pad, divisor_override, ceil_mode)."""
    k, s, p, _ = _pool_args(kernel_size, stride, padding, 1, "avg_pool3d", 3)
    return avg_pool(input, k, s, p, ceil_mode, count_include_pad, divisor_override,
                    "avg_pool3d")


class MaxPool3d(_MaxPoolNd):
    """3-D max pooling (``torch.nn.MaxPool3d``, same arguments and order)."""
    _dims = 3
    _fn = staticmethod(max_pool3d)


class AvgPool3d(_AvgPoolNd):
    """3-D average pooling (``torch.nn.AvgPool3d``, same arguments and order)."""
    _dims = 3
    _fn = staticmethod(avg_pool3d)

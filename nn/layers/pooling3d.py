"""3-D max and average pooling: `max_pool` and `avg_pool` (the 2-d ones'
rules) over the windows of a volume (N, C, D, H, W) or (C, D, H, W).

The modules keep their arguments as given (``MaxPool3d(2).kernel_size ==
2``), as PyTorch's do, so their reprs read as PyTorch's.
"""
from autograd.ops.window import WinnerGather

from .pooling import _pool_args, avg_pool, max_pool
from ..module import Module


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


class MaxPool3d(Module):
    """3-D max pooling (``torch.nn.MaxPool3d``, same arguments and order)."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        _pool_args(kernel_size, stride, padding, dilation, "MaxPool3d", 3)  # refuse now
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x):
        return max_pool3d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class AvgPool3d(Module):
    """3-D average pooling (``torch.nn.AvgPool3d``, same arguments and order)."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        _pool_args(kernel_size, stride, padding, 1, "AvgPool3d", 3)  # refuse now
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x):
        return avg_pool3d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"

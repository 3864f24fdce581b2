"""1-d pooling, power-average pooling and max-unpooling.

Every 1-d pool is its 2-d counterpart on a unit-height image: the input
gets an axis of size 1 before the length (``x.unsqueeze(-2)``), the kernel,
stride, padding and dilation become ``(1, k)`` ... pairs, and the axis is
squeezed away again.  That keeps one window implementation (PyTorch's
winner rule, ``ceil_mode``, divisors) and makes a 1-d max-pool's flat
indices into the (1, L) plane exactly PyTorch's 1-d indices (positions
along L).  The checks run here first so a mistake is reported under the
1-d name with the caller's shapes.

``lp_pool*d`` is PyTorch's formula, ``(sum over the window of x**p) ** (1/p)``,
computed as an average pool of ``x**p`` times the window size.
``max_unpool*d`` puts each value back at the flat position its index names
in a zero output plane; its gradient gathers from those positions.
"""
import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.function import Function
from autograd.ops.window import GatherFlat

from autograd.errors import ArgumentError, DTypeError
from .._checks import not_tensor
from ..module import Module
from ._args import _is_int, pair
from .adaptive import adaptive_avg_pool2d, adaptive_max_pool2d
from .conv_more import _single
from .pooling import _AvgPoolNd, _MaxPoolNd, avg_pool2d, max_pool2d


# ------------------------------------------------------------ helpers
def _check_1d_input(x, name):
    """A Tensor of shape (N, C, L) or (C, L); the message names ``name``."""
    if not isinstance(x, Tensor):
        raise not_tensor(name, "input", 1, x)
    if x.ndim not in (2, 3):
        raise ArgumentError(f"{name}: expected input (N, C, L) or (C, L), got {x.shape}")


def _window_1d(x, k, s, p, d, ceil_mode, name):
    """Refuse padding over half the kernel and an empty output, as PyTorch."""
    if p > k // 2:
        raise ArgumentError(f"{name}: padding should be at most half of kernel size, but got "
                            f"padding={p} and kernel_size={k}")
    length = x.shape[-1]
    span = length + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and out > 1 and (out - 1) * s >= length + p:
        out -= 1
    if span < 0 or out < 1:
        raise ArgumentError(f"{name}: input of length {length} (shape {x.shape}) with "
                            f"kernel_size={k}, stride={s}, padding={p}, dilation={d} gives "
                            f"an empty output")


def _stride(stride, kernel, name):
    """PyTorch's default stride is the kernel size (None or an empty list)."""
    if stride is None or (isinstance(stride, (tuple, list)) and len(stride) == 0):
        return kernel
    return _single(stride, "stride", name, 1)


# ------------------------------------------------------------ max/avg
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """``torch.nn.functional.max_pool1d``: each window's maximum (first
    maximum; NaN wins); ``indices`` are positions along L, as PyTorch's."""
    name = "max_pool1d"
    k = _single(kernel_size, "kernel_size", name, 1)
    s = _stride(stride, k, name)
    p, d = _single(padding, "padding", name), _single(dilation, "dilation", name, 1)
    _check_1d_input(input, name)
    _window_1d(input, k, s, p, d, ceil_mode, name)
    out = max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode,
                     return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """``torch.nn.functional.avg_pool1d``: each window's mean, with padded
    zeros counted in the divisor unless ``count_include_pad=False``."""
    name = "avg_pool1d"
    k = _single(kernel_size, "kernel_size", name, 1)
    s = _stride(stride, k, name)
    p = _single(padding, "padding", name)
    _check_1d_input(input, name)
    if input.dtype.kind != "f":
        raise DTypeError(f"{name}: input must be floating-point, got dtype {input.dtype}; "
                         "convert with .float()")
    _window_1d(input, k, s, p, 1, ceil_mode, name)
    return avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode,
                      count_include_pad).squeeze(-2)


def _adaptive_size(output_size, name):
    if isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = output_size[0]
    if not _is_int(output_size):
        raise TypeError(f"{name}: output_size should contain one int, got {output_size!r}")
    if output_size < 1:
        raise ArgumentError(f"{name}: output_size must be positive, got {output_size}")
    return int(output_size)


def adaptive_avg_pool1d(input, output_size):
    """``torch.nn.functional.adaptive_avg_pool1d``: the mean of each of
    PyTorch's adaptive bins along L."""
    name = "adaptive_avg_pool1d"
    size = _adaptive_size(output_size, name)
    _check_1d_input(input, name)
    if input.shape[-1] == 0:
        raise ArgumentError(f"{name}: expected a non-empty length, got input {input.shape}")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """``torch.nn.functional.adaptive_max_pool1d``: the maximum of each
    adaptive bin; ``indices`` are positions along L."""
    name = "adaptive_max_pool1d"
    size = _adaptive_size(output_size, name)
    _check_1d_input(input, name)
    if input.shape[-1] == 0:
        raise ArgumentError(f"{name}: expected a non-empty length, got input {input.shape}")
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


# ------------------------------------------------------------ power average
def _check_norm_type(norm_type, name):
    if isinstance(norm_type, bool) or not isinstance(norm_type, (int, float)):
        raise TypeError(f"{name}: norm_type must be a number, got {norm_type!r}")
    if norm_type == 0:
        raise ArgumentError(f"{name}: norm_type must be non-zero, got {norm_type}")


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``torch.nn.functional.lp_pool1d``: each window's p-norm,
    ``(sum x**p) ** (1/p)`` (no absolute value, as in PyTorch)."""
    name = "lp_pool1d"
    _check_norm_type(norm_type, name)
    k = _single(kernel_size, "kernel_size", name, 1)
    _check_1d_input(input, name)
    out = avg_pool1d(input.pow(norm_type), k, stride, 0, ceil_mode)
    return (out * k).pow(1.0 / norm_type)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """``torch.nn.functional.lp_pool2d``: each window's p-norm over an
    (N, C, H, W) or (C, H, W) input."""
    name = "lp_pool2d"
    _check_norm_type(norm_type, name)
    kh, kw = pair(kernel_size, "kernel_size", name, 1)
    if not isinstance(input, Tensor):
        raise not_tensor(name, "input", 1, input)
    if input.ndim not in (3, 4):
        raise ArgumentError(f"{name}: expected input (N, C, H, W) or (C, H, W), got "
                            f"{input.shape}")
    if input.dtype.kind != "f":
        raise DTypeError(f"{name}: input must be floating-point, got dtype {input.dtype}")
    out = avg_pool2d(input.pow(norm_type), (kh, kw), stride, 0, ceil_mode)
    return (out * (kh * kw)).pow(1.0 / norm_type)


# ------------------------------------------------------------ unpooling
class MaxUnpool2D(Function):
    """Zeros with ``x`` written at flat positions (a later duplicate
    overwrites, as PyTorch's kernel does); the gradient gathers from every
    position, so each input gets the gradient of the cell it names."""
    __slots__ = ("_flat",)

    @staticmethod
    def forward(ctx, x, flat, shape):
        ctx._flat = flat
        out = np.zeros(int(np.prod(shape)), dtype=x.dtype)
        out[flat.ravel()] = x.ravel()
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return GatherFlat.apply(g, ctx._flat, False), None, None


def _tuple_arg(value, n, name, where, minimum):
    return (_single(value, name, where, minimum),) if n == 1 else pair(value, name, where,
                                                                       minimum)


def _unpool_sizes(x, k, s, p, output_size, name):
    """PyTorch's default output size per spatial axis, or ``output_size``
    (optionally with the leading N, C) when it lies within one stride."""
    n = len(k)
    default = tuple((x.shape[-n + i] - 1) * s[i] - 2 * p[i] + k[i] for i in range(n))
    if output_size is None:
        return default
    sizes = tuple(output_size)
    if len(sizes) == n + 2 or (len(sizes) == n + 1 and x.ndim == n + 1):
        sizes = sizes[-n:]
    if len(sizes) != n or not all(map(_is_int, sizes)):
        raise ArgumentError(f"{name}: output_size must have {n} or {n + 2} elements, got "
                            f"{list(output_size)}")
    for i, (size, base) in enumerate(zip(sizes, default)):
        if not base - s[i] <= size <= base + s[i]:
            raise ArgumentError(f"{name}: invalid output_size {list(output_size)} (dim {i} must "
                                f"be between {base - s[i]} and {base + s[i]}, given input "
                                f"{x.shape})")
    return tuple(int(v) for v in sizes)


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, n, name):
    k = _tuple_arg(kernel_size, n, "kernel_size", name, 1)
    s = k if stride is None else _tuple_arg(stride, n, "stride", name, 1)
    p = _tuple_arg(padding, n, "padding", name, 0)
    for arg, value in (("input", input), ("indices", indices)):
        if not isinstance(value, Tensor):
            raise not_tensor(name, arg, 1 if arg == "input" else 2, value)
    if input.ndim not in (n + 1, n + 2):
        raise ArgumentError(f"{name}: expected a {n + 1}-D or {n + 2}-D input, got "
                            f"{input.shape}")
    if indices.shape != input.shape:
        raise ArgumentError(f"{name}: indices shape {indices.shape} must match input shape "
                            f"{input.shape}")
    if indices.dtype.kind not in "iu":
        raise DTypeError(f"{name}: indices must be an integer (int64) tensor, got dtype "
                         f"{indices.dtype}")
    sizes = _unpool_sizes(input, k, s, p, output_size, name)
    plane = int(np.prod(sizes))
    idx = indices._data
    if idx.size and (idx.min() < 0 or idx.max() >= plane):
        bad = idx.max() if idx.max() >= plane else idx.min()
        raise ArgumentError(f"{name}: found an invalid max index {bad} (the output planes are "
                            f"of size {'x'.join(map(str, sizes))}"
                            f"{'x1' if n == 1 else ''})")
    lead = input.shape[:-n]
    flat = np.arange(int(np.prod(lead)), dtype=np.int64).reshape(lead + (1,) * n) * plane + idx
    return MaxUnpool2D.apply(input, flat, lead + sizes)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """``torch.nn.functional.max_unpool1d``: the partial inverse of
    ``max_pool1d(return_indices=True)``; non-maximal positions are zero."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1,
                       "max_unpool1d")


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """``torch.nn.functional.max_unpool2d``: the partial inverse of
    ``max_pool2d(return_indices=True)``; non-maximal positions are zero."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2,
                       "max_unpool2d")


# ------------------------------------------------------------ modules
class MaxPool1d(_MaxPoolNd):
    """1-D max pooling (``torch.nn.MaxPool1d``, same arguments and order)."""
    _dims = 1
    _fn = staticmethod(max_pool1d)


class AvgPool1d(_AvgPoolNd):
    """1-D average pooling (``torch.nn.AvgPool1d``, same arguments and order;
    no ``divisor_override``, as in PyTorch)."""
    _dims = 1
    _fn = staticmethod(avg_pool1d)

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        # unlike the other pools, PyTorch stores AvgPool1d's sizes as 1-tuples
        name = "AvgPool1d"
        self.kernel_size = (_single(kernel_size, "kernel_size", name, 1),)
        self.stride = (_stride(stride, self.kernel_size[0], name),)
        self.padding = (_single(padding, "padding", name),)

    def forward(self, x):
        return avg_pool1d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                          self.count_include_pad)


class AdaptiveAvgPool1d(Module):
    """Average pooling to a fixed length (``torch.nn.AdaptiveAvgPool1d``)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        return adaptive_avg_pool1d(x, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(Module):
    """Max pooling to a fixed length (``torch.nn.AdaptiveMaxPool1d``)."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, x):
        return adaptive_max_pool1d(x, self.output_size, self.return_indices)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class _LPPool(Module):
    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        _check_norm_type(norm_type, type(self).__name__)
        self.norm_type, self.kernel_size = norm_type, kernel_size
        self.stride, self.ceil_mode = stride, ceil_mode

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPool):
    """1-D power-average pooling (``torch.nn.LPPool1d``)."""

    def forward(self, x):
        return lp_pool1d(x, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class LPPool2d(_LPPool):
    """2-D power-average pooling (``torch.nn.LPPool2d``)."""

    def forward(self, x):
        return lp_pool2d(x, self.norm_type, self.kernel_size, self.stride, self.ceil_mode)


class _MaxUnpool(Module):
    _n = 0

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        name, n = type(self).__name__, self._n
        self.kernel_size = _tuple_arg(kernel_size, n, "kernel_size", name, 1)
        self.stride = self.kernel_size if stride is None else _tuple_arg(stride, n, "stride",
                                                                         name, 1)
        self.padding = _tuple_arg(padding, n, "padding", name, 0)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxUnpool1d(_MaxUnpool):
    """Inverse of MaxPool1d up to the non-maxima (``torch.nn.MaxUnpool1d``)."""
    _n = 1

    def forward(self, input, indices, output_size=None):
        return max_unpool1d(input, indices, self.kernel_size, self.stride, self.padding,
                            output_size)


class MaxUnpool2d(_MaxUnpool):
    """Inverse of MaxPool2d up to the non-maxima (``torch.nn.MaxUnpool2d``)."""
    _n = 2

    def forward(self, input, indices, output_size=None):
        return max_unpool2d(input, indices, self.kernel_size, self.stride, self.padding,
                            output_size)

"""conv1d, conv_transpose2d and unfold/fold, on conv2d's window machinery.

``conv1d`` is ``conv2d`` on a unit-height image (the window view and GEMM
are the same; the extra axis costs one reshape).  ``conv_transpose2d`` is
the adjoint of a convolution: one GEMM spreads each input pixel into a
kernel-sized patch per output channel, and `Fold` adds the overlapping
patches into the output image (PyTorch's ``padding`` then crops it and
``output_padding`` extends it at the bottom/right).  ``unfold``/``fold`` are
the window ops themselves with PyTorch's (N, C*KH*KW, L) layout.  All are
compositions of engine ops, so they differentiate any number of times.
"""
import math

import autograd as ag
from autograd import Tensor
from autograd.ops.window import Fold as FoldOp, out_size, unfold as _windows

from autograd._args import device_arg
from autograd.errors import ArgumentError, DTypeError
from .._checks import check_layer_tensors, not_tensor, size_arg
from ..init import kaiming_uniform_, uniform_
from ..module import Module
from ..parameter import Parameter
from ._args import _is_int, pair
from .conv import _check_padding_mode, conv2d


def _single(value, name, layer, minimum=0):
    """An int or a 1-sequence of ints (PyTorch's ``_single``)."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not _is_int(value):
        raise TypeError(f"{layer}: {name} must be an int or a 1-tuple of ints, got {value!r}")
    if value < minimum:
        raise ArgumentError(f"{layer}: {name} must be >= {minimum}, got {value}")
    return int(value)


def _check_dtypes(where, input, weight, bias):
    for name, t in (("input", input), ("bias", bias)):
        if t is not None and t.dtype != weight.dtype:
            raise DTypeError(f"{where}: {name} dtype {t.dtype} does not match weight dtype "
                             f"{weight.dtype}; cast one of them (e.g. model.double())")


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.functional.conv1d``: input (N, C, L) or (C, L), weight
    (O, C/groups, K); ``padding`` an int, ``'valid'`` or ``'same'``."""
    name = "conv1d"
    check_layer_tensors(name, input, weight, bias)
    if input.ndim not in (2, 3):
        raise ArgumentError(f"{name}: expected 2-D (C, L) or 3-D (N, C, L) input, got shape "
                            f"{input.shape}")
    if weight.ndim != 3:
        raise ArgumentError(f"{name}: weight must be (out_channels, in_channels/groups, "
                            f"kernel_size), got shape {weight.shape}")
    _check_dtypes(name, input, weight, bias)
    if _is_int(groups) and groups > 0 and input.shape[-2] != weight.shape[1] * groups:
        raise ArgumentError(f"{name}: expected input (N, {weight.shape[1] * groups}, L) for "
                            f"weight of shape {weight.shape} and groups={groups}, got "
                            f"{input.shape}")
    stride, dilation = _single(stride, "stride", name, 1), _single(dilation, "dilation", name, 1)
    pad = padding if isinstance(padding, str) else (0, _single(padding, "padding", name))
    out = conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, stride), pad,
                 (1, dilation), groups)
    return out.squeeze(-2)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """``torch.nn.functional.conv_transpose2d``: input (N, C, H, W) or
    (C, H, W), weight (C, O, KH, KW); output size per axis
    ``(H - 1) * stride - 2 * padding + dilation * (KH - 1) + output_padding + 1``.
    Only groups=1."""
    name = "conv_transpose2d"
    check_layer_tensors(name, input, weight, bias)
    stride = pair(stride, "stride", name, 1)
    padding = pair(padding, "padding", name, 0)
    output_padding = pair(output_padding, "output_padding", name, 0)
    dilation = pair(dilation, "dilation", name, 1)
    if groups != 1:
        raise NotImplementedError(f"{name}: only groups=1 is implemented, got groups={groups!r}")
    unbatched = _check_transpose(input, weight, bias, stride, output_padding, dilation)
    x = input.unsqueeze(0) if unbatched else input
    n, c, h, w = x.shape
    o, kh, kw = weight.shape[1:]
    # Batch-last (C, H*W*N) columns, as conv2d uses: one GEMM makes every
    # pixel's (O, KH, KW) patch, Fold adds the overlapping patches.
    xb = x.permute(1, 2, 3, 0).reshape(c, h * w * n)
    cols = (weight.reshape(c, o * kh * kw).transpose(0, 1) @ xb).reshape(o, kh, kw, h, w, n)
    full = ((h - 1) * stride[0] + dilation[0] * (kh - 1) + 1,
            (w - 1) * stride[1] + dilation[1] * (kw - 1) + 1)
    img = FoldOp.apply(cols, (o,) + full + (n,), stride, dilation, True)  # (O, HF, WF, N)
    # crop `padding` on both sides, then extend bottom/right by `output_padding`
    img = ag.pad(img, (0, 0, -padding[1], output_padding[1] - padding[1],
                       -padding[0], output_padding[0] - padding[0]))
    if bias is not None:
        img = img + bias.reshape(o, 1, 1, 1)
    out = img.permute(3, 0, 1, 2).contiguous()
    return out.squeeze(0) if unbatched else out


def _check_transpose(x, weight, bias, stride, output_padding, dilation):
    """Shapes and dtypes; returns whether the input is unbatched."""
    name = "conv_transpose2d"
    if x.ndim not in (3, 4):
        raise ArgumentError(f"{name}: expected 3-D (C, H, W) or 4-D (N, C, H, W) input, got "
                            f"shape {x.shape}")
    if weight.ndim != 4 or x.shape[-3] != weight.shape[0]:
        raise ArgumentError(f"{name}: weight must be (in_channels, out_channels, kH, kW) with "
                            f"in_channels = input channels {x.shape[-3]}, got weight shape "
                            f"{weight.shape} for input {x.shape}")
    if bias is not None and bias.shape != (weight.shape[1],):
        raise ArgumentError(f"{name}: bias must have shape ({weight.shape[1]},), got "
                            f"{bias.shape}")
    _check_dtypes(name, x, weight, bias)
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= max(s, d):
            raise ArgumentError(f"{name}: output_padding {output_padding} must be smaller than "
                                f"either stride {stride} or dilation {dilation}")
    return x.ndim == 3


def _fold_args(kernel_size, dilation, padding, stride, name):
    return (pair(kernel_size, "kernel_size", name, 1), pair(dilation, "dilation", name, 1),
            pair(padding, "padding", name, 0), pair(stride, "stride", name, 1))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """``torch.nn.functional.unfold`` (im2col): the sliding windows of an
    (N, C, H, W) or (C, H, W) input as columns, (N, C*KH*KW, L)."""
    name = "unfold"
    k, d, p, s = _fold_args(kernel_size, dilation, padding, stride, name)
    if not isinstance(input, Tensor):
        raise not_tensor(name, "input", 1, input)
    if input.ndim not in (3, 4):
        raise ArgumentError(f"{name}: expected 3-D (C, H, W) or 4-D (N, C, H, W) input, got "
                            f"shape {input.shape}")
    x = input.unsqueeze(0) if input.ndim == 3 else input
    n, c, h, w = x.shape
    if d[0] * (k[0] - 1) + 1 > h + 2 * p[0] or d[1] * (k[1] - 1) + 1 > w + 2 * p[1]:
        raise ArgumentError(f"{name}: kernel {k} (dilation {d}) is larger than the padded "
                            f"input {(h + 2 * p[0], w + 2 * p[1])} (input shape {input.shape})")
    if p != (0, 0):
        x = ag.pad(x, (p[1], p[1], p[0], p[0]))
    cols = _windows(x, k, s, d)  # (N, C, KH, KW, OH, OW)
    out = cols.reshape(n, c * k[0] * k[1], cols.shape[4] * cols.shape[5])
    return out.squeeze(0) if input.ndim == 3 else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """``torch.nn.functional.fold`` (col2im): sums (N, C*KH*KW, L) columns
    back into an (N, C, H, W) image of ``output_size``; overlaps add."""
    name = "fold"
    k, d, p, s = _fold_args(kernel_size, dilation, padding, stride, name)
    size = pair(output_size, "output_size", name, 1)
    if not isinstance(input, Tensor):
        raise not_tensor(name, "input", 1, input)
    oh = out_size(size[0] + 2 * p[0], k[0], s[0], d[0])
    ow = out_size(size[1] + 2 * p[1], k[1], s[1], d[1])
    kk = k[0] * k[1]
    if (input.ndim not in (2, 3) or input.shape[-2] % kk or input.shape[-1] != oh * ow
            or oh < 1 or ow < 1):
        raise ArgumentError(f"{name}: expected input (N, C*{kk}, {max(oh, 0) * max(ow, 0)}) "
                            f"for output_size={size}, kernel_size={k}, dilation={d}, "
                            f"padding={p}, stride={s}; got shape {input.shape}")
    x = input.unsqueeze(0) if input.ndim == 2 else input
    n, c = x.shape[0], x.shape[1] // kk
    cols = x.reshape(n, c, k[0], k[1], oh, ow)
    img = FoldOp.apply(cols, (n, c, size[0] + 2 * p[0], size[1] + 2 * p[1]), s, d, False)
    if p != (0, 0):
        img = ag.pad(img, (-p[1], -p[1], -p[0], -p[0]))
    return img.squeeze(0) if input.ndim == 2 else img


def _reset_conv(weight, bias, fan_in):
    """PyTorch's conv init: kaiming-uniform (a=sqrt(5)) weight, bias uniform
    in +-1/sqrt(fan_in)."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)


def _channels(module, in_channels, out_channels, groups, name):
    module.in_channels = size_arg(in_channels, "in_channels", name)
    module.out_channels = size_arg(out_channels, "out_channels", name)
    module.groups = size_arg(groups, "groups", name, 1)
    for arg, value in (("in_channels", module.in_channels),
                       ("out_channels", module.out_channels)):
        if value % module.groups:
            raise ValueError(f"{name}: {arg}={value} must be divisible by groups={module.groups}")


class Conv1d(Module):
    """1-D convolution (``torch.nn.Conv1d``): weight (out_channels,
    in_channels/groups, kernel_size), PyTorch's init; every padding_mode."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__()
        name = "Conv1d"
        device_arg(device, name)
        _channels(self, in_channels, out_channels, groups, name)
        self.kernel_size = (_single(kernel_size, "kernel_size", name, 1),)
        self.stride = (_single(stride, "stride", name, 1),)
        self.dilation = (_single(dilation, "dilation", name, 1),)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ArgumentError(f"{name}: invalid padding string {padding!r}; use 'same', "
                                    "'valid' or an int")
            if padding == "same" and self.stride != (1,):
                raise ArgumentError(f"{name}: padding='same' is not supported for strided "
                                    f"convolutions (stride={self.stride})")
            self.padding = padding
        else:
            self.padding = (_single(padding, "padding", name),)
        self.padding_mode = _check_padding_mode(padding_mode, name)
        shape = (self.out_channels, self.in_channels // self.groups, self.kernel_size[0])
        self.weight = Parameter(ag.zeros(*shape, dtype=dtype))
        self.bias = Parameter(ag.zeros(self.out_channels, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        _reset_conv(self.weight, self.bias, self.weight.shape[1] * self.kernel_size[0])

    def forward(self, x):
        if not isinstance(x, Tensor) or x.ndim not in (2, 3) or x.shape[-2] != self.in_channels:
            raise self._bad_input(x)
        if self.padding_mode == "zeros":
            padding = self.padding if isinstance(self.padding, str) else self.padding[0]
            return conv1d(x, self.weight, self.bias, self.stride, padding, self.dilation,
                          self.groups)
        if self.padding == "valid":
            lo = hi = 0
        elif self.padding == "same":
            total = self.dilation[0] * (self.kernel_size[0] - 1)
            lo, hi = total // 2, total - total // 2
        else:
            lo = hi = self.padding[0]
        x = ag.pad(x, (lo, hi), mode=self.padding_mode)
        return conv1d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def _bad_input(self, x):
        where = (f"Conv1d({self.in_channels}, {self.out_channels}, "
                 f"kernel_size={self.kernel_size})")
        if not isinstance(x, Tensor):
            return not_tensor(where, "input", 1, x)
        return ArgumentError(f"{where} expected input (N, {self.in_channels}, L), got "
                             f"{x.shape} (an unbatched ({self.in_channels}, L) input works too)")

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,):
            s += f", padding={self.padding}"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class ConvTranspose2d(Module):
    """2-D transposed convolution (``torch.nn.ConvTranspose2d``): weight
    (in_channels, out_channels, kH, kW), PyTorch's init; groups=1 and
    padding_mode='zeros' only."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        super().__init__()
        name = "ConvTranspose2d"
        device_arg(device, name)
        _channels(self, in_channels, out_channels, groups, name)
        if self.groups != 1:
            raise NotImplementedError(f"{name}: only groups=1 is implemented, got "
                                      f"groups={groups}")
        if padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported (as in PyTorch), "
                             f"got {padding_mode!r}")
        self.padding_mode = padding_mode
        self.kernel_size = pair(kernel_size, "kernel_size", name, 1)
        self.stride = pair(stride, "stride", name, 1)
        self.padding = pair(padding, "padding", name)
        self.output_padding = pair(output_padding, "output_padding", name)
        self.dilation = pair(dilation, "dilation", name, 1)
        for op, s, d in zip(self.output_padding, self.stride, self.dilation):
            if op >= max(s, d):
                raise ArgumentError(f"{name}: output_padding {self.output_padding} must be "
                                    f"smaller than either stride {self.stride} or dilation "
                                    f"{self.dilation}")
        shape = (self.in_channels, self.out_channels) + self.kernel_size
        self.weight = Parameter(ag.zeros(*shape, dtype=dtype))
        self.bias = Parameter(ag.zeros(self.out_channels, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        _reset_conv(self.weight, self.bias,
                    self.out_channels * self.kernel_size[0] * self.kernel_size[1])

    def forward(self, x):
        return conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                self.output_padding, 1, self.dilation)

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.output_padding != (0, 0):
            s += f", output_padding={self.output_padding}"
        return s


class Unfold(Module):
    """Sliding windows as columns (``torch.nn.Unfold``; see `unfold`)."""

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = (
            kernel_size, dilation, padding, stride)

    def forward(self, x):
        return unfold(x, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """Columns summed back into an image (``torch.nn.Fold``; see `fold`)."""

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size, self.kernel_size, self.dilation, self.padding, self.stride = (
            output_size, kernel_size, dilation, padding, stride)

    def forward(self, x):
        return fold(x, self.output_size, self.kernel_size, self.dilation, self.padding,
                    self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")

"""2-D convolution as window extraction + one matrix product.

The input's windows come from `autograd.ops.window.Unfold`, a strided view;
reshaping them to ``(C*KH*KW, OH*OW*N)`` is the single im2col copy, and one
BLAS GEMM with the ``(O, C*KH*KW)`` weight matrix does the arithmetic.
Backward is the same pieces in reverse: two GEMMs and a `Fold` that adds the
window gradients back with one strided add per kernel offset.  Everything is
an engine op, so convolutions differentiate twice.

``padding='same'`` pads ``dilation * (kernel - 1)`` in total along each
axis, half before and half after; when that total is odd the extra row or
column goes after (bottom/right), as PyTorch does, so the output keeps the
input's size.
"""
import math

import autograd as ag
from autograd import Tensor
from autograd.ops.window import out_size, unfold

from autograd.errors import ArgumentError, DTypeError
from .._checks import check_layer_tensors, not_tensor, size_arg
from ..init import kaiming_uniform_, uniform_
from ..module import Module
from ..parameter import Parameter
from ._args import pair

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.functional.conv2d``: input (N, C, H, W) or (C, H, W),
    weight (O, C/groups, KH, KW); ``padding`` an int, a pair, ``'valid'``
    (none) or ``'same'`` (output size = input size; stride must be 1)."""
    check_layer_tensors("conv2d", input, weight, bias)
    stride = pair(stride, "stride", "conv2d", 1)
    dilation = pair(dilation, "dilation", "conv2d", 1)
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ArgumentError(f"conv2d: groups must be a positive int, got {groups!r}")
    if input.ndim not in (3, 4):
        raise ArgumentError(f"conv2d: expected 3-D (C, H, W) or 4-D (N, C, H, W) input, got "
                            f"shape {input.shape}")
    if weight.ndim != 4:
        raise ArgumentError(f"conv2d: weight must be (out_channels, in_channels/groups, kH, "
                            f"kW), got shape {weight.shape}")
    pads = _padding_amounts(padding, weight.shape[2:], stride, dilation, "conv2d")
    unbatched = input.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    _check_conv(input, weight, bias, pads, dilation, groups)
    out = _conv(input, weight, bias, stride, pads, dilation, groups)
    return out.squeeze(0) if unbatched else out


def _padding_amounts(padding, kernel, stride, dilation, where):
    """``padding`` as (top, bottom, left, right)."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0, 0, 0)
        if padding != "same":
            raise ArgumentError(f"{where}: invalid padding string {padding!r}; use 'same', "
                                "'valid', an int or a pair of ints")
        if stride != (1, 1):
            raise ArgumentError(f"{where}: padding='same' is not supported for strided "
                                f"convolutions (stride={stride}); pad explicitly instead")
        total_h, total_w = dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)
        return (total_h // 2, total_h - total_h // 2, total_w // 2, total_w - total_w // 2)
    ph, pw = pair(padding, "padding", where, 0)
    return (ph, ph, pw, pw)


def _conv(input, weight, bias, stride, pads, dilation, groups):
    """The convolution of a checked (N, C, H, W) input."""
    n, c, h, w = input.shape
    o, cg, kh, kw = weight.shape
    top, bottom, left, right = pads
    oh = out_size(h + top + bottom, kh, stride[0], dilation[0])
    ow = out_size(w + left + right, kw, stride[1], dilation[1])
    # Batch-last layout (C, H, W, N) throughout: the im2col copy and the
    # backward's Fold then move rows of OW*N contiguous elements, not OW.
    x = input.permute(1, 2, 3, 0).contiguous()
    if pads != (0, 0, 0, 0):
        x = ag.pad(x, (0, 0, left, right, top, bottom))
    cols = unfold(x, (kh, kw), stride, dilation, batch_last=True)  # (C, KH, KW, OH, OW, N)
    # One GEMM against the (C*KH*KW, OH*OW*N) column matrix; the bias is
    # added in this layout too (a contiguous broadcast, its gradient a row sum).
    if groups == 1:
        out = weight.reshape(o, c * kh * kw) @ cols.reshape(c * kh * kw, oh * ow * n)
        if bias is not None:
            out = out + bias.reshape(o, 1)
    else:
        og = o // groups
        out = (weight.reshape(groups, og, cg * kh * kw)
               @ cols.reshape(groups, cg * kh * kw, oh * ow * n))  # (G, O/G, OH*OW*N)
        if bias is not None:
            out = out + bias.reshape(groups, og, 1)
    # One copy back to NCHW order: every op after a convolution then streams
    # memory.
    return out.reshape(o, oh, ow, n).permute(3, 0, 1, 2).contiguous()


def _check_conv(x, weight, bias, pads, dilation, groups):
    o, cg, kh, kw = weight.shape
    if o % groups:
        raise ArgumentError(f"conv2d: groups={groups} must divide out_channels={o} (weight "
                            f"shape {weight.shape})")
    if x.shape[1] != cg * groups:
        raise ArgumentError(f"conv2d: expected input (N, {cg * groups}, H, W) for weight of "
                            f"shape {weight.shape} and groups={groups}, got {x.shape}")
    if bias is not None and bias.shape != (o,):
        raise ArgumentError(f"conv2d: bias must have shape ({o},), got {bias.shape}")
    padded = (x.shape[2] + pads[0] + pads[1], x.shape[3] + pads[2] + pads[3])
    if dilation[0] * (kh - 1) + 1 > padded[0] or dilation[1] * (kw - 1) + 1 > padded[1]:
        raise ArgumentError(f"conv2d: kernel {(kh, kw)} (dilation {dilation}) is larger than "
                            f"the padded input {padded} (input shape {x.shape})")
    if x.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        name, other = ("input", x) if x.dtype != weight.dtype else ("bias", bias)
        raise DTypeError(f"conv2d: {name} dtype {other.dtype} does not match weight dtype "
                         f"{weight.dtype}; cast one of them (e.g. model.double())")


class Conv2d(Module):
    """``Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    dilation=1, groups=1, bias=True, padding_mode='zeros')``, initialized as
    PyTorch does (kaiming-uniform with a=sqrt(5); bias uniform in
    +-1/sqrt(fan_in)).  A non-zeros ``padding_mode`` pads with ``F.pad``'s
    mode of that name first, as PyTorch does."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__()
        name = "Conv2d"
        self.in_channels = size_arg(in_channels, "in_channels", name)
        self.out_channels = size_arg(out_channels, "out_channels", name)
        self.groups = size_arg(groups, "groups", name, 1)
        for arg, value in (("in_channels", self.in_channels),
                           ("out_channels", self.out_channels)):
            if value % self.groups:
                raise ValueError(f"{name}: {arg}={value} must be divisible by "
                                 f"groups={self.groups}")
        self.kernel_size = pair(kernel_size, "kernel_size", name, 1)
        self.stride = pair(stride, "stride", name, 1)
        self.dilation = pair(dilation, "dilation", name, 1)
        self.padding = padding if isinstance(padding, str) else pair(padding, "padding", name)
        # Check 'same'/'valid' (and 'same' with a stride) now, not at the first forward.
        _padding_amounts(self.padding, self.kernel_size, self.stride, self.dilation, name)
        self.padding_mode = _check_padding_mode(padding_mode, name)
        shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        made = {"device": device, "dtype": dtype}
        self.weight = Parameter(ag.zeros(*shape, **made))
        self.bias = Parameter(ag.zeros(self.out_channels, **made)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * self.kernel_size[0] * self.kernel_size[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            uniform_(self.bias, -bound, bound)

    def forward(self, x):
        if not isinstance(x, Tensor) or x.ndim not in (3, 4) or x.shape[-3] != self.in_channels:
            raise self._bad_input(x)
        if self.padding_mode == "zeros":
            return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                          self.groups)
        top, bottom, left, right = _padding_amounts(self.padding, self.kernel_size, self.stride,
                                                    self.dilation, "Conv2d")
        x = ag.pad(x, (left, right, top, bottom), mode=self.padding_mode)
        return conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def _bad_input(self, x):
        where = self._describe()
        if not isinstance(x, Tensor):
            return not_tensor(where, "input", 1, x)
        return ArgumentError(f"{where} expected input (N, {self.in_channels}, H, W), got "
                             f"{x.shape} (an unbatched ({self.in_channels}, H, W) input works too)")

    def _describe(self):
        return f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size})"

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


def _check_padding_mode(mode, where):
    if mode in _PADDING_MODES:
        return mode
    raise ValueError(f"{where}: padding_mode must be one of {_PADDING_MODES}, got "
                     f"padding_mode={mode!r}")

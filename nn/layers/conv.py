"""2-D convolution as window extraction + one matrix product.

The input's windows come from `autograd.ops.window.Unfold`, a strided view;
reshaping them to ``(C*KH*KW, OH*OW*N)`` is the single im2col copy, and one
BLAS GEMM with the ``(O, C*KH*KW)`` weight matrix does the arithmetic.
Backward is the same pieces in reverse: two GEMMs and a `Fold` that adds the
window gradients back with one strided add per kernel offset.  Everything is
an engine op, so convolutions differentiate twice.
"""
import math

import autograd as ag
from autograd.ops.window import out_size, unfold

from ..init import kaiming_uniform_, uniform_
from ..module import Module
from ..parameter import Parameter
from ._args import pair


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.functional.conv2d``: input (N, C, H, W) or (C, H, W),
    weight (O, C/groups, KH, KW)."""
    stride = pair(stride, "stride", "conv2d", 1)
    padding = pair(padding, "padding", "conv2d", 0)
    dilation = pair(dilation, "dilation", "conv2d", 1)
    unbatched = input.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    _check_conv(input, weight, bias, stride, padding, dilation, groups)
    n, c, h, w = input.shape
    o, cg, kh, kw = weight.shape
    oh = out_size(h, kh, stride[0], padding[0], dilation[0])
    ow = out_size(w, kw, stride[1], padding[1], dilation[1])
    # Batch-last layout (C, H, W, N) throughout: the im2col copy and the
    # backward's Fold then move rows of OW*N contiguous elements, not OW.
    x = input.permute(1, 2, 3, 0).contiguous()
    if padding != (0, 0):
        x = ag.pad(x, (0, 0, padding[1], padding[1], padding[0], padding[0]))
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
    out = out.reshape(o, oh, ow, n).permute(3, 0, 1, 2).contiguous()
    return out.squeeze(0) if unbatched else out


def _check_conv(x, weight, bias, stride, padding, dilation, groups):
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight must be (out_channels, in_channels/groups, kH, kW), "
                         f"got shape {weight.shape}")
    o, cg, kh, kw = weight.shape
    if not isinstance(groups, int) or groups < 1 or o % groups:
        raise ValueError(f"conv2d: groups={groups} must be a positive divisor of "
                         f"out_channels={o}")
    if x.ndim != 4 or x.shape[1] != cg * groups:
        raise ValueError(f"conv2d: expected input (N, {cg * groups}, H, W) for weight of shape "
                         f"{weight.shape} and groups={groups}, got {x.shape}")
    if bias is not None and bias.shape != (o,):
        raise ValueError(f"conv2d: bias must have shape ({o},), got {bias.shape}")
    for axis, size, k, p, d in ((0, x.shape[2], kh, padding[0], dilation[0]),
                                (1, x.shape[3], kw, padding[1], dilation[1])):
        if d * (k - 1) + 1 > size + 2 * p:
            raise ValueError(
                f"conv2d: kernel {(kh, kw)} (dilation {dilation}) is larger than the padded "
                f"input {(x.shape[2] + 2 * padding[0], x.shape[3] + 2 * padding[1])}")
    if x.dtype != weight.dtype:
        raise TypeError(f"conv2d: input dtype {x.dtype} does not match weight dtype "
                        f"{weight.dtype}; cast one of them (e.g. model.double())")


class Conv2d(Module):
    """``Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    dilation=1, groups=1, bias=True)``, initialized as PyTorch does
    (kaiming-uniform with a=sqrt(5); bias uniform in +-1/sqrt(fan_in))."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, dtype=None):
        super().__init__()
        name = "Conv2d"
        if groups < 1 or in_channels % groups or out_channels % groups:
            raise ValueError(f"{name}: in_channels={in_channels} and out_channels="
                             f"{out_channels} must both be divisible by groups={groups}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = pair(kernel_size, "kernel_size", name, 1)
        self.stride = pair(stride, "stride", name, 1)
        self.padding = pair(padding, "padding", name, 0)
        self.dilation = pair(dilation, "dilation", name, 1)
        self.groups = groups
        shape = (out_channels, in_channels // groups) + self.kernel_size
        self.weight = Parameter(ag.zeros(*shape, dtype=dtype))
        self.bias = Parameter(ag.zeros(out_channels, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * self.kernel_size[0] * self.kernel_size[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            uniform_(self.bias, -bound, bound)

    def forward(self, x):
        if x.ndim not in (3, 4) or x.shape[-3] != self.in_channels:
            raise ValueError(f"{self._describe()} expected input (N, {self.in_channels}, H, W), "
                             f"got {x.shape}")
        return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                      self.groups)

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
        return s

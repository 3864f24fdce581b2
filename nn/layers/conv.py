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
from ._args import _WORDS, ntuple

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """``torch.nn.functional.conv2d``: input (N, C, H, W) or (C, H, W),
    weight (O, C/groups, KH, KW); ``padding`` an int, a pair, ``'valid'``
    (none) or ``'same'`` (output size = input size; stride must be 1)."""
    return conv_nd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def _letters(nd):
    """The names of ``nd`` spatial axes, as PyTorch's docs write shapes."""
    return ("D", "H", "W")[-nd:]


def conv_nd(input, weight, bias, stride, padding, dilation, groups, nd, name):
    """An ``nd``-d convolution (conv2d, conv3d): check the arguments, then
    one window view and one GEMM (`_conv`)."""
    check_layer_tensors(name, input, weight, bias)
    stride = ntuple(stride, nd, "stride", name, 1)
    dilation = ntuple(dilation, nd, "dilation", name, 1)
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ArgumentError(f"{name}: groups must be a positive int, got {groups!r}")
    if input.ndim not in (nd + 1, nd + 2):
        axes = ", ".join(_letters(nd))
        raise ArgumentError(f"{name}: expected {nd + 1}-D (C, {axes}) or {nd + 2}-D "
                            f"(N, C, {axes}) input, got shape {input.shape}")
    if weight.ndim != nd + 2:
        taps = ", ".join("k" + a for a in _letters(nd))
        raise ArgumentError(f"{name}: weight must be (out_channels, in_channels/groups, "
                            f"{taps}), got shape {weight.shape}")
    pads = _padding_amounts(padding, weight._data.shape[2:], stride, dilation, name)
    unbatched = input.ndim == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    _check_conv(input, weight, bias, pads, dilation, groups, name)
    out = _conv(input, weight, bias, stride, pads, dilation, groups)
    return out.squeeze(0) if unbatched else out


def _padding_amounts(padding, kernel, stride, dilation, where):
    """``padding`` as (before, after) per spatial axis, flattened: (top,
    bottom, left, right) in 2-d."""
    nd = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return (0,) * (2 * nd)
        if padding != "same":
            raise ArgumentError(f"{where}: invalid padding string {padding!r}; use 'same', "
                                f"'valid', an int or {_WORDS[nd]} of ints")
        if stride != (1,) * nd:
            raise ArgumentError(f"{where}: padding='same' is not supported for strided "
                                f"convolutions (stride={stride}); pad explicitly instead")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return sum(((t // 2, t - t // 2) for t in totals), ())
    return sum(((p, p) for p in ntuple(padding, nd, "padding", where, 0)), ())


def pad_widths(pads):
    """Per-axis (before, after) amounts in `F.pad`'s order (last axis first)."""
    return sum((pads[i:i + 2] for i in range(len(pads) - 2, -1, -2)), ())


def _conv(input, weight, bias, stride, pads, dilation, groups):
    """The convolution of a checked (N, C, *spatial) input."""
    n, c, *spatial = input._data.shape
    o, cg, *kernel = weight._data.shape
    nd = len(kernel)
    outs = tuple(out_size(size + pads[2 * a] + pads[2 * a + 1], kernel[a], stride[a],
                          dilation[a]) for a, size in enumerate(spatial))
    taps, places = math.prod(kernel), math.prod(outs) * n
    # Batch-last layout (C, *spatial, N) throughout: the im2col copy and the
    # backward's Fold then move rows of OW*N contiguous elements, not OW.
    x = input.permute(*range(1, nd + 2), 0).contiguous()
    if any(pads):
        x = ag.pad(x, (0, 0) + pad_widths(pads))
    cols = unfold(x, kernel, stride, dilation, batch_last=True)  # (C, *K, *O, N)
    # One GEMM against the (C*taps, places) column matrix; the bias is
    # added in this layout too (a contiguous broadcast, its gradient a row sum).
    if groups == 1:
        out = weight.reshape(o, c * taps) @ cols.reshape(c * taps, places)
        if bias is not None:
            out = out + bias.reshape(o, 1)
    else:
        og = o // groups
        out = (weight.reshape(groups, og, cg * taps)
               @ cols.reshape(groups, cg * taps, places))  # (G, O/G, places)
        if bias is not None:
            out = out + bias.reshape(groups, og, 1)
    # One copy back to (N, O, *spatial) order: every op after a convolution
    # then streams memory.
    return out.reshape(o, *outs, n).permute(nd + 1, *range(nd + 1)).contiguous()


def _check_conv(x, weight, bias, pads, dilation, groups, name):
    o, cg, *kernel = weight._data.shape
    shape = x._data.shape
    if o % groups:
        raise ArgumentError(f"{name}: groups={groups} must divide out_channels={o} (weight "
                            f"shape {weight.shape})")
    if shape[1] != cg * groups:
        axes = ", ".join(_letters(len(kernel)))
        raise ArgumentError(f"{name}: expected input (N, {cg * groups}, {axes}) for weight of "
                            f"shape {weight.shape} and groups={groups}, got {x.shape}")
    if bias is not None and bias._data.shape != (o,):
        raise ArgumentError(f"{name}: bias must have shape ({o},), got {bias.shape}")
    padded = tuple(size + pads[2 * a] + pads[2 * a + 1] for a, size in enumerate(shape[2:]))
    if any(d * (k - 1) + 1 > size for k, d, size in zip(kernel, dilation, padded)):
        raise ArgumentError(f"{name}: kernel {tuple(kernel)} (dilation {dilation}) is larger "
                            f"than the padded input {padded} (input shape {x.shape})")
    if x.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        what, other = ("input", x) if x.dtype != weight.dtype else ("bias", bias)
        raise DTypeError(f"{name}: {what} dtype {other.dtype} does not match weight dtype "
                         f"{weight.dtype}; cast one of them (e.g. model.double())")


class _ConvNd(Module):
    """What Conv2d and Conv3d share: PyTorch's arguments, weight
    (out_channels, in_channels/groups, *kernel_size), init and repr.  A
    subclass sets ``_nd`` (spatial dims) and ``_functional``."""
    _nd = None
    _functional = None

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__()
        name, nd = type(self).__name__, self._nd
        self.in_channels = size_arg(in_channels, "in_channels", name)
        self.out_channels = size_arg(out_channels, "out_channels", name)
        self.groups = size_arg(groups, "groups", name, 1)
        for arg, value in (("in_channels", self.in_channels),
                           ("out_channels", self.out_channels)):
            if value % self.groups:
                raise ValueError(f"{name}: {arg}={value} must be divisible by "
                                 f"groups={self.groups}")
        self.kernel_size = ntuple(kernel_size, nd, "kernel_size", name, 1)
        self.stride = ntuple(stride, nd, "stride", name, 1)
        self.dilation = ntuple(dilation, nd, "dilation", name, 1)
        self.padding = (padding if isinstance(padding, str)
                        else ntuple(padding, nd, "padding", name))
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
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            uniform_(self.bias, -bound, bound)

    def forward(self, x):
        nd = self._nd
        if (not isinstance(x, Tensor) or x.ndim not in (nd + 1, nd + 2)
                or x.shape[-nd - 1] != self.in_channels):
            raise self._bad_input(x)
        conv = self._functional
        if self.padding_mode == "zeros":
            return conv(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)
        pads = _padding_amounts(self.padding, self.kernel_size, self.stride, self.dilation,
                                type(self).__name__)
        x = ag.pad(x, pad_widths(pads), mode=self.padding_mode)
        return conv(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def _bad_input(self, x):
        where = self._describe()
        if not isinstance(x, Tensor):
            return not_tensor(where, "input", 1, x)
        axes = ", ".join(_letters(self._nd))
        return ArgumentError(f"{where} expected input (N, {self.in_channels}, {axes}), got "
                             f"{x.shape} (an unbatched ({self.in_channels}, {axes}) input "
                             "works too)")

    def _describe(self):
        return (f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
                f"kernel_size={self.kernel_size})")

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * self._nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._nd:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv2d(_ConvNd):
    """``Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0,
    dilation=1, groups=1, bias=True, padding_mode='zeros')``, initialized as
    PyTorch does (kaiming-uniform with a=sqrt(5); bias uniform in
    +-1/sqrt(fan_in)).  A non-zeros ``padding_mode`` pads with ``F.pad``'s
    mode of that name first, as PyTorch does."""
    _nd = 2
    _functional = staticmethod(conv2d)


def _check_padding_mode(mode, where):
    if mode in _PADDING_MODES:
        return mode
    raise ValueError(f"{where}: padding_mode must be one of {_PADDING_MODES}, got "
                     f"padding_mode={mode!r}")

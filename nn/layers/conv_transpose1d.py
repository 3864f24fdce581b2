"""conv_transpose1d / ConvTranspose1d, and LazyConv1d.

A 1-d transposed convolution is ``conv_transpose2d`` on a unit-height image
with a (1, K) kernel.  ``conv_transpose2d`` handles one group only, so
``groups > 1`` runs it once per group on that group's channels and weight
slice and concatenates the outputs along the channel axis -- the grouped
operator's definition.  Everything is a composition of engine ops, so it
differentiates any number of times.
"""
import autograd as ag
from autograd import Tensor

from autograd._args import device_arg
from autograd.errors import ArgumentError
from .._checks import check_layer_tensors, not_tensor
from ..module import Module
from ..parameter import Parameter
from .conv_more import Conv1d, _channels, _check_dtypes, _reset_conv, _single, conv_transpose2d
from .lazy import LazyModuleMixin, _check_device, _lazy_init


def _check_transpose1d(x, weight, bias, groups, stride, output_padding, dilation):
    """Shapes, dtypes and output_padding; the messages name conv_transpose1d."""
    name = "conv_transpose1d"
    if x.ndim not in (2, 3):
        raise ArgumentError(f"{name}: expected 2-D (C, L) or 3-D (N, C, L) input, got shape "
                            f"{x.shape}")
    if weight.ndim != 3:
        raise ArgumentError(f"{name}: weight must be (in_channels, out_channels/groups, "
                            f"kernel_size), got shape {weight.shape}")
    if x.shape[-2] != weight.shape[0]:
        raise ArgumentError(f"{name}: weight of shape {weight.shape} expects input "
                            f"{x.shape} to have {weight.shape[0]} channels, but got "
                            f"{x.shape[-2]} channels instead")
    if weight.shape[0] % groups:
        raise ArgumentError(f"{name}: the weight's {weight.shape[0]} input channels must be "
                            f"divisible by groups={groups}")
    out_channels = weight.shape[1] * groups
    if bias is not None and bias.shape != (out_channels,):
        raise ArgumentError(f"{name}: bias must have shape ({out_channels},), got "
                            f"{bias.shape}")
    _check_dtypes(name, x, weight, bias)
    if output_padding >= max(stride, dilation):
        raise ArgumentError(f"{name}: output_padding ({output_padding},) must be smaller than "
                            f"either stride ({stride},) or dilation ({dilation},)")


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """``torch.nn.functional.conv_transpose1d``: input (N, C, L) or (C, L),
    weight (C, O/groups, K); output length
    ``(L - 1) * stride - 2 * padding + dilation * (K - 1) + output_padding + 1``."""
    name = "conv_transpose1d"
    check_layer_tensors(name, input, weight, bias)
    stride, dilation = _single(stride, "stride", name, 1), _single(dilation, "dilation", name, 1)
    padding = _single(padding, "padding", name)
    output_padding = _single(output_padding, "output_padding", name)
    groups = _single(groups, "groups", name, 1)
    _check_transpose1d(input, weight, bias, groups, stride, output_padding, dilation)
    x, w = input.unsqueeze(-2), weight.unsqueeze(-2)
    args = ((1, stride), (0, padding), (0, output_padding), 1, (1, dilation))
    if groups == 1:
        out = conv_transpose2d(x, w, None, *args)
    else:
        per = weight.shape[0] // groups
        out = ag.cat([conv_transpose2d(x[..., g * per:(g + 1) * per, :, :],
                                       w[g * per:(g + 1) * per], None, *args)
                      for g in range(groups)], dim=-3)
    out = out.squeeze(-2)
    return out if bias is None else out + bias.reshape(-1, 1)


class ConvTranspose1d(Module):
    """1-D transposed convolution (``torch.nn.ConvTranspose1d``): weight
    (in_channels, out_channels/groups, kernel_size), PyTorch's init;
    padding_mode='zeros' only (as PyTorch)."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        super().__init__()
        name = "ConvTranspose1d"
        device_arg(device, name)
        _channels(self, in_channels, out_channels, groups, name)
        if padding_mode != "zeros":
            raise ValueError(f"{name}: only padding_mode='zeros' is supported (as in PyTorch), "
                             f"got {padding_mode!r}")
        self.padding_mode = padding_mode
        self.kernel_size = (_single(kernel_size, "kernel_size", name, 1),)
        self.stride = (_single(stride, "stride", name, 1),)
        self.padding = (_single(padding, "padding", name),)
        self.output_padding = (_single(output_padding, "output_padding", name),)
        self.dilation = (_single(dilation, "dilation", name, 1),)
        if self.output_padding[0] >= max(self.stride[0], self.dilation[0]):
            raise ArgumentError(f"{name}: output_padding {self.output_padding} must be smaller "
                                f"than either stride {self.stride} or dilation "
                                f"{self.dilation}")
        shape = (self.in_channels, self.out_channels // self.groups, self.kernel_size[0])
        self.weight = Parameter(ag.zeros(*shape, dtype=dtype))
        self.bias = Parameter(ag.zeros(self.out_channels, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        _reset_conv(self.weight, self.bias, self.weight.shape[1] * self.kernel_size[0])

    def forward(self, input, output_size=None):
        if not isinstance(input, Tensor):
            raise not_tensor(self._where(), "input", 1, input)
        if input.ndim not in (2, 3) or input.shape[-2] != self.in_channels:
            raise ArgumentError(f"{self._where()} expected input (N, {self.in_channels}, L) or "
                                f"({self.in_channels}, L), got {input.shape}")
        op = self.output_padding[0] if output_size is None else self._output_padding(
            input, output_size)
        return conv_transpose1d(input, self.weight, self.bias, self.stride, self.padding, op,
                                self.groups, self.dilation)

    def _output_padding(self, x, output_size):
        """The output_padding that makes the output length ``output_size[-1]``
        (PyTorch's rule: within one stride of the smallest length)."""
        size = output_size if isinstance(output_size, int) else list(output_size)[-1]
        (k,), (s,), (p,), (d,) = self.kernel_size, self.stride, self.padding, self.dilation
        smallest = (x.shape[-1] - 1) * s - 2 * p + d * (k - 1) + 1
        if not smallest <= size < smallest + s:
            raise ArgumentError(f"{self._where()}: requested an output size of {size}, but "
                                f"valid sizes range from {smallest} to {smallest + s - 1} "
                                f"(for an input of {x.shape})")
        return size - smallest

    def _where(self):
        return (f"ConvTranspose1d({self.in_channels}, {self.out_channels}, "
                f"kernel_size={self.kernel_size})")

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        for arg, default in (("padding", (0,)), ("dilation", (1,)), ("output_padding", (0,))):
            if getattr(self, arg) != default:
                s += f", {arg}={getattr(self, arg)}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class LazyConv1d(LazyModuleMixin, Module):
    """``LazyConv1d(out_channels, kernel_size, ...)``: a Conv1d whose
    in_channels is the channel dim of the first input."""
    cls_to_become = Conv1d

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        Module.__init__(self)
        _check_device(device, "LazyConv1d")
        self.out_channels = out_channels
        _lazy_init(self, ((out_channels, kernel_size, stride, padding, dilation, groups, bias,
                           padding_mode), {}), ["weight"] + (["bias"] if bias else []),
                   dtype=dtype)

    def _infer(self, input):
        if not isinstance(input, Tensor):
            raise not_tensor("LazyConv1d", "input", 1, input)
        if input.ndim not in (2, 3):
            raise ArgumentError(f"LazyConv1d: cannot infer in_channels; expected input "
                                f"(N, C, L) or (C, L), got {input.shape}")
        return input.shape[-2]

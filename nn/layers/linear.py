"""Fully connected layer: ``y = x W^T + b`` with weight (out, in)."""
import math

import autograd as ag
from autograd import Tensor
from autograd.ops.matmul import MatMulBT

from autograd.errors import ArgumentError, DTypeError
from .._checks import check_layer_tensors, not_tensor, size_arg
from ..init import kaiming_uniform_, uniform_
from ..module import Module
from ..parameter import Parameter


def linear(input, weight, bias=None):
    """``torch.nn.functional.linear``: ``input @ weight.T + bias``.

    Input, weight and bias must be Tensors of one dtype (PyTorch refuses
    mixed dtypes too: a float64 batch through a float32 layer would
    otherwise come out float64 and make the whole model silently slower)."""
    check_layer_tensors("linear", input, weight, bias)
    if (input.shape[-1:] != weight.shape[-1:] or weight.ndim != 2
            or (bias is not None and bias.shape != weight.shape[:1])):
        raise _shape_error(input, weight, bias)
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        raise _dtype_error("linear", input, weight, bias)
    return _affine(input, weight, bias)


def _affine(input, weight, bias):
    """``input @ weight.T + bias`` for checked arguments."""
    if input.ndim == 2:
        out = MatMulBT.apply(input, weight)
    else:
        out = input @ weight.T
    return out if bias is None else out + bias


def _shape_error(input, weight, bias):
    if weight.ndim != 2:
        return ArgumentError(f"linear: weight must be 2-D (out_features, in_features), got "
                             f"shape {weight.shape}")
    if bias is not None and bias.shape != weight.shape[:1]:
        return ArgumentError(f"linear: bias must have shape ({weight.shape[0]},) for weight of "
                             f"shape {weight.shape}, got {bias.shape}")
    return ArgumentError(f"linear: input has {input.shape[-1] if input.ndim else 0} features "
                         f"(shape {input.shape}), weight expects {weight.shape[1]} "
                         f"(weight shape {weight.shape}); expected input (*, {weight.shape[1]})")


def _dtype_error(where, input, weight, bias):
    if bias is not None and bias.dtype != weight.dtype:
        return DTypeError(f"{where}: bias dtype {bias.dtype} does not match weight dtype "
                          f"{weight.dtype}")
    hint = f"cast the input: x.to({str(weight.dtype)!r})"
    if input.dtype.kind == "f":
        hint += f", or the model: model.to({str(input.dtype)!r})"
    return DTypeError(f"{where}: input dtype {input.dtype} does not match the weight dtype "
                      f"{weight.dtype}; {hint}")


class Linear(Module):
    """``Linear(in_features, out_features, bias=True)``, initialized as
    PyTorch does: kaiming-uniform with a=sqrt(5) (i.e. U(+-1/sqrt(in))), bias
    U(+-1/sqrt(in))."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features = size_arg(in_features, "in_features", "Linear")
        self.out_features = size_arg(out_features, "out_features", "Linear")
        made = {"device": device, "dtype": dtype}
        self.weight = Parameter(ag.zeros(self.out_features, self.in_features, **made))
        self.bias = Parameter(ag.zeros(self.out_features, **made)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            uniform_(self.bias, -bound, bound)

    def forward(self, x):
        # One combined test on the fast path; the message is built only on failure.
        w = self.weight
        if not isinstance(x, Tensor) or x.shape[-1:] != w.shape[1:] or x.dtype != w.dtype:
            raise self._bad_input(x)
        return _affine(x, w, self.bias)

    def _bad_input(self, x):
        where = f"Linear({self.in_features}, {self.out_features})"
        if not isinstance(x, Tensor):
            return not_tensor(where, "input", 1, x)
        if x.shape[-1:] != self.weight.shape[1:]:
            return ArgumentError(f"{where} expected input (*, {self.in_features}), got {x.shape}")
        return _dtype_error(where, x, self.weight, None)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")

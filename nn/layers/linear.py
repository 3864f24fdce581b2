"""Fully connected layer: ``y = x W^T + b`` with weight (out, in)."""
import math

import autograd as ag
from autograd.ops.matmul import MatMulBT

from ..init import kaiming_uniform_, uniform_
from ..module import Module
from ..parameter import Parameter


def linear(input, weight, bias=None):
    """``torch.nn.functional.linear``."""
    if input.shape[-1:] != weight.shape[1:]:
        raise ValueError(f"linear: input has {input.shape[-1] if input.ndim else 0} features "
                         f"(shape {input.shape}), weight expects {weight.shape[1]} "
                         f"(weight shape {weight.shape})")
    if input.ndim == 2 and weight.ndim == 2 and input.dtype == weight.dtype:
        out = MatMulBT.apply(input, weight)
    else:
        out = input @ weight.T
    return out if bias is None else out + bias


class Linear(Module):
    """``Linear(in_features, out_features, bias=True)``, initialized as
    PyTorch does: kaiming-uniform with a=sqrt(5) (i.e. U(+-1/sqrt(in))), bias
    U(+-1/sqrt(in))."""

    def __init__(self, in_features, out_features, bias=True, dtype=None):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(ag.zeros(out_features, in_features, dtype=dtype))
        self.bias = Parameter(ag.zeros(out_features, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            uniform_(self.bias, -bound, bound)

    def forward(self, x):
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"Linear({self.in_features}, {self.out_features}) expected input "
                             f"(*, {self.in_features}), got {x.shape}")
        return linear(x, self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")

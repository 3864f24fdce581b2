"""Bilinear layer: ``y_k = x1^T W_k x2 + b_k`` with weight (out, in1, in2)."""
import math

import autograd as ag
from autograd import Tensor
from autograd._args import device_arg

from autograd.errors import ArgumentError, DTypeError
from .._checks import not_tensor, size_arg
from ..init import uniform_
from ..module import Module
from ..parameter import Parameter


def _check_bilinear(input1, input2, weight, bias):
    where = "bilinear"
    for pos, (arg, t) in enumerate((("input1", input1), ("input2", input2),
                                    ("weight", weight)), 1):
        if not isinstance(t, Tensor):
            raise not_tensor(where, arg, pos, t)
    if bias is not None and not isinstance(bias, Tensor):
        raise not_tensor(where, "bias", 4, bias)
    if weight.ndim != 3:
        raise ArgumentError(f"{where}: weight must be 3-D (out, in1, in2), got {weight.shape}")
    out, in1, in2 = weight.shape
    if (input1.shape[-1:] != (in1,) or input2.shape[-1:] != (in2,)
            or input1.shape[:-1] != input2.shape[:-1]):
        raise ArgumentError(f"{where}: expected input1 (*, {in1}) and input2 (*, {in2}) with "
                            f"the same leading dims for weight {weight.shape}, got "
                            f"{input1.shape} and {input2.shape}")
    if bias is not None and bias.shape != (out,):
        raise ArgumentError(f"{where}: bias must have shape ({out},), got {bias.shape}")
    for t in (input2, weight) + (() if bias is None else (bias,)):
        if t.dtype != input1.dtype:
            raise DTypeError(f"{where}: input1, input2, weight and bias must share a dtype, "
                             f"got {input1.dtype} and {t.dtype}")


def bilinear(input1, input2, weight, bias=None):
    """``torch.nn.functional.bilinear``: ``y[..., k] = sum_ij x1[..., i]
    W[k, i, j] x2[..., j] + b[k]``, as one matmul (x1 against W laid out
    (in1, out * in2)) and a product-sum with x2."""
    _check_bilinear(input1, input2, weight, bias)
    out, in1, in2 = weight.shape
    u = input1 @ weight.permute(1, 0, 2).reshape(in1, out * in2)
    y = (u.reshape(*input1.shape[:-1], out, in2) * input2.unsqueeze(-2)).sum(-1)
    return y if bias is None else y + bias


class Bilinear(Module):
    """``Bilinear(in1_features, in2_features, out_features, bias=True)``:
    weight (out, in1, in2) and bias (out,), both U(-1/sqrt(in1),
    1/sqrt(in1)) as PyTorch initializes them."""

    def __init__(self, in1_features, in2_features, out_features, bias=True, device=None,
                 dtype=None):
        super().__init__()
        where = "Bilinear"
        if device is not None:
            device_arg(device, where)
        self.in1_features = size_arg(in1_features, "in1_features", where)
        self.in2_features = size_arg(in2_features, "in2_features", where)
        self.out_features = size_arg(out_features, "out_features", where)
        self.weight = Parameter(ag.zeros(self.out_features, self.in1_features,
                                         self.in2_features, dtype=dtype))
        self.bias = Parameter(ag.zeros(self.out_features, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.in1_features) if self.in1_features else 0.0
        uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self):
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")

"""`Variable`: PyTorch's deprecated wrapper, kept so old programs run.

Since PyTorch 0.4 every tensor is a "Variable": ``Variable(t)`` returns a
new leaf tensor sharing ``t``'s memory (``t.detach()``), requiring grad
only if asked, and ``isinstance(t, Variable)`` holds for every tensor.
"""
from .tensor import Tensor


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor)

    def __call__(cls, data, requires_grad=False):
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            out.requires_grad = True
        return out


class Variable(metaclass=_VariableMeta):
    """``Variable(tensor, requires_grad=False)``: a detached leaf sharing
    ``tensor``'s memory (what PyTorch's deprecated Variable returns)."""

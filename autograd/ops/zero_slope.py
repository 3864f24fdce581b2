"""Masks in a backward that stay connected to the values they come from.

The backward of a piecewise-linear op (relu, abs, leaky_relu) multiplies
the gradient by a mask computed from its input or output.  The mask's own
derivative is zero, but it *depends* on those values: PyTorch records that
dependence for these ops, so after ``grad(..., create_graph=True)`` the
input is still connected to the gradient and a second ``grad`` gives zeros
for it -- not an "input not used" error or None.  (For clamp and
maximum/minimum PyTorch does not record it, and neither does chainrule:
there a second ``grad`` reports the input as unused, in both.)  `connected_mask` records the same dependence, only when a graph of
the backward is being built (``create_graph``); otherwise it is the array
itself and costs one flag test.
"""
import numpy as np

from ..function import Function
from ..grad_mode import _state
from ..tensor import _wrap


class ZeroSlope(Function):
    """``mask`` as a function of ``sources`` with zero derivative."""

    __slots__ = ("_source_shapes",)

    @staticmethod
    def forward(ctx, mask, *sources):
        ctx._source_shapes = tuple(s.shape for s in sources)
        return mask

    @staticmethod
    def backward(ctx, g):
        dt = g._data.dtype
        return (None,) + tuple(_wrap(np.zeros(s, dt)) for s in ctx._source_shapes)


def connected_mask(mask, *sources):
    """``mask`` (an array computed from the tensors ``sources``), recorded as
    depending on them when grad mode is on and one requires grad (that is,
    inside a backward run with ``create_graph=True``); else ``mask``.  A
    recorded mask takes the first source's float dtype."""
    if _state.enabled and any(s._rg for s in sources):
        return ZeroSlope.apply(mask.astype(sources[0]._data.dtype, copy=False), *sources)
    return mask

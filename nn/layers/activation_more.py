"""Shrinkage and threshold activations (``hardshrink``, ``softshrink``,
``tanhshrink``, ``threshold``), ``softmin``, ``Softmax2d``, randomized leaky
ReLU (``rrelu``), their modules, and the ``F.relu_``-style in-place forms.

The piecewise ones are one `_Gated` node each: the forward is NumPy and the
gradient is the upstream gradient times a 0/1 mask of where the output
follows the input.  The mask stays connected to the input under
``create_graph`` (as PyTorch's masks are), so a second ``grad`` gives zeros
rather than an "unused input" error.
"""
import numpy as np

import autograd as ag
from autograd import Function
from autograd.errors import ArgumentError
from autograd.ops.zero_slope import connected_mask

from .._checks import dim_arg, real_arg
from ..module import Module
from .activation import _apply, _tensor, elu, leaky_relu, relu, softmax
from .activation_extra import _float_tensor, celu, hardtanh, selu


class _Gated(Function):
    """``rule.forward(a)``, with gradient ``g * rule.passes(a)``."""
    __slots__ = ()
    _save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, rule):
        return rule.forward(a)

    @staticmethod
    def backward(ctx, g):
        a, rule = ctx.saved_tensors
        d = a._data
        return g * connected_mask(rule.passes(d).astype(d.dtype), a), None


class _Hardshrink:
    def __init__(self, lambd):
        self.lambd = lambd

    def passes(self, a):
        return (a > self.lambd) | (a < -self.lambd)

    def forward(self, a):
        return np.where(self.passes(a), a, 0).astype(a.dtype, copy=False)


class _Softshrink(_Hardshrink):
    def forward(self, a):
        shrunk = a - np.sign(a) * self.lambd
        return np.where(self.passes(a), shrunk, 0).astype(a.dtype, copy=False)


class _Threshold:
    def __init__(self, threshold, value):
        self.threshold, self.value = threshold, value

    def passes(self, a):
        return a > self.threshold

    def forward(self, a):
        return np.where(self.passes(a), a, self.value).astype(a.dtype, copy=False)


# ---------------------------------------------------------------- functions
def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    x = _float_tensor(input, "hardshrink")
    return _Gated.apply(x, _Hardshrink(real_arg(lambd, "lambd", "hardshrink")))


def softshrink(input, lambd=0.5):
    """x - lambd * sign(x) where |x| > lambd, else 0 (lambd >= 0)."""
    x = _float_tensor(input, "softshrink")
    lambd = real_arg(lambd, "lambd", "softshrink")
    if lambd < 0:
        raise ArgumentError(f"softshrink: lambd must be non-negative, got {lambd}")
    return _Gated.apply(x, _Softshrink(lambd))


def tanhshrink(input):
    """x - tanh(x)."""
    x = _float_tensor(input, "tanhshrink")
    return x - x.tanh()


def threshold(input, threshold, value, inplace=False):
    """x where x > threshold, else value (integer tensors keep their dtype)."""
    x = _tensor(input, "threshold")
    rule = _Threshold(real_arg(threshold, "threshold", "threshold"),
                      real_arg(value, "value", "threshold"))
    if x.dtype.kind != "f":
        return _apply(x, lambda t: ag.tensor(rule.forward(t.numpy())), inplace)
    return _apply(x, lambda t: _Gated.apply(t, rule), inplace)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-x) along ``dim``: weights that favour the smallest entries."""
    x = _tensor(input, "softmin")
    return softmax(-x, dim, _stacklevel + 1, dtype)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Leaky ReLU whose negative slope is drawn from U(lower, upper) per
    element while training, and is (lower + upper) / 2 otherwise."""
    x = _float_tensor(input, "rrelu")
    lower = real_arg(lower, "lower", "rrelu")
    upper = real_arg(upper, "upper", "rrelu")
    if lower > upper:
        raise ArgumentError(f"rrelu: lower bound {lower} must not exceed upper bound {upper}")
    if not training:
        return leaky_relu(x, (lower + upper) / 2, inplace)
    slopes = ag.factories.generator().uniform(lower, upper, x.shape).astype(x.dtype)
    noise = np.where(x.detach().numpy() > 0, 1.0, slopes).astype(x.dtype)
    return _apply(x, lambda t: t * ag.tensor(noise), inplace)


def _in_place(fn, name):
    def op(input, *args, **kwargs):
        return fn(input, *args, inplace=True, **kwargs)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"In-place `{fn.__name__}`: overwrites ``input`` and returns it."
    return op


relu_ = _in_place(relu, "relu_")
elu_ = _in_place(elu, "elu_")
leaky_relu_ = _in_place(leaky_relu, "leaky_relu_")
hardtanh_ = _in_place(hardtanh, "hardtanh_")
selu_ = _in_place(selu, "selu_")
celu_ = _in_place(celu, "celu_")
threshold_ = _in_place(threshold, "threshold_")
rrelu_ = _in_place(rrelu, "rrelu_")


# ---------------------------------------------------------------- modules
class Hardshrink(Module):
    """Module form of `hardshrink`."""

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = real_arg(lambd, "lambd", "Hardshrink")

    def forward(self, input):
        return hardshrink(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    """Module form of `softshrink`."""

    def forward(self, input):
        return softshrink(input, self.lambd)


class Tanhshrink(Module):
    """Module form of `tanhshrink`."""

    def forward(self, input):
        return tanhshrink(input)


class Threshold(Module):
    """Module form of `threshold`."""

    def __init__(self, threshold, value, inplace=False):
        super().__init__()
        self.threshold = real_arg(threshold, "threshold", "Threshold")
        self.value = real_arg(value, "value", "Threshold")
        self.inplace = inplace

    def forward(self, input):
        return threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self):
        return (f"threshold={self.threshold}, value={self.value}"
                + (", inplace=True" if self.inplace else ""))


class Softmin(Module):
    """Module form of `softmin`."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim_arg(dim, "dim", "Softmin", allow_none=True)

    def forward(self, input):
        return softmin(input, self.dim, _stacklevel=4)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax2d(Module):
    """Softmax over the channels of each position of a (N, C, H, W) or
    (C, H, W) input."""

    def forward(self, input):
        x = _tensor(input, "Softmax2d")
        if x.ndim not in (3, 4):
            raise ArgumentError(f"Softmax2d: expected a 3-D or 4-D input, got shape {x.shape}")
        return softmax(x, -3)


class RReLU(Module):
    """Module form of `rrelu` (random slopes in training mode)."""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower = real_arg(lower, "lower", "RReLU")
        self.upper = real_arg(upper, "upper", "RReLU")
        self.inplace = inplace

    def forward(self, input):
        return rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + (", inplace=True" if self.inplace
                                                           else "")

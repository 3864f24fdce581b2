"""More of ``torch.nn.functional``'s activations, and their modules.

Each one is a short composition of engine ops (``sigmoid``, ``softplus``,
``tanh``, ``elu``, ``where``...), so its gradient and its second gradient
come from the engine.  Piecewise ones are written with ``where`` so that
the gradient at each kink is the one PyTorch reports: ``hardtanh``,
``relu6`` and ``hardsigmoid`` pass gradient only strictly inside their
linear piece; ``hardswish`` has slope 0 at x = -3 and 1 at x = 3; ``prelu``
uses the negative slope at x = 0.

PyTorch refuses integer input for the smooth ones (``NotImplementedError``,
a ``RuntimeError``); here that is a `DTypeError` (a ``TypeError`` and a
``RuntimeError``).  ``hardtanh`` and ``relu6`` take integers and keep
their dtype, as PyTorch's do.
"""
import numpy as np

import autograd as ag
from autograd import Tensor

from autograd import Function
from autograd._args import device_arg
from autograd.ops.zero_slope import connected_mask
from autograd.errors import ArgumentError, DTypeError
from .._checks import dim_arg, real_arg, size_arg
from ..module import Module
from ..parameter import Parameter
from .activation import _apply, _tensor

# The fixed point constants of SELU (Klambauer et al., 2017), as PyTorch.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _float_tensor(input, fn):
    """``input`` if it is a floating-point Tensor; PyTorch has no integer
    kernel for these activations."""
    x = _tensor(input, fn)
    if x.dtype.kind != "f":
        raise DTypeError(f"{fn}: not implemented for dtype {x.dtype}; convert the input "
                         "with .float()")
    return x


def _exact_softplus(x):
    """log(1 + exp(x)) by ``logaddexp`` everywhere (no linear cut-off)."""
    return x.softplus(1.0, float("inf"))


class _Clip(Function):
    """``clip(x, lo, hi)`` whose gradient is 1 strictly inside (lo, hi) and 0
    on and beyond the bounds: PyTorch's ``hardtanh`` rule (its ``clamp``
    would pass gradient at the bounds too).  The mask stays connected to
    ``x`` under ``create_graph``, so a second ``grad`` gives zeros for ``x``
    as PyTorch's does (not an "unused input" error)."""
    __slots__ = ()
    _save_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, a, lo, hi):
        return np.clip(a, lo, hi).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        a, lo, hi = ctx.saved_tensors
        d = a._data
        inside = ((d > lo) & (d < hi)).astype(d.dtype)
        return g * connected_mask(inside, a), None, None


def _clipped(x, lo, hi):
    return _Clip.apply(x, lo, hi)


# ---------------------------------------------------------------- functions
def silu(input, inplace=False):
    """x * sigmoid(x) (the swish of Ramachandran et al.)."""
    x = _float_tensor(input, "silu")
    return _apply(x, lambda t: t * t.sigmoid(), inplace)


def mish(input, inplace=False):
    """x * tanh(softplus(x)) (Misra, 2019); softplus without a cut-off, so
    the curve is smooth everywhere."""
    x = _float_tensor(input, "mish")
    return _apply(x, lambda t: t * _exact_softplus(t).tanh(), inplace)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """x clipped to [min_val, max_val]; gradient 1 strictly inside, else 0."""
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val cannot be greater than max_val, got "
                         f"min_val={min_val}, max_val={max_val}")
    x = _tensor(input, "hardtanh")
    return _apply(x, lambda t: _clipped(t, min_val, max_val), inplace)


def relu6(input, inplace=False):
    """min(max(x, 0), 6): ``hardtanh(x, 0, 6)``."""
    return _apply(_tensor(input, "relu6"), lambda t: _clipped(t, 0, 6), inplace)


def _hardsigmoid(t):
    d = t._data
    inside = (d > -3) & (d < 3)
    return ag.where(inside, (t + 3.0) / 6.0, (d >= 3).astype(d.dtype))


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6: a piecewise-linear sigmoid (0 below -3, 1 above 3)."""
    return _apply(_float_tensor(input, "hardsigmoid"), _hardsigmoid, inplace)


def _hardswish(t):
    d = t._data
    middle = ag.where(d < 3, t * (t + 3.0) / 6.0, t)
    return ag.where(d <= -3, 0.0, middle)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6 (Howard et al., MobileNetV3)."""
    return _apply(_float_tensor(input, "hardswish"), _hardswish, inplace)


def softsign(input):
    """x / (1 + |x|): like tanh, but approaching +-1 polynomially."""
    x = _tensor(input, "softsign")
    if x.dtype.kind != "f":
        x = x.float()          # PyTorch computes integer input in float
    return x / (x.abs() + 1.0)


def _check_alpha(alpha, fn):
    real_arg(alpha, "alpha", fn)
    if alpha == 0:
        raise ArgumentError(f"{fn}: alpha cannot be 0 (it divides the input)")
    return alpha


def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1)): ELU rescaled so
    its derivative is continuous for any alpha."""
    alpha = _check_alpha(alpha, "celu")
    x = _float_tensor(input, "celu")
    return _apply(x, lambda t: (t * (1.0 / alpha)).elu(1.0) * alpha, inplace)


def selu(input, inplace=False):
    """scale * elu(x, alpha) with SELU's fixed constants, which keep
    activations near zero mean and unit variance through deep nets."""
    x = _float_tensor(input, "selu")
    return _apply(x, lambda t: t.elu(SELU_ALPHA) * SELU_SCALE, inplace)


def logsigmoid(input):
    """log(sigmoid(x)) = -softplus(-x), finite for any x."""
    return -_exact_softplus(-_float_tensor(input, "logsigmoid"))


def glu(input, dim=-1):
    """Gated linear unit: a * sigmoid(b) for the two halves a, b of
    ``input`` along ``dim`` (which must have even size)."""
    x = _float_tensor(input, "glu")
    if x.ndim == 0:
        raise ArgumentError("glu: does not support scalars because halving size must be even")
    dim = dim_arg(dim, "dim", "glu")
    if not -x.ndim <= dim < x.ndim:
        raise IndexError(f"glu: dim {dim} is out of range (expected to be in range of "
                         f"[{-x.ndim}, {x.ndim - 1}]) for a {x.ndim}-d input")
    if x.shape[dim] % 2:
        raise ArgumentError(f"glu: halving dimension must be even, but dimension "
                            f"{dim % x.ndim} is size {x.shape[dim]} (input shape {x.shape})")
    a, b = x.chunk(2, dim)
    return a * b.sigmoid()


def prelu(input, weight):
    """x for x > 0, weight * x otherwise, with a learned slope per channel
    (dim 1 of the input; one slope shared by all when weight has one
    element)."""
    x = _float_tensor(input, "prelu")
    w = _prelu_weight(weight, x)
    return ag.where(x._data > 0, x, w * x)


def _prelu_weight(weight, x):
    """The slope tensor, shaped to broadcast along the channel dim."""
    if not isinstance(weight, Tensor):
        raise TypeError(f"prelu: argument 'weight' (position 2) must be Tensor, not "
                        f"{type(weight).__name__}")
    if weight.dtype != x.dtype:
        raise DTypeError(f"prelu: type promotion is not supported: input has dtype {x.dtype}, "
                         f"weight has dtype {weight.dtype}; convert one of them")
    if weight.ndim > 1:
        raise ArgumentError(f"prelu: expected weight to be a scalar or 1-D tensor, but got "
                            f"ndim = {weight.ndim} (shape {weight.shape})")
    n = weight.numel()
    if n == 1:
        return weight.reshape(())
    channels = x.shape[1] if x.ndim >= 2 else 1
    if n != channels:
        raise ArgumentError(f"prelu: mismatch of parameter numbers and input channel size: "
                            f"found {n} parameters and channel size {channels} (input "
                            f"shape {x.shape})")
    return weight.reshape((n,) + (1,) * (x.ndim - 2))


# ------------------------------------------------------------------ modules
class _Inplace(Module):
    """An activation whose only setting is ``inplace``."""
    _fn = None

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self)._fn(input, inplace=self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class SiLU(_Inplace):
    """Module form of `silu`: x * sigmoid(x)."""
    _fn = staticmethod(silu)


class Mish(_Inplace):
    """Module form of `mish`: x * tanh(softplus(x))."""
    _fn = staticmethod(mish)


class ReLU6(_Inplace):
    """Module form of `relu6`: min(max(x, 0), 6)."""
    _fn = staticmethod(relu6)


class Hardsigmoid(_Inplace):
    """Module form of `hardsigmoid`: relu6(x + 3) / 6."""
    _fn = staticmethod(hardsigmoid)


class Hardswish(_Inplace):
    """Module form of `hardswish`: x * relu6(x + 3) / 6."""
    _fn = staticmethod(hardswish)


class SELU(_Inplace):
    """Module form of `selu`: self-normalizing ELU."""
    _fn = staticmethod(selu)


class Hardtanh(Module):
    """Module form of `hardtanh`: x clipped to [min_val, max_val]."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False):
        super().__init__()
        self.min_val = real_arg(min_val, "min_val", "Hardtanh")
        self.max_val = real_arg(max_val, "max_val", "Hardtanh")
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val cannot be greater than max_val, got "
                             f"min_val={min_val}, max_val={max_val}")
        self.inplace = inplace

    def forward(self, input):
        return hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return (f"min_val={self.min_val}, max_val={self.max_val}"
                + (", inplace=True" if self.inplace else ""))


class CELU(Module):
    """Module form of `celu`: continuously differentiable ELU."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = _check_alpha(alpha, "CELU")
        self.inplace = inplace

    def forward(self, input):
        return celu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Softsign(Module):
    """Module form of `softsign`: x / (1 + |x|)."""

    def forward(self, input):
        return softsign(input)


class LogSigmoid(Module):
    """Module form of `logsigmoid`: log(sigmoid(x))."""

    def forward(self, input):
        return logsigmoid(input)


class GLU(Module):
    """Module form of `glu`: first half times sigmoid of the second half."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim_arg(dim, "dim", "GLU")

    def forward(self, input):
        return glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class PReLU(Module):
    """Parametric ReLU (He et al., 2015): a learned negative slope,
    ``weight`` of shape (num_parameters,), initialised to ``init``.  Use
    num_parameters=1 (one shared slope) or the number of input channels."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = size_arg(num_parameters, "num_parameters", "PReLU", 1)
        self.init = real_arg(init, "init", "PReLU")
        if device is not None:
            device_arg(device, "PReLU")
        self.weight = Parameter(ag.empty(self.num_parameters, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self):
        """Every slope back to ``init``."""
        with ag.no_grad():
            self.weight.fill_(self.init)

    def forward(self, input):
        return prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"

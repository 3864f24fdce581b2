"""Activation functions (``torch.nn.functional`` names) and their modules.

The functions delegate to Tensor methods, where each activation is one
engine op with a backward written in Tensor ops; the modules only hold
settings.  So ``F.relu(x)``, ``nn.ReLU()(x)`` and ``x.relu()`` build the
same graph.

``inplace=True`` is accepted wherever PyTorch accepts it, with PyTorch's
meaning: the input tensor is overwritten with the result and returned, and
any node that saved the old value refuses to backward (the engine's version
counter).  It saves no memory here -- the result is computed out of place
and copied back -- but ported code behaves the same.
"""
import math
import warnings

import numpy as np

import autograd as ag
from autograd import Tensor

from autograd._args import device_arg
from autograd.errors import ArgumentError, DTypeError
from .._checks import check_layer_tensors, dim_arg, not_tensor, real_arg, size_arg
from ..init import kaiming_uniform_, uniform_
from ..module import Module
from ..parameter import Parameter


def _tensor(x, fn):
    """``x`` itself if it is a Tensor.  Anything else is refused, as PyTorch
    refuses it: converting a list or an array here would hand back a result
    that silently has no graph to the parameters that produced the data."""
    if isinstance(x, Tensor):
        return x
    raise not_tensor(fn, "input", 1, x)


def _apply(x, op, inplace):
    """``op(x)``, or -- when the caller asked for in-place -- ``op`` written
    back into ``x``.  If the graph is being recorded, ``op`` runs on a clone
    so the node it records saves the clone, which the overwrite leaves
    intact (saving ``x`` itself would make the op's own backward refuse to
    run)."""
    if not inplace:
        return op(x)
    src = x.clone() if x.requires_grad and ag.is_grad_enabled() else x
    x.copy_(op(src))
    return x


# ---------------------------------------------------------------- functions
def relu(input, inplace=False):
    """max(x, 0); the gradient at exactly 0 is 0 (as PyTorch)."""
    return _apply(_tensor(input, "relu"), Tensor.relu, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x for x > 0, negative_slope * x otherwise: dead units still learn."""
    return _apply(_tensor(input, "leaky_relu"), lambda t: t.leaky_relu(negative_slope), inplace)


def elu(input, alpha=1.0, inplace=False):
    """x for x > 0, alpha * (exp(x) - 1) otherwise: smooth negative side
    whose mean activation is closer to zero than ReLU's."""
    return _apply(_tensor(input, "elu"), lambda t: t.elu(alpha), inplace)


def sigmoid(input):
    """1 / (1 + exp(-x)), computed without overflow for any x."""
    return _tensor(input, "sigmoid").sigmoid()


def tanh(input):
    return _tensor(input, "tanh").tanh()


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold (as
    PyTorch, which keeps the gradient exactly 1 there)."""
    return _tensor(input, "softplus").softplus(beta, threshold)


def _softmax_dim(ndim, dim, fn, stacklevel):
    """PyTorch's legacy rule for a missing ``dim`` (with its warning): dim 0
    for 0-, 1- and 3-d input, else dim 1."""
    if dim is not None:
        return dim
    chosen = 0 if ndim in (0, 1, 3) else 1
    warnings.warn(f"{fn}: implicit dimension choice is deprecated; dim={chosen} was used for "
                  f"a {ndim}-d input. Pass dim= explicitly.", UserWarning,
                  stacklevel=stacklevel)
    return chosen


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim`` (one stable engine op)."""
    x = _tensor(input, "softmax")
    if dtype is not None:
        x = x.to(dtype)
    return x.softmax(_softmax_dim(x.ndim, dim, "softmax", _stacklevel))


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along ``dim``, computed directly (finite even where
    softmax underflows to 0)."""
    x = _tensor(input, "log_softmax")
    if dtype is not None:
        x = x.to(dtype)
    return x.log_softmax(_softmax_dim(x.ndim, dim, "log_softmax", _stacklevel))


class _Erf(ag.Function):
    """The error function, for exact GELU.  NumPy has no vectorized erf, so
    the forward maps ``math.erf`` (correctly rounded to ~1 ulp) over the
    array: exact, but about 0.1 microsecond per element -- use
    ``approximate='tanh'`` where speed matters.  The backward is the closed
    form 2/sqrt(pi) exp(-x^2) in Tensor ops, so it differentiates again."""

    _vec = np.frompyfunc(math.erf, 1, 1)

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.asarray(_Erf._vec(x), dtype=x.dtype)  # a 0-d input gives a Python float

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * ((-(x * x)).exp() * (2.0 / math.sqrt(math.pi)))


def gelu(input, approximate="none"):
    """x * Phi(x) with Phi the standard normal CDF; ``approximate='tanh'``
    uses 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (as PyTorch)."""
    x = _tensor(input, "gelu")
    if approximate == "none":
        return x * ((_Erf.apply(x * (1.0 / math.sqrt(2.0))) + 1.0) * 0.5)
    if approximate == "tanh":
        inner = (x + x * x * x * 0.044715) * math.sqrt(2.0 / math.pi)
        return x * ((inner.tanh() + 1.0) * 0.5)
    raise ValueError(f"gelu: approximate={approximate!r} is not valid; use 'none' or 'tanh'")


def maxout(input, weight, bias, pieces):
    """Function form of `Maxout`: ``weight`` (out * pieces, in), ``bias``
    (out * pieces,) or None; rows ``j * pieces ...`` are output j's pieces.
    One matmul computes every piece; ``amax`` over the pieces axis picks the
    max (a tie splits the gradient equally)."""
    fn = "maxout"
    check_layer_tensors(fn, input, weight, bias)
    pieces = size_arg(pieces, "pieces", fn, 1)
    if weight.ndim != 2 or weight.shape[0] % pieces:
        raise ArgumentError(f"{fn}: weight must be 2-D with a multiple of pieces={pieces} rows, "
                            f"got shape {weight.shape}")
    rows = weight.shape[0]
    if input.shape[-1:] != weight.shape[1:]:
        raise ArgumentError(f"{fn}: expected input (*, {weight.shape[1]}) for weight of shape "
                            f"{weight.shape}, got {input.shape}")
    if bias is not None and bias.shape != (rows,):
        raise ArgumentError(f"{fn}: bias must have shape ({rows},), got {bias.shape}")
    if input.dtype != weight.dtype:
        raise DTypeError(f"{fn}: input dtype {input.dtype} does not match weight dtype "
                         f"{weight.dtype}")
    z = input @ weight.T
    if bias is not None:
        z = z + bias
    return z.reshape(input.shape[:-1] + (rows // pieces, pieces)).amax(-1)


# ------------------------------------------------------------------ modules
class ReLU(Module):
    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return relu(input, self.inplace)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = real_arg(negative_slope, "negative_slope", "LeakyReLU")
        self.inplace = inplace

    def forward(self, input):
        return leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = real_arg(alpha, "alpha", "ELU")
        self.inplace = inplace

    def forward(self, input):
        return elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Sigmoid(Module):
    def forward(self, input):
        return sigmoid(input)


class Tanh(Module):
    def forward(self, input):
        return tanh(input)


class GELU(Module):
    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate={approximate!r} is not valid; use 'none' or "
                             "'tanh'")
        self.approximate = approximate

    def forward(self, input):
        return gelu(input, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = real_arg(beta, "beta", "Softplus")
        self.threshold = real_arg(threshold, "threshold", "Softplus")

    def forward(self, input):
        return softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class _AlongDim(Module):
    """A normalization over one dim; subclasses name the function."""
    _fn = None

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim_arg(dim, "dim", type(self).__name__, allow_none=True)

    def forward(self, input):
        return type(self)._fn(input, self.dim, _stacklevel=4)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    _fn = staticmethod(softmax)


class LogSoftmax(_AlongDim):
    _fn = staticmethod(log_softmax)


class Identity(Module):
    """Returns its input.  Takes (and ignores) any arguments, as PyTorch
    does, so it can stand in for a layer without changing the call."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Flatten(Module):
    """Flatten dims ``start_dim..end_dim`` into one; by default everything
    but the batch dim, the bridge from conv features to a Linear layer."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = dim_arg(start_dim, "start_dim", "Flatten")
        self.end_dim = dim_arg(end_dim, "end_dim", "Flatten")

    def forward(self, input):
        if not isinstance(input, Tensor) or not self._fits(input.ndim):
            raise self._bad_input(input)
        return input.flatten(self.start_dim, self.end_dim)

    def _fits(self, ndim):
        """Whether both dims exist in an ``ndim``-d input (a 0-d input counts
        as 1-d, as in PyTorch) and start_dim does not come after end_dim."""
        n = max(ndim, 1)
        if not (-n <= self.start_dim < n and -n <= self.end_dim < n):
            return False
        return self.start_dim % n <= self.end_dim % n

    def _bad_input(self, x):
        where = f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim})"
        if not isinstance(x, Tensor):
            return not_tensor(where, "input", 1, x)
        return ArgumentError(f"{where} cannot flatten dims {self.start_dim}..{self.end_dim} of "
                             f"a {x.ndim}-d input of shape {x.shape}")

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Maxout(Module):
    """Maxout unit (Goodfellow et al., 2013): each of the ``out_features``
    outputs is the max of ``pieces`` affine maps of the input,
    ``y_j = max_k (w_jk . x + b_jk)``.  With enough pieces it can learn any
    convex activation (ReLU and |x| are two-piece cases), and it never dies.

    Parameters: ``weight`` (out_features * pieces, in_features) and ``bias``
    (out_features * pieces,); rows ``j * pieces .. j * pieces + pieces - 1``
    are the pieces of output ``j``.  All pieces come from one matmul, then
    a reshape to (..., out_features, pieces) and ``amax`` over the last dim.

    Ties: when several pieces share the max, the gradient is split equally
    among them (``amax``'s rule).  With distinct pieces, ties have
    probability zero; identical pieces stay identical, so initialise them
    randomly (the default, as Linear: kaiming-uniform with a = sqrt(5),
    i.e. U(-1/sqrt(in), 1/sqrt(in)), and the bias likewise).
    """

    def __init__(self, in_features, out_features, pieces, bias=True, device=None, dtype=None):
        super().__init__()
        device_arg(device, "Maxout")
        self.in_features = size_arg(in_features, "in_features", "Maxout", 1)
        self.out_features = size_arg(out_features, "out_features", "Maxout", 1)
        self.pieces = size_arg(pieces, "pieces", "Maxout", 1)
        rows = self.out_features * self.pieces
        self.weight = Parameter(ag.zeros(rows, self.in_features, dtype=dtype))
        self.bias = Parameter(ag.zeros(rows, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        """Linear's default: kaiming-uniform with a = sqrt(5) gives the bound
        gain * sqrt(3 / fan_in) = sqrt(2 / 6) * sqrt(3 / fan_in) = 1/sqrt(fan_in);
        the bias uses the same bound."""
        kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            uniform_(self.bias, -bound, bound)

    def forward(self, input):
        if not isinstance(input, Tensor) or input.shape[-1:] != (self.in_features,):
            where = f"Maxout({self.in_features}, {self.out_features}, pieces={self.pieces})"
            if not isinstance(input, Tensor):
                raise not_tensor(where, "input", 1, input)
            raise ArgumentError(f"{where} expected input (*, {self.in_features}), got "
                                f"{input.shape}")
        return maxout(input, self.weight, self.bias, self.pieces)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"pieces={self.pieces}, bias={self.bias is not None}")

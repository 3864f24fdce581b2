"""Weight initialisation, in place, with PyTorch's names and formulas.

Why the scales: a layer's output variance is (fan × weight variance × input
variance).  Xavier/Glorot keeps the variance of both the signal and its
gradient near 1 for symmetric activations (std = gain·√(2/(fan_in+fan_out)));
Kaiming/He corrects for ReLU zeroing half the signal (std = gain/√fan).

Every function writes under `no_grad` (so it works on parameters that
require grad), keeps the tensor's dtype, draws from the library's one
generator (so `autograd.manual_seed` makes initialisation reproducible;
pass ``generator=`` for a private stream) and returns the tensor.
"""
import math
import numbers
import warnings

import numpy as np

from autograd import Tensor, no_grad
from autograd import factories as _factories
from autograd.errors import ArgumentError, DTypeError

_LINEAR_LIKE = ("linear", "identity", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                "conv_transpose2d", "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity, param=None):
    """The factor that restores unit variance after ``nonlinearity``
    (√2 for ReLU, 5/3 for tanh, 1 for linear layers and sigmoid)."""
    if nonlinearity in _LINEAR_LIKE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, numbers.Real) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain('leaky_relu', param): the negative slope must "
                             f"be a number, got {param!r}")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; use one of "
                     f"{', '.join(_LINEAR_LIKE + ('tanh', 'relu', 'leaky_relu', 'selu'))}")


def _calculate_fan_in_and_fan_out(tensor):
    """Inputs and outputs feeding one unit: for a Linear weight (out, in)
    that is (in, out); for a conv weight (out, in/groups, kh, kw) each
    count is multiplied by the kernel's area."""
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dimensions, "
                         f"got shape {tuple(shape)}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fans(tensor, fn):
    """`_calculate_fan_in_and_fan_out`, with the function named in the error."""
    if tensor.ndim < 2:
        raise ValueError(f"nn.init.{fn}: fan in and fan out need a tensor with at least 2 "
                         f"dimensions, got shape {tuple(tensor.shape)}")
    return _calculate_fan_in_and_fan_out(tensor)


def _fan(tensor, mode, fn):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"nn.init.{fn}: mode {mode!r} not supported; use 'fan_in' (preserves "
                         "the forward signal's variance) or 'fan_out' (preserves the "
                         "gradient's)")
    fan_in, fan_out = _fans(tensor, fn)
    return fan_in if mode == "fan_in" else fan_out


def _check(tensor, label, floating=True):
    """The tensor to fill: random draws need a floating-point one (PyTorch
    has no integer kernels for them); constants fit any dtype."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init.{label}: expected a Tensor, got {type(tensor).__name__}")
    if floating and tensor.dtype.kind != "f":
        raise DTypeError(f"nn.init.{label}: expected a floating-point tensor, got dtype "
                         f"{tensor.dtype}")


def _real(value, fn, arg):
    """A float argument as a Python float; a 0-d tensor works, as in PyTorch."""
    if isinstance(value, Tensor):
        value = value._data
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "biuf":
        return float(value.item())
    if not isinstance(value, numbers.Real):
        raise TypeError(f"nn.init.{fn}: {arg} must be a real number, got {value!r} "
                        f"({type(value).__name__})")
    return float(value)


def _check_std(std, fn, arg="std"):
    """A normal's standard deviation: >= 0 (NaN refused), as PyTorch."""
    if not std >= 0:
        raise ArgumentError(f"nn.init.{fn}: {arg} must be >= 0, got {std}")
    return std


def _check_bounds(tensor, a, b, fn, names=("a", "b")):
    """U(a, b) needs finite bounds, in range for the tensor's dtype, with
    a <= b and a width the dtype can hold -- PyTorch's checks."""
    top = float(np.finfo(tensor.dtype).max)
    for name, v in zip(names, (a, b)):
        if not abs(v) <= top:
            raise ArgumentError(f"nn.init.{fn}: {name}={v} is not a finite {tensor.dtype} "
                                "value")
    if a > b:
        raise ArgumentError(f"nn.init.{fn}: the range [{names[0]}, {names[1]}) must not be "
                            f"reversed, got {names[0]}={a} > {names[1]}={b}")
    if not b - a <= top:
        raise ArgumentError(f"nn.init.{fn}: {names[1]} - {names[0]} = {b - a} exceeds the "
                            f"largest {tensor.dtype} value")


def _fill(tensor, values):
    """Write ``values`` into ``tensor`` (bumping its version, so a graph
    that saved the old value refuses to use it)."""
    with no_grad():
        tensor.copy_(np.asarray(values).astype(tensor.dtype, copy=False))
    return tensor


def _rng(generator):
    return _factories.generator() if generator is None else generator


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with draws from U(a, b)."""
    _check(tensor, "uniform_")
    a, b = _real(a, "uniform_", "a"), _real(b, "uniform_", "b")
    _check_bounds(tensor, a, b, "uniform_")
    return _fill(tensor, _rng(generator).uniform(a, b, tensor.shape))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with draws from N(mean, std²)."""
    _check(tensor, "normal_")
    mean = _real(mean, "normal_", "mean")
    std = _check_std(_real(std, "normal_", "std"), "normal_")
    return _fill(tensor, _rng(generator).normal(mean, std, tensor.shape))


def constant_(tensor, val):
    """Fill with ``val``; any dtype, as in PyTorch (a float into an integer
    tensor is truncated; a value the dtype cannot hold is refused)."""
    _check(tensor, "constant_", floating=False)
    return _fill(tensor, np.full(tensor.shape, _fill_value(tensor.dtype, val)))


def _fill_value(dtype, val):
    if isinstance(val, Tensor):
        val = val._data
    if isinstance(val, np.ndarray) and val.size == 1:
        val = val.item()
    if not isinstance(val, numbers.Real):
        raise TypeError(f"nn.init.constant_: val must be a real number, got {val!r} "
                        f"({type(val).__name__})")
    if dtype.kind == "b":
        return bool(val)
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    fits = (abs(val) <= info.max or not math.isfinite(val)) if dtype.kind == "f" else \
        (math.isfinite(val) and info.min <= int(val) <= info.max)
    if not fits:
        raise ArgumentError(f"nn.init.constant_: val={val!r} cannot be converted to {dtype} "
                            "without overflow")
    return int(val) if dtype.kind in "iu" else val


def zeros_(tensor):
    return constant_(tensor, 0.0)


def ones_(tensor):
    return constant_(tensor, 1.0)


def _xavier_std(tensor, gain, fn):
    """gain·√(2/(fan_in+fan_out)); a negative or NaN gain is refused (PyTorch
    refuses the reversed range or negative std it would make)."""
    _check_std(_real(gain, fn, "gain"), fn, "gain")
    fan_in, fan_out = _fans(tensor, fn)
    if fan_in + fan_out == 0:
        raise ZeroDivisionError(f"nn.init.{fn}: fan_in + fan_out is 0 for shape "
                                f"{tuple(tensor.shape)}; the Xavier scale is undefined")
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """U(-a, a) with a = gain·√(6/(fan_in+fan_out)) (Glorot & Bengio, 2010)."""
    _check(tensor, "xavier_uniform_")
    bound = math.sqrt(3.0) * _xavier_std(tensor, gain, "xavier_uniform_")
    return _fill(tensor, _rng(generator).uniform(-bound, bound, tensor.shape))


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std²) with std = gain·√(2/(fan_in+fan_out))."""
    _check(tensor, "xavier_normal_")
    std = _xavier_std(tensor, gain, "xavier_normal_")
    return _fill(tensor, _rng(generator).normal(0.0, std, tensor.shape))


def _kaiming_std(tensor, a, mode, nonlinearity, fn):
    if tensor.numel() == 0:
        warnings.warn(f"nn.init.{fn}: initializing a zero-element tensor is a no-op",
                      UserWarning, stacklevel=3)
        return 0.0
    return calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode, fn))


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """U(-b, b) with b = gain·√(3/fan) (He et al., 2015); ``a`` is the
    leaky-ReLU negative slope that sets the gain.  PyTorch's Linear and
    Conv2d use this with a = √5."""
    _check(tensor, "kaiming_uniform_")
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    return _fill(tensor, _rng(generator).uniform(-bound, bound, tensor.shape))


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """N(0, std²) with std = gain/√fan."""
    _check(tensor, "kaiming_normal_")
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_")
    return _fill(tensor, _rng(generator).normal(0.0, std, tensor.shape))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with draws from N(mean, std²) truncated to [a, b] (the ViT/GPT
    initialisation).  Drawn exactly, by inverting the normal CDF on a
    uniform sample of [Φ(α), Φ(β)] (α, β the standardized bounds), so no
    value falls outside [a, b] and none is redrawn."""
    _check(tensor, "trunc_normal_")
    mean = _real(mean, "trunc_normal_", "mean")
    std = _check_std(_real(std, "trunc_normal_", "std"), "trunc_normal_")
    a, b = _real(a, "trunc_normal_", "a"), _real(b, "trunc_normal_", "b")
    if not a <= b:
        raise ArgumentError(f"nn.init.trunc_normal_: the range [a, b] must not be reversed, "
                            f"got a={a} > b={b}")
    if std == 0:
        return _fill(tensor, np.full(tensor.shape, min(max(mean, a), b)))
    cdf = np.vectorize(lambda z: 0.5 * (1.0 + math.erf(z / math.sqrt(2.0))))
    lo, hi = cdf((a - mean) / std), cdf((b - mean) / std)
    u = _rng(generator).uniform(2 * lo - 1, 2 * hi - 1, tensor.shape)
    with no_grad():
        z = _factories.tensor(u).erfinv().numpy()
    return _fill(tensor, np.clip(mean + std * math.sqrt(2.0) * z, a, b))

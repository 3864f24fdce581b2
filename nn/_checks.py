"""What `nn` says when a layer, a functional or a loss is misused.

The checks themselves stay inline at each call site (one ``isinstance`` or
one shape comparison, which costs nothing measurable); only the building of
the message lives here, and it runs only when an error is raised.

Exception types are the engine's (`autograd.errors`): `ArgumentError`
(ValueError and RuntimeError) for a shape or value that does not fit,
`DTypeError` (TypeError and RuntimeError) for a dtype, so an ``except``
clause written for either library -- or ported from PyTorch -- catches them.
"""
import numbers

import numpy as np

from autograd.errors import ArgumentError
from autograd.tensor import Tensor


def not_tensor(where, arg, position, value):
    """The TypeError for a non-Tensor argument, worded as PyTorch words it
    (``linear(): argument 'input' (position 1) must be Tensor, not list``),
    plus how to make one."""
    return TypeError(f"{where}: argument {arg!r} (position {position}) must be Tensor, not "
                     f"{type(value).__name__}; wrap data with autograd.tensor(...)")


def check_layer_tensors(where, input, weight, bias):
    """The (input, weight, bias) of a functional layer (linear, conv2d,
    maxout) must be tensors; bias may be None."""
    if not isinstance(input, Tensor):
        raise not_tensor(where, "input", 1, input)
    if not isinstance(weight, Tensor):
        raise not_tensor(where, "weight", 2, weight)
    if bias is not None and not isinstance(bias, Tensor):
        raise not_tensor(where, "bias", 3, bias)


def size_arg(value, arg, where, minimum=0):
    """A layer size (features, channels, pieces...) as an int >= ``minimum``.

    Floats and bools are refused with TypeError (PyTorch refuses floats when
    it allocates the weight; a bool size is always a slip), and a size below
    ``minimum`` with `ArgumentError` (PyTorch: RuntimeError, "negative
    dimension")."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: {arg} must be an int, got {value!r} "
                        f"({type(value).__name__})")
    if value < minimum:
        raise ArgumentError(f"{where}: {arg} must be >= {minimum}, got {value}")
    return int(value)


def real_arg(value, arg, where):
    """A float hyperparameter (slope, alpha, eps...), refused with TypeError
    when it is not a real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {arg} must be a real number, got {value!r} "
                        f"({type(value).__name__})")
    return value


def dim_arg(value, arg, where, allow_none=False):
    """A dimension index (an int; None where PyTorch allows it)."""
    if value is None and allow_none:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: {arg} must be an int, got {value!r} "
                        f"({type(value).__name__})")
    return int(value)

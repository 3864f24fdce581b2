"""Argument normalization shared by the spatial layers."""
import numpy as np

from autograd.errors import ArgumentError


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def pair(value, name, layer, minimum=0):
    """An int or a 2-sequence of ints, as PyTorch's spatial layers accept.

    A non-int (``kernel_size=2.5``, a string, a triple) is a TypeError, as in
    PyTorch; a value below ``minimum`` is a `ArgumentError` (PyTorch raises
    RuntimeError for these when the layer runs; refusing at construction
    names the argument while the mistake is still on screen)."""
    if _is_int(value):
        value = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(map(_is_int, value)):
        value = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{layer}: {name} must be an int or a pair of ints, got {value!r}")
    if value[0] < minimum or value[1] < minimum:
        raise ArgumentError(f"{layer}: {name} must be >= {minimum}, got {value}")
    return value

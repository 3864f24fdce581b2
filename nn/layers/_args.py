"""Argument normalization shared by the spatial layers."""
import numpy as np

from autograd.errors import ArgumentError


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


_WORDS = {1: "a 1-tuple", 2: "a pair", 3: "a triple"}


def pair(value, name, layer, minimum=0):
    """An int or a 2-sequence of ints, as PyTorch's spatial layers accept.

    A non-int (``kernel_size=2.5``, a string, a triple) is a TypeError, as in
    PyTorch; a value below ``minimum`` is a `ArgumentError` (PyTorch raises
    RuntimeError for these when the layer runs; refusing at construction
    names the argument while the mistake is still on screen)."""
    return ntuple(value, 2, name, layer, minimum)


def triple(value, name, layer, minimum=0):
    """An int or a 3-sequence of ints (the 3-d layers' sizes; see `pair`)."""
    return ntuple(value, 3, name, layer, minimum)


def ntuple(value, n, name, layer, minimum=0):
    """An int (repeated ``n`` times) or an ``n``-sequence of ints, as a tuple."""
    if _is_int(value):
        value = (int(value),) * n
    elif isinstance(value, (tuple, list)) and len(value) == n and all(map(_is_int, value)):
        value = tuple(int(v) for v in value)
    else:
        raise TypeError(f"{layer}: {name} must be an int or {_WORDS[n]} of ints, got {value!r}")
    if min(value) < minimum:
        raise ArgumentError(f"{layer}: {name} must be >= {minimum}, got {value}")
    return value

"""`Size`: the type of ``Tensor.shape`` and ``Tensor.size()``, as PyTorch's.

A tuple of ints -- it equals, hashes and unpacks like the plain tuple, and
NumPy takes it as a shape -- that prints as ``Size([2, 3])``, stays a
`Size` when sliced, added or repeated, and counts its elements with
``numel()``.

Inside an f-string (``f"got {x.shape}"``) it keeps the plain tuple form,
``(2, 3)``: every error message in the library names shapes that way, and
reads better for it; ``print(x.shape)``, ``str`` and ``repr`` give the
``Size([2, 3])`` form.
"""
import math

import numpy as np


class Size(tuple):
    """``Size([2, 3])``: a shape.  ``Size()`` is the shape of a 0-d tensor."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        sizes = tuple(sizes)
        for i, s in enumerate(sizes):
            if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
                raise TypeError(f"Size() takes an iterable of 'int' (item {i} is "
                                f"'{type(s).__name__}')")
        return tuple.__new__(cls, map(int, sizes))

    def numel(self):
        """The number of elements a tensor of this shape holds."""
        return math.prod(self)

    def __getitem__(self, key):
        item = tuple.__getitem__(self, key)
        return _size(item) if type(key) is slice else item

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return _size(tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return _size(tuple.__add__(other, self))

    def __mul__(self, n):
        return _size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __repr__(self):
        return f"Size({list(self)!r})"

    __str__ = __repr__

    def __format__(self, spec):
        return format(tuple(self), spec)

    def __reduce__(self):
        return Size, (tuple(self),)


def _size(shape):
    """A `Size` of a tuple already known to hold ints (no checks: this is
    what ``Tensor.shape`` returns on every call)."""
    return tuple.__new__(Size, shape)

"""Exception classes for misuse that PyTorch reports as ``RuntimeError``.

PyTorch raises ``RuntimeError`` for a bad size, dim list or value range
(``zeros(-1)``, ``chunk(0)``, ``randint(5, 5)``) and for a dtype an op does
not support; Python code (and chainrule's own history) says ``ValueError``
and ``TypeError`` for the same things.  These classes derive from both, so
code ported from PyTorch that catches ``RuntimeError`` and code that catches
the Python exception both keep working.
"""


class ArgumentError(ValueError, RuntimeError):
    """An argument of the right type with a value the op cannot accept."""


class ShapeError(ArgumentError):
    """A size, shape or dim list that is invalid or does not fit the tensor."""


class DTypeError(TypeError, RuntimeError):
    """A tensor whose dtype the op does not support."""


class IntegerDivisionByZero(ArgumentError, ZeroDivisionError):
    """Integer division or remainder by zero (PyTorch raises RuntimeError
    "ZeroDivisionError"; NumPy would return 0 with a warning)."""
class DeviceError(ArgumentError, AssertionError):
    """A device other than the CPU (chainrule computes on the CPU only).
    A RuntimeError, as PyTorch raises when a device is missing; also an
    AssertionError, which is what a CPU-only PyTorch build raises for
    ``'cuda'``, so code written against either keeps catching it."""

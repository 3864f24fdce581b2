"""Constraints: the sets a distribution's parameters and values live in.

Each constraint checks a NumPy array (no graph is built: validation is
bookkeeping, not computation) and returns a boolean array over the batch,
the event dimensions reduced.  Their reprs are PyTorch's, since they appear
in the ValueError a failed check raises.
"""
import numpy as np


class Constraint:
    """A set of values; ``check(array)`` says, per batch element, whether it is inside."""

    event_dim = 0

    def check(self, value):
        raise NotImplementedError

    def __repr__(self):
        return type(self).__name__ + "()"


class _Real(Constraint):
    def check(self, value):
        return ~np.isnan(value)  # NaN is the only real-typed value outside

    def __repr__(self):
        return "Real()"


class _Boolean(Constraint):
    def check(self, value):
        return (value == 0) | (value == 1)

    def __repr__(self):
        return "Boolean()"


class _Bound(Constraint):
    """One-sided bound; the bound may be an array (a dependent support)."""

    _op, _name, _key = None, None, None

    def __init__(self, bound):
        self.bound = bound

    def check(self, value):
        return self._op(value, self.bound)

    def __repr__(self):
        return f"{self._name}({self._key}={_show(self.bound)})"


class GreaterThan(_Bound):
    """x > lower_bound."""
    _op, _name, _key = staticmethod(np.greater), "GreaterThan", "lower_bound"


class GreaterThanEq(_Bound):
    """x >= lower_bound."""
    _op, _name, _key = staticmethod(np.greater_equal), "GreaterThanEq", "lower_bound"


class LessThan(_Bound):
    """x < upper_bound."""
    _op, _name, _key = staticmethod(np.less), "LessThan", "upper_bound"


class Interval(Constraint):
    """lower_bound <= x <= upper_bound."""

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value):
        return (self.lower_bound <= value) & (value <= self.upper_bound)

    def __repr__(self):
        return (f"Interval(lower_bound={_show(self.lower_bound)}, "
                f"upper_bound={_show(self.upper_bound)})")


class HalfOpenInterval(Interval):
    """lower_bound <= x < upper_bound (Uniform's support)."""

    def check(self, value):
        return (self.lower_bound <= value) & (value < self.upper_bound)

    def __repr__(self):
        return "Half" + super().__repr__().replace("Interval", "OpenInterval", 1)


class IntegerInterval(Constraint):
    """Integers in [lower_bound, upper_bound] (Categorical's support)."""

    def __init__(self, lower_bound, upper_bound):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value):
        return ((value % 1 == 0) & (self.lower_bound <= value)
                & (value <= self.upper_bound))

    def __repr__(self):
        return (f"IntegerInterval(lower_bound={self.lower_bound}, "
                f"upper_bound={self.upper_bound})")


class _Simplex(Constraint):
    event_dim = 1

    def check(self, value):
        return np.all(value >= 0, axis=-1) & (np.abs(value.sum(-1) - 1) < 1e-6)

    def __repr__(self):
        return "Simplex()"


class _OneHot(Constraint):
    event_dim = 1

    def check(self, value):
        return np.all((value == 0) | (value == 1), axis=-1) & (value.sum(-1) == 1)

    def __repr__(self):
        return "OneHot()"


class _RealVector(Constraint):
    event_dim = 1

    def check(self, value):
        return np.all(~np.isnan(value), axis=-1)

    def __repr__(self):
        return "IndependentConstraint(Real(), 1)"


class _LowerCholesky(Constraint):
    event_dim = 2

    def check(self, value):
        lower = np.all(np.triu(value, 1) == 0, axis=(-2, -1))
        return lower & np.all(np.diagonal(value, axis1=-2, axis2=-1) > 0, axis=-1)

    def __repr__(self):
        return "LowerCholesky()"


class _PositiveDefinite(Constraint):
    event_dim = 2

    def check(self, value):
        symmetric = np.all(np.isclose(value, np.swapaxes(value, -1, -2), atol=1e-6),
                           axis=(-2, -1))
        eig = np.linalg.eigvalsh(value) if value.size else np.ones(value.shape[:-1])
        return symmetric & np.all(eig > 0, axis=-1)

    def __repr__(self):
        return "PositiveDefinite()"


class IndependentConstraint(Constraint):
    """``base`` on each element, its last ``n`` dimensions forming one event."""

    def __init__(self, base, n):
        self.base, self.n = base, n
        self.event_dim = base.event_dim + n

    def check(self, value):
        ok = self.base.check(value)
        return np.all(ok, axis=tuple(range(-self.n, 0))) if self.n else ok

    def __repr__(self):
        return f"IndependentConstraint({self.base!r}, {self.n})"


def _show(bound):
    arr = np.asarray(bound)
    return repr(float(arr)) if arr.ndim == 0 else f"<array of shape {arr.shape}>"


real = _Real()
boolean = _Boolean()
positive = GreaterThan(0.0)
nonnegative = GreaterThanEq(0.0)
unit_interval = Interval(0.0, 1.0)
simplex = _Simplex()
one_hot = _OneHot()
real_vector = _RealVector()
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()

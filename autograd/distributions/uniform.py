"""`Uniform`: the continuous uniform distribution on [low, high)."""
import math

from ..ops.elementwise import where
from . import constraints
from .distribution import Distribution, broadcast_all, noise


class Uniform(Distribution):
    """The continuous uniform distribution on the half-open interval [low, high)."""

    arg_constraints = {"low": constraints.real, "high": constraints.real}
    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high)
        super().__init__(self.low.shape, validate_args=validate_args)

    def _check_parameters(self):
        super()._check_parameters()
        bound = constraints.LessThan(self.high._data)
        if not (self.low._data < self.high._data).all():
            raise ValueError(
                f"Expected parameter low ({type(self.low).__name__} of shape "
                f"{tuple(self.low.shape)}) of distribution {self!r} to satisfy the "
                f"constraint {bound!r}, but found invalid values:\n{self.low}")

    @property
    def support(self):
        return constraints.HalfOpenInterval(self.low._data, self.high._data)

    @property
    def mean(self):
        return (self.high + self.low) / 2

    @property
    def mode(self):
        return self.low * float("nan")

    @property
    def variance(self):
        return (self.high - self.low) ** 2 / 12

    @property
    def stddev(self):
        return (self.high - self.low) / math.sqrt(12)

    def rsample(self, sample_shape=()):
        u = noise("uniform", self._extended_shape(sample_shape), self.low)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        self._check_value(value)
        inside = (self.low <= value) & (self.high > value)
        return where(inside, -(self.high - self.low).log(), float("-inf"))

    def cdf(self, value):
        self._check_value(value)
        return ((value - self.low) / (self.high - self.low)).clamp(0, 1)

    def icdf(self, value):
        return value * (self.high - self.low) + self.low

    def entropy(self):
        return (self.high - self.low).log()

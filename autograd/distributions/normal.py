"""`Normal`: the Gaussian distribution over the reals."""
import math

from . import constraints
from .distribution import LOG_SQRT_2PI, Distribution, broadcast_all, noise

_SQRT2 = math.sqrt(2.0)


class Normal(Distribution):
    """The normal (Gaussian) distribution with mean ``loc`` and standard deviation ``scale``."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(self.loc.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale ** 2

    def rsample(self, sample_shape=()):
        eps = noise("normal", self._extended_shape(sample_shape), self.loc)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        self._check_value(value)
        return (-((value - self.loc) ** 2) / (2 * self.scale ** 2)
                - self.scale.log() - LOG_SQRT_2PI)

    def cdf(self, value):
        self._check_value(value)
        return 0.5 * (1 + ((value - self.loc) / (self.scale * _SQRT2)).erf())

    def icdf(self, value):
        return self.loc + self.scale * (2 * value - 1).erfinv() * _SQRT2

    def entropy(self):
        return 0.5 + LOG_SQRT_2PI + self.scale.log()

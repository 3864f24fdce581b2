"""`Laplace`: the double-exponential distribution over the reals."""
import math

import numpy as np

from . import constraints
from .distribution import Distribution, broadcast_all, noise

_SQRT2 = math.sqrt(2.0)


class Laplace(Distribution):
    """The Laplace distribution: density exp(-|x - loc| / scale) / (2 scale)."""

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
    def variance(self):
        return 2 * self.scale ** 2

    @property
    def stddev(self):
        return _SQRT2 * self.scale

    def rsample(self, sample_shape=()):
        # u uniform on (-1, 1), kept off -1 so log1p(-|u|) stays finite
        tiny = float(np.finfo(self.loc._data.dtype).eps)
        u = noise("uniform", self._extended_shape(sample_shape), self.loc) * (2 - tiny) - (1 - tiny)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value):
        self._check_value(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        self._check_value(value)
        z = value - self.loc
        return 0.5 - 0.5 * z.sign() * (-z.abs() / self.scale).expm1()

    def icdf(self, value):
        term = value - 0.5
        return self.loc - self.scale * term.sign() * (-2 * term.abs()).log1p()

    def entropy(self):
        return 1 + (2 * self.scale).log()

"""`Exponential`: the waiting-time distribution with a constant rate."""
from . import constraints
from .distribution import Distribution, broadcast_all, noise


class Exponential(Distribution):
    """The exponential distribution with rate ``rate`` (mean 1 / rate)."""

    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.rate.reciprocal()

    @property
    def mode(self):
        return self.rate * 0

    @property
    def variance(self):
        return self.rate ** -2

    @property
    def stddev(self):
        return self.rate.reciprocal()

    def rsample(self, sample_shape=()):
        u = noise("uniform", self._extended_shape(sample_shape), self.rate)
        return -(-u).log1p() / self.rate  # u in [0, 1): -log(1 - u) is finite

    def log_prob(self, value):
        self._check_value(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        self._check_value(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value):
        return -(-value).log1p() / self.rate

    def entropy(self):
        return 1.0 - self.rate.log()

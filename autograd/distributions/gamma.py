"""`Gamma`, `Beta` and `Dirichlet`: the distributions built on the gamma function.

Their log-densities and entropies use the library's ``lgamma`` and
``digamma`` and differentiate to the parameters.  Draws come from NumPy's
gamma sampler on the library generator; they are not reparameterized
(PyTorch's ``rsample`` for these needs the incomplete gamma function's
derivative, which the library does not have), so ``rsample`` raises.
"""
import numpy as np

from .. import factories as _factories
from . import constraints
from .distribution import Distribution, broadcast_all, rng


def _gamma_draws(alpha, shape, dtype, rate=1.0):
    """Gamma(alpha, rate) draws of ``shape`` (parameters broadcast) in ``dtype``, kept
    off exact zero (small concentrations underflow; zero is outside the support)."""
    draws = rng().standard_gamma(np.broadcast_to(alpha, shape)) / rate
    return np.maximum(draws, np.finfo(dtype).tiny).astype(dtype)


def _lbeta_pair(a, b):
    return a.lgamma() + b.lgamma() - (a + b).lgamma()


class Gamma(Distribution):
    """The gamma distribution with shape ``concentration`` and inverse scale ``rate``."""

    arg_constraints = {"concentration": constraints.positive, "rate": constraints.positive}
    support = constraints.nonnegative

    def __init__(self, concentration, rate, validate_args=None):
        self.concentration, self.rate = broadcast_all(concentration, rate)
        super().__init__(self.rate.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.rate

    @property
    def mode(self):
        return ((self.concentration - 1) / self.rate).clamp(min=0)

    @property
    def variance(self):
        return self.concentration / self.rate ** 2

    def sample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        dtype = self.rate._data.dtype
        return _factories.from_numpy(
            _gamma_draws(self.concentration._data, shape, dtype, self.rate._data))

    def log_prob(self, value):
        self._check_value(value)
        a, r = self.concentration, self.rate
        return a.xlogy(r) + (a - 1).xlogy(value) - r * value - a.lgamma()

    def entropy(self):
        a = self.concentration
        return a - self.rate.log() + a.lgamma() + (1 - a) * a.digamma()


class Dirichlet(Distribution):
    """The Dirichlet distribution on the probability simplex, with ``concentration``
    along the last dimension."""

    arg_constraints = {"concentration": constraints.IndependentConstraint(constraints.positive, 1)}
    support = constraints.simplex

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("Dirichlet: `concentration` parameter must be at least "
                             f"one-dimensional, got shape {tuple(concentration.shape)}")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:],
                         validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, keepdim=True)

    @property
    def variance(self):
        a = self.concentration
        a0 = a.sum(-1, keepdim=True)
        return a * (a0 - a) / (a0 ** 2 * (a0 + 1))

    def sample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        g = _gamma_draws(self.concentration._data, shape, self.concentration._data.dtype)
        return _factories.from_numpy(g / g.sum(-1, keepdims=True))

    def log_prob(self, value):
        self._check_value(value)
        a = self.concentration
        return ((a - 1).xlogy(value).sum(-1) + a.sum(-1).lgamma() - a.lgamma().sum(-1))

    def entropy(self):
        a = self.concentration
        k = a.shape[-1]
        a0 = a.sum(-1)
        return (a.lgamma().sum(-1) - a0.lgamma() - (k - a0) * a0.digamma()
                - ((a - 1) * a.digamma()).sum(-1))


class Beta(Distribution):
    """The beta distribution on [0, 1] with ``concentration1`` (alpha) and
    ``concentration0`` (beta)."""

    arg_constraints = {"concentration1": constraints.positive,
                       "concentration0": constraints.positive}
    support = constraints.unit_interval

    def __init__(self, concentration1, concentration0, validate_args=None):
        self.concentration1, self.concentration0 = broadcast_all(concentration1, concentration0)
        super().__init__(self.concentration1.shape, validate_args=validate_args)

    @property
    def mean(self):
        return self.concentration1 / (self.concentration1 + self.concentration0)

    @property
    def variance(self):
        a, b = self.concentration1, self.concentration0
        total = a + b
        return a * b / (total ** 2 * (total + 1))

    def sample(self, sample_shape=()):
        shape = tuple(self._extended_shape(sample_shape))
        dtype = self.concentration1._data.dtype
        x = _gamma_draws(self.concentration1._data, shape, dtype)
        y = _gamma_draws(self.concentration0._data, shape, dtype)
        return _factories.from_numpy((x / (x + y)).astype(dtype))

    def log_prob(self, value):
        self._check_value(value)
        a, b = self.concentration1, self.concentration0
        return ((a - 1).xlogy(value) + (b - 1).xlogy(1 - value) - _lbeta_pair(a, b))

    def entropy(self):
        a, b = self.concentration1, self.concentration0
        return (_lbeta_pair(a, b) - (a - 1) * a.digamma() - (b - 1) * b.digamma()
                + (a + b - 2) * (a + b).digamma())

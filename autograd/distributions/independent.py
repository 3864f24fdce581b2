"""`Independent`: reinterpret batch dimensions of a distribution as event dimensions."""
from ..size import Size
from . import constraints
from .distribution import Distribution, sum_rightmost


class Independent(Distribution):
    """A distribution whose rightmost ``reinterpreted_batch_ndims`` batch dimensions
    become event dimensions (log_prob and entropy sum over them); e.g. a diagonal
    Gaussian is ``Independent(Normal(loc, scale), 1)``."""

    arg_constraints = {}

    def __init__(self, base_distribution, reinterpreted_batch_ndims, validate_args=None):
        n = reinterpreted_batch_ndims
        shape = base_distribution.batch_shape + base_distribution.event_shape
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError("Independent: reinterpreted_batch_ndims must be a non-negative "
                             f"int, got {n!r}")
        if n > len(base_distribution.batch_shape):
            raise ValueError("Expected reinterpreted_batch_ndims <= "
                             "len(base_distribution.batch_shape), actual "
                             f"{n} vs {len(base_distribution.batch_shape)}")
        event_dim = n + len(base_distribution.event_shape)
        self.base_dist = base_distribution
        self.reinterpreted_batch_ndims = n
        super().__init__(shape[:len(shape) - event_dim], shape[len(shape) - event_dim:],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        batch_shape = Size(batch_shape)
        n = self.reinterpreted_batch_ndims
        base = self.base_dist.expand(batch_shape + self._event_shape[:n])
        return Independent(base, n, validate_args=False)

    @property
    def has_rsample(self):
        return self.base_dist.has_rsample

    @property
    def support(self):
        base = self.base_dist.support
        n = self.reinterpreted_batch_ndims
        return constraints.IndependentConstraint(base, n) if n else base

    @property
    def mean(self):
        return self.base_dist.mean

    @property
    def mode(self):
        return self.base_dist.mode

    @property
    def variance(self):
        return self.base_dist.variance

    def sample(self, sample_shape=()):
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()):
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value):
        return sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self):
        return sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def __repr__(self):
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"

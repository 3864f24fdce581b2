"""`OneHotCategorical`: a categorical draw written as a one-hot vector."""
from .. import factories as _factories
from ..size import Size
from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from .utils import _one_hot


class OneHotCategorical(Distribution):
    """The categorical distribution with draws as one-hot vectors of length K."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        super().__init__(self._categorical.batch_shape,
                         self._categorical.param_shape[-1:], validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new._categorical = self._categorical.expand(batch_shape)
        new._batch_shape = Size(batch_shape)
        return new

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def param_shape(self):
        return self._categorical.param_shape

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        index = self.probs.argmax(-1)._data
        return _factories.from_numpy(_one_hot(index, self._event_shape[0], self.probs))

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        index = self._categorical.sample(sample_shape)._data
        return _factories.from_numpy(_one_hot(index, self._event_shape[0], self.probs))

    def log_prob(self, value):
        self._check_value(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self):
        return self._categorical.entropy()

    def __repr__(self):
        return repr(self._categorical).replace("Categorical", "OneHotCategorical", 1)

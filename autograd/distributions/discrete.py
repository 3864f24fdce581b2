"""Discrete distributions: Bernoulli, Categorical, OneHotCategorical.

Each takes ``probs`` or ``logits`` (exactly one); the other is derived on
first use and cached, as PyTorch does.
"""
from functools import cached_property

import numpy as np

from ..size import Size
from .. import factories as _factories
from . import constraints
from .distribution import Distribution, broadcast_all, rng


def _one_of(probs, logits, name):
    if (probs is None) == (logits is None):
        raise ValueError(f"{name}: either `probs` or `logits` must be specified, but not both.")


def _clamp_probs(p):
    eps = float(np.finfo(p._data.dtype).eps)
    return p.clamp(eps, 1 - eps)


class Bernoulli(Distribution):
    """The Bernoulli distribution: 1 with probability ``probs`` (or sigmoid(``logits``)), else 0."""

    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean

    def __init__(self, probs=None, logits=None, validate_args=None):
        _one_of(probs, logits, "Bernoulli")
        if probs is not None:
            (self.probs,) = broadcast_all(probs)
            shape = self.probs.shape
        else:
            (self.logits,) = broadcast_all(logits)
            shape = self.logits.shape
        super().__init__(shape, validate_args=validate_args)

    @cached_property
    def probs(self):
        return self.logits.sigmoid()

    @cached_property
    def logits(self):
        p = _clamp_probs(self.probs)
        return p.log() - (-p).log1p()

    @property
    def param_shape(self):
        return self._batch_shape

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(self.probs.dtype)
        return mode.masked_fill(self.probs == 0.5, float("nan"))

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=Size()):
        shape = self._extended_shape(sample_shape)
        p = np.broadcast_to(self.probs._data, shape)
        draw = rng().random(shape) < p
        return _factories.from_numpy(draw.astype(self.probs._data.dtype))

    def log_prob(self, value):
        self._check_value(value)
        logits, value = broadcast_all(self.logits, value)
        return value * logits - logits.softplus()

    def entropy(self):
        # softplus(l) - l p: the cross-entropy of the distribution with itself
        return self.logits.softplus() - self.logits * self.probs


class Categorical(Distribution):
    """The categorical distribution over 0 .. K-1, with ``probs`` (normalised) or ``logits``
    along the last dimension."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        _one_of(probs, logits, type(self).__name__)
        param = probs if probs is not None else logits
        if param.dim() < 1:
            raise ValueError(f"{type(self).__name__}: `{'probs' if probs is not None else 'logits'}` "
                             "parameter must be at least one-dimensional.")
        if probs is not None:
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            self.logits = logits - logits.logsumexp(-1, keepdim=True)
        self._param = param
        self._num_events = param.shape[-1]
        super().__init__(param.shape[:-1], validate_args=validate_args)

    @cached_property
    def probs(self):
        return self.logits.softmax(-1)

    @cached_property
    def logits(self):
        return _clamp_probs(self.probs).log()

    def expand(self, batch_shape, _instance=None):
        new = super().expand(batch_shape)
        new._param = self._param.expand(Size(batch_shape) + self._param.shape[-1:])
        return new

    @property
    def support(self):
        return constraints.IntegerInterval(0, self._num_events - 1)

    @property
    def param_shape(self):
        return self._param.shape

    @property
    def mean(self):
        return _factories.full(tuple(self._extended_shape()), float("nan"),
                               dtype=self._param.dtype)

    @property
    def mode(self):
        return self.probs.argmax(-1)

    @property
    def variance(self):
        return self.mean

    def sample(self, sample_shape=Size()):
        shape = tuple(self._extended_shape(sample_shape))
        cdf = np.cumsum(self.probs._data, axis=-1)
        cdf = np.broadcast_to(cdf, shape + (self._num_events,))
        u = rng().random(shape + (1,)) * cdf[..., -1:]
        index = np.minimum((u >= cdf).sum(-1), self._num_events - 1)
        return _factories.from_numpy(index.astype(np.int64))

    def log_prob(self, value):
        self._check_value(value)
        value = value.long().unsqueeze(-1)
        shape = tuple(np.broadcast_shapes(tuple(value.shape), tuple(self.logits.shape)))
        index = value.expand(shape[:-1] + (1,))
        return self.logits.expand(shape).gather(-1, index).squeeze(-1)

    def entropy(self):
        tiny = float(np.finfo(self.logits._data.dtype).min)
        return -(self.logits.clamp(min=tiny) * self.probs).sum(-1)

    def enumerate_support(self, expand=True):
        """The values 0 .. K-1, shaped (K,) + batch_shape (expanded unless ``expand=False``)."""
        values = _factories.arange(self._num_events).reshape(
            (-1,) + (1,) * len(self._batch_shape))
        return values.expand((-1,) + tuple(self._batch_shape)) if expand else values


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

    def sample(self, sample_shape=Size()):
        index = self._categorical.sample(sample_shape)._data
        return _factories.from_numpy(_one_hot(index, self._event_shape[0], self.probs))

    def log_prob(self, value):
        self._check_value(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self):
        return self._categorical.entropy()

    def __repr__(self):
        return repr(self._categorical).replace("Categorical", "OneHotCategorical", 1)


def _one_hot(index, k, like):
    return (index[..., None] == np.arange(k)).astype(like._data.dtype)

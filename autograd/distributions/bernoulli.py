"""`Bernoulli`: a 0/1 draw with probability ``probs`` (or sigmoid(``logits``)).

Exactly one of ``probs`` and ``logits`` is given; the other is derived on
first use and cached, as PyTorch does (with its graph: a second backward
through it needs ``retain_graph``, there too).
"""
from functools import cached_property

import numpy as np

from .. import factories as _factories
from . import constraints
from .distribution import Distribution, broadcast_all, rng
from .utils import _clamp_probs, _one_of


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

    def sample(self, sample_shape=()):
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

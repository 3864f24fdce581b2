"""`Categorical`: a draw from 0 .. K-1 with ``probs`` or ``logits`` on the last dimension.

Exactly one of ``probs`` and ``logits`` is given; the other is derived on
first use and cached, as PyTorch does.
"""
from functools import cached_property

import numpy as np

from .. import factories as _factories
from ..size import Size
from . import constraints
from .distribution import Distribution, rng
from .utils import _clamp_probs, _one_of


class Categorical(Distribution):
    """The categorical distribution over 0 .. K-1, with ``probs`` (normalised) or ``logits``
    along the last dimension."""

    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        _one_of(probs, logits, type(self).__name__)
        param = probs if probs is not None else logits
        if param.dim() < 1:
            name = "probs" if probs is not None else "logits"
            raise ValueError(f"{type(self).__name__}: `{name}` parameter must be at least "
                             "one-dimensional.")
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

    def sample(self, sample_shape=()):
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

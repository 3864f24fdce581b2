"""`Distribution`: the base every distribution builds on (shapes, validation, repr)."""
import math

import numpy as np

from .. import dtypes as _dt
from .. import factories as _factories
from ..grad_mode import no_grad
from ..size import Size
from ..tensor import Tensor


class Distribution:
    """A probability distribution with PyTorch's shape conventions.

    ``batch_shape`` indexes independent distributions, ``event_shape`` is the
    shape of one draw; ``sample(sample_shape)`` returns
    ``sample_shape + batch_shape + event_shape``.  Validation is on by
    default (as PyTorch's, which follows ``__debug__``): bad parameters and
    values outside the support raise ValueError naming them.
    """

    has_rsample = False
    arg_constraints = {}
    support = None
    _validate_default = True

    @staticmethod
    def set_default_validate_args(value):
        """Turn validation on or off for distributions created afterwards."""
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args(): expected True or False, got {value!r}")
        Distribution._validate_default = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = Size(batch_shape)
        self._event_shape = Size(event_shape)
        self._validate_args = (Distribution._validate_default if validate_args is None
                               else bool(validate_args))
        if self._validate_args:
            self._check_parameters()

    def _check_parameters(self):
        for name, constraint in self.arg_constraints.items():
            if name not in self.__dict__:
                continue  # the other parametrisation (probs vs logits), derived lazily
            value = self.__dict__[name]
            if not np.all(constraint.check(value._data)):
                raise ValueError(
                    f"Expected parameter {name} (Tensor of shape "
                    f"{tuple(value.shape)}) of distribution {self!r} to satisfy the "
                    f"constraint {constraint!r}, but found invalid values:\n{value}")

    @property
    def batch_shape(self):
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self):
        """The shape of a single sample (without batching)."""
        return self._event_shape

    def _extended_shape(self, sample_shape=()):
        if isinstance(sample_shape, int):
            sample_shape = (sample_shape,)
        return Size(tuple(sample_shape) + self._batch_shape + self._event_shape)

    def sample(self, sample_shape=()):
        """A draw of shape ``sample_shape + batch_shape + event_shape``, not differentiable."""
        with no_grad():
            return self.rsample(sample_shape).detach()

    def sample_n(self, n):
        """``sample((n,))`` (PyTorch's deprecated spelling)."""
        return self.sample((n,))

    def rsample(self, sample_shape=()):
        """A reparameterized draw: gradients flow to the parameters."""
        raise NotImplementedError(f"{type(self).__name__} does not implement rsample "
                                  "(it has no reparameterized sampler); use sample()")

    def log_prob(self, value):
        """The log of the density (or mass) at ``value``."""
        raise NotImplementedError

    def cdf(self, value):
        """The cumulative distribution function at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement cdf")

    def icdf(self, value):
        """The inverse cumulative distribution function at ``value``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement icdf")

    def entropy(self):
        """The entropy, one value per batch element."""
        raise NotImplementedError(f"{type(self).__name__} does not implement entropy")

    def perplexity(self):
        """exp(entropy)."""
        return self.entropy().exp()

    @property
    def mean(self):
        """The mean."""
        raise NotImplementedError(f"{type(self).__name__} does not implement mean")

    @property
    def variance(self):
        """The variance."""
        raise NotImplementedError(f"{type(self).__name__} does not implement variance")

    @property
    def stddev(self):
        """The standard deviation: sqrt(variance)."""
        return self.variance.sqrt()

    def expand(self, batch_shape, _instance=None):
        """The same distribution broadcast to ``batch_shape`` (parameters expanded, not copied)."""
        batch_shape = Size(batch_shape)
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        rank = len(self._batch_shape)
        for name in self.arg_constraints:
            if name in self.__dict__:
                p = self.__dict__[name]
                setattr(new, name, p.expand(batch_shape + p.shape[rank:]))
        new._batch_shape = batch_shape
        return new

    def _validate_sample(self, value):
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor, got "
                             f"{type(value).__name__}")
        ev = len(self._event_shape)
        if ev and tuple(value.shape[-ev:]) != tuple(self._event_shape):
            raise ValueError(f"The right-most size of value must match event_shape: "
                             f"{tuple(value.shape)} vs {tuple(self._event_shape)}.")
        try:
            np.broadcast_shapes(tuple(value.shape), tuple(self._batch_shape + self._event_shape))
        except ValueError:
            raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: "
                             f"{tuple(value.shape)} vs "
                             f"{tuple(self._batch_shape + self._event_shape)}.") from None
        if not np.all(self.support.check(value._data)):
            raise ValueError(
                f"Expected value argument (Tensor of shape "
                f"{tuple(value.shape)}) to be within the support ({self.support!r}) of the "
                f"distribution {self!r}, but found invalid values:\n{value}")

    def _check_value(self, value):
        if self._validate_args:
            self._validate_sample(value)

    def __repr__(self):
        shown = []
        for name in self.arg_constraints:
            if name in self.__dict__:
                p = self.__dict__[name]
                shown.append(f"{name}: {p.item() if p.numel() == 1 else p.shape!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


def as_param(value, like=None):
    """A parameter as a Tensor; numbers take ``like``'s dtype (else the default float)."""
    if isinstance(value, Tensor):
        return value
    dtype = like._data.dtype if like is not None else _dt.DEFAULT_FLOAT
    return _factories.tensor(float(value), dtype=dtype)


def broadcast_all(*values):
    """Tensors (numbers converted) expanded to their common broadcast shape."""
    ref = next((v for v in values if isinstance(v, Tensor)), None)
    tensors = [as_param(v, ref) for v in values]
    shape = Size(np.broadcast_shapes(*(tuple(t.shape) for t in tensors)))
    return [t if t.shape == shape else t.expand(shape) for t in tensors]


def rng():
    """The library's default NumPy generator (``manual_seed`` reseeds it)."""
    return _factories.generator()


def noise(kind, shape, like):
    """Standard noise from the library generator as a constant tensor of ``like``'s dtype."""
    g = rng()
    shape = tuple(shape)
    if kind == "normal":
        arr = g.standard_normal(shape)
    else:  # uniform on [0, 1)
        arr = g.random(shape)
    return _factories.from_numpy(np.asarray(arr, dtype=like._data.dtype))


def sum_rightmost(value, n):
    """Sum over the last ``n`` dimensions (none for n == 0)."""
    return value.sum(tuple(range(-n, 0))) if n > 0 else value


LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)

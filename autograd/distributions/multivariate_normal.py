"""`MultivariateNormal`: the Gaussian over vectors, held by its Cholesky factor."""
import math
from functools import cached_property

import numpy as np

from .. import linalg
from ..ops.matmul import matmul
from ..size import Size
from . import constraints
from .distribution import Distribution, noise


def _batch_mahalanobis(L, x):
    """x^T (L L^T)^-1 x for each batch element (L lower-triangular, x (..., n))."""
    shape = tuple(np.broadcast_shapes(tuple(L.shape[:-2]), tuple(x.shape[:-1])))
    n = L.shape[-1]
    z = linalg.solve(L.expand(shape + (n, n)), x.expand(shape + (n,)).unsqueeze(-1))
    return (z.squeeze(-1) ** 2).sum(-1)


def _half_log_det(L):
    return linalg.diagonal(L).log().sum(-1)


class MultivariateNormal(Distribution):
    """The multivariate normal distribution with mean ``loc`` and one of
    ``covariance_matrix``, ``precision_matrix`` or ``scale_tril`` (the covariance's
    lower Cholesky factor)."""

    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        if loc.dim() < 1:
            raise ValueError("MultivariateNormal: loc must be at least one-dimensional, "
                             f"got shape {tuple(loc.shape)}")
        given = [(n, m) for n, m in (("covariance_matrix", covariance_matrix),
                                     ("precision_matrix", precision_matrix),
                                     ("scale_tril", scale_tril)) if m is not None]
        if len(given) != 1:
            raise ValueError("MultivariateNormal: exactly one of covariance_matrix or "
                             "precision_matrix or scale_tril may be specified, got "
                             f"{[n for n, _ in given] or 'none'}")
        name, matrix = given[0]
        if matrix.dim() < 2:
            raise ValueError(f"MultivariateNormal: {name} must be at least two-dimensional, "
                             f"with optional leading batch dimensions, got shape "
                             f"{tuple(matrix.shape)}")
        try:
            batch = Size(np.broadcast_shapes(tuple(matrix.shape[:-2]), tuple(loc.shape[:-1])))
        except ValueError:
            raise ValueError(f"MultivariateNormal: {name} of shape {tuple(matrix.shape)} does "
                             f"not broadcast with loc of shape {tuple(loc.shape)}") from None
        n = loc.shape[-1]
        if tuple(matrix.shape[-2:]) != (n, n):
            raise ValueError(f"MultivariateNormal: {name} must be ({n}, {n}) to match loc's "
                             f"last dimension, got shape {tuple(matrix.shape)}")
        setattr(self, name, matrix.expand(batch + (n, n)))
        self.loc = loc.expand(batch + (n,))
        super().__init__(batch, Size((n,)), validate_args=validate_args)
        if name == "scale_tril":
            self._unbroadcasted_scale_tril = matrix
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = linalg.cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = linalg.cholesky(linalg.inv(matrix))

    @cached_property
    def scale_tril(self):
        n = self._event_shape[0]
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + (n, n))

    @cached_property
    def covariance_matrix(self):
        L = self._unbroadcasted_scale_tril
        n = self._event_shape[0]
        return matmul(L, L.transpose(-1, -2)).expand(self._batch_shape + (n, n))

    @cached_property
    def precision_matrix(self):
        return linalg.inv(self.covariance_matrix)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        return (self._unbroadcasted_scale_tril ** 2).sum(-1).expand(
            self._batch_shape + self._event_shape)

    def rsample(self, sample_shape=()):
        eps = noise("normal", self._extended_shape(sample_shape), self.loc)
        return self.loc + matmul(self._unbroadcasted_scale_tril, eps.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value):
        self._check_value(value)
        n = self._event_shape[0]
        m = _batch_mahalanobis(self._unbroadcasted_scale_tril, value - self.loc)
        return -0.5 * (n * math.log(2 * math.pi) + m) - _half_log_det(
            self._unbroadcasted_scale_tril)

    def entropy(self):
        n = self._event_shape[0]
        h = 0.5 * n * (1.0 + math.log(2 * math.pi)) + _half_log_det(
            self._unbroadcasted_scale_tril)
        return h.expand(self._batch_shape) if self._batch_shape else h

"""Probability distributions with PyTorch's ``torch.distributions`` interface.

What VAEs, policy-gradient methods and Bayesian models reach for: sampling
(``sample`` without gradient, ``rsample`` reparameterized so gradients flow
to the parameters), ``log_prob``, ``entropy``, moments, ``cdf``/``icdf``,
batch/event shapes and closed-form ``kl_divergence``.  Draws come from the
library's generator, so ``manual_seed`` makes them reproducible.
"""
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Beta, Dirichlet, Gamma
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .uniform import Uniform

__all__ = ["Bernoulli", "Beta", "Categorical", "Dirichlet", "Distribution", "Exponential",
           "Gamma", "Independent",
           "Laplace", "MultivariateNormal", "Normal", "OneHotCategorical", "Uniform",
           "constraints", "kl_divergence", "register_kl"]

"""`kl_divergence` and `register_kl`: closed-form KL(p || q) looked up by the pair's types."""
import numpy as np

from .. import linalg
from ..ops.elementwise import where
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import sum_rightmost
from .exponential import Exponential
from .gamma import Beta, Dirichlet, Gamma, _lbeta_pair
from .independent import Independent
from .laplace import Laplace
from .multivariate_normal import MultivariateNormal, _batch_mahalanobis, _half_log_det
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .uniform import Uniform

_KL = {}


def register_kl(type_p, type_q):
    """Decorator registering ``fn(p, q)`` as KL(p || q) for instances of ``type_p``, ``type_q``
    (subclasses included; the most specific registered pair wins)."""
    for t in (type_p, type_q):
        if not isinstance(t, type):
            raise TypeError(f"register_kl(): expected distribution classes, got {t!r}")

    def decorator(fn):
        _KL[type_p, type_q] = fn
        return fn
    return decorator


def _lookup(tp, tq):
    best = None
    for (p, q), fn in _KL.items():
        if issubclass(tp, p) and issubclass(tq, q):
            rank = (tp.__mro__.index(p), tq.__mro__.index(q))
            if best is None or rank < best[0]:
                best = (rank, fn)
    return best and best[1]


def kl_divergence(p, q):
    """KL(p || q), one value per batch element; NotImplementedError for a pair with no rule."""
    fn = _lookup(type(p), type(q))
    if fn is None:
        raise NotImplementedError(f"kl_divergence(): no KL(p || q) is implemented for p of type "
                                  f"{type(p).__name__} and q of type {type(q).__name__}")
    return fn(p, q)


def _inf_where(mask, value):
    return where(mask, float("inf"), value)


def _zero_where(mask, value):
    return where(mask, 0.0, value)


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    var_ratio = (p.scale / q.scale) ** 2
    t1 = ((p.loc - q.loc) / q.scale) ** 2
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p, q):
    scale_ratio = p.scale / q.scale
    loc_abs_diff = (p.loc - q.loc).abs()
    t1 = -scale_ratio.log()
    t2 = loc_abs_diff / q.scale
    t3 = scale_ratio * (-loc_abs_diff / p.scale).exp()
    return t1 + t2 + t3 - 1


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    rate_ratio = q.rate / p.rate
    return rate_ratio - 1 - rate_ratio.log()


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    pp, qp = p.probs, q.probs
    t1 = pp * ((-q.logits).softplus() - (-p.logits).softplus())
    t1 = _zero_where(pp == 0, _inf_where(qp == 0, t1))
    t2 = (1 - pp) * (q.logits.softplus() - p.logits.softplus())
    t2 = _zero_where(pp == 1, _inf_where(qp == 1, t2))
    return t1 + t2


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    t = p.probs * (p.logits - q.logits)
    t = _zero_where(p.probs == 0, _inf_where(q.probs == 0, t))
    return t.sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehot_onehot(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    result = ((q.high - q.low) / (p.high - p.low)).log()
    return _inf_where((q.low > p.low) | (q.high < p.high), result)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_mvn_mvn(p, q):
    if p.event_shape != q.event_shape:
        raise ValueError("KL-divergence between two Multivariate Normals with different event "
                         f"shapes cannot be computed: {tuple(p.event_shape)} vs "
                         f"{tuple(q.event_shape)}")
    Lp, Lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    n = p.event_shape[0]
    half_term1 = _half_log_det(Lq) - _half_log_det(Lp)
    shape = tuple(np.broadcast_shapes(tuple(Lp.shape), tuple(Lq.shape)))
    term2 = (linalg.solve(Lq.expand(shape), Lp.expand(shape)) ** 2).sum((-2, -1))
    term3 = _batch_mahalanobis(Lq, q.loc - p.loc)
    return half_term1 + 0.5 * (term2 + term3 - n)


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError("kl_divergence(): Independent distributions with different "
                                  f"reinterpreted_batch_ndims ({p.reinterpreted_batch_ndims} vs "
                                  f"{q.reinterpreted_batch_ndims}) have no KL rule")
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)


@register_kl(Gamma, Gamma)
def _kl_gamma_gamma(p, q):
    t1 = q.concentration * (p.rate / q.rate).log()
    t2 = q.concentration.lgamma() - p.concentration.lgamma()
    t3 = (p.concentration - q.concentration) * p.concentration.digamma()
    t4 = (q.rate - p.rate) * (p.concentration / p.rate)
    return t1 + t2 + t3 + t4


@register_kl(Beta, Beta)
def _kl_beta_beta(p, q):
    a, b = p.concentration1, p.concentration0
    c, d = q.concentration1, q.concentration0
    return (_lbeta_pair(c, d) - _lbeta_pair(a, b) + (a - c) * a.digamma()
            + (b - d) * b.digamma() + (c - a + d - b) * (a + b).digamma())


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p, q):
    a, b = p.concentration, q.concentration
    a0 = a.sum(-1)
    t1 = a0.lgamma() - b.sum(-1).lgamma()
    t2 = (a.lgamma() - b.lgamma()).sum(-1)
    t3 = ((a - b) * (a.digamma() - a0.digamma().unsqueeze(-1))).sum(-1)
    return t1 - t2 + t3

"""Issue 11, ``torch.distributions``: ``chainrule.distributions`` gives
PyTorch 2.13's distributions (shapes, validation, repr, sampling,
log_prob/entropy/cdf/icdf, closed-form KL) with gradients flowing to the
parameters.  The core tests write PyTorch's values down; the ``torch``
tests at the end compare with it when it is installed."""
import math

import chainrule.distributions as D
import numpy as np
import pytest
from chainrule.distributions import Normal

import chainrule as torch
from autograd import gradcheck, gradgradcheck


def t64(x, grad=True):
    return torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=grad)


def arr(t):
    return np.asarray(t.detach().numpy())


# ------------------------------------------------------------------ namespace and repr
def test_reachable_under_torch_names():
    import autograd.distributions as lib
    assert D is lib and torch.distributions is lib and Normal is lib.Normal
    from chainrule.distributions import kl_divergence, register_kl  # noqa: F401
    assert D.Normal.__doc__.splitlines()[0].startswith("The normal")


def test_repr_prints_shapes_or_scalar_values():
    # PyTorch: "Normal(loc: torch.Size([2]), scale: torch.Size([2]))"; chainrule's
    # Size prints as "Size([2])", so the same layout reads Size([2]).
    assert repr(Normal(torch.zeros(2), 1.0)) == "Normal(loc: Size([2]), scale: Size([2]))"
    assert repr(Normal(0.0, 1.0)) == "Normal(loc: 0.0, scale: 1.0)"
    assert repr(D.Bernoulli(probs=torch.tensor([0.3, 0.4]))) == "Bernoulli(probs: Size([2]))"
    assert repr(D.Independent(Normal(torch.zeros(2, 3), 1.0), 1)) == \
        "Independent(Normal(loc: Size([2, 3]), scale: Size([2, 3])), 1)"


# ------------------------------------------------------------------ validation
def test_invalid_parameter_raises_value_error_naming_it():
    with pytest.raises(ValueError, match=r"Expected parameter scale \(Tensor of shape \(\)\) "
                       r"of distribution Normal\(loc: 0.0, scale: -1.0\) to satisfy the "
                       r"constraint GreaterThan\(lower_bound=0.0\)"):
        Normal(0.0, -1.0)
    with pytest.raises(ValueError, match="parameter probs.*Interval"):
        D.Bernoulli(probs=torch.tensor([0.5, 1.5]))
    with pytest.raises(ValueError, match="parameter low.*LessThan"):
        D.Uniform(1.0, 0.0)
    with pytest.raises(ValueError, match="parameter probs.*Simplex"):
        D.Categorical(probs=torch.tensor([0.5, -0.1, 0.6]))
    with pytest.raises(ValueError, match="parameter covariance_matrix.*PositiveDefinite"):
        D.MultivariateNormal(torch.zeros(2), torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="parameter scale_tril.*LowerCholesky"):
        D.MultivariateNormal(torch.zeros(2), scale_tril=torch.tensor([[1.0, 1.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="parameter rate"):
        D.Exponential(torch.tensor([1.0, 0.0]))


def test_value_outside_support_raises_and_validate_args_false_allows_it():
    with pytest.raises(ValueError, match=r"Expected value argument \(Tensor of shape \(\)\) to be "
                       r"within the support \(Boolean\(\)\) of the distribution "
                       r"Bernoulli\(probs: 0.5\)"):
        D.Bernoulli(0.5).log_prob(torch.tensor(2.0))
    with pytest.raises(ValueError, match=r"IntegerInterval\(lower_bound=0, upper_bound=2\)"):
        D.Categorical(torch.ones(3)).log_prob(torch.tensor(3))
    with pytest.raises(ValueError, match="GreaterThanEq"):
        D.Exponential(1.0).log_prob(torch.tensor(-1.0))
    with pytest.raises(ValueError, match="must be a Tensor"):
        Normal(0.0, 1.0).log_prob(0.5)
    with pytest.raises(ValueError, match="right-most size of value must match event_shape"):
        D.MultivariateNormal(torch.zeros(2), torch.eye(2)).log_prob(torch.zeros(3))
    lp = Normal(0.0, -1.0, validate_args=False)  # no check at all
    assert lp.scale.item() == -1.0
    assert D.Exponential(1.0, validate_args=False).log_prob(torch.tensor(-1.0)).item() == 1.0


def test_default_validation_switch():
    D.Distribution.set_default_validate_args(False)
    try:
        assert Normal(0.0, -1.0).scale.item() == -1.0
    finally:
        D.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        Normal(0.0, -1.0)


def test_probs_and_logits_exactly_one():
    for cls in (D.Bernoulli, D.Categorical, D.OneHotCategorical):
        with pytest.raises(ValueError, match="either `probs` or `logits`"):
            cls(torch.tensor([0.5, 0.5]), torch.tensor([0.0, 0.0]))
        with pytest.raises(ValueError, match="either `probs` or `logits`"):
            cls()
    with pytest.raises(ValueError, match="exactly one of covariance_matrix"):
        D.MultivariateNormal(torch.zeros(2))
    with pytest.raises(ValueError, match="reinterpreted_batch_ndims <= "):
        D.Independent(Normal(torch.zeros(2), 1.0), 2)


# ------------------------------------------------------------------ shapes
@pytest.mark.parametrize("make, batch, event", [
    (lambda: Normal(torch.zeros(3, 1), torch.ones(4)), (3, 4), ()),
    (lambda: D.Laplace(torch.zeros(2), 1.0), (2,), ()),
    (lambda: D.Uniform(torch.zeros(2), 1.0), (2,), ()),
    (lambda: D.Exponential(torch.ones(2)), (2,), ()),
    (lambda: D.Bernoulli(logits=torch.zeros(2, 3)), (2, 3), ()),
    (lambda: D.Categorical(logits=torch.zeros(2, 5)), (2,), ()),
    (lambda: D.OneHotCategorical(torch.ones(2, 5)), (2,), (5,)),
    (lambda: D.MultivariateNormal(torch.zeros(4, 3), torch.eye(3)), (4,), (3,)),
    (lambda: D.Independent(Normal(torch.zeros(2, 3), 1.0), 1), (2,), (3,)),
])
def test_batch_event_and_sample_shapes(make, batch, event):
    d = make()
    assert d.batch_shape == batch and d.event_shape == event
    assert type(d.batch_shape).__name__ == "Size"
    s = d.sample((5, 2))
    assert s.shape == (5, 2) + batch + event and not s.requires_grad
    assert d.sample().shape == batch + event
    assert d.log_prob(s).shape == (5, 2) + batch
    assert d.entropy().shape == batch
    e = d.expand((7,) + batch)
    assert e.batch_shape == (7,) + batch and e.sample().shape == (7,) + batch + event
    assert e.log_prob(e.sample((2,))).shape == (2, 7) + batch


def test_expand_log_prob_broadcasts():
    d = Normal(t64([0.0, 1.0], False), 2.0).expand((3, 2))
    x = torch.zeros(3, 2, dtype=torch.float64)
    assert d.log_prob(x).shape == (3, 2)
    assert np.allclose(arr(d.log_prob(x))[2], arr(Normal(t64([0.0, 1.0], False), 2.0).log_prob(x[0])))


def test_sample_dtypes_and_reproducible_with_manual_seed():
    torch.manual_seed(3)
    a = Normal(torch.zeros(3, dtype=torch.float64), 1.0).sample()
    torch.manual_seed(3)
    b = Normal(torch.zeros(3, dtype=torch.float64), 1.0).sample()
    assert a.dtype == np.float64 and np.array_equal(arr(a), arr(b))
    assert D.Categorical(torch.ones(3)).sample((4,)).dtype == np.int64
    assert D.Bernoulli(0.3).sample((4,)).dtype == np.float32
    oh = D.OneHotCategorical(torch.ones(2, 4)).sample((3,))
    assert oh.dtype == np.float32 and np.array_equal(arr(oh).sum(-1), np.ones((3, 2)))


# ------------------------------------------------------------------ closed forms
def test_normal_closed_forms():
    d = Normal(t64([1.0], False), t64([2.0], False))
    x = t64([2.0], False)
    assert np.allclose(arr(d.log_prob(x)), -0.125 - math.log(2.0) - 0.5 * math.log(2 * math.pi))
    assert np.allclose(arr(d.entropy()), 0.5 + 0.5 * math.log(2 * math.pi) + math.log(2.0))
    assert np.allclose(arr(d.cdf(t64([1.0], False))), 0.5)
    assert np.allclose(arr(d.cdf(t64([3.0], False))), 0.5 * (1 + math.erf(1 / math.sqrt(2))))
    assert np.allclose(arr(d.icdf(d.cdf(x))), 2.0)
    assert np.allclose(arr(d.variance), 4.0) and np.allclose(arr(d.stddev), 2.0)


def test_other_closed_forms():
    lap = D.Laplace(t64(0.5, False), t64(2.0, False))
    assert np.isclose(lap.log_prob(t64(1.5, False)).item(), -math.log(4.0) - 0.5)
    assert np.isclose(lap.cdf(t64(0.5, False)).item(), 0.5)
    assert np.isclose(lap.icdf(lap.cdf(t64(-1.0, False))).item(), -1.0)
    assert np.isclose(lap.entropy().item(), 1 + math.log(4.0))
    u = D.Uniform(t64(1.0, False), t64(3.0, False))
    assert np.isclose(u.log_prob(t64(2.0, False)).item(), -math.log(2.0))
    with pytest.raises(ValueError, match="HalfOpenInterval"):
        u.log_prob(t64(3.0, False))  # [low, high): high itself is outside
    unchecked = D.Uniform(t64(1.0, False), t64(3.0, False), validate_args=False)
    assert unchecked.log_prob(t64(3.0, False)).item() == -math.inf
    assert np.isclose(u.cdf(t64(1.5, False)).item(), 0.25)
    assert np.isclose(u.variance.item(), 4 / 12) and np.isclose(u.entropy().item(), math.log(2))
    e = D.Exponential(t64(2.0, False))
    assert np.isclose(e.log_prob(t64(1.0, False)).item(), math.log(2.0) - 2.0)
    assert np.isclose(e.cdf(t64(1.0, False)).item(), 1 - math.exp(-2.0))
    assert np.isclose(e.entropy().item(), 1 - math.log(2.0)) and e.mean.item() == 0.5
    b = D.Bernoulli(probs=t64([0.25], False))
    assert np.allclose(arr(b.log_prob(t64([1.0, 0.0], False))), [math.log(0.25), math.log(0.75)])
    assert np.allclose(arr(b.entropy()), -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)))
    c = D.Categorical(probs=t64([1.0, 2.0, 1.0], False))  # normalised to 1/4, 1/2, 1/4
    assert np.allclose(arr(c.probs), [0.25, 0.5, 0.25])
    assert np.allclose(arr(c.log_prob(torch.tensor([1, 0]))), [math.log(0.5), math.log(0.25)])
    assert np.isclose(c.entropy().item(), 1.5 * math.log(2.0))
    assert np.isnan(arr(c.mean)) and c.mode.item() == 1


def test_multivariate_normal_closed_forms_all_parametrisations():
    cov = np.array([[2.0, 0.5], [0.5, 1.0]])
    L = np.linalg.cholesky(cov)
    loc = np.array([1.0, -1.0])
    x = np.array([0.5, 0.0])
    diff = x - loc
    expect = (-0.5 * (2 * math.log(2 * math.pi) + diff @ np.linalg.solve(cov, diff))
              - 0.5 * math.log(np.linalg.det(cov)))
    for kw in ({"covariance_matrix": cov}, {"scale_tril": L},
               {"precision_matrix": np.linalg.inv(cov)}):
        d = D.MultivariateNormal(t64(loc, False), **{k: t64(v, False) for k, v in kw.items()})
        assert np.isclose(d.log_prob(t64(x, False)).item(), expect)
        assert np.isclose(d.entropy().item(), 1 + math.log(2 * math.pi)
                          + 0.5 * math.log(np.linalg.det(cov)))
        assert np.allclose(arr(d.covariance_matrix), cov)
        assert np.allclose(arr(d.scale_tril), L) and np.allclose(arr(d.variance), np.diag(cov))


# ------------------------------------------------------------------ sample statistics
@pytest.mark.parametrize("make, mean, var", [
    (lambda: Normal(1.5, 2.0), 1.5, 4.0),
    (lambda: D.Laplace(-1.0, 0.5), -1.0, 0.5),
    (lambda: D.Uniform(2.0, 5.0), 3.5, 0.75),
    (lambda: D.Exponential(4.0), 0.25, 1 / 16),
    (lambda: D.Bernoulli(0.3), 0.3, 0.21),
    (lambda: D.Categorical(torch.tensor([0.2, 0.3, 0.5])), 1.3, 0.61),
])
def test_sample_mean_within_six_standard_errors(make, mean, var):
    torch.manual_seed(0)
    n = 20000
    s = arr(make().sample((n,))).astype(np.float64)
    assert abs(s.mean() - mean) < 6 * math.sqrt(var / n)
    assert abs(s.var() - var) < 0.1 * var


def test_multivariate_normal_sample_covariance():
    torch.manual_seed(1)
    cov = np.array([[2.0, 0.5], [0.5, 1.0]])
    d = D.MultivariateNormal(t64([1.0, -1.0], False), t64(cov, False))
    s = arr(d.sample((20000,)))
    assert np.all(np.abs(s.mean(0) - [1.0, -1.0]) < 6 * np.sqrt(np.diag(cov) / 20000))
    assert np.allclose(np.cov(s.T), cov, atol=0.1)


def test_sample_is_not_differentiable_but_rsample_is():
    loc = t64([0.0, 1.0])
    assert not Normal(loc, 1.0).sample().requires_grad
    r = Normal(loc, 1.0).rsample((3,))
    r.sum().backward()
    assert np.allclose(arr(loc.grad), [3.0, 3.0])
    with pytest.raises(NotImplementedError, match="Bernoulli does not implement rsample"):
        D.Bernoulli(0.5).rsample()
    assert Normal(0.0, 1.0).has_rsample and not D.Categorical(torch.ones(2)).has_rsample


# ------------------------------------------------------------------ gradients
def _seeded(fn):
    def run(*args):
        torch.manual_seed(7)
        return fn(*args)
    return run


GRAD_CASES = {
    "normal": (lambda a, b: Normal(a, b), ([0.3, -0.2], [1.2, 0.7]), [0.5, 0.1]),
    "laplace": (lambda a, b: D.Laplace(a, b), ([0.3, -0.2], [1.2, 0.7]), [0.5, 0.1]),
    "uniform": (lambda a, b: D.Uniform(a, b), ([0.0, -0.2], [1.2, 0.7]), [0.5, 0.1]),
    "exponential": (lambda a: D.Exponential(a), ([1.2, 0.7],), [0.5, 0.1]),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_gradcheck_log_prob_entropy_rsample_cdf(name):
    make, params, x = GRAD_CASES[name]
    ps = [t64(p) for p in params]
    xv = t64(x)
    assert gradcheck(lambda *a: make(*a[:-1]).log_prob(a[-1]), ps + [xv])
    assert gradcheck(lambda *a: make(*a).entropy(), ps)
    assert gradcheck(_seeded(lambda *a: make(*a).rsample((3,))), ps)
    assert gradcheck(lambda *a: make(*a[:-1]).cdf(a[-1]), ps + [xv])
    assert gradgradcheck(lambda *a: make(*a[:-1]).log_prob(a[-1]), ps + [xv])


def test_gradcheck_discrete():
    v = t64([1.0, 0.0, 1.0], False)
    assert gradcheck(lambda p: D.Bernoulli(probs=p).log_prob(v), [t64([0.2, 0.5, 0.9])])
    assert gradcheck(lambda lg: D.Bernoulli(logits=lg).entropy(), [t64([0.2, -1.5, 3.0])])
    idx = torch.tensor([0, 2])
    assert gradcheck(lambda lg: D.Categorical(logits=lg).log_prob(idx), [t64([[0.1, 0.5, -1.0]])])
    assert gradcheck(lambda p: D.Categorical(probs=p).entropy(), [t64([[0.2, 0.5, 0.3]])])
    assert gradgradcheck(lambda lg: D.Categorical(logits=lg).entropy(), [t64([0.1, 0.5, -1.0])])
    oh = t64([[0.0, 1.0, 0.0]], False)
    assert gradcheck(lambda lg: D.OneHotCategorical(logits=lg).log_prob(oh), [t64([0.1, 0.5, -1.0])])


def test_gradcheck_multivariate_normal():
    A = np.array([[1.5, 0.0], [0.4, 0.8]])
    loc, L, x = t64([0.2, -0.1]), t64(A), t64([[0.5, 0.3], [-1.0, 0.2]])
    # finite differences perturb one entry at a time: keep the factor lower-triangular and
    # the covariance symmetric, or validation rightly refuses the perturbed matrix
    assert gradcheck(lambda m, s, v: D.MultivariateNormal(m, scale_tril=s.tril()).log_prob(v),
                     [loc, L, x])
    cov = t64(A @ A.T)
    sym = lambda c: (c + c.transpose(-1, -2)) / 2
    assert gradcheck(lambda c: D.MultivariateNormal(loc.detach(), sym(c)).entropy(), [cov])
    assert gradcheck(_seeded(lambda m, s: D.MultivariateNormal(m, scale_tril=s.tril())
                             .rsample((2,))), [loc, L])
    assert gradcheck(lambda c: D.MultivariateNormal(loc.detach(), precision_matrix=sym(c))
                     .log_prob(x.detach()), [cov])


def test_gradcheck_kl():
    a, b, c, d = t64([0.1, -0.3]), t64([1.1, 0.6]), t64([0.4, 0.2]), t64([0.8, 1.3])
    assert gradcheck(lambda *p: D.kl_divergence(Normal(p[0], p[1]), Normal(p[2], p[3])),
                     [a, b, c, d])
    assert gradcheck(lambda p, q: D.kl_divergence(D.Bernoulli(p), D.Bernoulli(q)),
                     [t64([0.2, 0.7]), t64([0.5, 0.4])])
    assert gradcheck(lambda p, q: D.kl_divergence(D.Categorical(logits=p), D.Categorical(logits=q)),
                     [t64([0.2, 0.7, -0.1]), t64([0.5, 0.4, 1.0])])
    A, B = t64([[1.5, 0.0], [0.4, 0.8]]), t64([[1.0, 0.0], [-0.3, 1.2]])
    assert gradcheck(lambda m, s, n, t: D.kl_divergence(
        D.MultivariateNormal(m, scale_tril=s.tril()), D.MultivariateNormal(n, scale_tril=t.tril())),
                     [a, A, c, B])
    assert gradcheck(lambda p, q: D.kl_divergence(D.Independent(Normal(p, 1.0), 1),
                                                  D.Independent(Normal(q, 2.0), 1)), [a, c])


# ------------------------------------------------------------------ kl
def test_kl_closed_forms_and_infinities():
    kl = D.kl_divergence(Normal(0.0, 1.0), Normal(1.0, 2.0)).item()
    assert np.isclose(kl, math.log(2.0) + (1 + 1) / 8 - 0.5)
    assert np.isclose(D.kl_divergence(D.Uniform(0.0, 1.0), D.Uniform(-1.0, 3.0)).item(),
                      math.log(4.0))
    assert D.kl_divergence(D.Uniform(-1.0, 3.0), D.Uniform(0.0, 1.0)).item() == math.inf
    assert D.kl_divergence(D.Bernoulli(0.5), D.Bernoulli(0.0)).item() == math.inf
    assert np.isclose(D.kl_divergence(D.Bernoulli(0.0), D.Bernoulli(0.5)).item(), math.log(2.0))
    p, q = torch.tensor([0.5, 0.5, 0.0]), torch.tensor([0.25, 0.25, 0.5])
    assert np.isclose(D.kl_divergence(D.Categorical(p), D.Categorical(q)).item(), math.log(2.0))
    assert D.kl_divergence(D.Categorical(q), D.Categorical(p)).item() == math.inf
    ind = D.kl_divergence(D.Independent(Normal(torch.zeros(2, 3), 1.0), 1),
                          D.Independent(Normal(torch.ones(2, 3), 1.0), 1))
    assert ind.shape == (2,) and np.allclose(arr(ind), 1.5)


def test_kl_without_rule_raises_and_register_kl_adds_one():
    with pytest.raises(NotImplementedError, match="Normal.*Bernoulli"):
        D.kl_divergence(Normal(0.0, 1.0), D.Bernoulli(0.5))
    with pytest.raises(NotImplementedError, match="reinterpreted_batch_ndims"):
        D.kl_divergence(D.Independent(Normal(torch.zeros(2, 3), 1.0), 1),
                        D.Independent(Normal(torch.zeros(2, 3), 1.0), 2))

    class MyNormal(Normal):
        pass

    # subclasses use the parent's rule until a more specific one is registered
    assert np.isclose(D.kl_divergence(MyNormal(0.0, 1.0), Normal(0.0, 1.0)).item(), 0.0)

    @D.register_kl(MyNormal, Normal)
    def _kl(p, q):
        return torch.tensor(42.0)

    assert D.kl_divergence(MyNormal(0.0, 1.0), Normal(0.0, 1.0)).item() == 42.0
    assert D.kl_divergence(Normal(0.0, 1.0), Normal(0.0, 1.0)).item() == 0.0


# ------------------------------------------------------------------ PyTorch oracle
def _both(torch_ref, build, *params):
    """Build the chainrule and the PyTorch distribution from the same float64 arrays."""
    ours = [t64(p) for p in params]
    theirs = [torch_ref.tensor(np.asarray(p, dtype=np.float64), requires_grad=True)
              for p in params]
    return ours, theirs


ORACLE = [
    ("Normal", ([0.3, -0.2], [1.2, 0.7]), [0.5, 0.1]),
    ("Laplace", ([0.3, -0.2], [1.2, 0.7]), [0.5, 0.1]),
    ("Uniform", ([0.0, -0.2], [1.2, 0.7]), [0.5, 0.1]),
    ("Exponential", ([1.2, 0.7],), [0.5, 0.1]),
    ("Bernoulli", ([0.2, 0.7],), [1.0, 0.0]),
]


@pytest.mark.parametrize("name, params, x", ORACLE)
def test_torch_oracle_values_and_gradients(name, params, x):
    T = pytest.importorskip("torch")
    ours, theirs = _both(T, None, *params)
    xs, xt = t64(x, False), T.tensor(x, dtype=T.float64)
    methods = ["log_prob", "entropy"] + (["cdf"] if name != "Bernoulli" else [])
    for m in methods:
        # a fresh distribution per method: a derived parameter (Bernoulli's logits) is
        # cached with its graph, which the first grad frees -- in PyTorch too
        mine, ref = getattr(D, name)(*ours), getattr(T.distributions, name)(*theirs)
        args_m, args_t = ((xs,), (xt,)) if m != "entropy" else ((), ())
        a, b = getattr(mine, m)(*args_m), getattr(ref, m)(*args_t)
        assert np.allclose(arr(a), b.detach().numpy(), rtol=1e-10, atol=1e-12)
        ga = torch.autograd.grad(a.sum(), ours, allow_unused=True)
        gb = T.autograd.grad(b.sum(), theirs, allow_unused=True)
        for u, v in zip(ga, gb):
            assert (u is None) == (v is None)
            assert u is None or np.allclose(arr(u), v.numpy(), rtol=1e-9, atol=1e-12)
    assert np.allclose(arr(mine.mean), ref.mean.detach().numpy())
    assert np.allclose(arr(mine.variance), ref.variance.detach().numpy())
    assert mine.batch_shape == tuple(ref.batch_shape)


def test_torch_oracle_categorical_mvn_and_kl():
    T = pytest.importorskip("torch")
    lg = [[0.1, 0.5, -1.0], [2.0, 0.0, 0.3]]
    idx = [2, 0]
    a, b = D.Categorical(logits=t64(lg, False)), T.distributions.Categorical(
        logits=T.tensor(lg, dtype=T.float64))
    assert np.allclose(arr(a.log_prob(torch.tensor(idx))), b.log_prob(T.tensor(idx)).numpy())
    assert np.allclose(arr(a.entropy()), b.entropy().numpy())
    A = [[1.5, 0.0], [0.4, 0.8]]
    B = [[1.0, 0.0], [-0.3, 1.2]]
    mp = D.MultivariateNormal(t64([0.2, -0.1], False), scale_tril=t64(A, False))
    mq = D.MultivariateNormal(t64([0.0, 0.5], False), covariance_matrix=t64(
        np.array(B) @ np.array(B).T, False))
    tp = T.distributions.MultivariateNormal(T.tensor([0.2, -0.1], dtype=T.float64),
                                            scale_tril=T.tensor(A, dtype=T.float64))
    Bt = T.tensor(B, dtype=T.float64)
    tq = T.distributions.MultivariateNormal(T.tensor([0.0, 0.5], dtype=T.float64),
                                            covariance_matrix=Bt @ Bt.T)
    xv = [[0.5, 0.3], [-1.0, 0.2]]
    assert np.allclose(arr(mp.log_prob(t64(xv, False))),
                       tp.log_prob(T.tensor(xv, dtype=T.float64)).numpy())
    assert np.isclose(mp.entropy().item(), tp.entropy().item())
    assert np.isclose(D.kl_divergence(mp, mq).item(), T.distributions.kl_divergence(tp, tq).item())
    for (pd, qd), (pt, qt) in [((D.Normal(0.3, 1.2), D.Normal(-0.1, 0.7)),
                                (T.distributions.Normal(0.3, 1.2), T.distributions.Normal(-0.1, 0.7))),
                               ((D.Bernoulli(0.2), D.Bernoulli(0.6)),
                                (T.distributions.Bernoulli(0.2), T.distributions.Bernoulli(0.6))),
                               ((D.Laplace(0.3, 1.2), D.Laplace(-0.1, 0.7)),
                                (T.distributions.Laplace(0.3, 1.2), T.distributions.Laplace(-0.1, 0.7))),
                               ((D.Uniform(0.0, 1.0), D.Uniform(-1.0, 2.0)),
                                (T.distributions.Uniform(0.0, 1.0), T.distributions.Uniform(-1.0, 2.0)))]:
        assert np.isclose(D.kl_divergence(pd, qd).item(),
                          T.distributions.kl_divergence(pt, qt).item(), rtol=1e-5)


def test_torch_oracle_shapes_and_repr_layout():
    T = pytest.importorskip("torch")
    cases = [(lambda M: M.Normal(M.zeros(3, 1), M.ones(4)), None),
             (lambda M: M.Independent(M.Normal(M.zeros(2, 3), M.ones(2, 3)), 1), None)]
    for make, _ in cases:
        mine = make(_Lib(torch, D))
        ref = make(_Lib(T, T.distributions))
        assert mine.batch_shape == tuple(ref.batch_shape)
        assert mine.event_shape == tuple(ref.event_shape)
        assert mine.sample((2,)).shape == tuple(ref.sample((2,)).shape)
        assert repr(mine) == repr(ref).replace("torch.Size", "Size")


class _Lib:
    """``M.zeros``/``M.Normal`` spelled the same over chainrule or PyTorch."""

    def __init__(self, tensors, dists):
        self.t, self.d = tensors, dists

    def __getattr__(self, name):
        return getattr(self.d, name, None) or getattr(self.t, name)


# ------------------------------------------------------------------ Gamma, Beta, Dirichlet
def test_gamma_family_closed_forms():
    g = D.Gamma(t64(2.0, False), t64(3.0, False))
    # density 9 x e^{-3x}
    assert np.isclose(g.log_prob(t64(0.5, False)).item(), math.log(9 * 0.5) - 1.5)
    assert np.isclose(g.mean.item(), 2 / 3) and np.isclose(g.variance.item(), 2 / 9)
    e1 = D.Gamma(t64(1.0, False), t64(2.0, False))  # = Exponential(2)
    assert np.isclose(e1.entropy().item(), 1 - math.log(2.0))
    assert e1.log_prob(t64(0.0, False)).item() == math.log(2.0)
    b = D.Beta(t64(2.0, False), t64(1.0, False))  # density 2x
    assert np.isclose(b.log_prob(t64(0.25, False)).item(), math.log(0.5))
    assert b.log_prob(t64(0.0, False)).item() == -math.inf
    assert np.isclose(D.Beta(t64(1.0, False), t64(1.0, False)).entropy().item(), 0.0, atol=1e-12)
    d = D.Dirichlet(t64([1.0, 1.0, 1.0], False))  # uniform on the 2-simplex: density 2
    assert np.isclose(d.log_prob(t64([0.2, 0.3, 0.5], False)).item(), math.log(2.0))
    assert np.allclose(arr(d.mean), 1 / 3) and d.event_shape == (3,)
    with pytest.raises(ValueError, match="Simplex"):
        d.log_prob(t64([0.2, 0.3, 0.6], False))
    with pytest.raises(ValueError, match="parameter concentration"):
        D.Gamma(t64(-1.0, False), 1.0)
    with pytest.raises(NotImplementedError, match="rsample"):
        b.rsample()


@pytest.mark.parametrize("make, mean, var", [
    (lambda: D.Gamma(2.0, 4.0), 0.5, 0.125),
    (lambda: D.Beta(2.0, 3.0), 0.4, 0.04),
])
def test_gamma_family_sample_mean(make, mean, var):
    torch.manual_seed(0)
    n = 20000
    s = arr(make().sample((n,))).astype(np.float64)
    assert abs(s.mean() - mean) < 6 * math.sqrt(var / n)
    assert abs(s.var() - var) < 0.1 * var


def test_dirichlet_samples_on_the_simplex_with_the_right_mean():
    torch.manual_seed(0)
    s = arr(D.Dirichlet(t64([[1.0, 2.0, 3.0]], False)).sample((20000,)))
    assert s.shape == (20000, 1, 3) and np.allclose(s.sum(-1), 1.0)
    var = np.array([5, 8, 9]) / (36 * 7)
    assert np.all(np.abs(s.mean(0)[0] - [1 / 6, 2 / 6, 3 / 6]) < 6 * np.sqrt(var / 20000))


def test_gradcheck_gamma_family():
    a, b, x = t64([1.5, 0.7]), t64([2.0, 0.5]), t64([0.3, 0.6])
    for cls in (D.Gamma, D.Beta):
        assert gradcheck(lambda p, q, v, cls=cls: cls(p, q).log_prob(v), [a, b, x])
        assert gradcheck(lambda p, q, cls=cls: cls(p, q).entropy(), [a, b])
        assert gradcheck(lambda p, q, cls=cls: D.kl_divergence(cls(p, q), cls(q, p)), [a, b])
    assert gradgradcheck(lambda p, q: D.Gamma(p, q).entropy(), [a, b])
    c, s = t64([1.5, 0.7, 2.0]), t64([0.2, 0.3, 0.5], False)
    assert gradcheck(lambda p: D.Dirichlet(p).log_prob(s), [c])
    assert gradcheck(lambda p: D.Dirichlet(p).entropy(), [c])
    assert gradcheck(lambda p: D.kl_divergence(D.Dirichlet(p), D.Dirichlet(p.flip(0))), [c])


def test_torch_oracle_gamma_family():
    T = pytest.importorskip("torch")
    P, Q = [1.5, 0.7], [2.0, 0.5]
    cases = [("Gamma", (P, Q), [0.3, 0.6]), ("Beta", (P, Q), [0.3, 0.6]),
             ("Dirichlet", ([[1.5, 0.7, 2.0]],), [[0.2, 0.3, 0.5]])]
    for name, params, x in cases:
        ours = [t64(p) for p in params]
        theirs = [T.tensor(p, dtype=T.float64, requires_grad=True) for p in params]
        mine, ref = getattr(D, name)(*ours), getattr(T.distributions, name)(*theirs)
        xs, xt = t64(x, False), T.tensor(x, dtype=T.float64)
        for a, b in ((mine.log_prob(xs), ref.log_prob(xt)), (mine.entropy(), ref.entropy())):
            assert np.allclose(arr(a), b.detach().numpy(), rtol=1e-9)
            ga = torch.autograd.grad(a.sum(), ours)
            gb = T.autograd.grad(b.sum(), theirs)
            assert all(np.allclose(arr(u), v.numpy(), rtol=1e-8) for u, v in zip(ga, gb))
        rev = [p[..., ::-1] if isinstance(p, np.ndarray) else p[::-1] for p in params]
        kl = D.kl_divergence(mine, getattr(D, name)(*[t64(np.array(r).tolist()) for r in rev]))
        klt = T.distributions.kl_divergence(ref, getattr(T.distributions, name)(
            *[T.tensor(np.array(r).tolist(), dtype=T.float64) for r in rev]))
        assert np.allclose(arr(kl), klt.detach().numpy(), rtol=1e-9)
        assert mine.support.__class__.__name__.lstrip("_") == type(ref.support).__name__.lstrip("_")


def test_polygamma_of_a_0d_tensor():
    # Dirichlet's entropy differentiates digamma of a 0-d sum: polygamma(1) of a 0-d
    # tensor must work (psi_1(1) = pi^2 / 6; PyTorch gives +inf at the pole -1)
    assert np.isclose(torch.polygamma(1, t64(1.0, False)).item(), math.pi ** 2 / 6)
    assert torch.polygamma(1, torch.tensor(-1.0)).item() == math.inf


def test_gradgradcheck_smooth_paths():
    A, B = t64([[1.5, 0.0], [0.4, 0.8]]), t64([[1.0, 0.0], [-0.3, 1.2]])
    m, n = t64([0.2, -0.1]), t64([0.0, 0.5])
    assert gradgradcheck(lambda a, s, v: D.MultivariateNormal(a, scale_tril=s.tril()).log_prob(v),
                         [m, A, t64([0.5, 0.3])])
    assert gradgradcheck(lambda a, s, b, u: D.kl_divergence(
        D.MultivariateNormal(a, scale_tril=s.tril()), D.MultivariateNormal(b, scale_tril=u.tril())),
        [m, A, n, B])
    assert gradgradcheck(lambda *p: D.kl_divergence(Normal(p[0], p[1]), Normal(p[2], p[3])),
                         [t64([0.1]), t64([1.1]), t64([0.4]), t64([0.8])])
    assert gradgradcheck(lambda p, q: D.kl_divergence(D.Bernoulli(p), D.Bernoulli(q)),
                         [t64([0.2, 0.7]), t64([0.5, 0.4])])
    assert gradgradcheck(lambda p, q, v: D.Beta(p, q).log_prob(v),
                         [t64([1.5, 0.7]), t64([2.0, 0.5]), t64([0.3, 0.6])])

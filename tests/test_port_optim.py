"""Adadelta, Adagrad, Adamax, NAdam, RAdam and LBFGS (issue 11).

The core tests stand alone: the first steps on a two-weight problem against
the update rule written out by hand, state dicts that resume bit for bit,
and bad options refused by name.  The PyTorch tests at the end (skipped
without torch) compare whole float64 trajectories with PyTorch 2.13's.
"""
import copy
import math
import pickle

import numpy as np
import pytest

import autograd
import optim

G1 = np.array([0.5, -1.0])
G2 = np.array([0.25, 0.5])
W0 = np.array([1.0, -2.0])


def two_steps(cls, **kwargs):
    """The weights after one step with gradient G1 and after a second with G2."""
    w = autograd.tensor(W0.copy(), requires_grad=True)
    opt = cls([w], **kwargs)
    out = []
    for g in (G1, G2):
        w.grad = autograd.tensor(g.copy())
        opt.step()
        out.append(w.detach().numpy().copy())
    return out


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-15)


# ------------------------------------------------------------ first steps
def test_adagrad_first_two_steps():
    lr, eps = 0.1, 1e-10
    w1, w2 = two_steps(optim.Adagrad, lr=lr)
    s1 = G1 ** 2
    e1 = W0 - lr * G1 / (np.sqrt(s1) + eps)
    s2 = s1 + G2 ** 2
    close(w1, e1)
    close(w2, e1 - lr * G2 / (np.sqrt(s2) + eps))


def test_adagrad_lr_decay_accumulator_and_weight_decay():
    lr, lr_decay, acc, wd, eps = 0.1, 0.5, 0.2, 0.1, 1e-10
    w1, w2 = two_steps(optim.Adagrad, lr=lr, lr_decay=lr_decay, initial_accumulator_value=acc,
                       weight_decay=wd)
    g = G1 + wd * W0
    s = acc + g * g
    e1 = W0 - lr * g / (np.sqrt(s) + eps)  # step 1: clr = lr / (1 + 0 * lr_decay)
    g = G2 + wd * e1
    s = s + g * g
    close(w1, e1)
    close(w2, e1 - lr / (1 + lr_decay) * g / (np.sqrt(s) + eps))


def test_adadelta_first_two_steps():
    lr, rho, eps = 1.0, 0.9, 1e-6
    w1, w2 = two_steps(optim.Adadelta)
    v = (1 - rho) * G1 ** 2
    delta = np.sqrt(0 + eps) / np.sqrt(v + eps) * G1
    u = (1 - rho) * delta ** 2
    e1 = W0 - lr * delta
    v = rho * v + (1 - rho) * G2 ** 2
    delta = np.sqrt(u + eps) / np.sqrt(v + eps) * G2
    close(w1, e1)
    close(w2, e1 - lr * delta)


def test_adamax_first_two_steps():
    lr, b1, b2, eps = 2e-3, 0.9, 0.999, 1e-8
    w1, w2 = two_steps(optim.Adamax)
    m = (1 - b1) * G1
    u = np.abs(G1) + eps  # max(0, |g| + eps)
    e1 = W0 - lr / (1 - b1) * m / u
    m = b1 * m + (1 - b1) * G2
    u = np.maximum(b2 * u, np.abs(G2) + eps)
    close(w1, e1)
    close(w2, e1 - lr / (1 - b1 ** 2) * m / u)


def test_nadam_first_two_steps():
    lr, b1, b2, eps, psi = 2e-3, 0.9, 0.999, 1e-8, 4e-3
    w1, w2 = two_steps(optim.NAdam)
    mu = [b1 * (1 - 0.5 * 0.96 ** (t * psi)) for t in (1, 2, 3)]
    # the product of the mu's is kept in float32, as PyTorch keeps it
    P1 = float(np.float32(mu[0]))
    P2 = float(np.float32(P1) * np.float32(mu[1]))
    m, v = (1 - b1) * G1, (1 - b2) * G1 ** 2
    d = np.sqrt(v / (1 - b2)) + eps
    e1 = W0 - lr * (1 - mu[0]) / (1 - P1) * G1 / d - lr * mu[1] / (1 - P1 * mu[1]) * m / d
    m, v = b1 * m + (1 - b1) * G2, b2 * v + (1 - b2) * G2 ** 2
    d = np.sqrt(v / (1 - b2 ** 2)) + eps
    close(w1, e1)
    close(w2, e1 - lr * (1 - mu[1]) / (1 - P2) * G2 / d - lr * mu[2] / (1 - P2 * mu[2]) * m / d)


def one_step(cls, w0, g, **kwargs):
    w = autograd.tensor(w0.copy(), requires_grad=True)
    w.grad = autograd.tensor(g.copy())
    cls([w], **kwargs).step()
    return w.detach().numpy()


@pytest.mark.parametrize("cls", [optim.NAdam, optim.RAdam])
def test_weight_decay_coupled_or_decoupled(cls):
    """L2 decay adds ``wd * p`` to the gradient; decoupled decay shrinks
    ``p`` by ``1 - lr * wd`` before an undecayed step."""
    lr, wd = 0.01, 0.5
    close(one_step(cls, W0, G1, lr=lr, weight_decay=wd),
          one_step(cls, W0, G1 + wd * W0, lr=lr))
    close(one_step(cls, W0, G1, lr=lr, weight_decay=wd, decoupled_weight_decay=True),
          one_step(cls, W0 * (1 - lr * wd), G1, lr=lr))
    # RAdam's first step is momentum SGD: p -= lr * g
    if cls is optim.RAdam:
        close(one_step(cls, W0, G1, lr=lr, weight_decay=wd), W0 - lr * (G1 + wd * W0))


def test_radam_is_momentum_sgd_then_rectified_adam():
    """With a constant gradient m / (1 - beta1**t) = g and sqrt(1 - beta2**t)
    / sqrt(v) = 1 / |g|, so (eps=0) the step is lr * g for the first five
    steps (rho_t <= 5) and lr * sign(g) * rect(t) from then on."""
    lr, b2 = 0.01, 0.999
    w = autograd.tensor(W0.copy(), requires_grad=True)
    opt = optim.RAdam([w], lr=lr, eps=0.0)
    rho_inf = 2 / (1 - b2) - 1
    expected = W0.copy()
    for t in range(1, 9):
        w.grad = autograd.tensor(G1.copy())
        opt.step()
        rho_t = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
        if t <= 5:
            assert rho_t <= 5
            expected = expected - lr * G1
        else:
            assert rho_t > 5
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                             / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            expected = expected - lr * np.sign(G1) * rect
        np.testing.assert_allclose(w.detach().numpy(), expected, rtol=1e-13, err_msg=f"step {t}")


@pytest.mark.parametrize("cls", [optim.Adadelta, optim.Adagrad, optim.Adamax, optim.NAdam,
                                 optim.RAdam])
def test_maximize_ascends(cls):
    w_min, _ = two_steps(cls, lr=0.01)
    w_max, _ = two_steps(cls, lr=0.01, maximize=True)
    close(w_max - W0, -(w_min - W0))


@pytest.mark.parametrize("cls", [optim.Adadelta, optim.Adagrad, optim.Adamax, optim.NAdam,
                                 optim.RAdam])
def test_float32_stays_float32_and_bumps_the_version(cls):
    w = autograd.tensor(W0.astype(np.float32), requires_grad=True)
    opt = cls([w], lr=0.01)
    w.grad = autograd.tensor(G1.astype(np.float32))
    version = w._vc[0]
    opt.step()
    assert w.dtype == np.float32 and w._vc[0] == version + 1
    assert all(v._data.dtype == np.float32 for v in opt.state[w].values()
               if isinstance(v, autograd.Tensor))


def test_adagrad_state_exists_before_the_first_step():
    """As PyTorch: the accumulator is created (filled) at construction."""
    a = autograd.tensor(np.zeros(3), requires_grad=True)
    b = autograd.tensor(np.zeros(2), requires_grad=True)
    sd = optim.Adagrad([a, b], initial_accumulator_value=0.25).state_dict()
    assert sorted(sd["state"]) == [0, 1]
    assert sd["state"][0]["step"] == 0
    np.testing.assert_array_equal(sd["state"][1]["sum"].numpy(), [0.25, 0.25])


def test_parameters_without_gradient_are_skipped():
    a = autograd.tensor(W0.copy(), requires_grad=True)
    b = autograd.tensor(W0.copy(), requires_grad=True)
    opt = optim.NAdam([a, b])
    a.grad = autograd.tensor(G1.copy())
    opt.step()
    np.testing.assert_array_equal(b.detach().numpy(), W0)
    assert b not in opt.state


# ------------------------------------------------------------ state dicts
SHAPES = [(4, 3), (3,), ()]
CONFIGS = [
    (optim.Adadelta, dict(lr=0.5, weight_decay=0.01)),
    (optim.Adagrad, dict(lr=0.05, lr_decay=0.01, initial_accumulator_value=0.1)),
    (optim.Adamax, dict(lr=0.01, weight_decay=0.01)),
    (optim.NAdam, dict(lr=0.01)),
    (optim.NAdam, dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    (optim.RAdam, dict(lr=0.01, weight_decay=0.1)),
]
IDS = [f"{c.__name__}-{k}" for c, k in CONFIGS]


def make_params(values=None):
    if values is None:
        rng = np.random.default_rng(0)
        values = [rng.standard_normal(s) for s in SHAPES]
    return [autograd.tensor(np.array(v), requires_grad=True) for v in values]


def run(opt, params, first, last):
    for step in range(first, last):
        for k, p in enumerate(params):
            p.grad = autograd.tensor(np.sin(p.detach().numpy() * (k + 1)) + 0.1 * step)
        opt.step()


@pytest.mark.parametrize("cls,kwargs", CONFIGS, ids=IDS)
@pytest.mark.parametrize("transport", ["direct", "deepcopy", "pickle"])
def test_resume_is_bit_for_bit(cls, kwargs, transport):
    params = make_params()
    opt = cls([{"params": params[:2]}, {"params": params[2:], "lr": 0.003}], **kwargs)
    run(opt, params, 0, 7)  # past RAdam's five unrectified steps
    saved = opt.state_dict()
    saved_params = [p.detach().numpy().copy() for p in params]
    run(opt, params, 7, 14)
    if transport == "deepcopy":
        saved = copy.deepcopy(saved)
    elif transport == "pickle":
        saved = pickle.loads(pickle.dumps(saved))
    resumed = make_params(saved_params)
    opt2 = cls([{"params": resumed[:2]}, {"params": resumed[2:]}], lr=123.0)
    opt2.load_state_dict(saved)
    assert opt2.param_groups[1]["lr"] == 0.003
    run(opt2, resumed, 7, 14)
    for a, b in zip(params, resumed):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_load_state_of_another_optimizer_is_refused():
    params = make_params()
    adam = optim.Adam(params)
    run(adam, params, 0, 1)
    nadam = optim.NAdam(params)
    with pytest.raises(ValueError, match=r"lacks \['mu_product'\]"):
        nadam.load_state_dict(adam.state_dict())
    assert not nadam.state


# ------------------------------------------------------------------ errors
def leaf():
    return autograd.tensor(np.ones(2), requires_grad=True)


BAD_OPTIONS = [
    (optim.Adadelta, dict(lr=-1.0), "lr"),
    (optim.Adadelta, dict(rho=1.5), "rho"),
    (optim.Adadelta, dict(rho=-0.1), "rho"),
    (optim.Adadelta, dict(eps=-1e-6), "eps"),
    (optim.Adadelta, dict(weight_decay=-0.1), "weight_decay"),
    (optim.Adagrad, dict(lr=-0.01), "lr"),
    (optim.Adagrad, dict(lr_decay=-0.1), "lr_decay"),
    (optim.Adagrad, dict(weight_decay=-0.1), "weight_decay"),
    (optim.Adagrad, dict(initial_accumulator_value=-1.0), "initial_accumulator_value"),
    (optim.Adagrad, dict(eps=-1e-10), "eps"),
    (optim.Adamax, dict(lr=float("nan")), "lr"),
    (optim.Adamax, dict(betas=(1.0, 0.999)), r"betas\[0\]"),
    (optim.Adamax, dict(betas=(0.9, -0.1)), r"betas\[1\]"),
    (optim.Adamax, dict(eps=-1.0), "eps"),
    (optim.NAdam, dict(momentum_decay=-4e-3), "momentum_decay"),
    (optim.NAdam, dict(betas=0.9), "betas"),
    (optim.NAdam, dict(weight_decay=-0.1), "weight_decay"),
    (optim.RAdam, dict(lr=-1e-3), "lr"),
    (optim.RAdam, dict(betas=(0.9, 1.0)), r"betas\[1\]"),
    (optim.RAdam, dict(eps="1e-8"), "eps"),
    (optim.LBFGS, dict(lr=-1), "lr"),
    (optim.LBFGS, dict(history_size=0), "history_size"),
    (optim.LBFGS, dict(max_iter=0), "max_iter"),
    (optim.LBFGS, dict(max_iter=5, max_eval=0), "max_eval"),
    (optim.LBFGS, dict(line_search_fn="armijo"), "line_search_fn"),
]


@pytest.mark.parametrize("cls,kwargs,arg", BAD_OPTIONS,
                         ids=[f"{c.__name__}-{k}" for c, k, _ in BAD_OPTIONS])
def test_bad_option_is_a_value_error_naming_it(cls, kwargs, arg):
    """PyTorch's exception type (ValueError); the message names the option
    and the value given."""
    with pytest.raises(ValueError, match=f"{cls.__name__}: invalid {arg}="):
        cls([leaf()], **kwargs)


def test_bad_group_option_changes_nothing():
    opt = optim.NAdam([leaf()])
    with pytest.raises(ValueError, match=r"invalid momentum_decay=-1 in param group 1"):
        opt.add_param_group({"params": [leaf()], "momentum_decay": -1})
    assert len(opt.param_groups) == 1


def test_option_made_invalid_after_construction_refuses_the_step():
    w = leaf()
    opt = optim.RAdam([w])
    w.grad = autograd.tensor(G1.copy())
    opt.param_groups[0]["betas"] = (0.9, 1.5)
    with pytest.raises(ValueError, match=r"betas\[1\]=1.5"):
        opt.step()
    np.testing.assert_array_equal(w.detach().numpy(), [1.0, 1.0])
    assert not opt.state


# ------------------------------------------------------------------- LBFGS
A = np.array([[3.0, 0.5], [0.5, 1.0]])
B = np.array([1.0, -2.0])


def quadratic_closure(w, opt, counter=None):
    """f(w) = w.A.w / 2 - b.w, its gradient set by backward."""
    At, Bt = autograd.tensor(A), autograd.tensor(B)

    def closure():
        if counter is not None:
            counter.append(1)
        opt.zero_grad()
        loss = (w * (At @ w)).sum() * 0.5 - (Bt * w).sum()
        loss.backward()
        return loss
    return closure


def test_lbfgs_first_iteration_is_a_scaled_gradient_step_and_second_uses_the_pair():
    w = autograd.tensor(np.array([1.0, 1.0]), requires_grad=True)
    opt = optim.LBFGS([w], lr=0.5, max_iter=1)
    closure = quadratic_closure(w, opt)
    x0 = w.detach().numpy().copy()
    g0 = A @ x0 - B
    loss = opt.step(closure)
    assert float(loss) == pytest.approx(0.5 * x0 @ A @ x0 - B @ x0, rel=1e-15)
    x1 = x0 - min(1.0, 1.0 / np.abs(g0).sum()) * 0.5 * g0
    close(w.detach().numpy(), x1)
    opt.step(closure)  # the second iteration: two-loop recursion over one (s, y) pair
    g1 = A @ x1 - B
    s, y = x1 - x0, g1 - g0
    rho, h = 1 / (y @ s), (y @ s) / (y @ y)
    q = -g1
    a = rho * (s @ q)
    q = q - a * y
    r = h * q
    r = r + s * (a - rho * (y @ r))
    close(w.detach().numpy(), x1 + 0.5 * r)
    assert opt.state[w]["n_iter"] == 2 and opt.state[w]["func_evals"] == 2


def test_lbfgs_with_strong_wolfe_solves_a_quadratic():
    w = autograd.tensor(np.array([4.0, -3.0]), requires_grad=True)
    opt = optim.LBFGS([w], line_search_fn="strong_wolfe")
    calls = []
    opt.step(quadratic_closure(w, opt, calls))
    np.testing.assert_allclose(w.detach().numpy(), np.linalg.solve(A, B), rtol=1e-7, atol=1e-9)
    assert opt.state[w]["func_evals"] == len(calls) <= opt.param_groups[0]["max_eval"]


def test_lbfgs_history_size_bounds_the_stored_pairs():
    rng = np.random.default_rng(3)
    M = rng.standard_normal((6, 6))
    H = M @ M.T + 6 * np.eye(6)
    w = autograd.tensor(np.ones(6), requires_grad=True)
    opt = optim.LBFGS([w], lr=0.1, max_iter=12, history_size=3, tolerance_change=0)
    Ht = autograd.tensor(H)

    def closure():
        opt.zero_grad()
        loss = (w * (Ht @ w)).sum() * 0.5 + (w ** 4).sum()
        loss.backward()
        return loss
    opt.step(closure)
    s = opt.state[w]
    assert len(s["old_dirs"]) == len(s["old_stps"]) == len(s["ro"]) == 3
    assert s["n_iter"] == 12


def test_lbfgs_stops_at_a_stationary_point_without_moving():
    w = autograd.tensor(np.linalg.solve(A, B), requires_grad=True)
    opt = optim.LBFGS([w])
    before = w.detach().numpy().copy()
    opt.step(quadratic_closure(w, opt))
    np.testing.assert_array_equal(w.detach().numpy(), before)
    assert opt.state[w]["func_evals"] == 1 and opt.state[w]["n_iter"] == 0


def test_lbfgs_needs_a_closure_and_one_group():
    w = leaf()
    opt = optim.LBFGS([w])
    with pytest.raises(TypeError):
        opt.step()
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        optim.LBFGS([{"params": [leaf()]}, {"params": [leaf()]}])
    with pytest.raises(ValueError, match="doesn't support per-parameter options"):
        opt.add_param_group({"params": [leaf()]})
    assert len(opt.param_groups) == 1


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_resume_is_bit_for_bit(line_search_fn):
    """Two parameters of different shapes: the state holds flat vectors
    over both, which load_state_dict accepts."""
    def make(values):
        return [autograd.tensor(np.array(v), requires_grad=True) for v in values]

    def rosen_closure(ps, opt):
        def closure():
            opt.zero_grad()
            x = ps[0].reshape(-1)
            loss = ((1 - x[:-1]) ** 2).sum() + (100 * (x[1:] - x[:-1] ** 2) ** 2).sum() \
                + ((ps[1] - 0.5) ** 2).sum()
            loss.backward()
            return loss
        return closure

    ps = make([[[-1.2, 1.0], [0.5, 0.8]], [0.3, -0.2, 0.1]])
    kw = dict(lr=0.5, max_iter=4, history_size=3, line_search_fn=line_search_fn)
    opt = optim.LBFGS(ps, **kw)
    for _ in range(3):
        opt.step(rosen_closure(ps, opt))
    saved = pickle.loads(pickle.dumps(opt.state_dict()))
    saved_values = [p.detach().numpy().copy() for p in ps]
    for _ in range(3):
        opt.step(rosen_closure(ps, opt))
    qs = make(saved_values)
    opt2 = optim.LBFGS(qs, **kw)
    opt2.load_state_dict(saved)
    for _ in range(3):
        opt2.step(rosen_closure(qs, opt2))
    for p, q in zip(ps, qs):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_lbfgs_load_refuses_flat_state_of_another_size():
    w = autograd.tensor(np.array([1.0, 1.0]), requires_grad=True)
    opt = optim.LBFGS([w], max_iter=2)
    opt.step(quadratic_closure(w, opt))
    v = autograd.tensor(np.ones((3, 1)), requires_grad=True)
    other = optim.LBFGS([v])
    with pytest.raises(ValueError, match=r"state 'd' of parameter 0 has shape \(2,\) but "
                                         r"shape \(3,\) was expected"):
        other.load_state_dict(opt.state_dict())
    assert not other.state


# ------------------------------------------------------------- PyTorch
NEW_CONFIGS = [
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.5, weight_decay=0.1)),
    ("Adadelta", dict(maximize=True, eps=1e-4)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.5, weight_decay=0.1)),
    ("Adamax", dict()),
    ("Adamax", dict(lr=0.05, betas=(0.6, 0.9), weight_decay=0.1)),
    ("Adamax", dict(lr=0.05, betas=(0.2, 0.99), maximize=True)),  # lerp from the far end
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.05, momentum_decay=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", dict()),
    ("RAdam", dict(lr=0.05, weight_decay=0.1)),
    ("RAdam", dict(lr=0.05, betas=(0.5, 0.9), weight_decay=0.1, decoupled_weight_decay=True,
                   maximize=True)),
]


@pytest.mark.parametrize("name,kwargs", NEW_CONFIGS, ids=[f"{n}-{k}" for n, k in NEW_CONFIGS])
def test_float64_trajectory_matches_torch(name, kwargs):
    """40 steps (NAdam's float32 mu_product and RAdam's switch to the
    rectified rule included) agree to 5e-12 (measured: ~1e-14)."""
    pytest.importorskip("torch")
    from test_optim_torch import _assert_same, _run_ours, _run_torch
    torch = pytest.importorskip("torch")
    _assert_same(_run_ours(getattr(optim, name), kwargs, steps=40),
                 _run_torch(getattr(torch.optim, name), kwargs, steps=40))


@pytest.mark.parametrize("name", ["Adadelta", "Adagrad", "Adamax", "NAdam", "RAdam"])
def test_param_groups_match_torch(name):
    torch = pytest.importorskip("torch")
    from test_optim_torch import _assert_same, _run_ours, _run_torch
    groups = [([0, 2], dict(lr=0.02)), ([1], dict(lr=0.005, weight_decay=0.05))]
    _assert_same(_run_ours(getattr(optim, name), dict(lr=0.01), groups=groups),
                 _run_torch(getattr(torch.optim, name), dict(lr=0.01), groups=groups))


def _lbfgs_run(lib, line_search_fn, history_size, lr):
    """Six L-BFGS steps on a smooth non-quadratic function of two
    parameters, loss and gradient computed in NumPy so both libraries see
    the same numbers."""
    torch = pytest.importorskip("torch")
    M = np.array([[3.0, 0.5, 0.1, 0.0], [0.5, 2.0, 0.3, 0.2],
                  [0.1, 0.3, 1.5, 0.4], [0.0, 0.2, 0.4, 1.0]])
    c = np.array([1.0, -2.0, 0.5, 0.3])
    init = [np.array([1.0, -0.5]), np.array([[0.3], [2.0]])]
    if lib == "ours":
        ps = [autograd.tensor(a.copy(), requires_grad=True) for a in init]
        opt = optim.LBFGS(ps, lr=lr, max_iter=4, history_size=history_size,
                          line_search_fn=line_search_fn)
        get, make = (lambda p: p.detach().numpy()), autograd.tensor
    else:
        ps = [torch.tensor(a.copy(), requires_grad=True) for a in init]
        opt = torch.optim.LBFGS(ps, lr=lr, max_iter=4, history_size=history_size,
                                line_search_fn=line_search_fn)
        get, make = (lambda p: p.detach().numpy()), torch.from_numpy

    def closure():
        w = np.concatenate([get(p).ravel() for p in ps])
        ps[0].grad = make((M @ w - c + w ** 3 + np.cos(w))[:2].copy())
        ps[1].grad = make((M @ w - c + w ** 3 + np.cos(w))[2:].reshape(2, 1).copy())
        return make(np.array(0.5 * w @ M @ w - c @ w + 0.25 * np.sum(w ** 4)
                             + np.sum(np.sin(w))))
    out = []
    for _ in range(6):
        opt.step(closure)
        out.append(np.concatenate([get(p).ravel().copy() for p in ps]))
    s = opt.state[ps[0]]
    return out, (s["func_evals"], s["n_iter"])


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("history_size,lr", [(100, 1.0), (2, 0.3)])
def test_lbfgs_matches_torch(line_search_fn, history_size, lr):
    ours, our_counts = _lbfgs_run("ours", line_search_fn, history_size, lr)
    theirs, their_counts = _lbfgs_run("torch", line_search_fn, history_size, lr)
    assert our_counts == their_counts
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-12)

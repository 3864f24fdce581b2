"""Optional: PyTorch as the oracle for optimizers and schedules.

Both libraries are fed the same gradients (a fixed NumPy function of the
current parameters), so any difference comes from the update rules alone.
float64 trajectories over 20 steps agree to 3e-13 (relative; measured, the
worst being centered RMSprop with alpha=0.3, whose v - m**2 cancels) and are
checked at 5e-12: PyTorch's CPU kernels fuse some multiply-adds (FMA), which
NumPy cannot, so bit-equality is not expected -- but any difference in
formula (where eps goes, the bias corrections, the first momentum step...)
shows up at 1e-3 or worse.
Skipped when torch is not installed.
"""
import math

import numpy as np
import pytest

import autograd
import optim
from optim import lr_scheduler

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (5,), ()]


def _grad_fn(arrays, sign=1.0):
    """A smooth, non-quadratic gradient: d/dw sum(w**4/4 - c*w + w*roll(w)),
    negated (``sign=-1``) for ``maximize=True`` so ascent stays bounded."""
    out = []
    for k, w in enumerate(arrays):
        c = np.linspace(-1.0, 1.0, w.size).reshape(w.shape) + 0.1 * k
        g = w ** 3 - c + 0.5 * np.roll(w.reshape(-1), 1).reshape(w.shape)
        out.append(np.asarray(sign * g))
    return out


def _initial(dtype=np.float64):
    rng = np.random.default_rng(0)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


def _run_ours(cls, kwargs, steps=20, dtype=np.float64, groups=None):
    params = [autograd.tensor(a, requires_grad=True) for a in _initial(dtype)]
    opt = cls(_grouped(params, groups), **kwargs)
    history = []
    for _ in range(steps):
        for p, g in zip(params, _grad_fn([p.detach().numpy() for p in params], _sign(kwargs))):
            p.grad = autograd.tensor(g.astype(dtype))
        opt.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history


def _run_torch(cls, kwargs, steps=20, dtype=np.float64, groups=None):
    params = [torch.tensor(a, requires_grad=True) for a in _initial(dtype)]
    opt = cls(_grouped(params, groups), **kwargs)
    history = []
    for _ in range(steps):
        for p, g in zip(params, _grad_fn([p.detach().numpy() for p in params], _sign(kwargs))):
            p.grad = torch.from_numpy(g.astype(dtype))
        opt.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history


def _sign(kwargs):
    return -1.0 if kwargs.get("maximize") else 1.0


def _grouped(params, groups):
    if groups is None:
        return params
    return [dict(opts, params=[params[i] for i in idx]) for idx, opts in groups]


def _assert_same(ours, theirs, rtol=5e-12, atol=5e-13):
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for k, (x, y) in enumerate(zip(a, b)):
            np.testing.assert_allclose(x, y, rtol=rtol, atol=atol,
                                       err_msg=f"step {step + 1}, parameter {k}")


CONFIGS = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.8, weight_decay=0.01, nesterov=True)),
    ("SGD", dict(lr=0.01, momentum=0.5, weight_decay=0.01, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, alpha=0.3, centered=True)),  # lerp from the far end
    ("RMSprop", dict(lr=0.001, maximize=True, weight_decay=0.01)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, betas=(0.5, 0.9), eps=1e-4)),
    ("Adam", dict(lr=0.05, betas=(0.2, 0.99), amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("AdamW", dict(lr=0.05, betas=(0.6, 0.95), maximize=True)),
]


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_float64_trajectory_matches_torch(name, kwargs):
    ours = _run_ours(getattr(optim, name), kwargs)
    theirs = _run_torch(getattr(torch.optim, name), kwargs)
    _assert_same(ours, theirs)


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_float32_step_within_a_few_ulps_of_torch(name, kwargs):
    """float32 stays float32, and one step lands within a few float32 ulps
    of PyTorch's (its fused multiply-adds round once where NumPy rounds
    twice).  Longer float32 runs drift apart as any two float32 runs do."""
    ours = _run_ours(getattr(optim, name), kwargs, steps=1, dtype=np.float32)
    theirs = _run_torch(getattr(torch.optim, name), kwargs, steps=1, dtype=np.float32)
    assert all(x.dtype == np.float32 for x in ours[-1])
    _assert_same(ours, theirs, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adam", "AdamW"])
def test_param_groups_match_torch(name):
    groups = [([0, 2], dict(lr=0.02)), ([1], dict(lr=0.005, weight_decay=0.05))]
    extra = dict(momentum=0.9) if name == "SGD" else {}
    ours = _run_ours(getattr(optim, name), dict(lr=0.01, **extra), groups=groups)
    theirs = _run_torch(getattr(torch.optim, name), dict(lr=0.01, **extra), groups=groups)
    _assert_same(ours, theirs)


def test_large_parameter_walked_in_blocks_matches_torch():
    """A parameter larger than one block (see optim.optimizer._BLOCK_BYTES)
    is updated block by block; the result must not depend on it."""
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal((300, 257))
    ours = autograd.tensor(w0, requires_grad=True)
    theirs = torch.tensor(w0, requires_grad=True)
    a = optim.Adam([ours], lr=0.01, amsgrad=True, weight_decay=0.01)
    b = torch.optim.Adam([theirs], lr=0.01, amsgrad=True, weight_decay=0.01)
    for _ in range(5):
        g = np.sin(ours.detach().numpy() * 3.0) + 0.1
        ours.grad = autograd.tensor(g)
        theirs.grad = torch.from_numpy(np.sin(theirs.detach().numpy() * 3.0) + 0.1)
        a.step()
        b.step()
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-13)


# ---------------------------------------------------------------- schedules

def _lr_sequences(make_ours, make_theirs, epochs=40, n_groups=2):
    p = [autograd.tensor(np.zeros(2), requires_grad=True) for _ in range(n_groups)]
    q = [torch.zeros(2, dtype=torch.float64, requires_grad=True) for _ in range(n_groups)]
    opt_a = optim.SGD([{"params": [x], "lr": 0.1 * (i + 1)} for i, x in enumerate(p)])
    opt_b = torch.optim.SGD([{"params": [x], "lr": 0.1 * (i + 1)} for i, x in enumerate(q)])
    sa, sb = make_ours(opt_a), make_theirs(opt_b)
    seq_a, seq_b = [sa.get_last_lr()], [sb.get_last_lr()]
    for _ in range(epochs):
        opt_a.step()
        opt_b.step()
        sa.step()
        sb.step()
        seq_a.append(sa.get_last_lr())
        seq_b.append(sb.get_last_lr())
    return seq_a, seq_b


SCHEDULES = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[3, 10, 10, 25], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("CosineAnnealingLR", dict(T_max=15)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.01)),
    ("LambdaLR", dict(lr_lambda=lambda e: 1.0 / (1 + e) ** 0.5)),
]


@pytest.mark.parametrize("name,kwargs", SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedule_matches_torch_exactly(name, kwargs):
    seq_a, seq_b = _lr_sequences(lambda o: getattr(lr_scheduler, name)(o, **kwargs),
                                 lambda o: getattr(torch.optim.lr_scheduler, name)(o, **kwargs))
    assert seq_a == seq_b


def test_reduce_on_plateau_matches_torch():
    metrics = [5, 4, 4.5, 4.2, 4.1, 4.3, 4.0, 4.4, 4.4, 4.4, 4.4, 3.0, 3.0, 3.1, 3.2, 3.2, 3.3]
    for kwargs in (dict(patience=2), dict(patience=1, cooldown=2, factor=0.5),
                   dict(mode="max", patience=0, threshold_mode="abs", threshold=0.05),
                   dict(patience=1, min_lr=[0.05, 0.001], factor=0.2)):
        p = autograd.tensor(np.zeros(1), requires_grad=True)
        q = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        r = autograd.tensor(np.zeros(1), requires_grad=True)
        s = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        a = lr_scheduler.ReduceLROnPlateau(optim.SGD([{"params": [p]}, {"params": [r]}], lr=0.1),
                                           **kwargs)
        b = torch.optim.lr_scheduler.ReduceLROnPlateau(
            torch.optim.SGD([{"params": [q]}, {"params": [s]}], lr=0.1), **kwargs)
        for m in metrics:
            a.step(m)
            b.step(m)
            assert a.get_last_lr() == b.get_last_lr(), kwargs
            assert (a.num_bad_epochs, a.cooldown_counter, a.best) == \
                (b.num_bad_epochs, b.cooldown_counter, b.best)


def test_closed_form_jump_matches_torch():
    """``step(epoch)`` uses each schedule's closed form, as PyTorch does."""
    import warnings
    for name, kwargs in SCHEDULES[:5]:
        p = autograd.tensor(np.zeros(1), requires_grad=True)
        q = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        a = getattr(lr_scheduler, name)(optim.SGD([p], lr=0.2), **kwargs)
        b = getattr(torch.optim.lr_scheduler, name)(torch.optim.SGD([q], lr=0.2), **kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in (5, 12, 30, 3):
                a.step(epoch)
                b.step(epoch)
                assert a.get_last_lr() == pytest.approx(b.get_last_lr(), rel=1e-15), name
                assert not math.isnan(a.get_last_lr()[0])

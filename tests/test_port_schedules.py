"""LinearLR, PolynomialLR, CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR
and SequentialLR (issue 11).

Core tests: each lr (and momentum) sequence against values worked out by
hand from the schedule's definition, state dicts that resume exactly, and
bad arguments refused by name.  The PyTorch tests at the end (skipped
without torch) require the sequences to equal PyTorch 2.13's exactly.
"""
import math
import pickle

import numpy as np
import pytest

import autograd
import optim
from optim import lr_scheduler as L

BASE = (0.1, 0.03)


def make_sgd(lrs=BASE, **kwargs):
    groups = [{"params": [autograd.tensor(np.zeros(2), requires_grad=True)], "lr": lr}
              for lr in lrs]
    return optim.SGD(groups, **kwargs)


def sequence(scheduler, epochs, key="lr"):
    """The groups' ``key`` at epochs 0..epochs (epoch 0 set by the constructor)."""
    groups = scheduler.optimizer.param_groups
    seq = [[g[key] for g in groups]]
    for _ in range(epochs):
        scheduler.optimizer.step()
        scheduler.step()
        seq.append([g[key] for g in groups])
    return seq


def approx(values):
    return pytest.approx(values, rel=1e-12, abs=1e-15)


# ---------------------------------------------------------------- LinearLR
def test_linear_lr_default_warm_up():
    seq = sequence(L.LinearLR(make_sgd()), 8)
    for epoch, lrs in enumerate(seq):
        factor = 1 / 3 + (1 - 1 / 3) * min(epoch, 5) / 5
        assert lrs == approx([b * factor for b in BASE]), epoch


def test_linear_lr_decay_and_closed_form_jump():
    s = L.LinearLR(make_sgd(), start_factor=1.0, end_factor=0.2, total_iters=4)
    assert [x[0] for x in sequence(s, 6)] == approx([0.1, 0.08, 0.06, 0.04, 0.02, 0.02, 0.02])
    s.step(2)
    assert s.get_last_lr() == approx([0.06, 0.018])


# ------------------------------------------------------------ PolynomialLR
def test_polynomial_lr():
    seq = sequence(L.PolynomialLR(make_sgd(), total_iters=4, power=2.0), 6)
    expected = [0.1 * (1 - min(e, 4) / 4) ** 2 for e in range(7)]
    assert [x[0] for x in seq] == approx(expected)
    assert expected[:5] == approx([0.1, 0.05625, 0.025, 0.00625, 0.0])


# --------------------------------------------- CosineAnnealingWarmRestarts
def cosine(base, eta_min, t_cur, t_i):
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


def test_warm_restarts_with_growing_periods():
    """T_0=3, T_mult=2: periods of 3, 6, 12 epochs; lr restarts at the
    initial lr at epochs 3 and 9."""
    s = L.CosineAnnealingWarmRestarts(make_sgd(), T_0=3, T_mult=2, eta_min=0.01)
    positions = [(0, 3), (1, 3), (2, 3), (0, 6), (1, 6), (2, 6), (3, 6), (4, 6), (5, 6),
                 (0, 12), (1, 12)]
    seq = sequence(s, len(positions) - 1)
    for epoch, ((t_cur, t_i), lrs) in enumerate(zip(positions, seq)):
        assert lrs == approx([cosine(b, 0.01, t_cur, t_i) for b in BASE]), epoch
    assert seq[3] == approx(list(BASE))


def test_warm_restarts_fractional_epochs():
    s = L.CosineAnnealingWarmRestarts(make_sgd(), T_0=4)
    s.step(5.5)  # second period, 1.5 epochs in
    assert s.get_last_lr() == approx([cosine(b, 0, 1.5, 4) for b in BASE])
    assert s.last_epoch == 5
    s = L.CosineAnnealingWarmRestarts(make_sgd(), T_0=2, T_mult=3)
    s.step(9.0)  # periods [0, 2), [2, 8), [8, 26): 1 epoch into the third
    assert (s.T_i, s.T_cur) == (18, 1.0)
    assert s.get_last_lr() == approx([cosine(b, 0, 1, 18) for b in BASE])


def test_warm_restarts_negative_epoch_is_refused_and_changes_nothing():
    s = L.CosineAnnealingWarmRestarts(make_sgd(), T_0=4)
    s.step()
    before = (s.last_epoch, s.T_cur, s.T_i, s.get_last_lr())
    with pytest.raises(ValueError, match="epoch must be >= 0, got -1"):
        s.step(-1)
    assert (s.last_epoch, s.T_cur, s.T_i, s.get_last_lr()) == before


# ---------------------------------------------------------------- CyclicLR
def test_cyclic_triangular_with_sgd_momentum():
    opt = make_sgd(lrs=(1.0, 1.0), momentum=0.5)
    s = L.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2)
    lrs = sequence(s, 8)
    assert [x[0] for x in lrs] == approx([0.01, 0.055, 0.1, 0.055, 0.01, 0.055, 0.1, 0.055,
                                          0.01])
    s2 = L.CyclicLR(make_sgd(lrs=(1.0, 1.0), momentum=0.5), base_lr=0.01, max_lr=0.1,
                    step_size_up=2)
    momenta = sequence(s2, 4, key="momentum")
    assert [m[0] for m in momenta] == approx([0.9, 0.85, 0.8, 0.85, 0.9])


def test_cyclic_triangular2_halves_each_cycle_and_uneven_steps():
    s = L.CyclicLR(make_sgd(), base_lr=0.0, max_lr=0.8, step_size_up=1, step_size_down=3,
                   mode="triangular2", cycle_momentum=False)
    # up over 1 step, down over 3; peak 0.8, then 0.4, then 0.2
    assert [x[0] for x in sequence(s, 9)] == approx(
        [0.0, 0.8, 0.8 * 2 / 3, 0.8 / 3, 0.0, 0.4, 0.4 * 2 / 3, 0.4 / 3, 0.0, 0.2])


def test_cyclic_exp_range_scales_by_gamma_per_step():
    s = L.CyclicLR(make_sgd(), base_lr=0.0, max_lr=1.0, step_size_up=2, mode="exp_range",
                   gamma=0.5, cycle_momentum=False)
    assert [x[0] for x in sequence(s, 4)] == approx([0.0, 0.5 * 0.5, 1.0 * 0.25, 0.5 * 0.125,
                                                     0.0])


def test_cyclic_custom_scale_fn():
    s = L.CyclicLR(make_sgd(), base_lr=0.0, max_lr=1.0, step_size_up=1,
                   scale_fn=lambda x: 1.0 / x, scale_mode="cycle", cycle_momentum=False)
    assert [x[0] for x in sequence(s, 4)] == approx([0.0, 1.0, 0.0, 0.5, 0.0])


def test_cyclic_cycles_adam_beta1_and_keeps_beta2():
    w = autograd.tensor(np.zeros(2), requires_grad=True)
    opt = optim.Adam([w], betas=(0.5, 0.99))
    s = L.CyclicLR(opt, base_lr=0.001, max_lr=0.003, step_size_up=1, base_momentum=0.8,
                   max_momentum=0.9)
    betas = sequence(s, 2, key="betas")
    assert [b[0] for b in betas] == [(0.9, 0.99), (0.8, 0.99), (0.9, 0.99)]
    assert opt.param_groups[0]["max_momentum"] == 0.9


def test_cyclic_momentum_needs_an_optimizer_with_momentum():
    w = autograd.tensor(np.zeros(2), requires_grad=True)
    opt = optim.Adagrad([w], lr=0.5)
    with pytest.raises(ValueError, match="must support momentum or beta1"):
        L.CyclicLR(opt, 0.01, 0.1)
    assert opt.param_groups[0]["lr"] == 0.5 and "initial_lr" not in opt.param_groups[0]
    L.CyclicLR(opt, 0.01, 0.1, cycle_momentum=False)
    assert opt.param_groups[0]["lr"] == 0.01


# -------------------------------------------------------------- OneCycleLR
def test_one_cycle_cos():
    """10 steps, max_lr=1: from 1/25 up to 1 at step 2 (pct_start=0.3), then
    down to 1/25/1e4 at step 9; momentum 0.95 -> 0.85 -> 0.95."""
    opt = make_sgd(momentum=0.9)
    s = L.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    lrs = sequence(s, 9)
    def anneal(a, b, pct):
        return b + (a - b) / 2 * (math.cos(math.pi * pct) + 1)
    expected = [anneal(0.04, 1.0, e / 2) for e in range(3)] + \
        [anneal(1.0, 4e-6, (e - 2) / 7) for e in range(3, 10)]
    assert [x[0] for x in lrs] == approx(expected)
    assert expected[0] == approx(0.04) and expected[2] == 1.0 and expected[9] == approx(4e-6)
    assert opt.param_groups[0]["momentum"] == approx(0.95)


def test_one_cycle_linear_three_phase_from_epochs():
    s = L.OneCycleLR(make_sgd(), max_lr=[1.0, 0.5], epochs=2, steps_per_epoch=5,
                     pct_start=0.2, anneal_strategy="linear", three_phase=True,
                     cycle_momentum=False)
    # phases end at steps 1 (up), 2 (back down), 9 (annealing to min_lr)
    seq = sequence(s, 9)
    assert [x[0] for x in seq[:3]] == approx([0.04, 1.0, 0.04])
    assert seq[9] == approx([4e-6, 2e-6])
    assert seq[5][0] == approx(0.04 + (4e-6 - 0.04) * 3 / 7)


def test_one_cycle_refuses_steps_beyond_total_and_changes_nothing():
    s = L.OneCycleLR(make_sgd(momentum=0.9), max_lr=1.0, total_steps=3)
    for _ in range(3):
        s.step()
    lrs, epoch = s.get_last_lr(), s.last_epoch
    with pytest.raises(ValueError, match="tried to step 4 times; the specified number of "
                                         "total steps is 3"):
        s.step()
    assert s.last_epoch == epoch and s.get_last_lr() == lrs


# ------------------------------------------------------------ SequentialLR
def test_sequential_warm_up_then_decay():
    opt = make_sgd()
    warm = L.LinearLR(opt, start_factor=0.1, total_iters=3)
    decay = L.ExponentialLR(opt, gamma=0.5)
    s = L.SequentialLR(opt, [warm, decay], milestones=[3])
    assert [x[0] for x in sequence(s, 6)] == approx([0.01, 0.04, 0.07, 0.1, 0.05, 0.025,
                                                     0.0125])
    assert s.get_last_lr() == approx([0.0125, 0.00375])


def test_sequential_three_schedules():
    opt = make_sgd()
    s = L.SequentialLR(opt, [L.ExponentialLR(opt, 0.5), L.StepLR(opt, 2, 0.1),
                             L.PolynomialLR(opt, total_iters=2)], milestones=[2, 5])
    assert [x[0] for x in sequence(s, 7)] == approx([0.1, 0.05, 0.1, 0.1, 0.01, 0.1, 0.05,
                                                     0.0])


def test_sequential_argument_errors():
    opt = make_sgd()
    other = make_sgd()
    a = L.LinearLR(opt)
    with pytest.raises(ValueError, match="at least one scheduler"):
        L.SequentialLR(opt, [], milestones=[])
    with pytest.raises(ValueError, match="one milestone fewer than schedulers.*got 2 "
                                         "schedulers and 2 milestones"):
        L.SequentialLR(opt, [a, L.ExponentialLR(opt, 0.9)], milestones=[2, 3])
    with pytest.raises(ValueError, match="same optimizer.*LinearLR at index 1"):
        L.SequentialLR(opt, [a, L.LinearLR(other)], milestones=[2])
    with pytest.raises(ValueError, match="does not support ReduceLROnPlateau"):
        L.SequentialLR(opt, [a, L.ReduceLROnPlateau(opt)], milestones=[2])
    with pytest.raises(TypeError, match="index 0.*no `optimizer`"):
        L.SequentialLR(opt, [object()], milestones=[])


# ------------------------------------------------------------- state dicts
def _schedules():
    """(optimizer factory, scheduler factory, steps) for each schedule."""
    def seq(opt):
        return L.SequentialLR(opt, [L.LinearLR(opt, 0.2, total_iters=4),
                                    L.CosineAnnealingLR(opt, T_max=9)], milestones=[4])
    return {
        "LinearLR": (make_sgd, lambda o: L.LinearLR(o, 0.25, total_iters=9)),
        "PolynomialLR": (make_sgd, lambda o: L.PolynomialLR(o, total_iters=12, power=1.5)),
        "WarmRestarts": (make_sgd, lambda o: L.CosineAnnealingWarmRestarts(o, 3, 2, 0.001)),
        "CyclicLR": (lambda: make_sgd(momentum=0.9),
                     lambda o: L.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="triangular2")),
        "CyclicLR-exp": (lambda: make_sgd(momentum=0.9),
                         lambda o: L.CyclicLR(o, 0.01, 0.1, step_size_up=2, mode="exp_range",
                                              gamma=0.9)),
        "OneCycleLR": (lambda: make_sgd(momentum=0.9),
                       lambda o: L.OneCycleLR(o, max_lr=0.5, total_steps=20)),
        "SequentialLR": (make_sgd, seq),
    }


@pytest.mark.parametrize("name", list(_schedules()))
def test_scheduler_state_dict_resumes_exactly(name):
    make_opt, make_sched = _schedules()[name]
    opt = make_opt()
    s = make_sched(opt)
    sequence(s, 6)
    saved = pickle.loads(pickle.dumps((opt.state_dict(), s.state_dict())))
    rest = sequence(s, 10)
    opt2 = make_opt()
    s2 = make_sched(opt2)
    opt2.load_state_dict(saved[0])
    s2.load_state_dict(saved[1])
    assert sequence(s2, 10) == rest
    if "momentum" in opt.defaults and opt.param_groups[0]["momentum"]:
        assert opt2.param_groups[0]["momentum"] == opt.param_groups[0]["momentum"]


# ------------------------------------------------------------------ errors
BAD = [
    (lambda o: L.LinearLR(o, start_factor=0), "start_factor"),
    (lambda o: L.LinearLR(o, start_factor=1.5), "start_factor"),
    (lambda o: L.LinearLR(o, end_factor=-0.1), "end_factor"),
    (lambda o: L.LinearLR(o, total_iters=-1), "total_iters"),
    (lambda o: L.PolynomialLR(o, total_iters=0), "total_iters"),
    (lambda o: L.PolynomialLR(o, power="2"), "power"),
    (lambda o: L.CosineAnnealingWarmRestarts(o, T_0=0), "T_0"),
    (lambda o: L.CosineAnnealingWarmRestarts(o, T_0=2.5), "T_0"),
    (lambda o: L.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=0), "T_mult"),
    (lambda o: L.CosineAnnealingWarmRestarts(o, T_0=5, eta_min="0"), "eta_min"),
    (lambda o: L.CyclicLR(o, 0.01, 0.1, mode="sawtooth"), "mode"),
    (lambda o: L.CyclicLR(o, [0.01], 0.1), "base_lr"),
    (lambda o: L.CyclicLR(o, 0.01, [0.1, 0.2, 0.3]), "max_lr"),
    (lambda o: L.CyclicLR(o, 0.01, 0.1, step_size_up=0), "step_size_up"),
    (lambda o: L.CyclicLR(o, 0.01, 0.1, scale_mode="epochs"), "scale_mode"),
    (lambda o: L.OneCycleLR(o, 1.0), "total_steps OR"),
    (lambda o: L.OneCycleLR(o, 1.0, total_steps=0), "total_steps"),
    (lambda o: L.OneCycleLR(o, 1.0, epochs=2, steps_per_epoch=0), "steps_per_epoch"),
    (lambda o: L.OneCycleLR(o, 1.0, total_steps=10, pct_start=1.5), "pct_start"),
    (lambda o: L.OneCycleLR(o, 1.0, total_steps=10, anneal_strategy="exp"),
     "anneal_strategy"),
    (lambda o: L.OneCycleLR(o, [1.0], total_steps=10), "max_lr"),
]


@pytest.mark.parametrize("make,arg", BAD, ids=[a for _, a in BAD])
def test_bad_arguments_are_value_errors_naming_them_and_change_nothing(make, arg):
    opt = make_sgd(momentum=0.9)
    before = [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    with pytest.raises(ValueError, match=arg):
        make(opt)
    assert [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups] == before


def test_scheduler_needs_an_optimizer():
    for make in (lambda: L.CyclicLR(object(), 0.1, 1.0), lambda: L.OneCycleLR(None, 1.0, 5),
                 lambda: L.LinearLR("sgd")):
        with pytest.raises(TypeError, match="expected an Optimizer"):
            make()


# ---------------------------------------------------------------- PyTorch
def _both(make, opt_name="SGD", opt_kwargs=None, epochs=60):
    """Run a schedule in both libraries; lrs, momenta and betas per epoch."""
    torch = pytest.importorskip("torch")
    import warnings
    out = []
    for lib, O, S in (("ours", optim, L), ("torch", torch.optim, torch.optim.lr_scheduler)):
        if lib == "ours":
            ps = [autograd.tensor(np.zeros(2), requires_grad=True) for _ in range(2)]
        else:
            ps = [torch.zeros(2, dtype=torch.float64, requires_grad=True) for _ in range(2)]
        opt = getattr(O, opt_name)([{"params": [p], "lr": 0.1 * (i + 1)}
                                    for i, p in enumerate(ps)], **(opt_kwargs or {}))
        s = make(S, opt)
        def snap(s=s, opt=opt):
            return s.get_last_lr(), [(g["lr"], g.get("momentum"), g.get("betas"))
                                     for g in opt.param_groups]
        seq = [snap()]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(epochs):
                opt.step()
                s.step()
                seq.append(snap())
        out.append(seq)
    return out


ORACLE = [
    ("LinearLR", lambda S, o: S.LinearLR(o), "SGD", None),
    ("LinearLR-13", lambda S, o: S.LinearLR(o, start_factor=0.1, end_factor=0.7,
                                            total_iters=13), "SGD", None),
    ("PolynomialLR", lambda S, o: S.PolynomialLR(o, total_iters=17, power=2.0), "SGD", None),
    ("WarmRestarts", lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=7), "SGD", None),
    ("WarmRestarts-mult", lambda S, o: S.CosineAnnealingWarmRestarts(o, 3, T_mult=2,
                                                                      eta_min=0.01), "SGD", None),
    ("CyclicLR", lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=5), "SGD",
     dict(momentum=0.9)),
    ("CyclicLR-2", lambda S, o: S.CyclicLR(o, [0.01, 0.02], 0.1, step_size_up=4,
                                           step_size_down=7, mode="triangular2"), "SGD",
     dict(momentum=0.9)),
    ("CyclicLR-exp", lambda S, o: S.CyclicLR(o, 0.01, 0.1, step_size_up=3, mode="exp_range",
                                             gamma=0.97, cycle_momentum=False), "SGD", None),
    ("CyclicLR-Adam", lambda S, o: S.CyclicLR(o, 0.001, 0.01, step_size_up=6,
                                              base_momentum=0.85, max_momentum=0.95),
     "Adam", None),
    ("OneCycleLR", lambda S, o: S.OneCycleLR(o, max_lr=1.0, total_steps=60), "SGD",
     dict(momentum=0.9)),
    ("OneCycleLR-3", lambda S, o: S.OneCycleLR(o, max_lr=[0.5, 1.0], epochs=6,
                                               steps_per_epoch=10, anneal_strategy="linear",
                                               three_phase=True), "SGD", dict(momentum=0.9)),
    ("OneCycleLR-Adam", lambda S, o: S.OneCycleLR(o, max_lr=0.01, total_steps=61,
                                                  pct_start=0.25), "Adam", None),
    ("SequentialLR", lambda S, o: S.SequentialLR(
        o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=20)],
        milestones=[5]), "SGD", None),
    ("SequentialLR-3", lambda S, o: S.SequentialLR(
        o, [S.ExponentialLR(o, gamma=0.9), S.StepLR(o, 3, 0.5),
            S.PolynomialLR(o, total_iters=10)], milestones=[10, 25]), "SGD", None),
]


@pytest.mark.parametrize("name,make,opt_name,opt_kwargs", ORACLE, ids=[c[0] for c in ORACLE])
def test_sequence_equals_torch_exactly(name, make, opt_name, opt_kwargs):
    ours, theirs = _both(make, opt_name, opt_kwargs)
    assert ours == theirs


def test_warm_restarts_fractional_epochs_match_torch():
    torch = pytest.importorskip("torch")
    import warnings
    a = L.CosineAnnealingWarmRestarts(make_sgd(), T_0=3, T_mult=2)
    q = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    b = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        torch.optim.SGD([{"params": [q], "lr": 0.1}, {"params": [], "lr": 0.03}]), 3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in (0.5, 2.25, 3.0, 7.75, 20.5, 1.0):
            a.step(epoch)
            b.step(epoch)
            assert a.get_last_lr() == b.get_last_lr()
            assert (a.T_cur, a.T_i, a.last_epoch) == (b.T_cur, b.T_i, b.last_epoch)

"""Learning-rate schedules: each lr sequence against its closed form.

(tests/test_optim_torch.py also checks them against PyTorch, exactly.)
"""
import math
import pickle
from bisect import bisect_right

import numpy as np
import pytest

import autograd
import optim
from optim import lr_scheduler

BASE = (0.1, 0.03)


def make_optimizer(lrs=BASE):
    groups = [{"params": [autograd.tensor(np.zeros(2), requires_grad=True)], "lr": lr}
              for lr in lrs]
    return optim.SGD(groups, lr=1.0)


def sequence(scheduler, epochs):
    """lrs at epochs 0..epochs (epoch 0 is set by the constructor)."""
    seq = [scheduler.get_last_lr()]
    for _ in range(epochs):
        scheduler.optimizer.step()
        scheduler.step()
        seq.append(scheduler.get_last_lr())
    return seq


def assert_closed_form(seq, formula, rel=1e-12):
    for epoch, lrs in enumerate(seq):
        expected = [formula(base, epoch) for base in BASE]
        assert lrs == pytest.approx(expected, rel=rel, abs=1e-15), f"epoch {epoch}"


def test_step_lr():
    seq = sequence(lr_scheduler.StepLR(make_optimizer(), step_size=4, gamma=0.5), 20)
    assert_closed_form(seq, lambda b, e: b * 0.5 ** (e // 4))


def test_step_lr_takes_a_float_step_size_as_pytorch_does():
    """PyTorch's text-classification tutorial passes step_size=1.0; with 2.5
    the lr decays at the epochs divisible by 2.5 (5, 10, ...)."""
    seq = sequence(lr_scheduler.StepLR(make_optimizer(), step_size=2.5, gamma=0.5), 12)
    assert_closed_form(seq, lambda b, e: b * 0.5 ** (e // 5))
    seq = sequence(lr_scheduler.StepLR(make_optimizer(), step_size=1.0, gamma=0.5), 4)
    assert_closed_form(seq, lambda b, e: b * 0.5 ** e)


def test_multi_step_lr_with_a_repeated_milestone():
    milestones = [2, 5, 5, 9]
    seq = sequence(lr_scheduler.MultiStepLR(make_optimizer(), milestones, gamma=0.1), 12)
    assert_closed_form(seq, lambda b, e: b * 0.1 ** bisect_right(milestones, e))
    assert seq[5][0] == pytest.approx(0.1 * 0.1 ** 3)


def test_exponential_lr():
    seq = sequence(lr_scheduler.ExponentialLR(make_optimizer(), gamma=0.9), 30)
    assert_closed_form(seq, lambda b, e: b * 0.9 ** e)


def test_lambda_lr_one_function_or_one_per_group():
    seq = sequence(lr_scheduler.LambdaLR(make_optimizer(), lambda e: 1 / (e + 1)), 10)
    assert_closed_form(seq, lambda b, e: b / (e + 1))
    opt = make_optimizer()
    seq = sequence(lr_scheduler.LambdaLR(opt, [lambda e: 0.5 ** e, lambda e: e + 1.0]), 5)
    for e, (a, b) in enumerate(seq):
        assert a == pytest.approx(0.1 * 0.5 ** e) and b == pytest.approx(0.03 * (e + 1))
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        lr_scheduler.LambdaLR(make_optimizer(), [lambda e: 1.0])


@pytest.mark.parametrize("eta_min", [0.0, 0.01])
def test_cosine_annealing_matches_the_closed_form(eta_min):
    T = 10
    seq = sequence(lr_scheduler.CosineAnnealingLR(make_optimizer(), T_max=T, eta_min=eta_min),
                   3 * T)  # beyond T_max it rises again along the cosine
    assert_closed_form(
        seq, lambda b, e: eta_min + (b - eta_min) * (1 + math.cos(math.pi * e / T)) / 2)
    assert seq[T][0] == pytest.approx(eta_min, abs=1e-15)


def test_inverse_time_decay_from_the_lecture_notes():
    opt = make_optimizer()
    sched = lr_scheduler.InverseTimeLR(opt, decay_rate=0.5)
    seq = sequence(sched, 20)
    for epoch, lrs in enumerate(seq):
        assert lrs == [b / (1 + 0.5 * epoch) for b in BASE]  # exact: no drift
    assert [g["lr"] for g in opt.param_groups] == seq[-1]


def test_schedules_set_initial_lr_and_drive_the_optimizer():
    p = autograd.tensor(np.zeros(1), requires_grad=True)
    opt = optim.SGD([p], lr=1.0)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    assert opt.param_groups[0]["initial_lr"] == 1.0
    for expected_lr in (1.0, 0.5, 0.25):
        before = p.detach().numpy()[0]
        p.grad = autograd.tensor(np.ones(1))
        opt.step()
        assert before - p.detach().numpy()[0] == expected_lr
        sched.step()
    lrs = sched.get_last_lr()
    lrs[0] = 99.0  # a copy: changing it changes nothing
    assert sched.get_last_lr() == [0.125]


def test_resuming_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(make_optimizer(), step_size=2, last_epoch=4)
    opt = make_optimizer()
    lr_scheduler.StepLR(opt, step_size=2)
    resumed = lr_scheduler.StepLR(opt, step_size=2, last_epoch=4)
    assert resumed.last_epoch == 5


def test_step_with_an_epoch_jumps_by_the_closed_form():
    sched = lr_scheduler.ExponentialLR(make_optimizer(), gamma=0.5)
    sched.step(4)
    assert sched.get_last_lr() == pytest.approx([b * 0.5 ** 4 for b in BASE])
    sched = lr_scheduler.MultiStepLR(make_optimizer(), [2, 4], gamma=0.1)
    sched.step(3)
    assert sched.get_last_lr() == pytest.approx([b * 0.1 for b in BASE])


@pytest.mark.parametrize("make", [
    lambda o: lr_scheduler.StepLR(o, step_size=3, gamma=0.7),
    lambda o: lr_scheduler.MultiStepLR(o, [2, 6], gamma=0.3),
    lambda o: lr_scheduler.ExponentialLR(o, gamma=0.95),
    lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    lambda o: lr_scheduler.InverseTimeLR(o, decay_rate=0.1),
], ids=["step", "multistep", "exponential", "cosine", "inverse_time"])
def test_scheduler_state_dict_resumes_exactly(make):
    opt = make_optimizer()
    sched = make(opt)
    sequence(sched, 5)
    saved = pickle.dumps((opt.state_dict(), sched.state_dict()))
    rest = sequence(sched, 12)[1:]

    opt2 = make_optimizer(lrs=(5.0, 5.0))
    sched2 = make(opt2)
    opt_sd, sched_sd = pickle.loads(saved)
    opt2.load_state_dict(opt_sd)
    sched2.load_state_dict(sched_sd)
    assert sequence(sched2, 12)[1:] == rest


def test_lambda_lr_state_dict_keeps_callable_objects_state():
    class Warmup:
        def __init__(self, n):
            self.n = n

        def __call__(self, epoch):
            return min(1.0, (epoch + 1) / self.n)

    sched = lr_scheduler.LambdaLR(make_optimizer(), [Warmup(4), lambda e: 1.0])
    sd = sched.state_dict()
    assert sd["lr_lambdas"] == [{"n": 4}, None]
    other = lr_scheduler.LambdaLR(make_optimizer(), [Warmup(10), lambda e: 1.0])
    other.load_state_dict(sd)
    assert other.lr_lambdas[0].n == 4


# ------------------------------------------------------------ ReduceLROnPlateau

def plateau(metrics, **kwargs):
    opt = make_optimizer(lrs=(1.0,))
    sched = lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    lrs = []
    for m in metrics:
        sched.step(m)
        lrs.append(sched.get_last_lr()[0])
    return lrs


def test_plateau_waits_patience_epochs_then_reduces():
    # the first metric sets the best; then 3 epochs without improvement
    assert plateau([5, 5, 5, 5, 5], patience=2, factor=0.5) == [1, 1, 1, 0.5, 0.5]
    assert plateau([5, 4, 3, 2, 1], patience=0) == [1] * 5


def test_plateau_relative_and_absolute_thresholds():
    # 1% better is not better than a 5% relative threshold
    assert plateau([10, 9.9, 9.8], patience=0, threshold=0.05, factor=0.5) == [1, 0.5, 0.25]
    assert plateau([10, 9.9, 9.8], patience=0, threshold=0.05, threshold_mode="abs") == [1] * 3


def test_plateau_max_mode_cooldown_and_min_lr():
    assert plateau([1, 1, 1, 1, 1], mode="max", patience=0, factor=0.5, cooldown=2) == \
        [1, 0.5, 0.5, 0.5, 0.25]
    assert plateau([1] * 6, patience=0, factor=0.1, min_lr=0.005) == \
        [1, 0.1, pytest.approx(0.01), 0.005, 0.005, 0.005]


def test_plateau_ignores_changes_smaller_than_eps():
    assert plateau([1, 1, 1], patience=0, factor=0.5, min_lr=0.9999999999) == [1, 1, 1]


def test_plateau_accepts_a_tensor_metric_and_resumes_from_state():
    metrics = [3.0, 2.0, 3.0, 3.0, 2.5, 3.0, 3.0, 3.0, 1.0, 2.0]
    opt = make_optimizer()
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=1, cooldown=1, min_lr=[0.0, 0.02])
    for m in metrics[:4]:
        sched.step(autograd.tensor(m))
    saved = pickle.dumps((opt.state_dict(), sched.state_dict()))
    for m in metrics[4:]:
        sched.step(m)

    opt2 = make_optimizer()
    sched2 = lr_scheduler.ReduceLROnPlateau(opt2)
    opt_sd, sched_sd = pickle.loads(saved)
    opt2.load_state_dict(opt_sd)
    sched2.load_state_dict(sched_sd)
    for m in metrics[4:]:
        sched2.step(m)
    assert sched2.get_last_lr() == sched.get_last_lr()
    assert sched.get_last_lr() != [0.1, 0.03]  # it did reduce along the way
    assert (sched2.best, sched2.num_bad_epochs, sched2.cooldown_counter) == \
        (sched.best, sched.num_bad_epochs, sched.cooldown_counter)


# ----------------------------------------------------------------- bad input

@pytest.mark.parametrize("make,match", [
    (lambda o: lr_scheduler.StepLR(o, step_size=0), "step_size"),
    (lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=-0.1), "gamma"),
    (lambda o: lr_scheduler.MultiStepLR(o, [5, 2]), "increasing"),
    (lambda o: lr_scheduler.ExponentialLR(o, gamma="0.9"), "gamma"),
    (lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=0), "T_max"),
    (lambda o: lr_scheduler.InverseTimeLR(o, decay_rate=-1.0), "decay_rate"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=1.0), "factor"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="minimum"), "mode"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, threshold_mode="pct"), "threshold_mode"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, patience=-1), "patience"),
    (lambda o: lr_scheduler.ReduceLROnPlateau(o, min_lr=[0.1]), "min_lrs"),
], ids=["step_size", "gamma", "milestones", "gamma_type", "T_max", "decay_rate", "factor",
        "mode", "threshold_mode", "patience", "min_lr"])
def test_bad_arguments_are_named(make, match):
    with pytest.raises(ValueError, match=match):
        make(make_optimizer())


def test_scheduler_needs_an_optimizer():
    with pytest.raises(TypeError, match="expected an Optimizer"):
        lr_scheduler.StepLR([0.1], step_size=1)
    with pytest.raises(TypeError, match="expected an Optimizer"):
        lr_scheduler.ReduceLROnPlateau(None)


def test_group_added_after_a_base_lr_schedule_is_an_error():
    """Schedules computed from ``base_lrs`` have no base for a new group."""
    opt = make_optimizer()
    sched = lr_scheduler.InverseTimeLR(opt, decay_rate=0.5)
    opt.add_param_group({"params": [autograd.tensor(np.zeros(1), requires_grad=True)]})
    with pytest.raises(ValueError, match="3 param groups but the scheduler was built for 2"):
        sched.step()

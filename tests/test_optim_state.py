"""Optimizer state dicts: PyTorch's layout, and resuming that is bit-for-bit.

The contract: save the optimizer (and its parameters) mid-run, build a new
optimizer over fresh parameters, load -- and the rest of the run is
identical, bit for bit, to a run that was never interrupted.
"""
import copy
import pickle

import numpy as np
import pytest

import autograd
import optim
from optim import lr_scheduler

SHAPES = [(4, 3), (3,), ()]

CONFIGS = [
    (optim.SGD, dict(lr=0.05)),
    (optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (optim.SGD, dict(lr=0.05, momentum=0.9, dampening=0.2)),
    (optim.RMSprop, dict(lr=0.01)),
    (optim.RMSprop, dict(lr=0.01, momentum=0.9, centered=True)),
    (optim.Adam, dict(lr=0.05)),
    (optim.Adam, dict(lr=0.05, amsgrad=True, weight_decay=0.1)),
    (optim.AdamW, dict(lr=0.05, amsgrad=True)),
]
IDS = [f"{c.__name__}-{k}" for c, k in CONFIGS]


def make_params(values=None, dtype=np.float64):
    if values is None:
        rng = np.random.default_rng(0)
        values = [rng.standard_normal(s) for s in SHAPES]
    return [autograd.tensor(np.asarray(v, dtype=dtype), requires_grad=True) for v in values]


def grads_for(params, step):
    """Deterministic gradients that depend on the parameters (as real ones do)."""
    for k, p in enumerate(params):
        p.grad = autograd.tensor(np.asarray(np.sin(p.data * (k + 1)) + 0.1 * step, dtype=p.dtype))


def grouped(params):
    return [{"params": params[:2]}, {"params": params[2:], "lr": 0.003}]


def run(opt, params, first, last):
    for step in range(first, last):
        grads_for(params, step)
        opt.step()


@pytest.mark.parametrize("cls,kwargs", CONFIGS, ids=IDS)
@pytest.mark.parametrize("transport", ["direct", "deepcopy", "pickle"])
def test_resume_is_bit_for_bit(cls, kwargs, transport):
    params = make_params()
    opt = cls(grouped(params), **kwargs)
    run(opt, params, 0, 5)
    saved_state = opt.state_dict()
    saved_params = [p.detach().numpy().copy() for p in params]
    run(opt, params, 5, 12)  # the uninterrupted run
    if transport == "deepcopy":
        saved_state = copy.deepcopy(saved_state)
    elif transport == "pickle":
        saved_state = pickle.loads(pickle.dumps(saved_state))

    resumed = make_params(saved_params)
    opt2 = cls(grouped(resumed), lr=123.0)  # options come from the state dict
    opt2.load_state_dict(saved_state)
    run(opt2, resumed, 5, 12)
    for a, b in zip(params, resumed):
        np.testing.assert_array_equal(a.data, b.data)


def test_state_dict_is_a_snapshot():
    """Later steps must not change a state dict already taken."""
    params = make_params()
    opt = optim.Adam(params, lr=0.1)
    run(opt, params, 0, 2)
    sd = opt.state_dict()
    before = copy.deepcopy(sd)
    run(opt, params, 2, 4)
    for k in before["state"]:
        for name, value in before["state"][k].items():
            np.testing.assert_array_equal(np.asarray(sd["state"][k][name]), np.asarray(value))
    # and loading does not tie the optimizer to the dict either
    opt.load_state_dict(sd)
    run(opt, params, 4, 5)
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"].data,
                                  before["state"][0]["exp_avg"].data)


def test_state_dict_layout_follows_pytorch():
    params = make_params()
    opt = optim.SGD(grouped(params), lr=0.1, momentum=0.9)
    grads_for(params, 0)
    params[1].grad = None
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert sorted(sd["state"]) == [0, 2]  # integer indices; no state for the skipped param
    assert set(sd["state"][0]) == {"momentum_buffer"}
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sd["param_groups"][1]["lr"] == 0.003
    assert sd["param_groups"][0]["momentum"] == 0.9
    assert isinstance(sd["state"][0]["momentum_buffer"], autograd.Tensor)


def test_load_restores_group_options():
    params = make_params()
    opt = optim.Adam(params, lr=0.1, betas=(0.8, 0.9))
    sd = opt.state_dict()
    opt2 = optim.Adam(make_params(), lr=0.5)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[0]["lr"] == 0.1
    assert opt2.param_groups[0]["betas"] == (0.8, 0.9)
    assert opt2.param_groups[0]["params"][0] is not params[0]


def test_load_casts_state_to_the_parameters_dtype():
    params = make_params()
    opt = optim.Adam(params)
    run(opt, params, 0, 2)
    p32 = make_params([p.data for p in params], dtype=np.float32)
    opt32 = optim.Adam(p32)
    opt32.load_state_dict(opt.state_dict())
    assert opt32.state[p32[0]]["exp_avg"].dtype == np.float32
    run(opt32, p32, 2, 3)
    assert p32[0].dtype == np.float32


def test_resume_with_a_scheduler_is_bit_for_bit():
    params = make_params()
    opt = optim.SGD(params, lr=0.1, momentum=0.9)
    sched = lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    for epoch in range(4):
        run(opt, params, epoch, epoch + 1)
        sched.step()
    saved = pickle.dumps((opt.state_dict(), sched.state_dict(), [p.data for p in params]))
    for epoch in range(4, 10):
        run(opt, params, epoch, epoch + 1)
        sched.step()

    opt_sd, sched_sd, values = pickle.loads(saved)
    resumed = make_params(values)
    opt2 = optim.SGD(resumed, lr=0.1, momentum=0.9)
    sched2 = lr_scheduler.StepLR(opt2, step_size=3, gamma=0.5)
    opt2.load_state_dict(opt_sd)  # after building the scheduler, as in PyTorch
    sched2.load_state_dict(sched_sd)
    for epoch in range(4, 10):
        run(opt2, resumed, epoch, epoch + 1)
        sched2.step()
    assert sched2.get_last_lr() == sched.get_last_lr()
    for a, b in zip(params, resumed):
        np.testing.assert_array_equal(a.data, b.data)


# ------------------------------------------------------------ mismatches

def _stepped_adam(values=None):
    params = make_params(values)
    opt = optim.Adam(params, lr=0.1)
    run(opt, params, 0, 2)
    return opt, params


def _snapshot(opt):
    return [(id(p), {k: np.array(v.data if isinstance(v, autograd.Tensor) else v)
                     for k, v in s.items()}) for p, s in opt.state.items()], \
        [dict((k, v) for k, v in g.items() if k != "params") for g in opt.param_groups]


def _assert_unchanged(opt, snapshot):
    state, groups = _snapshot(opt)
    assert [i for i, _ in state] == [i for i, _ in snapshot[0]]
    for (_, a), (_, b) in zip(state, snapshot[0]):
        assert a.keys() == b.keys()
        for k in a:
            np.testing.assert_array_equal(a[k], b[k])
    assert groups == snapshot[1]


def test_load_with_a_different_parameter_count_fails_and_loads_nothing():
    source, _ = _stepped_adam()
    target, _ = _stepped_adam()
    target.add_param_group({"params": [autograd.tensor(np.ones(2), requires_grad=True)]})
    snap = _snapshot(target)
    with pytest.raises(ValueError, match="has 1 parameter groups but this optimizer has 2"):
        target.load_state_dict(source.state_dict())
    _assert_unchanged(target, snap)

    fewer = optim.Adam(make_params()[:2], lr=0.3)
    snap = _snapshot(fewer)
    with pytest.raises(ValueError, match="group 0 of the state dict has 3 parameters but "
                                         "this optimizer's group 0 has 2"):
        fewer.load_state_dict(source.state_dict())
    _assert_unchanged(fewer, snap)


def test_load_with_different_shapes_fails_and_loads_nothing():
    source, _ = _stepped_adam()
    rng = np.random.default_rng(5)
    other, _ = _stepped_adam([rng.standard_normal(s) for s in [(4, 3), (5,), ()]])
    other.param_groups[0]["lr"] = 0.7
    snap = _snapshot(other)
    with pytest.raises(ValueError, match=r"parameter 1 has shape \(3,\) but the parameter "
                                         r"has shape \(5,\)"):
        other.load_state_dict(source.state_dict())
    _assert_unchanged(other, snap)
    assert other.param_groups[0]["lr"] == 0.7


def test_load_state_from_another_optimizer_fails():
    params = make_params()
    sgd = optim.SGD(params, lr=0.1, momentum=0.9)
    run(sgd, params, 0, 1)
    adam, _ = _stepped_adam()
    snap = _snapshot(adam)
    with pytest.raises(ValueError, match="lacks .*exp_avg.*different optimizer"):
        adam.load_state_dict(sgd.state_dict())
    _assert_unchanged(adam, snap)


def test_load_rejects_bad_options_and_malformed_dicts():
    adam, _ = _stepped_adam()
    sd = adam.state_dict()
    sd["param_groups"][0]["betas"] = (0.9, 1.5)
    snap = _snapshot(adam)
    with pytest.raises(ValueError, match=r"betas\[1\]"):
        adam.load_state_dict(sd)
    _assert_unchanged(adam, snap)
    with pytest.raises(ValueError, match="'state'"):
        adam.load_state_dict({"param_groups": []})
    sd = adam.state_dict()
    sd["state"][7] = sd["state"][0]
    with pytest.raises(ValueError, match="parameter 7"):
        adam.load_state_dict(sd)
    _assert_unchanged(adam, snap)


def test_adamw_stays_decoupled_when_loading_adam_state():
    params = make_params()
    adam = optim.Adam(params, lr=0.1, weight_decay=0.1)
    run(adam, params, 0, 2)
    adamw = optim.AdamW(make_params([p.data for p in params]))
    adamw.load_state_dict(adam.state_dict())
    assert adamw.param_groups[0]["decoupled_weight_decay"] is True
    assert adamw.param_groups[0]["weight_decay"] == 0.1

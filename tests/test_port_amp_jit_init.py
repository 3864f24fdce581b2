"""``torch.amp`` (autocast, GradScaler), ``torch.jit`` pass-throughs and
``nn.init.trunc_normal_`` as a CPU-only PyTorch behaves."""
import math
import warnings

import numpy as np
import pytest

import autograd as ag
import chainrule
import nn
import optim
from autograd.errors import ArgumentError, DTypeError


# ------------------------------------------------------------------ autocast
def test_autocast_for_an_absent_cuda_device_warns_and_changes_nothing():
    with pytest.warns(UserWarning, match="disabling autocast"):
        ctx = chainrule.autocast(device_type="cuda", dtype=chainrule.float16)
    with ctx:
        out = ag.ones(2, 2) @ ag.ones(2, 2)
    assert out.dtype == np.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with chainrule.amp.autocast(device_type="cpu", enabled=False):
            pass


def test_cpu_autocast_is_refused_not_run_in_float32():
    with pytest.raises(DTypeError, match="autocast\\(device_type='cpu'\\) would compute in "
                                         "bfloat16/float16"):
        chainrule.autocast(device_type="cpu", dtype=chainrule.float16)


# ---------------------------------------------------------------- GradScaler
def _problem():
    w = nn.Parameter(ag.tensor(np.array([0.5, -1.0, 2.0]), dtype=ag.float32))
    return w, optim.SGD([w], lr=0.1)


def test_cuda_scaler_disables_itself_and_is_a_pass_through():
    with pytest.warns(UserWarning, match="CUDA is not available"):
        scaler = chainrule.cuda.amp.GradScaler()
    assert not scaler.is_enabled() and scaler.get_scale() == 1.0
    w, opt = _problem()
    loss = (w * w).sum()
    assert scaler.scale(loss) is loss
    loss.backward()
    scaler.step(opt)
    scaler.update()
    np.testing.assert_allclose(w.detach().numpy(), [0.4, -0.8, 1.6], rtol=1e-6)
    assert scaler.state_dict() == {}


def test_cpu_scaler_scales_unscales_and_steps_like_plain_training():
    scaler = chainrule.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=2)
    w, opt = _problem()
    for _ in range(3):
        opt.zero_grad()
        loss = (w * w).sum()
        scaled = scaler.scale(loss)
        assert scaled.item() == pytest.approx(loss.item() * scaler.get_scale())
        scaled.backward()
        scaler.step(opt)
        scaler.update()
    np.testing.assert_allclose(w.detach().numpy(), np.array([0.5, -1.0, 2.0]) * 0.8 ** 3,
                               rtol=1e-6)
    assert scaler.get_scale() == 2048.0            # grew once after two clean steps


def test_cpu_scaler_skips_a_step_with_inf_gradients_and_backs_off():
    scaler = chainrule.amp.GradScaler("cpu", init_scale=8.0)
    w, opt = _problem()
    (w * ag.tensor(np.array([np.inf, 1.0, 1.0]), dtype=ag.float32)).sum().backward()
    before = w.detach().numpy().copy()
    assert scaler.step(opt) is None
    scaler.update()
    np.testing.assert_array_equal(w.detach().numpy(), before)
    assert scaler.get_scale() == 4.0
    with pytest.raises(ArgumentError, match="backoff_factor"):
        chainrule.amp.GradScaler("cpu", backoff_factor=1.5)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # the inf step
def test_cpu_scaler_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 3)), rng.normal(size=16)
    ours_w = nn.Parameter(ag.tensor(np.zeros(3)))
    theirs_w = torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))
    runs = []
    for lib, w in ((chainrule, ours_w), (torch, theirs_w)):
        opt = lib.optim.Adam([w], lr=0.1)
        scaler = lib.amp.GradScaler("cpu", init_scale=4.0, growth_interval=3)
        scales = []
        for step in range(8):
            opt.zero_grad()
            bad = step == 4                      # one step with an infinite loss
            pred = lib.tensor(x) @ w
            loss = ((pred - lib.tensor(y)) ** 2).mean() * (math.inf if bad else 1.0)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            scales.append(scaler.get_scale())
        runs.append((w.detach().numpy().copy(), scales))
    np.testing.assert_allclose(runs[0][0], runs[1][0], rtol=1e-12)
    assert runs[0][1] == runs[1][1]


# ----------------------------------------------------------------------- jit
def test_jit_is_a_pass_through_and_refuses_archives():
    fn = lambda t: t * 2
    assert chainrule.jit.script(fn) is fn and chainrule.jit.trace(fn, (ag.ones(1),)) is fn
    assert chainrule.jit.ignore(fn) is fn and chainrule.jit.ignore(drop=True)(fn) is fn
    assert not chainrule.jit.is_scripting()
    with pytest.raises(NotImplementedError, match="state_dict"):
        chainrule.jit.save(fn, "m.pt")


# ------------------------------------------------------------- trunc_normal_
def test_trunc_normal_stays_in_bounds_and_has_the_truncated_moments():
    ag.manual_seed(0)
    n = 200000
    t = nn.init.trunc_normal_(ag.empty(n, dtype=ag.float64), mean=0.5, std=1.0, a=-1.0, b=1.5)
    x = t.numpy()
    assert x.min() >= -1.0 and x.max() <= 1.5
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))
    alpha, beta = -1.5, 1.0
    mass = cdf(beta) - cdf(alpha)
    mean = 0.5 + (pdf(alpha) - pdf(beta)) / mass
    var = 1 + (alpha * pdf(alpha) - beta * pdf(beta)) / mass - ((pdf(alpha) - pdf(beta)) / mass) ** 2
    assert abs(x.mean() - mean) < 6 * math.sqrt(var / n)
    assert abs(x.var() - var) < 0.01


def test_trunc_normal_refusals_and_generator():
    with pytest.raises(ArgumentError, match="reversed"):
        nn.init.trunc_normal_(ag.empty(3), a=1.0, b=-1.0)
    with pytest.raises(DTypeError, match="floating-point"):
        nn.init.trunc_normal_(ag.zeros(3, dtype=ag.int64))
    g = ag.Generator().manual_seed(3)
    first = nn.init.trunc_normal_(ag.empty(5), std=0.02, generator=g).numpy().copy()
    g.manual_seed(3)
    np.testing.assert_array_equal(nn.init.trunc_normal_(ag.empty(5), std=0.02, generator=g)
                                  .numpy(), first)

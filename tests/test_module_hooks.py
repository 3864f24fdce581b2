"""Module hooks: PyTorch's signatures, return-value rules, removal, and that
they survive state_dict round trips but are never pickled."""
import copy
import pickle

import numpy as np
import pytest

import autograd as ag
import nn


def linear64(i=3, o=2):
    ag.manual_seed(0)
    return nn.Linear(i, o).double()


def x64(*shape, rg=True):
    ag.manual_seed(1)
    return ag.randn(*shape, dtype=ag.float64, requires_grad=rg)


class Pair(nn.Module):
    """Two tensor inputs, two outputs: the joined-gradient path."""

    def forward(self, a, b, scale=2.0):
        return a * b * scale, a + b


# ---------------------------------------------------------------- forward
def test_forward_pre_hook_sees_args_and_may_replace_them():
    m = linear64()
    x = x64(4, 3, rg=False)
    seen = []
    m.register_forward_pre_hook(lambda mod, args: seen.append((mod, len(args))))
    h = m.register_forward_pre_hook(lambda mod, args: args[0] * 0)   # non-tuple: wrapped
    out = m(x)
    assert seen == [(m, 1)]
    np.testing.assert_array_equal(out.detach().numpy(),
                                  np.broadcast_to(m.bias.detach().numpy(), (4, 2)))
    h.remove()
    assert not np.allclose(m(x).detach().numpy(), out.detach().numpy())


def test_forward_hook_may_replace_the_output_and_with_kwargs_sees_kwargs():
    m = Pair()
    a, b = x64(2), x64(2)
    got = {}

    def hook(mod, args, kwargs, output):
        got["kwargs"] = dict(kwargs)
        return output[1]

    m.register_forward_hook(hook, with_kwargs=True)
    out = m(a, b, scale=3.0)
    assert got["kwargs"] == {"scale": 3.0}
    np.testing.assert_array_equal(out.detach().numpy(), (a + b).detach().numpy())


def test_pre_hook_with_kwargs_may_replace_args_and_kwargs():
    m = Pair()
    a, b = x64(2), x64(2)
    m.register_forward_pre_hook(lambda mod, args, kw: (args, {"scale": 10.0}),
                                with_kwargs=True)
    out, _ = m(a, b)
    np.testing.assert_allclose(out.detach().numpy(), (a * b * 10).detach().numpy())


def test_prepend_puts_a_hook_first():
    m = linear64()
    order = []
    m.register_forward_hook(lambda *a: order.append("first registered"))
    m.register_forward_hook(lambda *a: order.append("prepended"), prepend=True)
    m(x64(1, 3, rg=False))
    assert order == ["prepended", "first registered"]


def test_always_call_hook_runs_when_forward_raises_and_the_error_is_kept():
    class Boom(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    m = Boom()
    calls = []
    m.register_forward_hook(lambda mod, args, out: calls.append(out), always_call=True)
    m.register_forward_hook(lambda mod, args, out: calls.append("not always"))
    with pytest.raises(ValueError, match="boom"):
        m(ag.ones(1))
    assert calls == [None]


def test_hooks_of_children_run_inside_the_parent_call():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    names = []
    for name, child in model.named_children():
        child.register_forward_hook(lambda mod, a, o, name=name: names.append(name))
    model(ag.randn(2, 3))
    assert names == ["0", "1"]


def test_a_non_callable_hook_is_refused():
    with pytest.raises(TypeError, match="callable"):
        linear64().register_forward_hook("nope")


def test_the_deprecated_non_full_backward_hook_is_refused_with_the_alternative():
    with pytest.raises(NotImplementedError, match="register_full_backward_hook"):
        linear64().register_backward_hook(lambda *a: None)


# --------------------------------------------------------------- backward
def test_full_backward_hook_gives_the_linear_layers_input_and_output_gradients():
    m = linear64()
    x = x64(4, 3)
    seen = {}

    def hook(mod, grad_input, grad_output):
        seen["in"] = [g.detach().numpy().copy() for g in grad_input]
        seen["out"] = [g.detach().numpy().copy() for g in grad_output]

    m.register_full_backward_hook(hook)
    y = m(x)
    g = np.arange(8, dtype=np.float64).reshape(4, 2)
    y.backward(ag.tensor(g))
    np.testing.assert_array_equal(seen["out"][0], g)
    np.testing.assert_allclose(seen["in"][0], g @ m.weight.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.detach().numpy(), seen["in"][0], rtol=1e-12)


def test_full_backward_hook_replacement_is_what_flows_to_the_input():
    m = linear64()
    x = x64(4, 3)
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0 + 1,))
    m(x).sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), np.ones((4, 3)))
    # the parameters' gradients are computed inside the module: unchanged
    np.testing.assert_allclose(m.bias.grad.detach().numpy(), [4.0, 4.0])


def test_backward_pre_hook_replaces_grad_output():
    m = linear64()
    x = x64(4, 3)
    m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 3,))
    m(x).sum().backward()
    np.testing.assert_allclose(m.bias.grad.detach().numpy(), [12.0, 12.0])
    np.testing.assert_allclose(x.grad.detach().numpy(),
                               3 * np.ones((4, 2)) @ m.weight.detach().numpy(), rtol=1e-12)


def test_full_backward_hook_with_several_inputs_and_outputs():
    m = Pair()
    a, b = x64(3), x64(3)
    c = ag.ones(3, dtype=ag.float64)  # a tensor that needs no grad
    seen = {}

    def hook(mod, gi, go):
        seen["gi"], seen["go"] = gi, go

    m.register_full_backward_hook(hook)
    p, s = m(a, b)
    (p.sum() + 5 * s.sum()).backward()
    ad, bd = a.detach().numpy(), b.detach().numpy()
    np.testing.assert_allclose(seen["go"][0].detach().numpy(), np.ones(3))
    np.testing.assert_allclose(seen["go"][1].detach().numpy(), 5 * np.ones(3))
    np.testing.assert_allclose(seen["gi"][0].detach().numpy(), 2 * bd + 5, rtol=1e-12)
    np.testing.assert_allclose(seen["gi"][1].detach().numpy(), 2 * ad + 5, rtol=1e-12)
    np.testing.assert_allclose(a.grad.detach().numpy(), 2 * bd + 5, rtol=1e-12)
    m(a, c)[0].sum().backward()
    assert seen["gi"][1] is None and seen["gi"][0] is not None


def test_full_backward_hook_fires_when_no_input_needs_grad():
    m = linear64()
    calls = []
    m.register_full_backward_hook(lambda mod, gi, go: calls.append((gi, go[0].shape)))
    m(x64(4, 3, rg=False)).sum().backward()
    assert calls == [((None,), (4, 2))]


def test_a_bad_backward_hook_return_is_named_and_changes_no_gradient():
    m = linear64()
    x = x64(4, 3)
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="Linear: a full backward hook must return None or "
                                           "a tuple of 1 gradients, got 2 values"):
        m(x).sum().backward()
    assert x.grad is None and m.weight.grad is None


def test_backward_hooks_pass_gradcheck_and_gradgradcheck():
    m = nn.Sequential(linear64(3, 3), nn.Tanh())
    m[0].register_full_backward_hook(lambda *a: None)
    m[1].register_full_backward_pre_hook(lambda *a: None)
    x = x64(2, 3)
    assert ag.gradcheck(m, (x,))
    assert ag.gradgradcheck(m, (x,))


def test_torch_agrees_on_full_backward_hook_gradients():
    torch = pytest.importorskip("torch")
    m = linear64()
    tm = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        tm.weight.copy_(torch.from_numpy(m.weight.detach().numpy().copy()))
        tm.bias.copy_(torch.from_numpy(m.bias.detach().numpy().copy()))
    got = []
    for mod, lib in ((m, ag), (tm, torch)):
        x = lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3), requires_grad=True)
        mod.register_full_backward_hook(
            lambda _, gi, go: got.append((gi[0].detach().numpy().copy(),
                                          go[0].detach().numpy().copy())))
        mod(x).tanh().sum().backward()
    np.testing.assert_allclose(got[0][0], got[1][0], rtol=1e-12)
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-12)


# --------------------------------------------------- persistence of hooks
def test_hooks_survive_a_state_dict_round_trip():
    m = linear64()
    calls = []
    m.register_forward_hook(lambda *a: calls.append("module"))
    m.weight.register_hook(lambda g: calls.append("weight") or None)
    m.load_state_dict(linear64().state_dict())
    m(x64(1, 3, rg=False)).sum().backward()
    assert calls == ["module", "weight"]


@pytest.mark.parametrize("clone", [lambda m: pickle.loads(pickle.dumps(m)), copy.deepcopy])
def test_hooks_are_never_pickled_or_copied(clone):
    m = linear64()
    calls = []
    m.register_forward_hook(lambda *a: calls.append(1))
    m2 = clone(m)
    m2(x64(1, 3, rg=False))
    assert calls == []
    m(x64(1, 3, rg=False))
    assert calls == [1]

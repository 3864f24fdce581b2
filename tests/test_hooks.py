"""Tensor and graph-node hooks: when they run, what they see, what a
replacement does, removal, and refusals that change nothing (PyTorch 2.13's
behaviour, written down by hand)."""
import numpy as np
import pytest

import autograd as ag
from autograd.errors import DTypeError, ShapeError


def scalar(v, **kw):
    return ag.tensor(v, dtype=ag.float64, requires_grad=True, **kw)


# ------------------------------------------------------------ tensor hooks
def test_leaf_hook_sees_the_summed_gradient_once_and_may_replace_it():
    x = scalar(2.0)
    seen = []
    x.register_hook(lambda g: seen.append(g.item()))
    x.register_hook(lambda g: g * 10)
    (x * 3 + x * x).backward()          # d/dx = 3 + 2x = 7
    assert seen == [7.0]
    assert x.grad.item() == 70.0


def test_non_leaf_hook_replaces_the_gradient_that_flows_on():
    x = scalar(2.0)
    y = x * 3
    y.register_hook(lambda g: g * 100)
    (y * 2).backward()
    assert x.grad.item() == 2 * 100 * 3


def test_hooks_chain_in_registration_order():
    x = scalar(1.0)
    y = x * 1
    order = []
    y.register_hook(lambda g: (order.append("a"), g + 1)[1])
    y.register_hook(lambda g: (order.append(("b", g.item())), g * 2)[1])
    y.backward()
    assert order == ["a", ("b", 2.0)]
    assert x.grad.item() == 4.0


def test_removed_hook_does_not_run_and_remove_twice_is_harmless():
    x = scalar(1.0)
    calls = []
    h = x.register_hook(lambda g: calls.append(1))
    h.remove()
    h.remove()
    (x * 2).backward()
    assert calls == [] and x.grad.item() == 2.0


def test_handle_as_context_manager_removes_on_exit():
    x = scalar(1.0)
    with x.register_hook(lambda g: g * 0):
        (x * 2).backward()
    assert x.grad.item() == 0.0
    (x * 2).backward()
    assert x.grad.item() == 2.0


def test_retain_grad_sees_what_the_hooks_returned():
    x = scalar(2.0)
    y = x * 3
    y.retain_grad()
    y.register_hook(lambda g: g * 5)   # registered after retain_grad: still runs first
    (y * 2).backward()
    assert y.grad.item() == 10.0
    assert x.grad.item() == 30.0


def test_grad_returns_hooked_gradients_of_leaves_and_non_leaves():
    x = scalar(2.0)
    x.register_hook(lambda g: g * 10)
    assert ag.grad(x * 3, x)[0].item() == 30.0
    y = x * 3
    y.register_hook(lambda g: g * 100)
    assert ag.grad(y * 2, y)[0].item() == 200.0


def test_node_prehook_is_not_part_of_a_captured_gradient():
    x = scalar(2.0)
    y = x * 3
    y.grad_fn.register_prehook(lambda go: (go[0] * 7,))
    assert ag.grad(y * 2, y)[0].item() == 2.0


def test_hook_under_create_graph_keeps_the_replacement_differentiable():
    x = scalar(2.0)
    y = x ** 2
    y.register_hook(lambda g: g * 3)
    g, = ag.grad(y * 1, x, create_graph=True)
    assert g.item() == 12.0 and g.grad_fn is not None
    gg, = ag.grad(g, x)
    assert gg.item() == 6.0


def test_hook_registered_before_an_inplace_op_sees_the_old_values_gradient():
    x = scalar(2.0)
    y = x * 1
    seen = []
    y.register_hook(lambda g: seen.append(("before", g.item())))
    y.mul_(5)
    y.register_hook(lambda g: seen.append(("after", g.item())))
    (y * 7).backward()
    assert seen == [("after", 7.0), ("before", 35.0)]


def test_hook_on_a_root_runs_on_the_seed_gradient():
    x = scalar(3.0)
    y = x * 2
    y.register_hook(lambda g: g * 4)
    y.backward()
    assert x.grad.item() == 8.0


@pytest.mark.parametrize("bad, error, words", [
    (lambda g: ag.ones(3, dtype=ag.float64), ShapeError, "shape"),
    (lambda g: g.to(ag.float32), DTypeError, "dtype"),
    (lambda g: 5, TypeError, "must return a Tensor"),
])
def test_a_bad_replacement_is_refused_and_changes_nothing(bad, error, words):
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    (x * 2).sum().backward()
    before = x.grad.detach().numpy().copy()
    y = x * 2
    y.register_hook(bad)
    with pytest.raises(error, match=words):
        y.sum().backward()
    np.testing.assert_array_equal(x.grad.detach().numpy(), before)


def test_a_failing_leaf_hook_changes_no_gradient():
    a, b = scalar(1.0), scalar(2.0)
    b.register_hook(lambda g: ag.ones(2, dtype=ag.float64))
    with pytest.raises(ShapeError):
        (a * b).backward()
    assert a.grad is None and b.grad is None


def test_registering_on_a_tensor_without_grad_or_a_non_callable_is_refused():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.ones(2).register_hook(lambda g: g)
    with pytest.raises(TypeError, match="callable"):
        scalar(1.0).register_hook(5)


def test_hooks_are_not_pickled_with_the_tensor():
    import pickle
    x = scalar(2.0)
    x.register_hook(lambda g: g * 10)
    y = pickle.loads(pickle.dumps(x))
    (y * 3).backward()
    assert y.grad.item() == 3.0


# -------------------------------------------------------------- node hooks
def test_node_post_hook_sees_grad_inputs_and_grad_outputs_and_may_replace():
    x, w = scalar(2.0), scalar(3.0)
    y = x * w
    seen = []

    def post(grad_inputs, grad_outputs):
        seen.append(([g.item() for g in grad_inputs], [g.item() for g in grad_outputs]))
        return (grad_inputs[0] * 0 + 1, None)

    y.grad_fn.register_hook(post)
    (y * 2).backward()
    assert seen == [([6.0, 4.0], [2.0])]
    assert x.grad.item() == 1.0
    assert w.grad is None          # None in the returned tuple drops that gradient


def test_node_post_hook_cannot_invent_a_gradient_where_there_was_none():
    x = scalar(2.0)
    y = x * 3
    y.grad_fn.register_hook(lambda gi, go: (gi[0], ag.tensor(5.0, dtype=ag.float64)))
    with pytest.raises(RuntimeError, match="where there was none"):
        y.backward()
    assert x.grad is None


def test_node_prehook_returning_none_drops_the_gradient():
    x = scalar(2.0)
    y = x * 3
    y.grad_fn.register_prehook(lambda go: (None,))
    (y * 2 + x).backward()
    assert x.grad.item() == 1.0


def test_node_post_hook_gets_none_for_inputs_without_grad():
    x = scalar(2.0)
    y = x * 3
    seen = []
    y.grad_fn.register_hook(lambda gi, go: seen.append(gi))
    y.backward()
    assert seen[0][1] is None and seen[0][0].item() == 3.0


def test_node_prehook_replaces_the_gradient_entering_the_node():
    x = scalar(2.0)
    y = x * 3
    y.grad_fn.register_prehook(lambda go: (go[0] * 7,))
    (y * 2).backward()
    assert x.grad.item() == 42.0


@pytest.mark.parametrize("kind", ["pre", "post"])
def test_node_hooks_returning_the_wrong_thing_are_named(kind):
    x = scalar(2.0)
    y = x * 3
    if kind == "pre":
        y.grad_fn.register_prehook(lambda go: go[0])
        msg = "expected a tuple"
    else:
        y.grad_fn.register_hook(lambda gi, go: (gi[0],))
        msg = "returned 1 gradients, expected 2"
    with pytest.raises((TypeError, RuntimeError), match=msg):
        y.backward()
    assert x.grad is None


def test_node_metadata_is_a_dict_that_persists():
    y = scalar(1.0) * 2
    y.grad_fn.metadata["note"] = "hi"
    assert y.grad_fn.metadata == {"note": "hi"}


def test_no_hooks_means_no_hook_object_on_the_node():
    y = scalar(1.0) * 2
    assert y.grad_fn._hooks is None


def test_torch_agrees_on_the_hook_semantics():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (ag, torch):
        x = lib.tensor(2.0, dtype=lib.float64, requires_grad=True)
        x.register_hook(lambda g: g * 10)
        y = x * 3
        y.retain_grad()
        y.register_hook(lambda g: g + 1)
        y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
        (y * y).backward()
        results.append((x.grad.item(), y.grad.item()))
    assert results[0] == results[1]


def test_a_scalar_gradient_summed_from_two_paths_is_still_an_array():
    x = scalar(2.0)
    a = x * 2
    seen = []
    a.register_hook(lambda g: seen.append(type(g.detach().numpy())))
    (a * 3 + a * 4).backward()
    x.register_hook(lambda g: seen.append(type(g.detach().numpy())))
    (x * 3 + x * 4).backward()
    assert seen == [np.ndarray, np.ndarray]
    assert x.grad.item() == 14.0 + 7.0

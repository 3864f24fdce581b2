"""autograd.graph: name scopes (what nn.Module.__call__ uses so each node
knows its module), observe_backward and record_inputs."""
import threading

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.function import creation_site
from autograd.graph import current_scope, observe_backward, record_inputs, scope


def nodes_of(t):
    """Every node reachable from ``t``, by op name."""
    out, stack, seen = [], [t.grad_fn], set()
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen or not hasattr(n, "output_shape"):
            continue
        seen.add(id(n))
        out.append(n)
        stack.extend(f for f, _ in n.next_functions)
    return out


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Linear(4, 4)
        self.act = nn.Tanh()

    def forward(self, x):
        return x + self.act(self.conv1(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer1 = nn.Sequential(Block(), Block())
        self.head = nn.Linear(4, 1)

    def forward(self, x):
        return self.head(self.layer1(x))


def test_every_node_knows_the_module_path_and_class_that_made_it():
    net = Net()
    y = net(ag.randn(2, 4, requires_grad=True)).sum()
    paths = {(type(n).__name__, n.scope.path if n.scope else None,
              n.scope.kind if n.scope else None) for n in nodes_of(y)}
    assert ("Tanh", "layer1.0.act", "Tanh") in paths
    assert ("Tanh", "layer1.1.act", "Tanh") in paths
    assert ("MatMulBT", "layer1.1.conv1", "Linear") in paths
    assert ("Add", "layer1.0", "Block") in paths        # the residual add
    assert ("MatMulBT", "head", "Linear") in paths
    assert ("Sum", None, None) in paths                 # outside any module
    tanh = next(n for n in nodes_of(y) if n.scope and n.scope.path == "layer1.0.act")
    assert [s.path for s in tanh.scope.chain()] == ["", "layer1", "layer1.0", "layer1.0.act"]
    assert [s.kind for s in tanh.scope.chain()] == ["Net", "Sequential", "Block", "Tanh"]
    assert tanh.scope.depth == 3 and tanh.scope.chain()[0].owner is net


def test_two_calls_of_one_module_are_two_scopes_with_one_path():
    lin = nn.Linear(2, 2)

    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = lin

        def forward(self, x):
            return self.lin(self.lin(x))

    y = Twice()(ag.randn(1, 2, requires_grad=True))
    scopes = {n.scope for n in nodes_of(y) if type(n).__name__ == "MatMulBT"}
    assert len(scopes) == 2 and {s.path for s in scopes} == {"lin"}


def test_a_module_called_from_outside_its_parent_is_named_by_its_class():
    lin = nn.Linear(2, 2)
    with scope("encoder"):
        y = lin(ag.randn(1, 2, requires_grad=True))
    assert y.grad_fn.scope.path == "encoder.Linear"


def test_user_scopes_nest_and_are_restored_after_an_error():
    with scope("a", kind="Stage") as s:
        assert current_scope() is s and s.path == "a" and s.kind == "Stage"
        with pytest.raises(ValueError):
            with scope("b"):
                assert current_scope().path == "a.b"
                raise ValueError
        assert current_scope() is s
    assert current_scope() is None


def test_scope_of_a_failing_module_is_left():
    class Bad(nn.Module):
        def forward(self, x):
            raise ValueError("bad")

    with pytest.raises(ValueError):
        Bad()(ag.ones(1))
    assert current_scope() is None


def test_scopes_are_per_thread():
    seen = []
    with scope("main"):
        t = threading.Thread(target=lambda: seen.append(current_scope()))
        t.start()
        t.join()
    assert seen == [None]


def test_scope_name_must_be_a_string():
    with pytest.raises(TypeError, match="name must be a str"):
        with scope(3):
            pass


def test_nodes_expose_output_shape_and_dtype():
    y = ag.randn(3, 2, dtype=ag.float64, requires_grad=True).sum(0)
    assert y.grad_fn.output_shape == (2,) and y.grad_fn.output_dtype == np.float64


# --------------------------------------------------------- observe_backward
def test_observe_backward_sees_each_node_once_in_backward_order_with_its_gradients():
    x = ag.tensor(2.0, dtype=ag.float64, requires_grad=True)
    y = x * 3
    z = y.tanh()
    rows = []
    with observe_backward(lambda n, go, gi: rows.append((type(n).__name__, go[0].item(),
                                                         [None if g is None else g.item()
                                                          for g in gi]))):
        z.backward()
    d = 1 - np.tanh(6.0) ** 2
    assert rows == [("Tanh", 1.0, [d]), ("Mul", d, [3 * d, None])]
    z2 = x * 3
    z2.backward()                                     # outside: no more calls
    assert len(rows) == 2


def test_observe_backward_refuses_a_non_callable():
    with pytest.raises(TypeError, match="callable"):
        with observe_backward(None):
            pass


# ------------------------------------------------------------ record_inputs
def test_record_inputs_keeps_arguments_versions_and_creation_line():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with record_inputs():
        y = x * 3.0  # the planted line
    node = y.grad_fn
    assert node.recorded_inputs[0] is x and node.recorded_inputs[1] == 3.0
    assert node.recorded_versions == (0, None)
    assert "the planted line" in creation_site(node)
    assert (x * 2).grad_fn.recorded_inputs is None


def test_creation_site_of_a_node_made_inside_a_layer_is_the_users_line():
    m = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    with record_inputs():
        y = m(ag.randn(1, 2, requires_grad=True))  # the model call
    assert "the model call" in creation_site(y.grad_fn)
    assert "the model call" in creation_site(y.grad_fn.next_functions[0][0])

"""Bad arguments to to_dot / draw_graph are refused at the call, naming the
argument, what was given and what is accepted; nothing is changed."""
import pytest

import autograd as ag
import nn
from autograd.viz import to_dot


@pytest.fixture
def loss():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    return x, y


@pytest.mark.parametrize("kwargs, exc, words", [
    ({"direction": "up"}, ValueError, ["direction", "'up'", "'forward'", "'backward'"]),
    ({"color_by": "x"}, ValueError, ["color_by", "'x'", "'grad'", "'module'"]),
    ({"rankdir": "XY"}, ValueError, ["rankdir", "'XY'", "'LR'"]),
    ({"show_values": "yes"}, ValueError, ["show_values", "'yes'", "'auto'"]),
    ({"show_values": 1}, ValueError, ["show_values", "1"]),
    ({"show_grads": 1}, TypeError, ["show_grads", "True or False"]),
    ({"show_saved": None}, TypeError, ["show_saved"]),
    ({"collapse_depth": -1}, ValueError, ["collapse_depth", ">= 0", "-1"]),
    ({"collapse_depth": 1.5}, ValueError, ["collapse_depth", "1.5"]),
    ({"max_nodes": 1}, ValueError, ["max_nodes", ">= 2", "got 1"]),
    ({"max_nodes": True}, ValueError, ["max_nodes", "True"]),
    ({"highlight": [3]}, TypeError, ["highlight", "int"]),
    ({"highlight": 3}, TypeError, ["highlight", "int"]),
])
def test_bad_options_name_the_argument(loss, kwargs, exc, words):
    x, y = loss
    with pytest.raises(exc) as info:
        to_dot(y, **kwargs)
    msg = str(info.value)
    assert msg.startswith("to_dot: ")
    for w in words:
        assert w in msg
    assert x.grad.tolist() == [2.0, 4.0]      # nothing changed


@pytest.mark.parametrize("outputs, exc, words", [
    (3, TypeError, ["outputs", "Tensor", "int"]),
    ([ag.tensor(1.0), "loss"], TypeError, ["outputs[1]", "str"]),
    ([], ValueError, ["outputs", "empty"]),
    ({"a": 1}, TypeError, ["outputs", "dict"]),
])
def test_outputs_must_be_tensors(outputs, exc, words):
    with pytest.raises(exc) as info:
        to_dot(outputs)
    for w in words:
        assert w in str(info.value)


@pytest.mark.parametrize("params, exc, words", [
    ([1, 2], TypeError, ["params", "Module", "dict", "list"]),
    ({"a": 3}, TypeError, ["params['a']", "Tensor", "int"]),
    ({1: ag.tensor(1.0)}, TypeError, ["params keys", "str", "int"]),
    (nn.Linear, TypeError, ["params"]),   # the class, not a module
])
def test_params_must_be_a_module_or_a_dict_of_tensors(loss, params, exc, words):
    _, y = loss
    with pytest.raises(exc) as info:
        to_dot(y, params)
    for w in words:
        assert w in str(info.value)


def test_unknown_keyword_is_a_type_error(loss):
    _, y = loss
    with pytest.raises(TypeError, match="colour_by"):
        to_dot(y, colour_by="grad")


def test_draw_graph_checks_the_same_way(loss):
    pytest.importorskip("graphviz")
    from autograd.viz import draw_graph
    _, y = loss
    with pytest.raises(ValueError, match="^draw_graph: direction"):
        draw_graph(y, direction="up")

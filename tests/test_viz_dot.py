"""autograd.viz.to_dot on small graphs: nodes, edges, labels, values and
gradients, directions, names, escaping, determinism, colours, cut-offs."""
import numpy as np
import pytest

import autograd as ag
import nn
from autograd.viz import to_dot
from tests.viz_helpers import Dot


def xw_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    x.name = "x"
    w = ag.Tensor(3.0, requires_grad=True, name="w")
    return x, w, (x * w).sum()


def test_forward_view_nodes_edges_and_labels():
    x, w, y = xw_graph()
    d = Dot(to_dot(y))
    assert d.label("n0") == ["output", "sum  ()", "data 9"]
    mul, = d.op_nodes("mul")
    expand, = d.op_nodes("expand")
    xs, ws = d.one("x"), d.one("w")
    assert d.label(xs) == ["x", "(2,)  requires grad", "data [1, 2]"]
    assert d.label(ws) == ["w", "()  requires grad", "data 3"]
    # inputs -> loss
    assert sorted(d.edges) == sorted([(xs, mul), (expand, mul), (ws, expand), (mul, "n0")])
    assert d.nodes["n0"]["peripheries"] == "2"
    assert "peripheries" not in d.nodes[mul]


def test_gradients_appear_after_backward():
    x, w, y = xw_graph()
    y.backward()
    d = Dot(to_dot(y))
    assert d.label(d.one("x"))[2:] == ["data [1, 2]", "grad [3, 3]"]
    assert d.label(d.one("w"))[2:] == ["data 3 | grad 3"]   # micrograd's data | grad
    d = Dot(to_dot(y, show_grads=False))
    assert d.label(d.one("w"))[2:] == ["data 3"]
    d = Dot(to_dot(y, show_values=False))
    assert d.label(d.one("w"))[2:] == ["grad 3"]


def test_backward_view_reverses_edges_and_uses_autograd_names():
    x, w, y = xw_graph()
    fwd, bwd = Dot(to_dot(y)), Dot(to_dot(y, direction="backward"))
    assert bwd.label("n0")[1] == "SumBackward  ()"
    assert bwd.op_nodes("MulBackward") == fwd.op_nodes("mul")
    assert sorted(bwd.edges) == sorted((b, a) for a, b in fwd.edges)


def test_rankdir_is_written():
    *_, y = xw_graph()
    assert 'rankdir="TB"' in to_dot(y, rankdir="TB")
    assert 'rankdir="LR"' in to_dot(y)


def test_names_from_params_dict_module_and_tensor_name():
    x, w, y = xw_graph()
    d = Dot(to_dot(y, {"input": x}))
    assert d.find("input") and d.find("w") and not d.find("x")
    lin = nn.Linear(2, 1)
    out = lin(ag.ones(1, 2)).sum()
    d = Dot(to_dot(out, lin))
    assert d.find("weight") and d.find("bias")
    seq = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    d = Dot(to_dot(seq(ag.ones(1, 2)).sum(), seq))
    assert {"0.weight", "0.bias", "2.weight", "2.bias"} <= {
        a["lines"][0] for a in d.nodes.values()}
    assert d.label(d.one("0.weight"))[1] == "(2, 2)  requires grad"


def test_named_intermediate_shows_its_value():
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    h = x * 2
    y = h.relu().sum()
    d = Dot(to_dot(y, {"h": h}))
    node = d.one("h")
    assert d.label(node) == ["h", "mul  (2,)", "data [2, -4]"]
    # without it the op's value is not known, and none is invented
    d = Dot(to_dot(y))
    mul, = d.op_nodes("mul")
    assert d.label(mul) == ["mul  (2,)"]


def test_dtype_shown_when_not_float32():
    x = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    d = Dot(to_dot((x * x).sum()))
    assert d.label("n0")[1] == "sum  () float64"
    assert d.label(d.one("leaf"))[1] == "(2,) float64  requires grad"


def test_large_tensors_are_summarised():
    x = ag.tensor(np.arange(12, dtype=np.float32).reshape(3, 4), requires_grad=True)
    y = x.sum()
    y.backward()
    d = Dot(to_dot(y))
    leaf = d.one("leaf")
    # mean 5.5, population std sqrt(143/12) = 3.452, norm sqrt(506) = 22.49
    assert d.label(leaf)[2:] == ["data mean 5.5 std 3.452 norm 22.49",
                                 "grad mean 1 std 0 norm 3.464"]


def test_auto_values_hide_summaries_in_big_pictures_but_not_small_values():
    big = ag.tensor(np.ones((3, 4), np.float32), requires_grad=True)
    small = ag.Tensor(2.0, requires_grad=True, name="s")
    y = big.sum() * small
    for _ in range(60):
        y = y * 1.0
    d = Dot(to_dot(y))
    assert d.label(d.one("s"))[2:] == ["data 2"]
    assert d.label(d.one("leaf"))[2:] == []
    d = Dot(to_dot(y, show_values=True))
    assert d.label(d.one("leaf"))[2:] == ["data mean 1 std 0 norm 3.464"]


def test_several_outputs_and_a_leaf_output():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    a, b = x.sum(), (x * x).mean()
    d = Dot(to_dot([a, b]))
    assert d.label("n0")[0] == "output 0" and d.label("n1")[0] == "output 1"
    assert d.nodes["n0"]["peripheries"] == d.nodes["n1"]["peripheries"] == "2"
    assert len(d.find("leaf")) == 1            # the shared input drawn once
    c = ag.tensor([5.0])
    d = Dot(to_dot(c))
    assert list(d.nodes) == ["n0"]
    assert d.label("n0") == ["output", "(1,)  no grad", "data [5]"]


def test_repeated_input_is_one_edge():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    d = Dot(to_dot(x * x))
    assert d.edges == [("n1", "n0")]


def test_labels_are_escaped():
    weird = 'a"b\\c<d>|{}'
    x = ag.Tensor([1.0], requires_grad=True, name=weird + "\nsecond")
    text = to_dot((x * 2).sum())
    d = Dot(text)
    node = d.one(weird)
    assert d.label(node)[:2] == [weird, "second"]
    assert '\\"' in text and "\\\\c" in text


def test_text_is_deterministic():
    def build():
        ag.manual_seed(0)
        seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
        loss = seq(ag.randn(2, 3)).pow(2).mean()
        loss.backward()
        return seq, loss
    seq, loss = build()
    first = to_dot(loss, seq)
    assert to_dot(loss, seq) == first
    seq2, loss2 = build()
    assert to_dot(loss2, seq2) == first
    ids = set(Dot(first).nodes)
    assert ids == {f"n{k}" for k in range(len(ids))}


def test_highlight_nodes_and_tensors():
    x, w, y = xw_graph()
    h = x * w
    z = h.sum()
    d = Dot(to_dot(z, highlight=[h]))
    mul, = d.op_nodes("mul")
    assert d.nodes[mul]["color"] == "#d00000" and d.nodes[mul]["penwidth"] == "3"
    assert [n for n, a in d.nodes.items() if "penwidth" in a] == [mul]
    d = Dot(to_dot(z, highlight=z.grad_fn))
    assert [n for n, a in d.nodes.items() if "penwidth" in a] == ["n0"]
    d = Dot(to_dot(z, highlight=[w]))
    assert [n for n, a in d.nodes.items() if "penwidth" in a] == [d.one("w")]


def test_color_by_grad_log_scale_and_legend():
    a = ag.Tensor(1.0, requires_grad=True, name="a")
    b = ag.Tensor(1.0, requires_grad=True, name="b")
    c = ag.Tensor(1.0, requires_grad=True, name="c")
    loss = a * 1e-6 + b * 1e-3 + c
    loss.backward()
    d = Dot(to_dot(loss, color_by="grad"))
    # norms 1e-6 .. 1: six decades, eight colours of 0.75 decade each
    assert d.nodes[d.one("a")]["fillcolor"] == "#440154"      # darkest: smallest
    assert d.nodes[d.one("b")]["fillcolor"] == "#1fa187"      # 1e-3: bin 4
    assert d.nodes[d.one("c")]["fillcolor"] == "#fde725"      # brightest: largest
    assert d.nodes[d.one("a")]["fontcolor"] == "white"
    for op in d.op_nodes("mul") + d.op_nodes("add"):
        assert d.nodes[op]["fillcolor"] == "#d9d9d9"          # no gradient known
    legend = {a["label"]: a["fillcolor"] for n, a in d.nodes.items() if n.startswith("legend")}
    assert legend["no gradient"] == "#d9d9d9"
    assert legend["1e-06 .. 5.6e-06"] == "#440154"
    assert ("gradient norm (log scale)", 1) in d.clusters


def test_color_by_grad_zero_and_non_finite():
    a = ag.Tensor(1.0, requires_grad=True, name="a")
    b = ag.Tensor(1.0, requires_grad=True, name="b")
    loss = a * 0.0 + b * float("inf")
    loss.backward()
    d = Dot(to_dot(loss, color_by="grad"))
    assert d.nodes[d.one("a")]["fillcolor"] == "#440154"
    assert d.nodes[d.one("b")]["fillcolor"] == "#e31a1c"
    labels = {a["label"] for n, a in d.nodes.items() if n.startswith("legend")}
    assert {"0", "inf / nan", "no gradient"} <= labels


def test_show_saved_draws_what_backward_keeps_until_released():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp().sum()
    d = Dot(to_dot(y, show_saved=True))
    saved = [n for n in d.nodes if n.startswith("s")]
    assert len(saved) == 1 and d.label(saved[0])[:2] == ["saved", "(2,)"]
    exp, = d.op_nodes("exp")
    assert (saved[0], exp) in d.edges
    assert not [n for n in Dot(to_dot(y)).nodes if n.startswith("s")]
    y.backward()
    assert not [n for n in Dot(to_dot(y, show_saved=True)).nodes if n.startswith("s")]


def chain(n):
    x = ag.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 1.0
    return y


def test_max_nodes_gathers_the_rest_into_one_explicit_node():
    y = chain(300)                                  # 300 ops + 1 leaf
    d = Dot(to_dot(y, max_nodes=50))
    assert len(d.nodes) == 50
    more = d.one("... 252 more nodes")
    assert d.label(more)[1] == "(not drawn: max_nodes=50)"
    assert [e for e in d.edges if e[0] == more] == [(more, "n48")]
    assert "252 nodes farthest from the outputs gathered into one node (max_nodes=50)" \
        in d.text
    assert len(Dot(to_dot(y, max_nodes=None)).nodes) == 301


def test_hundred_thousand_node_chain():
    y = chain(100_000)
    d = Dot(to_dot(y))
    assert len(d.nodes) == 200
    assert d.find("... 99,802 more nodes")
    assert len(d.edges) == 199

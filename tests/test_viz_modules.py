"""Module clusters, folding (collapse_depth / max_nodes) and module colours,
on small models and on the 20-block ResNet-style model of examples/models.py;
and autograd.viz.record() for intermediate values and gradients."""
import gc
import re
import weakref

import pytest

import autograd as ag
import nn
from autograd import viz
from autograd.viz import to_dot
from examples.models import ResNetStyle, resnet_loss
from tests.viz_helpers import Dot


@pytest.fixture(scope="module")
def resnet():
    model, loss = resnet_loss(blocks=20)
    loss.backward(retain_graph=True)
    return model, loss


def total_ops(loss):
    seen, stack = set(), [loss.grad_fn]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(fn for fn, _ in node.next_functions
                     if fn is not None and hasattr(fn, "next_functions"))
    return len(seen)


def ops_drawn(d):
    """Ops drawn on their own plus ops counted inside folded modules."""
    n = 0
    for name, a in d.nodes.items():
        if name.startswith(("legend", "s")) or a.get("shape") == "note":
            continue
        if a.get("shape") == "box3d":
            n += int(re.search(r"(\d+) ops?", a["label"]).group(1))
        elif "requires grad" not in a["label"] and "no grad" not in a["label"]:
            n += 1
    return n


def test_small_module_clusters_nest_and_hold_their_parameters():
    seq = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    loss = seq(ag.ones(4, 2)).sum()
    d = Dot(to_dot(loss, seq))
    assert d.clusters_of[d.one("0.weight")] == ("Sequential", "0 (Linear)")
    assert d.clusters_of[d.one("2.bias")] == ("Sequential", "2 (Linear)")
    tanh, = d.op_nodes("tanh")
    assert d.clusters_of[tanh] == ("Sequential", "1 (Tanh)")
    assert d.clusters_of["n0"] == ()                  # the sum ran outside the model


def test_input_tensor_stays_outside_the_layer_that_reads_it():
    lin = nn.Linear(2, 1)
    x = ag.Tensor([[1.0, 2.0]], requires_grad=True, name="x")
    d = Dot(to_dot(lin(x).sum(), lin))
    assert d.clusters_of[d.one("x")] == ()
    assert d.clusters_of[d.one("weight")] == ("Linear",)


def test_module_called_twice_is_two_boxes_sharing_one_weight():
    lin = nn.Linear(2, 2)
    out = lin(lin(ag.ones(1, 2))).sum()
    d = Dot(to_dot(out, lin))
    assert [c for c in d.clusters] == [("Linear", 1), ("Linear", 1)]
    w = d.one("weight")
    assert d.clusters_of[w] == ()
    consumers = {d.clusters_of[b] for a, b in d.edges if a == w}
    assert consumers == {("Linear",)} and len([e for e in d.edges if e[0] == w]) == 2


def test_resnet_default_picture_is_folded_to_fit(resnet):
    model, loss = resnet
    d = Dot(to_dot(loss, model))
    # 1,214 nodes unfolded; depth-2 folding leaves 174 nodes but a path of
    # 150, so blocks are folded too: 20 blocks + 3 stem layers
    assert "23 module calls deeper than depth 1 folded into single nodes (to fit " \
        "max_nodes=200: at most 200 nodes, 50 in a row)" in d.text
    assert len(d.nodes) == 33
    block = d.one("layer1.3 (BasicBlock)")
    assert d.label(block)[1].startswith("304 params, ")         # 2*4*4*3*3 + 2*(4+4)
    assert d.label(block)[2] == "(2, 4, 8, 8) -> (2, 4, 8, 8)"
    assert d.nodes[block]["shape"] == "box3d"
    assert d.clusters_of[block] == ("ResNetStyle", "layer1 (Sequential)")
    # the image needs no grad: only the weight side of the stem conv is recorded,
    # and the fold has no input edge
    assert d.label(d.one("stem.0 (Conv2d)"))[1:] == ["108 params, 5 ops", "-> (2, 4, 8, 8)"]
    # blocks are chained in order, stem -> layer1.0 -> ... -> layer2.9
    order = ["stem.2 (ReLU)"] + [f"layer{s}.{k} (BasicBlock)" for s in (1, 2) for k in range(10)]
    for a, b in zip(order, order[1:]):
        assert (d.one(a), d.one(b)) in d.edges
    assert ops_drawn(d) == total_ops(loss)     # nothing dropped
    assert "more nodes" not in d.text


def test_resnet_larger_max_nodes_opens_the_blocks(resnet):
    model, loss = resnet
    d = Dot(to_dot(loss, model, max_nodes=1000))
    assert "120 module calls deeper than depth 2 folded" in d.text and len(d.nodes) == 174
    conv = d.one("layer1.0.conv1 (Conv2d)")
    assert d.label(conv) == ["layer1.0.conv1 (Conv2d)", "144 params, 10 ops",
                             "(2, 4, 8, 8) -> (2, 4, 8, 8)"]
    assert d.label(d.one("layer2.9.bn2 (BatchNorm2d)"))[1] == "8 params, 15 ops"
    assert d.clusters_of[conv] == ("ResNetStyle", "layer1 (Sequential)",
                                   "layer1.0 (BasicBlock)")
    # relu is called twice per block: two folds
    assert len(d.find("layer1.0.relu (ReLU)")) == 2
    add, = [n for n in d.op_nodes("add") if d.clusters_of[n][-1:] == ("layer1.0 (BasicBlock)",)]
    # the residual add reads the block's input, the stem's last relu (depth-2
    # modules such as stem.2 stay open at this level)
    assert ("ResNetStyle", "stem (Sequential)", "stem.2 (ReLU)") in {
        d.clusters_of[a] for a, b in d.edges if b == add}
    assert ops_drawn(d) == total_ops(loss)
    d = Dot(to_dot(loss, model, max_nodes=None))
    assert len(d.nodes) == 1214 and "folded" not in d.text
    assert d.clusters_of[d.one("layer1.0.conv1.weight")] == (
        "ResNetStyle", "layer1 (Sequential)", "layer1.0 (BasicBlock)",
        "layer1.0.conv1 (Conv2d)")


def test_resnet_collapse_depth(resnet):
    model, loss = resnet
    d = Dot(to_dot(loss, model, collapse_depth=1, max_nodes=None))
    blocks = [n for n, a in d.nodes.items() if a["lines"][0].endswith("(BasicBlock)")]
    assert len(blocks) == 20
    assert "23 module calls deeper than depth 1 folded into single nodes (collapse_depth=1)" \
        in d.text
    assert ("fc (Linear)", 2) in d.clusters
    assert d.clusters_of[d.one("fc.weight")] == ("ResNetStyle", "fc (Linear)")
    d0 = Dot(to_dot(loss, model, collapse_depth=0))
    layer1 = d0.one("layer1 (Sequential)")
    assert d0.label(layer1)[1].startswith("3,040 params, ")
    fc = d0.one("fc (Linear)")
    assert d0.label(fc)[1] == "50 params, 3 ops" and d0.label(fc)[2] == "(2, 4) -> (2, 10)"
    assert ops_drawn(d0) == total_ops(loss)


def test_resnet_tiny_max_nodes_cuts_explicitly(resnet):
    model, loss = resnet
    d = Dot(to_dot(loss, model, max_nodes=6))
    assert len(d.nodes) == 6
    more, = [n for n, a in d.nodes.items() if a["lines"][0].startswith("... ")]
    assert re.fullmatch(r"\.\.\. \d+ more nodes", d.label(more)[0])


def test_color_by_module(resnet):
    model, loss = resnet
    d = Dot(to_dot(loss, model, color_by="module"))
    fill = {a["lines"][0]: a["fillcolor"] for a in d.nodes.values()}
    assert fill["layer1.0 (BasicBlock)"] == fill["layer1.9 (BasicBlock)"]
    assert fill["layer1.0 (BasicBlock)"] != fill["layer2.0 (BasicBlock)"]
    legend = [a["label"] for n, a in d.nodes.items() if n.startswith("legend")]
    assert {"stem", "layer1", "layer2", "fc"} <= set(legend)


def test_color_by_grad_on_folds_uses_parameter_gradients(resnet):
    model, loss = resnet
    d = Dot(to_dot(loss, model, color_by="grad"))
    block = d.nodes[d.one("layer1.0 (BasicBlock)")]
    assert block["fillcolor"] != "#d9d9d9"     # its parameters' joint gradient norm
    relu = d.nodes[d.one("stem.2 (ReLU)")]
    assert relu["fillcolor"] == "#d9d9d9"      # no parameters, no recorded gradient


def test_record_keeps_intermediate_values_and_gradients():
    x = ag.Tensor([1.0, 2.0], requires_grad=True, name="x")
    with viz.record():
        h = x * 3
        y = (h * h).sum()
        y.backward()
    d = Dot(to_dot(y))
    first_mul = [n for n in d.op_nodes("mul") if any(a == d.one("x") for a, b in d.edges
                                                       if b == n)]
    assert d.label(first_mul[0])[1:] == ["data [3, 6]", "grad [6, 12]"]
    assert d.label("n0")[1:] == ["sum  ()", "data 45 | grad 1"]
    # outside record(), nothing is kept for a new graph
    y2 = (x * 3).sum()
    y2.backward()
    assert Dot(to_dot(y2)).label("n1") == ["mul  (2,)"]


def test_record_never_keeps_a_graph_alive():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with viz.record():
        y = (x * x).sum()
        y.backward()
    node = weakref.ref(y.grad_fn)
    del y
    gc.collect()
    assert node() is None


def test_color_by_grad_with_recorded_gradients_shows_vanishing():
    ag.manual_seed(0)
    layers = []
    for _ in range(6):
        layers += [nn.Linear(3, 3), nn.Sigmoid()]
    model = nn.Sequential(*layers)
    with viz.record():
        loss = model(ag.randn(4, 3)).sum()
        loss.backward()
    d = Dot(to_dot(loss, model, color_by="grad", collapse_depth=0))
    first, last = d.one("0 (Linear)"), d.one("10 (Linear)")
    palette = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39",
               "#fde725"]
    assert palette.index(d.nodes[first]["fillcolor"]) < palette.index(d.nodes[last]["fillcolor"])
    sig = d.one("1 (Sigmoid)")
    assert d.nodes[sig]["fillcolor"] in palette     # its output gradient was recorded


def test_resnet_text_is_deterministic():
    a = to_dot(*reversed(resnet_loss(blocks=4)))
    b = to_dot(*reversed(resnet_loss(blocks=4)))
    assert a == b


def test_recorded_value_changed_in_place_is_not_shown():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with viz.record():
        h = x * 3
        y = (h + 1).sum()
    add, = Dot(to_dot(y)).op_nodes("add")
    assert Dot(to_dot(y)).label(add)[1] == "data [4, 7]"
    first_mul = Dot(to_dot(y)).op_nodes("mul")[0]
    assert Dot(to_dot(y)).label(first_mul) == ["mul  (2,)", "data [3, 6]"]
    with ag.no_grad():
        h.mul_(10)          # the kept argument no longer holds what add read
    assert Dot(to_dot(y)).label(first_mul) == ["mul  (2,)"]

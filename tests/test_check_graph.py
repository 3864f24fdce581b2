"""`autograd.check_graph`: every node's backward against central
differences of its own forward, replayed in float64."""
import sys
import types

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.gradcheck import GradcheckError
from autograd.graphcheck import GraphCheckReport


class HalfSquare(ag.Function):
    """x^2 with a planted bug: backward forgets the factor 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * x


class Square(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * 2 * x


class NoisyScale(ag.Function):
    """A random op that does not record its mask: not replayable."""

    @staticmethod
    def forward(ctx, x):
        return x * np.random.default_rng().uniform(0.5, 1.5, size=x.shape)

    @staticmethod
    def backward(ctx, g):
        return g


def deep_tanh_model(width=8, depth=50, planted=None):
    ag.manual_seed(0)
    layers = [nn.Linear(width, width) for _ in range(depth)]

    def f(x):
        h = x
        for k, layer in enumerate(layers):
            h = layer(h).tanh()
            if k == depth // 2 and planted is not None:
                h = planted.apply(h)  # the planted op, line checked below
        return (h * h).sum()
    return f


def test_finds_the_planted_backward_in_a_50_layer_model_in_one_call():
    f = deep_tanh_model(planted=HalfSquare)
    report = ag.check_graph(f, ag.randn(4, 8))
    assert isinstance(report, GraphCheckReport)
    assert not report and report.ok is False
    assert len(report.failures) == 1
    bad = report.first_failure
    assert bad.op == "HalfSquare"
    assert bad.output_shape == (4, 8) and bad.input_shapes == ((4, 8),)
    assert "h = planted.apply(h)" in bad.site
    assert "test_check_graph.py" in bad.site
    # the worst elements are off by exactly the missing factor 2
    for e in bad.worst:
        assert e.numeric == pytest.approx(2 * e.analytic, rel=1e-6)
        assert e.error == pytest.approx(abs(e.analytic), rel=1e-6)
    assert report.checked > 50 * 3
    text = str(report)
    assert "FIRST failing node" in text and "HalfSquare" in text
    assert "h = planted.apply(h)" in text
    assert "tolerance" in text and "every element" in text


def test_correct_custom_function_passes():
    report = ag.check_graph(deep_tanh_model(depth=6, planted=Square), ag.randn(4, 8))
    assert report and report.failures == [] and report.skipped == []


def conv_net():
    """A correct model of 50 layers: conv, batchnorm, relu, maxpool,
    dropout, linear, and softmax cross-entropy at the end."""
    ag.manual_seed(1)
    layers = [nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
              nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
              nn.Linear(64, 16)]
    while len(layers) < 49:
        layers += [nn.Linear(16, 16), nn.ReLU(), nn.Dropout(0.25)][:49 - len(layers)]
    layers.append(nn.Linear(16, 5))
    model = nn.Sequential(*layers)
    assert len(model) == 50
    return model.double()


def test_no_false_failure_on_a_correct_50_layer_model_in_training_mode():
    model = conv_net()
    model.train()
    x = ag.randn(3, 3, 8, 8, dtype=ag.float64)
    target = ag.tensor([0, 3, 4])
    report = ag.check_graph(lambda: F.cross_entropy(model(x), target))
    assert report.ok, str(report)
    assert report.failures == []
    assert report.skipped == [], str(report)
    assert report.checked > 100


def test_dropout_mask_is_replayed_not_redrawn():
    ag.manual_seed(3)
    x = ag.randn(6, 5, dtype=ag.float64, requires_grad=True)
    with ag.graph.record_inputs():
        y = F.dropout(x, p=0.5, training=True)
        loss = (y * y).sum()
    mul = y.grad_fn
    masks = [a for a in mul.recorded_inputs if not (isinstance(a, ag.Tensor) and a is x)]
    assert len(masks) == 1          # the mask is a constant argument of the node
    report = ag.check_graph(loss)
    assert report.ok and report.skipped == [] and report.checked == 3
    # replay is deterministic: the same node checked twice agrees
    assert str(ag.check_graph(loss)) == str(report)


def test_relu_at_exactly_zero_is_an_accepted_subgradient():
    x = ag.tensor([0.0, 1.5, -2.0, 0.0], dtype=ag.float64, requires_grad=True)
    with ag.graph.record_inputs():
        loss = (x.relu() * ag.tensor([1.0, 2.0, 3.0, 4.0], dtype=ag.float64)).sum()
    report = ag.check_graph(loss)
    assert report.ok
    kinks = [(s.op, s.index) for s in report.subgradients]
    assert kinks == [("Relu", (0,)), ("Relu", (3,))]
    for s in report.subgradients:
        assert s.analytic == 0.0 and min(s.left, s.right) <= 0.0 <= max(s.left, s.right)
    assert "at a kink: accepted subgradient" in str(report)


def test_abs_at_zero_and_clamp_at_the_bound_pass():
    x = ag.tensor([0.0, -1.0, 2.0], dtype=ag.float64, requires_grad=True)
    report = ag.check_graph(lambda: (x.abs() * 3).sum() + x.clamp(min=0.0, max=2.0).sum())
    assert report.ok, str(report)


def test_max_with_ties_passes():
    x = ag.tensor([1.0, 3.0, 3.0, 3.0, 2.0], dtype=ag.float64, requires_grad=True)
    y = ag.tensor([3.0, 3.0, 0.0, 1.0, 2.0], dtype=ag.float64, requires_grad=True)
    report = ag.check_graph(lambda: x.max() * 2 + ag.maximum(x, y).sum() + x.amax())
    assert report.ok, str(report)


def test_maxpool_with_ties_passes():
    x = ag.tensor(np.ones((1, 1, 4, 4)), dtype=ag.float64, requires_grad=True)
    report = ag.check_graph(lambda: F.max_pool2d(x, 2).sum() * 3)
    assert report.ok, str(report)
    assert report.checked >= 2


def test_a_wrong_gradient_at_a_kink_is_still_found():
    class BadRelu(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return np.maximum(x, 0)

        @staticmethod
        def backward(ctx, g):
            return g * 3.0          # wrong everywhere, outside [left, right] at the kink

    x = ag.tensor([0.0, 1.0], dtype=ag.float64, requires_grad=True)
    report = ag.check_graph(lambda: BadRelu.apply(x).sum())
    assert not report.ok and report.first_failure.op == "BadRelu"


def test_non_deterministic_forward_is_skipped_never_failed():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    report = ag.check_graph(lambda: NoisyScale.apply(x).sum())
    assert report.ok
    assert [s.op for s in report.skipped] == ["NoisyScale"]
    assert "not deterministic" in report.skipped[0].reason


def test_input_modified_in_place_is_skipped():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    with ag.graph.record_inputs():
        h = x * 2
        loss = (h + 1).sum()
    with ag.no_grad():
        h.add_(5.0)
    report = ag.check_graph(loss)
    skipped = {s.op: s.reason for s in report.skipped}
    assert "modified in place" in skipped["Add"]
    assert report.ok


def test_cast_to_float32_is_skipped_with_reason():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    report = ag.check_graph(lambda: (x.float() * 2).sum())
    reasons = [s.reason for s in report.skipped]
    assert any("float32" in r for r in reasons), str(report)
    assert report.ok


def test_float32_graph_is_checked_in_float64():
    ag.manual_seed(0)
    layer = nn.Linear(5, 3)
    x = ag.randn(4, 5)
    report = ag.check_graph(lambda: layer(x).tanh().sum())
    assert report.ok and report.checked >= 3


def test_large_inputs_use_samples_and_directions():
    ag.manual_seed(0)
    w = ag.randn(40, 40, dtype=ag.float64, requires_grad=True)
    x = ag.randn(8, 40, dtype=ag.float64)
    report = ag.check_graph(lambda: HalfSquare.apply(x @ w).sum(), max_elements=100)
    bad = report.first_failure
    assert bad.op == "HalfSquare" and "random directions" in bad.method
    assert any(isinstance(e.index, str) and e.index.startswith("direction") for e in bad.worst)
    assert len(report.failures) == 1


def test_reproducible_with_seed():
    f = deep_tanh_model(depth=5, planted=HalfSquare)
    x = ag.randn(2, 8)
    a = ag.check_graph(f, x, seed=7)
    b = ag.check_graph(f, x, seed=7)
    assert [e.analytic for e in a.first_failure.worst] == \
        [e.analytic for e in b.first_failure.worst]


def test_failures_are_in_backward_order():
    x = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64, requires_grad=True)

    def f():
        a = HalfSquare.apply(x)          # farther from the loss
        b = HalfSquare.apply(a.exp())    # closer to the loss
        return b.sum()
    report = ag.check_graph(f)
    assert len(report.failures) == 2
    assert "b = HalfSquare.apply(a.exp())" in report.failures[0].site
    assert "a = HalfSquare.apply(x)" in report.failures[1].site


def test_raise_on_failure():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    with pytest.raises(GradcheckError, match="HalfSquare") as err:
        ag.check_graph(lambda: HalfSquare.apply(x).sum(), raise_on_failure=True)
    assert isinstance(err.value.report, GraphCheckReport)
    assert ag.check_graph(lambda: Square.apply(x).sum(), raise_on_failure=True).ok
    assert x.grad is None       # checking never touches .grad


def test_html_report_is_escaped():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    report = ag.check_graph(lambda: HalfSquare.apply(x).sum() + NoisyScale.apply(x).sum())
    html = report._repr_html_()
    assert "<table" in html and "HalfSquare" in html and "not deterministic" in html
    assert "<lambda>" not in html and "&lt;lambda&gt;" in html


def test_draw_highlights_the_failing_nodes(monkeypatch):
    calls = []
    fake = types.ModuleType("autograd.viz")
    fake.draw_graph = lambda outputs, highlight=(), **kw: calls.append((outputs, highlight, kw))
    monkeypatch.setitem(sys.modules, "autograd.viz", fake)
    monkeypatch.setattr(ag, "viz", fake, raising=False)
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    report = ag.check_graph(lambda: HalfSquare.apply(x.exp()).sum())
    report.draw(rankdir="TB")
    (outputs, highlight, kw), = calls
    assert highlight == [report.first_failure.node] and kw == {"rankdir": "TB"}
    assert outputs[0].grad_fn is not None


def test_bad_arguments_say_what_to_do():
    with pytest.raises(TypeError, match="expected a Tensor .* or a callable.*got int"):
        ag.check_graph(3)
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    loss = (x * x).sum()                    # recorded without record_inputs()
    with pytest.raises(RuntimeError, match=r"recorded without its inputs.*record_inputs\(\)"):
        ag.check_graph(loss)
    with pytest.raises(RuntimeError, match="has no graph"):
        ag.check_graph(ag.tensor([1.0]).sum())
    with pytest.raises(TypeError, match="must return a Tensor"):
        ag.check_graph(lambda: 3.0)
    with pytest.raises(TypeError, match="only for the callable form"):
        ag.check_graph(loss, x)
    assert x.grad is None

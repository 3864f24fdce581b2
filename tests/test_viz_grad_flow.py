"""nn.utils.grad_flow: per-parameter / per-module gradient norms as a table
(text, HTML) and a log-scale bar chart."""
import math
import sys

import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import grad_flow


def model_and_backward():
    lin1, lin2 = nn.Linear(2, 2), nn.Linear(2, 1)
    seq = nn.Sequential(lin1, nn.Tanh(), lin2)
    with ag.no_grad():
        lin1.weight.data = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
        lin1.bias.data = np.zeros(2, np.float32)
        lin2.weight.data = np.array([[3.0, 4.0]], np.float32)
        lin2.bias.data = np.zeros(1, np.float32)
    loss = seq(ag.tensor([[0.0, 0.0]])).sum()   # tanh'(0) = 1
    loss.backward()
    return seq


def test_rows_per_parameter_with_exact_norms():
    table = grad_flow(model_and_backward())
    assert [r.name for r in table] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    # d loss / d bias1 = w2 * tanh'(0) = [3, 4]; weight grads are x-outer = 0
    assert table["0.bias"].norm == pytest.approx(5.0)
    assert table["0.bias"].mean_abs == pytest.approx(3.5)
    assert table["0.bias"].max_abs == pytest.approx(4.0)
    assert table["0.weight"].norm == 0.0
    assert table["2.bias"].norm == pytest.approx(1.0)
    assert table["0.weight"].shape == (2, 2) and table["0.weight"].numel == 4


def test_rows_per_module_take_the_joint_norm():
    table = grad_flow(model_and_backward(), by="module")
    assert [r.name for r in table] == ["0", "2"]
    assert table["0"].norm == pytest.approx(5.0) and table["0"].numel == 6
    assert table["2"].norm == pytest.approx(1.0)   # weight grad tanh(0) = 0, bias 1


def test_text_and_html():
    table = grad_flow(model_and_backward())
    text = str(table).splitlines()
    assert text[0].split() == ["parameter", "shape", "grad", "norm", "mean", "|grad|", "max",
                               "|grad|"]
    assert text[2].split()[:3] == ["0.bias", "(2,)", "5.000e+00"]
    html = table._repr_html_()
    assert html.startswith("<table>") and "<td>0.bias</td>" in html
    assert "<td>5.000e+00</td>" in html


def test_no_gradient_yet():
    table = grad_flow(nn.Linear(2, 1))
    assert table["weight"].norm is None
    assert str(table).splitlines()[1].split()[-3:] == ["-", "-", "-"]


def test_plot_is_a_log_scale_bar_chart():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    table = grad_flow(model_and_backward())
    ax = table.plot()
    assert ax.get_yscale() == "log"
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == 4
    assert heights[1] == pytest.approx(5.0) and math.isnan(heights[0])
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "0.weight (zero)"


def test_plot_without_matplotlib_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match="needs matplotlib: pip install matplotlib"):
        grad_flow(model_and_backward()).plot()


def test_bad_arguments():
    with pytest.raises(TypeError, match="grad_flow: model must be a Module, got Tensor"):
        grad_flow(ag.tensor(1.0))
    with pytest.raises(ValueError, match="grad_flow: by must be 'parameter' or 'module', got 'layer'"):
        grad_flow(nn.Linear(1, 1), by="layer")
    with pytest.raises(KeyError, match="no parameter named 'w'"):
        grad_flow(nn.Linear(1, 1))["w"]

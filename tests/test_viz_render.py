"""draw_graph: a real SVG when Graphviz is installed, and a clear message
(not a stack trace from inside graphviz) when it is not."""
import shutil
import subprocess
import sys

import pytest

import autograd as ag
from autograd.viz import GraphvizNotFoundError, to_dot

graphviz = pytest.importorskip("graphviz")
from autograd.viz import draw_graph  # noqa: E402

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot is not installed (CI installs it)")


def small_loss():
    x = ag.Tensor([1.0, 2.0], requires_grad=True, name='x "input" <1>|{2}\\')
    loss = (x * 3).sum()
    loss.backward()
    return x, loss


@needs_dot
def test_renders_a_real_svg(tmp_path):
    x, loss = small_loss()
    g = draw_graph(loss)
    assert isinstance(g, graphviz.Digraph)
    assert g.source == to_dot(loss)
    path = g.render(str(tmp_path / "graph"), format="svg")
    svg = open(path, encoding="utf-8").read()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "mul" in svg and "grad [3, 3]" in svg
    # the escaped name comes out as written (XML-escaped in the SVG)
    assert "x &quot;input&quot; &lt;1&gt;|{2}\\" in svg


@needs_dot
def test_shows_inline_as_svg_and_renders_png_and_pdf(tmp_path):
    _, loss = small_loss()
    g = draw_graph(loss)
    assert "<svg" in g._repr_image_svg_xml()
    assert open(g.render(str(tmp_path / "g"), format="png"), "rb").read(4) == b"\x89PNG"
    assert open(g.render(str(tmp_path / "g"), format="pdf"), "rb").read(4) == b"%PDF"


@needs_dot
def test_dot_accepts_every_option_combination():
    _, loss = small_loss()
    for kwargs in ({"direction": "backward"}, {"color_by": "grad"}, {"show_saved": True},
                   {"color_by": "module", "rankdir": "TB"}, {"highlight": loss}):
        out = subprocess.run(["dot", "-Tsvg"], input=to_dot(loss, **kwargs).encode(),
                             capture_output=True)
        assert out.returncode == 0, out.stderr.decode()


def assert_install_message(msg):
    assert "'dot'" in msg and "not found on PATH" in msg
    for how in ("apt-get install graphviz", "brew install graphviz", "conda install graphviz"):
        assert how in msg


def test_missing_dot_is_reported_up_front(monkeypatch):
    _, loss = small_loss()
    monkeypatch.setenv("PATH", "")
    with pytest.raises(GraphvizNotFoundError) as info:
        draw_graph(loss)
    assert str(info.value).startswith("draw_graph needs Graphviz's 'dot' program")
    assert_install_message(str(info.value))
    assert isinstance(info.value, RuntimeError)
    # the DOT text needs nothing installed
    assert to_dot(loss).startswith("digraph {")


@needs_dot
def test_dot_removed_after_drawing_is_reported_without_graphviz_trace(monkeypatch, tmp_path):
    _, loss = small_loss()
    g = draw_graph(loss)
    monkeypatch.setenv("PATH", "")
    for call in (lambda: g.render(str(tmp_path / "g"), format="svg"),
                 lambda: g.pipe(format="svg"),
                 g._repr_image_svg_xml):
        with pytest.raises(GraphvizNotFoundError) as info:
            call()
        assert_install_message(str(info.value))
        assert info.value.__suppress_context__ and info.value.__cause__ is None


def test_missing_graphviz_package_names_the_extra(monkeypatch):
    _, loss = small_loss()
    monkeypatch.setitem(sys.modules, "graphviz", None)
    with pytest.raises(ImportError) as info:
        draw_graph(loss)
    assert "pip install 'chainrule[viz]'" in str(info.value)

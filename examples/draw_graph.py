"""Make the README's graph pictures (written to docs/images/):

* ``mlp_values.svg``: a 2-3-1 tanh network on one example, every value and
  gradient in micrograd's ``data | grad`` style (forward and backward run
  under ``autograd.viz.record()``, so intermediate results show too);
* ``resnet.svg``: the default picture of a 20-block ResNet-style model,
  module clusters and folding chosen by ``max_nodes``;
* ``vanishing_gradients.svg``: a deep sigmoid network coloured by gradient
  norm (``color_by='grad'``): the layers near the input are orders of
  magnitude darker, the lecture notes' vanishing gradient.

Run:  python examples/draw_graph.py   (needs Graphviz's dot and the graphviz
package: pip install 'chainrule[viz]')
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import autograd as ag  # noqa: E402
import nn  # noqa: E402
from autograd import viz  # noqa: E402
from examples.models import deep_sigmoid, mlp, resnet_loss  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "docs", "images")


def save_svg(graph, name):
    """Render ``graph`` and write it atomically (a reader never sees half a file)."""
    svg = graph.pipe(format="svg")
    os.makedirs(OUT, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=OUT, suffix=".svg.tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(svg)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the picture is for everyone
        os.replace(tmp, os.path.join(OUT, name))
    except BaseException:
        os.unlink(tmp)
        raise
    print("wrote", os.path.normpath(os.path.join(OUT, name)))


def mlp_picture():
    model = mlp()
    x = ag.Tensor([[0.5, -1.0]], name="x")
    target = ag.Tensor([[1.0]], name="target")
    with viz.record():
        loss = ((model(x) - target) ** 2).mean()
        loss.name = "loss"
        loss.backward()
    return viz.draw_graph(loss, model)


def resnet_picture():
    model, loss = resnet_loss()
    loss.backward()
    return viz.draw_graph(loss, model)


def vanishing_picture():
    model = deep_sigmoid(layers=8)
    ag.manual_seed(3)
    with viz.record():
        loss = model(ag.randn(16, 4)).pow(2).mean()
        loss.backward()
    return viz.draw_graph(loss, model, color_by="grad", collapse_depth=0)


if __name__ == "__main__":
    save_svg(mlp_picture(), "mlp_values.svg")
    save_svg(resnet_picture(), "resnet.svg")
    save_svg(vanishing_picture(), "vanishing_gradients.svg")

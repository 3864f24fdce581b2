"""`draw_graph`: the DOT text of `to_dot` as a `graphviz.Digraph`, which
shows itself inline in Jupyter (SVG) and saves with ``.render()``.

Both the Python package and Graphviz's ``dot`` program are optional, so
their absence is reported at the call, with what to install, instead of as
a stack trace from inside graphviz when the picture is first displayed.
"""
import functools
import shutil

from .picture import body_lines

INSTALL_DOT = ("Install Graphviz: apt-get install graphviz (Debian/Ubuntu), "
               "brew install graphviz (macOS), conda install graphviz (conda). "
               "autograd.viz.to_dot(...) gives the DOT text without it.")


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is not installed (or not on PATH)."""


def _missing_dot(what):
    return GraphvizNotFoundError(
        f"{what} needs Graphviz's 'dot' program, which was not found on PATH. "
        + INSTALL_DOT)


def _graphviz():
    try:
        import graphviz
    except ImportError:
        raise ImportError("draw_graph needs the Python 'graphviz' package: pip install "
                          "'chainrule[viz]' (or pip install graphviz). "
                          "autograd.viz.to_dot(...) gives the DOT text without it.") from None
    return graphviz


@functools.lru_cache(maxsize=None)
def _digraph_class(graphviz):
    """A Digraph whose drawing calls turn graphviz's ExecutableNotFound
    (``dot`` removed after the picture was made) into our message."""

    class Digraph(graphviz.Digraph):
        def pipe(self, *args, **kwargs):
            try:
                return super().pipe(*args, **kwargs)
            except graphviz.ExecutableNotFound:
                raise _missing_dot("Drawing the picture") from None

        def render(self, *args, **kwargs):
            try:
                return super().render(*args, **kwargs)
            except graphviz.ExecutableNotFound:
                raise _missing_dot("Saving the picture") from None

    Digraph.__name__ = Digraph.__qualname__ = "Digraph"
    return Digraph


def draw_graph(outputs, params=None, *, show_values="auto", show_grads=True,
               show_saved=False, direction="forward", rankdir="LR", collapse_depth=None,
               max_nodes=200, color_by=None, highlight=None):
    """Draw the graph that produced ``outputs`` (a tensor, e.g. the loss, or
    a list of them) as a `graphviz.Digraph`.

    * ``params``: a Module (its ``named_parameters()`` name the leaves) or a
      dict name -> Tensor (intermediate tensors named there show their value).
    * ``show_values``: ``data | grad`` of small tensors, a summary (mean,
      std, norm) of large ones; ``'auto'`` prints summaries only in pictures
      of at most 50 nodes.  ``show_grads``: leaves' ``.grad``, and
      intermediate gradients recorded with ``autograd.viz.record()``.
      ``show_saved``: the tensors each op keeps for backward.
    * ``direction``: ``'forward'`` (inputs -> loss, op names as written) or
      ``'backward'`` (autograd's view: ``MulBackward`` nodes, edges reversed);
      ``rankdir``: 'LR', 'TB', 'RL' or 'BT'.
    * ``collapse_depth=k`` folds every module deeper than ``k`` into one node;
      ``max_nodes`` folds the deepest modules first until the picture fits
      (None: never), then gathers what is left into a "... N more nodes" node.
    * ``color_by``: ``'grad'`` (gradient norm, log scale, with a legend) or
      ``'module'`` (top-level module).  ``highlight``: nodes or tensors drawn
      with a thick red border.
    """
    graphviz = _graphviz()
    body = body_lines("draw_graph", outputs, params, show_values, show_grads, show_saved,
                      direction, rankdir, collapse_depth, max_nodes, color_by, highlight)
    if shutil.which("dot") is None:
        raise _missing_dot("draw_graph")
    return _digraph_class(graphviz)(body=body)

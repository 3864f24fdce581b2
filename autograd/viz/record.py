"""``with autograd.viz.record(): ...``: keep what the picture cannot get
otherwise, the values and gradients of intermediate results.

The engine stores neither (a graph keeps only what backward needs), so a
picture shows them only when the user asked to record them:

* during ``backward()`` inside the block, each node's upstream gradient
  (the gradient of its output) is kept, through the neutral
  `autograd.graph.observe_backward` mechanism;
* ops run inside the block keep their forward arguments
  (`autograd.graph.record_inputs`), so the value each op produced can be
  read off the op that consumed it.

Gradients are held in a `weakref.WeakKeyDictionary` keyed by node: the
record never keeps a graph alive, and a picture of a freed graph is just
not drawn.  A later backward through the same node replaces its entry.
"""
import contextlib
import weakref

from .. import graph as _graph



_grads = weakref.WeakKeyDictionary()


def _keep(node, grad_outputs, grad_inputs):
    grad = grad_outputs[0] if grad_outputs else None
    if grad is not None:
        _grads[node] = grad.detach().numpy().copy()


@contextlib.contextmanager
def record():
    """Record intermediate values (ops run inside) and gradients (backward
    passes run inside) for `draw_graph` / `to_dot` to show."""
    with _graph.record_inputs(), _graph.observe_backward(_keep):
        yield


def recorded_grad(node):
    """The upstream gradient recorded for ``node`` (an ndarray), or None."""
    try:
        return _grads.get(node)
    except TypeError:  # not weak-referenceable: never recorded
        return None

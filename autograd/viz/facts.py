"""What is known about each item of the walk: a name, its value, its
gradient.  Nothing is invented: an op node's value is shown only when the
user kept the tensor (passed it as an output, named it in ``params``, or ran
the forward under `record`), and its gradient only when the tensor retained
it or `record` saw the backward pass.
"""
from ..function import Function
from ..tensor import Tensor
from .record import recorded_grad


class Facts:
    """Per item of the walk: ``names``, ``data``, ``grads`` (ndarrays or
    None) and whether it is an output."""

    __slots__ = ("names", "data", "grads", "is_output")

    def __init__(self, n):
        self.names = [None] * n
        self.data = [None] * n
        self.grads = [None] * n
        self.is_output = [False] * n


def gather(graph, named, wanted=None):
    """Facts for the items in ``wanted`` (all when None): the picture only
    needs them for the units it draws, not for 100,000 folded nodes."""
    n = len(graph.items)
    facts = Facts(n)
    kept = _kept_tensors(graph, named)
    for i, t in graph.outputs:
        facts.is_output[i] = True
    indices = range(n) if wanted is None else wanted
    for i in indices:
        obj = graph.items[i]
        if isinstance(obj, Function):
            t = kept.get(id(obj))
            name = _name(t, named)
            grad = recorded_grad(obj)
        else:
            t = obj
            name = _name(t, named)
            grad = None
        if t is not None:
            facts.data[i] = t.detach().numpy()
            if t.grad is not None:
                grad = t.grad.detach().numpy()
        facts.names[i] = name
        facts.grads[i] = grad
    return facts


def _name(t, named):
    if t is None:
        return None
    entry = named.get(id(t))
    return entry[0] if entry is not None else t.name


def _kept_tensors(graph, named):
    """``{id(node): tensor}`` for the op outputs whose tensor we have: the
    outputs passed in, tensors named in ``params``, and (under `record`)
    the arguments each op kept, unless changed in place since."""
    kept = {}
    for obj in graph.items:
        if isinstance(obj, Function):
            _from_recorded_inputs(obj, kept)
    for _, t in named.values():
        if t.grad_fn is not None:
            kept[id(t.grad_fn)] = t
    for _, t in graph.outputs:
        if t.grad_fn is not None:
            kept[id(t.grad_fn)] = t
    return kept


def _from_recorded_inputs(node, kept):
    args = node.recorded_inputs
    if not args:
        return
    versions = node.recorded_versions
    for arg, version in zip(args, versions):
        if isinstance(arg, Tensor) and arg.grad_fn is not None and \
                (version is None or arg._version == version):
            kept.setdefault(id(arg.grad_fn), arg)


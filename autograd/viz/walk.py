"""From output tensors to a plain model of the recorded graph.

The walk is breadth-first from the outputs with an explicit queue (never
recursion: a 100,000-op chain is an ordinary graph), touches each node and
edge once, and numbers items in the order it meets them.  That order, not
``id()``, names the DOT nodes, so the same graph always gives the same text.
"""
from collections import deque

from ..function import Function


class Graph:
    """The recorded graph as plain lists, in forward direction.

    ``items[i]`` is a graph node (a `Function`, i.e. some ``grad_fn``) or a
    leaf `Tensor`; ``inputs[i]`` lists the items feeding item ``i`` (one
    entry per input edge, in ``next_functions`` order); ``outputs`` pairs
    each output's item with the tensor the user passed."""

    __slots__ = ("items", "inputs", "outputs")

    def __init__(self):
        self.items = []
        self.inputs = []
        self.outputs = []

    def is_node(self, i):
        return isinstance(self.items[i], Function)

    def consumers(self):
        """For each item, the items that take it as an input (each once)."""
        users = [[] for _ in self.items]
        for i, ins in enumerate(self.inputs):
            for j in ins:
                if not users[j] or users[j][-1] != i:
                    users[j].append(i)
        return users


def walk(tensors):
    """The graph behind ``tensors`` (a list of Tensors), each item once."""
    graph = Graph()
    index = {}
    queue = deque()

    def add(obj):
        key = id(obj)
        i = index.get(key)
        if i is None:
            i = index[key] = len(graph.items)
            graph.items.append(obj)
            graph.inputs.append([])
            if isinstance(obj, Function):
                queue.append(i)
        return i

    for t in tensors:
        graph.outputs.append((add(t.grad_fn or t), t))
    while queue:
        i = queue.popleft()
        ins = graph.inputs[i]
        for fn, _ in graph.items[i].next_functions:
            if fn is not None:
                ins.append(add(fn if isinstance(fn, Function) else fn.variable))
    return graph


"""Pictures of recorded graphs: `to_dot` (DOT text), `draw_graph` (a
graphviz Digraph), and `record` (keep intermediate values and gradients
for them).  See each function's docstring."""
from .picture import to_dot
from .record import record
from .render import GraphvizNotFoundError, draw_graph

__all__ = ["to_dot", "draw_graph", "record", "GraphvizNotFoundError"]

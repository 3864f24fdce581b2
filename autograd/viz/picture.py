"""`to_dot`: from output tensors to DOT text, the one pipeline every
picture goes through (`draw_graph` wraps its text in a graphviz Digraph).

walk (graph model) -> place (module of each item) -> fold (what to draw)
-> facts (names, values, grads of the drawn items) -> DOT text.
"""
from . import dot
from .facts import gather
from .fold import FOLD, ITEM, Chains, fold, place_items
from .options import Options, named_tensors, outputs_list
from .walk import walk


def to_dot(outputs, params=None, *, show_values="auto", show_grads=True, show_saved=False,
           direction="forward", rankdir="LR", collapse_depth=None, max_nodes=200,
           color_by=None, highlight=None):
    """The DOT text of the graph that produced ``outputs`` (same options as
    `draw_graph`); needs no graphviz installation."""
    return "digraph {\n" + "".join(body_lines(
        "to_dot", outputs, params, show_values, show_grads, show_saved, direction, rankdir,
        collapse_depth, max_nodes, color_by, highlight)) + "}\n"


def body_lines(fn, outputs, params, show_values, show_grads, show_saved, direction,
               rankdir, collapse_depth, max_nodes, color_by, highlight):
    """The DOT body (as `graphviz.Digraph.body`), after checking every
    argument (``fn`` names the public function in messages)."""
    tensors = outputs_list(fn, outputs)
    named = named_tensors(fn, params)
    options = Options(fn, show_values, show_grads, show_saved, direction, rankdir,
                      collapse_depth, max_nodes, color_by, highlight)
    graph = walk(tensors)
    chains = Chains()
    places = place_items(graph, chains)
    view = fold(graph, places, chains, options.collapse_depth, options.max_nodes)
    facts = gather(graph, named, _needed(view, options))
    highlighted = _highlighted_units(graph, view, options.highlight)
    return dot.write(dot.Picture(graph, view, facts, places, chains, options, highlighted))


def _needed(view, options):
    """The items whose facts the picture reads: drawn items, and for
    gradient colours the parameters and outputs of folded modules."""
    wanted = []
    for unit in view.units:
        if unit.kind == ITEM:
            wanted.append(unit.item)
        elif unit.kind == FOLD and options.color_by == "grad":
            wanted.extend(unit.members)
    return wanted


def _highlighted_units(graph, view, marked):
    """Units showing a highlighted node or tensor (the fold or "more" node
    holding it, when it is not drawn on its own)."""
    if not marked:
        return frozenset()
    ids = {id(m) for m in marked}
    return frozenset(view.unit_of[i] for i, obj in enumerate(graph.items) if id(obj) in ids)

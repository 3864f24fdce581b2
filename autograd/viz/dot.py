"""DOT text for a folded `View`: node labels and styles, nested module
clusters, edges, legend and caption.

Labels are plain DOT strings (shape=box, never ``record``), so only the
quote, the backslash and line breaks need escaping: a parameter named
``a"b\\c<d>|{}`` draws as written.  Node ids are ``n0, n1, ...`` in the
walk's order, so the same graph always gives the same text.
"""
import numpy as np

from . import labels as L
from .colors import GradScale, ModuleColors, font_for
from .fold import FOLD, ITEM, MORE

SMALL_PICTURE = 50
"""With ``show_values='auto'``, summaries of large tensors are shown only in
pictures of at most this many nodes (small tensors always are)."""

_FILL = {"op": "#f2f2f2", "leaf": "#cfe2f3", "output": "#d9ead3", "fold": "#fff2cc",
         "more": "#ffffff", "saved": "#fce5cd"}


def quote(text):
    """``text`` as a DOT double-quoted string; newlines become centred line
    breaks and backslashes stay literal (no ``\\l``/``\\N`` surprises)."""
    return '"' + (str(text).replace("\\", "\\\\").replace('"', '\\"')
                  .replace("\r\n", "\n").replace("\n", "\\n")) + '"'


def attr_list(attrs):
    return "[" + " ".join(f"{k}={quote(v)}" for k, v in attrs.items()) + "]"


class Picture:
    """Everything the writer reads, gathered by `autograd.viz.picture`."""

    __slots__ = ("graph", "view", "facts", "places", "chains", "options", "highlighted")

    def __init__(self, graph, view, facts, places, chains, options, highlighted):
        self.graph = graph
        self.view = view
        self.facts = facts
        self.places = places
        self.chains = chains
        self.options = options
        self.highlighted = highlighted


def write(pic):
    """The DOT body lines (each ``"\\t...\\n"``, as `graphviz.Digraph.body`)."""
    opts = pic.options
    lines = [_graph_attrs(pic)]
    lines.append("node " + attr_list({"shape": "box", "style": "filled,rounded",
                                      "fontname": "Helvetica", "fontsize": "10",
                                      "height": "0.3"}))
    lines.append("edge " + attr_list({"color": "#555555", "arrowsize": "0.7"}))
    painter = _painter(pic)
    node_lines = [_unit_lines(pic, u, painter) for u in range(len(pic.view.units))]
    lines.extend(_clustered(pic, node_lines))
    lines.extend(_edge_lines(pic))
    if painter is not None:
        lines.extend(_legend(painter, opts.color_by))
    return ["\t" + line + "\n" for line in lines]


def _graph_attrs(pic):
    attrs = {"rankdir": pic.options.rankdir, "fontname": "Helvetica", "fontsize": "10"}
    if pic.view.caption:
        attrs.update(label="\n".join(pic.view.caption), labelloc="b", labeljust="l")
    return "graph " + attr_list(attrs)


# ------------------------------------------------------------------ nodes
def _unit_lines(pic, u, painter):
    """The DOT statements declaring unit ``u`` (its saved tensors too)."""
    unit = pic.view.units[u]
    if unit.kind == ITEM:
        text, attrs = _item_node(pic, unit.item)
    elif unit.kind == FOLD:
        text, attrs = _fold_node(pic, unit)
    else:
        text = [f"... {unit.count:,} more nodes", "(not drawn: max_nodes="
                f"{pic.options.max_nodes})"]
        attrs = {"shape": "note", "style": "filled,dashed", "fillcolor": _FILL["more"]}
    if painter is not None:
        fill = painter(u)
        attrs.update(fillcolor=fill, fontcolor=font_for(fill))
    if u in pic.highlighted:
        attrs.update(color="#d00000", penwidth="3")
    out = [f"n{u} " + attr_list({"label": "\n".join(text), **attrs})]
    if pic.options.show_saved and unit.kind == ITEM and pic.graph.is_node(unit.item):
        out.extend(_saved_lines(pic, u, unit.item))
    return out


def _item_node(pic, i):
    graph, facts = pic.graph, pic.facts
    obj = graph.items[i]
    shape, dtype = item_shape(graph, i)
    name = facts.names[i] or (_output_name(pic, i) if facts.is_output[i] else None)
    if graph.is_node(i):
        op = L.op_name(obj) if pic.options.direction == "forward" else L.backward_name(obj)
        text = ([name] if name else []) + [f"{op}  {L.shape_text(shape, dtype)}"]
        attrs = {"fillcolor": _FILL["op"]}
    else:
        grad_note = "requires grad" if obj.requires_grad else "no grad"
        text = [name or "leaf", f"{L.shape_text(shape, dtype)}  {grad_note}"]
        attrs = {"style": "filled", "fillcolor": _FILL["leaf"]}
    text += L.data_grad_lines(*_shown(pic, facts.data[i], facts.grads[i]))
    if facts.is_output[i]:
        attrs.update(fillcolor=_FILL["output"], peripheries="2")
    return text, attrs


def _output_name(pic, i):
    outs = [j for j, _ in pic.graph.outputs]
    return "output" if len(outs) == 1 else f"output {outs.index(i)}"


def _shown(pic, data, grad):
    """Which of ``data``/``grad`` the options let the label print."""
    opts = pic.options
    big_ok = opts.show_values is True or (opts.show_values == "auto" and
                                          len(pic.view.units) <= SMALL_PICTURE)

    def allowed(a, on):
        return a if on and a is not None and (big_ok or np.size(a) <= L.SMALL) else None
    return allowed(data, opts.show_values is not False), allowed(grad, opts.show_grads)


def _fold_node(pic, unit):
    scope = unit.scope
    title = f"{scope.path} ({scope.kind})" if scope.path and scope.kind else \
        (scope.path or scope.kind or "module")
    graph = pic.graph
    params = sum(int(np.prod(graph.items[i].shape)) for i in unit.members
                 if not graph.is_node(i))
    ops = sum(1 for i in unit.members if graph.is_node(i))
    op_text = f"{ops} op" if ops == 1 else f"{ops} ops"
    text = [title, f"{L.count_text(params)} params, {op_text}" if params else op_text]
    ins = _shapes(graph, unit.in_items)
    outs = _shapes(graph, unit.out_items)
    text.append(f"{ins} -> {outs}" if ins else f"-> {outs}")
    attrs = {"shape": "box3d", "style": "filled", "fillcolor": _FILL["fold"]}
    if any(pic.facts.is_output[i] for i in unit.out_items):
        attrs.update(peripheries="2")
    return text, attrs


def _shapes(graph, items):
    if not items:
        return ""
    texts = []
    for i in items:
        t = L.shape_text(*item_shape(graph, i))
        if t not in texts:
            texts.append(t)
    return ", ".join(texts) if len(texts) <= 3 else f"{len(items)} tensors"


def item_shape(graph, i):
    """(shape, dtype) of the tensor item ``i`` stands for."""
    obj = graph.items[i]
    if graph.is_node(i):
        return tuple(obj.output_shape), obj.output_dtype
    return tuple(obj.shape), obj.dtype


def _saved_lines(pic, u, i):
    """torchviz's ``show_saved``: what the op keeps for backward (nothing
    once a backward has released it)."""
    try:
        saved = pic.graph.items[i].saved_tensors
    except RuntimeError:
        return []
    out = []
    for k, t in enumerate(s for s in saved if s is not None and hasattr(s, "shape")):
        data, _ = _shown(pic, t.detach().numpy(), None)
        text = ["saved", L.shape_text(tuple(t.shape), t.dtype)] + L.data_grad_lines(data, None)
        out.append(f"s{u}_{k} " + attr_list({"label": "\n".join(text), "style": "filled",
                                             "fillcolor": _FILL["saved"], "fontsize": "9"}))
        ends = (f"s{u}_{k}", f"n{u}")
        a, b = ends if pic.options.direction == "forward" else ends[::-1]
        out.append(f"{a} -> {b} " + attr_list({"style": "dashed", "arrowhead": "none"}))
    return out


# --------------------------------------------------------------- clusters
def _clustered(pic, node_lines):
    """Node statements nested in ``subgraph cluster_k`` blocks following the
    scopes' parent chains (iteratively; clusters in order of first use)."""
    view, chains = pic.view, pic.chains
    order, children, members = [], {}, {None: []}
    for u, unit in enumerate(view.units):
        parent = None
        for scope in (chains(unit.cluster) if unit.cluster is not None else ()):
            if id(scope) not in members:
                members[id(scope)] = []
                order.append(scope)
                children.setdefault(id(parent) if parent is not None else None, []).append(scope)
            parent = scope
        members[id(parent) if parent is not None else None].append(u)
    numbers = {id(s): k for k, s in enumerate(order)}
    out = [line for u in members[None] for line in node_lines[u]]
    stack = [("open", s) for s in reversed(children.get(None, []))]
    while stack:
        action, scope = stack.pop()
        if action == "close":
            out.append("}")
            continue
        out.append(f"subgraph cluster_{numbers[id(scope)]} {{")
        out.append("graph " + attr_list({"label": _cluster_label(scope), "labelloc": "t",
                                         "labeljust": "l", "style": "rounded",
                                         "color": "#999999"}))
        out.extend(line for u in members[id(scope)] for line in node_lines[u])
        stack.append(("close", scope))
        stack.extend(("open", c) for c in reversed(children.get(id(scope), [])))
    return out


def _cluster_label(scope):
    if scope.path and scope.kind:
        return f"{scope.path} ({scope.kind})"
    return scope.path or scope.kind or "scope"


# ------------------------------------------------------------------ edges
def _edge_lines(pic):
    forward = pic.options.direction == "forward"
    return [f"n{u} -> n{v}" if forward else f"n{v} -> n{u}" for u, v in pic.view.edges]


# ----------------------------------------------------------------- colour
class _Painter:
    """Fill colour per unit for ``color_by``; remembers what it used for the
    legend."""

    def __init__(self, pic):
        self.pic = pic
        if pic.options.color_by == "grad":
            self.norms = [_unit_norm(pic, unit) for unit in pic.view.units]
            self.scale = GradScale(self.norms)
        else:
            self.scale = ModuleColors()

    def __call__(self, u):
        if self.pic.options.color_by == "grad":
            return self.scale.color(self.norms[u])
        return self.scale.color(_top_module(self.pic, self.pic.view.units[u]))

    def legend(self):
        return self.scale.legend()


def _painter(pic):
    return None if pic.options.color_by is None else _Painter(pic)


def _unit_norm(pic, unit):
    """A unit's gradient norm: its own for an item; for a folded module the
    joint norm of its parameters' gradients (what training updates), or of
    the gradients at its outputs when it has no parameters with one."""
    grads = pic.facts.grads
    if unit.kind == ITEM:
        return L.norm(grads[unit.item]) if grads[unit.item] is not None else None
    if unit.kind == MORE:
        return None
    graph = pic.graph
    for group in ([i for i in unit.members if not graph.is_node(i)], unit.out_items):
        found = [grads[i] for i in group if grads[i] is not None]
        if found:
            return float(np.sqrt(sum(L.norm(g) ** 2 for g in found)))
    return None


def _top_module(pic, unit):
    scope = unit.scope if unit.kind == FOLD else (
        pic.places[unit.item] if unit.kind == ITEM else None)
    if scope is None:
        return None
    chain = pic.chains(scope)
    return chain[1].path if len(chain) > 1 else (chain[0].path or chain[0].kind or "root")


def _legend(paint, color_by):
    title = "gradient norm (log scale)" if color_by == "grad" else "top-level module"
    out = ["subgraph cluster_legend {",
           "graph " + attr_list({"label": title, "labelloc": "t", "labeljust": "l",
                                 "style": "rounded", "color": "#999999"})]
    rows = paint.legend()
    for k, (fill, text) in enumerate(rows):
        out.append(f"legend{k} " + attr_list({"label": text, "style": "filled",
                                              "fillcolor": fill, "fontcolor": font_for(fill)}))
    # invisible edges lay the legend out as one row along rankdir
    out.extend(f"legend{k} -> legend{k + 1} [style=\"invis\"]" for k in range(len(rows) - 1))
    out.append("}")
    return out

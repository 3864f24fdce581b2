"""Which boxes the picture draws: module clusters, folded modules, and the
last resort "... N more nodes".

Every op node carries the module scope it was recorded in
(``node.scope``, a chain of `autograd.graph.Scope` objects); a parameter
leaf is placed in the module that consumed it.  Clusters are keyed by Scope
*object*: two calls of one module are two boxes (the same parameters used
twice is exactly what such a picture should show).

Folding replaces a whole module call (its nodes, nested modules and the
parameters only it consumed) by one node.  With ``collapse_depth=k`` every
module deeper than ``k`` is folded; ``max_nodes`` folds the deepest level
first, one level at a time so sibling blocks still look alike, until the
picture fits: at most ``max_nodes`` nodes, and no path longer than a
quarter of that (200 nodes in one row are as unreadable as 1,000).  When even depth-0 folding is too big (say a 100,000-op chain
outside any module), the units farthest from the outputs are gathered into
one explicit "... N more nodes" node: nothing is dropped silently.
"""
from collections import deque

ITEM, FOLD, MORE = "item", "fold", "more"


class Unit:
    """One drawn node: an item of the walk, a folded module call, or the
    node standing for everything cut by ``max_nodes``."""

    __slots__ = ("kind", "item", "scope", "members", "cluster", "in_items", "out_items",
                 "count")

    def __init__(self, kind, item=None, scope=None, cluster=None):
        self.kind = kind
        self.item = item          # ITEM: the walk's item index
        self.scope = scope        # FOLD: the folded module call's Scope
        self.members = []         # FOLD: item indices inside
        self.cluster = cluster    # the Scope whose box holds this unit, or None
        self.in_items = []        # FOLD: items outside feeding it (each once)
        self.out_items = []       # FOLD: items inside read from outside or outputs
        self.count = 0            # MORE: how many units it stands for


class View:
    """What `dot.py` draws: units in a stable order, forward edges between
    them (each once), the clusters' scopes, and a caption saying what was
    folded."""

    __slots__ = ("units", "unit_of", "edges", "caption")

    def __init__(self, units, unit_of, edges, caption):
        self.units = units
        self.unit_of = unit_of
        self.edges = edges
        self.caption = caption


class Chains:
    """``scope.chain()`` per Scope object, computed once each."""

    def __init__(self):
        self._cache = {}

    def __call__(self, scope):
        chain = self._cache.get(id(scope))
        if chain is None:
            chain = self._cache[id(scope)] = tuple(scope.chain())
        return chain


def place_items(graph, chains):
    """The Scope each item belongs to: an op node's own ``scope``; a leaf's
    innermost common scope of its consumers, moved out until it reaches a
    module that owns it (so an input tensor read by the first layer is not
    drawn inside that layer, but its weight is)."""
    places = [obj.scope if graph.is_node(i) else None
              for i, obj in enumerate(graph.items)]
    outputs = {i for i, _ in graph.outputs}
    owned = {}
    for leaf, users in enumerate(graph.consumers()):
        if graph.is_node(leaf) or not users or leaf in outputs:
            continue
        chain = _common(chains, [places[u] for u in users])
        places[leaf] = _owner_scope(chain, graph.items[leaf], owned)
    return places


def _common(chains, scopes):
    """The longest scope chain shared (by identity) by all ``scopes``."""
    if any(s is None for s in scopes):
        return ()
    common = chains(scopes[0])
    for s in scopes[1:]:
        other = chains(s)
        n = 0
        while n < len(common) and n < len(other) and common[n] is other[n]:
            n += 1
        common = common[:n]
    return common


def _owner_scope(chain, tensor, owned):
    """The innermost scope of ``chain`` whose module owns ``tensor`` (a scope
    without an owner, entered by hand, takes any leaf it alone consumes)."""
    for scope in reversed(chain):
        owner = scope.owner
        if owner is None:
            return scope
        key = id(owner)
        params = owned.get(key)
        if params is None:
            named = getattr(owner, "named_parameters", None)
            params = owned[key] = ({id(p) for _, p in named()} if callable(named)
                                   else frozenset())
        if id(tensor) in params:
            return scope
    return None


def fold(graph, places, chains, collapse_depth, max_nodes):
    """The `View` for the options: the first folding level (deepest first)
    whose picture fits ``max_nodes``, and a cut if even depth 0 does not."""
    deepest = max((s.depth for s in places if s is not None), default=-1)
    first = deepest if collapse_depth is None else min(collapse_depth, deepest)
    levels = [first] if max_nodes is None else list(range(first, -1, -1)) or [first]
    for level in levels:
        keys = _unit_keys(places, chains, level)
        if max_nodes is not None and len(set(keys)) > max_nodes:
            continue
        view = _build(graph, places, chains, keys, level)
        if max_nodes is None or _ranks(view) <= max_rank(max_nodes):
            break
    else:
        view = _build(graph, places, chains, keys, level)
    notes = []
    folded = sum(1 for u in view.units if u.kind == FOLD)
    if folded:
        why = (f"collapse_depth={collapse_depth}" if level == collapse_depth
               else f"to fit max_nodes={max_nodes}: at most {max_nodes} nodes, "
                    f"{max_rank(max_nodes)} in a row")
        notes.append(f"{folded} module call{'s' if folded != 1 else ''} deeper than depth "
                     f"{level} folded into single nodes ({why})")
    if max_nodes is not None and len(view.units) > max_nodes:
        view = _cut(graph, view, max_nodes)
        notes.append(f"{view.units[-1].count:,} nodes farthest from the outputs gathered "
                     f"into one node (max_nodes={max_nodes})")
    view.caption = notes
    return view


def max_rank(max_nodes):
    """The longest chain a picture of ``max_nodes`` may have: a chain of 150
    blocks is unreadable long before 150 is many nodes, so automatic
    folding also keeps the longest path within a quarter of ``max_nodes``."""
    return max(max_nodes // 4, 2)


def _ranks(view):
    """The number of units on the longest path (Kahn's order, iterative)."""
    n = len(view.units)
    users = [[] for _ in range(n)]
    indegree = [0] * n
    for u, v in view.edges:
        users[u].append(v)
        indegree[v] += 1
    depth = [1] * n
    ready = [u for u in range(n) if indegree[u] == 0]
    while ready:
        u = ready.pop()
        for v in users[u]:
            depth[v] = max(depth[v], depth[u] + 1)
            indegree[v] -= 1
            if indegree[v] == 0:
                ready.append(v)
    return max(depth, default=0)


def _unit_keys(places, chains, level):
    """Per item: its own index, or the Scope of the module call it folds into."""
    keys = []
    for i, scope in enumerate(places):
        if scope is not None and scope.depth > level:
            keys.append(chains(scope)[level + 1])
        else:
            keys.append(i)
    return keys


def _build(graph, places, chains, keys, level):
    units = []
    unit_of = [0] * len(keys)
    fold_units = {}
    for i, key in enumerate(keys):
        if isinstance(key, int):
            unit_of[i] = len(units)
            units.append(Unit(ITEM, item=i, cluster=places[i]))
            continue
        u = fold_units.get(id(key))
        if u is None:
            u = fold_units[id(key)] = len(units)
            parent = chains(key)[level] if level >= 0 else None
            units.append(Unit(FOLD, scope=key, cluster=parent))
        unit_of[i] = u
        units[u].members.append(i)
    edges = _edges(graph, units, unit_of)
    return View(units, unit_of, edges, [])


def _edges(graph, units, unit_of):
    """Forward edges between distinct units, each once, in item order; folds
    learn which items cross their border (for their shape labels)."""
    edges, seen = [], set()
    for i, ins in enumerate(graph.inputs):
        v = unit_of[i]
        for j in ins:
            u = unit_of[j]
            if u == v:
                continue
            if (u, v) not in seen:
                seen.add((u, v))
                edges.append((u, v))
            _note_crossing(units[u], "out_items", j)
            _note_crossing(units[v], "in_items", j)
    for i, _ in graph.outputs:
        _note_crossing(units[unit_of[i]], "out_items", i)
    return edges


def _note_crossing(unit, side, j):
    """Only folds need their border items (few per fold: a module's inputs
    and outputs); plain items skip the bookkeeping."""
    if unit.kind == FOLD:
        items = getattr(unit, side)
        if j not in items:
            items.append(j)


def _cut(graph, view, max_nodes):
    """Keep the ``max_nodes - 1`` units nearest the outputs (breadth-first
    against the edges) and stand one MORE unit in for all the others."""
    n = len(view.units)
    inputs = [[] for _ in range(n)]
    for u, v in view.edges:
        inputs[v].append(u)
    kept = [False] * n
    order = deque()
    budget = max_nodes - 1
    for i, _ in graph.outputs:
        u = view.unit_of[i]
        if not kept[u]:
            kept[u] = True
            order.append(u)
            budget -= 1
    while order and budget > 0:
        v = order.popleft()
        for u in inputs[v]:
            if not kept[u] and budget > 0:
                kept[u] = True
                order.append(u)
                budget -= 1
    renumber, units = {}, []
    for u, unit in enumerate(view.units):
        if kept[u]:
            renumber[u] = len(units)
            units.append(unit)
    more = len(units)
    rest = Unit(MORE)
    rest.count = n - more
    units.append(rest)
    edges, seen = [], set()
    for u, v in view.edges:
        if not kept[v]:
            continue
        edge = (renumber[u] if kept[u] else more, renumber[v])
        if edge not in seen:
            seen.add(edge)
            edges.append(edge)
    unit_of = [renumber.get(u, more) for u in view.unit_of]
    return View(units, unit_of, edges, [])

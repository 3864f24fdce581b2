"""`trace_backward`: backpropagation, one step per row.

Lecture notes write the chain rule out as products --
``dL/dw = dL/do31 * do31/do21 * do21/dw`` -- and then point out that the
common factors (``dL/do31``) are computed once and reused: memoization.
`trace_backward` runs a real backward pass and shows exactly that, one row
per node in the order backward visits it:

* the upstream gradient arriving at the node (the sum of what earlier rows
  sent: "= r3 + r5" when several paths meet -- the chain rule's sum over
  paths);
* the local derivative ``d out / d in`` and the gradient it yields for each
  input (upstream times local), and the later row that receives it;
* for leaves, a final row with the accumulated gradient and the rows whose
  pieces were summed.

It observes the engine through `autograd.graph.observe_backward`, so what it
shows is what `backward()` computed, not a re-derivation.
"""
from dataclasses import dataclass, field

import numpy as np

from ._table import fmt_shape, fmt_value, html_table, text_table
from .engine import backward as _backward
from .function import Function
from .grad_mode import no_grad
from .tensor import Tensor

# The full Jacobian is shown instead of "VJP" when it is this small.
_JACOBIAN_MAX_OUT = 4
_JACOBIAN_MAX_ENTRIES = 16


@dataclass(frozen=True)
class Step:
    """One input edge of a node: its local derivative and resulting gradient.

    ``local_kind`` says what ``local`` holds: ``"elementwise"`` (d out_k /
    d in_k, same shape as the input), ``"jacobian"`` (the full Jacobian;
    the input's shape when the output is a scalar, else (out.size,
    in.size)), or ``"vjp"`` (too large or not elementwise: only the
    vector-Jacobian product, the gradient, is computed -- which is all
    backward ever needs)."""
    input: str
    local: object
    local_kind: str
    grad: object
    to: int = None


@dataclass(frozen=True)
class TraceRow:
    """One row of the trace.  ``index`` counts from 1; ``kind`` is
    ``"node"`` or ``"leaf"``.  ``sources`` are the rows whose results were
    summed into ``upstream`` (``seed`` is True when the backward's seed
    gradient is part of it)."""
    index: int
    kind: str
    op: str
    label: str
    upstream: np.ndarray
    sources: tuple
    seed: bool
    steps: tuple
    node: object = field(default=None, repr=False, compare=False)

    @property
    def source_text(self):
        """How the upstream gradient was formed: "seed", "r3", "r3 + r5"."""
        parts = (["seed"] if self.seed else []) + [f"r{s}" for s in self.sources]
        return " + ".join(parts)

    @property
    def used_by(self):
        """The later rows that receive this row's results."""
        return tuple(s.to for s in self.steps if s.to is not None)

    @property
    def reuse(self):
        """How many products used this row's upstream gradient (the
        memoized value computed once)."""
        return sum(1 for s in self.steps if s.grad is not None)


class BackwardTrace:
    """The rows of one backward pass; prints as a text table and shows as
    an HTML table in Jupyter."""

    def __init__(self, rows):
        self.rows = list(rows)

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def row(self, index):
        """The row numbered ``index`` (1-based, as printed)."""
        return self.rows[index - 1]

    def find(self, label):
        """The rows whose label is ``label``."""
        return [r for r in self.rows if r.label == label]

    @property
    def notes(self):
        """The memoization and path-sum remarks printed under the table."""
        out = []
        for r in self.rows:
            if len(r.sources) + r.seed > 1:
                what = "pieces summed into .grad" if r.kind == "leaf" else "paths meet"
                out.append(f"r{r.index} {r.label}: {what}: upstream = {r.source_text}")
            if r.reuse > 1:
                to = ", ".join(f"r{t}" for t in r.used_by)
                out.append(f"r{r.index} {r.label}: upstream computed once, reused in "
                           f"{r.reuse} products" + (f" -> {to}" if to else ""))
        return out

    _HEADER = ("#", "node", "upstream dL/dout", "from", "input", "local dout/din",
               "dL/din = upstream*local", "to")

    def _cells(self):
        rows = []
        for r in self.rows:
            name = f"{r.label} (leaf)" if r.kind == "leaf" else r.label
            if r.kind == "leaf":
                rows.append((f"r{r.index}", name, fmt_value(r.upstream), r.source_text,
                             "", "", "", ".grad"))
                continue
            steps = r.steps or (Step("", None, "vjp", None),)
            rows.append((f"r{r.index}", name, fmt_value(r.upstream), r.source_text,
                         "\n".join(s.input for s in steps),
                         "\n".join(_local_text(s) for s in steps),
                         "\n".join(fmt_value(s.grad) if s.grad is not None else "None"
                                   for s in steps),
                         "\n".join(f"r{s.to}" if s.to is not None else "" for s in steps)))
        return rows

    def __str__(self):
        text = text_table(self._HEADER, self._cells())
        notes = self.notes
        return text + ("\n\n" + "\n".join(notes) if notes else "")

    def __repr__(self):
        return f"<BackwardTrace: {len(self.rows)} rows>"

    def _repr_html_(self):
        return html_table(self._HEADER, self._cells(), caption="backward, step by step",
                          footer=self.notes)


def _local_text(step):
    if step.local_kind == "vjp":
        return "VJP"
    text = fmt_value(step.local)
    return "J=" + text if step.local_kind == "jacobian" else text


# ------------------------------------------------------------- entry point
def trace_backward(outputs, gradient=None, retain_graph=None, inputs=None, params=None):
    """Run ``backward`` on ``outputs`` (accumulating into ``.grad`` as
    ``Tensor.backward`` does) and return a `BackwardTrace` of what each node
    did.

    ``params`` names tensors in the table: an ``nn.Module`` (its
    ``named_parameters()``) or a dict name -> Tensor; a non-leaf tensor in
    the dict names the node that produced it.  Tensors created with
    ``name=`` show that name."""
    from .graph import observe_backward
    outs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    for i, t in enumerate(outs):
        if not isinstance(t, Tensor):
            raise TypeError(f"trace_backward: output {i} is a {type(t).__name__}, not a "
                            "Tensor")
    names = _Names(params, outs)
    recorder = _Recorder(names, outs)
    with observe_backward(recorder):
        _backward(outs, gradient, retain_graph=retain_graph, inputs=inputs)
    return BackwardTrace(recorder.rows(outs, gradient, inputs))


class _Names:
    """Readable labels for nodes and leaves."""

    def __init__(self, params, outputs):
        if params is not None and hasattr(params, "named_parameters"):
            params = dict(params.named_parameters())
        elif params is not None and not isinstance(params, dict):
            raise TypeError("trace_backward: params must be a Module or a dict name -> "
                            f"Tensor, got {type(params).__name__}")
        self._leaf = {}
        self._node = {}
        for t in outputs:
            if t.name and t.grad_fn is not None:
                self._node[t.grad_fn] = t.name
        for name, t in (params or {}).items():
            if not isinstance(t, Tensor):
                raise TypeError(f"trace_backward: params[{name!r}] is a {type(t).__name__}, "
                                "not a Tensor")
            if t.grad_fn is not None:
                self._node[t.grad_fn] = name
            else:
                self._leaf[id(t)] = name

    def node(self, node):
        name = self._node.get(node)
        if name:
            return name
        shape = getattr(node, "output_shape", None) or ()
        label = f"{type(node).__name__} {fmt_shape(shape)}"
        scope = getattr(node, "scope", None)
        path = getattr(scope, "path", "") if scope is not None else ""
        return f"{path}: {label}" if path else label

    def leaf(self, t):
        return self._leaf.get(id(t)) or t.name or f"tensor {fmt_shape(t.shape)}"


class _Recorder:
    """The `observe_backward` callback: one raw record per node, and which
    row delivered gradient to which node or leaf."""

    def __init__(self, names, outputs):
        self.names = names
        self.records = []          # (node, upstream, [(input label, local, kind, grad, key)])
        self.delivered = {}        # key -> [row, ...]
        self.leaves = {}           # key -> leaf tensor, in order of first delivery
        self.pieces = {}           # key -> [gradient array, ...]
        self.row_of = {}           # node -> row

    def _key(self, target):
        if isinstance(target, Function):
            return target
        leaf = target.variable
        self.leaves.setdefault(id(leaf), leaf)
        return id(leaf)

    def __call__(self, node, grad_outputs, grad_inputs):
        row = len(self.records) + 1
        self.row_of[node] = row
        upstream = _array(grad_outputs[0])
        locals_ = _local_derivatives(node, upstream, grad_inputs)
        steps = []
        for (target, _), g, (local, kind) in zip(node.next_functions, grad_inputs, locals_):
            if target is None:
                continue
            key = self._key(target)
            label = (self.names.node(target) if isinstance(target, Function)
                     else self.names.leaf(target.variable))
            ga = None if g is None else _array(g)
            steps.append((label, local, kind, ga, key if g is not None else None))
            if g is not None:
                self.delivered.setdefault(key, []).append(row)
                if not isinstance(key, Function):
                    self.pieces.setdefault(key, []).append(ga)
        self.records.append((node, upstream, steps))

    def rows(self, outputs, gradient, inputs):
        roots = {t.grad_fn for t in outputs if t.grad_fn is not None}
        leaf_rows = self._leaf_rows(outputs, gradient, inputs)
        row_of = dict(self.row_of)
        row_of.update({key: r.index for key, r in leaf_rows})
        rows = []
        for k, (node, upstream, steps) in enumerate(self.records):
            rows.append(TraceRow(
                k + 1, "node", type(node).__name__, self.names.node(node), upstream,
                tuple(self.delivered.get(node, ())), node in roots,
                tuple(Step(label, local, kind, g, row_of.get(key) if key is not None else None)
                      for label, local, kind, g, key in steps), node))
        return rows + [r for _, r in leaf_rows]

    def _leaf_rows(self, outputs, gradient, inputs):
        """Leaves, in order of first delivery: the sum of their pieces.
        With ``inputs=``, only the listed leaves (the others get no .grad)."""
        wanted = None if inputs is None else {
            id(t) for t in ((inputs,) if isinstance(inputs, Tensor) else inputs)}
        seeds = _leaf_seeds(outputs, gradient)
        for key, (leaf, _) in seeds.items():
            self.leaves.setdefault(key, leaf)
        out = []
        n = len(self.records)
        for key, leaf in self.leaves.items():
            if wanted is not None and key not in wanted:
                continue
            pieces = list(self.pieces.get(key, ())) + ([seeds[key][1]] if key in seeds else [])
            total = pieces[0].copy()
            for p in pieces[1:]:
                total = total + p
            n += 1
            out.append((key, TraceRow(n, "leaf", "AccumulateGrad", self.names.leaf(leaf),
                                      total, tuple(self.delivered.get(key, ())),
                                      key in seeds, (), leaf)))
        return out


def _leaf_seeds(outputs, gradient):
    """Outputs that are leaves themselves get the seed directly:
    id -> (leaf, seed array)."""
    grads = (gradient,) if gradient is None or isinstance(gradient, (Tensor, np.ndarray)) \
        else tuple(gradient)
    if len(grads) == 1 and len(outputs) > 1:
        grads = grads * len(outputs)
    seeds = {}
    for t, g in zip(outputs, grads):
        if t.grad_fn is None and t.requires_grad:
            seeds[id(t)] = (t, np.ones(t.shape, t.dtype) if g is None else _array(g))
    return seeds


def _array(g):
    """A private copy: the engine may later add into the same buffer."""
    if isinstance(g, Tensor):
        return np.array(g._data, copy=True)
    return np.array(g, copy=True)


# -------------------------------------------------------- local derivative
def _local_derivatives(node, upstream, grad_inputs):
    """Per input: (local derivative, kind).  Computed with the node's own
    backward while its saved tensors still exist, so it is exact:

    * elementwise ops (output and input of one shape): backward of a ones
      gradient is d out_k / d in_k;
    * small ops: backward of each basis vector e_k is row k of the Jacobian;
    * anything else: "vjp" (the gradient is the vector-Jacobian product;
      no Jacobian is ever formed)."""
    n = len(grad_inputs)
    shape = upstream.shape
    shapes = [None if g is None else tuple(g.shape) for g in grad_inputs]
    try:
        if _is_elementwise(node) and all(s in (None, shape) for s in shapes):
            ones = np.ones(shape, upstream.dtype)
            return [(None, "vjp") if r is None else (r, "elementwise")
                    for r in _call_backward(node, ones, n)]
        if _small(shape, shapes):
            return _jacobian(node, upstream, shapes)
    except Exception:  # noqa: BLE001, S110 -- a backward that cannot be replayed: VJP only
        pass
    return [(None, "vjp")] * n


def _is_elementwise(node):
    from .ops.elementwise import _Elementwise
    return isinstance(node, _Elementwise)


def _small(shape, shapes):
    size = int(np.prod(shape))
    return size <= _JACOBIAN_MAX_OUT and all(
        s is None or size * int(np.prod(s)) <= _JACOBIAN_MAX_ENTRIES for s in shapes)


def _jacobian(node, upstream, shapes):
    size = upstream.size
    rows = [[] for _ in shapes]
    for k in range(size):
        e = np.zeros(upstream.shape, upstream.dtype)
        e.flat[k] = 1
        for i, r in enumerate(_call_backward(node, e, len(shapes))):
            rows[i].append(None if r is None else np.ravel(r))
    out = []
    for i, s in enumerate(shapes):
        if s is None or any(r is None for r in rows[i]):
            out.append((None, "vjp"))
        elif size == 1:
            out.append((rows[i][0].reshape(s), "jacobian"))
        else:
            out.append((np.stack(rows[i]), "jacobian"))
    return out


def _call_backward(node, g, n):
    with no_grad():
        res = type(node).backward(node, Tensor(g))
    if not isinstance(res, tuple):
        res = (res,)
    if len(res) != n:
        raise ValueError("backward returned the wrong number of gradients")
    return [None if r is None else np.asarray(_array(r)) for r in res]

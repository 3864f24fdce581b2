"""`check_graph`: find the op whose backward is wrong.

`gradcheck` tells you *that* a function's gradient is wrong; in a model of
a hundred ops it does not tell you *where*.  `check_graph` checks every node
of a recorded graph on its own: the node's vector-Jacobian product (what
its ``backward`` computes) against central differences of the node's own
``forward``, replayed in float64 on the very inputs it saw.  A wrong
backward anywhere is then named -- op, shapes, the user's source line --
instead of smeared over the loss.

Per node, with a seeded random upstream vector ``v`` of the output's shape:

* analytic: the node's class is applied again to fresh float64 leaves and
  ``autograd.grad(out, leaves, v)`` gives ``J^T v`` through the node's real
  backward (the same code path training uses);
* numeric: for an input element ``x_j``,
  ``<v, f(x + eps e_j) - f(x - eps e_j)> / (2 eps)``.  Inputs with at most
  ``max_elements`` elements are checked element by element; larger ones on
  a seeded random sample of ``sample`` elements plus ``directions`` random
  directions ``u`` (``<J^T v, u>`` against the central difference along
  ``u``), which catches an error in any element.

At a kink (relu/abs at 0, clamp at a bound, ties in max/min) the central
difference is the average of the two one-sided ones and need not equal the
subgradient the op chose.  There, an analytic value between the left and the
right difference is accepted and reported as a subgradient -- never a false
failure.  Nodes that cannot be checked honestly (forward not deterministic
under replay, an input modified in place since recording, integer output,
an op that casts away float64) are listed as skipped, with the reason.
"""
import html
from dataclasses import dataclass, field

import numpy as np

from ._table import fmt_number, fmt_shape, html_table, text_table
from .engine import grad as _grad
from .function import Function
from .grad_mode import enable_grad, no_grad
from .gradcheck import GradcheckError
from .tensor import Tensor

_WORST = 5                       # elements shown per failing node
_RECORD_HINT = ("record the graph with its inputs: run the forward pass inside "
                "`with autograd.graph.record_inputs():`, or pass the function itself: "
                "`autograd.check_graph(fn, *args)`")


# ------------------------------------------------------------------ report
@dataclass(frozen=True)
class ElementError:
    """One checked quantity that disagrees: d<v, out>/d input[index] (or
    along a random direction, ``index`` = ``"direction k"``)."""
    input: int
    index: object
    analytic: float
    numeric: float
    error: float


@dataclass
class NodeFailure:
    """A node whose backward disagrees with its forward."""
    node: object
    op: str
    output_shape: tuple
    input_shapes: tuple
    site: str
    worst: list
    tolerance: str
    method: str
    message: str = ""


@dataclass(frozen=True)
class SkippedNode:
    node: object
    op: str
    reason: str


@dataclass(frozen=True)
class Subgradient:
    """A kink where the analytic value lies between the one-sided differences."""
    node: object
    op: str
    input: int
    index: object
    analytic: float
    left: float
    right: float


@dataclass
class GraphCheckReport:
    """What `check_graph` found.  Truthy when no node failed.  ``failures``
    are in backward order, so ``failures[0]`` is the failing node closest to
    the loss."""
    checked: int
    failures: list
    skipped: list
    subgradients: list
    settings: dict
    outputs: tuple = field(repr=False, default=())

    @property
    def ok(self):
        return not self.failures

    def __bool__(self):
        return self.ok

    @property
    def first_failure(self):
        return self.failures[0] if self.failures else None

    def draw(self, **options):
        """The graph picture with the failing nodes highlighted
        (`autograd.viz.draw_graph`; needs the optional graphviz package)."""
        from . import viz
        return viz.draw_graph(list(self.outputs), highlight=[f.node for f in self.failures],
                              **options)

    def __str__(self):
        return "\n".join(self._lines())

    def _summary(self):
        s = self.settings
        verdict = "OK" if self.ok else f"{len(self.failures)} node(s) FAILED"
        return (f"check_graph: {verdict} -- {self.checked} node(s) checked, "
                f"{len(self.skipped)} skipped, {len(self.subgradients)} kink(s) accepted "
                f"as subgradients (float64, eps={s['eps']:g}, atol={s['atol']:g}, "
                f"rtol={s['rtol']:g}, seed={s['seed']})")

    def _lines(self):
        lines = [self._summary()]
        for k, f in enumerate(self.failures):
            tag = "FIRST failing node (closest to the loss)" if k == 0 else "also failing"
            lines.append("")
            lines.append(f"{tag}: {f.op}  output {fmt_shape(f.output_shape)}  inputs "
                         + ", ".join(fmt_shape(s) for s in f.input_shapes))
            lines.append(f"  created at: {f.site.strip()}")
            if f.message:
                lines.append(f"  {f.message}")
            lines.append(f"  checked: {f.method}; tolerance: {f.tolerance}")
            if f.worst:
                body = text_table(*_worst_table(f.worst))
                lines.extend("  " + ln for ln in body.split("\n"))
        if self.subgradients:
            lines.append("")
            lines.append("at a kink: accepted subgradient (analytic between the one-sided "
                         "differences):")
            for s in self.subgradients[:_WORST]:
                lines.append(f"  {s.op} input {s.input} {_index(s.index)}: analytic "
                             f"{fmt_number(s.analytic)} in [{fmt_number(min(s.left, s.right))}, "
                             f"{fmt_number(max(s.left, s.right))}]")
            if len(self.subgradients) > _WORST:
                lines.append(f"  ... and {len(self.subgradients) - _WORST} more")
        if self.skipped:
            lines.append("")
            lines.append("skipped:")
            for s in self.skipped:
                lines.append(f"  {s.op}: {s.reason}")
        return lines

    def _repr_html_(self):
        summary = html.escape(self._summary())
        parts = [f"<div style=\"font-family: monospace\"><b>{summary}</b></div>"]
        for k, f in enumerate(self.failures):
            tag = "first failing node" if k == 0 else "also failing"
            caption = (f"{tag}: {f.op}, output {fmt_shape(f.output_shape)}, created at "
                       f"{f.site.strip()} ({f.method}; tolerance {f.tolerance})"
                       + (f" -- {f.message}" if f.message else ""))
            parts.append(html_table(*_worst_table(f.worst), caption=caption))
        footer = [f"accepted subgradient at a kink: {s.op} input {s.input} {_index(s.index)}"
                  for s in self.subgradients[:_WORST]]
        footer += [f"skipped {s.op}: {s.reason}" for s in self.skipped]
        parts.extend(f"<div style=\"font-family: monospace\">{html.escape(t)}</div>"
                     for t in footer)
        return "\n".join(parts)


def _index(index):
    return index if isinstance(index, str) else f"[{', '.join(str(i) for i in index)}]"


def _worst_table(worst):
    header = ("input", "element", "analytic", "numeric", "error")
    rows = [(str(e.input), _index(e.index), fmt_number(e.analytic, 6),
             fmt_number(e.numeric, 6), fmt_number(e.error, 3)) for e in worst]
    return header, rows


# -------------------------------------------------------------- entry point
def check_graph(loss_or_fn, *args, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0,
                max_elements=256, sample=64, directions=3, raise_on_failure=False):
    """Check every node's backward against its own forward, in float64.

    ``check_graph(fn, *args)`` runs ``fn(*args)`` under
    ``autograd.graph.record_inputs()`` and checks the graph of its result;
    ``check_graph(loss)`` checks a graph already recorded that way.
    Returns a `GraphCheckReport`; with ``raise_on_failure=True`` a failure
    raises `GradcheckError` carrying the report text."""
    outputs = _outputs(loss_or_fn, args)
    nodes = backward_order(outputs)
    if not nodes:
        raise RuntimeError("check_graph: the output has no recorded graph (no op that "
                           "requires grad produced it)")
    if all(getattr(n, "recorded_inputs", None) is None for n in nodes):
        raise RuntimeError("check_graph: this graph was recorded without its inputs, so its "
                           "ops cannot be replayed; " + _RECORD_HINT)
    settings = {"eps": eps, "atol": atol, "rtol": rtol, "seed": seed,
                "max_elements": max_elements, "sample": sample, "directions": directions}
    report = GraphCheckReport(0, [], [], [], settings, outputs)
    for k, node in enumerate(nodes):
        _check_node(node, np.random.default_rng([seed, k]), settings, report)
    if raise_on_failure and not report.ok:
        raise GradcheckError(report)
    return report


def _outputs(target, args):
    """The tensors whose graph is checked: ``target`` itself, or what the
    callable returns when run under ``record_inputs()``."""
    if isinstance(target, Tensor):
        if args:
            raise TypeError("check_graph: extra arguments are only for the callable form "
                            "check_graph(fn, *args); got a Tensor and "
                            f"{len(args)} more argument(s)")
        outs = (target,)
    elif callable(target):
        from .graph import record_inputs
        with enable_grad(), record_inputs():
            result = target(*args)
        outs = result if isinstance(result, (tuple, list)) else (result,)
        bad = [type(o).__name__ for o in outs if not isinstance(o, Tensor)]
        if bad or not outs:
            raise TypeError("check_graph: the function must return a Tensor (or a tuple of "
                            f"Tensors), got {type(result).__name__}"
                            + (f" holding {', '.join(bad)}" if bad and outs is result else ""))
    else:
        raise TypeError("check_graph: expected a Tensor (a loss whose graph was recorded "
                        "under autograd.graph.record_inputs()) or a callable returning one, "
                        f"got {type(target).__name__}")
    for i, t in enumerate(outs):
        if t.grad_fn is None:
            raise RuntimeError(f"check_graph: output {i} (shape {fmt_shape(t.shape)}) has no "
                               "graph: it does not require grad (nothing it was computed from "
                               "requires grad, or it was computed under no_grad())")
    return tuple(outs)


def backward_order(outputs):
    """Every node reachable from ``outputs``, in the order backward visits
    them (the engine's Kahn order: a node runs once all its consumers ran)."""
    roots = []
    for t in outputs:
        if t.grad_fn is not None and t.grad_fn not in roots:
            roots.append(t.grad_fn)
    deps = {r: 0 for r in roots}
    stack = list(roots)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if isinstance(nxt, Function):
                if nxt in deps:
                    deps[nxt] += 1
                else:
                    deps[nxt] = 1
                    stack.append(nxt)
    order = []
    ready = [r for r in roots if deps[r] == 0]
    while ready:
        node = ready.pop()
        order.append(node)
        for nxt, _ in node.next_functions:
            if isinstance(nxt, Function):
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    ready.append(nxt)
    return order


# ------------------------------------------------------------- one node
class _Skip(Exception):
    """This node cannot be checked honestly; the message says why."""


def _check_node(node, rng, settings, report):
    op = type(node).__name__
    try:
        case = _Case.prepare(node)
    except _Skip as why:
        report.skipped.append(SkippedNode(node, op, str(why)))
        return
    report.checked += 1
    v = rng.standard_normal(case.out.shape)
    try:
        analytic = case.vjp(v)
    except Exception as e:  # noqa: BLE001 -- the node's backward itself is broken: the finding
        report.failures.append(_failure(node, case, [], settings, "element by element",
                                        f"backward raised {type(e).__name__}: {e}"))
        return
    bad, method, subgradients = _compare(case, v, analytic, rng, settings)
    for s in subgradients:
        report.subgradients.append(Subgradient(node, op, *s))
    if bad:
        bad.sort(key=lambda e: -e.error)
        report.failures.append(_failure(node, case, bad[:_WORST], settings, method))


def _failure(node, case, worst, settings, method, message=""):
    from .function import creation_site
    tol = f"|analytic - numeric| <= {settings['atol']:g} + {settings['rtol']:g}*|numeric| " \
          "+ rounding bound"
    return NodeFailure(node, type(node).__name__, tuple(case.out.shape),
                       tuple(case.arrays[i].shape for i in case.tensors),
                       creation_site(node), worst, tol, method, message)


class _Case:
    """A node ready to replay: its arguments in float64 and which of them
    are differentiated."""

    def __init__(self, node, arrays, tensors, diff):
        self.node = node
        self.arrays = arrays      # forward arguments: float64 arrays, other tensors, constants
        self.tensors = tensors    # positions of the float arguments that were Tensors
        self.diff = diff          # positions of the differentiated arguments
        self.out = None           # forward output on the unperturbed arguments

    @classmethod
    def prepare(cls, node):
        recorded = getattr(node, "recorded_inputs", None)
        if recorded is None:
            raise _Skip("recorded outside autograd.graph.record_inputs(): its inputs were "
                        "not kept")
        _check_versions(node, recorded)
        dtype = getattr(node, "output_dtype", None)
        if dtype is not None and np.dtype(dtype).kind != "f":
            raise _Skip(f"output dtype {np.dtype(dtype)} is not floating point "
                        "(not differentiable)")
        edges = [e for e, _ in node.next_functions]
        arrays, tensors, diff = [], [], []
        for i, a in enumerate(recorded):
            if isinstance(a, Tensor) and a.dtype.kind == "f":
                arrays.append(np.array(a._data, dtype=np.float64))
                tensors.append(i)
                if i < len(edges) and edges[i] is not None:
                    diff.append(i)
            else:
                arrays.append(a)
        if not diff:
            raise _Skip("no floating-point input requires grad")
        case = cls(node, arrays, tensors, diff)
        case.out = case.forward(arrays)
        _check_replay(node, case)
        return case

    def _call(self, arrays, grad_leaves=None):
        args = list(arrays)
        for i in self.tensors:
            args[i] = Tensor(arrays[i])
        if grad_leaves is not None:
            for i, leaf in zip(self.diff, grad_leaves):
                args[i] = leaf
        return type(self.node).apply(*args)

    def forward(self, arrays):
        """The node's forward on ``arrays`` (no graph)."""
        try:
            with no_grad():
                out = self._call(arrays)
        except Exception as e:  # noqa: BLE001 -- any error in a user's forward means "skip"
            raise _Skip(f"replaying its forward in float64 raised {type(e).__name__}: {e}")
        return np.asarray(out._data)

    def perturbed(self, i, delta):
        """Forward with ``delta`` added to argument ``i``."""
        arrays = list(self.arrays)
        arrays[i] = self.arrays[i] + delta
        with no_grad():
            return np.asarray(self._call(arrays)._data)

    def vjp(self, v):
        """``J^T v`` for every differentiated argument, through the node's
        own backward (float64 replay on fresh leaves)."""
        leaves = [Tensor(self.arrays[i], requires_grad=True) for i in self.diff]
        with enable_grad():
            out = self._call(self.arrays, leaves)
            if out.grad_fn is None:
                return [np.zeros_like(self.arrays[i]) for i in self.diff]
            grads = _grad(out, leaves, Tensor(v), allow_unused=True)
        return [np.zeros_like(self.arrays[i]) if g is None
                else np.asarray(g._data, dtype=np.float64) for i, g in
                zip(self.diff, grads)]


def _check_versions(node, recorded):
    versions = getattr(node, "recorded_versions", None) or (None,) * len(recorded)
    for i, (a, ver) in enumerate(zip(recorded, versions)):
        if isinstance(a, Tensor) and ver is not None and a._vc[0] != ver:
            raise _Skip(f"input {i} (shape {fmt_shape(a.shape)}) was modified in place after "
                        f"the graph was recorded (version {ver} -> {a._vc[0]})")


def _check_replay(node, case):
    out = case.out
    if out.dtype.kind != "f":
        raise _Skip(f"output dtype {out.dtype} is not floating point (not differentiable)")
    if out.dtype != np.float64:
        raise _Skip(f"its forward gives {out.dtype}, not float64, on float64 inputs (the op "
                    "casts), so a float64 check would not be meaningful")
    shape = getattr(node, "output_shape", None)
    if shape is not None and tuple(shape) != out.shape:
        raise _Skip(f"replay gave shape {fmt_shape(out.shape)}, recorded "
                    f"{fmt_shape(shape)}")
    again = case.forward(case.arrays)
    if not np.array_equal(out, again, equal_nan=True):
        raise _Skip("its forward is not deterministic under replay (two runs on the same "
                    "input differ), e.g. a random op that does not record its mask")


# --------------------------------------------------------------- numerics
def _compare(case, v, analytic, rng, s):
    """Check ``analytic`` (one array per differentiated input) element by
    element, or on a sample plus random directions for large inputs.
    Returns (bad elements, method text, accepted subgradients)."""
    eps = s["eps"]
    base_dot = float(np.vdot(v, case.out))
    rounding = 8 * np.finfo(np.float64).eps * float(np.abs(v * case.out).sum()) / eps
    bad, subgradients, sampled = [], [], False
    for k, i in enumerate(case.diff):
        x = case.arrays[i]
        if x.size <= s["max_elements"]:
            idx = range(x.size)
        else:
            sampled = True
            idx = rng.choice(x.size, size=min(s["sample"], x.size), replace=False)
        for j in idx:
            delta = np.zeros_like(x)
            delta.flat[j] = eps
            a = float(analytic[k].flat[j])
            verdict = _judge(case, i, delta, a, v, base_dot, rounding, s)
            where = tuple(int(n) for n in np.unravel_index(j, x.shape))
            if verdict is not None:
                _record(verdict, i, where, a, bad, subgradients)
    method = "every element"
    if sampled:
        for d in range(s["directions"]):
            us = [rng.standard_normal(case.arrays[i].shape) for i in case.diff]
            a = float(sum(np.vdot(g, u) for g, u in zip(analytic, us)))
            verdict = _judge_direction(case, us, a, v, base_dot, rounding, s)
            if verdict is not None:
                _record(verdict, "all", f"direction {d}", a, bad, subgradients)
        method = (f"every element of inputs up to {s['max_elements']} elements; larger ones "
                  f"on {s['sample']} sampled elements and {s['directions']} random directions")
    return bad, method, subgradients


def _record(verdict, k, where, a, bad, subgradients):
    kind, numeric, extra = verdict
    if kind == "fail":
        bad.append(ElementError(k, where, a, numeric, extra))
    else:
        left, right = extra
        subgradients.append((k, where, a, left, right))


def _judge(case, i, delta, a, v, base_dot, rounding, s):
    plus = float(np.vdot(v, case.perturbed(i, delta)))
    minus = float(np.vdot(v, case.perturbed(i, -delta)))
    return _verdict(a, plus, minus, base_dot, rounding, s)


def _judge_direction(case, us, a, v, base_dot, rounding, s):
    eps = s["eps"]

    def at(sign):
        arrays = list(case.arrays)
        for i, u in zip(case.diff, us):
            arrays[i] = case.arrays[i] + sign * eps * u
        with no_grad():
            return float(np.vdot(v, np.asarray(case._call(arrays)._data)))
    return _verdict(a, at(1), at(-1), base_dot, rounding, s)


def _verdict(a, plus, minus, base, rounding, s):
    """None when ``a`` matches the central difference; ("subgradient", n,
    (left, right)) at a kink that ``a`` respects; else ("fail", n, error)."""
    eps, atol, rtol = s["eps"], s["atol"], s["rtol"]
    numeric = (plus - minus) / (2 * eps)
    tol = atol + rtol * abs(numeric) + rounding
    err = abs(a - numeric)
    if err <= tol:
        return None
    right, left = (plus - base) / eps, (base - minus) / eps
    lo, hi = min(left, right), max(left, right)
    one_sided_tol = atol + rtol * max(abs(left), abs(right)) + 2 * rounding
    if hi - lo > one_sided_tol and lo - one_sided_tol <= a <= hi + one_sided_tol:
        return "subgradient", numeric, (left, right)
    return "fail", numeric, err

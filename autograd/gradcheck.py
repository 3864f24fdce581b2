"""Finite-difference gradient checks: `gradcheck` and `gradgradcheck`.

A backward formula is easy to get subtly wrong and hard to test by reading.
These checks compare it with the one thing that cannot be wrong in the same
way: the function itself, nudged.  For every differentiated input element
``x`` the *numeric* derivative is the central difference

    (f(x + eps) - f(x - eps)) / (2 * eps)

(error O(eps^2)), and the *analytic* one is what the engine's backward
returns.  Both are full Jacobians, one block per (output, input) pair, and
they must agree elementwise within ``|analytic - numeric| <= atol + rtol *
|numeric|`` (PyTorch's rule).

The report is the point of the module: people run these checks while
writing their first backward, so a failure names the exact Jacobian entries
that are wrong, their values, and -- where the pattern gives it away -- the
likely mistake (a factor of 2, a flipped sign, a detached input, a kink).
"""
import warnings
from dataclasses import dataclass, field

import numpy as np

from .engine import grad as _grad
from .grad_mode import enable_grad, no_grad
from .tensor import Tensor

_MAX_WORST = 5          # rows shown per failing (output, input) pair
_KINK_STEPS = 10        # "near a kink" means within this many eps


class GradcheckError(RuntimeError):
    """Raised when analytic and numeric gradients disagree.  ``str(error)``
    is the full report; ``error.report`` is the `GradcheckReport` behind it
    (for code that wants the numbers rather than the text)."""

    def __init__(self, report):
        super().__init__(str(report))
        self.report = report


# ------------------------------------------------------------------ report
@dataclass
class ElementMismatch:
    """One wrong Jacobian entry: d output[output_index] / d input[input_index]."""
    input_index: tuple
    output_index: tuple
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float


@dataclass
class PairMismatch:
    """Everything wrong in the Jacobian block of one (output, input) pair."""
    output: int
    input: int
    output_name: str
    input_name: str
    output_shape: tuple
    input_shape: tuple
    mismatched: int
    total: int
    worst: list
    hints: list


@dataclass
class GradcheckReport:
    """A failed check: the settings, one `PairMismatch` per failing pair and
    notes that concern the whole check.  ``str()`` gives the text shown to
    the user."""
    check: str
    eps: float
    atol: float
    rtol: float
    pairs: list
    notes: list = field(default_factory=list)
    intro: str = ""

    def __str__(self):
        return _render(self)


# -------------------------------------------------------------- public API
def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check ``fn``'s analytic gradients against central finite differences.

    ``fn(*inputs)`` must return a Tensor or a tuple of Tensors.  Only inputs
    that are Tensors with ``requires_grad=True`` are differentiated; other
    arguments (numbers, flags, integer index tensors) pass through.  Use
    float64 inputs: at eps=1e-6, float32 rounding swamps the difference.

    Returns True when every Jacobian entry matches.  Otherwise raises
    `GradcheckError` whose message is a report of what is wrong, or, with
    ``raise_exception=False``, returns False.  Either way the report text of
    the last call is kept in ``gradcheck.last_report`` (None after a pass).
    """
    gradcheck.last_report = None       # never leave a stale report behind an error
    inputs = _as_inputs(inputs)
    diff = _differentiated(inputs, "gradcheck")
    report = _check(fn, inputs, diff, eps, atol, rtol, "gradcheck", _names(inputs))
    return _conclude(gradcheck, report, raise_exception)


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True):
    """Check second derivatives: that the backward of ``fn`` is itself
    differentiated correctly (what Hessian-vector products, gradient
    penalties and double backward rely on).

    The gradient ``g = grad(fn(*inputs), inputs, grad_outputs,
    create_graph=True)`` is a function of the inputs *and* of
    ``grad_outputs``; `gradcheck`'s checker is run on that function.  When
    ``grad_outputs`` is None, random float64 ones (fixed seed) are made with
    ``requires_grad=True``, so backward's dependence on the incoming gradient
    is checked too; given ``grad_outputs`` are differentiated only where they
    require grad.  Results and the report work as in `gradcheck`
    (``gradgradcheck.last_report``).
    """
    gradgradcheck.last_report = None
    inputs = _as_inputs(inputs)
    diff = _differentiated(inputs, "gradgradcheck")
    with enable_grad():
        outputs = _call(fn, inputs, "gradgradcheck")
    grad_outputs = _grad_outputs_for(outputs, grad_outputs)
    first = _first_derivative(fn, len(inputs), diff)
    extended = inputs + grad_outputs
    diff2 = diff + [len(inputs) + k for k, g in enumerate(grad_outputs)
                    if isinstance(g, Tensor) and g.requires_grad]
    names = _names(inputs) + [f"grad_output {k}" for k in range(len(grad_outputs))]
    out_names = [f"grad of input {i}" for i in diff]
    report = _check(first, extended, diff2, eps, atol, rtol, "gradgradcheck", names,
                    out_names)
    return _conclude(gradgradcheck, report, raise_exception)


gradcheck.last_report = None
gradgradcheck.last_report = None


def _conclude(public_fn, report, raise_exception):
    """One place decides what a result means for the caller: the report is
    always remembered; a failure raises unless asked not to."""
    public_fn.last_report = None if report is None else str(report)
    if report is None:
        return True
    if raise_exception:
        raise GradcheckError(report)
    return False


# ------------------------------------------------------------ input checks
def _as_inputs(inputs):
    """Accept one Tensor or any sequence of arguments."""
    if isinstance(inputs, Tensor):
        return (inputs,)
    return tuple(inputs)


def _differentiated(inputs, check):
    """Indices of the inputs to differentiate.  Refuses what cannot be
    checked and warns when the answer would be meaningless (float32)."""
    diff = []
    for i, t in enumerate(inputs):
        if not (isinstance(t, Tensor) and t.requires_grad):
            continue
        if t.dtype.kind != "f":
            raise ValueError(
                f"{check}: input {i} requires grad but has dtype {t.dtype}; only real "
                "floating-point inputs can be differentiated (use float64).")
        if t.dtype != np.float64:
            warnings.warn(
                f"{check}: input {i} has dtype {t.dtype}, not float64. Finite differences "
                f"in {t.dtype} with eps=1e-6 are meaningless (rounding error is larger "
                "than the change being measured), so the check may fail or pass for the "
                "wrong reason. Create inputs as float64, e.g. autograd.tensor("
                "np.random.default_rng(0).standard_normal(shape), requires_grad=True).",
                UserWarning, stacklevel=3)
        diff.append(i)
    if not diff:
        raise ValueError(
            f"{check}: none of the {len(inputs)} inputs is a Tensor with "
            "requires_grad=True, so there is nothing to check. Pass e.g. "
            "autograd.tensor(float64_array, requires_grad=True).")
    return diff


def _names(inputs):
    return [f"input {i}" for i in range(len(inputs))]


# ------------------------------------------------------------- evaluation
def _call(fn, args, check):
    """``fn(*args)`` as a tuple of Tensors, with a clear error otherwise."""
    out = fn(*args)
    outs = (out,) if isinstance(out, Tensor) else out
    if not isinstance(outs, (tuple, list)):
        raise TypeError(f"{check}: fn must return a Tensor or a tuple of Tensors, got "
                        f"{type(out).__name__}")
    for k, o in enumerate(outs):
        if not isinstance(o, Tensor):
            raise TypeError(f"{check}: output {k} of fn is a {type(o).__name__}, not a "
                            "Tensor")
    return tuple(outs)


def _checked(output):
    """Only floating outputs have derivatives (argmax, masks... are skipped)."""
    return output.dtype.kind == "f"


def _analytic(fn, inputs, diff, check):
    """The Jacobians backward implies: one ``grad`` call per output element
    with a one-hot ``grad_outputs`` gives one row of every block at once.
    Unused inputs, and outputs the graph never reached, give zero blocks --
    the numeric side then shows whether that is right."""
    with enable_grad():
        outputs = _call(fn, inputs, check)
    targets = [inputs[i] for i in diff]
    jac = [[np.zeros((o.numel(), inputs[i].numel())) for i in diff] for o in outputs]
    for k, out in enumerate(outputs):
        if not (_checked(out) and out.requires_grad):
            continue
        for row in range(out.numel()):
            onehot = np.zeros(out.shape, dtype=out.dtype)
            onehot.reshape(-1)[row] = 1
            grads = _grad(out, targets, grad_outputs=Tensor(onehot), retain_graph=True,
                          allow_unused=True)
            for j, g in enumerate(grads):
                if g is not None:
                    jac[k][j][row] = np.asarray(g._data, dtype=np.float64).reshape(-1)
    return outputs, jac


def _numeric(fn, inputs, diff, outputs, eps, check):
    """Central differences, one input element at a time.  The perturbation
    is applied to private copies of the inputs' arrays (the caller's tensors
    are never touched) and ``fn`` runs under no_grad.  The step divided by is
    the one actually taken, ``(x+eps) - (x-eps)`` after rounding to the
    input's dtype, so the quotient is exact about what was evaluated."""
    work, arrays = _private_copies(inputs, diff)
    jac = [[np.zeros((o.numel(), inputs[i].numel())) for i in diff] for o in outputs]
    for j, flat in enumerate(arrays):
        for e in range(flat.size):
            original = flat[e]
            flat[e] = original + eps
            up, plus = flat[e], _evaluate(fn, work, outputs, check)
            flat[e] = original - eps
            down, minus = flat[e], _evaluate(fn, work, outputs, check)
            flat[e] = original
            step = float(up) - float(down)
            with np.errstate(divide="ignore", invalid="ignore"):
                for k, (p, m) in enumerate(zip(plus, minus)):
                    jac[k][j][:, e] = (p - m) / step
    return jac


def _private_copies(inputs, diff):
    """Inputs with each differentiated tensor replaced by a fresh leaf that
    owns a copy of its data (and still requires grad, for functions that
    differentiate internally, like gradgradcheck's), plus flat views of
    those copies to perturb."""
    work = list(inputs)
    arrays = []
    for i in diff:
        copy = Tensor(np.array(inputs[i]._data, copy=True))
        copy.requires_grad = True
        work[i] = copy
        arrays.append(copy._data.reshape(-1))
    return tuple(work), arrays


def _evaluate(fn, args, reference, check):
    """``fn(*args)`` under no_grad, as flat float64 copies (an output may be
    a view of the very array being perturbed)."""
    with no_grad():
        outs = _call(fn, args, check)
    if len(outs) != len(reference):
        raise RuntimeError(f"{check}: fn returned {len(outs)} outputs this time but "
                           f"{len(reference)} before; it must be deterministic")
    values = []
    for k, (o, ref) in enumerate(zip(outs, reference)):
        if o.shape != ref.shape:
            raise RuntimeError(f"{check}: output {k} has shape {o.shape} this time but "
                               f"{ref.shape} before; it must be deterministic")
        if _checked(ref):
            values.append(np.array(o._data, dtype=np.float64).reshape(-1))
        else:
            values.append(np.zeros(ref.numel()))
    return values


# ------------------------------------------------------------- comparison
def _check(fn, inputs, diff, eps, atol, rtol, check, names, out_names=None):
    """The shared checker: build both Jacobians, compare block by block, and
    return a `GradcheckReport` if anything disagrees (None if all agree)."""
    outputs, analytic = _analytic(fn, inputs, diff, check)
    numeric = _numeric(fn, inputs, diff, outputs, eps, check)
    differentiated = [(names[i], inputs[i]) for i in diff]
    pairs = []
    for k, out in enumerate(outputs):
        if not _checked(out):
            continue
        for j, i in enumerate(diff):
            block = _Block(analytic[k][j], numeric[k][j], k, i,
                           out_names[k] if out_names else f"output {k}", names[i],
                           tuple(out.shape), inputs[i], differentiated,
                           eps, atol, rtol, check)
            if block.bad.any():
                pairs.append(_describe(block))
    if not pairs:
        return None
    return GradcheckReport(check, eps, atol, rtol, pairs,
                           _global_notes(fn, inputs, diff, outputs, check),
                           _intro(check))


@dataclass
class _Block:
    """One Jacobian block, d(output k)/d(input i), with everything the report
    and the hint rules look at.  ``bad`` marks the entries that disagree
    (NaN/Inf always do)."""
    a: np.ndarray                 # analytic, shape (output numel, input numel)
    n: np.ndarray                 # numeric, same shape
    output: int
    input: int
    output_name: str
    input_name: str
    out_shape: tuple
    x: Tensor                     # the input's value (kinks and ties)
    differentiated: list          # (name, tensor) of every differentiated input
    eps: float
    atol: float
    rtol: float
    check: str

    def __post_init__(self):
        with np.errstate(invalid="ignore"):
            self.bad = ~(np.abs(self.a - self.n) <= self.atol + self.rtol * np.abs(self.n))
        self.rows, self.cols = np.nonzero(self.bad)


def _describe(b):
    """A failing block as the report shows it: counts, worst entries, hints."""
    return PairMismatch(b.output, b.input, b.output_name, b.input_name, b.out_shape,
                        tuple(b.x.shape), int(b.bad.sum()), int(b.a.size),
                        _worst(b.a, b.n, b.rows, b.cols, b.out_shape, b.x.shape),
                        _hints(b))


def _worst(a, n, rows, cols, out_shape, in_shape):
    """The up-to-five largest errors, NaN/Inf first (they are the worst)."""
    with np.errstate(invalid="ignore"):
        err = np.abs(a[rows, cols] - n[rows, cols])
    order = np.argsort(-np.nan_to_num(err, nan=np.inf), kind="stable")[:_MAX_WORST]
    result = []
    for t in order:
        r, c = rows[t], cols[t]
        av, nv, ev = float(a[r, c]), float(n[r, c]), float(err[t])
        result.append(ElementMismatch(_unravel(c, in_shape), _unravel(r, out_shape),
                                      av, nv, ev, _relative(ev, nv)))
    return result


def _relative(abs_error, numeric):
    if numeric == 0:
        return float("inf") if abs_error != 0 else 0.0
    return abs_error / abs(numeric)


def _unravel(flat, shape):
    return tuple(int(v) for v in np.unravel_index(int(flat), tuple(shape)))


def _index_str(name, index):
    return name if index == () else f"{name}[{', '.join(map(str, index))}]"


# ------------------------------------------------------------------ hints
def _hints(c):
    """Every rule that matches contributes one sentence, most specific
    first.  When every wrong entry sits on a kink the arithmetic patterns are
    artefacts of the kink, so they are not offered."""
    hints = _non_finite_hints(c)
    if _zero_block(c):
        return hints + [_zero_everywhere(c)]
    kink, all_kinks = _kink_hint(c)
    if kink:
        hints.append(kink)
    if not all_kinks:
        hints += _pattern_hints(c)
    return hints


def _non_finite_hints(c):
    hints = []
    for side, values, why in (
            ("analytic", c.a, "backward divides by zero, takes log/sqrt of a non-positive "
             "number, or overflows"),
            ("numeric", c.n, "the function itself is NaN/Inf at or within eps of the test "
             "point; move the test point into the function's domain")):
        where = ~np.isfinite(values)
        if where.any():
            r, col = np.argwhere(where)[0]
            first = (f"{_index_str('input', _unravel(col, c.x.shape))} -> "
                     f"{_index_str('output', _unravel(r, c.out_shape))}")
            count = int(where.sum())
            hints.append(f"the {side} Jacobian contains NaN/Inf in {count} "
                         f"entr{'y' if count == 1 else 'ies'} (first at {first}): {why}.")
    return hints


def _kink_hint(c):
    """Finite differences across a kink (relu/abs at 0) or a tie (max/min)
    average two one-sided slopes, so they disagree with any valid
    subgradient.  Returns (hint or None, whether every bad entry is one)."""
    values = np.asarray(c.x._data, dtype=np.float64).reshape(-1)
    radius = _KINK_STEPS * c.eps
    found = []
    for col in np.unique(c.cols):
        reason = _kink_reason(col, values, radius, c)
        if reason is not None:
            found.append((col, reason))
    if not found:
        return None, False
    shown = ", ".join(f"{_index_str('input', _unravel(col, c.x.shape))} "
                      f"(= {values[col]:.3g}, {reason})" for col, reason in found[:3])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    verb = "is" if len(found) == 1 else "are"
    hint = (f"{shown}{more} {verb} within eps of a non-differentiable "
            "point (relu/abs kink at 0, or a tie in max/min): finite differences straddle "
            "it; move the test point away.")
    return hint, len(found) == len(np.unique(c.cols))


def _kink_reason(col, values, radius, c):
    v = values[col]
    if abs(v) <= radius:
        return "near 0"
    for name, other in c.differentiated:
        flat = np.asarray(other._data, dtype=np.float64).reshape(-1)
        close = np.nonzero(np.abs(flat - v) <= radius)[0]
        if other is c.x:
            close = close[close != col]
        if close.size:
            where = _unravel(close[0], other.shape)
            if other is c.x:
                return f"ties with {_index_str('input', where)}"
            return f"ties with {name} at [{', '.join(map(str, where))}]"
    return None


def _pattern_hints(c):
    """Read the usual mistakes off the wrong entries."""
    if not (np.isfinite(c.a).all() and np.isfinite(c.n).all()):
        return []
    a_bad, n_bad = c.a[c.bad], c.n[c.bad]
    where = "at every wrong entry" if a_bad.size > 1 else "at the wrong entry"
    small_n = np.abs(n_bad) <= c.atol
    small_a = np.abs(a_bad) <= c.atol
    if small_n.all():
        return [f"the numeric gradient is ~0 {where} but the analytic one is "
                "not: backward puts gradient where the function does not change (wrong "
                "input, wrong index or axis, or a term that should be masked out)."]
    if small_a.all():
        return [f"the analytic gradient is 0 {where} but the function does "
                "change there: a term is missing from backward, or a mask is too wide."]
    hints = []
    if np.all(np.abs(a_bad + n_bad) <= c.atol + c.rtol * np.abs(n_bad)):
        hints.append("sign error: the analytic gradient is the negative of the numeric "
                     f"one (analytic ~ -numeric) {where}.")
    elif not small_n.any():
        ratio = _constant_ratio(a_bad / n_bad)
        if ratio is not None:
            hints.append(_ratio_hint(ratio, where))
    hints += _few_wrong_hint(c)
    return hints


def _zero_block(c):
    """Backward gave nothing at all although the function depends on the
    input: a disconnected graph, not a wrong formula."""
    return (np.isfinite(c.a).all() and not np.any(c.a)
            and np.any(np.abs(np.nan_to_num(c.n)) > c.atol))


def _zero_everywhere(c):
    hint = ("the analytic gradient is zero everywhere: is the input connected to the "
            "output (detached, no_grad, or .data used)?")
    if c.check == "gradgradcheck":
        hint += (" Here the 'output' is the gradient computed by backward: a backward "
                 "that computes on .data / NumPy arrays or wraps its result in "
                 "autograd.tensor(...) is not recorded, so it cannot be differentiated "
                 "again. Write backward with Tensor ops.")
    return hint


def _constant_ratio(ratios):
    """The common analytic/numeric ratio if all wrong entries share it
    (within 1%), else None."""
    middle = float(np.median(ratios))
    if middle != 0 and np.all(np.abs(ratios - middle) <= 0.01 * abs(middle)):
        return middle
    return None


def _ratio_hint(ratio, where):
    if abs(ratio - 2) <= 0.02 or abs(ratio - 0.5) <= 0.005:
        which = "twice" if ratio > 1 else "half"
        return (f"off by a factor of 2 (analytic is {which} the numeric value {where}) "
                "-- a missing or extra 1/2 (e.g. d(x^2)=2x).")
    return (f"analytic = {ratio:.4g} x numeric {where}: a constant factor "
            "is missing or extra in backward (a scale, a 1/N of a mean, an exponent).")


def _few_wrong_hint(c):
    count, total = int(c.bad.sum()), c.bad.size
    if total >= 4 and count * 4 <= total and np.unique(c.cols).size * 4 <= c.x.numel():
        verb = "is" if count == 1 else "are"
        return [f"only {count} of {total} entries {verb} wrong, so the formula is right "
                "almost everywhere: look for code that treats some positions differently "
                "(an index or slice, a boundary, broadcasting along one axis)."]
    return []


# ------------------------------------------------------------------ notes
def _global_notes(fn, inputs, diff, outputs, check):
    """Facts about the whole check that explain failures better than any
    single block: low precision and a function that is not deterministic."""
    notes = []
    for i in diff:
        if inputs[i].dtype != np.float64:
            notes.append(f"input {i} is {inputs[i].dtype}: finite differences at this "
                         "precision are unreliable; use float64.")
    for k, o in enumerate(outputs):
        if _checked(o) and o.dtype != np.float64:
            notes.append(f"output {k} is {o.dtype}: its rounding error limits the "
                         "numeric gradient; compute in float64.")
    work, _ = _private_copies(inputs, diff)
    first = _evaluate(fn, work, outputs, check)
    second = _evaluate(fn, work, outputs, check)
    if any(not np.array_equal(p, q, equal_nan=True) for p, q in zip(first, second)):
        notes.append("fn gives different outputs for the same inputs (dropout or other "
                     "randomness?): finite differences need a deterministic function; "
                     "seed it or switch the model to eval().")
    return notes


def _intro(check):
    if check == "gradgradcheck":
        return ("gradgradcheck checks the gradient of the gradient: the function checked "
                "below is (inputs, grad_outputs) -> grad(outputs, inputs, grad_outputs, "
                "create_graph=True). So below, an 'output' is a gradient that backward "
                "computed, and an 'input' is one of fn's inputs or one of the grad_outputs.")
    return ""


# --------------------------------------------------------------- rendering
def _render(report):
    lines = [f"{report.check} failed: the analytic gradient (backward) does not match the "
             f"numeric one (central differences, eps={report.eps:g}) for "
             f"{len(report.pairs)} (output, input) pair"
             f"{'s' if len(report.pairs) != 1 else ''}."]
    if report.intro:
        lines.append(report.intro)
    lines.append(f"An entry matches when |analytic - numeric| <= atol + rtol * |numeric| "
                 f"(atol={report.atol:g}, rtol={report.rtol:g}).")
    for note in report.notes:
        lines.append(f"Note: {note}")
    for pair in report.pairs:
        lines.append("")
        lines += _render_pair(pair)
    return "\n".join(lines)


def _render_pair(p):
    shown = (f"the {len(p.worst)} largest errors" if p.mismatched > len(p.worst)
             else "wrong entries, largest error first")
    lines = [f"{p.output_name} w.r.t. {p.input_name}: {p.mismatched} of {p.total} "
             f"Jacobian entries wrong (input shape {p.input_shape}, output shape "
             f"{p.output_shape})",
             f"  {shown}:"]
    header = ("element", "analytic", "numeric", "abs error", "rel error")
    rows = [(f"{_index_str('input', w.input_index)} -> {_index_str('output', w.output_index)}",
             _num(w.analytic), _num(w.numeric), _num(w.abs_error), _num(w.rel_error))
            for w in p.worst]
    lines += ["    " + line for line in _table(header, rows)]
    if p.hints:
        lines.append("  hints:")
        lines += [f"    - {h}" for h in p.hints]
    return lines


def _num(v):
    return f"{v:.6g}"


def _table(header, rows):
    """Plain-text columns: the first left-aligned, numbers right-aligned."""
    widths = [max(len(r[c]) for r in [header] + rows) for c in range(len(header))]

    def line(cells):
        first = cells[0].ljust(widths[0])
        rest = "  ".join(cell.rjust(w) for cell, w in zip(cells[1:], widths[1:]))
        return f"{first}  {rest}".rstrip()

    return [line(header)] + [line(r) for r in rows]


# -------------------------------------------------------- gradgradcheck aids
def _grad_outputs_for(outputs, given):
    """The gradients fed into the first backward.  Random ones are seeded
    (the same check gives the same report every run) and require grad, so
    backward is also checked as a function of its incoming gradient."""
    if given is None:
        rng = np.random.default_rng(0)
        return tuple(Tensor(rng.standard_normal(o.shape).astype(o.dtype), requires_grad=True)
                     if _checked(o) else None for o in outputs)
    given = (given,) if isinstance(given, np.ndarray) else _as_inputs(given)
    if len(given) != len(outputs):
        raise ValueError(f"gradgradcheck: got {len(given)} grad_outputs for "
                         f"{len(outputs)} outputs")
    return tuple(g if isinstance(g, Tensor) or g is None else Tensor(np.asarray(g))
                 for g in given)


def _first_derivative(fn, n_inputs, diff):
    """(inputs..., grad_outputs...) -> grad of fn w.r.t. the differentiated
    inputs, recorded (create_graph=True) so it can be checked in turn.  Grad
    mode is forced on inside because the numeric pass calls it under
    no_grad."""

    def first(*args):
        inputs, grad_outputs = args[:n_inputs], args[n_inputs:]
        targets = [inputs[i] for i in diff]
        with enable_grad():
            outputs = _call(fn, inputs, "gradgradcheck")
            used = [(o, g) for o, g in zip(outputs, grad_outputs)
                    if _checked(o) and o.requires_grad and g is not None]
            if not used:
                return tuple(Tensor(np.zeros(t.shape, dtype=t.dtype)) for t in targets)
            grads = _grad([o for o, _ in used], targets,
                          grad_outputs=[g for _, g in used], create_graph=True,
                          allow_unused=True)
        return tuple(Tensor(np.zeros(t.shape, dtype=t.dtype)) if g is None else g
                     for g, t in zip(grads, targets))

    return first

"""`grad_flow(model)`: how large each layer's gradient is after a backward
pass, as a small table and a bar chart on a log scale.

The lecture notes' vanishing-gradient lesson in one call: in a deep sigmoid
network the first layers' gradient norms are orders of magnitude below the
last layers'.  The picture counterpart is
``autograd.viz.draw_graph(loss, model, color_by='grad')``.
"""
import html
import math
from typing import NamedTuple, Optional

import numpy as np

BY = ("parameter", "module")


class GradFlowRow(NamedTuple):
    """One parameter (or module): its shape (None for a module), number of
    elements, and its gradient's 2-norm, mean and largest absolute entry
    (None when it has no gradient)."""
    name: str
    shape: tuple
    numel: int
    norm: Optional[float]
    mean_abs: Optional[float]
    max_abs: Optional[float]


class GradFlow:
    """The table `grad_flow` returns: iterate it for rows, print it as text,
    see it as HTML in Jupyter, ``.plot()`` it with matplotlib."""

    def __init__(self, rows, by):
        self.rows = list(rows)
        self.by = by

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, name):
        """The row for a parameter (or module) name."""
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"grad_flow: no {self.by} named {name!r}; names are "
                       f"{[r.name for r in self.rows]}")

    def _cells(self):
        by_module = self.by == "module"
        head = [self.by, "params" if by_module else "shape", "grad norm", "mean |grad|",
                "max |grad|"]
        body = [[r.name, f"{r.numel:,}" if by_module else _shape(r.shape), _num(r.norm),
                 _num(r.mean_abs), _num(r.max_abs)] for r in self.rows]
        return head, body

    def __str__(self):
        head, body = self._cells()
        widths = [max(len(row[k]) for row in [head] + body) for k in range(len(head))]
        lines = ["  ".join(c.ljust(w) if k < 2 else c.rjust(w)
                           for k, (c, w) in enumerate(zip(row, widths))).rstrip()
                 for row in [head] + body]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        head, body = self._cells()
        th = "".join(f"<th>{html.escape(c)}</th>" for c in head)
        trs = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                      for row in body)
        return f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>"

    def plot(self, ax=None):
        """A bar per row, gradient norm on a log scale (rows without a
        gradient, or with a zero one, have no bar and say so in their
        tick label).  Returns the matplotlib Axes."""
        try:
            import matplotlib.pyplot as plt
        except ImportError:
            raise ImportError("grad_flow(...).plot() needs matplotlib: pip install "
                              "matplotlib") from None
        if ax is None:
            _, ax = plt.subplots(figsize=(max(6.0, 0.4 * len(self.rows)), 4.0))
        heights = [r.norm if r.norm else math.nan for r in self.rows]
        ax.bar(range(len(self.rows)), heights, color="#277f8e")
        ax.set_yscale("log")
        ax.set_xticks(range(len(self.rows)))
        ax.set_xticklabels([r.name + ("" if r.norm else " (no grad)" if r.norm is None
                                      else " (zero)") for r in self.rows],
                           rotation=90, fontsize=8)
        ax.set_ylabel("gradient norm (log scale)")
        ax.set_title(f"Gradient flow per {self.by}")
        return ax


def grad_flow(model, by="parameter"):
    """Gradient norms of ``model``'s parameters after ``backward()``, one row
    per parameter (``by='parameter'``) or per module owning parameters
    directly (``by='module'``, joint norm over its parameters), in
    ``named_parameters()`` order."""
    if not callable(getattr(model, "named_parameters", None)) or isinstance(model, type):
        raise TypeError(f"grad_flow: model must be a Module, got {type(model).__name__}")
    if by not in BY:
        raise ValueError(f"grad_flow: by must be 'parameter' or 'module', got {by!r}")
    named = list(model.named_parameters())
    if by == "parameter":
        rows = [_row(name, [p]) for name, p in named]
        rows = [r._replace(shape=tuple(p.shape)) for r, (_, p) in zip(rows, named)]
    else:
        groups = {}
        for name, p in named:
            groups.setdefault(name.rpartition(".")[0], []).append(p)
        rows = [_row(prefix or type(model).__name__, ps) for prefix, ps in groups.items()]
    return GradFlow(rows, by)


def _row(name, params):
    """Statistics over the gradients of ``params`` taken together."""
    shape = tuple(params[0].shape) if len(params) == 1 else None
    numel = sum(int(np.prod(p.shape)) for p in params)
    grads = [np.abs(np.asarray(p.grad.detach().numpy(), dtype=np.float64))
             for p in params if p.grad is not None]
    if not grads:
        return GradFlowRow(name, shape, numel, None, None, None)
    total = sum(float(np.sum(g * g)) for g in grads)
    count = sum(g.size for g in grads)
    return GradFlowRow(name, shape, numel, math.sqrt(total),
                       sum(float(g.sum()) for g in grads) / max(count, 1),
                       max((float(g.max()) for g in grads if g.size), default=0.0))


def _shape(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _num(x):
    return "-" if x is None else format(x, ".3e")

"""`Function`: the unit of differentiation and the node of the graph.

An op is a subclass with two static methods:

* ``forward(ctx, *args)`` computes the result on NumPy arrays (Tensor
  arguments arrive as their ``.data``; other arguments pass through as is);
* ``backward(ctx, grad)`` returns one gradient per forward argument (``None``
  where there is none), written with Tensor ops.  The engine runs it with
  grad mode set to ``create_graph``, so every op is differentiable again
  for free.

The ``ctx`` object *is* the graph node (``tensor.grad_fn``).  It keeps only
what backward needs: edges to its inputs' nodes (or to leaf tensors), the
saved tensors with the versions they had when saved, and the output shape
the engine uses to check every gradient it routes.  Nothing in a node points
back to its output tensor, so graphs are freed by reference counting alone.

Built-in ops declare what to save with class attributes (``_save_inputs``:
indices of inputs, ``_save_output``) instead of calling
``save_for_backward``; that skips a search on the hot path.  User ops call
``ctx.save_for_backward`` with the arrays they received or returned.
"""
import traceback

import numpy as np

from .grad_mode import _state

_new = object.__new__


class _SavedOutput:
    """The op's own result, saved without a reference to the output tensor
    (that would be a cycle).  It becomes a tensor whose ``grad_fn`` is the
    node again when unpacked, so double backward flows through it."""

    __slots__ = ("_data", "_vc")

    def __init__(self, data, vc):
        self._data = data
        self._vc = vc


class Function:
    __slots__ = ("_edges", "needs_input_grad", "_saved", "_versions", "_shape",
                 "_retained", "_trace", "_released", "__weakref__")
    _is_node = True  # graph edges are nodes or leaf tensors; the engine asks

    # Built-in ops' declarative saving (see module docstring).
    _save_inputs = ()
    _save_output = False
    # Optional: for each entry of _save_inputs, the input whose gradient needs
    # it (the entry is saved only when that input needs grad).
    _save_when = None
    # Set by ops whose results are not differentiable in their inputs' values.
    differentiable = True

    # ---------------------------------------------------------------- apply
    @classmethod
    def apply(cls, *args):
        """Run ``forward`` on the arguments' arrays and, when grad mode is on
        and some Tensor argument requires grad, record a node."""
        ctx = _new(cls)
        ctx._saved = None
        ctx._released = False
        arrays = []
        edges = []
        needs = []
        record = False
        tracking = _state.enabled
        for a in args:
            if isinstance(a, Tensor):
                arrays.append(a._data)
                if tracking and a._rg:
                    edges.append(a._grad_fn or a)
                    needs.append(True)
                    record = True
                    continue
            else:
                arrays.append(a)
            edges.append(None)
            needs.append(False)
        ctx.needs_input_grad = tuple(needs)
        out = cls.forward(ctx, *arrays)
        if type(out) is not np.ndarray:
            if isinstance(out, tuple):
                raise TypeError(
                    f"{cls.__name__}.forward returned a tuple; a Function has a single "
                    "output (return one array, or write one Function per output)")
            out = np.asarray(out)
        result = _wrap(out)
        if record:
            if cls.differentiable:
                ctx._edges = tuple(edges)
                ctx._shape = out.shape
                ctx._retained = None
                ctx._trace = traceback.format_stack()[:-1] if _state.anomaly else None
                cls._resolve_saved(ctx, args, arrays, out, result)
                result._grad_fn = ctx
                result._rg = True
                if _state.anomaly:
                    _check_forward(ctx, out)
        return result

    @staticmethod
    def _resolve_saved(ctx, args, arrays, out, result):
        """Turn what forward saved into tensors (inputs), `_SavedOutput`
        (the result) or constants, remembering each tensor's version."""
        cls = type(ctx)
        if cls._save_inputs or cls._save_output:
            when = cls._save_when
            if when is None:
                saved = [args[i] for i in cls._save_inputs]
            else:
                needs = ctx.needs_input_grad
                saved = [args[i] if needs[j] else None
                         for i, j in zip(cls._save_inputs, when)]
            if cls._save_output:
                saved.append(_SavedOutput(out, result._vc))
        elif ctx._saved is not None:
            saved = []
            for s in ctx._saved:
                for a, arr in zip(args, arrays):
                    if s is arr and isinstance(a, Tensor):
                        saved.append(a)
                        break
                else:
                    saved.append(_SavedOutput(out, result._vc) if s is out else s)
        else:
            return
        ctx._saved = tuple(saved)
        ctx._versions = tuple(s._vc[0] if isinstance(s, (Tensor, _SavedOutput)) else None
                              for s in saved)

    # ------------------------------------------------------- ctx interface
    def save_for_backward(self, *arrays):
        """Called in ``forward`` with the arrays backward will need (inputs or
        the output); ``saved_tensors`` gives them back as tensors."""
        self._saved = arrays

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is None:
            if self._released:
                raise RuntimeError(
                    f"Trying to backward through {self.name()} a second time, but its "
                    "saved tensors were freed by the first backward. Pass "
                    "retain_graph=True to the first backward() or autograd.grad() call "
                    "to keep them.")
            return ()
        out = []
        for i, (s, v) in enumerate(zip(saved, self._versions)):
            if v is not None and s._vc[0] != v:
                what = "its output" if isinstance(s, _SavedOutput) else f"input {i}"
                raise RuntimeError(
                    f"{self.name()} needs {what}, which was modified by an in-place "
                    f"operation after it was saved (version {s._vc[0]}, expected {v}). "
                    "Use an out-of-place operation (x = x + y instead of x += y), or "
                    "call .clone() before modifying the tensor.")
            if isinstance(s, _SavedOutput):
                t = _wrap(s._data)
                t._vc = s._vc
                t._grad_fn = self
                t._rg = True
                s = t
            out.append(s)
        return tuple(out)

    # ------------------------------------------------------ introspection
    def name(self):
        return type(self).__name__ + "Backward"

    @property
    def next_functions(self):
        """(node, 0) pairs as in PyTorch; leaves appear as ``AccumulateGrad``
        stand-ins carrying ``.variable``."""
        return tuple((None, 0) if e is None else
                     ((e, 0) if isinstance(e, Function) else (_LeafRef(e), 0))
                     for e in self._edges)

    def __repr__(self):
        return f"<{self.name()}>"

    @classmethod
    def forward(cls, ctx, *args):
        raise NotImplementedError(f"{cls.__name__} is abstract: define forward(ctx, *args)")

    @classmethod
    def backward(cls, ctx, grad):
        raise NotImplementedError(f"{cls.__name__} is abstract: define backward(ctx, grad)")


class _LeafRef:
    """How a leaf tensor shows up in ``next_functions`` (PyTorch's
    AccumulateGrad), for code that walks the graph."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "AccumulateGrad"

    def __repr__(self):
        return "<AccumulateGrad>"


def creation_site(node):
    """The user's line that created ``node`` (anomaly mode only)."""
    if node._trace is None:
        return "(enable autograd.detect_anomaly() to record where ops are created)"
    frames = [f for f in node._trace if "/autograd/" not in f]
    return (frames[-1] if frames else node._trace[-1]).rstrip()


def _check_forward(ctx, out):
    if out.dtype.kind in "fc" and not np.isfinite(out).all():
        raise FloatingPointError(
            f"detect_anomaly: {type(ctx).__name__} produced NaN/Inf in its forward "
            f"output. It was created at:\n{creation_site(ctx)}")


from .tensor import Tensor, _wrap  # noqa: E402  (Tensor methods use Function)

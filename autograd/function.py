"""`Function`: the unit of differentiation and the node of the graph.

An op is a subclass with two static methods:

* ``forward(ctx, *args)`` computes the result on NumPy arrays (Tensor
  arguments arrive as their arrays; other arguments pass through as is);
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
``save_for_backward``; that skips a search on the hot path.

A user's op (a subclass defined outside the library's packages) gets
PyTorch's contract instead -- ``forward`` receives Tensors, several outputs,
``mark_non_differentiable``, ``set_materialize_grads``: see
`autograd._user_function`, whose apply is installed on such classes when
they are created, so the built-in ops' path above never tests for it.
"""
import os
import traceback

import numpy as np

from . import hooks as _hooks
from .errors import DTypeError
from .grad_mode import _state

_new = object.__new__

# A Function defined in one of these packages is a built-in op (array
# forward, the fast apply); any other is a user's op (PyTorch's contract).
_LIBRARY_PACKAGES = frozenset(("autograd", "nn", "optim", "chainrule"))


class _SavedOutput:
    """The op's own result, saved without a reference to the output tensor
    (that would be a cycle).  It becomes a tensor whose ``grad_fn`` is the
    node again when unpacked, so double backward flows through it."""

    __slots__ = ("_data", "_vc")

    def __init__(self, data, vc):
        self._data = data
        self._vc = vc


class Function:
    # ``_hooks`` (see hooks.py) and ``_scope`` are set on every recorded
    # node; ``_trace``, ``_inputs`` and ``_metadata`` only when asked for
    # (anomaly mode, record_inputs, ``.metadata``), so the hot path never
    # writes them and readers use getattr with a default.
    __slots__ = ("_edges", "_saved", "_versions", "_shape", "_dtype", "_hooks", "_scope",
                 "_trace", "_inputs", "_metadata", "_user", "__weakref__")
    _is_node = True  # graph edges are nodes or leaf tensors; the engine asks

    # Built-in ops' declarative saving (see module docstring).
    _save_inputs = ()
    _save_output = False
    # Optional: for each entry of _save_inputs, the input whose gradient needs
    # it (the entry is saved only when that input needs grad).
    _save_when = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._declares_saved = bool(cls._save_inputs or cls._save_output)
        own = cls.__dict__.get("__slots__", ())
        clash = set((own,) if isinstance(own, str) else own) & set(Function.__slots__)
        if clash:
            raise TypeError(f"{cls.__name__}: __slots__ {sorted(clash)} would shadow the "
                            "graph node's own fields; choose other names")
        if cls.__module__.partition(".")[0] not in _LIBRARY_PACKAGES:
            _user_function.install(cls)

    # ---------------------------------------------------------------- apply
    @classmethod
    def apply(cls, *args):
        """Run ``forward`` on the arguments' arrays and, when grad mode is on
        and some Tensor argument requires grad, record a node.

        One- and two-argument calls (nearly every op) are unrolled: this is
        the hottest function in the library."""
        ctx = _new(cls)
        ctx._saved = None
        tracking = _state.enabled
        n = len(args)
        if n == 2:
            a, b = args
            if isinstance(a, Tensor):
                da = a._data
                ea = (a._grad_fn or a) if tracking and a._rg else None
            else:
                da, ea = a, None
            if isinstance(b, Tensor):
                db = b._data
                eb = (b._grad_fn or b) if tracking and b._rg else None
            else:
                db, eb = b, None
            ctx._edges = edges = (ea, eb)
            record = ea is not None or eb is not None
            out = cls.forward(ctx, da, db)
        elif n == 1:
            a, = args
            if isinstance(a, Tensor):
                da = a._data
                ea = (a._grad_fn or a) if tracking and a._rg else None
            else:
                da, ea = a, None
            ctx._edges = edges = (ea,)
            record = ea is not None
            out = cls.forward(ctx, da)
        else:
            arrays = [a._data if isinstance(a, Tensor) else a for a in args]
            ctx._edges = edges = tuple(
                (a._grad_fn or a) if tracking and isinstance(a, Tensor) and a._rg else None
                for a in args)
            record = any(e is not None for e in edges)
            out = cls.forward(ctx, *arrays)
        if type(out) is not np.ndarray:
            out = _as_output(cls, out)
        result = _new(Tensor)
        result._data = out
        result._grad = None
        result._vc = [0]
        result.name = None
        if record:
            if out.dtype.kind == "c":
                _refuse_complex(cls)
            ctx._shape = out.shape
            ctx._dtype = out.dtype
            ctx._hooks = None
            ctx._scope = _state.scope
            if cls._declares_saved:
                cls._save_declared(ctx, args, out, result)
            elif ctx._saved is not None:
                cls._resolve_saved(ctx, args, out, result)
            result._grad_fn = ctx
            result._rg = True
            if _state.inspect:
                _inspect(ctx, args, out)
        else:
            result._grad_fn = None
            result._rg = False
        return result

    @staticmethod
    def _save_declared(ctx, args, out, result):
        """Built-in ops: save the declared inputs (each only when the input
        whose gradient needs it requires grad) and/or the output."""
        cls = type(ctx)
        when = cls._save_when
        if when is None:
            saved = [args[i] for i in cls._save_inputs]
        else:
            edges = ctx._edges
            saved = [args[i] if edges[j] is not None else None
                     for i, j in zip(cls._save_inputs, when)]
        if cls._save_output:
            saved.append(_SavedOutput(out, result._vc))
        ctx._saved = saved
        ctx._versions = [s._vc[0] if isinstance(s, _VERSIONED) else None for s in saved]

    @staticmethod
    def _resolve_saved(ctx, args, out, result):
        """User ops: map what ``save_for_backward`` got back to the input
        tensors it came from, to the output, or keep it as a constant."""
        saved = []
        for s in ctx._saved:
            for a in args:
                if isinstance(a, Tensor) and s is a._data:
                    saved.append(a)
                    break
            else:
                saved.append(_SavedOutput(out, result._vc) if s is out else s)
        ctx._saved = saved
        ctx._versions = [s._vc[0] if isinstance(s, _VERSIONED) else None for s in saved]

    @property
    def needs_input_grad(self):
        return tuple([e is not None for e in self._edges])

    # ------------------------------------------------------- ctx interface
    def save_for_backward(self, *tensors):
        """Called in ``forward`` with what backward will need (inputs or
        outputs, as Tensors or their arrays); ``saved_tensors`` gives them
        back as tensors, after checking they were not modified since."""
        self._saved = tensors

    def mark_non_differentiable(self, *outputs):
        """A user op's ``forward`` names outputs that get no gradient (indices,
        masks): they do not require grad, and their gradient in backward is
        zeros (or None, see `set_materialize_grads`)."""
        self._user.non_diff = outputs

    def set_materialize_grads(self, value):
        """A user op with several outputs: whether an output that received no
        gradient gets zeros in backward (the default, as in PyTorch) or None."""
        self._user.materialize = bool(value)

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is _RELEASED:
            raise RuntimeError(
                f"Trying to backward through {self.name()} a second time, but its saved "
                "tensors were freed by the first backward. Pass retain_graph=True to the "
                "first backward() or autograd.grad() call to keep them.")
        if saved is None:
            return ()
        out = []
        for s, v in zip(saved, self._versions):
            if v is not None and s._vc[0] != v:
                what = "its output" if isinstance(s, _SavedOutput) else "an input"
                raise RuntimeError(
                    f"{self.name()} needs {what} (shape {s._data.shape}), which was modified "
                    f"by an in-place operation after it was saved (version {s._vc[0]}, "
                    f"expected {v}). Use an out-of-place operation (x = x + y instead of "
                    "x += y), or call .clone() before modifying the tensor.")
            if isinstance(s, _SavedOutput):
                t = _wrap(s._data)
                t._vc = s._vc
                fn = self if type(s) is _SavedOutput else s.node_for(self)
                if fn is not None:
                    t._grad_fn = fn
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

    @property
    def output_shape(self):
        return self._shape

    @property
    def output_dtype(self):
        return self._dtype

    @property
    def scope(self):
        """The innermost `autograd.graph.scope` active when the node was
        recorded (a module path under ``nn``), or None."""
        return self._scope

    @property
    def recorded_inputs(self):
        """The arguments the op was applied to, when recorded under
        ``autograd.graph.record_inputs()``; else None."""
        kept = getattr(self, "_inputs", None)
        return None if kept is None else kept[0]

    @property
    def recorded_versions(self):
        """Per recorded argument, the tensor's version at record time (None
        for non-tensors): a different version now means it was modified in
        place since."""
        kept = getattr(self, "_inputs", None)
        return None if kept is None else kept[1]

    @property
    def metadata(self):
        """A dict for tools to keep things on the node (as PyTorch's)."""
        md = getattr(self, "_metadata", None)
        if md is None:
            md = self._metadata = {}
        return md

    # ---------------------------------------------------------------- hooks
    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` after this node's backward; may
        return a tuple that replaces ``grad_inputs``."""
        return _hooks.add_hook(_hooks.node_hooks(self).post, fn, f"{self.name()}.register_hook")

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` before this node's backward; may return a
        tuple that replaces ``grad_outputs``."""
        return _hooks.add_hook(_hooks.node_hooks(self).pre, fn,
                               f"{self.name()}.register_prehook")

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
    """The user's line that created ``node`` (recorded in anomaly mode and
    under ``graph.record_inputs``)."""
    trace = getattr(node, "_trace", None)
    if trace is None:
        return ("(enable autograd.detect_anomaly() or autograd.graph.record_inputs() to "
                "record where ops are created)")
    frames = [f for f in trace if not _in_library(f)]
    return (frames[-1] if frames else trace[-1]).rstrip()


# The distribution's packages sit side by side; a frame inside any of them
# (an op's wrapper, an nn layer's forward) is not the line a user wrote.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_LIBRARY_DIRS = tuple(os.path.join(_ROOT, p) + os.sep
                      for p in ("autograd", "nn", "optim", "chainrule"))


def _in_library(frame):
    """``frame`` is one entry of ``traceback.format_stack()``."""
    start = frame.find('File "') + 6
    return frame.startswith(_LIBRARY_DIRS, start, frame.find('"', start))


def _inspect(ctx, args, out):
    """The record path of anomaly mode and ``record_inputs``: keep the
    creation stack (and the arguments), then check the output."""
    ctx._trace = traceback.format_stack()[:-2]
    if _state.record_inputs:
        ctx._inputs = (args, tuple(a._vc[0] if isinstance(a, Tensor) else None
                                   for a in args))
    if _state.anomaly:
        _check_forward(ctx, out)


def _as_output(cls, out):
    """NumPy returns scalars from 0-d arithmetic; a tensor holds an array."""
    if isinstance(out, tuple):
        raise TypeError(
            f"{cls.__name__}.forward returned a tuple; a Function has a single output "
            "(return one array, or write one Function per output)")
    if isinstance(out, Tensor):
        return out._data
    return np.asarray(out)


# What a released node's ``_saved`` becomes (see engine): a second backward
# through it then says why it cannot run.
class _Released:
    __slots__ = ()

    def __repr__(self):
        return "<released>"


_RELEASED = _Released()


def _refuse_complex(cls):
    raise DTypeError(_COMPLEX_REFUSAL.format(
        what=f"{cls.__name__}: an op on a tensor that requires grad produced a complex result"))


def _check_forward(ctx, out):
    if out.dtype.kind in "fc" and not np.isfinite(out).all():
        raise FloatingPointError(
            f"detect_anomaly: {type(ctx).__name__} produced NaN/Inf in its forward "
            f"output. It was created at:\n{creation_site(ctx)}")


from .tensor import _COMPLEX_REFUSAL, Tensor, _wrap  # noqa: E402  (Tensor methods use Function)

_VERSIONED = (Tensor, _SavedOutput)

from . import _user_function  # noqa: E402  (needs Function; installed on user classes)
from ._user_function import once_differentiable  # noqa: E402,F401  (PyTorch's location)

"""PyTorch's contract for a user's `Function` (a custom op written outside
the library).

Built-in ops run ``forward`` on NumPy arrays through the unrolled hot path
in `Function.apply`.  A user's op instead gets PyTorch's contract:

* ``forward(ctx, *args)`` receives the Tensors themselves, runs with grad
  mode off (so its Tensor ops record nothing) and may return a Tensor, an
  array, a number, or a tuple of them (several outputs);
* ``ctx.save_for_backward`` takes the input or output Tensors (or arrays,
  the older style); ``ctx.mark_non_differentiable(*outputs)``;
  ``ctx.set_materialize_grads(False)`` (missing output gradients arrive as
  None instead of zeros);
* ``backward(ctx, *grads)`` gets one gradient per output;
* ``setup_context(ctx, inputs, output)`` may replace the ``ctx`` argument
  of ``forward`` (PyTorch 2's style).

`Function.__init_subclass__` installs this apply (and wraps ``backward``)
once, when a class outside the library is created, so built-in ops pay
nothing for it.

Several outputs: the op's node (``ctx``) gets one light node per
differentiable output (`_OutputOf`, the output tensor's ``grad_fn``) whose
only edge is ``ctx``.  Each passes its gradient on as one slot of a packed
gradient (an object array, one slot per output); the engine sums the packs
like any gradient -- slots are disjoint, so the sum just collects them --
and ``ctx`` runs once, after all its outputs' gradients are in, with the
slots unpacked into ``backward(ctx, *grads)``.  The engine needs no special
case, hooks and ``retain_grad`` on an output see that output's own
gradient, and under ``create_graph`` the packs keep the gradients' history.
"""
import functools

import numpy as np

from .function import Function, _inspect, _check_forward, _refuse_complex, _SavedOutput
from .grad_mode import _state, no_grad
from .tensor import Tensor, _wrap

_new = object.__new__

def install(cls):
    """Give a user's Function class PyTorch's apply and backward contract."""
    if cls.apply.__func__ is Function.apply.__func__:
        cls.apply = classmethod(_apply)
    if "backward" in cls.__dict__:
        cls.backward = staticmethod(_backward_adapter(getattr(cls, "backward")))


class _UserState:
    """What a user's ctx learns during forward.  ``outputs`` is None for a
    single output, else per output its (shape, dtype), or None for an output
    that is not a tensor."""

    __slots__ = ("materialize", "non_diff", "outputs")

    def __init__(self):
        self.materialize = True
        self.non_diff = ()
        self.outputs = None


# ------------------------------------------------------------------ apply
def _apply(cls, *args):
    """A user op's forward on the Tensors, then (when an input requires grad
    and grad mode is on) its node(s)."""
    ctx = _new(cls)
    ctx._saved = None
    ctx._user = _UserState()
    tracking = _state.enabled
    ctx._edges = edges = tuple(
        (a._grad_fn or a) if tracking and isinstance(a, Tensor) and a._rg else None
        for a in args)
    raw = _run_forward(cls, ctx, args)
    multi = type(raw) is tuple
    outs = raw if multi else (raw,)
    results = tuple(_as_result(o) for o in outs)
    if any(e is not None for e in edges):
        _record(ctx, args, outs, results, multi)
    return results if multi else results[0]


def _run_forward(cls, ctx, args):
    prev = _state.enabled
    _state.enabled = False
    try:
        setup = getattr(cls, "setup_context", None)
        if setup is None:
            return cls.forward(ctx, *args)
        out = cls.forward(*args)
        setup(ctx, args, out)
        return out
    finally:
        _state.enabled = prev


def _as_result(o):
    """The tensor a caller gets for one forward output: same memory (and,
    for a Tensor, the same version counter), no history yet."""
    if isinstance(o, Tensor):
        r = _wrap(o._data)
        r._vc = o._vc
        return r
    if isinstance(o, np.ndarray):
        return _wrap(o)
    if isinstance(o, (np.generic, bool, int, float, complex)):
        return _wrap(np.asarray(o))  # NumPy gives scalars from 0-d arithmetic
    return o  # not a tensor: passed through, as PyTorch does


def _differentiable(o, r, marked):
    if not isinstance(r, Tensor) or any(o is m for m in marked):
        return False
    return r._data.dtype.kind in "fc"


def _record(ctx, args, outs, results, multi):
    cls = type(ctx)
    marked = ctx._user.non_diff
    diff = [_differentiable(o, r, marked) for o, r in zip(outs, results)]
    if not any(diff):
        return
    for r, d in zip(results, diff):
        if d and r._data.dtype.kind == "c":
            _refuse_complex(cls)
    ctx._hooks = None
    ctx._scope = _state.scope
    if multi:
        ctx._shape = (len(outs),)
        ctx._dtype = np.dtype(object)
        ctx._user.outputs = tuple((r._data.shape, r._data.dtype) if isinstance(r, Tensor)
                                  else None for r in results)
        nodes = tuple(_OutputOf.make(ctx, i) if d else None for i, d in enumerate(diff))
    else:
        ctx._shape = results[0]._data.shape
        ctx._dtype = results[0]._data.dtype
        nodes = (ctx,)
    for r, node in zip(results, nodes):
        if node is not None:
            r._grad_fn = node
            r._rg = True
    if ctx._saved is not None:
        _resolve_saved(ctx, args, outs, results, multi)
    if _state.inspect:
        arrays = [r._data for r in results if isinstance(r, Tensor)]
        _inspect(ctx, args, arrays[0])
        if _state.anomaly:
            for a in arrays[1:]:
                _check_forward(ctx, a)


def _resolve_saved(ctx, args, outs, results, multi):
    """Map what ``save_for_backward`` got to an input (kept with its version),
    an output (kept without a reference to the output tensor: that would be
    a cycle), or something else (kept as is; a Tensor's version is checked
    too)."""
    saved = [_resolve_one(s, args, outs, results, multi) for s in ctx._saved]
    ctx._saved = saved
    ctx._versions = [s._vc[0] if isinstance(s, (Tensor, _SavedOutput)) else None
                     for s in saved]


def _resolve_one(s, args, outs, results, multi):
    if s is None:
        return None
    for a in args:
        if isinstance(a, Tensor) and (s is a or s is a._data):
            return a
    for i, (o, r) in enumerate(zip(outs, results)):
        if isinstance(r, Tensor) and (s is o or s is r._data):
            if not multi:
                return _SavedOutput(r._data, r._vc)
            return _SavedOutputOf(r._data, r._vc, i, r._rg)
    return s


class _SavedOutputOf(_SavedOutput):
    """Output ``index`` of a several-output op, saved: unpacked, it is a
    tensor whose history is that output of the node again (a fresh
    `_OutputOf`, so nothing here refers to the output tensor or its node)."""

    __slots__ = ("_index", "_diff")

    def __init__(self, data, vc, index, differentiable):
        super().__init__(data, vc)
        self._index = index
        self._diff = differentiable

    def node_for(self, ctx):
        return _OutputOf.make(ctx, self._index) if self._diff else None


# ------------------------------------------------------ several outputs
class _OutputOf(Function):
    """The ``grad_fn`` of one output of a several-output user op: passes
    its gradient to the op's node as slot ``_index`` of a packed gradient."""

    __slots__ = ("_index",)

    @staticmethod
    def make(ctx, index):
        shape, dtype = ctx._user.outputs[index]
        node = _new(_OutputOf)
        node._edges = (ctx,)
        node._saved = None
        node._shape = shape
        node._dtype = dtype
        node._hooks = None
        node._scope = ctx._scope
        node._index = index
        return node

    def name(self):
        return self._edges[0].name()

    @staticmethod
    def backward(ctx, g):
        slots = np.zeros(ctx._edges[0]._shape, dtype=object)  # 0: no gradient (yet)
        slots[ctx._index] = g
        return _Packed.make(slots)


class _Packed(Tensor):
    """A packed gradient (see the module docstring).  Only the engine sees
    it; adding two packs adds slot by slot, so the gradients' history is
    kept under ``create_graph``."""

    __slots__ = ()

    @staticmethod
    def make(slots):
        p = _new(_Packed)
        p._data = slots
        p._grad = None
        p._rg = False
        p._grad_fn = None
        p._vc = [0]
        p.name = None
        return p

    def __add__(self, other):
        return _Packed.make(self._data + other._data)


def _unpack(ctx, slots):
    """One gradient per output: the packed one, else zeros (or None after
    ``set_materialize_grads(False)``, and always for a non-tensor output)."""
    st = ctx._user
    grads = []
    for g, meta in zip(slots, st.outputs):
        if isinstance(g, Tensor):
            grads.append(g)
        elif meta is None or not st.materialize:
            grads.append(None)
        else:
            grads.append(_wrap(np.zeros(meta[0], dtype=meta[1])))
    return grads


def _backward_adapter(user_backward):
    """The engine calls ``backward(ctx, grad)`` with one gradient; an op
    with several outputs gets them unpacked."""
    @functools.wraps(user_backward)
    def backward(ctx, g):
        if ctx._user.outputs is None:
            return user_backward(ctx, g)
        return user_backward(ctx, *_unpack(ctx, g._data))
    return backward


# -------------------------------------------------- once_differentiable
def once_differentiable(backward):
    """Decorator for a ``backward`` written on values only (NumPy code, or
    ops that are not themselves differentiable): it runs under no_grad, and
    under ``create_graph`` its results are marked so that differentiating
    them again is an error naming the op -- not a silently missing term.
    Stricter than PyTorch, which checks only the incoming gradients: a
    saved tensor with history (an input that requires grad) also makes the
    result refuse a second derivative, since the term through it would be
    missing."""
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with no_grad():
            out = backward(ctx, *grads)
        if not _state.enabled:
            return out
        needing = tuple(t for t in grads + _saved_of(ctx) if isinstance(t, Tensor) and t._rg)
        if not needing:
            return out
        name = ctx.name()
        if isinstance(out, tuple):
            return tuple(_guard(name, o, needing) for o in out)
        return _guard(name, out, needing)
    return wrapper


def _saved_of(ctx):
    return () if ctx._saved is None else ctx.saved_tensors


def _guard(name, value, needing):
    if value is None:
        return None
    arr = value._data if isinstance(value, Tensor) else np.asarray(value)
    return _OnceDifferentiable.apply(name, arr, *needing)


class _OnceDifferentiable(Function):
    """Passes a once-differentiable gradient through, connected to the
    gradients it was computed from; its backward refuses."""

    __slots__ = ("_op",)

    @staticmethod
    def forward(ctx, name, value, *needing):
        ctx._op = name
        return value

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(
            f"{ctx._op}: trying to differentiate twice a function that was marked with "
            "@once_differentiable (its backward is not itself differentiable); drop "
            "create_graph=True, or write its backward with differentiable Tensor ops")

"""Neutral mechanisms that tools build on to look at a graph.

* `scope`: a name stack.  Every node recorded inside ``with scope("conv1")``
  remembers the innermost `Scope` (``node.scope``).  ``nn.Module.__call__``
  enters one per module call, which is how a picture knows which module
  made which node -- while autograd itself still knows nothing of ``nn``.
* `observe_backward`: a callback after every node's backward, for tools
  that show backprop step by step.
* `record_inputs`: nodes keep their forward arguments and creation stack,
  so a checker can replay each op on its own inputs.

Each is thread-local and free when unused: recording pays one attribute
read for the scope, backward one test per pass for observers.
"""
import contextlib

from .function import Function
from .grad_mode import _state

Node = Function  # PyTorch's name for a graph node's type


class Scope:
    """One entry of the name stack: ``name`` relative to the parent,
    ``path`` the dotted full name ("" for a root entered with name "").
    ``kind`` says what made it (a module's class name); ``owner`` is that
    object, opaque to autograd.  Each ``scope()`` entry makes a new Scope,
    so two calls of one module are told apart by identity, not by path."""

    __slots__ = ("name", "path", "kind", "owner", "parent", "depth")

    def __init__(self, name, kind=None, owner=None, parent=None):
        if not isinstance(name, str):
            raise TypeError(f"scope(): name must be a str, got {type(name).__name__} {name!r}")
        if kind is not None and not isinstance(kind, str):
            raise TypeError(f"scope(): kind must be a str or None, got {type(kind).__name__}")
        self.name = name
        self.kind = kind
        self.owner = owner
        self.parent = parent
        self.depth = 0 if parent is None else parent.depth + 1
        if parent is None or not parent.path:
            self.path = name
        else:
            self.path = parent.path + "." + name if name else parent.path

    def chain(self):
        """The scopes from the root down to this one."""
        out = []
        s = self
        while s is not None:
            out.append(s)
            s = s.parent
        return tuple(reversed(out))

    def __repr__(self):
        kind = f" ({self.kind})" if self.kind else ""
        return f"<Scope {self.path or '<root>'}{kind}>"


class scope:
    """``with scope(name, kind=None, owner=None):`` -- nodes recorded inside
    know this scope (``node.scope``).  A class rather than a generator:
    ``nn.Module.__call__`` enters one per call, so it is kept cheap."""

    __slots__ = ("_entry", "_prev")

    def __init__(self, name, kind=None, owner=None):
        self._entry = (name, kind, owner)

    def __enter__(self):
        self._prev = prev = _state.scope
        s = _state.scope = Scope(*self._entry, prev)
        return s

    def __exit__(self, *exc):
        _state.scope = self._prev
        return False


def current_scope():
    return _state.scope


@contextlib.contextmanager
def observe_backward(fn):
    """Call ``fn(node, grad_outputs, grad_inputs)`` after each node's backward
    (and its hooks) in every backward pass this thread runs inside the
    block, in the order backward visits the nodes.  ``grad_outputs`` is a
    1-tuple (the summed upstream gradient); ``grad_inputs`` has one Tensor
    or None per entry of ``node.next_functions``."""
    if not callable(fn):
        raise TypeError(f"observe_backward(): fn must be callable, got {type(fn).__name__}")
    prev = _state.observers
    _state.observers = prev + (fn,)
    try:
        yield
    finally:
        _state.observers = prev


@contextlib.contextmanager
def record_inputs():
    """Nodes recorded inside keep the arguments their op was applied to
    (``node.recorded_inputs``, with ``node.recorded_versions``) and the
    stack that created them, so each op can be replayed and located later.
    It holds every intermediate array alive while the graph lives: a
    debugging mode, like ``detect_anomaly``."""
    prev = _state.record_inputs
    _state.record_inputs = True
    _state.refresh_inspect()
    try:
        yield
    finally:
        _state.record_inputs = prev
        _state.refresh_inspect()

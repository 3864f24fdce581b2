"""Backward hooks: what runs them, what they may return, how they are removed.

A graph node carries a `NodeHooks` only once someone registers a hook on it
(or retains its output's gradient); until then its ``_hooks`` slot is None
and the engine pays one attribute test per node.  Leaf tensors keep theirs
in a slot that is never initialised on the hot path.

The order at a node follows PyTorch: the output tensor's hooks
(``Tensor.register_hook``, in registration order), then ``retain_grad``
(it sees what those hooks returned), then the node's pre-hooks, then its
backward, then its post-hooks.  A hook may return a replacement, which must
be a Tensor of the same shape and dtype: a hook that silently changed them
would corrupt every gradient downstream.
"""
import itertools

from .errors import DTypeError, ShapeError

_ids = itertools.count()


class RemovableHandle:
    """Returned by every ``register_*hook``: ``remove()`` unregisters the hook
    (again is harmless); also a context manager that removes it on exit."""

    __slots__ = ("_table", "id", "__weakref__")

    def __init__(self, table):
        self._table = table
        self.id = next(_ids)

    def remove(self):
        self._table.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
        return False

    def __repr__(self):
        return f"<RemovableHandle id={self.id}>"


def add_hook(table, fn, what):
    """Register ``fn`` in ``table`` (a dict kept in registration order)."""
    if not callable(fn):
        raise TypeError(f"{what}: the hook must be callable, got {type(fn).__name__} {fn!r}")
    handle = RemovableHandle(table)
    table[handle.id] = fn
    return handle


class NodeHooks:
    """Everything registered on one node.  ``retained`` is a weak reference
    to the output tensor whose ``.grad`` is kept (``retain_grad``)."""

    __slots__ = ("tensor_pre", "retained", "pre", "post")

    def __init__(self):
        self.tensor_pre = {}
        self.retained = None
        self.pre = {}
        self.post = {}

    def __bool__(self):
        return bool(self.tensor_pre or self.retained is not None or self.pre or self.post)


def node_hooks(node):
    """The node's `NodeHooks`, created on first use."""
    hooks = node._hooks
    if hooks is None:
        hooks = node._hooks = NodeHooks()
    return hooks


def run_tensor_hooks(table, grad):
    """``fn(grad)`` for each hook, each seeing what the previous returned."""
    for fn in tuple(table.values()):
        out = fn(grad)
        if out is not None:
            grad = checked_grad(fn, grad, out)
    return grad


def run_pre_hooks(node, grad):
    for fn in tuple(node._hooks.pre.values()):
        out = fn((grad,))
        if out is not None:
            if not isinstance(out, tuple):
                raise TypeError(f"{node.name()} pre-hook {_name(fn)} returned a "
                                f"{type(out).__name__}; expected a tuple of gradients "
                                "(or None to keep them)")
            _count(fn, node, out, 1)
            if out[0] is not None:
                grad = checked_grad(fn, grad, out[0])
    return grad


def run_post_hooks(node, grad_inputs, grad):
    for fn in tuple(node._hooks.post.values()):
        out = fn(grad_inputs, (grad,))
        if out is not None:
            if not isinstance(out, tuple):
                raise TypeError(f"{node.name()} hook {_name(fn)} returned a "
                                f"{type(out).__name__}; expected a tuple of gradients "
                                "(or None to keep them)")
            _count(fn, node, out, len(grad_inputs))
            grad_inputs = tuple(
                new if old is None or new is None else checked_grad(fn, old, new)
                for old, new in zip(grad_inputs, out))
    return grad_inputs


def checked_grad(fn, old, new):
    from .tensor import Tensor
    if not isinstance(new, Tensor):
        raise TypeError(f"hook {_name(fn)} returned a {type(new).__name__}; a gradient hook "
                        "must return a Tensor (or None to keep the gradient)")
    if new.shape != old.shape:
        raise ShapeError(f"hook {_name(fn)} changed the gradient's shape from "
                         f"{tuple(old.shape)} to {tuple(new.shape)}")
    if new.dtype != old.dtype:
        raise DTypeError(f"hook {_name(fn)} changed the gradient's dtype from {old.dtype} "
                         f"to {new.dtype}")
    return new


def _count(fn, node, out, expected):
    if len(out) != expected:
        raise RuntimeError(f"{node.name()} hook {_name(fn)} returned {len(out)} gradients, "
                           f"expected {expected}")


def _name(fn):
    return repr(getattr(fn, "__qualname__", None) or type(fn).__name__)

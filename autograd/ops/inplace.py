"""In-place ops: the tensor object keeps its identity, its array is
overwritten, and its version counter is bumped.

When the graph is being recorded, the tensor's history is *rebased*: the op
is computed out of place on a copy of the old value, and the tensor takes
over the new node, exactly as if the user had written ``x = x + y``.  Nodes
that saved the old value see the bumped version and refuse to run.
"""
import numpy as np

from ..errors import DTypeError, ShapeError
from ..function import Function
from ..grad_mode import _state
from ..tensor import Tensor, _wrap, hand_over_retention
from . import elementwise as ew
from ._placement import torch_layout
from .movement import (Expand, Index, Permute, Reshape, check_broadcastable, getitem,
                       sum_to, _norm_index)

_UFUNCS = {ew.Add: np.add, ew.Sub: np.subtract, ew.Mul: np.multiply, ew.Div: np.true_divide}


def _plain_type(e):
    """The exception class to re-raise NumPy's ``e`` as, with our message:
    shapes that do not fit are a `ShapeError` and casts a `DTypeError` (both
    also RuntimeError, as PyTorch raises); NumPy's casting errors subclass
    TypeError but need extra constructor arguments."""
    if isinstance(e, TypeError):
        return DTypeError
    if type(e) is ValueError:
        return ShapeError
    return type(e)


def _leaf_error(t, label):
    raise RuntimeError(
        f"{label}: a leaf tensor that requires grad (shape {t.shape}) cannot be modified "
        "in place while grad mode is on: its .grad is defined with respect to its "
        "current value. Wrap the update in `with autograd.no_grad():` (as optimizers "
        "do) or write an out-of-place op.")


def _tracked(t, other):
    return _state.enabled and (t._rg or (isinstance(other, Tensor) and other._rg))


def _history_copy(t):
    """The tensor's current value and history, as a separate tensor that the
    coming overwrite cannot touch."""
    old = _wrap(t._data.copy())
    old._grad_fn = t._grad_fn
    old._rg = t._rg
    return old


def _rebase(t, result, label):
    """Give ``t`` the value and history of ``result``.  If ``t`` is a view,
    the write goes through its base, so the base's history learns about it
    too (otherwise the base's gradient would silently ignore the change):
    an indexing view becomes an indexed assignment into the base, a reshape
    or permute view (which covers its whole base) gives the base the
    inverse-shaped result.  The view itself then regenerates its history
    from the base's (see `autograd.tensor._View`)."""
    if result.shape != t.shape:
        raise ShapeError(f"{label}: the result has shape {result.shape} but the tensor being "
                         f"updated has shape {t.shape}; in-place ops cannot change a shape")
    if result.dtype != t.dtype:
        result = ew.cast(result, t.dtype)
    view = getattr(t, "_view", None)
    if view is None:
        _write(t, result._data, label)
        hand_over_retention(t, t._grad_fn, result._grad_fn)
        t._grad_fn = result._grad_fn
        t._rg = result._rg
        return
    _check_view_writable(t, label)
    base, op = view.base, view.op
    if op is Index:
        setitem(base, view.arg, result)
    elif op is Permute:
        _rebase(base, Permute.apply(result, tuple(np.argsort(view.arg))), label)
    elif hasattr(op, "write_back"):  # a view op that says how to write into its base
        _rebase(base, op.write_back(base, view.arg, result), label)
    else:  # Reshape
        _rebase(base, Reshape.apply(result, base.shape), label)


def _check_view_writable(t, label):
    """Refuse, before anything is written, an in-place op through a chain
    of views that ends at a leaf requiring grad or passes an expand (whose
    elements share memory)."""
    for view in _views_up_from(t):
        if not view.recorded:
            raise RuntimeError(
                f"{label}: this tensor (shape {t.shape}) is a view made under no_grad(), "
                "so autograd does not know how it relates to its base; modifying it in "
                "place while autograd records would leave the base's gradient wrong. Make "
                "the view outside no_grad(), or do the in-place op inside no_grad() too.")
        if view.op is Expand:
            raise RuntimeError(
                f"{label}: this tensor (shape {t.shape}) is an expand/broadcast_to view of a "
                f"tensor of shape {view.base.shape}: several of its elements share one memory "
                "location, so an in-place write is ambiguous. Call .clone() first.")
    root = _view_root(t)
    if root._rg and root._grad_fn is None:
        _leaf_error(root, label + " (through a view)")


def _views_up_from(t):
    """The `ViewOf` records from ``t`` up to the tensor that owns the memory."""
    view = getattr(t, "_view", None)
    while view is not None:
        yield view
        view = getattr(view.base, "_view", None)


def _view_root(t):
    """The tensor that owns the memory ``t`` (a view, or not) looks at."""
    for view in _views_up_from(t):
        t = view.base
    return t


def _write(t, values, label):
    try:
        np.copyto(t._data, values, casting="same_kind")
    except (ValueError, TypeError) as e:
        kind = _plain_type(e)
        raise kind(f"{label}: cannot write into the tensor of shape {t.shape} and dtype "
                   f"{t.dtype}: {e}") from None
    t._vc[0] += 1


def apply_inplace(t, fn, other, label):
    if _tracked(t, other):
        if t._rg and t._grad_fn is None:
            _leaf_error(t, label)
        _rebase(t, ew.binary(fn, _history_copy(t), other), label)
        return t
    _check_untracked_write(t, label)
    od = other._data if isinstance(other, Tensor) else other
    try:
        _UFUNCS[fn](t._data, od, out=t._data)
    except (ValueError, TypeError) as e:
        kind = _plain_type(e)
        raise kind(f"{label}: cannot update a tensor of shape {t.shape} and dtype {t.dtype} "
                   f"in place with an operand of shape {np.shape(od)} and dtype "
                   f"{getattr(od, 'dtype', type(od).__name__)}: {e}") from None
    t._vc[0] += 1
    return t


def unary_inplace(t, op, label, *operands):
    """``t.<op>_(...)``: ``op`` (the out-of-place form, a function of one
    tensor) computed on ``t``'s value and written back into it.  While
    autograd records (``t`` or a tensor operand such as a clamp bound
    requires grad) ``t`` takes over the result's history, as `apply_inplace`
    does; otherwise the values are overwritten.  Either way nothing is
    written when the result's dtype cannot be stored in ``t``."""
    if _state.enabled and (t._rg or any(isinstance(o, Tensor) and o._rg for o in operands)):
        if t._rg and t._grad_fn is None:
            _leaf_error(t, label)
        result = op(_history_copy(t))
        _check_castable(result, t, label)
        _rebase(t, result, label)
        return t
    _check_untracked_write(t, label)
    result = op(t)
    _check_castable(result, t, label)
    _write(t, result._data, label)
    return t


def _check_castable(result, t, label):
    """PyTorch's rule for writing a result into an existing tensor: no
    float (or complex) into an integer tensor, no complex into a real one,
    nothing but bool into a bool tensor (``int_tensor.sqrt_()`` is an
    error; ``float32_tensor.clamp_(float64_bound)`` is not)."""
    src, dst = result._data.dtype, t._data.dtype
    if dst.kind == "b":
        ok = src.kind == "b"
    elif dst.kind in "iu":
        ok = src.kind in "biu"
    else:
        ok = dst.kind == "c" or src.kind != "c"
    if not ok:
        raise DTypeError(f"{label}: the result has dtype {src}, which can't be cast to the "
                         f"dtype {dst} of the tensor updated in place (as in PyTorch); use "
                         f"the out-of-place form or convert the tensor first (e.g. .float())")


def fill_inplace(t, value, label):
    if isinstance(value, Tensor) and value.ndim != 0:
        raise ShapeError(f"{label}: the fill value must be a number or a 0-d tensor, got a "
                         f"tensor of shape {value.shape} (to copy values use copy_)")
    if _tracked(t, value):
        setitem(t, Ellipsis, value, label)
        return t
    _check_untracked_write(t, label)
    try:
        t._data[...] = value
    except (ValueError, TypeError) as e:
        kind = _plain_type(e)
        raise kind(f"{label}: cannot fill a tensor of dtype {t.dtype}: {e}") from None
    t._vc[0] += 1
    return t


def copy_inplace(t, src):
    if _tracked(t, src):
        s = src if isinstance(src, Tensor) else _wrap(np.asarray(src, dtype=t.dtype))
        check_broadcastable(s.shape, t.shape, "copy_")
        setitem(t, Ellipsis, s, "copy_")
        return t
    _check_untracked_write(t, "copy_")
    _write(t, src._data if isinstance(src, Tensor) else src, "copy_")
    return t


def _check_untracked_write(t, label):
    """An in-place op that records nothing (neither the tensor nor the
    operand requires grad) still changes memory.  Through a view made under
    ``no_grad`` of something that requires grad, that would change values
    behind the back of their history (a silently wrong gradient, or a
    changed leaf): refused as a tracked write would be (PyTorch refuses
    too)."""
    if _state.enabled and getattr(t, "_view", None) is not None and _view_root(t)._rg:
        _check_view_writable(t, label)


class IndexPut(Function):
    """``out = old; out[index] = value``: old's gradient is zero at index,
    value's is the gradient there."""
    __slots__ = ("_index", "_value_shape")

    @staticmethod
    def forward(ctx, old, value, index):
        ctx._index = index
        ctx._value_shape = np.shape(value)
        out = old.copy()
        out[index] = value
        return out

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        g_old = None
        if n[0]:
            keep = np.ones(g.shape, dtype=g.dtype)
            keep[ctx._index] = 0
            g_old = g * keep
        g_val = None
        if n[1]:
            g_val = getitem(g, ctx._index)
            g_val = sum_to(g_val, ctx._value_shape)
        return g_old, g_val, None


def setitem(t, index, value, label="__setitem__"):
    """``t[index] = value``; with autograd recording, the write becomes an
    `IndexPut` node (also used by ``fill_`` and ``copy_`` with index ``...``:
    the old values get gradient 0, the written ones pass theirs on)."""
    index = _norm_index(index)
    index, drop = torch_layout(index, t._data.shape)
    if drop:
        value = _value_for_layout(t, index, drop, value)
    if _tracked(t, value):
        if t._rg and t._grad_fn is None:
            _leaf_error(t, label)
        v = value
        if isinstance(v, Tensor) and v.dtype != t.dtype:
            v = ew.cast(v, t.dtype)
        try:
            updated = IndexPut.apply(_history_copy(t), v, index)
        except (ValueError, IndexError, TypeError) as e:
            raise _plain_type(e)(f"{label} on a tensor of shape {t.shape}: {e}") from None
        _rebase(t, updated, label)
        return
    _check_untracked_write(t, label)
    try:
        t._data[index] = value._data if isinstance(value, Tensor) else value
    except (ValueError, IndexError, TypeError) as e:
        kind = _plain_type(e)
        raise kind(f"__setitem__ on a tensor of shape {t.shape}: {e}") from None
    t._vc[0] += 1


def _value_for_layout(t, index, drop, value):
    """A value shaped for PyTorch's layout of ``t[index]``, reshaped for the
    NumPy index `torch_layout` made (it has length-1 dims at ``drop``)."""
    if not isinstance(value, (Tensor, np.ndarray)) or np.ndim(value) == 0:
        return value
    numpy_shape = np.broadcast_to(np.zeros((), t.dtype), t.shape)[index].shape
    torch_shape = tuple(s for i, s in enumerate(numpy_shape) if i not in drop)
    if isinstance(value, Tensor):
        from .movement import broadcast_to, reshape
        return reshape(broadcast_to(value, torch_shape), numpy_shape)
    return np.broadcast_to(value, torch_shape).reshape(numpy_shape)

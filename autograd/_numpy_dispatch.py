"""What NumPy does with tensors: ``np.exp(t)``, ``np.sum(t)``, ``arr * t``.

NumPy hands every ufunc call that involves a tensor to
``Tensor.__array_ufunc__`` (ndarray's operators are ufuncs, so ``arr * t``
arrives here as ``np.multiply(arr, t)``) and every other public function to
``Tensor.__array_function__``.  Both land in this module, which picks one of
three routes:

1. chainrule has the op: run it.  The result records the graph and follows
   chainrule's dtype rules, so ``arr * t`` is exactly ``t.__rmul__(arr)``.
2. chainrule has no such op (or not with these arguments), but no tensor in
   the call requires grad, or grad mode is off, or the result can carry no
   gradient anyway (shapes, comparisons, argsort...): NumPy computes on the
   tensors' read-only arrays and array results come back as tensors.
3. Otherwise the call is refused with a TypeError that names the function.
   Computing it in NumPy would hand back a value whose gradient is silently
   gone -- the one thing this module exists to prevent.

``out=`` a tensor is written with ``Tensor.copy_``, an in-place op that
bumps the version and is recorded like ``t.copy_(...)``.  ``out=`` a NumPy
array cannot hold a gradient, so it takes route 2 or 3; in route 2 NumPy
writes into it with its own rules (``arr += t`` keeps working).

The adapters below mirror NumPy's signatures so positional and keyword
arguments bind as in NumPy; an argument an adapter does not accept sends
the call to route 2 or 3.  None of this is on the per-op hot path: the
library never calls NumPy functions on tensors.
"""
import functools
import inspect

import numpy as np

from .grad_mode import _state
from .tensor import Tensor, _readonly, _wrap
from .ops import elementwise as _ew
from .ops import matmul as _mm
from .ops import movement as _mv


class _Unsupported(Exception):
    """chainrule's op cannot take this call; the message says why."""


# ------------------------------------------------------------------ ufuncs
def _binary(fn):
    return functools.partial(_ew.binary, fn)


# comparisons and bitwise ops go through chainrule too, so a NumPy scalar on
# the left is as weak as on the right and complex operands are refused alike
_UFUNCS = {
    **{u: functools.partial(_ew.compare, u) for u in (np.equal, np.not_equal, np.less, np.less_equal, np.greater,
                                np.greater_equal, np.logical_and, np.logical_or,
                                np.logical_xor)},
    **{u: functools.partial(_ew.bitwise, u) for u in (np.bitwise_and, np.bitwise_or, np.bitwise_xor)},
    np.add: _binary(_ew.Add),
    np.subtract: _binary(_ew.Sub),
    np.multiply: _binary(_ew.Mul),
    np.true_divide: _binary(_ew.Div),
    np.power: _ew.power,
    np.matmul: _mm.matmul,
    np.maximum: _ew.maximum,
    np.minimum: _ew.minimum,
    np.negative: Tensor.__neg__,
    np.positive: Tensor.__pos__,
    np.exp: Tensor.exp,
    np.log: Tensor.log,
    np.sqrt: Tensor.sqrt,
    np.absolute: Tensor.abs,
    np.sin: Tensor.sin,
    np.cos: Tensor.cos,
    np.tanh: Tensor.tanh,
    np.square: Tensor.square,
    np.reciprocal: Tensor.reciprocal,
    np.sign: Tensor.sign,
}


def _bool_valued(ufunc):
    """Comparisons, logical ops, isnan...: a bool result has no gradient, so
    NumPy may compute it whatever the inputs require."""
    typed = [t for t in ufunc.types if "O" not in t]  # object loops return anything
    return bool(typed) and all(t.endswith("?") for t in typed)


def array_ufunc(ufunc, method, inputs, kwargs):
    name = f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    op = _UFUNCS.get(ufunc) if method == "__call__" else None
    try:
        if op is None:
            raise _Unsupported("chainrule has no differentiable version of it")
        extra = sorted(kwargs.keys() - {"out", "dtype"})
        if extra:
            raise _Unsupported(f"chainrule's version does not take {extra[0]}=")
        out = _tensor_out(kwargs.get("out"))
        if not any(isinstance(x, Tensor) for x in inputs):  # only out= is a tensor
            inputs = (_tensor(inputs[0]),) + inputs[1:]
        dtype = kwargs.get("dtype")
        result = op(*[_cast(x, dtype) for x in inputs])
    except _Unsupported as why:
        if method == "at" and isinstance(inputs[0], Tensor):
            # ufunc.at writes into its operand even when it is read-only
            raise ValueError(_write_refusal(name, "its first operand is a tensor")) from None
        call = ufunc if method == "__call__" else getattr(ufunc, method)
        return _in_numpy(call, name, inputs, kwargs, str(why), _bool_valued(ufunc))
    return _deliver(result, out)


# --------------------------------------------------------------- functions
def _sum(a, axis=None, dtype=None, out=None, keepdims=False):
    return _cast(a, dtype).sum(axis=axis, keepdims=keepdims)


def _mean(a, axis=None, dtype=None, out=None, keepdims=False):
    return _cast(a, dtype).mean(axis=axis, keepdims=keepdims)


def _amax(a, axis=None, out=None, keepdims=False):
    return _tensor(a).amax(axis=axis, keepdims=keepdims)


def _amin(a, axis=None, out=None, keepdims=False):
    return _tensor(a).amin(axis=axis, keepdims=keepdims)


def _var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=None):
    """NumPy's default is the population variance (ddof=0), PyTorch's the
    sample variance: pass NumPy's choice on explicitly."""
    return _cast(a, dtype).var(axis=axis, correction=_ddof(ddof, correction), keepdims=keepdims)


def _std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=None):
    return _cast(a, dtype).std(axis=axis, correction=_ddof(ddof, correction), keepdims=keepdims)


def _ddof(ddof, correction):
    if correction is None:
        return ddof
    if ddof != 0:
        raise ValueError("np.var/np.std: give either ddof= or correction=, not both")
    return correction


def _argmax(a, axis=None, out=None, *, keepdims=False):
    return _tensor(a).argmax(axis=axis, keepdims=keepdims)


def _argmin(a, axis=None, out=None, *, keepdims=False):
    return _tensor(a).argmin(axis=axis, keepdims=keepdims)


def _reshape(a, shape=None, order="C", *, newshape=None):
    """NumPy 2.1 renamed ``newshape`` to ``shape``; accept either."""
    _c_order(order)
    shape = newshape if shape is None else shape
    if shape is None:
        raise TypeError("np.reshape() needs a shape")
    return _tensor(a).reshape((shape,) if isinstance(shape, int) else tuple(shape))


def _ravel(a, order="C"):
    _c_order(order)
    return _tensor(a).reshape(-1)


def _c_order(order):
    if order not in ("C", None):
        raise _Unsupported(f"chainrule's version does not take order={order!r} (only 'C')")


def _transpose(a, axes=None):
    t = _tensor(a)
    return t.permute(tuple(range(t.ndim - 1, -1, -1)) if axes is None else tuple(axes))


def _swapaxes(a, axis1, axis2):
    return _tensor(a).transpose(axis1, axis2)


def _squeeze(a, axis=None):
    return _tensor(a).squeeze(axis)


def _expand_dims(a, axis):
    if not isinstance(axis, (int, np.integer)):
        raise _Unsupported("chainrule's version takes one axis= at a time")
    return _tensor(a).unsqueeze(int(axis))


def _broadcast_to(array, shape, subok=False):
    return _tensor(array).broadcast_to((shape,) if isinstance(shape, int) else shape)


def _copy(a, order="K", subok=False):
    """Memory order does not change values, so any order clones."""
    return _tensor(a).clone()


def _concatenate(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """``axis=None`` joins the flattened inputs, as in NumPy."""
    _same_kind(casting)
    parts = [_cast(x, dtype) for x in arrays]
    if axis is None:
        parts = [_tensor(x).reshape(-1) for x in parts]
        axis = 0
    return _mv.cat(parts, axis)


def _stack(arrays, axis=0, out=None, *, dtype=None, casting="same_kind"):
    _same_kind(casting)
    return _mv.stack([_cast(x, dtype) for x in arrays], axis)


def _same_kind(casting):
    if casting != "same_kind":
        raise _Unsupported(f"chainrule's version does not take casting={casting!r}")


def _where(condition, x=None, y=None):
    """One argument is ``np.nonzero``: indices, which have no gradient."""
    if x is None and y is None:
        cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
        return tuple(_wrap(i) for i in np.nonzero(cond))
    if x is None or y is None:
        raise ValueError("np.where(): give both x and y, or neither")
    return _ew.where(condition, x, y)


def _clip(a, a_min=None, a_max=None, out=None, *, min=None, max=None):
    """NumPy 2.1 added ``min=``/``max=`` beside ``a_min``/``a_max``."""
    lo = a_min if min is None else min
    hi = a_max if max is None else max
    return _tensor(a).clamp(lo, hi)


def _dot(a, b, out=None):
    """``np.dot`` is ``matmul`` for 1-D and 2-D operands and a product with
    a scalar; for higher dims it sums over other axes than matmul."""
    nd = (np.ndim(_plain(a)), np.ndim(_plain(b)))
    if 0 in nd:
        return _ew.binary(_ew.Mul, a, b)
    if max(nd) > 2:
        raise _Unsupported("np.dot of operands with more than 2 dims is not np.matmul, and "
                           "chainrule has no differentiable version of it")
    return _mm.matmul(a, b)


_ADAPTERS = {
    np.sum: _sum, np.mean: _mean, np.max: _amax, np.amax: _amax, np.min: _amin,
    np.amin: _amin, np.var: _var, np.std: _std, np.argmax: _argmax, np.argmin: _argmin,
    np.reshape: _reshape, np.ravel: _ravel, np.transpose: _transpose,
    np.swapaxes: _swapaxes, np.squeeze: _squeeze, np.expand_dims: _expand_dims,
    np.broadcast_to: _broadcast_to, np.copy: _copy, np.concatenate: _concatenate,
    np.stack: _stack, np.where: _where, np.clip: _clip, np.dot: _dot,
}
_FUNCTIONS = {f: (a, inspect.signature(a)) for f, a in _ADAPTERS.items()}

# Results that do not depend differentiably on any tensor's values.
_NO_GRADIENT = {
    np.shape, np.ndim, np.size, np.result_type, np.may_share_memory, np.shares_memory,
    np.iscomplexobj, np.isrealobj, np.zeros_like, np.ones_like, np.empty_like,
    np.full_like, np.allclose, np.isclose, np.array_equal, np.array_equiv, np.any,
    np.all, np.count_nonzero, np.nonzero, np.flatnonzero, np.argwhere, np.argsort,
}


def array_function(func, args, kwargs):
    name = _name(func)
    entry = _FUNCTIONS.get(func)
    try:
        if entry is None:
            raise _Unsupported("chainrule has no differentiable version of it")
        adapter, signature = entry
        bound = _bind(signature, args, kwargs)
        out = _tensor_out(bound.arguments.pop("out", None))
        result = adapter(*bound.args, **bound.kwargs)
    except _Unsupported as why:
        return _in_numpy(func, name, args, kwargs, str(why), func in _NO_GRADIENT)
    return _deliver(result, out)


def _bind(signature, args, kwargs):
    try:
        return signature.bind(*args, **kwargs)
    except TypeError:
        extra = sorted(kwargs.keys() - signature.parameters.keys())
        what = f"{extra[0]}=" if extra else f"{len(args)} positional arguments"
        raise _Unsupported(f"chainrule's version does not take {what}") from None


def _name(func):
    module = getattr(func, "__module__", None) or "numpy"
    return module.replace("numpy", "np", 1) + "." + func.__name__


# ----------------------------------------------------------------- helpers
def _tensor(x):
    return x if isinstance(x, Tensor) else _wrap(np.asarray(x))


def _plain(x):
    return x._data if isinstance(x, Tensor) else x


def _cast(x, dtype):
    """NumPy's ``dtype=``: compute in that dtype.  A cast to a non-float
    dtype has no gradient, so it is chainrule's op only when nothing needs
    one (PyTorch refuses ``sum(dtype=int64)`` of a tensor needing grad)."""
    if dtype is None:
        return x
    dtype = np.dtype(dtype)
    if isinstance(x, Tensor):
        if dtype.kind != "f" and x._rg and _state.enabled:
            raise _Unsupported(f"dtype={dtype} is not a floating dtype, so the result "
                               "could not carry a gradient")
        return _ew.cast(x, dtype)
    return x.astype(dtype) if isinstance(x, np.ndarray) else x


def _tensor_out(out):
    """The tensor to write the result into (None if no ``out=``).  Ufuncs
    get ``out`` as a tuple."""
    if isinstance(out, tuple):
        if len(out) != 1:
            raise _Unsupported("chainrule's version has a single output")
        out = out[0]
    if out is None or isinstance(out, Tensor):
        return out
    raise _Unsupported(f"out= is a NumPy array ({type(out).__name__}), which cannot hold a gradient "
                       "(``array += tensor`` does this: write ``array = array + tensor``)")


def _deliver(result, out):
    if out is None:
        return result
    out.copy_(result)
    return out


def _tensors_in(obj):
    if isinstance(obj, Tensor):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _tensors_in(item)


def _needs_graph(args, kwargs):
    if not _state.enabled:
        return False
    return any(t._rg for part in (args, tuple(kwargs.values())) for t in _tensors_in(part))


def _arrays(obj):
    """Tensors as read-only arrays (NumPy must not write into a tensor
    behind the version counter's back)."""
    if isinstance(obj, Tensor):
        return _readonly(obj._data)
    if isinstance(obj, list):
        return [_arrays(x) for x in obj]
    if isinstance(obj, tuple):
        return tuple(_arrays(x) for x in obj)
    return obj


def _in_numpy(call, name, args, kwargs, problem, no_gradient):
    """Routes 2 and 3 of the module docstring."""
    if not no_gradient and _needs_graph(args, kwargs):
        raise TypeError(
            f"{name}() got a tensor that requires grad, but {problem}; computing it in NumPy "
            "would silently drop the gradient. Use chainrule's op (a Tensor method or "
            "autograd function) to keep it, or pass t.detach() (or t.detach().numpy()) if "
            "no gradient is wanted.")
    outs = {}
    kwargs = {k: _scratch_out(v, outs) if k == "out" else _arrays(v) for k, v in kwargs.items()}
    try:
        result = call(*_arrays(args), **kwargs)
    except ValueError as e:
        if "read-only" not in str(e):
            raise
        raise ValueError(_write_refusal(name, f"NumPy said: {e}")) from None
    for array, target in outs.values():
        if isinstance(target, Tensor):
            target.copy_(_wrap(array))
    return _as_tensors(result, outs)


def _write_refusal(name, detail):
    return (f"{name}() would write into a tensor's storage, which bypasses autograd's "
            "version tracking; use a tensor op instead (t.copy_(v), t[index] = v, "
            f"t.add_(v), ...) ({detail})")


def _scratch_out(out, outs):
    """A writable copy stands in for each tensor in ``out=`` (a copy, so
    ``where=`` leaves the rest as it was); NumPy arrays are used as given.
    ``outs`` maps id(array) -> (array, what the caller gets back)."""
    if isinstance(out, tuple):
        return tuple(_scratch_out(o, outs) for o in out)
    if isinstance(out, Tensor):
        scratch = out._data.copy()
        outs[id(scratch)] = (scratch, out)
        return scratch
    if isinstance(out, np.ndarray):
        outs[id(out)] = (out, out)
    return out


def _as_tensors(result, outs):
    if isinstance(result, np.ndarray):
        if id(result) in outs:
            return outs[id(result)][1]
        # a view of a (read-only) tensor array gets storage of its own
        return _wrap(result if result.flags.writeable else result.copy())
    if isinstance(result, np.generic) and result.dtype.kind in "biufc":
        return _wrap(np.asarray(result))
    if isinstance(result, (list, tuple)) and not hasattr(result, "_fields"):
        return type(result)(_as_tensors(r, outs) for r in result)
    return result

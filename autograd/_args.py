"""Argument preparation shared by every op family, following PyTorch.

One place decides what counts as a size, a dim and an operand, so every op
refuses the same misuse with the same kind of message (naming the function,
the argument, what was given and what was expected):

* **sizes** (`size_arg`, `int_arg`): Python ints, NumPy integers and
  one-element integer tensors; never bools, floats or strings (TypeError);
  negative sizes are a `ShapeError`, except the one ``-1`` that ``reshape``
  infers and the ``-1`` with which ``expand`` keeps a size.
* **dims** (`dim_arg`, `dims_arg`): int-like only (``sum(dim=1.5)`` is a
  TypeError); out of range is an IndexError stating the range; a dim named
  twice is a `ShapeError`.
* **operands** (`as_const`, `align`, `promote_for_scalar`, `where_scalar`):
  Python and NumPy scalars are "weak" (they take the tensor's dtype unless
  they are of a higher category), 0-d arrays count as 0-d tensors, lists as
  tensors, under the rules in `dtypes`.

The common cases cost one ``type(x) is int`` test; the checks that build
messages run only when something is wrong.
"""
import numpy as np

from . import device as _device
from . import dtypes as _dt
from .errors import ArgumentError, DTypeError, ShapeError
from .tensor import Tensor, _wrap

PY_SCALARS = (int, float, bool)


# ----------------------------------------------------------------- ints
def _type_name(value):
    return type(value).__name__


def int_arg(value, fn, name):
    """``value`` as a Python int if it is int-like: an int (not a bool), a
    NumPy integer, or a one-element integer tensor (PyTorch accepts those)."""
    if type(value) is int:
        return value
    if isinstance(value, np.integer):
        return int(value)
    if (isinstance(value, Tensor) and value._data.dtype.kind in "iu"
            and value._data.size == 1):
        return int(value._data.item())
    what = _type_name(value)
    if isinstance(value, Tensor):
        what = f"a tensor of dtype {value.dtype} and shape {value.shape}"
    raise TypeError(f"{fn}(): argument '{name}' must be an int, got {what} ({value!r})")


def nonnegative_int_arg(value, fn, name):
    """An int-like count that may be zero but not negative (PyTorch raises
    RuntimeError for those: here a `ShapeError`, also a ValueError)."""
    n = int_arg(value, fn, name)
    if n < 0:
        raise ShapeError(f"{fn}(): argument '{name}' must be >= 0, got {n}")
    return n


# ---------------------------------------------------------------- sizes
def size_arg(args, fn, name="size", wildcard=None):
    """The sizes of ``f(2, 3)``, ``f((2, 3))`` or ``f([2, 3])`` as a tuple of
    ints.  ``wildcard`` says what a ``-1`` may mean: None (nothing: every
    size must be >= 0), ``"infer"`` (at most one, inferred from the element
    count: reshape/view) or ``"keep"`` (keep that dim's size: expand)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    for s in args:
        if type(s) is not int or s < 0:
            return _checked_size(args, fn, name, wildcard)
    return tuple(args)


def _checked_size(args, fn, name, wildcard):
    """`size_arg` for anything but plain non-negative ints."""
    size = tuple(s if type(s) is int else _size_item(s, fn, name, i, args)
                 for i, s in enumerate(args))
    if size and min(size) < 0:
        _check_negative(size, fn, name, wildcard)
    return size


def _size_item(s, fn, name, i, args):
    try:
        return int_arg(s, fn, name)
    except TypeError:
        shown = tuple(args) if isinstance(args, (tuple, list)) else args
        raise TypeError(f"{fn}(): argument '{name}' must be a tuple of ints, but element {i} "
                        f"is {_type_name(s)} ({s!r}) in {shown!r}") from None


def _check_negative(size, fn, name, wildcard):
    minus_ones = [i for i, s in enumerate(size) if s == -1]
    for i, s in enumerate(size):
        if s < -1 or (s == -1 and wildcard is None):
            expected = {None: "sizes must be >= 0",
                        "infer": "sizes must be >= 0, except one -1 to infer",
                        "keep": "sizes must be >= 0, or -1 to keep a size"}[wildcard]
            raise ShapeError(f"{fn}(): invalid {name} {s} at position {i} in {size}; {expected}")
    if wildcard == "infer" and len(minus_ones) > 1:
        raise ShapeError(f"{fn}(): only one dimension can be inferred, but {size} has -1 at "
                         f"positions {minus_ones}")


# ----------------------------------------------------------------- dims
def dim_arg(dim, ndim, fn, name="dim"):
    """One dim, normalized to ``0 <= d < ndim``.  A 0-d tensor accepts
    dims -1 and 0 (as in PyTorch)."""
    d = dim if type(dim) is int else int_arg(dim, fn, name)
    hi = ndim if ndim else 1
    if -hi <= d < hi:
        return d % hi if ndim else 0
    raise IndexError(f"{fn}(): {name} {d} is out of range for a tensor with {ndim} dims "
                     f"(expected a dim in [{-hi}, {hi - 1}])")


def dims_arg(dim, ndim, fn):
    """The dims a reduction runs over, as a sorted tuple: None or an empty
    list means all of them (PyTorch); a dim named twice is an error."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        if not dim:
            return tuple(range(ndim))
        out = [dim_arg(d, ndim, fn) for d in dim]
    else:
        out = [dim_arg(dim, ndim, fn)]
    if not ndim:
        return ()
    if len(set(out)) != len(out):
        raise ShapeError(f"{fn}(): dim {out[_first_repeat(out)]} appears more than once in "
                         f"dim={dim!r}")
    return tuple(sorted(out))


def _first_repeat(items):
    seen = set()
    for i, d in enumerate(items):
        if d in seen:
            return i
        seen.add(d)
    return None


def distinct_dims(dims, shape, fn):
    """A full ordering of the dims of a tensor of ``shape`` (permute): each
    named exactly once."""
    ndim = len(shape)
    given = tuple(dims)
    dims = tuple(dim_arg(d, ndim, fn) for d in given)
    if len(dims) != ndim:
        raise ShapeError(f"{fn}(): {len(dims)} dims {given} for a tensor of shape {shape} "
                         f"with {ndim} dims; name every dim exactly once")
    if len(set(dims)) != ndim:
        raise ShapeError(f"{fn}(): dim {dims[_first_repeat(dims)]} appears more than once "
                         f"in {given} for a tensor of shape {shape}")
    return dims


def dim_or_axis(dim, axis, fn):
    """PyTorch accepts ``dim`` and NumPy's ``axis`` for the same thing."""
    if axis is not None:
        if dim is not None and dim != axis:
            raise TypeError(f"{fn}(): got both dim={dim!r} and axis={axis!r}")
        return axis
    return dim


def keep_arg(keepdim, keepdims):
    return bool(keepdim or keepdims)


def correction_arg(unbiased, correction):
    """var/std take PyTorch's ``correction`` or the older ``unbiased``."""
    if correction is not None:
        if unbiased is not None:
            raise TypeError("var/std: give either unbiased= or correction=, not both")
        return correction
    return 1 if unbiased is None or unbiased else 0


# -------------------------------------------------------- dtype, device
def device_arg(device, fn):
    """Accept the CPU (what chainrule runs on) and name anything else."""
    _device.check_device(device, fn)


def dtype_arg(dtype, fn):
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{fn}(): {dtype!r} is not a dtype (expected e.g. autograd.float64, "
                        "numpy.float32 or 'float64')") from None


def to_flags(args, copy):
    """Split PyTorch's positional ``non_blocking`` and ``copy`` flags (bools
    after the device/dtype/tensor arguments of ``to``) from the rest;
    returns the remaining arguments and the ``copy`` flag.  Non-blocking
    transfers mean nothing on the CPU."""
    flags = []
    while args and isinstance(args[-1], bool):
        flags.insert(0, args[-1])
        args = args[:-1]
    if len(flags) > 2:
        raise TypeError(f"to(): expected at most two flags (non_blocking, copy), got {flags}")
    return args, (flags[1] if len(flags) == 2 else copy)


def to_dtype_arg(args, dtype, device, fn="to"):
    """Parse PyTorch's ``Tensor.to`` forms -- ``(dtype)``, ``(device)``,
    ``(device, dtype)``, ``(tensor)`` plus ``dtype=``/``device=`` -- into the
    target dtype (None: keep the dtype)."""
    if len(args) > 2:
        raise TypeError(f"{fn}(): expected at most a device and a dtype, got {len(args)} "
                        "positional arguments")
    for a in args:
        if isinstance(a, Tensor):
            given, a = "dtype", a.dtype
        else:
            given = "device" if _device.is_device_like(a) else "dtype"
        if given == "device":
            if device is not None:
                raise TypeError(f"{fn}(): device given twice ({device!r} and {a!r})")
            device = a
        else:
            if dtype is not None:
                raise TypeError(f"{fn}(): dtype given twice ({dtype!r} and {a!r})")
            dtype = a
    if device is not None:
        device_arg(device, fn)
    return None if dtype is None else dtype_arg(dtype, fn)


# ------------------------------------------------------------- operands
def op_label(fn):
    symbol = getattr(fn, "_symbol", None)
    return f"{fn.__name__.lower()} ({symbol})" if symbol else fn.__name__.lower()


def scalar_dtype(value):
    """The dtype a Python scalar stands for when it meets a tensor."""
    return _dt.default_dtype_for(value)


def as_const(x, like, fn=None):
    """A non-tensor operand as a constant tensor.  Python and NumPy scalars
    are weak (they become a 0-d array of the dtype the result will have, so
    they never widen ``like``); NumPy arrays keep their dtype (a 0-d one
    then counts as a 0-d tensor); lists become tensors as ``tensor()``
    would make them."""
    if isinstance(x, np.ndarray):
        return _wrap(x)
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, PY_SCALARS):
        dt = _dt.weak_result_dtype(like._data.dtype, scalar_dtype(x))
        return _wrap(np.asarray(x, dtype=dt))
    if isinstance(x, (list, tuple)) and _holds_tensor(x):
        _refuse_sequence_of_tensors(x, fn)
    try:
        return _wrap(_dt.infer_array(x))
    except (TypeError, ValueError):
        label = op_label(fn) if fn is not None else "tensor op"
        raise TypeError(f"{label}: unsupported operand of type {_type_name(x)}; expected a "
                        "tensor, a number or a NumPy array") from None


def _holds_tensor(seq):
    """Whether a (nested) list or tuple contains a Tensor anywhere."""
    stack = [seq]
    while stack:
        for item in stack.pop():
            if isinstance(item, Tensor):
                return True
            if isinstance(item, (list, tuple)):
                stack.append(item)
    return False


def _refuse_sequence_of_tensors(seq, fn):
    """NumPy would stack the tensors into one array and broadcast it, so
    ``z - z.max(dim=1, keepdim=True)`` (a ``(values, indices)`` pair) would
    give a wrong shape with no error; PyTorch refuses, and so do we."""
    label = op_label(fn) if fn is not None else "tensor op"
    kind = _type_name(seq)
    hint = ("; it is a (values, indices) result: use its .values (or amax/amin)"
            if hasattr(seq, "values") and hasattr(seq, "indices") else
            "; combine the tensors with stack/cat first")
    raise TypeError(f"{label}: unsupported operand of type {kind} holding tensors; expected a "
                    f"tensor, a number or a NumPy array{hint}")


def pair_dtype(a, b, true_division=False):
    """The result dtype of an op between arrays ``a`` and ``b``: a 0-d one
    is weak against a dimensioned one (see `dtypes`)."""
    a0, b0 = a.ndim == 0, b.ndim == 0
    if a0 == b0:
        dt = _dt.result_dtype(a.dtype, b.dtype)
    elif a0:
        dt = _dt.weak_result_dtype(b.dtype, a.dtype)
    else:
        dt = _dt.weak_result_dtype(a.dtype, b.dtype)
    if true_division and dt.kind in "biu":
        return _dt.DEFAULT_FLOAT
    return dt


def _check_bool_sub(fn, *dtypes):
    if getattr(fn, "_refuses_bool", False) and any(d == np.bool_ for d in dtypes):
        raise DTypeError(f"{op_label(fn)}: subtraction with a bool tensor is not supported "
                         "(as in PyTorch); to invert a mask use ~ or logical_not, or convert "
                         "with .long() / .float() first")


def align(fn, a, b):
    """Bring two tensors to one dtype (PyTorch's promotion, see `dtypes`)
    and one shape (`Expand` nodes, whose backward is `sum_to`)."""
    da, db = a._data, b._data
    true_div = getattr(fn, "_true_division", False)
    if da.dtype != db.dtype or da.dtype.kind in "biu":
        _check_bool_sub(fn, da.dtype, db.dtype)
        dt = pair_dtype(da, db, true_div)
        if da.dtype != dt:
            a = _ew.cast(a, dt)
        if db.dtype != dt:
            b = _ew.cast(b, dt)
    if da.shape != db.shape:
        try:
            shape = np.broadcast_shapes(da.shape, db.shape)
        except ValueError:
            symbol = getattr(fn, "_symbol", None) or "and"
            raise ShapeError(f"{op_label(fn)}: shapes {da.shape} {symbol} {db.shape} cannot "
                             "be broadcast together") from None
        if da.shape != shape:
            a = expanded(a, shape)
        if db.shape != shape:
            b = expanded(b, shape)
    return a, b


def expanded(x, shape):
    """``x`` broadcast to ``shape`` for the op about to consume it.  The
    result shares ``x``'s memory, so it shares its version counter too: an
    op that saves it must notice a later in-place change of ``x``."""
    out = _mv.Expand.apply(x, shape)
    out._vc = x._vc
    return out


def promote_for_scalar(fn, t, scalar):
    """A non-float tensor meets a Python scalar: the tensor takes the result
    dtype first (int tensor * 1.5 is float32, bool tensor + 1 is int64,
    int / int is float32), so NumPy computes in exactly that dtype."""
    dt = _dt.weak_result_dtype(t._data.dtype, scalar_dtype(scalar))
    _check_bool_sub(fn, t._data.dtype)
    if getattr(fn, "_true_division", False) and dt.kind in "biu":
        dt = _dt.DEFAULT_FLOAT
    return t if dt == t._data.dtype else _ew.cast(t, dt)


def where_scalar(x, like):
    """A scalar branch of ``where`` next to tensor ``like``: returns ``like``
    (cast if the scalar is of a higher category) and the scalar as a NumPy
    scalar of the result dtype, so ``np.where`` cannot widen."""
    if isinstance(x, np.generic):
        x = x.item()
    dt = _dt.weak_result_dtype(like._data.dtype, scalar_dtype(x))
    if dt != like._data.dtype:
        like = _ew.cast(like, dt)
    return like, dt.type(x)


def compare_arrays(a, b):
    """The arrays a comparison runs on, in the dtype PyTorch would compare
    them in (``float32_tensor == numpy.float64(0.1)`` compares in float32)."""
    if not isinstance(a, Tensor):
        a = as_const(a, b)
    if not isinstance(b, Tensor):
        b = as_const(b, a)
    da, db = a._data, b._data
    if da.dtype != db.dtype:
        dt = pair_dtype(da, db)
        da, db = da.astype(dt, copy=False), db.astype(dt, copy=False)
    return da, db


from .ops import elementwise as _ew  # noqa: E402  (ops import this module)
from .ops import movement as _mv  # noqa: E402

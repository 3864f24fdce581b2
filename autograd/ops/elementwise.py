"""Elementwise ops.

Binary ops never broadcast implicitly: `binary` first makes both operands
the same shape with `Expand` nodes (whose backward is `sum_to`), so each
backward below can assume ``grad.shape == input.shape``.  Python scalars
pass straight to NumPy, which treats them as "weak" and keeps the tensor's
dtype (float32 stays float32; float64 keeps full precision).
"""
import warnings

import numpy as np

from .. import dtypes as _dt
from ..errors import ArgumentError, DTypeError, ShapeError
from ..function import Function
from ..grad_mode import _state
from ..tensor import _COMPLEX_REFUSAL, Tensor, _wrap
from .zero_slope import connected_mask as _connected

from .._args import (PY_SCALARS as _SCALARS, align as _align, as_const as _as_const,
                     compare_arrays, expanded as _expanded, op_label as _op_label, pair_dtype,
                     promote_for_scalar as _promote_for_scalar, where_scalar)


# --------------------------------------------------------------- plumbing
# Operand coercion and dtype promotion live in `autograd._args`, shared with
# the other op families; `binary` is only the dispatch.
def binary(fn, a, b):
    """Dispatch a binary op: the common cases (same shape and dtype, or a
    Python scalar with a float tensor) go straight to ``fn.apply``."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            da, db = a._data, b._data
            if da.shape != db.shape or da.dtype != db.dtype:
                a, b = _align(fn, a, b)
            elif fn is Div and da.dtype.kind != "f":
                a, b = _align(fn, a, b)  # int / int is float32, not NumPy's float64
        elif type(b) in _SCALARS:
            if a._data.dtype.kind != "f":
                a = _promote_for_scalar(fn, a, b)
        elif isinstance(b, np.generic):  # NumPy scalars act as Python scalars
            return binary(fn, a, b.item())
        else:
            a, b = _align(fn, a, _as_const(b, a, fn))
    elif isinstance(b, Tensor):
        if type(a) in _SCALARS:
            if b._data.dtype.kind != "f":
                b = _promote_for_scalar(fn, b, a)
        elif isinstance(a, np.generic):
            return binary(fn, a.item(), b)
        else:
            a, b = _align(fn, _as_const(a, b, fn), b)
    else:
        raise TypeError(f"{_op_label(fn)}: expected at least one tensor operand")
    return fn.apply(a, b)


def unary(fn, x):
    """Float-valued unary ops turn integer input into float32 (PyTorch);
    complex input runs only through ops whose NumPy forward is the complex
    function (exp, log, sqrt, sin, cos, tanh, abs)."""
    kind = x._data.dtype.kind
    if kind != "f":
        if kind == "c":
            if not fn._complex_ok:
                _refuse_complex_input(fn.__name__.lower(), x)
        elif fn._float_only:
            x = cast(x, _dt.DEFAULT_FLOAT)
    return fn.apply(x)


def _refuse_complex_input(op, x):
    raise DTypeError(f"{op}: not defined for complex tensors (got dtype {x._data.dtype}); "
                     "chainrule computes complex values only with exp, log, sqrt, sin, cos, "
                     "tanh, abs and arithmetic")


_ORDERING = (np.less, np.less_equal, np.greater, np.greater_equal)


def compare(ufunc, a, b):
    """Comparisons and logical ops: NumPy result, never differentiable."""
    da, db = compare_arrays(a, b)
    if ufunc in _ORDERING:
        refuse_unordered(ufunc.__name__, da, db)
    try:
        return _wrap(np.asarray(ufunc(da, db)))
    except ValueError:
        raise ShapeError(f"{ufunc.__name__}: shapes {np.shape(da)} and {np.shape(db)} "
                         "cannot be broadcast together") from None


def bitwise(ufunc, a, b):
    """``&``, ``|``, ``^``: bitwise on integers, logical on bools (the same
    thing for one bit), as in PyTorch; floats and complex have no bits to
    combine, so they are refused.  Never differentiable; an integer meeting
    a bool gives the integer dtype."""
    for v in (a, b):
        kind = v._data.dtype.kind if isinstance(v, Tensor) else np.asarray(v).dtype.kind
        if kind in "fc":
            raise DTypeError(f"{ufunc.__name__}: defined for integer and bool tensors only, "
                             f"got a {'floating-point' if kind == 'f' else 'complex'} operand")
    return compare(ufunc, a, b)


class _Elementwise(Function):
    __slots__ = ()
    _symbol = None
    _float_only = True
    _complex_ok = False  # NumPy's forward is the complex function, too
    _true_division = False  # integer operands give float32 (Div)
    _refuses_bool = False  # bool operands are an error (Sub, as in PyTorch)


# ------------------------------------------------------------ arithmetic
class Add(_Elementwise):
    __slots__ = ()
    _symbol = "+"

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        ea, eb = ctx._edges
        return (None if ea is None else g), (None if eb is None else g)


class Sub(_Elementwise):
    __slots__ = ()
    _symbol = "-"
    _refuses_bool = True

    @staticmethod
    def forward(ctx, a, b):
        return a - b

    @staticmethod
    def backward(ctx, g):
        ea, eb = ctx._edges
        return (None if ea is None else g), (None if eb is None else -g)


class Mul(_Elementwise):
    __slots__ = ()
    _symbol = "*"
    # grad of a needs b and vice versa: save each only if the other needs it
    _save_inputs = (1, 0)
    _save_when = (0, 1)

    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, g):
        b, a = ctx.saved_tensors
        return (None if b is None else g * b), (None if a is None else g * a)


class Div(_Elementwise):
    __slots__ = ()
    _symbol = "/"
    _true_division = True
    _save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b):
        return a / b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        n = ctx.needs_input_grad
        ga = g / b if n[0] else None
        gb = -g * a / (b * b) if n[1] else None
        return ga, gb


class Neg(_Elementwise):
    __slots__ = ()

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, g):
        return -g


class PowScalar(_Elementwise):
    """``x ** p`` for a constant exponent."""
    __slots__ = ("_p",)
    _symbol = "**"
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, p):
        ctx._p = p
        return a ** p

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        p = ctx._p
        if p == 2:
            return g * (a * 2), None
        return (g * (a ** (p - 1) * p) if p != 0 else g * 0), None


class Pow(_Elementwise):
    """``a ** b`` with a tensor exponent (the base may be a constant)."""
    __slots__ = ()
    _symbol = "**"
    _save_inputs = (0, 1)
    _save_output = True

    @staticmethod
    def forward(ctx, a, b):
        return np.power(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        n = ctx.needs_input_grad
        ga = None
        if n[0]:
            # b * a**(b-1) is 0 * inf at a == 0, b == 0; the slope there is 0
            exponent = b._data if isinstance(b, Tensor) else np.asarray(b)
            ga = g * where(exponent == 0, 0.0, b * a ** (b - 1))
        gb = None
        if n[1]:
            # d/db a**b = a**b log a; at a == 0 PyTorch defines it as 0, and
            # negative bases give NaN (log of a negative number)
            if isinstance(a, Tensor):
                safe = where(a._data == 0, 1.0, a)
            else:  # a constant base: its log in the output's dtype, at full precision
                base = np.asarray(a, dtype=out.dtype)
                safe = _wrap(np.where(base == 0, base.dtype.type(1), base))
            with np.errstate(invalid="ignore"):
                gb = g * (out * log(safe).to(out.dtype))
        return ga, gb


def power(a, b):
    if isinstance(b, np.generic):
        b = b.item()
    if isinstance(a, Tensor) and type(b) in _SCALARS:
        if a._data.dtype.kind != "f":
            if type(b) is int and b < 0:
                raise ArgumentError(
                    f"pow (**): an integer tensor (dtype {a.dtype}) cannot be raised to a "
                    f"negative integer power ({b}), as in PyTorch; convert it first, e.g. "
                    "x.float() ** -1")
            a = _promote_for_scalar(PowScalar, a, b)
        return PowScalar.apply(a, b)
    return binary(Pow, a, b)


def log(x):
    return unary(Log, x)


# ---------------------------------------------------------- unary math
class Exp(_Elementwise):
    __slots__ = ()
    _complex_ok = True
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.exp(a)

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * out


class Log(_Elementwise):
    __slots__ = ()
    _complex_ok = True
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        return np.log(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g / a


class Sqrt(_Elementwise):
    __slots__ = ()
    _complex_ok = True
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.sqrt(a)

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g / (out * 2)


class Abs(_Elementwise):
    __slots__ = ()
    _complex_ok = True
    _save_inputs = (0,)
    _float_only = False

    @staticmethod
    def forward(ctx, a):
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * _connected(sgn(a._data), a)


def sgn(a):
    """The sign of an array as PyTorch's sgn: -1, 0 or 1, and 0 at NaN
    (NumPy's sign gives NaN there)."""
    return np.nan_to_num(np.asarray(np.sign(a)), copy=False)  # asarray: 0-d gives a scalar


class Sign(_Elementwise):
    """-1, 0 or 1; NaN gives 0, as in PyTorch (NumPy would give NaN).  The
    slope is 0 wherever it exists, so the gradient is zeros (not ``g * 0``,
    which a NaN in ``g`` would turn into NaN)."""
    __slots__ = ()
    _float_only = False

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            return a.copy()  # True is positive, False zero (PyTorch keeps bool)
        return sgn(a)

    @staticmethod
    def backward(ctx, g):
        return _wrap(np.zeros_like(g._data))


def sign(x):
    if x._data.dtype.kind == "c":
        _refuse_complex_input("sign", x)
    return Sign.apply(x)


class Sin(_Elementwise):
    __slots__ = ()
    _complex_ok = True
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        return np.sin(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * a.cos()


class Cos(_Elementwise):
    __slots__ = ()
    _complex_ok = True
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        return np.cos(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return -g * a.sin()


class Tanh(_Elementwise):
    __slots__ = ()
    _complex_ok = True
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.tanh(a)

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (1 - out * out)


class Sigmoid(_Elementwise):
    __slots__ = ()
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        # exp(-log(1 + exp(-a))): no overflow for any a, full relative precision
        return np.exp(-np.logaddexp(0.0, -a))

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return g * (out * (1 - out))


class Relu(_Elementwise):
    """Backward multiplies by the bool mask (one pass, cast on the fly): it
    moves less memory than a float mask or np.where, which is what these
    large elementwise passes are bound by."""
    __slots__ = ()
    _save_output = True
    _float_only = False

    @staticmethod
    def forward(ctx, a):
        return np.maximum(a, 0)

    @staticmethod
    def backward(ctx, g):
        out, = ctx.saved_tensors
        # out is >= 0 or NaN, so != 0 is PyTorch's rule "zero where out <= 0":
        # a NaN output passes its gradient on
        return Mul.apply(g, _connected(out._data != 0, out))


class LeakyRelu(_Elementwise):
    __slots__ = ()
    _save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, slope):
        return np.where(a > 0, a, a * slope)

    @staticmethod
    def backward(ctx, g):
        a, slope = ctx.saved_tensors
        return g * _connected(np.where(a._data > 0, 1.0, slope).astype(a._data.dtype), a), None


def leaky_relu(x, negative_slope=0.01):
    return unary_with(LeakyRelu, x, float(negative_slope))


class Elu(_Elementwise):
    __slots__ = ()
    _save_inputs = (0, 1)
    _save_output = True

    @staticmethod
    def forward(ctx, a, alpha):
        return np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0)))

    @staticmethod
    def backward(ctx, g):
        a, alpha, out = ctx.saved_tensors
        # slope is alpha * exp(a) = out + alpha for a <= 0 and 1 otherwise
        # (NaN included, as PyTorch)
        return g * where(a._data <= 0, out + alpha, 1.0), None


def elu(x, alpha=1.0):
    return unary_with(Elu, x, float(alpha))


class Softplus(_Elementwise):
    __slots__ = ()
    _save_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, a, beta, threshold):
        z = a * beta
        return np.where(z > threshold, a, np.logaddexp(0.0, z) / beta)

    @staticmethod
    def backward(ctx, g):
        a, beta, threshold = ctx.saved_tensors
        slope = (a * beta).sigmoid()
        linear = (a._data * beta) > threshold
        if linear.any():
            slope = where(linear, 1.0, slope)
        return g * slope, None, None


def softplus(x, beta=1.0, threshold=20.0):
    return unary_with(Softplus, x, float(beta), float(threshold))


def unary_with(fn, x, *params):
    if x._data.dtype.kind != "f":
        if x._data.dtype.kind == "c":
            _refuse_complex_input(fn.__name__.lower(), x)
        x = cast(x, _dt.DEFAULT_FLOAT)
    return fn.apply(x, *params)


class Clamp(_Elementwise):
    """``min(max(x, lo), hi)``; either bound may be None, a number or (see
    `clamp`) a tensor.  NaN in x or in a bound gives NaN, as does NumPy's
    clip; lo > hi gives hi everywhere.  Gradients follow PyTorch: x gets it
    where lo <= x <= hi (never at NaN); a tensor bound gets it where it is
    the result (lo where x < lo < hi; hi where x > hi or hi < lo)."""
    __slots__ = ()
    _save_inputs = (0, 1, 2)
    _float_only = False

    @staticmethod
    def forward(ctx, a, lo, hi):
        return np.clip(a, lo, hi)

    @staticmethod
    def backward(ctx, g):
        a, lo, hi = ctx.saved_tensors
        d = a._data
        lo = lo._data if isinstance(lo, Tensor) else lo
        hi = hi._data if isinstance(hi, Tensor) else hi
        n = ctx.needs_input_grad
        with np.errstate(invalid="ignore"):
            inside = np.ones(d.shape, dtype=bool)
            if lo is not None:
                inside &= d >= lo
            if hi is not None:
                inside &= d <= hi
            g_lo = g_hi = None
            if n[1]:
                g_lo = Mul.apply(g, (d < lo) & (lo < hi) if hi is not None else d < lo)
            if n[2]:
                g_hi = Mul.apply(g, (d > hi) | (hi < lo) if lo is not None else d > hi)
        return (Mul.apply(g, inside) if n[0] else None), g_lo, g_hi


def clamp(x, min=None, max=None):
    """Bounds may be numbers (weak, like any scalar operand: a float32 tensor
    stays float32, an integer one clamped to 0.5 becomes float32) or tensors
    (then clamp is ``minimum(maximum(x, min), max)``, PyTorch's order)."""
    if min is None and max is None:
        raise ArgumentError("clamp(): at least one of min and max must be given")
    refuse_unordered("clamp", x, min, max)
    if isinstance(min, np.generic):
        min = min.item()
    if isinstance(max, np.generic):
        max = max.item()
    if not (_is_scalar_or_none(min) and _is_scalar_or_none(max)):
        return Clamp.apply(*_clamp_operands(x, min, max))
    dt = x._data.dtype
    for bound in (min, max):
        if bound is not None:
            dt = _dt.weak_result_dtype(dt, _dt.default_dtype_for(bound))
    return Clamp.apply(cast(x, dt), min, max)


def _is_scalar_or_none(v):
    return v is None or type(v) in _SCALARS


def _clamp_operands(x, lo, hi):
    """Tensor bounds: x and the bounds brought to one dtype and shape (a
    number beside a tensor bound becomes a constant tensor)."""
    lo = None if lo is None else (lo if isinstance(lo, Tensor) else _as_const(lo, x))
    hi = None if hi is None else (hi if isinstance(hi, Tensor) else _as_const(hi, x))
    for _ in range(2):  # a second pass brings the first bound to the final shape
        if lo is not None:
            x, lo = _align(Clamp, x, lo)
        if hi is not None:
            x, hi = _align(Clamp, x, hi)
    return x, lo, hi


class Maximum(_Elementwise):
    """Elementwise max (NaN wins).  The gradient follows PyTorch: each side
    gets it unless it is strictly beaten, halved on ties -- so where either
    side is NaN both get the full gradient (neither is beaten)."""
    __slots__ = ()
    _save_inputs = (0, 1)
    _beaten = staticmethod(np.less)

    @staticmethod
    def forward(ctx, a, b):
        return np.maximum(a, b)

    @classmethod
    def backward(cls, ctx, g):
        a, b = ctx.saved_tensors
        da, db = a._data, b._data
        half = (da == db) * da.dtype.type(0.5)
        n = ctx.needs_input_grad
        ga = g * (1 - half - cls._beaten(da, db)) if n[0] else None
        gb = g * (1 - half - cls._beaten(db, da)) if n[1] else None
        return ga, gb


class Minimum(Maximum):
    __slots__ = ()
    _beaten = staticmethod(np.greater)

    @staticmethod
    def forward(ctx, a, b):
        return np.minimum(a, b)


def maximum(a, b):
    return _binary_tensors(Maximum, a, b)


def minimum(a, b):
    return _binary_tensors(Minimum, a, b)


def refuse_unordered(op, *operands):
    """Ops that compare values (<, clamp, maximum, max, argmax, softmax...)
    need real numbers: complex ones have no order (NumPy would order them
    lexicographically; PyTorch refuses).  Operands may be tensors, arrays
    or scalars."""
    for v in operands:
        d = v._data if isinstance(v, Tensor) else v
        if isinstance(d, complex) or getattr(d, "dtype", None) is not None and d.dtype.kind == "c":
            raise DTypeError(f"{op}: complex numbers have no order; compare .abs() or the "
                             "real part instead")


def _binary_tensors(fn, a, b):
    """Like `binary` but scalars become constant tensors (the op needs them
    as arrays in backward)."""
    refuse_unordered(fn.__name__.lower(), a, b)
    if not isinstance(a, Tensor):
        a = _as_const(a, b, fn)
    if not isinstance(b, Tensor):
        b = _as_const(b, a, fn)
    return binary(fn, a, b)


class Where(Function):
    __slots__ = ()
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, cond, a, b):
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx, g):
        cond, = ctx.saved_tensors
        n = ctx.needs_input_grad
        zero = g._data.dtype.type(0)
        return (None,
                Where.apply(cond, g, zero) if n[1] else None,
                Where.apply(cond, zero, g) if n[2] else None)


def where(condition, input, other):
    """``input`` where ``condition`` holds, else ``other``; gradients flow to
    the chosen side only.  Scalars are weak operands (see `autograd._args`)."""
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        cond = cond.astype(bool)
    ta, tb = isinstance(input, Tensor), isinstance(other, Tensor)
    if not ta and not tb:
        a, b = _plain_operand(input), _plain_operand(other)
        dt = pair_dtype(a, b)
        return _wrap(np.asarray(np.where(cond, a.astype(dt, copy=False),
                                         b.astype(dt, copy=False))))
    if ta and tb:
        a, b = _align(Where, input, other)
    elif ta:
        a, b = _where_operand(input, other)
    else:
        b, a = _where_operand(other, input)
    shapes = [np.shape(x._data if isinstance(x, Tensor) else x) for x in (a, b)]
    try:
        shape = np.broadcast_shapes(cond.shape, *shapes)
    except ValueError:
        raise ShapeError(f"where: condition {cond.shape}, input {shapes[0]} and other "
                         f"{shapes[1]} cannot be broadcast together") from None
    if isinstance(a, Tensor) and a._data.shape != shape:
        a = _expanded(a, shape)
    if isinstance(b, Tensor) and b._data.shape != shape:
        b = _expanded(b, shape)
    if cond.shape != shape:
        cond = np.broadcast_to(cond, shape)
    return Where.apply(cond, a, b)


def _where_operand(like, x):
    """Tensor branch ``like`` and the other, non-tensor branch ``x``, in one
    dtype; a scalar stays a (NumPy) scalar so nothing is broadcast for it."""
    if isinstance(x, np.generic) or type(x) in _SCALARS:
        return where_scalar(x, like)
    return _align(Where, like, _as_const(x, like, Where))


def _plain_operand(x):
    """A non-tensor branch of ``where`` as an array: scalars as ``tensor()``
    would make them (Python floats float32), arrays as they are."""
    if isinstance(x, np.generic):
        x = x.item()
    return _dt.infer_array(x)


# ---------------------------------------------------------------- casts
def cast_explicit(x, dtype):
    """A conversion the user asked for (``x.to(dtype)``, ``x.float()``...):
    as PyTorch, complex to real keeps the real part, with a warning."""
    dtype = np.dtype(dtype)
    if x._data.dtype.kind == "c" and dtype.kind != "c":
        warnings.warn(f"casting a {x._data.dtype} tensor to {dtype} discards the imaginary "
                      "part", UserWarning, stacklevel=3)
        return _wrap(x._data.real.astype(dtype))
    return cast(x, dtype)


class Cast(Function):
    __slots__ = ("_in_dtype",)

    @staticmethod
    def forward(ctx, a, dtype):
        ctx._in_dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return cast(g, ctx._in_dtype), None

    def name(self):
        return "ToCopyBackward"


def cast(x, dtype):
    """Differentiable between float dtypes; a cast to an integer or bool
    dtype gives a tensor without history.  Complex to real is refused: an
    op that needs a real operand must not drop an imaginary part silently
    (`cast_explicit` is the user's explicit conversion)."""
    dtype = np.dtype(dtype)
    if x._data.dtype == dtype:
        return x
    if x._data.dtype.kind == "c" and dtype.kind != "c":
        raise DTypeError(f"cannot use a {x._data.dtype} tensor where a {dtype} one is needed: "
                         "that would drop its imaginary part; take .real/.abs() explicitly "
                         "or convert with .to()")
    if dtype.kind == "c" and x._rg and _state.enabled:
        raise DTypeError(_COMPLEX_REFUSAL.format(
            what=f"a {x._data.dtype} tensor that requires grad cannot become {dtype}"))
    if dtype.kind != "f" or not x._rg:
        return _wrap(x._data.astype(dtype))
    return Cast.apply(x, dtype)


# ------------------------------------------------------- NumPy < 2 support
def _numpy_keeps_dtype_for_python_scalars():
    """NumPy >= 2 (NEP 50) never lets a Python scalar widen an array.  NumPy
    1.x does, in two cases: a 0-d array counts as a scalar itself (0-d
    float32 * 0.5 is float64 there: every scalar loss would silently become
    float64), and a value out of the array's range widens any array."""
    return (np.zeros((), np.float32) * 0.5).dtype == np.float32


def _keep_operand_dtype(forward):
    """Wrap an op's forward so its result keeps the dtype of its first array
    operand when NumPy 1.x widened it within the same kind, which is what
    NumPy 2 computes by itself (the callers have already applied PyTorch's
    promotion, so any such widening came from a Python scalar)."""
    def keep(ctx, *args):
        out = forward(ctx, *args)
        for x in args:
            if isinstance(x, (np.ndarray, np.generic)):
                if out.dtype != x.dtype and out.dtype.kind == x.dtype.kind:
                    out = out.astype(x.dtype)
                return out
        return out
    return staticmethod(keep)


if not _numpy_keeps_dtype_for_python_scalars():  # only on NumPy 1.x: no cost on 2.x
    for _op in (Add, Sub, Mul, Div, PowScalar, Pow, Sigmoid, Relu, LeakyRelu, Elu,
                Softplus, Clamp):
        _op.forward = _keep_operand_dtype(_op.forward)

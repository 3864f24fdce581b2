"""More elementwise math with PyTorch's names and gradients: rounding,
logarithms and exponentials, trigonometric and hyperbolic functions, erf,
remainders and rounding division, copysign, hypot, lerp, and the
float-classification tests (isinf, isclose...).

Each op is an `_Elementwise` Function dispatched through `unary`/`binary`
from `elementwise`, so dtype promotion and broadcasting are the engine's
usual ones.  Backward passes are written with Tensor ops, so the smooth ones
differentiate again.  Rounding ops have slope zero wherever it exists, and
their gradient is zeros (as PyTorch); ops PyTorch does not differentiate
(floor_divide) record a node whose backward says so.
"""
import math

import numpy as np

from .. import dtypes as _dt
from .._args import align as _align, as_const as _as_const, compare_arrays
from ..errors import ArgumentError, DTypeError, IntegerDivisionByZero
from ..tensor import Tensor, _wrap
from .elementwise import (_Elementwise, Mul, binary, cast, unary, where, Div, Sub, Add,
                          power, clamp, Neg)

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


# ------------------------------------------------- one-input op factory
def _define(name, forward, backward, doc, quiet=False, **flags):
    """A one-input `_Elementwise` class called ``name`` (named so graph nodes
    read ``<name>Backward`` and other modules can import it), from a NumPy
    ``forward(a)`` and a ``backward(ctx, g)``; ``quiet`` silences NumPy's
    warnings for NaN/inf outside the domain (PyTorch gives them silently);
    ``flags`` are class attributes (``_save_inputs``, ``_float_only``...)."""
    if quiet:
        def forward_(ctx, a):
            with np.errstate(invalid="ignore", divide="ignore"):
                return forward(a)
    else:
        def forward_(ctx, a):
            return forward(a)
    namespace = {"__slots__": (), "__module__": __name__, "__qualname__": name,
                 "__doc__": doc, "forward": staticmethod(forward_),
                 "backward": staticmethod(backward), **flags}
    return type(name, (_Elementwise,), namespace)


def _public(cls, name, doc, check=None):
    """The function form ``name(input)`` of a one-input op: ``check`` (if
    given) refuses an input first, then `unary` applies its dtype rules."""
    def fn(input):
        if check is not None:
            check(name, input)
        return unary(cls, input)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def _zeros_like(g):
    """The gradient of a step function: zeros, not ``g * 0`` (a NaN in
    ``g`` would survive that)."""
    return _wrap(np.zeros_like(g._data))


def _refuse_non_float(op, x):
    if x._data.dtype.kind != "f":
        raise DTypeError(f"{op}(): defined for floating-point tensors only (as in PyTorch), "
                         f"got dtype {x._data.dtype}")


# ------------------------------------------------------------- rounding
def _rounding(np_fn):
    """Integer input is already rounded: it comes back as a copy of the
    same dtype (PyTorch)."""
    def forward(a):
        if a.dtype.kind in "biu":
            return a.copy()
        return np_fn(a)
    return forward


def _step_backward(ctx, g):
    """Rounding has slope zero wherever it exists: zeros, as PyTorch."""
    return _zeros_like(g)


def _pass_through(ctx, g):
    """frac's slope is 1: the gradient passes unchanged (as PyTorch)."""
    return g


# class name, function name, NumPy forward, docstring (`round` is below:
# it also takes ``decimals``)
_ROUNDING = (
    ("Floor", "floor", np.floor, "Largest integer <= x (elementwise); gradient zero."),
    ("Ceil", "ceil", np.ceil, "Smallest integer >= x (elementwise); gradient zero."),
    ("Trunc", "trunc", np.trunc, "x rounded toward zero; gradient zero."),
)
for _cls_name, _fn_name, _np_fn, _doc in _ROUNDING:
    globals()[_cls_name] = _cls = _define(_cls_name, _rounding(_np_fn), _step_backward, _doc,
                                          _float_only=False)
    globals()[_fn_name] = _public(_cls, _fn_name, _doc)
Round = _define("Round", _rounding(np.rint), _step_backward,
                "Half to even, as PyTorch and NumPy both round.", _float_only=False)

Frac = _define("Frac", lambda a: a - np.trunc(a), _pass_through,
               "x - trunc(x); the slope is 1 (PyTorch passes the gradient through).")
frac = _public(Frac, "frac", "The fractional part x - trunc(x) (floating-point tensors only).",
               check=_refuse_non_float)


class RoundDecimals(_Elementwise):
    """``round(x, decimals)``: scale by a power of ten, round half to even,
    scale back (PyTorch's and NumPy's method)."""
    __slots__ = ()
    _float_only = False

    @staticmethod
    def forward(ctx, a, decimals):
        if a.dtype.kind in "biu":
            return a.copy()
        return np.round(a, decimals)

    @staticmethod
    def backward(ctx, g):
        return _zeros_like(g), None


def round(input, *, decimals=0):
    """x rounded half to even, to ``decimals`` decimal places; gradient zero."""
    if decimals == 0:
        return unary(Round, input)
    return RoundDecimals.apply(input, int(decimals))


# ------------------------------------------------ smooth one-input functions
_erf = np.frompyfunc(math.erf, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _on_input(derivative):
    """Backward of an op that saves its input ``a``: ``derivative(g, a)``,
    written with Tensor ops so it differentiates again."""
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return derivative(g, a)
    return backward, {"_save_inputs": (0,)}


def _on_output(derivative):
    """Backward of an op whose slope is cheapest from its result ``out``."""
    def backward(ctx, g):
        out, = ctx.saved_tensors
        return derivative(g, out)
    return backward, {"_save_output": True}


# Float-valued ops (integers give float32; complex is refused), one line
# each: class name, function name, NumPy forward, whether the domain has
# edges where NumPy would warn (PyTorch gives NaN/inf silently), backward
# (from the input or the output), docstring.  NumPy has no erf:
# ``math.erf``/``math.erfc`` (about 1 ulp) are mapped over the array, about
# 0.1 microsecond per element.
_Q = True  # quiet: NaN/inf outside the domain without NumPy's warnings
_SMOOTH = (
    ("Log2", "log2", np.log2, _Q, _on_input(lambda g, a: g / (a * _LN2)), "Base-2 logarithm."),
    ("Log10", "log10", np.log10, _Q, _on_input(lambda g, a: g / (a * _LN10)),
     "Base-10 logarithm."),
    ("Log1p", "log1p", np.log1p, _Q, _on_input(lambda g, a: g / (a + 1)),
     "log(1 + x), accurate for small x."),
    ("Expm1", "expm1", np.expm1, False, _on_output(lambda g, out: g * (out + 1)),
     "exp(x) - 1, accurate for small x."),
    ("Exp2", "exp2", np.exp2, False, _on_output(lambda g, out: g * (out * _LN2)),
     "2 to the power x."),
    ("Rsqrt", "rsqrt", lambda a: 1 / np.sqrt(a), _Q,
     _on_output(lambda g, out: g * (out * out * out * -0.5)), "1 / sqrt(x)."),
    ("Tan", "tan", np.tan, False, _on_output(lambda g, out: g * (out * out + 1)), "Tangent."),
    ("Asin", "asin", np.arcsin, _Q, _on_input(lambda g, a: g * (1 - a * a).rsqrt()),
     "Inverse sine (NaN outside [-1, 1])."),
    ("Acos", "acos", np.arccos, _Q, _on_input(lambda g, a: -g * (1 - a * a).rsqrt()),
     "Inverse cosine (NaN outside [-1, 1])."),
    ("Atan", "atan", np.arctan, False, _on_input(lambda g, a: g / (a * a + 1)),
     "Inverse tangent."),
    ("Sinh", "sinh", np.sinh, False, _on_input(lambda g, a: g * a.cosh()), "Hyperbolic sine."),
    ("Cosh", "cosh", np.cosh, False, _on_input(lambda g, a: g * a.sinh()),
     "Hyperbolic cosine."),
    ("Asinh", "asinh", np.arcsinh, False, _on_input(lambda g, a: g * (a * a + 1).rsqrt()),
     "Inverse hyperbolic sine."),
    ("Acosh", "acosh", np.arccosh, _Q, _on_input(lambda g, a: g * (a * a - 1).rsqrt()),
     "Inverse hyperbolic cosine (NaN below 1)."),
    ("Atanh", "atanh", np.arctanh, _Q, _on_input(lambda g, a: g / (1 - a * a)),
     "Inverse hyperbolic tangent (NaN outside [-1, 1])."),
    ("Erf", "erf", lambda a: np.asarray(_erf(a), dtype=a.dtype), False,
     _on_input(lambda g, a: g * ((-(a * a)).exp() * _TWO_OVER_SQRT_PI)),
     "The error function 2/sqrt(pi) * integral of exp(-t^2) from 0 to x."),
    ("Erfc", "erfc", lambda a: np.asarray(_erfc(a), dtype=a.dtype), False,
     _on_input(lambda g, a: g * ((-(a * a)).exp() * -_TWO_OVER_SQRT_PI)),
     "The complementary error function 1 - erf(x)."),
)
for _cls_name, _fn_name, _np_fn, _quiet, (_backward, _flags), _doc in _SMOOTH:
    globals()[_cls_name] = _cls = _define(_cls_name, _np_fn, _backward, _doc, _quiet, **_flags)
    globals()[_fn_name] = _public(_cls, _fn_name, _doc)
del _cls_name, _fn_name, _np_fn, _quiet, _backward, _flags, _doc, _cls, _Q

# The one-input functions the table defines (Tensor methods and in-place
# forms are generated from this list).
UNARY_NAMES = tuple(row[1] for row in _ROUNDING + _SMOOTH)


# ------------------------------------------------------------ binary ops
def _tensors(fn, a, b):
    """Both operands as tensors (a scalar takes the other's dtype, weakly)."""
    if isinstance(a, np.generic):
        a = a.item()
    if isinstance(b, np.generic):
        b = b.item()
    if not isinstance(a, Tensor):
        if not isinstance(b, Tensor):
            raise TypeError(f"{fn.__name__.lower()}: expected at least one tensor operand")
        a = _as_const(a, b, fn)
    if not isinstance(b, Tensor):
        b = _as_const(b, a, fn)
    return _align(fn, a, b)


def _float_binary(fn, a, b):
    """A binary op defined on real numbers: integer operands give float32."""
    a, b = _tensors(fn, a, b)
    if a._data.dtype.kind != "f":
        a, b = cast(a, _dt.DEFAULT_FLOAT), cast(b, _dt.DEFAULT_FLOAT)
    return fn.apply(a, b)


def _check_int_divisor(fn, a, b):
    if a._data.dtype.kind in "biu" and not b._data.all():
        raise IntegerDivisionByZero(f"{fn}: integer division by zero (ZeroDivisionError, as "
                                    "in PyTorch); a divisor tensor contains 0")


class Atan2(_Elementwise):
    __slots__ = ()
    _save_inputs = (0, 1)
    _true_division = True

    @staticmethod
    def forward(ctx, a, b):
        return np.arctan2(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        n = ctx.needs_input_grad
        scale = g / (a * a + b * b)
        return (scale * b if n[0] else None), (-scale * a if n[1] else None)


class Hypot(_Elementwise):
    __slots__ = ()
    _save_inputs = (0, 1)
    _save_output = True
    _true_division = True

    @staticmethod
    def forward(ctx, a, b):
        return np.hypot(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b, out = ctx.saved_tensors
        n = ctx.needs_input_grad
        scale = g / out
        return (scale * a if n[0] else None), (scale * b if n[1] else None)


class Copysign(_Elementwise):
    """|a| with the sign of b.  ``a`` gets ``g * out / a`` (+-1; 0 where a
    is 0, as PyTorch); ``b`` gets zero (the sign is a step)."""
    __slots__ = ()
    _save_inputs = (0,)
    _save_output = True
    _true_division = True

    @staticmethod
    def forward(ctx, a, b):
        return np.copysign(a, b)

    @staticmethod
    def backward(ctx, g):
        a, out = ctx.saved_tensors
        n = ctx.needs_input_grad
        ga = None
        if n[0]:
            d = a._data
            ratio = np.where(d == 0, 0, np.sign(out._data) * np.sign(d)).astype(d.dtype)
            ga = Mul.apply(g, ratio)
        return ga, (_zeros_like(g) if n[1] else None)


class Remainder(_Elementwise):
    """Python's ``%``: the result has the divisor's sign.  Gradients as
    PyTorch: ``g`` for a, ``-g * floor(a / b)`` for b."""
    __slots__ = ()
    _save_inputs = (0, 1)
    _float_only = False
    _symbol = "%"

    @staticmethod
    def forward(ctx, a, b):
        return np.remainder(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        n = ctx.needs_input_grad
        gb = None
        if n[1]:
            gb = Mul.apply(-g, np.floor_divide(a._data, b._data))
        return (g if n[0] else None), gb


class Fmod(_Elementwise):
    """C's fmod: the result has the dividend's sign.  ``b`` gets
    ``-g * trunc(a / b)``."""
    __slots__ = ()
    _save_inputs = (0, 1)
    _float_only = False

    @staticmethod
    def forward(ctx, a, b):
        return np.fmod(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        n = ctx.needs_input_grad
        gb = None
        if n[1]:
            gb = Mul.apply(-g, np.trunc(a._data / b._data))
        return (g if n[0] else None), gb


class FloorDivide(_Elementwise):
    """``//``.  PyTorch does not differentiate it: backward refuses."""
    __slots__ = ()
    _float_only = False
    _symbol = "//"

    @staticmethod
    def forward(ctx, a, b):
        return np.floor_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError("the derivative for floor_divide (//) is not implemented (as in "
                           "PyTorch); use torch.div(a, b, rounding_mode='floor'), whose "
                           "gradient is zero")


class _RoundedDiv(_Elementwise):
    """Division rounded to an integer value: the gradient is zero for both
    operands (PyTorch's ``div(rounding_mode=...)``)."""
    __slots__ = ()
    _float_only = False

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        return (_zeros_like(g) if n[0] else None), (_zeros_like(g) if n[1] else None)


class DivFloor(_RoundedDiv):
    __slots__ = ()

    @staticmethod
    def forward(ctx, a, b):
        return np.floor_divide(a, b)


class DivTrunc(_RoundedDiv):
    __slots__ = ()

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype.kind in "biu":
            q = np.floor_divide(a, b)
            # floor and trunc differ where the exact quotient is negative and inexact
            return q + ((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)))
        return np.trunc(a / b)


def _int_binary(fn, a, b, label):
    a, b = _tensors(fn, a, b)
    _check_int_divisor(label, a, b)
    return fn.apply(a, b)


def remainder(input, other):
    """Python's modulo (``%``): the result takes the divisor's sign."""
    return _int_binary(Remainder, input, other, "remainder (%)")


def fmod(input, other):
    """C's fmod: the result takes the dividend's sign."""
    return _int_binary(Fmod, input, other, "fmod")


def floor_divide(input, other):
    """``//``: the quotient rounded down (not differentiable, as PyTorch)."""
    return _int_binary(FloorDivide, input, other, "floor_divide (//)")


def div(input, other, *, rounding_mode=None):
    """True division, or with ``rounding_mode='trunc'``/``'floor'`` the
    quotient rounded toward zero / down (integers stay integers; the
    gradient of a rounded quotient is zero)."""
    if rounding_mode is None:
        return binary(Div, input, other)
    if rounding_mode == "floor":
        return _int_binary(DivFloor, input, other, "div(rounding_mode='floor')")
    if rounding_mode == "trunc":
        return _int_binary(DivTrunc, input, other, "div(rounding_mode='trunc')")
    raise ArgumentError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                        f"but found {rounding_mode!r}")


def atan2(input, other):
    """The angle of the point (other, input), in (-pi, pi]."""
    return _float_binary(Atan2, input, other)


def hypot(input, other):
    """sqrt(input^2 + other^2) without overflow (floating-point tensors
    only, as in PyTorch)."""
    for v in (input, other):
        if isinstance(v, Tensor) and v._data.dtype.kind != "f":
            _refuse_non_float("hypot", v)
    return Hypot.apply(*_tensors(Hypot, input, other))


def copysign(input, other):
    """|input| with the sign of ``other`` (integers give float32)."""
    return _float_binary(Copysign, input, other)


def lerp(input, end, weight):
    """``input + weight * (end - input)``, computed as PyTorch does (from
    the nearer end when |weight| >= 0.5, so weight 1 gives ``end``
    exactly).  PyTorch's vectorized kernel fuses the multiply-add, so its
    values may differ from these in the last bit."""
    diff = end - input
    if not isinstance(weight, Tensor):
        if abs(weight) < 0.5:
            return input + diff * weight
        return end - diff * (1 - weight)
    small = np.abs(weight._data) < 0.5
    return where(small, input + weight * diff, end - diff * (1 - weight))


# ---------------------------------------------------- classification
def _array(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def isinf(input):
    """True where the value is +-inf."""
    return _wrap(np.asarray(np.isinf(_array(input))))


def isposinf(input):
    """True where the value is +inf."""
    return _wrap(np.asarray(np.isposinf(_array(input))))


def isneginf(input):
    """True where the value is -inf."""
    return _wrap(np.asarray(np.isneginf(_array(input))))


def isnan(input):
    """True where the value is NaN."""
    return _wrap(np.asarray(np.isnan(_array(input))))


def isfinite(input):
    """True where the value is neither inf nor NaN."""
    return _wrap(np.asarray(np.isfinite(_array(input))))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` elementwise (PyTorch's
    and NumPy's test), with NaN equal to NaN only if ``equal_nan``."""
    a, b = compare_arrays(input, other)
    if a.dtype != b.dtype:
        raise DTypeError(f"isclose(): operands have dtypes {a.dtype} and {b.dtype}")
    return _wrap(np.asarray(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether `isclose` holds everywhere (a Python bool)."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


# ----------------------------------------------------- function forms
def add(input, other, *, alpha=1):
    """``input + alpha * other``."""
    return binary(Add, input, other if alpha == 1 else other * alpha)


def sub(input, other, *, alpha=1):
    """``input - alpha * other``."""
    return binary(Sub, input, other if alpha == 1 else other * alpha)


def mul(input, other):
    """``input * other``."""
    return binary(Mul, input, other)


def true_divide(input, other):
    """``input / other`` (integers give float32)."""
    return binary(Div, input, other)


def pow(input, exponent):
    """``input ** exponent``."""
    return power(input, exponent)


def neg(input):
    """``-input``."""
    return Neg.apply(input)


def clip(input, min=None, max=None):
    """``clamp``: ``input`` limited to [min, max]."""
    return clamp(input, min, max)


def bitwise_not(input):
    """``~input``: bitwise on integers, logical on bools."""
    return ~input

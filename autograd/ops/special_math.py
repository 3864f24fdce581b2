"""Special functions and the remaining elementwise ops of PyTorch's
namespace: lgamma, digamma, polygamma, erfinv, xlogy, logit, sinc, degree
conversion, nan_to_num, fmax/fmin, float_power, gcd/lcm, heaviside, isin,
and the function forms of comparisons and logical ops.

NumPy has no gamma-family functions and chainrule does not depend on SciPy,
so they are computed here:

* ``lgamma`` maps the standard library's ``math.lgamma`` (correctly rounded
  to a few ulp) over the array, as ``erf`` does with ``math.erf``; the poles
  (0, -1, -2, ...) give +inf, as in PyTorch.
* ``digamma`` and ``polygamma`` use the recurrence
  ``psi_n(x) = psi_n(x + 1) - (-1)^n n! / x^(n+1)`` to move the argument up
  to at least 20, then the asymptotic (Euler-Maclaurin) series in ``1/x``
  with seven Bernoulli terms, whose error at x >= 20 is below 1e-16
  relative.  digamma reflects arguments below 1/2 with
  ``psi(x) = psi(1 - x) - pi / tan(pi x)``; polygamma (n >= 1) does not
  reflect, so its cost grows with how far the smallest argument lies below
  20 (one vectorized step per unit: fine for the usual arguments, slow for
  x = -1e6).
* ``erfinv`` starts from Winitzki's closed-form approximation (about 2e-3
  relative error) and polishes it with Halley steps on ``erf`` (on ``erfc``
  for |x| > 1/2, where ``1 - |x|`` is exact), to about 1 ulp.

Every differentiable op here writes its backward with Tensor ops, so the
smooth ones differentiate again (``lgamma -> digamma -> polygamma(1) ->
polygamma(2) ...``).
"""
import math

import numpy as np

from .. import dtypes as _dt
from .._args import as_const as _as_const, compare_arrays
from ..errors import ArgumentError, DTypeError
from ..tensor import Tensor, _wrap
from .elementwise import _Elementwise, binary, cast, clamp, compare, unary, where


class NotImplementedForDType(DTypeError, NotImplementedError):
    """An op PyTorch has no kernel for at this dtype (it raises
    ``NotImplementedError``, e.g. ``"gcd_cpu" not implemented for 'Float'``)."""


def _tensor(x, like=None):
    """``x`` as a tensor: tensors as they are, anything else as ``tensor()``
    would make it (or weak next to ``like``)."""
    if isinstance(x, Tensor):
        return x
    if like is not None:
        return _as_const(x, like)
    return _wrap(_dt.infer_array(x.item() if isinstance(x, np.generic) else x))


def _to_float(x):
    """Integer and bool tensors become float32, as PyTorch's float ops do."""
    return x if x._data.dtype.kind in "fc" else cast(x, _dt.DEFAULT_FLOAT)


def _refuse_kind(op, x, kinds, what):
    if x._data.dtype.kind not in kinds:
        raise NotImplementedForDType(f"{op}(): not implemented for dtype {x._data.dtype} "
                                     f"(as in PyTorch); expected {what}")


# ------------------------------------------------------- gamma family
def _lgamma_one(v):
    """math.lgamma, with +inf at the poles and at +-inf (it raises there)."""
    if math.isinf(v) or (v <= 0 and v == math.floor(v)):
        return math.inf
    return math.lgamma(v)


_lgamma_scalar = np.frompyfunc(_lgamma_one, 1, 1)

# B_2k / (2k)! for k = 1..7: the asymptotic series' coefficients
_BERN = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)
_BERN_OVER_FACT = tuple(b / math.factorial(2 * k + 2) for k, b in enumerate(_BERN))
_SHIFT_TO = 20.0


def _lgamma_np(a):
    with np.errstate(invalid="ignore"):
        return np.asarray(_lgamma_scalar(a.astype(np.float64)), dtype=np.float64).astype(a.dtype)


def _shift_up(x, n):
    """Move each x up to >= _SHIFT_TO; returns the shifted x and the
    accumulated terms sum_k 1/(x+k)^(n+1) the recurrence removes."""
    acc = np.zeros_like(x)
    low = x < _SHIFT_TO
    while low.any():
        acc[low] += 1.0 / x[low] ** (n + 1)
        x = np.where(low, x + 1.0, x)
        low = x < _SHIFT_TO
    return x, acc


def _digamma_series(y):
    """psi(y) for y >= 20: log y - 1/(2y) - sum B_2k / (2k y^2k)."""
    z = 1.0 / (y * y)
    tail = np.zeros_like(y)
    for k in range(len(_BERN) - 1, -1, -1):
        tail = (tail + _BERN[k] / (2 * k + 2)) * z
    return np.log(y) - 0.5 / y - tail


def _digamma_np(a):
    x = a.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        reflect = x < 0.5
        y, acc = _shift_up(np.where(reflect, 1.0 - x, x), 0)
        out = _digamma_series(y) - acc
        frac = x - np.floor(x)  # tan(pi x) has period 1; reduce first for accuracy
        out = np.where(reflect, out - np.pi / np.tan(np.pi * frac), out)
        pole = (x <= 0) & (x == np.floor(x))
        out[pole] = np.nan
        out[x == 0] = np.where(np.signbit(x[x == 0]), np.inf, -np.inf)  # PyTorch: -inf at +0
        out[x == np.inf] = np.inf
    return out.astype(a.dtype)


def _hurwitz_series(s, y):
    """zeta(s, y) = sum_k (y + k)^-s for y >= 20 (Euler-Maclaurin)."""
    out = y ** (1.0 - s) / (s - 1.0) + 0.5 * y ** (-s)
    rising = s  # s (s+1) ... (s + 2k - 2)
    for k, c in enumerate(_BERN_OVER_FACT):
        out = out + c * rising * y ** (-s - 2 * k - 1)
        rising *= (s + 2 * k + 1) * (s + 2 * k + 2)
    return out


def _polygamma_np(n, a):
    """psi_n(x) = (-1)^(n+1) n! zeta(n+1, x) for n >= 1."""
    x = a.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        y, acc = _shift_up(x, n)
        zeta = _hurwitz_series(n + 1.0, y) + acc
        # np.array: a 0-d input gives a NumPy scalar here, which the masks below can't write
        out = np.array((-1.0) ** (n + 1) * math.factorial(n) * zeta)
        pole = (x <= 0) & (x == np.floor(x))
        out[pole] = np.inf if n % 2 else -np.inf  # PyTorch's sign at the poles
        out[x == np.inf] = 0.0
        out[x == -np.inf] = np.nan
    return out.astype(a.dtype)


class LGamma(_Elementwise):
    __slots__ = ()
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        return _lgamma_np(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * unary(Digamma, a)


class Digamma(_Elementwise):
    __slots__ = ()
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        return _digamma_np(a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * Polygamma.apply(a, 1)


class Polygamma(_Elementwise):
    __slots__ = ("_n",)
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, n):
        ctx._n = n
        return _polygamma_np(n, a)

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * Polygamma.apply(a, ctx._n + 1), None


def lgamma(input):
    """Natural log of the absolute value of the gamma function (+inf at 0, -1, -2, ...)."""
    return unary(LGamma, _tensor(input))


def digamma(input):
    """The digamma function psi(x) = d/dx lgamma(x) (-inf at +0, NaN at negative integers)."""
    return unary(Digamma, _tensor(input))


def polygamma(n, input):
    """The n-th derivative of the digamma function (n = 0 is digamma itself)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"polygamma(): argument 'n' must be an int, got {type(n).__name__} "
                        f"({n!r})")
    if n < 0:
        raise ArgumentError(f"polygamma(): n must be >= 0, got {n}")
    x = _to_float(_tensor(input))
    return digamma(x) if n == 0 else Polygamma.apply(x, int(n))


# ----------------------------------------------------------------- erfinv
_erf = np.frompyfunc(math.erf, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)
_SQRT_PI_OVER_2 = math.sqrt(math.pi) / 2.0


def _erfinv_guess(x):
    """Winitzki's approximation for 0 <= x < 1 (about 2e-3 relative)."""
    a = 0.147
    ln = np.log1p(-x * x)
    b = 2.0 / (math.pi * a) + ln / 2.0
    return np.sqrt(np.sqrt(b * b - ln / a) - b)


def _erfinv_np(a):
    x = a.astype(np.float64)
    ax = np.abs(x)
    inside = ax < 1.0
    t = np.where(inside, ax, 0.0)
    y = _erfinv_guess(t)
    tail = t > 0.5
    for _ in range(3):  # Halley: cubic convergence from 2e-3
        with np.errstate(over="ignore"):
            resid = np.where(tail, (1.0 - t) - np.asarray(_erfc(y), dtype=np.float64),
                             np.asarray(_erf(y), dtype=np.float64) - t)
        step = resid * _SQRT_PI_OVER_2 * np.exp(y * y)
        y = y - step / (1.0 + y * step)
    with np.errstate(invalid="ignore"):
        out = np.where(inside, np.copysign(y, x), np.where(ax == 1.0, np.copysign(np.inf, x),
                                                           np.nan))
    return out.astype(a.dtype)


class Erfinv(_Elementwise):
    __slots__ = ()
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        return _erfinv_np(a)

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * ((y * y).exp() * _SQRT_PI_OVER_2)


def erfinv(input):
    """The inverse error function (+-inf at +-1, NaN outside [-1, 1])."""
    return unary(Erfinv, _tensor(input))


# ------------------------------------------------------- log-type ops
class XLogY(_Elementwise):
    """``x * log(y)``, 0 where x == 0 (unless y is NaN).  Gradients are
    PyTorch's: ``log(y)`` (0 where x == 0) and ``x / y``."""
    __slots__ = ()
    _save_inputs = (0, 1)
    _true_division = True  # integers give float32

    @staticmethod
    def forward(ctx, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            out = a * np.log(b)
        return np.where((a == 0) & ~np.isnan(b), out.dtype.type(0), out)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        n = ctx.needs_input_grad
        ga = g * binary(XLogY, (a != 0).to(a.dtype), b) if n[0] else None
        with np.errstate(divide="ignore", invalid="ignore"):  # x/y at y == 0, silently
            gb = g * a / b if n[1] else None
        return ga, gb


def xlogy(input, other):
    """``input * log(other)``, defined as 0 where input is 0 (entropy terms)."""
    input, other = _pair(input, other, "xlogy")  # the backward needs both as tensors
    if isinstance(input, Tensor) and isinstance(other, Tensor) and \
            input._data.dtype.kind in "biu" and other._data.dtype.kind in "biu":
        input, other = _to_float(input), _to_float(other)  # PyTorch: float32
    return binary(XLogY, input, other)


def logit(input, eps=None):
    """log(p / (1 - p)); with ``eps``, p is first clamped to [eps, 1 - eps]."""
    x = _to_float(_tensor(input))
    if eps is not None:
        x = clamp(x, eps, 1.0 - eps)
    with np.errstate(divide="ignore", invalid="ignore"):  # +-inf at 0 and 1, silently
        return (x / (1.0 - x)).log()


def sinc(input):
    """The normalized sinc function sin(pi x) / (pi x), 1 at x = 0."""
    x = _to_float(_tensor(input))
    zero = x._data == 0
    safe = where(zero, 1.0, x) * math.pi
    return where(zero, 1.0, safe.sin() / safe)


def deg2rad(input):
    """Angles in degrees converted to radians."""
    return _to_float(_tensor(input)) * (math.pi / 180.0)


def rad2deg(input):
    """Angles in radians converted to degrees."""
    return _to_float(_tensor(input)) * (180.0 / math.pi)


def float_power(input, exponent):
    """``input ** exponent`` computed in double precision (the result is float64)."""
    wide = np.complex128 if any(isinstance(v, complex) or (isinstance(v, Tensor) and
                                v._data.dtype.kind == "c") for v in (input, exponent)) \
        else np.float64

    def up(v):
        if isinstance(v, Tensor):
            return v if v._data.dtype == wide else cast(v, wide)
        return np.asarray(v, dtype=wide)
    a, b = up(input), up(exponent)
    if not isinstance(a, Tensor):
        a = _wrap(a)
    return a ** (b if isinstance(b, Tensor) else _wrap(b))


# ------------------------------------------------- NaN-aware max/min etc
def require_tensors(op, **args):
    """PyTorch's binding refuses a number where a Tensor argument is due
    (``fmax(t, 2)``): the same TypeError, naming the argument."""
    for pos, (name, v) in enumerate(args.items(), 1):
        if not isinstance(v, Tensor):
            raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{type(v).__name__}")


def _pair(input, other, op):
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"{op}(): expected a tensor operand, got {type(input).__name__} and "
                        f"{type(other).__name__}")
    a = _tensor(input, other if isinstance(other, Tensor) else None)
    b = _tensor(other, a)
    return a, b


def fmax(input, other):
    """Elementwise maximum that ignores NaN (NaN only where both are NaN); ties send the gradient to ``input``."""
    require_tensors("fmax", input=input, other=other)
    a, b = input, other
    da, db = compare_arrays(a, b)
    return where((da >= db) | np.isnan(db), a, b)


def fmin(input, other):
    """Elementwise minimum that ignores NaN (NaN only where both are NaN); ties send the gradient to ``input``."""
    require_tensors("fmin", input=input, other=other)
    a, b = input, other
    da, db = compare_arrays(a, b)
    return where((da <= db) | np.isnan(db), a, b)


def clamp_min(input, min):
    """``clamp(input, min=min)``: values below ``min`` raised to it."""
    return clamp(input, min=min)


def clamp_max(input, max):
    """``clamp(input, max=max)``: values above ``max`` lowered to it."""
    return clamp(input, max=max)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """NaN, +inf and -inf replaced by ``nan`` and by ``posinf``/``neginf`` (default: the dtype's largest/lowest finite value); gradient 0 at the replaced elements."""
    x = _tensor(input)
    d = x._data
    if d.dtype.kind not in "fc":
        return _wrap(d.copy())
    fixed = np.nan_to_num(d, nan=nan, posinf=posinf, neginf=neginf)
    return where(np.isfinite(d), x, _wrap(np.asarray(fixed)))


def heaviside(input, values):
    """The step function: 0 for x < 0, ``values`` at x == 0, 1 for x > 0 (not differentiable)."""
    require_tensors("heaviside", input=input, values=values)
    a, b = input, values
    if a._data.dtype != b._data.dtype:
        raise DTypeError(f"heaviside(): input and values must have the same dtype (as in "
                         f"PyTorch), got {a._data.dtype} and {b._data.dtype}")
    da, db = a._data, b._data
    try:
        out = np.heaviside(da, db) if da.dtype.kind == "f" else \
            np.where(da == 0, db, (da > 0).astype(da.dtype))
    except ValueError:
        raise ArgumentError(f"heaviside(): shapes {da.shape} and {db.shape} cannot be "
                            "broadcast together") from None
    return _wrap(np.asarray(out, dtype=da.dtype))


def _integer_pair(input, other, op, ufunc):
    require_tensors(op, input=input, other=other)
    a, b = input, other
    for t in (a, b):
        _refuse_kind(op, t, "iu", "integer tensors")
    return compare(ufunc, a, b)


def gcd(input, other):
    """Greatest common divisor of integer tensors (non-negative; gcd(0, 0) = 0)."""
    return _integer_pair(input, other, "gcd", np.gcd)


def lcm(input, other):
    """Least common multiple of integer tensors (non-negative; 0 if either is 0)."""
    return _integer_pair(input, other, "lcm", np.lcm)


def reciprocal(input):
    """1 / x elementwise (integer input gives float32)."""
    return _tensor(input).reciprocal()


def positive(input):
    """``+input``: the tensor itself (refused for bool, as in PyTorch)."""
    x = _tensor(input)
    if x._data.dtype == np.bool_:
        raise TypeError("positive(): the + operator on a bool tensor is not supported (as in "
                        "PyTorch); convert with .long() or .float() first")
    return x


def absolute(input):
    """Absolute value (the same as ``abs``)."""
    return _tensor(input).abs()


def signbit(input):
    """Whether the sign bit is set (True for negative numbers and -0.0)."""
    return _wrap(np.asarray(np.signbit(_tensor(input)._data)))


def isreal(input):
    """Whether each element is real-valued (always True for real dtypes)."""
    d = _tensor(input)._data
    if d.dtype.kind == "c":
        return _wrap(np.asarray(d.imag == 0))
    return _wrap(np.ones(d.shape, dtype=bool))


def _values(x):
    if isinstance(x, Tensor):
        return x._data
    return np.asarray(x.item() if isinstance(x, np.generic) else x)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element of ``elements`` occurs in ``test_elements`` (bool tensor of ``elements``' shape)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin(): expected elements or test_elements to be a tensor, got "
                        f"{type(elements).__name__} and {type(test_elements).__name__}")
    out = np.isin(_values(elements), _values(test_elements), assume_unique=assume_unique,
                  invert=invert)
    return _wrap(np.asarray(out))


def equal(input, other):
    """True if both tensors have the same shape and equal elements (a Python bool)."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError(f"equal(): expected two tensors, got {type(input).__name__} and "
                        f"{type(other).__name__}")
    if input._data.shape != other._data.shape:
        return False
    a, b = compare_arrays(input, other)
    return bool(np.array_equal(a, b))


# -------------------------------- function forms of comparisons and logic
def _comparison(ufunc, name, doc, both_tensors=False):
    def fn(input, other):
        if both_tensors or not isinstance(input, Tensor):
            require_tensors(name, input=input, **({"other": other} if both_tensors else {}))
        return compare(ufunc, input, other)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


eq = _comparison(np.equal, "eq", "Elementwise ``input == other`` (bool tensor).")
ne = _comparison(np.not_equal, "ne", "Elementwise ``input != other`` (bool tensor).")
lt = _comparison(np.less, "lt", "Elementwise ``input < other`` (bool tensor).")
le = _comparison(np.less_equal, "le", "Elementwise ``input <= other`` (bool tensor).")
gt = _comparison(np.greater, "gt", "Elementwise ``input > other`` (bool tensor).")
ge = _comparison(np.greater_equal, "ge", "Elementwise ``input >= other`` (bool tensor).")
logical_and = _comparison(np.logical_and, "logical_and",
                          "Elementwise logical AND of the truth values (bool tensor).", True)
logical_or = _comparison(np.logical_or, "logical_or",
                         "Elementwise logical OR of the truth values (bool tensor).", True)
logical_xor = _comparison(np.logical_xor, "logical_xor",
                          "Elementwise logical XOR of the truth values (bool tensor).", True)
not_equal, greater, greater_equal, less, less_equal = ne, gt, ge, lt, le


def logical_not(input):
    """Elementwise logical NOT of the truth values (bool tensor)."""
    return _wrap(np.asarray(np.logical_not(_tensor(input)._data)))

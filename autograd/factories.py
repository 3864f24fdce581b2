"""Tensor factories and the random number generator (`manual_seed`).

All randomness in chainrule (init, dropout, randn...) draws from one
generator, so ``manual_seed(s)`` makes a whole run reproducible.
"""
import math

import numpy as np

from . import dtypes as _dt
from ._args import dtype_arg, int_arg, nonnegative_int_arg, size_arg as _size_arg
from .errors import ArgumentError, DTypeError
from .tensor import Tensor

from .generator import Generator, rng_arg, seed_arg, set_bit_state

# The default generator: every draw without generator= comes from it.  It
# starts from fresh entropy (as NumPy's default_rng() would), under a seed
# it can report (initial_seed).
_rng = Generator()
_rng.seed()
default_generator = _rng


def manual_seed(seed):
    """Reseed the generator behind every random factory and layer, and
    return it (PyTorch's ``default_generator``).  Any seed PyTorch takes is
    taken (a negative one counts modulo 2**64, a float is truncated, as
    there).  The generator object stays the same, so code holding it sees
    the new stream."""
    return _rng.manual_seed(seed_arg(seed, "manual_seed", floats=True))


def seed():
    """Reseed the default generator from fresh entropy; returns the seed."""
    return _rng.seed()


def initial_seed():
    """The seed the default generator last started from."""
    return _rng.initial_seed()


def generator():
    return _rng


def get_rng_state():
    """The default generator's state as a uint8 tensor (PyTorch's type), a
    snapshot that `set_rng_state` restores exactly: the draws after it are
    the draws that followed when it was taken."""
    return _rng.get_state()


def set_rng_state(new_state):
    """Restore a state taken by `get_rng_state` (in place: code holding
    ``generator()`` sees the restored stream too).  Anything that is not
    such a state is refused before the generator changes."""
    set_bit_state(_rng, new_state, "set_rng_state", "get_rng_state")


def _size(size, fn):
    return _size_arg(size, fn)


def _float_dtype(dtype, fn="factory"):
    return _dt.DEFAULT_FLOAT if dtype is None else dtype_arg(dtype, fn)


def _random_float_dtype(dtype, fn):
    """Uniform and normal samples exist only in floating dtypes (PyTorch
    refuses the others rather than rounding the samples)."""
    dt = _float_dtype(dtype, fn)
    if dt.kind != "f":
        raise DTypeError(f"{fn}(): samples need a floating-point dtype, got {dt}; draw "
                         "integers with randint, or cast the result afterwards")
    return dt


def _make(arr, requires_grad):
    t = Tensor(arr)
    if requires_grad:
        t.requires_grad = True
    return t


def tensor(data, dtype=None, requires_grad=False):
    """A new leaf tensor.  Python floats give float32, ints int64; NumPy data
    keeps its dtype.  Data is copied (as ``torch.tensor`` does)."""
    if isinstance(data, Tensor):
        data = data._data
    arr = _dt.infer_array(data, None if dtype is None else np.dtype(dtype))
    return _make(np.array(arr, copy=True), requires_grad)


def as_tensor(data, dtype=None):
    """Like `tensor`, but shares NumPy memory when it can."""
    if isinstance(data, Tensor) and dtype is None:
        return data
    if isinstance(data, Tensor):
        return Tensor(data, dtype=dtype)
    return Tensor(_dt.infer_array(data, None if dtype is None else np.dtype(dtype)))


def from_numpy(arr):
    return Tensor(np.asarray(arr))


def zeros(*size, dtype=None, requires_grad=False):
    return _make(np.zeros(_size(size, "zeros"), dtype=_float_dtype(dtype, "zeros")),
                 requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return _make(np.ones(_size(size, "ones"), dtype=_float_dtype(dtype, "ones")), requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    """The dtype follows ``fill_value`` as a Python number's would (a NumPy
    float64 scalar gives float32, a NumPy int int64, as in PyTorch)."""
    fill_value = _fill_arg(fill_value, "full")
    dtype = (_dt.default_dtype_for(fill_value) if dtype is None
             else dtype_arg(dtype, "full"))
    _check_fill_fits(fill_value, dtype, "full")
    return _make(np.full(_size((size,), "full"), fill_value, dtype=dtype), requires_grad)


def _fill_arg(value, fn):
    if isinstance(value, Tensor) and value._data.size == 1:
        value = value._data.item()
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(value, (bool, int, float, complex)):
        raise TypeError(f"{fn}(): fill_value must be a number, got {type(value).__name__} "
                        f"({value!r})")
    return value


def empty(*size, dtype=None, requires_grad=False):
    """Zeros (NumPy has no cheaper uninitialized memory worth the risk)."""
    return _make(np.zeros(_size(size, "empty"), dtype=_float_dtype(dtype, "empty")),
                 requires_grad)


def _like_dtype(t, dtype, fn):
    return t.dtype if dtype is None else dtype_arg(dtype, fn)


def zeros_like(t, dtype=None, requires_grad=False):
    return _make(np.zeros(t.shape, dtype=_like_dtype(t, dtype, "zeros_like")), requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return _make(np.ones(t.shape, dtype=_like_dtype(t, dtype, "ones_like")), requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False):
    fill_value = _fill_arg(fill_value, "full_like")
    dtype = _like_dtype(t, dtype, "full_like")
    _check_fill_fits(fill_value, dtype, "full_like")
    return _make(np.full(t.shape, fill_value, dtype=dtype), requires_grad)


def _check_fill_fits(value, dtype, fn):
    """A complex fill value in a real dtype would lose its imaginary part
    (PyTorch refuses it)."""
    if isinstance(value, complex) and np.dtype(dtype).kind != "c":
        raise DTypeError(f"{fn}(): fill_value {value!r} is complex but dtype is "
                         f"{np.dtype(dtype)}; its imaginary part would be lost")


def rand(*size, generator=None, dtype=None, requires_grad=False):
    """Uniform on [0, 1)."""
    dt = _random_float_dtype(dtype, "rand")
    rng = rng_arg(generator, _rng, "rand")
    return _make(rng.random(_size(size, "rand"), dtype=np.float64).astype(dt), requires_grad)


def randn(*size, generator=None, dtype=None, requires_grad=False):
    """Standard normal."""
    dt = _random_float_dtype(dtype, "randn")
    rng = rng_arg(generator, _rng, "randn")
    return _make(rng.standard_normal(_size(size, "randn")).astype(dt), requires_grad)


def randint(low, high=None, size=(), *, generator=None, dtype=None):
    """Integers uniform on [low, high); PyTorch refuses an empty range.
    ``randint(high, size)`` (a shape second) means low 0, as in PyTorch."""
    if high is None:
        low, high = 0, low
    elif size == () and isinstance(high, (tuple, list)):
        low, high, size = 0, low, high
    low, high = int_arg(low, "randint", "low"), int_arg(high, "randint", "high")
    if low >= high:
        raise ArgumentError(f"randint(): low must be less than high, got low={low} >= "
                            f"high={high}")
    shape = _size((size,), "randint")
    dt = np.dtype(np.int64) if dtype is None else dtype_arg(dtype, "randint")
    draws = rng_arg(generator, _rng, "randint").integers(low, high, size=shape, dtype=np.int64)
    return Tensor(draws if dt == np.int64 else draws.astype(dt))


def rand_like(t, dtype=None, requires_grad=False):
    return rand(t.shape, dtype=_like_dtype(t, dtype, "rand_like"), requires_grad=requires_grad)


def randn_like(t, dtype=None, requires_grad=False):
    return randn(t.shape, dtype=_like_dtype(t, dtype, "randn_like"),
                 requires_grad=requires_grad)


def randperm(n, *, generator=None, dtype=None, requires_grad=False):
    """A random permutation of 0..n-1 (int64 unless ``dtype`` says)."""
    n = nonnegative_int_arg(n, "randperm", "n")
    dt = np.dtype(np.int64) if dtype is None else dtype_arg(dtype, "randperm")
    order = rng_arg(generator, _rng, "randperm").permutation(n)
    return _make(order.astype(dt), requires_grad)


def _number_arg(value, fn, name):
    """A real number for arange/linspace: Python or NumPy numbers and
    one-element tensors."""
    if isinstance(value, Tensor) and value._data.size == 1:
        value = value._data.item()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{fn}(): argument '{name}' must be a real number, got "
                        f"{type(value).__name__} ({value!r})")
    return value


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """Integer arguments give int64, any float argument float32 (PyTorch).
    A step that points away from ``end`` is an error, not an empty tensor."""
    if end is None:
        start, end = 0, start
    start, end, step = (_number_arg(v, "arange", n)
                        for v, n in ((start, "start"), (end, "end"), (step, "step")))
    if not all(math.isfinite(v) for v in (start, end, step)):
        raise ArgumentError(f"arange(): unsupported range {start} -> {end} with step {step}; "
                            "all three must be finite")
    if step == 0:
        raise ArgumentError("arange(): step must be nonzero")
    if (end - start) * step < 0:
        raise ArgumentError(f"arange(): the step {step} points away from end: start {start}, "
                            f"end {end} (upper and lower bound inconsistent with step sign)")
    if dtype is None:
        is_int = all(isinstance(v, int) for v in (start, end, step))
        dtype = np.int64 if is_int else _dt.DEFAULT_FLOAT
    dtype = dtype_arg(dtype, "arange")
    if dtype.kind in "iub" and not all(isinstance(v, int) for v in (start, end, step)):
        # PyTorch first converts the arguments to the integer dtype
        # (arange(2.5, dtype=int64) is [0, 1]), then counts
        start, end, step = int(start), int(end), int(step)
        if step == 0:
            raise ArgumentError("arange(): step must be nonzero (it is 0 once converted to "
                                f"{dtype})")
    return _make(_range_values(start, end, step).astype(dtype), requires_grad)


def _range_values(start, end, step):
    """PyTorch's float range: ``ceil((end - start) / step)`` values
    ``start + i * step``, each computed in float64 (NumPy's arange adds a
    rounded step repeatedly instead, which can differ in the last bit)."""
    if all(isinstance(v, int) for v in (start, end, step)):
        return np.arange(start, end, step)
    n = max(math.ceil((end - start) / step), 0)
    return np.arange(n, dtype=np.float64) * float(step) + float(start)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    start, end = _number_arg(start, "linspace", "start"), _number_arg(end, "linspace", "end")
    steps = nonnegative_int_arg(steps, "linspace", "steps")
    return _make(np.linspace(start, end, steps).astype(_float_dtype(dtype, "linspace")),
                 requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    n = nonnegative_int_arg(n, "eye", "n")
    m = n if m is None else nonnegative_int_arg(m, "eye", "m")
    return _make(np.eye(n, m, dtype=_float_dtype(dtype, "eye")), requires_grad)

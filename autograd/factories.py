"""Tensor factories and the random number generator (`manual_seed`).

All randomness in chainrule (init, dropout, randn...) draws from one
generator, so ``manual_seed(s)`` makes a whole run reproducible.
"""
import numpy as np

from . import dtypes as _dt
from .tensor import Tensor

_rng = np.random.default_rng()


def manual_seed(seed):
    """Reseed the generator behind every random factory and layer."""
    global _rng
    _rng = np.random.default_rng(int(seed))
    return _rng


def generator():
    return _rng


def _size(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    size = tuple(int(s) for s in size)
    if any(s < 0 for s in size):
        raise ValueError(f"negative dimension in size {size}")
    return size


def _float_dtype(dtype):
    dt = _dt.DEFAULT_FLOAT if dtype is None else np.dtype(dtype)
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
    return Tensor(data, dtype=dtype)


def from_numpy(arr):
    return Tensor(np.asarray(arr))


def zeros(*size, dtype=None, requires_grad=False):
    return _make(np.zeros(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    return _make(np.ones(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    if dtype is None:
        dtype = _dt.default_dtype_for(fill_value) or _dt.DEFAULT_FLOAT
    return _make(np.full(_size((size,)), fill_value, dtype=dtype), requires_grad)


def empty(*size, dtype=None, requires_grad=False):
    return zeros(*size, dtype=dtype, requires_grad=requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    return _make(np.zeros(t.shape, dtype=dtype or t.dtype), requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return _make(np.ones(t.shape, dtype=dtype or t.dtype), requires_grad)


def full_like(t, fill_value, dtype=None, requires_grad=False):
    return _make(np.full(t.shape, fill_value, dtype=dtype or t.dtype), requires_grad)


def rand(*size, dtype=None, requires_grad=False):
    """Uniform on [0, 1)."""
    dt = _float_dtype(dtype)
    return _make(_rng.random(_size(size), dtype=np.float64).astype(dt), requires_grad)


def randn(*size, dtype=None, requires_grad=False):
    """Standard normal."""
    dt = _float_dtype(dtype)
    return _make(_rng.standard_normal(_size(size)).astype(dt), requires_grad)


def randint(low, high=None, size=(), dtype=None):
    if high is None:
        low, high = 0, low
    return Tensor(_rng.integers(low, high, size=_size((size,)),
                                dtype=np.dtype(dtype or np.int64)))


def rand_like(t, dtype=None, requires_grad=False):
    return rand(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randn_like(t, dtype=None, requires_grad=False):
    return randn(t.shape, dtype=dtype or t.dtype, requires_grad=requires_grad)


def randperm(n):
    return Tensor(_rng.permutation(int(n)).astype(np.int64))


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """Integer arguments give int64, any float argument float32 (PyTorch)."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must be nonzero")
    if dtype is None:
        is_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = np.int64 if is_int else _dt.DEFAULT_FLOAT
    return _make(np.arange(start, end, step).astype(dtype), requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad=False):
    return _make(np.linspace(start, end, int(steps)).astype(_float_dtype(dtype)), requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    return _make(np.eye(int(n), None if m is None else int(m), dtype=_float_dtype(dtype)),
                 requires_grad)

"""More factories with PyTorch's names: `normal`, `randint_like`,
`empty_like`, `tril_indices`, `triu_indices`.  Random draws come from the
library generator (`manual_seed` reproduces them)."""
import numpy as np

from . import factories as _f
from ._args import dtype_arg, int_arg, size_arg
from .errors import ArgumentError, DTypeError
from .function import Function
from .tensor import Tensor, _wrap


class _Sample(Function):
    """A sample whose mean and std were tensors: PyTorch 2.13 connects it to
    them with a gradient of zero (it does not reparameterize)."""
    __slots__ = ()

    @staticmethod
    def forward(ctx, sample, mean, std):
        return sample

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        zero = _wrap(np.zeros_like(g._data))
        return None, (zero if n[1] else None), (zero if n[2] else None)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, requires_grad=False):
    """Samples from N(mean, std^2): ``mean`` and ``std`` are numbers or
    tensors (broadcast together); with two numbers, ``size`` gives the
    shape.  A negative std is an error."""
    tm, ts = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not tm and not ts:
        if size is None:
            raise TypeError("normal(): with float mean and std, give size= (a shape)")
        shape = size_arg((size,), "normal")
        dt = _f._random_float_dtype(dtype, "normal")
        _check_std(np.asarray(std), "normal")
        rng = _f.rng_arg(generator, _f.generator(), "normal")
        draws = rng.standard_normal(shape) * float(std) + float(mean)
        return _f._make(draws.astype(dt), requires_grad)
    if size is not None:
        raise TypeError("normal(): size= is only for float mean and std")
    like = mean if tm else std
    dt = like.dtype
    if dt.kind != "f":
        raise DTypeError(f"normal(): mean and std must be floating-point, got {dt}")
    m = mean._data if tm else np.asarray(mean, dtype=dt)
    s = std._data if ts else np.asarray(std, dtype=dt)
    _check_std(s, "normal")
    shape = np.broadcast_shapes(np.shape(m), np.shape(s))
    rng = _f.rng_arg(generator, _f.generator(), "normal")
    draws = (rng.standard_normal(shape) * s + m).astype(dt)
    return _Sample.apply(draws, mean, std)


def _check_std(s, fn):
    if np.any(s < 0):
        raise ArgumentError(f"{fn}(): expected all elements of std >= 0.0, got a minimum of "
                            f"{np.min(s)}")


def randint_like(input, low=0, high=None, *, dtype=None, requires_grad=False):
    """Integers uniform on [low, high) in ``input``'s shape and (unless
    ``dtype`` is given) its dtype: ``randint_like(x, high)`` or
    ``randint_like(x, low, high)``."""
    if high is None:
        low, high = 0, low
    dt = input.dtype if dtype is None else dtype_arg(dtype, "randint_like")
    t = _f.randint(low, high, tuple(input.shape), dtype=dt)
    if requires_grad:
        t.requires_grad = True
    return t


def empty_like(input, *, dtype=None, requires_grad=False):
    """A tensor of ``input``'s shape and dtype (zeros: see `empty`)."""
    dt = input.dtype if dtype is None else dtype_arg(dtype, "empty_like")
    return _f._make(np.zeros(input.shape, dtype=dt), requires_grad)


def _triangle(np_fn, row, col, offset, dtype, fn):
    r = _f.nonnegative_int_arg(row, fn, "row")
    c = _f.nonnegative_int_arg(col, fn, "col")
    o = int_arg(offset, fn, "offset")
    dt = np.dtype(np.int64) if dtype is None else dtype_arg(dtype, fn)
    return Tensor(np.stack(np_fn(r, o, c)).astype(dt).reshape(2, -1))


def tril_indices(row, col, offset=0, *, dtype=None):
    """The (2, n) coordinates of the lower triangle of a row x col matrix
    (below the diagonal shifted by ``offset``), row by row."""
    return _triangle(np.tril_indices, row, col, offset, dtype, "tril_indices")


def triu_indices(row, col, offset=0, *, dtype=None):
    """The (2, n) coordinates of the upper triangle of a row x col matrix."""
    return _triangle(np.triu_indices, row, col, offset, dtype, "triu_indices")

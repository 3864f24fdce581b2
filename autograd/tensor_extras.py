"""Tensor methods ported code calls that are thin over what exists: memory
layout queries (``stride``, ``storage_offset``, ``data_ptr``...), shape
helpers (``unfold``, ``split_with_sizes``, ``sum_to_size``, ``type_as``,
``where``), legacy casts (``byte``, ``char``, ``short``), in-place random
fills (``random_``, ``exponential_``, ``geometric_``, ``log_normal_``,
``cauchy_``), ``fill_diagonal_`` and the in-place shape changes
(``unsqueeze_``, ``squeeze_``, ``t_``, ``transpose_``, ``swapaxes_``).

They are attached to `Tensor` here, after its class body, so the class
stays the engine's core and this list can grow without touching it.
Strides and offsets are in elements, as PyTorch reports them, read off the
NumPy array that holds the tensor's values (a view shares its base's
memory, so a slice reports its offset into the base).
"""
import numpy as np

from . import dtypes as _dt
from . import factories as _factories
from ._args import dim_arg, int_arg, size_arg
from .generator import rng_arg
from .errors import ArgumentError, DTypeError, ShapeError
from .ops import inplace as _inplace
from .ops import movement as _mv
from .tensor import Tensor


# ------------------------------------------------------------- layout
def stride(self, dim=None):
    """Steps in elements between neighbours along each dim (``dim``: one)."""
    steps = tuple(s // self._data.itemsize for s in self._data.strides)
    if dim is None:
        return steps
    return steps[dim_arg(dim, self._data.ndim, "stride")]


def _owner(arr):
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


def storage_offset(self):
    """Elements between the start of the memory this tensor shares and its
    first element (0 unless it is a view into another tensor's memory)."""
    arr = self._data
    start = _owner(arr).__array_interface__["data"][0]
    return (arr.__array_interface__["data"][0] - start) // arr.itemsize


def data_ptr(self):
    """Address of the first element."""
    return self._data.__array_interface__["data"][0]


def element_size(self):
    """Bytes per element."""
    return self._data.itemsize


def nelement(self):
    """Number of elements (``numel``)."""
    return self._data.size


def ndimension(self):
    """Number of dims (``dim``)."""
    return self._data.ndim


def is_complex(self):
    return self._data.dtype.kind == "c"


def is_signed(self):
    """Whether the dtype holds negative numbers (not uint8 or bool)."""
    return self._data.dtype.kind in "ifc"


def is_nonzero(self):
    """The truth of a one-element tensor; more elements are ambiguous."""
    if self._data.size != 1:
        kind = "no values" if self._data.size == 0 else "more than one value"
        raise ArgumentError(f"is_nonzero: a tensor with {kind} (shape {self.shape}) has no "
                            "single truth value")
    return bool(self._data.reshape(()) != 0)


def is_same_size(self, other):
    return tuple(self.shape) == tuple(other.shape)


def is_inference(self):
    """chainrule has no inference tensors: `inference_mode` is `no_grad`."""
    return False


# -------------------------------------------------------------- shape
def unfold(self, dimension, size, step):
    """Windows of ``size`` elements every ``step`` along ``dimension``, as a
    new last dim: shape ``(..., n, ..., size)`` with ``n = (L - size) //
    step + 1``.  One gather by index, so the gradient sums over windows
    that overlap."""
    fn = "unfold"
    nd = max(self._data.ndim, 1)
    d = dim_arg(dimension, nd, fn, "dimension")
    size = int_arg(size, fn, "size")
    step = int_arg(step, fn, "step")
    x = self if self._data.ndim else self.reshape(1)
    length = x.shape[d]
    if size < 0 or size > length:
        raise ShapeError(f"unfold: size {size} is larger than dimension {d} of length {length} "
                         f"(input shape {self.shape})" if size > length else
                         f"unfold: size must be non-negative, got {size}")
    if step <= 0:
        raise ArgumentError(f"unfold: step must be positive, got {step}")
    n = (length - size) // step + 1
    index = np.arange(n)[:, None] * step + np.arange(size)
    windows = x.movedim(d, -1)[..., index]          # (..., n, size)
    out = windows.movedim(-2, d)
    return out if self._data.ndim else out.reshape(n, size)


def split_with_sizes(self, split_sizes, dim=0):
    """``split`` with an explicit list of sizes that must add up to the dim."""
    sizes = [int_arg(s, "split_with_sizes", "split_sizes") for s in split_sizes]
    d = dim_arg(dim, self._data.ndim, "split_with_sizes")
    if sum(sizes) != self.shape[d] or any(s < 0 for s in sizes):
        raise ShapeError(f"split_with_sizes: split_sizes {sizes} must be non-negative and sum "
                         f"to the length {self.shape[d]} of dim {d} (shape {self.shape})")
    return _mv.split(self, sizes, d)


def sum_to_size(self, *size):
    """Sum over broadcast dims down to ``size`` (the reverse of ``expand``)."""
    shape = tuple(size_arg(size, "sum_to_size"))
    try:
        expanded = np.broadcast_shapes(shape, self.shape)
    except ValueError:
        expanded = None
    if expanded != tuple(self.shape):
        raise ShapeError(f"sum_to_size: size {shape} is not expandable to the tensor's shape "
                         f"{self.shape}")
    return _mv.sum_to(self, shape)


def type_as(self, other):
    """This tensor in ``other``'s dtype."""
    return self.to(other.dtype)


def where(self, condition, y):
    """``torch.where(condition, self, y)``."""
    from . import where as _where
    return _where(condition, self, y)


def _cast_to(dtype):
    def cast(self):
        return self.to(dtype)
    cast.__doc__ = f"This tensor as {np.dtype(dtype).name}."
    return cast


def bfloat16(self):
    """bfloat16 has no NumPy dtype, so chainrule cannot hold it."""
    raise DTypeError("bfloat16: chainrule computes with NumPy, which has no bfloat16 dtype; "
                     "use .half() (float16) or .float()")


# -------------------------------------------------------- random fills
def _rng(generator, fn):
    return rng_arg(generator, _factories.generator(), fn)


def _fill_with(self, draws, fn):
    kind = self._data.dtype.kind
    if kind not in "fiu":
        raise DTypeError(f"{fn}: not defined for dtype {self._data.dtype}")
    return self.copy_(np.asarray(draws).astype(self._data.dtype))


def _float_only(self, fn):
    if self._data.dtype.kind != "f":
        raise DTypeError(f"{fn}: defined for floating-point tensors, got dtype "
                         f"{self._data.dtype}")


def random_(self, from_=0, to=None, *, generator=None):
    """Fill in place with integers drawn uniformly from [from_, to); with
    one argument, [0, from_); with none, [0, 2**mantissa] for floats (every
    integer the dtype holds exactly) and the dtype's range for integers."""
    dt = self._data.dtype
    if to is None and from_ != 0:
        from_, to = 0, from_
    if to is None:
        to = (2 ** (np.finfo(dt).nmant + 1) + 1 if dt.kind == "f"
              else int(np.iinfo(dt).max) + 1)
    if from_ >= to:
        raise ArgumentError(f"random_: expects 'from' < 'to', got from={from_}, to={to}")
    draws = _rng(generator, "random_").integers(from_, to, size=self._data.shape, dtype=np.int64)
    return _fill_with(self, draws, "random_")


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill in place with draws from Exp(lambd) (mean 1 / lambd)."""
    _float_only(self, "exponential_")
    if not lambd > 0:
        raise ArgumentError(f"exponential_: expects lambd > 0.0, got lambd={lambd}")
    return _fill_with(self, _rng(generator, "exponential_").exponential(1.0 / lambd,
                                                                   self._data.shape),
                      "exponential_")


def geometric_(self, p, *, generator=None):
    """Fill in place with the number of Bernoulli(p) trials up to the first
    success (1, 2, ...)."""
    if not 0 < p < 1:
        raise ArgumentError(f"geometric_: expects p in (0, 1), got p={p}")
    return _fill_with(self, _rng(generator, "geometric_").geometric(p, self._data.shape),
                      "geometric_")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill in place with exp(N(mean, std^2)) draws."""
    _float_only(self, "log_normal_")
    if not std > 0:
        raise ArgumentError(f"log_normal_: expects std > 0.0, got std={std}")
    return _fill_with(self, _rng(generator, "log_normal_").lognormal(mean, std, self._data.shape),
                      "log_normal_")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill in place with Cauchy(median, sigma) draws."""
    _float_only(self, "cauchy_")
    if not sigma > 0:
        raise ArgumentError(f"cauchy_: expects sigma > 0.0, got sigma={sigma}")
    draws = median + sigma * _rng(generator, "cauchy_").standard_cauchy(self._data.shape)
    return _fill_with(self, draws, "cauchy_")


def fill_diagonal_(self, fill_value, wrap=False):
    """Write ``fill_value`` on the main diagonal in place (all dims of equal
    length, or a 2-d tall matrix; ``wrap`` restarts the diagonal every
    ``cols + 1`` rows, as PyTorch and NumPy do)."""
    shape = self.shape
    if self._data.ndim < 2 or (self._data.ndim > 2 and len(set(shape)) != 1):
        raise ShapeError(f"fill_diagonal_: needs a 2-d tensor or all dims of equal length, got "
                         f"shape {shape}")
    if self._data.ndim == 2:
        rows, cols = shape
        flat = np.arange(0, rows * cols, cols + 1)
        if not wrap:
            flat = flat[: min(rows, cols)]
        index = np.unravel_index(flat, shape)
    else:
        index = (np.arange(shape[0]),) * self._data.ndim
    self[index] = fill_value
    return self


# ---------------------------------------------------- in-place reshapes
def _reshape_in_place(self, result, fn):
    """Give ``self`` the layout of ``result`` (a view of it).  Only for a
    tensor with no history and no views: a recorded op saved the old shape,
    and a view's base keeps its own; rebinding either would desynchronise
    them, so those cases are refused with the out-of-place spelling."""
    if self._rg or self._grad_fn is not None or getattr(self, "_view", None) is not None:
        raise ArgumentError(f"{fn}: changes the shape of this tensor in place, which chainrule "
                            "does for tensors outside autograd's records only (this one requires "
                            f"grad, has a history or is a view); write x = x.{fn[:-1]}(...)")
    self._data = result._data
    return self


def unsqueeze_(self, dim):
    return _reshape_in_place(self, self.detach().unsqueeze(dim), "unsqueeze_")


def squeeze_(self, dim=None):
    return _reshape_in_place(self, self.detach().squeeze(dim), "squeeze_")


def t_(self):
    return _reshape_in_place(self, self.detach().t(), "t_")


def transpose_(self, dim0, dim1):
    return _reshape_in_place(self, self.detach().transpose(dim0, dim1), "transpose_")


for _name, _fn in list(globals().items()):
    if callable(_fn) and getattr(_fn, "__module__", None) == __name__ and not \
            _name.startswith("_") and not isinstance(_fn, type):
        setattr(Tensor, _name, _fn)
Tensor.swapaxes_ = Tensor.swapdims_ = transpose_
Tensor.nbytes = property(lambda self: self._data.nbytes, doc="Bytes the elements take.")
Tensor.itemsize = property(lambda self: self._data.itemsize, doc="Bytes per element.")
Tensor.byte = _cast_to(np.uint8)
Tensor.char = _cast_to(np.int8)
Tensor.short = _cast_to(np.int16)
del _name, _fn


# --------------------------------------------------- more in-place forms
# ``x.<name>_(*args)`` for ops whose out-of-place method exists: computed by
# that method and written back through `unary_inplace` (the machinery of
# ``sqrt_`` and ``clamp_``), so leaves, views, saved values and dtypes
# that cannot hold the result are handled once, the same way for all.
_IN_PLACE_FROM_METHOD = (
    "absolute", "addmm", "arctan2", "atan2", "bitwise_and", "bitwise_not", "bitwise_or",
    "bitwise_xor", "clamp_max", "clamp_min", "copysign", "cumprod", "cumsum", "deg2rad",
    "digamma", "divide", "eq", "erfinv", "float_power", "floor_divide", "fmod", "gcd", "ge",
    "greater", "greater_equal", "gt", "heaviside", "hypot", "lcm", "le", "lerp", "less",
    "less_equal", "lgamma", "logical_and", "logical_not", "logical_or", "logical_xor", "logit",
    "lt", "multiply", "nan_to_num", "ne", "not_equal", "polygamma", "pow", "rad2deg",
    "remainder", "sinc", "subtract", "tril", "triu", "true_divide", "xlogy")


def _in_place_from(name):
    def method(self, *args, **kwargs):
        op = getattr(Tensor, name)
        tensors = [a for a in (*args, *kwargs.values()) if isinstance(a, Tensor)]
        return _inplace.unary_inplace(self, lambda x: op(x, *args, **kwargs), name + "_",
                                      *tensors)
    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place ``{name}``: overwrites this tensor's values (see ``{name}``)."
    return method


for _name in _IN_PLACE_FROM_METHOD:
    if hasattr(Tensor, _name) and not hasattr(Tensor, _name + "_"):
        setattr(Tensor, _name + "_", _in_place_from(_name))
del _name

"""PyTorch's legacy tensor types: ``FloatTensor``, ``LongTensor``... and
``Tensor.type()``.

Old PyTorch code (and code copied from it) builds tensors with
``torch.FloatTensor(2, 3)`` or ``torch.LongTensor([1, 2])``, tests
``isinstance(x, torch.FloatTensor)`` and compares ``x.type()`` with
``'torch.FloatTensor'``.  As in PyTorch, each legacy type is a constructor
whose results are ordinary `Tensor` objects (``type(FloatTensor(2))`` is
`Tensor`), and ``isinstance(x, FloatTensor)`` asks whether ``x`` is a
tensor of that dtype.

Type strings: a chainrule tensor reports PyTorch's own strings
(``'torch.FloatTensor'``), because the programs that ask compare with
those literals; ``'chainrule.FloatTensor'`` is accepted as input too.
"""
import numpy as np

from . import dtypes as _dt
from ._args import dtype_arg, size_arg
from .device import check_device
from .errors import DeviceError
from .size import Size
from .tensor import Tensor

# PyTorch's legacy type names, by dtype.
TYPE_NAMES = {
    np.dtype(np.float32): "FloatTensor", np.dtype(np.float64): "DoubleTensor",
    np.dtype(np.float16): "HalfTensor", np.dtype(np.uint8): "ByteTensor",
    np.dtype(np.int8): "CharTensor", np.dtype(np.int16): "ShortTensor",
    np.dtype(np.int32): "IntTensor", np.dtype(np.int64): "LongTensor",
    np.dtype(np.bool_): "BoolTensor", np.dtype(np.complex64): "ComplexFloatTensor",
    np.dtype(np.complex128): "ComplexDoubleTensor",
}
_BY_NAME = {name: dtype for dtype, name in TYPE_NAMES.items()}


class LegacyTensorType(type):
    """The metaclass of the legacy types: calling one makes a `Tensor`;
    ``isinstance`` checks the dtype."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._data.dtype == cls.dtype

    def __call__(cls, *args, device=None):
        check_device(device, cls.__name__)
        return _construct(cls, args)

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _construct(cls, args):
    """``T()`` (empty), ``T(2, 3)`` or ``T(Size)`` (sizes, zero-filled:
    PyTorch leaves the memory uninitialized), ``T(tensor)`` (the same
    memory, if the dtype matches) or ``T(data)`` (a copy, converted)."""
    name, dt = cls.__name__, cls.dtype
    if len(args) == 1 and isinstance(args[0], Tensor):
        data = args[0]
        if data._data.dtype != dt:
            raise TypeError(f"{name}(): expected a tensor of dtype {dt}, got {data.dtype} "
                            f"(convert it with .type('torch.{name}'))")
        return Tensor(data)  # shares the memory, as PyTorch's alias does
    return Tensor(legacy_array(args, dt, name))


def legacy_array(args, dt, name):
    """The array of PyTorch's legacy constructor forms other than a tensor
    argument: ``()`` (empty), sizes or one `Size` (zero-filled), or one
    sequence of data (a converted copy) -- in dtype ``dt``."""
    if not args:
        return np.zeros(0, dtype=dt)
    if all(_is_int(a) for a in args) or (len(args) == 1 and isinstance(args[0], Size)):
        return np.zeros(size_arg(args, name), dtype=dt)
    if len(args) > 1:
        raise TypeError(f"{name}(): expected sizes (ints), one Size, one tensor or one "
                        f"sequence of data, got {', '.join(type(a).__name__ for a in args)}")
    data = args[0]
    if not isinstance(data, (list, tuple, np.ndarray)):
        raise TypeError(f"{name}(): data must be a sequence, got {type(data).__name__} "
                        f"({data!r}); for a one-element tensor write {name}([{data!r}])")
    return np.array(_dt.infer_array(data, dt), copy=True)


def _is_int(x):
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _legacy_type(name):
    return LegacyTensorType(name, (), {
        "__doc__": f"PyTorch's legacy ``{name}``: a constructor of "
                   f"{_BY_NAME[name]} tensors (from sizes or data) and an isinstance test.",
        "__module__": __name__, "__slots__": (), "dtype": _BY_NAME[name]})


LEGACY_TYPES = {name: _legacy_type(name) for name in _BY_NAME}


def type_string(t):
    """``t.type()``: PyTorch's string for the tensor's dtype on the CPU."""
    dt = t._data.dtype
    if dt not in TYPE_NAMES:
        raise TypeError(f"type(): dtype {dt} has no PyTorch type name")
    return "torch." + TYPE_NAMES[dt]


def _dtype_from_string(text):
    """'torch.FloatTensor' (or 'chainrule.FloatTensor') -> float32; a
    CUDA type string is a `DeviceError` naming the device."""
    module, _, name = text.rpartition(".")
    if name in _BY_NAME:
        if module in ("torch", "chainrule"):
            return _BY_NAME[name]
        if module in ("torch.cuda", "chainrule.cuda"):
            raise DeviceError(f"type(): {text!r} is a CUDA type; chainrule runs on the CPU "
                              f"only (use 'torch.{name}')")
    raise ValueError(f"type(): invalid type: {text!r} (expected a type string such as "
                     "'torch.FloatTensor', a dtype or a legacy type)")


def type_method(t, dtype):
    """``Tensor.type``: the type string, or the tensor converted (itself
    when it already has that dtype, as in PyTorch)."""
    if dtype is None:
        return type_string(t)
    if isinstance(dtype, LegacyTensorType):
        target = dtype.dtype
    elif isinstance(dtype, str):
        target = _dtype_from_string(dtype)
    else:
        target = dtype_arg(dtype, "type")
    if target == t._data.dtype:
        return t
    return t.to(target)

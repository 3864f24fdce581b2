"""Padding modules (``ZeroPad2d``, ``ConstantPad1d``, ``ReflectionPad2d``,
``ReplicationPad3d``, ``CircularPad1d``...): each holds a padding and
calls ``F.pad`` with its mode, so every gradient comes from ``pad``.

One class per (mode, number of padded dims) pair, as PyTorch names them,
all made by `_padding_class`.  The padding is an int (the same on every
side) or a tuple of 2 * dims values (left, right, top, bottom, front,
back); reprs match PyTorch's.
"""
import numbers

import autograd as ag
from autograd.errors import ArgumentError

from .._checks import not_tensor, real_arg
from ..module import Module


def _padding_arg(padding, dims, where):
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        return (int(padding),) * (2 * dims)
    if (isinstance(padding, (tuple, list)) and len(padding) == 2 * dims
            and all(isinstance(p, numbers.Integral) and not isinstance(p, bool)
                    for p in padding)):
        return tuple(int(p) for p in padding)
    raise ArgumentError(f"{where}: padding must be an int or a tuple of {2 * dims} ints, "
                        f"got {padding!r}")


class _Pad(Module):
    _mode = "constant"
    _dims = 2

    def __init__(self, padding):
        super().__init__()
        self.padding = _padding_arg(padding, self._dims, type(self).__name__)

    def forward(self, input):
        name = type(self).__name__
        if not isinstance(input, ag.Tensor):
            raise not_tensor(name, "input", 1, input)
        if self._mode != "constant" and input.ndim not in (self._dims + 1, self._dims + 2):
            raise ArgumentError(f"{name}: expected a {self._dims + 1}-D or {self._dims + 2}-D "
                                f"input, got shape {input.shape}")
        if input.ndim < self._dims:
            raise ArgumentError(f"{name}: expected an input with at least {self._dims} dims, "
                                f"got shape {input.shape}")
        return ag.pad(input, self.padding, self._mode, *self._value())

    def _value(self):
        return ()

    def extra_repr(self):
        return str(self.padding)


class _ConstantPad(_Pad):
    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = real_arg(value, "value", type(self).__name__)

    def _value(self):
        return (self.value,)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


def _padding_class(name, base, mode, dims):
    doc = (f"Pads the last {dims} dim{'s' if dims > 1 else ''} "
           f"({'zeros' if name.startswith('Zero') else mode}); see ``F.pad``.")
    return type(name, (base,), {"_mode": mode, "_dims": dims, "__doc__": doc,
                                "__module__": __name__})


class _ZeroPad(_Pad):
    def _value(self):
        return (0.0,)


ZeroPad1d = _padding_class("ZeroPad1d", _ZeroPad, "constant", 1)
ZeroPad2d = _padding_class("ZeroPad2d", _ZeroPad, "constant", 2)
ZeroPad3d = _padding_class("ZeroPad3d", _ZeroPad, "constant", 3)
ConstantPad1d = _padding_class("ConstantPad1d", _ConstantPad, "constant", 1)
ConstantPad2d = _padding_class("ConstantPad2d", _ConstantPad, "constant", 2)
ConstantPad3d = _padding_class("ConstantPad3d", _ConstantPad, "constant", 3)
ReflectionPad1d = _padding_class("ReflectionPad1d", _Pad, "reflect", 1)
ReflectionPad2d = _padding_class("ReflectionPad2d", _Pad, "reflect", 2)
ReflectionPad3d = _padding_class("ReflectionPad3d", _Pad, "reflect", 3)
ReplicationPad1d = _padding_class("ReplicationPad1d", _Pad, "replicate", 1)
ReplicationPad2d = _padding_class("ReplicationPad2d", _Pad, "replicate", 2)
ReplicationPad3d = _padding_class("ReplicationPad3d", _Pad, "replicate", 3)
CircularPad1d = _padding_class("CircularPad1d", _Pad, "circular", 1)
CircularPad2d = _padding_class("CircularPad2d", _Pad, "circular", 2)
CircularPad3d = _padding_class("CircularPad3d", _Pad, "circular", 3)

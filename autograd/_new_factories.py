"""``Tensor.new_*``: factories that take their defaults from a tensor.

PyTorch code writes ``x.new_zeros(n)`` / ``x.new_tensor(data)`` so new
tensors follow ``x``'s dtype (and device) without naming it; the new
tensor shares nothing else with ``x`` (no memory, no history).
"""
import warnings

import numpy as np

from . import dtypes as _dt
from . import factories as _f
from ._args import dtype_arg, size_arg
from .device import check_device
from .tensor import Tensor


def _dtype(t, dtype, fn):
    return t._data.dtype if dtype is None else dtype_arg(dtype, fn)


def new_filled(t, fn, size, fill_value, dtype, device, requires_grad):
    """A new leaf of ``size`` (given as ``f(2, 3)`` or ``f((2, 3))``)
    filled with ``fill_value``; checks come before anything is made."""
    if not size:
        raise TypeError(f"{fn}() missing 1 required positional argument: 'size'")
    check_device(device, fn)
    shape = size_arg(size, fn)
    dt = _dtype(t, dtype, fn)
    fill_value = _f._fill_arg(fill_value, fn)
    _f._check_fill_fits(fill_value, dt, fn)
    return _f._make(np.full(shape, fill_value, dtype=dt), requires_grad)


def new_tensor(t, data, dtype, device, requires_grad):
    """A copy of ``data`` in ``t``'s dtype (or ``dtype``), a new leaf."""
    check_device(device, "new_tensor")
    dt = _dtype(t, dtype, "new_tensor")
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, use sourceTensor.detach().clone() "
                      "(and .requires_grad_(True) if needed) rather than "
                      "tensor.new_tensor(sourceTensor)", UserWarning, stacklevel=3)
        data = data._data
    return _f._make(np.array(_dt.infer_array(data, dt), copy=True), requires_grad)

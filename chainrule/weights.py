"""Weights to and from PyTorch through safetensors files.

chainrule's ``state_dict`` already uses PyTorch's key names and layouts
(``0.weight`` of a Linear is ``(out, in)``, a conv weight ``(out, in/groups,
kh, kw)``, BatchNorm's ``running_mean``/``running_var`` and an int64
``num_batches_tracked``), so a file saved here loads into the equivalent
``torch.nn`` model with ``load_state_dict``, and a file PyTorch saved with
``safetensors.torch.save_file`` loads into the chainrule model.  This is
the road for a model that outgrows a NumPy engine (or comes back to be
inspected).  safetensors is a plain header + raw bytes format: loading
cannot run code.  Needs the ``safetensors`` package (``pip install
'chainrule[train]'``).
"""
from collections import OrderedDict

import numpy as np

from autograd import Tensor

from ._atomic import atomic_write

__all__ = ["load_safetensors", "save_safetensors"]

_INSTALL = "pip install 'chainrule[train]' (or: pip install safetensors)"


def save_safetensors(model_or_state_dict, path, metadata=None):
    """Write a model's ``state_dict()`` (or a mapping of names to tensors /
    arrays) to ``path`` in safetensors format, atomically.  ``metadata``
    is an optional dict of strings stored in the file's header."""
    numpy_st = _safetensors_numpy()
    state = (model_or_state_dict.state_dict() if hasattr(model_or_state_dict, "state_dict")
             else model_or_state_dict)
    arrays = _arrays(state)
    if metadata is not None and not all(isinstance(k, str) and isinstance(v, str)
                                        for k, v in metadata.items()):
        raise TypeError(f"save_safetensors(): metadata must map strings to strings, got "
                        f"{metadata!r}")
    data = numpy_st.save(arrays, metadata=metadata)
    return atomic_write(path, lambda f: f.write(data))


def load_safetensors(path):
    """The ``state_dict`` stored in ``path``: an ordered mapping of names
    to Tensors, ready for ``model.load_state_dict``."""
    numpy_st = _safetensors_numpy()
    with open(path, "rb") as f:  # FileNotFoundError names the path itself
        data = f.read()
    try:
        arrays = numpy_st.load(data)
    except Exception as exc:  # noqa: BLE001 -- safetensors raises its own error types
        raise ValueError(f"load_safetensors(): {path} is not a readable safetensors file "
                         f"({type(exc).__name__}: {exc})") from None
    return OrderedDict((name, Tensor(np.array(arr, copy=True))) for name, arr in arrays.items())


def _arrays(state):
    if not hasattr(state, "items"):
        raise TypeError(f"save_safetensors(): expected a model or a state_dict mapping, got "
                        f"{type(state).__name__}")
    arrays = OrderedDict()
    for name, value in state.items():
        if not isinstance(name, str):
            raise TypeError(f"save_safetensors(): keys must be strings, got {name!r}")
        array = value._data if isinstance(value, Tensor) else value
        if not isinstance(array, np.ndarray):
            raise TypeError(f"save_safetensors(): {name!r} is a {type(value).__name__}, not a "
                            "tensor or array")
        if array.dtype.kind not in "biuf":
            raise TypeError(f"save_safetensors(): {name!r} has dtype {array.dtype}, which "
                            "safetensors cannot store (bool, integer and float only)")
        # copy(order='C'), not ascontiguousarray: that turns 0-d arrays (BatchNorm's
        # num_batches_tracked) into shape (1,), which PyTorch would refuse
        arrays[name] = array if array.flags.c_contiguous else array.copy(order="C")
    return arrays


def _safetensors_numpy():
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError(f"saving and loading .safetensors files needs the safetensors "
                          f"package: {_INSTALL}") from None
    return safetensors.numpy

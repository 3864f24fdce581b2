"""What ``import chainrule as torch`` finds at the top level, besides the
library's own names (which `chainrule/__init__` copies from ``autograd``).

* dtypes under PyTorch's names, as NumPy dtype objects -- what
  ``Tensor.dtype`` returns, so ``t.dtype == torch.float32`` and
  ``t.dtype is torch.float32`` hold as in PyTorch;
* the functional ops PyTorch also offers at the top level
  (``torch.conv2d``), taken from ``nn.functional`` when it has them and
  only where PyTorch's top-level signature is the functional one;
* small queries (``is_tensor``, ``numel``) and process settings that have
  nothing to change on a NumPy CPU engine (``compile``,
  ``set_float32_matmul_precision``, ``use_deterministic_algorithms``).
"""
import math
import types

import numpy as np

from autograd import Tensor

DTYPES = {
    "float16": np.float16, "half": np.float16,
    "float32": np.float32, "float": np.float32,
    "float64": np.float64, "double": np.float64,
    "complex64": np.complex64, "cfloat": np.complex64,
    "complex128": np.complex128, "cdouble": np.complex128,
    "uint8": np.uint8, "int8": np.int8,
    "int16": np.int16, "short": np.int16,
    "int32": np.int32, "int": np.int32,
    "int64": np.int64, "long": np.int64,
    "bool": np.bool_,
}

# torch.<name> is torch.nn.functional.<name> with the same parameters.
# (torch.batch_norm and torch.embedding take their arguments in another
# order than the functional forms, so they are not here.)
FUNCTIONAL_AT_TOP = (
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "dropout", "layer_norm",
    "group_norm", "cosine_similarity", "pairwise_distance", "pdist", "pixel_shuffle",
    "pixel_unshuffle", "selu", "celu", "prelu", "hardshrink", "bilinear")

CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan}


def dtypes():
    """PyTorch's dtype names as NumPy dtype objects."""
    return {name: np.dtype(t) for name, t in DTYPES.items()}


def public_values(module):
    """A module's public names, without its submodules."""
    return {name: value for name, value in vars(module).items()
            if not name.startswith("_") and not isinstance(value, types.ModuleType)}


def functional_at_top(functional):
    return {name: getattr(functional, name) for name in FUNCTIONAL_AT_TOP
            if hasattr(functional, name)}


def is_tensor(obj):
    """Whether ``obj`` is a Tensor (a Parameter included)."""
    return isinstance(obj, Tensor)


def numel(input):
    """The number of elements of ``input``."""
    return input.numel()


def is_floating_point(input):
    return input.is_floating_point()


def compile(model=None, **options):
    """PyTorch's ``compile``: chainrule runs every model eagerly, so the
    model (or function) comes back unchanged -- its results are the ones
    a compiled PyTorch model gives.  Usable as ``@compile`` and
    ``@compile(...)`` too."""
    if model is None:
        return lambda fn: fn
    return model


_MATMUL_PRECISIONS = ("highest", "high", "medium")


def set_float32_matmul_precision(precision):
    """Accepted for PyTorch programs (nanoGPT sets 'high'): NumPy always
    multiplies float32 matrices in full float32 precision, which every
    setting permits."""
    if precision not in _MATMUL_PRECISIONS:
        raise ValueError(f"set_float32_matmul_precision(): expected one of "
                         f"{', '.join(_MATMUL_PRECISIONS)}, got {precision!r}")


def get_float32_matmul_precision():
    return "highest"


_deterministic = [False]


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Accepted and remembered; chainrule's ops are deterministic whatever
    the mode, so there is nothing to switch."""
    if not isinstance(mode, bool):
        raise TypeError(f"use_deterministic_algorithms(): mode must be a bool, got "
                        f"{type(mode).__name__}")
    _deterministic[0] = mode


def are_deterministic_algorithms_enabled():
    return _deterministic[0]

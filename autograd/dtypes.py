"""Dtype rules shared by factories and ops (PyTorch's, on NumPy dtypes).

* Python floats make float32 tensors; Python ints int64; bools bool.
* A Python scalar meeting a tensor takes the tensor's dtype (NumPy 2 treats
  Python scalars as "weak", which is exactly this rule) -- except that an
  integer tensor meeting a Python float gives float32, not float64.
* Two tensors: floats win over integers without widening (int64 + float32 is
  float32); two floats or two integers promote as NumPy does.
* A 0-d tensor (or a Python scalar) meeting a dimensioned tensor counts only
  when it is of a higher category (bool < integer < floating < complex):
  ``float32_tensor + float64_0d`` is float32, ``uint8_tensor + int64_0d`` is
  uint8, ``int64_tensor + float64_0d`` is float64 (`weak_result_dtype`).
* True division of integers or bools gives the default float dtype.
"""
import numpy as np

float16 = np.float16
float32 = np.float32
float64 = np.float64
int8 = np.int8
int16 = np.int16
int32 = np.int32
int64 = np.int64
uint8 = np.uint8
bool_ = np.bool_

DEFAULT_FLOAT = np.dtype(np.float32)


def is_floating(dtype):
    return dtype.kind == "f"


def default_dtype_for(value):
    """The dtype PyTorch would give a tensor made from this Python data."""
    if isinstance(value, bool):
        return np.dtype(np.bool_)
    if isinstance(value, int):
        return np.dtype(np.int64)
    if isinstance(value, float):
        return DEFAULT_FLOAT
    if isinstance(value, complex):
        return default_complex()
    return None


def infer_array(data, dtype=None):
    """Make the ndarray behind a new tensor from Python or NumPy data."""
    if isinstance(data, np.ndarray):
        return data.astype(dtype, copy=False) if dtype is not None else data
    if isinstance(data, np.generic):
        return np.asarray(data, dtype=dtype)
    try:
        arr = np.asarray(data, dtype=dtype)
    except ValueError:
        problem = _ragged_problem(data)
        if problem is None:
            raise
        raise ValueError(f"tensor(): nested sequences must be rectangular: {problem}") from None
    if dtype is None and _only_numpy_scalars(data):
        return arr  # [numpy.float64(1.5)] keeps float64, [numpy.int32(1)] int32 (PyTorch)
    if dtype is None:
        if arr.dtype == np.float64:
            arr = arr.astype(DEFAULT_FLOAT, copy=False)  # Python floats: float32
        elif arr.dtype == np.complex128:
            arr = arr.astype(default_complex(), copy=False)  # Python complex: complex64
        elif arr.dtype.kind == "i" and arr.dtype != np.int64:
            arr = arr.astype(np.int64)
        elif arr.dtype.kind not in "fiubc":
            raise TypeError(f"tensor(): cannot make a tensor from {type(data).__name__} "
                            f"data (NumPy sees dtype {arr.dtype})")
    return arr


def _ragged_problem(data):
    """Where nested lists stop being rectangular, in PyTorch's words."""
    level, dim = [data], 0
    while level:
        seqs = [x for x in level if isinstance(x, (list, tuple))]
        if not seqs:
            return None
        if len(seqs) != len(level):
            return f"expected a sequence at dim {dim}, got a number"
        n = len(seqs[0])
        for s in seqs:
            if len(s) != n:
                return f"expected sequence of length {n} at dim {dim} (got {len(s)})"
        level = [x for s in seqs for x in s]
        dim += 1
    return None


def _only_numpy_scalars(data):
    """True for a (nested) list whose leaves are all NumPy scalars or
    arrays: they carry their dtype, which PyTorch keeps."""
    if not isinstance(data, (list, tuple)) or not data:
        return False
    stack, leaves = [data], 0
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        elif not isinstance(x, (np.generic, np.ndarray)):
            return False
        else:
            leaves += 1
    return leaves > 0  # [[]] has no NumPy leaf: Python data, float32


def result_dtype(a, b):
    """Dtype of a binary op between two tensors of the same standing (both
    dimensioned, or both 0-d) under PyTorch's rules."""
    ka, kb = a.kind, b.kind
    if ka == "f" and kb != "f" and kb != "c":
        return a
    if kb == "f" and ka != "f" and ka != "c":
        return b
    return np.promote_types(a, b)


def weak_result_dtype(strong, weak):
    """Dtype of a binary op between a tensor of dtype ``strong`` and a
    weaker operand (a 0-d tensor against a dimensioned one, or a Python
    scalar's default dtype against any tensor): the weak side decides only
    when it is of a higher category -- PyTorch's rule."""
    sk, wk = strong.kind, weak.kind
    if sk == "c" or (sk == "f" and wk != "c"):
        return strong
    if wk == "c":  # complex of the tensor's precision; complex64 for integers
        return np.dtype(np.complex128 if strong == np.float64 else np.complex64)
    if sk == "b" or wk == "f":
        return result_dtype(strong, weak)
    return strong


# ---- facade: default dtype (issue 11)
def default_complex():
    """The complex dtype that goes with the default float dtype."""
    return np.dtype(np.complex128 if DEFAULT_FLOAT == np.float64 else np.complex64)


def set_default_dtype(dtype):
    """PyTorch's ``set_default_dtype``: the dtype Python floats (and float
    factories, layers' parameters, integer division) give from now on.
    Only floating-point dtypes, as in PyTorch."""
    global DEFAULT_FLOAT
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"set_default_dtype(): {dtype!r} is not a dtype") from None
    if dt.kind != "f":
        raise TypeError(f"set_default_dtype(): only floating-point types are supported as the "
                        f"default type, got {dt}")
    DEFAULT_FLOAT = dt


def get_default_dtype():
    return DEFAULT_FLOAT

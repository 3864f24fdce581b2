"""Dtype rules shared by factories and ops (PyTorch's, on NumPy dtypes).

* Python floats make float32 tensors; Python ints int64; bools bool.
* A Python scalar meeting a tensor takes the tensor's dtype (NumPy 2 treats
  Python scalars as "weak", which is exactly this rule) -- except that an
  integer tensor meeting a Python float gives float32, not float64.
* Two tensors: floats win over integers without widening (int64 + float32 is
  float32); two floats or two integers promote as NumPy does.
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
        return np.dtype(np.complex64)
    return None


def infer_array(data, dtype=None):
    """Make the ndarray behind a new tensor from Python or NumPy data."""
    if isinstance(data, np.ndarray):
        return data.astype(dtype, copy=False) if dtype is not None else data
    if isinstance(data, np.generic):
        return np.asarray(data, dtype=dtype)
    arr = np.asarray(data, dtype=dtype)
    if dtype is None:
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)  # Python floats default to float32
        elif arr.dtype.kind == "i" and arr.dtype != np.int64:
            arr = arr.astype(np.int64)
        elif arr.dtype.kind not in "fiubc":
            raise TypeError(f"tensor(): cannot make a tensor from {type(data).__name__} "
                            f"data (NumPy sees dtype {arr.dtype})")
    return arr


def result_dtype(a, b):
    """Dtype of a binary op between two arrays under PyTorch's rules."""
    ka, kb = a.kind, b.kind
    if ka == "f" and kb != "f" and kb != "c":
        return a
    if kb == "f" and ka != "f" and ka != "c":
        return b
    return np.promote_types(a, b)

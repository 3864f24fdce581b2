"""The words in the picture: readable op names, shapes, and compact value
summaries.

A label is a list of text lines; `dot.py` escapes and joins them.  Values
follow micrograd's ``data | grad`` style: small tensors are printed in full
(that is what a student checks by hand), larger ones as a summary (mean,
std, norm), because a 64x64 matrix printed in a box helps nobody.
"""
import re

import numpy as np

SMALL = 6
"""Tensors with at most this many elements are printed in full."""

# Op classes whose snake_case name reads badly or hides what the op is.
_OP_NAMES = {
    "MatMul": "matmul",
    "MatMulBT": "matmul",
    "PowScalar": "pow",
    "AMax": "amax",
    "AMin": "amin",
    "MaxDim": "max",
    "MinDim": "min",
    "GatherFlat": "gather",
    "ScatterFlat": "scatter",
    "IndexPut": "index_put",
    "IndexAdd": "index_add",
    "LogSumExp": "logsumexp",
    "MaxPool2DWithIndices": "max_pool2d",
    "BatchNorm": "batch_norm",
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def op_name(node):
    """``Mul`` -> ``mul``, ``LogSoftmax`` -> ``log_softmax``: the name a user
    wrote in the forward pass, not the engine's class name."""
    cls = type(node).__name__
    name = _OP_NAMES.get(cls)
    if name is None:
        name = _CAMEL.sub("_", cls).lower()
    return name


def backward_name(node):
    """Autograd's own name for the node (``MulBackward``), for the backward view."""
    return node.name()


def shape_text(shape, dtype=None):
    """``(4, 3)``, with the dtype appended when it is not float32 (the
    default, so it would only be noise)."""
    text = "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    if dtype is not None and np.dtype(dtype) != np.float32:
        text += " " + np.dtype(dtype).name
    return text


def number(x):
    """A number in at most 4 significant digits (``-0.5``, ``1.235e-08``)."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return format(float(x), ".4g")


def values_text(array):
    """The whole of a small array (``[1, -0.5, 2]``), or a summary of a
    large one (``mean 0.01 std 0.98 norm 12.3``)."""
    array = np.asarray(array)
    if array.size <= SMALL:
        if array.ndim == 0:
            return number(array.item())
        return _nested(array)
    as_float = array.astype(np.float64)
    return (f"mean {number(as_float.mean())} std {number(as_float.std())} "
            f"norm {number(np.sqrt(np.sum(as_float * as_float)))}")


def _nested(array):
    """``[[1, 2], [3, 4]]`` without NumPy's line breaks and padding."""
    if array.ndim == 1:
        return "[" + ", ".join(number(x) for x in array.tolist()) + "]"
    return "[" + ", ".join(_nested(sub) for sub in array) + "]"


def data_grad_lines(data, grad):
    """micrograd's ``data | grad``: one line for scalars, one line each for
    arrays; either side may be missing (None)."""
    if data is None and grad is None:
        return []
    if data is not None and grad is not None and np.ndim(data) == 0 and np.ndim(grad) == 0:
        return [f"data {values_text(data)} | grad {values_text(grad)}"]
    lines = []
    if data is not None:
        lines.append("data " + values_text(data))
    if grad is not None:
        lines.append("grad " + values_text(grad))
    return lines


def norm(array):
    """The 2-norm of ``array`` in float64 (what `color_by='grad'` ranks)."""
    as_float = np.asarray(array, dtype=np.float64)
    return float(np.sqrt(np.sum(as_float * as_float)))


def count_text(n):
    """``12,345``: parameter and node counts read at a glance."""
    return f"{n:,}"

"""`Parameter`: a tensor that a `Module` should train.

Being a separate type is what lets ``module.weight = Parameter(...)``
register the tensor automatically, while a plain `Tensor` attribute (a
cached constant, say) stays out of ``parameters()``.  Everything else is an
ordinary leaf tensor: every op accepts it and returns plain tensors.
"""
import numpy as np

from autograd import Tensor
from autograd import dtypes as _dt


class Parameter(Tensor):
    """A leaf tensor that requires grad by default.

    ``Parameter(t)`` shares ``t``'s array and version counter (as PyTorch
    shares storage), so wrapping an existing tensor costs no copy.  The new
    object is always a leaf, even if ``t`` had history.
    """

    __slots__ = ()

    def __init__(self, data=None, requires_grad=True):
        if data is None:
            arr, vc = np.empty((0,), dtype=_dt.DEFAULT_FLOAT), [0]
        elif isinstance(data, Tensor):
            arr, vc = data._data, data._vc
        else:
            arr, vc = _dt.infer_array(data), [0]
        self._data = arr
        self._vc = vc
        self._grad = None
        self._rg = False
        self._grad_fn = None
        self.name = None
        if requires_grad:
            if arr.dtype.kind not in "fc":
                raise TypeError(
                    f"Parameter: only floating-point data can require grad, got dtype "
                    f"{arr.dtype}; pass float data (e.g. np.asarray(x, dtype=np.float32)) "
                    "or requires_grad=False")
            self._rg = True

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

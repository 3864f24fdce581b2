"""`Standardize`: zero mean and unit variance per channel, with statistics
from the training split only.

Fitting the mean and standard deviation on all the data would let the test
set leak into training (the notes' rule): fit on the training split, then
apply the same numbers to validation and test.
"""
import numpy as np

from autograd.errors import ArgumentError, ShapeError
from autograd.tensor import Tensor


class Standardize:
    """``(x - mean) / std`` with one mean and std per channel (axis 1): per
    feature for ``(N, D)`` data, per image channel for ``(N, C, H, W)``.
    A constant channel gets std 1 (it becomes 0, not NaN), as in
    scikit-learn's StandardScaler.  Statistics are float64; the output has
    the input's floating dtype (float32 for integer input)."""

    def __init__(self):
        self.mean = None
        self.std = None

    def fit(self, x):
        x = _array(x, "fit")
        axes = (0,) + tuple(range(2, x.ndim))
        mean = x.mean(axis=axes, dtype=np.float64)
        std = x.std(axis=axes, dtype=np.float64)
        std[std == 0] = 1.0
        self.mean, self.std = mean, std
        return self

    def transform(self, x):
        if self.mean is None:
            raise ArgumentError("Standardize.transform(): call fit() on the training split "
                                "first")
        is_tensor = isinstance(x, Tensor)
        x = _array(x, "transform")
        if x.shape[1] != len(self.mean):
            raise ShapeError(f"Standardize.transform(): fitted on {len(self.mean)} channels "
                             f"(axis 1), got shape {x.shape}")
        shape = (1, -1) + (1,) * (x.ndim - 2)
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        out = ((x - self.mean.reshape(shape)) / self.std.reshape(shape)).astype(dtype)
        return Tensor(out) if is_tensor else out

    __call__ = transform

    def fit_transform(self, x):
        return self.fit(x).transform(x)


def _array(x, fn):
    x = np.asarray(x)
    if x.ndim < 2 or x.shape[0] == 0:
        raise ShapeError(f"Standardize.{fn}(): expected samples along axis 0 and channels along "
                         f"axis 1 (at least 2-d, at least one sample), got shape {x.shape}")
    return x

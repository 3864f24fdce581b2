"""``Unflatten``: the inverse of ``Flatten`` -- split one dim into a shape."""
import math

import numpy as np

from autograd import Tensor

from autograd.errors import ArgumentError
from .._checks import dim_arg, not_tensor
from ..module import Module


def _sizes(unflattened_size):
    """A tuple of ints (one may be -1, inferred), as PyTorch accepts."""
    if isinstance(unflattened_size, (tuple, list)) and unflattened_size and all(
            isinstance(s, (int, np.integer)) and not isinstance(s, bool)
            for s in unflattened_size):
        sizes = tuple(int(s) for s in unflattened_size)
        if sum(s == -1 for s in sizes) <= 1 and all(s >= 0 or s == -1 for s in sizes):
            return sizes
    raise TypeError(f"Unflatten: unflattened_size must be a non-empty tuple of ints (at most "
                    f"one -1), got {unflattened_size!r}")


class Unflatten(Module):
    """``Unflatten(dim, unflattened_size)``: dim ``dim`` of the input
    becomes the dims ``unflattened_size`` (e.g. a Linear's (N, 784) output
    back to (N, 1, 28, 28) in a decoder)."""

    def __init__(self, dim, unflattened_size):
        super().__init__()
        self.dim = dim_arg(dim, "dim", "Unflatten")
        self.unflattened_size = _sizes(unflattened_size)

    def forward(self, input):
        if not isinstance(input, Tensor):
            raise not_tensor("Unflatten", "input", 1, input)
        n = input.ndim
        if not -n <= self.dim < n:
            raise ArgumentError(f"Unflatten: dim {self.dim} is out of range for a {n}-d input "
                                f"of shape {input.shape}")
        d = self.dim % n
        size = input.shape[d]
        known = math.prod(s for s in self.unflattened_size if s != -1)
        fits = (size == known) if -1 not in self.unflattened_size else (
            known > 0 and size % known == 0)
        if not fits:
            raise ArgumentError(f"Unflatten: sizes {list(self.unflattened_size)} don't multiply "
                                f"up to the size of dim {self.dim} ({size}) of the input of "
                                f"shape {input.shape}")
        return input.reshape(*input.shape[:d], *self.unflattened_size, *input.shape[d + 1:])

    def extra_repr(self):
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"

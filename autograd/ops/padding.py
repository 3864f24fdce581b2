"""``F.pad``'s reflect, replicate and circular modes, and negative padding.

Every padded output element is a copy of one input element, so these modes
are a gather by flat position (`GatherFlat`, whose adjoint scatter-adds the
gradient of each copy back to its source) and differentiate any number of
times.  Negative padding crops, as in PyTorch: reflect and replicate pad
first and then crop, circular crops first and then wraps what is left
(PyTorch's order, which differs for circular).  A negative constant pad is a
crop followed by the ordinary non-negative `Pad`.
"""
import numpy as np

from ..errors import ArgumentError
from .window import GatherFlat

MODES = ("constant", "reflect", "replicate", "circular")


def _sources(n, lo, hi, mode, dim, shape):
    """Input position of each output position along one axis of size n."""
    if mode == "circular":
        start, stop = max(-lo, 0), n - max(-hi, 0)
        m = stop - start
        lo, hi = max(lo, 0), max(hi, 0)
        if m < 1 or lo > m or hi > m:
            raise ArgumentError(f"pad: circular padding ({lo}, {hi}) of dim {dim} (size {m} "
                                f"after cropping, input shape {shape}) would wrap around "
                                "more than once")
        return start + np.arange(-lo, m + hi) % m
    j = np.arange(-lo, n + hi)
    if mode == "replicate":
        return np.clip(j, 0, n - 1)
    if lo >= n or hi >= n:
        raise ArgumentError(f"pad: reflect padding ({lo}, {hi}) of dim {dim} must be less "
                            f"than its size {n} (input shape {shape})")
    return np.abs((n - 1) - np.abs(j - (n - 1)))  # fold at both ends


def _check_rank(x, pad):
    """PyTorch pads the last 1, 2 or 3 dims in these modes, of an input
    with one or two leading (batch, channel) dims."""
    k = len(pad) // 2
    if k not in (1, 2, 3) or x.ndim not in (k + 1, k + 2):
        raise NotImplementedError(f"pad: non-constant padding of {k} dims needs a "
                                  f"{k + 1}-D or {k + 2}-D input, got shape {x.shape} "
                                  f"(pad={pad})")


def pad_by_gather(x, pad, mode):
    """Reflect/replicate/circular padding (negative entries crop)."""
    _check_rank(x, pad)
    flat = np.arange(x._data.size).reshape(x.shape)
    repeats = False
    for i in range(len(pad) // 2):
        dim = x.ndim - 1 - i
        src = _sources(x.shape[dim], pad[2 * i], pad[2 * i + 1], mode, dim, x.shape)
        repeats = repeats or len(np.unique(src)) < len(src)
        flat = np.take(flat, src, axis=dim)
    return GatherFlat.apply(x, flat, not repeats)


def crop_negative(x, pad):
    """Apply the negative entries of ``pad`` as a crop; return the cropped
    tensor and the remaining non-negative pad."""
    index = [slice(None)] * x.ndim
    for i in range(len(pad) // 2):
        dim = x.ndim - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        start, stop = max(-lo, 0), x.shape[dim] - max(-hi, 0)
        if stop < start:
            raise ArgumentError(f"pad: negative padding {(lo, hi)} removes more than the "
                                f"{x.shape[dim]} elements of dim {dim} (input shape {x.shape})")
        index[dim] = slice(start, stop)
    return x[tuple(index)], tuple(max(p, 0) for p in pad)

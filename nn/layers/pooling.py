"""Max and average pooling over strided window views of the input.

Max pooling routes each window's gradient to a single winner (chosen by
PyTorch's rule: the first maximum, or the last NaN) through a `WinnerGather`
node named as PyTorch's; padding never wins.  Average pooling is a mean
over the axes of `autograd.ops.window.Unfold`'s windows; with
``count_include_pad=True`` (PyTorch's default) padded zeros count in the
divisor.

``ceil_mode=True`` rounds the output size up, as PyTorch does: one more
window whenever a partial one still starts inside the input or its left
padding.  The partial window reads past the right padding, so the input is
padded further on the right (-inf for max, 0 for average, where that extra
region never counts in the divisor).
"""
import itertools
import math

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.ops.window import WinnerGather, unfold, windows_of

from autograd.errors import ArgumentError, DTypeError
from .._checks import not_tensor
from ..module import Module
from ._args import ntuple
from .conv import _letters, pad_widths


def _pool_args(kernel_size, stride, padding, dilation, name, nd=2):
    k = ntuple(kernel_size, nd, "kernel_size", name, 1)
    s = k if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else ntuple(stride, nd, "stride", name, 1)
    p = ntuple(padding, nd, "padding", name, 0)
    d = ntuple(dilation, nd, "dilation", name, 1)
    if any(pp > kk // 2 for pp, kk in zip(p, k)):
        raise ArgumentError(f"{name}: padding {p} must be at most half the kernel size {k}")
    return k, s, p, d


def _ceil_extra(size, k, s, p, d, ceil_mode):
    """Extra right padding one axis needs for ``ceil_mode`` (0 without it)."""
    if not ceil_mode:
        return 0
    span = size + 2 * p - d * (k - 1) - 1
    out = -(-span // s) + 1
    if (out - 1) * s >= size + p:  # the last window would start in the right padding
        out -= 1
    return max(0, (out - 1) * s + d * (k - 1) + 1 - (size + 2 * p))


def _extras(shape, k, s, p, d, ceil_mode):
    """Per spatial axis of an input of ``shape``, `_ceil_extra`."""
    if not ceil_mode:
        return (0,) * len(k)
    return tuple(_ceil_extra(*axis, ceil_mode) for axis in zip(shape[-len(k):], k, s, p, d))


def _check_pool_input(x, k, p, d, name):
    """Check type, rank and kernel size."""
    if not isinstance(x, Tensor):
        raise not_tensor(name, "input", 1, x)
    nd = len(k)
    if x.ndim not in (nd + 1, nd + 2):
        axes = ", ".join(_letters(nd))
        raise ArgumentError(f"{name}: expected input (N, C, {axes}) or (C, {axes}), got "
                            f"{x.shape}")
    spatial = x._data.shape[-nd:]
    if any(dd * (kk - 1) + 1 > size + 2 * pp for size, kk, pp, dd in zip(spatial, k, p, d)):
        padded = tuple(size + 2 * pp for size, pp in zip(spatial, p))
        raise ArgumentError(f"{name}: kernel {k} is larger than the padded input {padded} "
                            f"(input shape {x.shape})")


def _pad_widths(p, extra):
    """`F.pad` widths for ``p`` on both sides plus ``extra`` after."""
    return pad_widths(sum(((pp, pp + e) for pp, e in zip(p, extra)), ()))


def _windows(x, k, s, p, d, extra, name):
    """(N, C, *K, *O) windows of an (N, C, *S) or (C, *S) input zero-padded
    by ``p`` and further by ``extra`` on the right (ceil_mode)."""
    _check_pool_input(x, k, p, d, name)
    batched = x if x.ndim == len(k) + 2 else x.unsqueeze(0)
    if any(p) or any(extra):
        batched = ag.pad(batched, _pad_widths(p, extra))
    return unfold(batched, k, s, d)


class MaxPool2DWithIndices(WinnerGather):
    """The max-pool node: a `WinnerGather` of the winners under the name
    PyTorch gives its pooling node, so graph pictures and detect_anomaly's
    messages (NaN in the forward output or in the gradient) name the pool."""
    __slots__ = ()


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _taps(win, k):
    """Each kernel offset's slice of the window view (no copies), with its
    flat tap number (C order: i * KW + j in 2-d)."""
    lead = (slice(None), slice(None))
    offsets = itertools.product(*map(range, k))
    return ((t, win[lead + offset]) for t, offset in enumerate(offsets))


def _first_max(win, k):
    """Flat kernel offset of each window's first maximum, by a running
    maximum over the taps of the strided window view (no window copies).
    Also returns the running maximum: NaN exactly where a window holds NaN,
    which this strict comparison skips."""
    taps = _taps(win, k)
    best = next(taps)[1].copy()
    arg = np.zeros(best.shape, dtype=np.int32)
    step = np.empty(best.shape, dtype=np.int32)
    for t, candidate in taps:
        better = candidate > best  # strict: ties keep the first maximum
        np.maximum(best, candidate, out=best)
        # arg = where(better, offset, arg), in arithmetic: masked
        # assignment and np.where are ~20x slower here
        np.subtract(t, arg, out=step)
        step *= better
        arg += step
    return arg, best


def _last_nan_or_first_max(win, k):
    """PyTorch's rule once NaN is present: a candidate wins if it is larger
    or NaN, so a window's last NaN wins.  Only run when some window holds
    NaN, so the common case pays for one ``max`` of the output."""
    taps = _taps(win, k)
    best = next(taps)[1].copy()
    arg = np.zeros(best.shape, dtype=np.int32)
    for t, candidate in taps:
        take = (candidate > best) | np.isnan(candidate)
        best = np.where(take, candidate, best)
        arg = np.where(take, t, arg)
    return arg


def _first_inside(out_size, stride, pad, dil):
    """Per output row (or column): the kernel offset of the window's first
    element inside the unpadded input."""
    start = np.arange(out_size) * stride - pad
    return np.where(start < 0, (dil - 1 - start) // dil, 0)  # ceil(-start / dil)


def _along(values, axis, nd):
    """A 1-d array shaped to broadcast along spatial ``axis`` of ``nd``."""
    return values.reshape((-1,) + (1,) * (nd - 1 - axis))


def _winner_positions(arg, outs, k, s, p, d, spatial):
    """Flat position in each input plane (or volume) of the tap ``arg``
    (a flat kernel offset) of every window."""
    nd = len(k)
    taps = np.unravel_index(arg, k)
    flat = 0
    for a in range(nd):
        coord = _along(np.arange(outs[a]) * s[a] - p[a], a, nd) + taps[a] * d[a]
        flat = flat * spatial[a] + coord
    return flat


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """Each window's maximum, chosen as PyTorch chooses it: the first maximum,
    except that NaN wins (the last NaN of a window), and a window of only
    -inf picks its first element inside the input (padding never wins).
    The values are gathered from the input by flat position, so the
    gradient is a scatter to the winners -- a plain assignment when windows
    cannot overlap -- and ``indices`` are flat positions in each (H, W)
    plane of the input, as PyTorch returns them."""
    k, s, p, d = _pool_args(kernel_size, stride, padding, dilation, "max_pool2d")
    return max_pool(input, k, s, p, d, ceil_mode, return_indices, "max_pool2d",
                    MaxPool2DWithIndices)


def max_pool(input, k, s, p, d, ceil_mode, return_indices, name, node):
    """`max_pool2d`'s rule in ``len(k)`` spatial dims, recorded as ``node``."""
    _check_pool_input(input, k, p, d, name)
    nd = len(k)
    a = input._data
    a = a if a.ndim == nd + 2 else a[None]
    spatial = a.shape[2:]
    low = _lowest(a.dtype)
    extra = _extras(a.shape, k, s, p, d, ceil_mode)
    padded = any(p) or any(extra)
    if padded:
        a = np.pad(a, ((0, 0), (0, 0)) + tuple((pp, pp + e) for pp, e in zip(p, extra)),
                   constant_values=low)
    win = windows_of(a, k, s, d)  # (N, C, *K, *O) view
    arg, best = _first_max(win, k)
    if a.dtype.kind == "f" and best.size and np.isnan(best.max()):  # max: faster than isnan
        arg = _last_nan_or_first_max(win, k)
    outs = best.shape[2:]
    if padded and (best == low).any():
        first = 0
        for ax in range(nd):
            first = first * k[ax] + _along(_first_inside(outs[ax], s[ax], p[ax], d[ax]), ax, nd)
        arg = np.where(best == low, first, arg)
    indices = _winner_positions(arg, outs, k, s, p, d, spatial)
    n, c = a.shape[:2]
    flat = np.arange(n * c).reshape((n, c) + (1,) * nd) * math.prod(spatial) + indices
    disjoint = all(st >= dd * (kk - 1) + 1 for st, dd, kk in zip(s, d, k))
    if input.ndim == nd + 1:
        flat, indices = flat[0], indices[0]
    values = node.apply(input, flat, disjoint)
    return (values, ag.tensor(indices)) if return_indices else values


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Each window's mean.  The divisor is the window's size clipped to the
    padded input (``count_include_pad=True``), or its count of input
    elements (False), or ``divisor_override`` -- PyTorch's three rules."""
    k, s, p, _ = _pool_args(kernel_size, stride, padding, 1, "avg_pool2d")
    return avg_pool(input, k, s, p, ceil_mode, count_include_pad, divisor_override,
                    "avg_pool2d")


def avg_pool(input, k, s, p, ceil_mode, count_include_pad, divisor_override, name):
    """`avg_pool2d`'s rule in ``len(k)`` spatial dims."""
    if isinstance(input, Tensor) and input.dtype.kind != "f":
        raise DTypeError(f"{name}: input must be floating-point, got dtype {input.dtype}; "
                         "convert with .float()")
    if divisor_override is not None and (not isinstance(divisor_override, int)
                                         or isinstance(divisor_override, bool)
                                         or divisor_override == 0):
        raise ArgumentError(f"{name}: divisor_override must be a non-zero int, got "
                            f"{divisor_override!r}")
    nd = len(k)
    d = (1,) * nd
    _check_pool_input(input, k, p, d, name)
    extra = _extras(input._data.shape, k, s, p, d, ceil_mode)
    cols = _windows(input, k, s, p, d, extra, name)
    taps = tuple(range(2, 2 + nd))
    if divisor_override is not None:
        out = cols.sum(dim=taps) / divisor_override
    elif not any(extra) and (count_include_pad or not any(p)):
        out = cols.mean(dim=taps)
    else:
        out = cols.sum(dim=taps) / _divisors(input, k, s, p, extra, count_include_pad)
    return out.squeeze(0) if input.ndim == nd + 1 else out


def _divisors(x, k, s, p, extra, count_include_pad):
    """How many elements of each window count: those inside the padded
    input (or, without count_include_pad, inside the input itself)."""
    nd = len(k)
    spatial = x._data.shape[-nd:]
    if count_include_pad:
        inside, lo = np.ones(tuple(n + 2 * pp for n, pp in zip(spatial, p)), x.dtype), (0,) * nd
    else:
        inside, lo = np.ones(spatial, x.dtype), p
    inside = np.pad(inside, tuple((pp, pp + e) for pp, e in zip(lo, extra)))
    counts = windows_of(inside[None, None], k, s, (1,) * nd).sum(axis=tuple(range(2, 2 + nd)))
    return ag.tensor(counts[0, 0])


class _MaxPoolNd(Module):
    """Max pooling over ``_dims`` spatial dims by ``_fn``.  The arguments are
    checked now and kept as given (``MaxPool2d(2).kernel_size == 2``), as
    PyTorch keeps them, so reprs and attributes read as PyTorch's."""
    _dims = 2
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        _pool_args(kernel_size, stride, padding, dilation, type(self).__name__, self._dims)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x):
        return type(self)._fn(x, self.kernel_size, self.stride, self.padding, self.dilation,
                              self.ceil_mode, self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class _AvgPoolNd(Module):
    """Average pooling over ``_dims`` spatial dims by ``_fn``; arguments kept
    as given, as in `_MaxPoolNd`."""
    _dims = 2
    _fn = None

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        _pool_args(kernel_size, stride, padding, 1, type(self).__name__, self._dims)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, x):
        return type(self)._fn(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                              self.count_include_pad, self.divisor_override)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_MaxPoolNd):
    """2-D max pooling (``torch.nn.MaxPool2d``, same arguments and order)."""
    _fn = staticmethod(max_pool2d)


class AvgPool2d(_AvgPoolNd):
    """2-D average pooling (``torch.nn.AvgPool2d``, same arguments and order)."""
    _fn = staticmethod(avg_pool2d)

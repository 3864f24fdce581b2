"""``affine_grid`` and ``grid_sample`` (spatial transformer networks,
Jaderberg et al., 2015): sample an image at arbitrary normalized positions.

``grid[..., 0]`` is x (across the width) and ``grid[..., 1]`` is y, both in
[-1, 1] from the first to the last pixel -- their centres with
``align_corners=True``, their outer edges with ``False`` (PyTorch's
default).  Bilinear sampling is composed from engine ops: the four corner
values are gathered by index (their gradient scatters back into the
image) and weighted by products of the fractional offsets (whose gradient
reaches the grid), so both gradients and the second gradient come from
the engine.

Padding modes transform a coordinate piecewise linearly (``border`` clips,
``reflection`` folds it back into the image).  Each is applied as
``coord * slope + offset`` with the slope (+1, -1 or 0 per element) and
offset computed in NumPy, so the gradient through it is PyTorch's: zero
where a coordinate was clipped (including exactly at the border), negated
where it was reflected.
"""
import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentError, DTypeError
from autograd.ops.zero_slope import connected_mask

from .._checks import not_tensor

MODES = ("bilinear", "nearest")
PADDING_MODES = ("zeros", "border", "reflection")


def affine_grid(theta, size, align_corners=False):
    """The sampling grid (N, H, W, 2) of the affine maps ``theta`` (N, 2, 3)
    for an output of ``size`` (N, C, H, W)."""
    where = "affine_grid"
    if not isinstance(theta, Tensor):
        raise not_tensor(where, "theta", 1, theta)
    if theta.dtype.kind != "f":
        raise DTypeError(f"{where}: theta must be floating-point, got dtype {theta.dtype}")
    size = tuple(int(s) for s in size)
    if len(size) != 4:
        raise NotImplementedError(f"{where}: only 2-D grids (size of 4 entries (N, C, H, W)) "
                                  f"are supported, got size {size}")
    n, _, h, w = size
    if theta.shape != (n, 2, 3):
        raise ArgumentError(f"{where}: expected theta of shape (N, 2, 3) = ({n}, 2, 3) for "
                            f"size {list(size)}, got {theta.shape}")
    xs, ys = _base(w, align_corners), _base(h, align_corners)
    base = np.stack([np.broadcast_to(xs, (h, w)), np.broadcast_to(ys[:, None], (h, w)),
                     np.ones((h, w))], axis=-1).reshape(1, h * w, 3).astype(theta.dtype)
    grid = ag.tensor(base) @ theta.transpose(1, 2)                    # (N, H*W, 2)
    return grid.reshape(n, h, w, 2)


def _base(steps, align_corners):
    if steps == 1:
        return np.zeros(1)
    line = np.linspace(-1.0, 1.0, steps)
    return line if align_corners else line * (steps - 1) / steps


def _unnormalize(coord, size, align_corners):
    """[-1, 1] to pixel units."""
    if align_corners:
        return (coord + 1.0) * ((size - 1) / 2.0)
    return (coord + 1.0) * (size / 2.0) - 0.5


def _clip(values, size):
    """Value and slope of clipping to [0, size - 1] (slope 0 on the limits,
    as PyTorch's gradient)."""
    clipped = np.clip(values, 0, size - 1)
    slope = ((values > 0) & (values < size - 1)).astype(values.dtype)
    return clipped, slope


def _reflect(values, size, align_corners):
    """Value and slope of folding a coordinate back into the image."""
    low, high = (0.0, size - 1.0) if align_corners else (-0.5, size - 0.5)
    span = high - low
    if span <= 0:
        return np.zeros_like(values), np.zeros_like(values)
    shifted = values - low
    sign = np.where(shifted < 0, -1.0, 1.0)
    dist = np.abs(shifted)
    flips = np.floor(dist / span)
    extra = dist - flips * span
    odd = flips % 2 == 1
    folded = np.where(odd, span - extra, extra) + low
    slope = sign * np.where(odd, -1.0, 1.0)
    clipped, clip_slope = _clip(folded, size)
    return clipped, (slope * clip_slope).astype(values.dtype)


def _padded(coord, size, padding_mode, align_corners):
    if padding_mode == "zeros":
        return coord
    values = coord.detach().numpy()
    if padding_mode == "border":
        target, slope = _clip(values, size)
    else:
        target, slope = _reflect(values, size, align_corners)
    slope = slope.astype(values.dtype)
    return coord * ag.tensor(slope) + ag.tensor((target - values * slope).astype(values.dtype))


def _gather(image, ys, xs, dtype):
    """image (N, H, W, C) at integer positions ys, xs (N, Ho, Wo), zero
    outside the image: (N, Ho, Wo, C)."""
    n, h, w, _ = image.shape
    inside = (ys >= 0) & (ys < h) & (xs >= 0) & (xs < w)
    batch = np.arange(n).reshape(n, 1, 1)
    values = image[batch, np.clip(ys, 0, h - 1), np.clip(xs, 0, w - 1)]
    if inside.all():
        return values
    return values * ag.tensor(inside[..., None].astype(dtype))


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """``input`` (N, C, H, W) sampled at ``grid`` (N, Ho, Wo, 2): (N, C, Ho, Wo)."""
    where = "grid_sample"
    if not isinstance(input, Tensor):
        raise not_tensor(where, "input", 1, input)
    if not isinstance(grid, Tensor):
        raise not_tensor(where, "grid", 2, grid)
    if mode not in MODES:
        kind = NotImplementedError if mode == "bicubic" else ArgumentError
        raise kind(f"{where}: mode must be one of {MODES}, got {mode!r}")
    if padding_mode not in PADDING_MODES:
        raise ArgumentError(f"{where}: padding_mode must be one of {PADDING_MODES}, got "
                            f"{padding_mode!r}")
    if input.ndim != 4:
        raise NotImplementedError(f"{where}: only 4-D input (N, C, H, W) is supported, got "
                                  f"shape {input.shape}")
    if grid.ndim != 4 or grid.shape[-1] != 2 or grid.shape[0] != input.shape[0]:
        raise ArgumentError(f"{where}: expected grid of shape (N, H_out, W_out, 2) with N = "
                            f"{input.shape[0]}, got {grid.shape}")
    if input.dtype.kind != "f" or grid.dtype != input.dtype:
        raise DTypeError(f"{where}: input and grid must be floating-point of one dtype, got "
                         f"{input.dtype} and {grid.dtype}")
    align = bool(align_corners)
    h, w = input.shape[2], input.shape[3]
    ix = _padded(_unnormalize(grid[..., 0], w, align), w, padding_mode, align)
    iy = _padded(_unnormalize(grid[..., 1], h, align), h, padding_mode, align)
    image = input.permute(0, 2, 3, 1)                                  # (N, H, W, C)
    dt = input.dtype
    if mode == "nearest":
        xs = np.rint(ix.detach().numpy()).astype(np.int64)
        ys = np.rint(iy.detach().numpy()).astype(np.int64)
        out = _gather(image, ys, xs, dt)
        out = out * connected_mask(np.ones(1, dt), grid)  # grid gets zeros, as in PyTorch
        return out.permute(0, 3, 1, 2)
    x0 = np.floor(ix.detach().numpy()).astype(np.int64)
    y0 = np.floor(iy.detach().numpy()).astype(np.int64)
    wx1 = (ix - ag.tensor(x0.astype(dt))).unsqueeze(-1)
    wy1 = (iy - ag.tensor(y0.astype(dt))).unsqueeze(-1)
    wx0, wy0 = 1.0 - wx1, 1.0 - wy1
    out = (_gather(image, y0, x0, dt) * (wy0 * wx0) + _gather(image, y0, x0 + 1, dt) * (wy0 * wx1)
           + _gather(image, y0 + 1, x0, dt) * (wy1 * wx0)
           + _gather(image, y0 + 1, x0 + 1, dt) * (wy1 * wx1))
    return out.permute(0, 3, 1, 2)

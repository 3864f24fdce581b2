"""Matrix product with NumPy's ``matmul`` semantics.

The primitive `MatMul` only ever sees operands with ``ndim >= 2`` and equal
batch dims; `matmul` gets them there with unsqueeze (1-D operands), `Expand`
(batch broadcasting) and, for the common ``(..., n, k) @ (k, m)`` case, a
reshape to one 2-D product so the weight gradient is a single GEMM instead
of a batch of them summed afterwards.
"""
import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..tensor import Tensor, _wrap
from .movement import Expand, reshape, unsqueeze, squeeze


class MatMul(Function):
    __slots__ = ()
    _symbol = "@"
    _save_inputs = (1, 0)
    _save_when = (0, 1)

    @staticmethod
    def forward(ctx, a, b):
        return a @ b

    @staticmethod
    def backward(ctx, g):
        b, a = ctx.saved_tensors
        ga = _product(g, b.mT) if b is not None else None
        gb = _product(a.mT, g) if a is not None else None
        return ga, gb


class MatMulBT(MatMul):
    """``a @ b^T`` for 2-D ``a`` (N, K) and ``b`` (M, K): a linear layer with
    its (out, in) weight.  Both gradients come out C-ordered in their
    operand's own layout (``g @ b`` and ``g^T @ a``), so the weight gradient
    needs no transposed copy anywhere downstream.  Saves what MatMul saves."""
    __slots__ = ()

    @staticmethod
    def forward(ctx, a, b):
        return a @ b.T

    @staticmethod
    def backward(ctx, g):
        b, a = ctx.saved_tensors
        ga = MatMul.apply(g, b) if b is not None else None
        gb = MatMul.apply(g.mT, a) if a is not None else None
        return ga, gb


def _product(x, y):
    """``x @ y``, computed as ``(y^T @ x^T)^T`` when the result is a small,
    short and wide matrix with a long reduction -- a weight gradient such as
    conv's ``g @ cols^T``.  OpenBLAS runs that orientation about 1.8x faster
    for these shapes; large results keep their layout, which later reshapes
    depend on."""
    if x.ndim == 2:
        m, k = x.shape
        n = y.shape[1]
        if m < n and m * n <= k:
            return MatMul.apply(y.mT, x.mT).mT
    return MatMul.apply(x, y)


def matmul(a, b):
    if not isinstance(a, Tensor):
        a = _wrap(np.asarray(a))
    if not isinstance(b, Tensor):
        b = _wrap(np.asarray(b))
    sa, sb = a.shape, b.shape
    if a.ndim == 2 and b.ndim == 2 and sa[1] == sb[0] and a.dtype == b.dtype:
        return MatMul.apply(a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError(f"matmul (@): both operands need at least 1 dimension, got shapes "
                         f"{sa} @ {sb}")
    if a.dtype != b.dtype:
        a, b = _align_dtypes(a, b)
    ka = sa[-1]
    kb = sb[0] if b.ndim == 1 else sb[-2]
    if ka != kb:
        raise ShapeError(f"matmul (@): shapes {sa} @ {sb} do not match: {ka} columns on the "
                         f"left, {kb} rows on the right")
    a1, b1 = a.ndim == 1, b.ndim == 1
    if a1:
        a = unsqueeze(a, 0)
    if b1:
        b = unsqueeze(b, -1)
    if b.ndim == 2 and a.ndim > 2:
        lead = a.shape[:-1]
        out = reshape(MatMul.apply(reshape(a, (-1, ka)), b), lead + (b.shape[-1],))
    else:
        try:
            batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            raise ShapeError(f"matmul (@): batch dimensions of {sa} @ {sb} cannot be "
                             "broadcast together") from None
        if a.shape[:-2] != batch:
            a = Expand.apply(a, batch + a.shape[-2:])
        if b.shape[:-2] != batch:
            b = Expand.apply(b, batch + b.shape[-2:])
        out = MatMul.apply(a, b)
    if a1:
        out = squeeze(out, -2)
    if b1:
        out = squeeze(out, -1)
    return out


def _align_dtypes(a, b):
    from .elementwise import cast
    from .. import dtypes as _dt
    dt = _dt.result_dtype(a.dtype, b.dtype)
    return cast(a, dt), cast(b, dt)


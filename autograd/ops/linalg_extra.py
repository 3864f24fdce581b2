"""Products and linear algebra that ported programs call beyond the core
set: dot/vdot/inner/mv, the fused ``add*`` forms (addmv, addr, addbmm,
baddbmm, addcmul, addcdiv), chain_matmul, kron, cross, matrix_power,
logdet/slogdet, pinverse/pinv, svd; and the counting ops bincount, histc,
searchsorted, bucketize.

Almost everything is a composition of `matmul`, elementwise ops and
indexing, so it differentiates as often as they do.  Three ops need their
own node: `LogAbsDet` (``log|det A|`` straight from LAPACK, which stays
finite where ``det`` overflows), `Pinv` (the pseudo-inverse, whose backward
is written with Tensor ops on the saved pseudo-inverse, so it differentiates
twice) and the singular vectors of `svd`, whose derivative is refused by
name rather than computed wrongly.
"""
import warnings
from collections import namedtuple

import numpy as np

from .. import dtypes as _dt
from .._args import dim_arg, int_arg
from ..errors import ArgumentError, DTypeError, ShapeError
from ..function import Function
from ..tensor import Tensor, _wrap
from . import movement as _mv
from . import reduce as _reduce
from .elementwise import where
from .indexing import no_derivative
from .linalg import Inv, LinAlgError, SvdVals, _square, _tensor, mm
from .matmul import matmul

SlogdetResult = namedtuple("slogdet", ["sign", "logabsdet"])
SvdResult = namedtuple("svd", ["U", "S", "V"])
LinalgSvdResult = namedtuple("svd", ["U", "S", "Vh"])


# ============================================================ vector products
def _vectors(a, b, op):
    a, b = _tensor(a, op, "input"), _tensor(b, op, "tensor")
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"{op}(): 1D tensors expected, but got {a.ndim}D and {b.ndim}D "
                         f"tensors (shapes {a.shape} and {b.shape})")
    if a.shape != b.shape:
        raise ShapeError(f"{op}(): inconsistent tensor size, expected tensor [{a.shape[0]}] "
                         f"and src [{b.shape[0]}] to have the same number of elements")
    if a.dtype != b.dtype:
        raise DTypeError(f"{op}(): expected both vectors to have same dtype, but found "
                         f"{a.dtype} and {b.dtype}")
    return a, b


def dot(input, tensor):
    """Inner product of two 1-D tensors of the same size and dtype (0-d result)."""
    return matmul(*_vectors(input, tensor, "dot"))


def vdot(input, other):
    """``dot`` with the first argument conjugated (the same as ``dot`` for real tensors)."""
    return matmul(*_vectors(input, other, "vdot"))


def inner(input, other):
    """Sum of products over the last dims of both (a product if either is 0-d)."""
    a, b = _tensor(input, "inner", "input"), _tensor(other, "inner", "other")
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise ShapeError(f"inner(): the last dims must match, got shapes {a.shape} and "
                         f"{b.shape}")
    from .linalg import tensordot
    return tensordot(a, b, ([a.ndim - 1], [b.ndim - 1]))


def mv(input, vec):
    """Product of a matrix (n, m) and a vector (m,): a vector (n,)."""
    a, v = _tensor(input, "mv", "input"), _tensor(vec, "mv", "vec")
    if a.ndim != 2 or v.ndim != 1:
        raise ShapeError(f"mv(): expected a matrix and a vector, got shapes {a.shape} and "
                         f"{v.shape}")
    if a.shape[1] != v.shape[0]:
        raise ShapeError(f"mv(): size mismatch, got input ({a.shape[0]}x{a.shape[1]}) and vec "
                         f"({v.shape[0]})")
    if a.dtype != v.dtype:
        raise DTypeError(f"mv(): expected both operands to have the same dtype, got "
                         f"{a.dtype} and {v.dtype}")
    return matmul(a, v)


# ============================================================ fused add forms
def _beta_alpha(input, product, beta, alpha, op):
    """``beta * input + alpha * product`` as PyTorch's add-forms compute it:
    the input broadcasts to the product's shape, and with ``beta=0`` it is
    ignored (NaN in it does not propagate) but still gets a zero gradient."""
    input = _tensor(input, op)
    shape = product.shape
    try:
        if np.broadcast_shapes(input.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ShapeError(f"{op}(): input of shape {input.shape} does not broadcast to the "
                         f"product's shape {shape}") from None
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        return product + where(np.zeros(shape, dtype=bool), input, 0)
    return product + (input if beta == 1 else input * beta)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)``."""
    return _beta_alpha(input, mv(mat, vec), beta, alpha, "addmv")


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """``beta * input + alpha * outer(vec1, vec2)``."""
    from .linalg import outer
    return _beta_alpha(input, outer(vec1, vec2), beta, alpha, "addr")


def _batches(b1, b2, op):
    from .linalg import _check_matrix_pair
    return matmul(*_check_matrix_pair(b1, b2, op, 3))


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * bmm(batch1, batch2)`` (input broadcasts to (b, n, p))."""
    return _beta_alpha(input, _batches(batch1, batch2, "baddbmm"), beta, alpha, "baddbmm")


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * sum_i batch1[i] @ batch2[i]`` (a 2-D result)."""
    product = _reduce.sum(_batches(batch1, batch2, "addbmm"), 0)
    return _beta_alpha(input, product, beta, alpha, "addbmm")


def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2``, broadcasting all three."""
    return input + (tensor1 * tensor2) * value if value != 1 else input + tensor1 * tensor2


def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2``, broadcasting; integer division is
    refused, as in PyTorch (it once truncated silently)."""
    for t in (tensor1, tensor2):
        dt = t.dtype if isinstance(t, Tensor) else np.asarray(t).dtype
        if dt.kind in "iub":
            raise DTypeError("addcdiv(): integer division with addcdiv is not supported "
                             f"(tensor1 {_dtype_of(tensor1)}, tensor2 {_dtype_of(tensor2)}); "
                             "use true_divide or floor_divide")
    q = tensor1 / tensor2
    return input + q * value if value != 1 else input + q


def _dtype_of(x):
    return x.dtype if isinstance(x, Tensor) else type(x).__name__


def chain_matmul(*matrices):
    """Product of 2-D matrices left to right (deprecated in PyTorch for ``linalg.multi_dot``)."""
    if not matrices:
        raise ArgumentError("chain_matmul(): expected one or more matrices, got none")
    for i, m in enumerate(matrices):
        _tensor(m, "chain_matmul", f"matrices[{i}]")
        if m.ndim != 2:
            raise ShapeError(f"chain_matmul(): tensor {i} must be 2-D, got shape {m.shape}")
    out = matrices[0]
    if len(matrices) == 1:
        return out.clone()
    for m in matrices[1:]:
        out = mm(out, m)
    return out


def kron(input, other):
    """Kronecker product: blocks ``input[i] * other`` (shapes padded with
    leading 1s to the same number of dims, then multiplied dim by dim)."""
    a, b = _tensor(input, "kron", "input"), _tensor(other, "kron", "other")
    nd = max(a.ndim, b.ndim)
    sa = (1,) * (nd - a.ndim) + a.shape
    sb = (1,) * (nd - b.ndim) + b.shape
    ia = _mv.reshape(a, tuple(x for s in sa for x in (s, 1)))
    ib = _mv.reshape(b, tuple(x for s in sb for x in (1, s)))
    return _mv.reshape(ia * ib, tuple(p * q for p, q in zip(sa, sb)))


def _cross_dim(a, b, dim, op):
    if dim is not None:
        d = dim_arg(dim, max(a.ndim, b.ndim), op)
        shape = np.broadcast_shapes(a.shape, b.shape)
        if shape[d] != 3:
            raise ShapeError(f"{op}(): no dimension of size 3 in input: dim {dim} has size "
                             f"{shape[d]} (shapes {a.shape} and {b.shape})")
        return d
    shape = np.broadcast_shapes(a.shape, b.shape)
    for d, s in enumerate(shape):
        if s == 3:
            return d
    raise ShapeError(f"{op}(): no dimension of size 3 in input (shapes {a.shape} and "
                     f"{b.shape})")


def _cross(a, b, dim, op):
    a, b = _tensor(a, op, "input"), _tensor(b, op, "other")
    if a.ndim != b.ndim and op == "cross":
        raise ShapeError(f"cross(): inputs must have the same number of dimensions, got "
                         f"shapes {a.shape} and {b.shape}")
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ShapeError(f"{op}(): shapes {a.shape} and {b.shape} cannot be broadcast "
                         "together") from None
    d = _cross_dim(a, b, dim, op)
    a, b = _mv.broadcast_to(a, shape), _mv.broadcast_to(b, shape)
    lead = (slice(None),) * d
    nxt, prv = np.array([1, 2, 0]), np.array([2, 0, 1])
    return (_mv.getitem(a, lead + (nxt,)) * _mv.getitem(b, lead + (prv,))
            - _mv.getitem(a, lead + (prv,)) * _mv.getitem(b, lead + (nxt,)))


def cross(input, other, dim=None):
    """Cross product of 3-vectors along ``dim`` (the first dim of size 3 if
    None, which PyTorch deprecates in favour of ``linalg.cross``)."""
    if dim is None:
        warnings.warn("cross(): using cross without specifying dim is deprecated; it uses "
                      "the first dimension of size 3. Pass dim=, or use linalg.cross "
                      "(dim=-1)", UserWarning, stacklevel=2)
    return _cross(input, other, dim, "cross")


def linalg_cross(input, other, *, dim=-1):
    """``torch.linalg.cross``: the cross product along ``dim`` (default the last), broadcasting."""
    return _cross(input, other, dim, "linalg.cross")


# ============================================================ matrix functions
def matrix_power(input, n):
    """``input`` multiplied by itself ``n`` times (identity for 0, powers of
    the inverse for negative ``n``), by repeated squaring."""
    A = _tensor(input, "matrix_power")
    n = int_arg(n, "matrix_power", "n")
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ShapeError(f"matrix_power(): expected a square matrix or a batch of square "
                         f"matrices, got shape {A.shape}")
    if n == 0:
        eye = np.broadcast_to(np.eye(A.shape[-1], dtype=A.dtype), A.shape)
        return _wrap(eye.copy())
    if n < 0:
        A = Inv.apply(_square(A, "matrix_power"))
        n = -n
    result, base = None, A
    while True:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if not n:
            return result if result is not A else A.clone()
        base = matmul(base, base)


class LogAbsDet(Function):
    """``log|det A|`` from LAPACK's LU (finite where ``det`` over- or
    underflows); ``dA = g A^-T``, written with `Inv`, so it differentiates
    again."""
    __slots__ = ()
    _save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        return np.asarray(np.linalg.slogdet(a)[1])

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return _mv.unsqueeze(_mv.unsqueeze(g, -1), -1) * Inv.apply(a).mT


def slogdet(A):
    """``(sign, logabsdet)`` of the determinant: the sign (not differentiable)
    and ``log|det A|``, which stays finite for large matrices."""
    A = _square(A, "linalg.slogdet")
    sign = np.asarray(np.linalg.slogdet(A._data)[0])
    return SlogdetResult(_wrap(sign), LogAbsDet.apply(A))


def logdet(input):
    """``log(det(input))``: NaN where the determinant is negative, -inf where it is 0."""
    sign, logabs = slogdet(_square(input, "logdet"))
    bad = np.where(sign._data < 0, np.nan, -np.inf).astype(logabs.dtype)
    return where(sign._data > 0, logabs, bad)


class Pinv(Function):
    """Moore-Penrose pseudo-inverse (singular values at or below the cutoff
    count as zero).  The backward is the derivative of ``P = A^+`` at
    constant rank, written with matmul on the saved ``P`` and ``A``:
    ``-P^T g P^T + (I - A P) g^T P P^T + P^T P g^T (I - P A)`` (each term
    transposed as needed), so it differentiates again."""
    __slots__ = ()
    _save_inputs = (0,)
    _save_output = True

    @staticmethod
    def forward(ctx, a, atol, rtol):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        smax = s[..., :1] if s.shape[-1] else s
        cutoff = np.maximum(atol, rtol * smax)
        inv_s = np.where(s > cutoff, 1 / np.where(s > cutoff, s, 1), 0).astype(a.dtype)
        return np.swapaxes(vh, -1, -2) @ (inv_s[..., None] * np.swapaxes(u, -1, -2))

    @staticmethod
    def backward(ctx, g):
        a, p = ctx.saved_tensors
        pt, gt = p.mT, g.mT
        m, n = a.shape[-2], a.shape[-1]
        eye_m = _wrap(np.eye(m, dtype=a.dtype))
        eye_n = _wrap(np.eye(n, dtype=a.dtype))
        ga = -(pt @ g @ pt)
        ga = ga + (eye_m - a @ p) @ gt @ (p @ pt)
        ga = ga + (pt @ p) @ gt @ (eye_n - p @ a)
        return ga, None, None


def _float_matrix(A, op):
    A = _tensor(A, op, "A")
    if A.ndim < 2:
        raise ShapeError(f"{op}: A must have at least 2 dimensions, got shape {A.shape}")
    if A.dtype.kind != "f":
        raise DTypeError(f"{op}: expected a floating-point tensor, got dtype {A.dtype}")
    return A


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    """``torch.linalg.pinv``: the pseudo-inverse; singular values at or below
    ``max(atol, rtol * largest)`` are treated as zero (``rtol`` defaults to
    ``eps * max(m, n)`` when neither tolerance is given)."""
    A = _float_matrix(A, "linalg.pinv")
    if rtol is None:
        rtol = 0.0 if atol is not None and atol > 0 else \
            np.finfo(A.dtype).eps * max(A.shape[-2:])
    return Pinv.apply(A, float(atol or 0.0), float(rtol))


def pinverse(input, rcond=1e-15):
    """The pseudo-inverse, with singular values below ``rcond * largest`` treated as zero."""
    A = _float_matrix(input, "pinverse")
    return Pinv.apply(A, 0.0, float(rcond))


def _svd_parts(A, full, op):
    A = _float_matrix(A, op)
    u, _, vh = np.linalg.svd(A._data, full_matrices=full)
    S = SvdVals.apply(A)
    vectors = no_derivative(np.concatenate([u.reshape(-1), vh.reshape(-1)]), [A],
                            f"{op} (singular vectors U and V; only the singular values "
                            "S are differentiable here, use linalg.svdvals)")
    U = _mv.reshape(vectors[:u.size], u.shape)
    Vh = _mv.reshape(vectors[u.size:], vh.shape)
    return U, S, Vh


def linalg_svd(A, full_matrices=True):
    """``torch.linalg.svd``: ``(U, S, Vh)`` with ``A = U diag(S) Vh``.  S is
    differentiable; a gradient through U or Vh raises NotImplementedError."""
    return LinalgSvdResult(*_svd_parts(A, full_matrices, "linalg.svd"))


def svd(input, some=True, compute_uv=True):
    """``torch.svd``: ``(U, S, V)`` with ``A = U diag(S) V^T`` (V, not Vh).
    S is differentiable; a gradient through U or V raises NotImplementedError."""
    U, S, Vh = _svd_parts(input, not some, "svd")
    if not compute_uv:
        z = lambda shape: _wrap(np.zeros(shape, dtype=S.dtype))  # noqa: E731
        return SvdResult(z(U.shape), S, z(Vh.shape[:-2] + Vh.shape[-1:] + Vh.shape[-2:-1]))
    return SvdResult(U, S, Vh.mT)


# ============================================================ counting
def _int_vector(x, op, name="input"):
    arr = x._data if isinstance(x, Tensor) else np.asarray(x)
    if arr.dtype.kind not in "iu" or arr.ndim != 1:
        raise DTypeError(f"{op}(): {name} must be a 1-D tensor of integers, got dtype "
                         f"{arr.dtype} and shape {arr.shape}")
    return arr


def bincount(input, weights=None, minlength=0):
    """How often each non-negative integer occurs (or the sum of ``weights``
    at each); int64 counts, or the weights' float dtype (float64 for integer weights)."""
    arr = _int_vector(input, "bincount")
    minlength = int_arg(minlength, "bincount", "minlength")
    if minlength < 0:
        raise ArgumentError(f"bincount(): minlength should be >= 0, got {minlength}")
    if arr.size and arr.min() < 0:
        raise ArgumentError(f"bincount(): input must contain only non-negative integers, "
                            f"found {arr.min()}")
    if weights is None:
        return _wrap(np.bincount(arr, minlength=minlength).astype(np.int64))
    w = weights._data if isinstance(weights, Tensor) else np.asarray(weights)
    if w.shape != arr.shape:
        raise ShapeError(f"bincount(): weights must have the same length as input, got "
                         f"shapes {w.shape} and {arr.shape}")
    dt = w.dtype if w.dtype.kind == "f" else np.dtype(np.float64)
    out = np.bincount(arr, weights=w.astype(np.float64), minlength=minlength).astype(dt)
    if isinstance(weights, Tensor) and weights.requires_grad:
        return no_derivative(out, [weights], "bincount")
    return _wrap(out)


def histc(input, bins=100, min=0, max=0):
    """Histogram of ``bins`` equal-width bins over ``[min, max]`` (the data's
    range when both are 0); elements outside are ignored."""
    x = _tensor(input, "histc")
    if x.dtype.kind != "f":
        raise DTypeError(f"histc(): expected a floating-point tensor, got dtype {x.dtype}")
    bins = int_arg(bins, "histc", "bins")
    if bins <= 0:
        raise ArgumentError(f"histc(): bins must be > 0, got {bins}")
    a = x._data.reshape(-1)
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise ArgumentError(f"histc(): max must be larger than min, got min={min} max={max}")
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ArgumentError(f"histc(): range of [{lo}, {hi}] is not finite")
    inside = a[(a >= lo) & (a <= hi)].astype(np.float64)
    which = np.floor((inside - lo) * bins / (hi - lo)).astype(np.int64)
    counts = np.bincount(np.minimum(which, bins - 1), minlength=bins)
    out = counts.astype(x.dtype)
    return no_derivative(out, [x], "histc") if x.requires_grad else _wrap(out)


def _side(right, side, op):
    if side is None:
        return "right" if right else "left"
    if side not in ("left", "right"):
        raise ArgumentError(f"{op}(): side can only be 'left' or 'right', got {side!r}")
    if right and side == "left":
        raise ArgumentError(f"{op}(): side and right can't be set to opposites, got "
                            "side='left' and right=True")
    return side


def searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None,
                 sorter=None):
    """Where each value would be inserted into the sorted last dim of
    ``sorted_sequence`` to keep it sorted (``right``/``side='right'`` puts
    equal values after the existing ones).  int64 indices (int32 with
    ``out_int32``); not differentiable."""
    seq = sorted_sequence._data if isinstance(sorted_sequence, Tensor) \
        else np.asarray(sorted_sequence)
    vals = np.asarray(values._data if isinstance(values, Tensor) else values)
    side = _side(right, side, "searchsorted")
    if sorter is not None:
        order = sorter._data if isinstance(sorter, Tensor) else np.asarray(sorter)
        if order.shape != seq.shape:
            raise ShapeError(f"searchsorted(): sorter shape {order.shape} must match "
                             f"sorted_sequence shape {seq.shape}")
        seq = np.take_along_axis(seq, order.astype(np.int64), axis=-1)
    if seq.ndim == 0:
        raise ShapeError("searchsorted(): sorted_sequence must have at least one dim, got "
                         "a 0-d tensor")
    if seq.ndim == 1:
        out = np.searchsorted(seq, vals, side=side)
    else:
        if vals.shape[:-1] != seq.shape[:-1]:
            raise ShapeError(f"searchsorted(): boundaries tensor should be 1 dimension or "
                             f"the first N-1 dimensions of boundaries tensor and input value "
                             f"tensor must match, but we got boundaries tensor {seq.shape} "
                             f"and input value tensor {vals.shape}")
        flat_seq = seq.reshape(-1, seq.shape[-1])
        flat_vals = vals.reshape(flat_seq.shape[0], -1)
        out = np.stack([np.searchsorted(s, v, side=side) for s, v in zip(flat_seq, flat_vals)]
                       ).reshape(vals.shape)
    return _wrap(np.asarray(out, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value: the index ``i`` with ``boundaries[i-1] < x <=
    boundaries[i]`` (``boundaries[i-1] <= x < boundaries[i]`` with ``right``)."""
    b = boundaries._data if isinstance(boundaries, Tensor) else np.asarray(boundaries)
    if b.ndim != 1:
        raise ShapeError(f"bucketize(): boundaries tensor must be 1 dimension, but got "
                         f"dim({b.ndim}) (shape {b.shape})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)

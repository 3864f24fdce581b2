"""Contractions and linear algebra: einsum, tensordot, mm, bmm, addmm, outer,
diag, diagonal, trace, tril, triu, and `torch.linalg`'s norm, inv, det,
solve, cholesky.

`Einsum` is the one contraction primitive: its gradient with respect to
each operand is an einsum of the incoming gradient with the other operands
(plus a broadcast for labels only that operand had, and a scatter onto the
diagonal for labels it repeats, as in ``'ii->i'``), so it differentiates
any number of times.  `tensordot` is an einsum; ``mm``/``bmm``/``addmm``
are checked front ends to `matmul`.

The linalg backwards (inv, det, solve, cholesky) are written with these
same ops, so they differentiate twice.  The exceptions are the ops built on
singular values (matrix norms ``'nuc'``, ``2``, ``-2``) and det's gradient
at a singular matrix: their first derivative is exact, and a second one is
refused with an error rather than computed wrongly.
"""
import string

import numpy as np

from .._args import dim_arg, int_arg
from ..errors import ArgumentError, DTypeError, ShapeError
from ..function import Function
from ..grad_mode import _state
from ..tensor import Tensor, _wrap
from . import reduce as _reduce
from .elementwise import where
from .matmul import matmul
from .movement import Expand, reshape, unsqueeze


class LinAlgError(ArgumentError):
    """A matrix the factorization cannot handle (singular, not positive
    definite): PyTorch's ``torch.linalg.LinAlgError``, a RuntimeError."""


def _tensor(x, op, name="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' must be a Tensor, got {type(x).__name__}")
    return x


# =============================================================== einsum
# PyTorch orders an implicit output by character code: 'A'..'Z' before 'a'..'z'.
_LETTERS = string.ascii_uppercase + string.ascii_lowercase


def _parse_term(term, where_, eq):
    """Labels of one term; ``...`` becomes the marker None."""
    labels, i = [], 0
    while i < len(term):
        if term.startswith("...", i):
            if None in labels:
                raise ArgumentError(f"einsum(): more than one ellipsis in {where_} of "
                                    f"equation {eq!r}")
            labels.append(None)
            i += 3
        elif term[i] in _LETTERS:
            labels.append(term[i])
            i += 1
        else:
            raise ArgumentError(f"einsum(): invalid subscript {term[i]!r} in {where_} of "
                                f"equation {eq!r}; subscripts must be in [a-zA-Z] (or ...)")
    return labels


def _split_equation(equation, n_ops):
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != n_ops:
        few = "fewer" if n_ops < len(terms) else "more"
        raise ArgumentError(f"einsum(): {few} operands were provided than specified in the "
                            f"equation {equation!r} ({n_ops} operands, {len(terms)} terms)")
    ins = [_parse_term(t, f"the term of operand {i}", equation) for i, t in enumerate(terms)]
    out = _parse_term(rhs, "the output", equation) if arrow else None
    return ins, out


def _sublist_labels(sub, i):
    """PyTorch's sublist form: ints in [0, 52) and Ellipsis."""
    labels = []
    for s in sub:
        if s is Ellipsis:
            labels.append(None)
        elif type(s) is int and 0 <= s < 52:
            labels.append(_LETTERS[s])
        else:
            raise ArgumentError(f"einsum(): sublist {i} holds {s!r}; subscripts must be ints "
                                "in [0, 52) or Ellipsis")
    return labels


def _einsum_args(args):
    """(operands, input label lists, output labels or None) from PyTorch's
    forms: ``(equation, *operands)``, ``(equation, [operands])`` and the
    sublist form ``(op0, sub0, op1, sub1, ..., [out])``."""
    if args and isinstance(args[0], str):
        ops = args[1:]
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = tuple(ops[0])
        ins, out = _split_equation(args[0], len(ops))
        return [_tensor(o, "einsum", "operands") for o in ops], ins, out
    ops, ins = [], []
    pairs = list(args)
    out = None
    if len(pairs) % 2:
        out = _sublist_labels(pairs.pop(), "out")
    for i in range(0, len(pairs), 2):
        ops.append(_tensor(pairs[i], "einsum", "operands"))
        ins.append(_sublist_labels(pairs[i + 1], i // 2))
    if not ops:
        raise ArgumentError("einsum(): expected an equation and at least one operand")
    return ops, ins, out


def _expand_ellipses(ops, ins):
    """Each operand's labels with ``...`` spelled out: the ellipsis dims of
    all operands broadcast right-aligned and get labels ``0, 1, ...``
    (ints, which never clash with letters)."""
    widths = []
    for i, (op, labels) in enumerate(zip(ops, ins)):
        named = len(labels) - (None in labels)
        if None not in labels and named != op.ndim:
            raise ShapeError(f"einsum(): the number of subscripts in the equation ({named}) "
                             f"does not match the number of dimensions ({op.ndim}) for "
                             f"operand {i} (shape {op.shape}) and no ellipsis was given")
        if named > op.ndim:
            raise ShapeError(f"einsum(): the number of subscripts in the equation ({named}) "
                             f"is more than the number of dimensions ({op.ndim}) for operand "
                             f"{i} (shape {op.shape})")
        widths.append(op.ndim - named)
    width = max(widths)
    full = []
    for labels, w in zip(ins, widths):
        out = []
        for lbl in labels:
            out.extend(range(width - w, width) if lbl is None else [lbl])
        full.append(out)
    return full, width


def _label_sizes(ops, full):
    """One size per label; a size-1 dim broadcasts against any other."""
    sizes = {}
    for i, (op, labels) in enumerate(zip(ops, full)):
        for lbl, n in zip(labels, op.shape):
            seen = sizes.get(lbl, 1)
            if n != 1 and seen != 1 and n != seen:
                what = (f"subscript {lbl}" if isinstance(lbl, str)
                        else f"dimension {lbl} covered by the ellipsis")
                raise ShapeError(f"einsum(): {what} has size {n} for operand {i} (shape "
                                 f"{op.shape}) which does not broadcast with the previously "
                                 f"seen size {seen}")
            sizes[lbl] = max(seen, n) if n != 1 or lbl not in sizes else seen
    return sizes


def _output_labels(full, out, width):
    counts = {}
    for labels in full:
        for lbl in labels:
            counts[lbl] = counts.get(lbl, 0) + 1
    if out is None:  # implicit: ellipsis dims, then labels seen once, in code order
        return list(range(width)) + sorted(l for l, c in counts.items()
                                           if c == 1 and isinstance(l, str))
    labels = []
    for lbl in out:
        labels.extend(range(width) if lbl is None else [lbl])
    for lbl in labels:
        if lbl not in counts:
            raise ArgumentError(f"einsum(): output subscript {lbl} does not appear in the "
                                "equation for any input operand")
        if labels.count(lbl) > 1:
            raise ArgumentError(f"einsum(): output subscript {lbl} appears more than once in "
                                "the output")
    return labels


def _broadcast_operand(op, labels, sizes):
    """Expand size-1 dims to their label's size so the primitive sees one
    size per label (Expand's backward sums the gradient back)."""
    target = tuple(sizes[l] for l in labels)
    if op.shape == target:
        return op
    return Expand.apply(op, target)


class Einsum(Function):
    """``np.einsum`` over integer sublists (``spec = (in_subs, out_sub,
    sizes)``; every label has one size across operands)."""
    __slots__ = ("_spec",)

    @staticmethod
    def forward(ctx, spec, *arrays):
        ctx._spec = spec
        ctx.save_for_backward(*arrays)
        ins, out, _ = spec
        args = []
        for a, sub in zip(arrays, ins):
            args += [a, list(sub)]
        opt = "greedy" if len(arrays) > 1 else False
        return np.asarray(np.einsum(*args, list(out), optimize=opt))

    @staticmethod
    def backward(ctx, g):
        ins, out, sizes = ctx._spec
        ops = ctx.saved_tensors
        need = ctx.needs_input_grad[1:]
        grads = [None]
        for i, sub in enumerate(ins):
            if not need[i]:
                grads.append(None)
                continue
            others = [(g, out)] + [(ops[j], ins[j]) for j in range(len(ins)) if j != i]
            grads.append(_operand_grad(others, sub, sizes))
        return tuple(grads)


def _operand_grad(others, sub, sizes):
    """The gradient for an operand with labels ``sub``: the einsum of the
    others onto ``sub``'s distinct labels, broadcast over labels no other
    term has (they were summed away), then placed on the diagonal where
    ``sub`` repeats a label."""
    distinct = list(dict.fromkeys(sub))
    have = {l for _, s in others for l in s}
    present = tuple(l for l in distinct if l in have)
    r = Einsum.apply((tuple(s for _, s in others), present, sizes), *[t for t, _ in others])
    if len(present) < len(distinct):
        r = reshape(r, tuple(sizes[l] if l in have else 1 for l in distinct))
        r = Expand.apply(r, tuple(sizes[l] for l in distinct))
    if len(distinct) < len(sub):
        r = OntoDiagonal.apply(r, tuple(distinct), tuple(sub), sizes)
    return r


class OntoDiagonal(Function):
    """Zeros shaped like labels ``sub`` (which repeat some label), holding
    ``a`` (shaped like the distinct labels) where the repeated labels'
    indices agree: the adjoint of the einsum ``sub -> distinct``."""
    __slots__ = ("_distinct", "_sub", "_sizes")

    @staticmethod
    def forward(ctx, a, distinct, sub, sizes):
        ctx._distinct, ctx._sub, ctx._sizes = distinct, sub, sizes
        out = np.zeros(tuple(sizes[l] for l in sub), dtype=a.dtype)
        grid = np.indices(a.shape, sparse=True)
        out[tuple(grid[distinct.index(l)] for l in sub)] = a
        return out

    @staticmethod
    def backward(ctx, g):
        return (Einsum.apply(((ctx._sub,), ctx._distinct, ctx._sizes), g),
                None, None, None)


def _compact(full, out):
    """Relabel with ints 0..k-1 (NumPy's sublists allow 52 labels)."""
    ids = {}
    for lbl in [l for labels in full for l in labels] + list(out):
        ids.setdefault(lbl, len(ids))
    if len(ids) > 52:
        raise ArgumentError(f"einsum(): {len(ids)} distinct subscripts (with the ellipsis "
                            "dims); at most 52 are supported")
    return ids


def _check_same_dtype(ops, op):
    dt = ops[0].dtype
    for i, o in enumerate(ops[1:], 1):
        if o.dtype != dt:
            raise DTypeError(f"{op}(): all operands must have the same dtype (as in PyTorch); "
                             f"operand 0 is {dt}, operand {i} is {o.dtype}")


def _contract(ops, full, out_labels, sizes):
    ids = _compact(full, out_labels)
    sizes = {ids[l]: n for l, n in sizes.items()}
    ins = tuple(tuple(ids[l] for l in labels) for labels in full)
    out = tuple(ids[l] for l in out_labels)
    ops = [_broadcast_operand(o, sub, sizes) for o, sub in zip(ops, ins)]
    return Einsum.apply((ins, out, sizes), *ops)


def einsum(*args):
    """Einstein summation as in PyTorch: ``einsum('ij,jk->ik', a, b)``, the
    implicit output (``'ij,jk'``), ``...`` for broadcast dims, operands as
    a list, and the sublist form ``einsum(a, [0, 1], b, [1, 2], [0, 2])``."""
    ops, ins, out = _einsum_args(args)
    _check_same_dtype(ops, "einsum")
    full, width = _expand_ellipses(ops, ins)
    sizes = _label_sizes(ops, full)
    return _contract(ops, full, _output_labels(full, out, width), sizes)


# ============================================================ tensordot
def _tensordot_dims(dims, a, b):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, (int, np.integer)):
        n = int(dims)
        if n < 0 or n > min(a.ndim, b.ndim):
            raise ArgumentError(f"tensordot(): dims={n} must be in [0, {min(a.ndim, b.ndim)}] "
                                f"for shapes {a.shape} and {b.shape}")
        return list(range(a.ndim - n, a.ndim)), list(range(n))
    try:
        da, db = dims
    except (TypeError, ValueError):
        raise TypeError(f"tensordot(): dims must be an int or a pair of dim lists, got "
                        f"{dims!r}") from None
    da = [da] if isinstance(da, (int, np.integer)) else list(da)
    db = [db] if isinstance(db, (int, np.integer)) else list(db)
    if len(da) != len(db):
        raise ArgumentError(f"tensordot(): both dim lists must have the same length, got "
                            f"{da} and {db}")
    return ([dim_arg(d, a.ndim, "tensordot", "dims") for d in da],
            [dim_arg(d, b.ndim, "tensordot", "dims") for d in db])


def tensordot(a, b, dims=2):
    """Contract dims ``dims[0]`` of ``a`` with ``dims[1]`` of ``b`` (or the
    last ``dims`` of ``a`` with the first of ``b``)."""
    a, b = _tensor(a, "tensordot", "a"), _tensor(b, "tensordot", "b")
    _check_same_dtype([a, b], "tensordot")
    da, db = _tensordot_dims(dims, a, b)
    for i, j in zip(da, db):
        if a.shape[i] != b.shape[j]:
            raise ShapeError(f"tensordot(): contracted dimensions need to match, but the first "
                             f"has size {a.shape[i]} in dim {i} and the second has size "
                             f"{b.shape[j]} in dim {j} (shapes {a.shape} and {b.shape})")
    la = [("a", k) for k in range(a.ndim)]
    lb = [la[da[db.index(k)]] if k in db else ("b", k) for k in range(b.ndim)]
    out = [l for k, l in enumerate(la) if k not in da] + \
          [l for k, l in enumerate(lb) if k not in db]
    sizes = dict(zip(la, a.shape))
    sizes.update(zip(lb, b.shape))
    return _contract([a, b], [la, lb], out, sizes)


# ======================================================= matrix products
def _check_matrix_pair(a, b, op, nd):
    a, b = _tensor(a, op, "input"), _tensor(b, op, "mat2")
    for name, t in (("input", a), ("mat2", b)):
        if t.ndim != nd:
            what = "a matrix (2-D)" if nd == 2 else "a batch of matrices (3-D)"
            raise ShapeError(f"{op}(): {name} must be {what}, got shape {t.shape}")
    if a.dtype != b.dtype:
        raise DTypeError(f"{op}(): expected both operands to have the same dtype, but got "
                         f"{a.dtype} and {b.dtype}")
    if nd == 3 and a.shape[0] != b.shape[0]:
        raise ShapeError(f"{op}(): batch sizes differ: input has shape {a.shape}, mat2 has "
                         f"shape {b.shape}")
    if a.shape[-1] != b.shape[-2]:
        raise ShapeError(f"{op}(): shapes cannot be multiplied ({a.shape} and {b.shape}): "
                         f"{a.shape[-1]} columns against {b.shape[-2]} rows")
    return a, b


def mm(input, mat2):
    """Matrix product of two 2-D tensors (no broadcasting)."""
    return matmul(*_check_matrix_pair(input, mat2, "mm", 2))


def bmm(input, mat2):
    """Batched matrix product of two 3-D tensors with the same batch size."""
    return matmul(*_check_matrix_pair(input, mat2, "bmm", 3))


def addmm(input, mat1, mat2, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)``; with ``beta=0`` the input is
    ignored (NaN in it does not propagate) but still gets a zero gradient."""
    product = matmul(*_check_matrix_pair(mat1, mat2, "addmm", 2))
    input = _tensor(input, "addmm")
    shape = product.shape
    try:
        if np.broadcast_shapes(input.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ShapeError(f"addmm(): input of shape {input.shape} does not broadcast to the "
                         f"product's shape {shape}") from None
    if alpha != 1:
        product = product * alpha
    if beta == 0:
        return product + where(np.zeros(shape, dtype=bool), input, 0)
    return product + (input if beta == 1 else input * beta)


def outer(input, vec2):
    """Outer product of two vectors: ``out[i, j] = input[i] * vec2[j]``."""
    for name, t in (("input", input), ("vec2", vec2)):
        _tensor(t, "outer", name)
        if t.ndim != 1:
            raise ShapeError(f"outer(): expected a 1-D argument {name}, got shape {t.shape}")
    return reshape(input, (-1, 1)) * reshape(vec2, (1, -1))


# ================================================ diagonals and triangles
def _diagonal_shape_strides(shape, strides, offset, d1, d2):
    """Shape, strides and byte offset of the diagonal view (NumPy's layout:
    other dims in order, the diagonal last)."""
    n1, n2 = shape[d1], shape[d2]
    if offset >= 0:
        length, start = max(0, min(n1, n2 - offset)), offset * strides[d2]
    else:
        length, start = max(0, min(n1 + offset, n2)), -offset * strides[d1]
    keep = [i for i in range(len(shape)) if i not in (d1, d2)]
    return (tuple(shape[i] for i in keep) + (length,),
            tuple(strides[i] for i in keep) + (strides[d1] + strides[d2],),
            start if length else 0)


class Diagonal(Function):
    """The diagonal of dims ``(dim1, dim2)`` as a *view*, appended as the
    last dim (PyTorch's layout); writes through it reach the input.  Its
    adjoint `DiagonalScatter` also rebases the input after such a write
    (see ``autograd.ops.inplace``)."""
    __slots__ = ("_arg", "_in_shape")

    @staticmethod
    def forward(ctx, a, arg):
        ctx._arg, ctx._in_shape = arg, a.shape
        offset, d1, d2 = arg
        view = np.diagonal(a, offset, d1, d2)
        if a.flags.writeable:
            try:
                view.flags.writeable = True
            except ValueError:  # a NumPy that refuses: the view stays read-only
                pass
        return view

    @staticmethod
    def backward(ctx, g):
        return DiagonalScatter.apply(_wrap(np.zeros(ctx._in_shape, dtype=g.dtype)), g,
                                     ctx._arg), None

    @staticmethod
    def write_back(base, arg, value):
        """``base`` with its diagonal replaced by ``value``, with history."""
        return DiagonalScatter.apply(base, value, arg)


class DiagonalScatter(Function):
    """``base`` with the diagonal ``arg = (offset, dim1, dim2)`` replaced by
    ``value``: the adjoint of `Diagonal` (with zeros as ``base``)."""
    __slots__ = ("_arg",)

    @staticmethod
    def forward(ctx, base, value, arg):
        ctx._arg = arg
        out = np.array(base)  # a fresh C-ordered copy
        _writable_diagonal(out, arg)[...] = value
        return out

    @staticmethod
    def backward(ctx, g):
        n = ctx.needs_input_grad
        g_base = None
        if n[0]:
            keep = np.ones(g.shape, dtype=g.dtype)
            _writable_diagonal(keep, ctx._arg)[...] = 0
            g_base = g * keep
        g_value = Diagonal.apply(g, ctx._arg) if n[1] else None
        return g_base, g_value, None


def _writable_diagonal(a, arg):
    """A writable diagonal view of ``a``, a C-ordered array this module
    just made (NumPy's own diagonal views are read-only)."""
    offset, d1, d2 = arg
    shape, strides, start = _diagonal_shape_strides(a.shape, a.strides, offset, d1, d2)
    return np.ndarray(shape, a.dtype, buffer=a, offset=start, strides=strides)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal (``offset`` above it if positive, below if negative) of
    the matrices in dims ``dim1``, ``dim2``, appended as the last dim; a
    view of ``input`` as in PyTorch."""
    from ..tensor import make_view
    input = _tensor(input, "diagonal")
    offset = int_arg(offset, "diagonal", "offset")
    d1 = dim_arg(dim1, input.ndim, "diagonal", "dim1")
    d2 = dim_arg(dim2, input.ndim, "diagonal", "dim2")
    if input.ndim < 2:
        raise ShapeError(f"diagonal(): expected a tensor with at least 2 dims, got shape "
                         f"{input.shape}")
    if d1 == d2:
        raise ShapeError(f"diagonal(): dim1 and dim2 must differ, both are {d1}")
    arg = (offset, d1, d2)
    return make_view(Diagonal.apply(input, arg), input, Diagonal, arg)


class DiagEmbed(Function):
    """A vector as the ``offset`` diagonal of a square matrix of zeros."""
    __slots__ = ("_offset",)

    @staticmethod
    def forward(ctx, v, offset):
        ctx._offset = offset
        n = v.shape[0] + abs(offset)
        out = np.zeros((n, n), dtype=v.dtype)
        _writable_diagonal(out, (offset, 0, 1))[...] = v
        return out

    @staticmethod
    def backward(ctx, g):
        return Diagonal.apply(g, (ctx._offset, 0, 1)), None


def diag(input, diagonal=0):
    """A vector → the square matrix with it on diagonal ``diagonal``; a
    matrix → its diagonal ``diagonal`` (a copy)."""
    input = _tensor(input, "diag")
    k = int_arg(diagonal, "diag", "diagonal")
    if input.ndim == 1:
        return DiagEmbed.apply(input, k)
    if input.ndim == 2:
        return Diagonal.apply(input, (k, 0, 1)).clone()
    raise ShapeError(f"diag(): supports 1-D or 2-D tensors, got shape {input.shape}")


def trace(input):
    """Sum of the main diagonal of a matrix (int64 for integer input)."""
    input = _tensor(input, "trace")
    if input.ndim != 2:
        raise ShapeError(f"trace(): expected a matrix (2-D), got shape {input.shape}")
    return _reduce.sum(Diagonal.apply(input, (0, 0, 1)))


class Triangle(Function):
    """Zero the part above (``tril``) or below (``triu``) diagonal ``k`` of
    the last two dims; its own adjoint."""
    __slots__ = ("_k", "_np")

    @staticmethod
    def forward(ctx, a, k, np_fn):
        ctx._k, ctx._np = k, np_fn
        return np_fn(a, k)

    @staticmethod
    def backward(ctx, g):
        return Triangle.apply(g, ctx._k, ctx._np), None, None


def _triangle(input, diagonal, op, np_fn):
    input = _tensor(input, op)
    k = int_arg(diagonal, op, "diagonal")
    if input.ndim < 2:
        raise ShapeError(f"{op}(): input tensor must have at least 2 dimensions, got shape "
                         f"{input.shape}")
    return Triangle.apply(input, k, np_fn)


def tril(input, diagonal=0):
    """The lower triangle (on and below diagonal ``diagonal``) of the last two dims."""
    return _triangle(input, diagonal, "tril", np.tril)


def triu(input, diagonal=0):
    """The upper triangle (on and above diagonal ``diagonal``) of the last two dims."""
    return _triangle(input, diagonal, "triu", np.triu)


# ================================================================ linalg
def _square(A, op):
    A = _tensor(A, op, "A")
    if A.ndim < 2:
        raise ShapeError(f"{op}: the input tensor A must have at least 2 dimensions, got "
                         f"shape {A.shape}")
    if A.shape[-1] != A.shape[-2]:
        raise ShapeError(f"{op}: A must be batches of square matrices, but they are "
                         f"{A.shape[-2]} by {A.shape[-1]} matrices (shape {A.shape})")
    if A.dtype.kind != "f":
        raise DTypeError(f"{op}: expected a floating-point tensor as input, got dtype "
                         f"{A.dtype}; convert with .float() or .double() first")
    return A


def _refuse_double_backward(op, why):
    """For backwards computed on arrays: exact once, refused (not wrong) twice."""
    if _state.enabled:
        raise NotImplementedError(
            f"{op}: the second derivative is not implemented ({why}); the first derivative "
            "is exact. Use create_graph=False, or avoid this op inside a double backward.")


class Inv(Function):
    """Matrix inverse; ``dA = -A^-T g A^-T``, written with matmul on the
    saved inverse, so it differentiates again."""
    __slots__ = ()
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        try:
            return np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise LinAlgError("linalg.inv: the input matrix is singular, so the inversion "
                              f"could not be completed (shape {a.shape})") from None

    @staticmethod
    def backward(ctx, g):
        inv_, = ctx.saved_tensors
        t = inv_.mT
        return -(t @ g @ t)


def inv(A):
    """The inverse of a square matrix (or of each in a batch)."""
    return Inv.apply(_square(A, "linalg.inv"))


class Det(Function):
    """Determinant; ``dA = g det(A) A^-T``.  At a singular matrix the
    gradient is the transposed adjugate, computed from the SVD (once
    differentiable there)."""
    __slots__ = ()
    _save_inputs = (0,)
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.asarray(np.linalg.det(a))

    @staticmethod
    def backward(ctx, g):
        a, det_ = ctx.saved_tensors
        scale = unsqueeze(unsqueeze(g * det_, -1), -1)
        if (det_._data != 0).all():
            try:
                return scale * Inv.apply(a).mT
            except LinAlgError:
                pass
        _refuse_double_backward("linalg.det at a singular matrix", "its gradient there "
                                "comes from an SVD")
        return _wrap(_adjugate_t(a._data) * g._data[..., None, None])


def _adjugate_t(a):
    """adj(A)^T from ``A = U S V^T``: ``det(U) det(V) U diag(prod_{j!=i} s_j) V^T``,
    defined for singular matrices too."""
    u, s, vh = np.linalg.svd(a)
    n = s.shape[-1]
    others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(n)], -1)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return (u * others[..., None, :]) @ vh * sign[..., None, None]


def det(A):
    """The determinant of a square matrix (or of each in a batch)."""
    return Det.apply(_square(A, "linalg.det"))


class Solve(Function):
    """``X = A^-1 B`` for ``B`` of shape (..., n, k); ``dB = A^-T g`` and
    ``dA = -dB X^T``, both with Solve and matmul, so it differentiates again."""
    __slots__ = ()
    _save_inputs = (0,)
    _save_output = True

    @staticmethod
    def forward(ctx, a, b):
        try:
            return np.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise LinAlgError(f"linalg.solve: the matrix A (shape {a.shape}) is singular, so "
                              "the system could not be solved") from None

    @staticmethod
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        gb = Solve.apply(a.mT, g)
        return -(gb @ x.mT) if ctx.needs_input_grad[0] else None, gb


def solve(A, B, left=True):
    """The solution ``X`` of ``A X = B`` (``X A = B`` with ``left=False``);
    ``B`` may be a vector or a batch of vectors, batches broadcast."""
    A = _square(A, "linalg.solve")
    B = _tensor(B, "linalg.solve", "B")
    if A.dtype != B.dtype:
        raise DTypeError(f"linalg.solve: A and B must have the same dtype, got {A.dtype} and "
                         f"{B.dtype}")
    if not left:
        return solve(A.mT, B.mT).mT
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])
    b = unsqueeze(B, -1) if vector else B
    if b.ndim < 2 or b.shape[-2] != A.shape[-1]:
        rhs = "x".join(map(str, b.shape[-2:])) if b.ndim >= 2 else str(b.shape)
        raise ShapeError(f"linalg.solve: incompatible shapes of A and B for the equation "
                         f"AX = B ({A.shape[-2]}x{A.shape[-1]} and {rhs}; A has shape "
                         f"{A.shape}, B has shape {B.shape})")
    try:
        batch = np.broadcast_shapes(A.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ShapeError(f"linalg.solve: the batch dims of A {A.shape} and B {B.shape} do "
                         "not broadcast") from None
    if A.shape[:-2] != batch:
        A = Expand.apply(A, batch + A.shape[-2:])
    if b.shape[:-2] != batch:
        b = Expand.apply(b, batch + b.shape[-2:])
    x = Solve.apply(A, b)
    return reshape(x, x.shape[:-1]) if vector else x


class Cholesky(Function):
    """Lower Cholesky factor ``L`` of ``A = L L^T`` (only A's lower triangle
    is read).  Gradient: ``S = L^-T Phi(L^T tril(g)) L^-1`` symmetrized,
    where Phi keeps the lower triangle and halves the diagonal; written
    with matmul and `Inv` on the saved factor, so it differentiates again."""
    __slots__ = ()
    _save_output = True

    @staticmethod
    def forward(ctx, a):
        try:
            return np.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            raise LinAlgError(_not_positive_definite(a)) from None

    @staticmethod
    def backward(ctx, g):
        L, = ctx.saved_tensors
        n = L.shape[-1]
        phi_mask = np.tril(np.ones((n, n), dtype=g.dtype)) - 0.5 * np.eye(n, dtype=g.dtype)
        phi = (L.mT @ tril(g)) * _wrap(phi_mask)
        L_inv = Inv.apply(L)
        s = L_inv.mT @ phi @ L_inv
        return (s + s.mT) * 0.5


def _not_positive_definite(a):
    """PyTorch's message, naming the first leading minor that fails."""
    mats = a.reshape((-1,) + a.shape[-2:])
    for m in mats:
        for k in range(1, m.shape[-1] + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return ("linalg.cholesky: the factorization could not be completed because the "
                        f"input is not positive-definite (the leading minor of order {k} is "
                        f"not positive-definite; input shape {a.shape})")
    return f"linalg.cholesky: the input (shape {a.shape}) is not positive-definite"


def cholesky(A, upper=False):
    """The Cholesky factor of a symmetric positive-definite matrix: lower
    ``L`` with ``A = L L^T``, or with ``upper=True`` ``U = L^T``."""
    L = Cholesky.apply(_square(A, "linalg.cholesky"))
    return L.mT if upper else L


class SvdVals(Function):
    """Singular values, largest first; ``dA = U diag(g) V^T``.  Once
    differentiable (the second derivative needs the SVD's own gradient)."""
    __slots__ = ("_u", "_vh")

    @staticmethod
    def forward(ctx, a):
        u, s, vh = np.linalg.svd(a, full_matrices=False)
        ctx._u, ctx._vh = u, vh
        return s

    @staticmethod
    def backward(ctx, g):
        _refuse_double_backward("linalg.svdvals (and the 'nuc', 2 and -2 matrix norms)",
                                "it needs the derivative of the singular vectors")
        return _wrap((ctx._u * g._data[..., None, :]) @ ctx._vh)


def svdvals(A):
    """The singular values of a matrix (or of each in a batch), descending."""
    A = _tensor(A, "linalg.svdvals", "A")
    if A.ndim < 2:
        raise ShapeError(f"linalg.svdvals: A must have at least 2 dimensions, got shape "
                         f"{A.shape}")
    if A.dtype.kind != "f":
        raise DTypeError(f"linalg.svdvals: expected a floating-point tensor, got dtype "
                         f"{A.dtype}")
    return SvdVals.apply(A)


# ----------------------------------------------------------------- norms
def vector_norm(x, ord=2, dim=None, keepdim=False, dtype=None):
    """``(sum |x|^ord)^(1/ord)`` over ``dim`` (all dims by default); ord may
    be any number, inf and -inf included."""
    x = _tensor(x, "linalg.vector_norm", "x")
    if dtype is not None:
        x = x.to(dtype)
    if isinstance(ord, str) or isinstance(ord, bool) or \
            not isinstance(ord, (int, float, np.integer, np.floating)):
        raise TypeError(f"linalg.vector_norm: ord must be a number, got {ord!r}")
    return _reduce.norm(x, float(ord), dim, keepdim)


_MATRIX_ORDS = ("'fro'", "'nuc'", "inf", "-inf", "1", "-1", "2", "-2")


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, dtype=None):
    """A matrix norm over the two dims ``dim``: 'fro', 'nuc' (sum of
    singular values), 1 / -1 (max / min column abs-sum), inf / -inf (max /
    min row abs-sum), 2 / -2 (largest / smallest singular value)."""
    A = _tensor(A, "linalg.matrix_norm", "A")
    if dtype is not None:
        A = A.to(dtype)
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise ArgumentError(f"linalg.matrix_norm: dim must be a 2-tuple, got {dim!r}")
    if A.ndim < 2:
        raise ShapeError(f"linalg.matrix_norm: the input must have at least 2 dimensions, "
                         f"got shape {A.shape}")
    d0 = dim_arg(dim[0], A.ndim, "linalg.matrix_norm")
    d1 = dim_arg(dim[1], A.ndim, "linalg.matrix_norm")
    if d0 == d1:
        raise ArgumentError(f"linalg.matrix_norm: dims must be different, got {dim!r}")
    if ord == "fro":
        return _reduce.norm(A, 2.0, (d0, d1), keepdim)
    if ord == "nuc" or ord in (2, -2):
        return _singular_norm(A, ord, d0, d1, keepdim)
    if ord in (1, -1, np.inf, -np.inf) and not isinstance(ord, (str, bool)):
        return _abs_sum_norm(A, ord, d0, d1, keepdim)
    raise ArgumentError(f"linalg.matrix_norm: order {ord!r} is not supported; expected one "
                        f"of {', '.join(_MATRIX_ORDS)}")


def _abs_sum_norm(A, ord, d0, d1, keepdim):
    """ord 1/-1: extreme column sum (sum over rows d0); inf/-inf: extreme row sum."""
    summed, over = (d0, d1) if abs(ord) == 1 else (d1, d0)
    sums = _reduce.sum(A.abs(), summed, keepdim=True)
    pick = _reduce.amax if ord > 0 else _reduce.amin
    out = pick(sums, over, keepdim=True)
    return out if keepdim else reshape(out, tuple(s for i, s in enumerate(out.shape)
                                                  if i not in (d0, d1)))


def _singular_norm(A, ord, d0, d1, keepdim):
    rest = [i for i in range(A.ndim) if i not in (d0, d1)]
    s = svdvals(A.permute(rest + [d0, d1]))
    if ord == "nuc":
        out = _reduce.sum(s, -1)
    else:
        out = (_reduce.amax if ord == 2 else _reduce.amin)(s, -1)
    if keepdim:
        for d in sorted((d0, d1)):
            out = unsqueeze(out, d)
    return out


def norm(A, ord=None, dim=None, keepdim=False, dtype=None):
    """``torch.linalg.norm``: a vector norm when ``dim`` is one dim (or
    when ``dim`` and ``ord`` are both None: the 2-norm of all elements), a
    matrix norm when ``dim`` is two dims (or ``dim`` is None and the input
    is 2-D)."""
    A = _tensor(A, "linalg.norm", "A")
    if dim is not None:
        dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
        if len(dims) == 1:
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype)
        if len(dims) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype)
        raise ArgumentError(f"linalg.norm: if dim is given it must name 1 or 2 dims, got "
                            f"dim={dim!r}")
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype)
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim, dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype)
    raise ShapeError(f"linalg.norm: if dim is not given but ord is, the input must be 1-D or "
                     f"2-D, got shape {A.shape}")

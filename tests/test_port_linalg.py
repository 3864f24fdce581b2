"""Contractions and linear algebra (issue 11): einsum, tensordot, mm, bmm,
addmm, outer, diag, diagonal, trace, tril, triu and autograd.linalg.

Expected values are written down (or come from NumPy's own linear
algebra); PyTorch 2.13, when installed, is an extra oracle in the tests
marked ``torch`` at the end."""
import numpy as np
import pytest

import autograd as ag
from autograd.ops.linalg import LinAlgError


def leaf(*shape, seed=0):
    r = np.random.default_rng(seed + 7 * len(shape) + sum(shape))
    return ag.tensor(r.standard_normal(shape), requires_grad=True)


def const(a, dtype=np.float64):
    return ag.tensor(np.asarray(a, dtype=dtype))


def check_grads(fn, *inputs, second=True):
    assert ag.gradcheck(fn, inputs)
    if second:
        assert ag.gradgradcheck(fn, inputs)


# ================================================================ einsum
def test_einsum_matrix_product_explicit_and_implicit():
    a = const([[1, 2], [3, 4]])
    b = const([[5, 6], [7, 8]])
    expected = [[19, 22], [43, 50]]
    assert ag.einsum("ij,jk->ik", a, b).tolist() == expected
    assert ag.einsum("ij,jk", a, b).tolist() == expected  # implicit: i, k
    assert ag.einsum("ij,jk->ik", [a, b]).tolist() == expected  # operands as a list
    assert ag.einsum(a, [0, 1], b, [1, 2], [0, 2]).tolist() == expected  # sublist form


def test_einsum_implicit_output_is_in_character_order_uppercase_first():
    x = ag.ones(2, 3)
    assert ag.einsum("bA", x).shape == (3, 2)  # 'A' < 'b'
    assert ag.einsum("Ab", x).shape == (2, 3)
    assert ag.einsum("ba,ab", ag.ones(2, 3), ag.ones(3, 2)).shape == ()  # all repeated


def test_einsum_repeated_index_diagonal_and_trace():
    m = const(np.arange(9).reshape(3, 3))
    assert ag.einsum("ii->i", m).tolist() == [0, 4, 8]
    assert ag.einsum("ii", m).item() == 12
    t = const(np.arange(18).reshape(3, 3, 2))
    assert ag.einsum("iij->j", t).tolist() == [0 + 8 + 16, 1 + 9 + 17]


def test_einsum_ellipsis_broadcasts_batch_dims():
    a = const(np.arange(12).reshape(2, 2, 3))
    b = const(np.arange(6).reshape(3, 2))
    out = ag.einsum("...ij,...jk->...ik", a, b)
    assert out.shape == (2, 2, 2)
    np.testing.assert_array_equal(out.numpy(), a.numpy() @ b.numpy())
    # an ellipsis dropped from an explicit output is summed over
    assert ag.einsum("...i->i", ag.ones(2, 3)).tolist() == [2, 2, 2]


def test_einsum_size_one_dims_broadcast_and_get_summed_gradients():
    a, b = leaf(3), leaf(1)
    out = ag.einsum("i,i->", a, b)
    assert out.item() == pytest.approx(float((a.numpy(force=True) * b.numpy(force=True)).sum()))
    check_grads(lambda x, y: ag.einsum("i,i->", x, y), a, b)


def test_einsum_spaces_are_ignored():
    assert ag.einsum("i j -> j", ag.ones(2, 3)).tolist() == [2, 2, 2]


@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->ji", [(3, 3, 2)]),
    ("ij->", [(2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 4)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]),
    ("i,j->ij", [(3,), (2,)]),
    ("ij,ij,ij->i", [(2, 3), (2, 3), (2, 3)]),
    ("ab,cd->abcd", [(2, 2), (1, 3)]),
    ("ijk,ik->j", [(2, 3, 2), (2, 2)]),
])
def test_einsum_gradcheck_and_gradgradcheck(eq, shapes):
    ops = [leaf(*s, seed=i) for i, s in enumerate(shapes)]
    check_grads(lambda *xs: ag.einsum(eq, *xs), *ops)


def test_einsum_repeated_index_gradient_lands_on_the_diagonal():
    m = leaf(3, 3)
    ag.einsum("ii->", m).backward()
    np.testing.assert_array_equal(m.grad.numpy(), np.eye(3))


@pytest.mark.parametrize("args,message", [
    (("ij,jk", ag.ones(2, 3)), "fewer operands"),
    (("ij", ag.ones(2, 3), ag.ones(3)), "more operands"),
    (("ij", ag.ones(2, 3, 4)), "number of subscripts in the equation (2) does not match "
                               "the number of dimensions (3) for operand 0"),
    (("ij,jk", ag.ones(2, 3), ag.ones(4, 2)), "subscript j has size 4 for operand 1"),
    (("i1", ag.ones(2, 3)), "invalid subscript '1'"),
    (("i->j", ag.ones(2)), "output subscript j does not appear"),
    (("i->ii", ag.ones(2)), "output subscript i appears more than once"),
    (("...ij,...jk", ag.ones(2, 2, 3), ag.ones(3, 3, 2)), "covered by the ellipsis"),
])
def test_einsum_errors_are_runtime_errors_naming_the_problem(args, message):
    with pytest.raises(RuntimeError) as e:
        ag.einsum(*args)
    assert message in str(e.value)
    assert "einsum()" in str(e.value)


def test_einsum_refuses_mixed_dtypes_naming_them():
    with pytest.raises(RuntimeError, match="operand 0 is float32, operand 1 is float64"):
        ag.einsum("ij,jk", ag.ones(2, 2), ag.ones(2, 2).double())


# ============================================================= tensordot
def test_tensordot_int_and_pair_forms():
    a = const(np.arange(24).reshape(2, 3, 4))
    b = const(np.arange(60).reshape(3, 4, 5))
    np.testing.assert_array_equal(ag.tensordot(a, b).numpy(),
                                  np.tensordot(a.numpy(), b.numpy(), 2))
    np.testing.assert_array_equal(ag.tensordot(a, b, dims=([1, 2], [0, 1])).numpy(),
                                  np.tensordot(a.numpy(), b.numpy(), ([1, 2], [0, 1])))
    c = const(np.arange(6).reshape(3, 2))
    np.testing.assert_array_equal(ag.tensordot(a, c, dims=([1], [0])).numpy(),
                                  np.tensordot(a.numpy(), c.numpy(), ([1], [0])))
    assert ag.tensordot(a, c, dims=0).shape == (2, 3, 4, 3, 2)


def test_tensordot_gradients():
    check_grads(lambda x, y: ag.tensordot(x, y, dims=([0, 2], [2, 0])), leaf(2, 3, 4),
                leaf(4, 5, 2))


def test_tensordot_contracted_sizes_must_match():
    with pytest.raises(RuntimeError, match="contracted dimensions need to match.*size 3 in "
                                           "dim 1.*size 2 in dim 0"):
        ag.tensordot(ag.ones(2, 3), ag.ones(2, 3), dims=([1], [0]))


# ======================================================= matrix products
def test_mm_bmm_values_and_gradients():
    a, b = const([[1, 2], [3, 4]]), const([[1, 0], [1, 1]])
    assert ag.mm(a, b).tolist() == [[3, 2], [7, 4]]
    assert a.mm(b).tolist() == [[3, 2], [7, 4]]
    check_grads(ag.mm, leaf(2, 3), leaf(3, 4))
    check_grads(ag.bmm, leaf(2, 2, 3), leaf(2, 3, 4))
    assert ag.bmm(ag.ones(5, 2, 3), ag.ones(5, 3, 4)).shape == (5, 2, 4)


@pytest.mark.parametrize("fn,a,b,message", [
    (ag.mm, (2,), (2, 2), "input must be a matrix"),
    (ag.mm, (2, 3), (2, 2), r"cannot be multiplied \(\(2, 3\) and \(2, 2\)\)"),
    (ag.bmm, (2, 2, 2), (3, 2, 2), "batch sizes differ"),
    (ag.bmm, (2, 2, 3), (2, 2, 2), "3 columns against 2 rows"),
    (ag.bmm, (2, 2), (2, 2), "batch of matrices"),
])
def test_mm_bmm_shape_errors(fn, a, b, message):
    with pytest.raises(RuntimeError, match=message):
        fn(ag.ones(*a), ag.ones(*b))


def test_mm_refuses_mixed_dtypes():
    with pytest.raises(TypeError, match="float32 and float64"):
        ag.mm(ag.ones(2, 2), ag.ones(2, 2).double())


def test_addmm_beta_alpha():
    inp, m1, m2 = const([1, 2]), const([[1, 1], [0, 1]]), const([[1, 0], [0, 1]])
    out = ag.addmm(inp, m1, m2, beta=2, alpha=3)
    assert out.tolist() == [[2 + 3, 4 + 3], [2, 4 + 3]]
    check_grads(lambda i, x, y: ag.addmm(i, x, y, beta=0.5, alpha=-2), leaf(3), leaf(2, 4),
                leaf(4, 3))
    assert inp.addmm(m1, m2).tolist() == [[2, 3], [1, 3]]


def test_addmm_beta_zero_ignores_nan_but_gives_zero_gradient():
    inp = ag.tensor(np.array([1.0, np.nan]), requires_grad=True)
    m1, m2 = leaf(2, 2), leaf(2, 2)
    out = ag.addmm(inp, m1, m2, beta=0)
    np.testing.assert_allclose(out.detach().numpy(), m1.numpy(force=True) @ m2.numpy(force=True))
    out.sum().backward()
    np.testing.assert_array_equal(inp.grad.numpy(), [0.0, 0.0])


def test_outer():
    assert ag.outer(const([1, 2]), const([3, 4, 5])).tolist() == [[3, 4, 5], [6, 8, 10]]
    assert ag.ger(ag.arange(2), ag.ones(2)).dtype == np.float32  # promotes as PyTorch
    check_grads(ag.outer, leaf(3), leaf(2))
    with pytest.raises(RuntimeError, match="outer.*1-D argument input"):
        ag.outer(ag.ones(2, 2), ag.ones(2))


# ================================================ diagonals and triangles
def test_diag_vector_to_matrix_with_offsets():
    v = const([0, 1, 2])
    assert ag.diag(v, 1).tolist() == [[0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 2], [0, 0, 0, 0]]
    assert ag.diag(v, -1).tolist() == [[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0], [0, 0, 2, 0]]
    assert ag.diag(v).tolist() == [[0, 0, 0], [0, 1, 0], [0, 0, 2]]


def test_diag_matrix_to_vector_with_offsets():
    m = const(np.arange(9).reshape(3, 3))
    assert ag.diag(m).tolist() == [0, 4, 8]
    assert ag.diag(m, -1).tolist() == [3, 7]
    assert ag.diag(const(np.arange(6).reshape(2, 3)), 2).tolist() == [2]
    assert ag.diag(m, 5).shape == (0,)


def test_diag_gradients_and_errors():
    check_grads(lambda v: ag.diag(v, -2), leaf(3))
    check_grads(lambda m: ag.diag(m, 1), leaf(3, 4))
    with pytest.raises(RuntimeError, match="diag.*1-D or 2-D.*\\(2, 2, 2\\)"):
        ag.diag(ag.ones(2, 2, 2))


def test_diagonal_offset_dims_and_layout():
    x = const(np.arange(24).reshape(2, 3, 4))
    d = ag.diagonal(x, 1, 2, 0)  # dim1=2, dim2=0, offset 1: x[j, :, j + 1]... as PyTorch
    assert d.shape == (3, 1)
    assert d.tolist() == [[12], [16], [20]]
    np.testing.assert_array_equal(ag.diagonal(x, 0, 1, 2).numpy(),
                                  np.diagonal(x.numpy(), 0, 1, 2))
    check_grads(lambda t: ag.diagonal(t, -1, 0, 2), leaf(3, 2, 4))


def test_diagonal_is_a_view_writes_reach_the_base():
    m = ag.zeros(3, 3)
    m.diagonal().fill_(1.0)
    np.testing.assert_array_equal(m.numpy(), np.eye(3))
    d = m.diagonal(1)
    d.add_(2.0)
    assert m.tolist() == [[1, 2, 0], [0, 1, 2], [0, 0, 1]]


def test_diagonal_inplace_under_autograd_gives_correct_gradients():
    w = leaf(3, 3)
    x = w * 1.0
    x.diagonal().mul_(3.0)  # x = w with its diagonal tripled
    (x * const(np.arange(9).reshape(3, 3))).sum().backward()
    expected = np.arange(9.0).reshape(3, 3) * np.where(np.eye(3) > 0, 3.0, 1.0)
    np.testing.assert_allclose(w.grad.numpy(), expected)


def test_diagonal_of_a_leaf_requiring_grad_cannot_be_written_and_nothing_changes():
    w = leaf(2, 2)
    before = w.numpy(force=True).copy()
    with pytest.raises(RuntimeError, match="leaf"):
        w.diagonal().mul_(2.0)
    np.testing.assert_array_equal(w.numpy(force=True), before)
    assert w.grad is None


def test_diagonal_errors():
    with pytest.raises(RuntimeError, match="dim1 and dim2 must differ"):
        ag.diagonal(ag.ones(2, 2), 0, 0, 0)
    with pytest.raises(IndexError, match="dim2 2 is out of range"):
        ag.diagonal(ag.ones(2, 2), 0, 0, 2)


def test_trace():
    m = const(np.arange(6).reshape(2, 3))
    assert m.trace().item() == 4
    assert ag.trace(ag.tensor(np.arange(6, dtype=np.int32).reshape(2, 3))).dtype == np.int64
    check_grads(ag.trace, leaf(3, 4))
    with pytest.raises(RuntimeError, match="trace.*matrix.*\\(2, 2, 2\\)"):
        ag.trace(ag.ones(2, 2, 2))


def test_tril_triu():
    m = const(np.arange(1, 10).reshape(3, 3))
    assert ag.tril(m).tolist() == [[1, 0, 0], [4, 5, 0], [7, 8, 9]]
    assert m.triu(1).tolist() == [[0, 2, 3], [0, 0, 6], [0, 0, 0]]
    assert ag.tril(m, -1).tolist() == [[0, 0, 0], [4, 0, 0], [7, 8, 0]]
    batch = ag.ones(2, 2, 3).triu()
    assert batch.tolist() == [[[1, 1, 1], [0, 1, 1]]] * 2
    check_grads(lambda x: ag.tril(x, 1), leaf(2, 3, 4))
    check_grads(ag.triu, leaf(3, 3))
    with pytest.raises(RuntimeError, match="tril.*at least 2 dimensions"):
        ag.tril(ag.ones(2))


# ================================================================ linalg
def spd(n, seed=0):
    r = np.random.default_rng(seed)
    x = r.standard_normal((n, n))
    return x @ x.T + n * np.eye(n)


def test_inv_det_solve_values_match_numpy():
    a = spd(3)
    b = np.arange(6.0).reshape(3, 2)
    np.testing.assert_allclose(ag.linalg.inv(const(a)).numpy(), np.linalg.inv(a))
    assert ag.linalg.det(const(a)).item() == pytest.approx(np.linalg.det(a))
    np.testing.assert_allclose(ag.linalg.solve(const(a), const(b)).numpy(),
                               np.linalg.solve(a, b))
    v = ag.linalg.solve(const(a), const([1, 2, 3]))
    assert v.shape == (3,)
    np.testing.assert_allclose(v.numpy(), np.linalg.solve(a, [1.0, 2, 3]))
    np.testing.assert_allclose(ag.linalg.solve(const(a), const(b.T), left=False).numpy(),
                               b.T @ np.linalg.inv(a))
    assert const(a).det().item() == pytest.approx(np.linalg.det(a))
    np.testing.assert_allclose(ag.inverse(const(a)).numpy(), np.linalg.inv(a))


def test_inv_det_solve_gradients():
    check_grads(ag.linalg.inv, leaf(3, 3))
    check_grads(ag.linalg.det, leaf(2, 3, 3))
    check_grads(ag.linalg.solve, leaf(3, 3), leaf(3))
    check_grads(ag.linalg.solve, leaf(2, 3, 3), leaf(3, 2))
    check_grads(lambda a, b: ag.linalg.solve(a, b, left=False), leaf(3, 3), leaf(2, 3))


def test_det_gradient_at_a_singular_matrix_is_the_adjugate():
    """d det / dA = adj(A)^T also where det(A) = 0 (finite differences agree;
    PyTorch 2.13 returns zeros here)."""
    a = ag.tensor(np.array([[1.0, 2.0], [2.0, 4.0]]), requires_grad=True)
    ag.linalg.det(a).backward()
    np.testing.assert_allclose(a.grad.numpy(), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)
    assert ag.gradcheck(ag.linalg.det, (ag.tensor(np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0],
                                                            [1.0, 0.0, 1.0]]),
                                                  requires_grad=True),))


def test_det_second_derivative_at_a_singular_matrix_is_refused_not_wrong():
    a = ag.tensor(np.array([[1.0, 2.0], [2.0, 4.0]]), requires_grad=True)
    with pytest.raises(NotImplementedError, match="second derivative"):
        ag.grad(ag.linalg.det(a), a, create_graph=True)


def test_cholesky_values_gradients_and_upper():
    a = spd(4)
    L = ag.linalg.cholesky(const(a))
    np.testing.assert_allclose(L.numpy(), np.linalg.cholesky(a))
    U = ag.linalg.cholesky(const(a), upper=True)
    np.testing.assert_allclose(U.numpy(), np.linalg.cholesky(a).T)
    eye = const(3 * np.eye(3))
    check_grads(lambda x: ag.linalg.cholesky(x @ x.mT + eye), leaf(3, 3))
    check_grads(lambda x: ag.linalg.cholesky(x @ x.mT + eye, upper=True), leaf(2, 3, 3))


def test_linalg_errors_are_runtime_errors():
    with pytest.raises(LinAlgError, match="not positive-definite.*leading minor of order 1"):
        ag.linalg.cholesky(-ag.eye(2))
    with pytest.raises(LinAlgError, match="leading minor of order 2"):
        ag.linalg.cholesky(const([[1, 2], [2, 1]]))
    with pytest.raises(RuntimeError, match="singular"):
        ag.linalg.inv(ag.zeros(2, 2))
    with pytest.raises(RuntimeError, match="square matrices, but they are 2 by 3"):
        ag.linalg.inv(ag.ones(2, 3))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        ag.linalg.det(ag.ones(2))
    with pytest.raises(RuntimeError, match=r"AX = B \(2x2 and 3x1"):
        ag.linalg.solve(ag.eye(2), ag.ones(3))
    with pytest.raises(TypeError, match="floating-point"):
        ag.linalg.inv(ag.tensor([[1, 0], [0, 1]]))
    assert issubclass(LinAlgError, RuntimeError)
    assert ag.linalg.LinAlgError is LinAlgError


def test_linalg_norm_vector_and_matrix_orders_match_numpy():
    a = np.array([[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]])
    t = const(a)
    assert ag.linalg.norm(t).item() == pytest.approx(np.sqrt((a ** 2).sum()))
    for ord_ in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        assert ag.linalg.norm(t, ord_).item() == pytest.approx(np.linalg.norm(a, ord_)), ord_
    for ord_ in (1, 2, 3, 0.5, np.inf, -np.inf, 0):
        np.testing.assert_allclose(ag.linalg.norm(t, ord_, dim=1).numpy(),
                                   np.linalg.norm(a, ord_, axis=1))
    v = const([3, -4])
    assert ag.linalg.norm(v, 1).item() == 7
    assert ag.linalg.vector_norm(t, np.inf).item() == 6
    assert ag.linalg.norm(ag.ones(2, 3, 4), dim=(0, 2)).shape == (3,)
    assert ag.linalg.norm(ag.ones(2, 3, 4), "fro", dim=(0, 2), keepdim=True).shape == (1, 3, 1)
    assert ag.linalg.matrix_norm(ag.ones(2, 3, 4), "nuc").shape == (2,)


def test_linalg_norm_gradients():
    for ord_ in ("fro", 1, -1, np.inf, -np.inf):
        check_grads(lambda x: ag.linalg.norm(x, ord_), leaf(3, 4))
    for ord_ in ("nuc", 2, -2):
        assert ag.gradcheck(lambda x: ag.linalg.norm(x, ord_), (leaf(3, 4),))
    check_grads(lambda x: ag.linalg.norm(x, 3, dim=0, keepdim=True), leaf(3, 4))


def test_singular_value_norms_refuse_a_second_derivative():
    x = leaf(3, 3)
    g, = ag.grad(ag.linalg.norm(x, "nuc"), x)  # first order is fine
    assert g.shape == (3, 3)
    with pytest.raises(NotImplementedError, match="svdvals"):
        ag.grad(ag.linalg.norm(x, "nuc"), x, create_graph=True)


def test_linalg_norm_errors():
    with pytest.raises(RuntimeError, match="must be 1-D or 2-D.*\\(2, 2, 2\\)"):
        ag.linalg.norm(ag.ones(2, 2, 2), 2)
    with pytest.raises(RuntimeError, match="dim must be a 2-tuple"):
        ag.linalg.matrix_norm(ag.ones(2, 2), "fro", dim=0)
    with pytest.raises(RuntimeError, match="order 3 is not supported"):
        ag.linalg.matrix_norm(ag.ones(2, 2), 3)
    with pytest.raises(TypeError, match="ord must be a number"):
        ag.linalg.vector_norm(ag.ones(2), "fro")


# ================================================= PyTorch as an oracle
@pytest.mark.parametrize("eq,shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ii->i", [(3, 3)]), ("bij,bjk", [(2, 2, 3), (2, 3, 4)]),
    ("...ij,...jk->...ik", [(2, 2, 3), (3, 4)]), ("i,i->", [(3,), (1,)]),
    ("iij->j", [(3, 3, 2)]), ("Ab,bc", [(2, 3), (3, 2)]),
])
def test_einsum_matches_torch(eq, shapes):
    torch = pytest.importorskip("torch")
    ops = [leaf(*s, seed=i) for i, s in enumerate(shapes)]
    tops = [torch.tensor(o.numpy(force=True), requires_grad=True) for o in ops]
    out, tout = ag.einsum(eq, *ops), torch.einsum(eq, *tops)
    assert out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12)
    g = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(ag.tensor(g))
    tout.backward(torch.tensor(g))
    for o, t in zip(ops, tops):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["inv", "det", "cholesky", "norm_fro", "norm_nuc", "norm_1",
                                  "norm_2", "solve", "diag", "diagonal", "trace", "tril",
                                  "outer", "addmm", "tensordot"])
def test_linalg_ops_match_torch_values_and_gradients(name):
    torch = pytest.importorskip("torch")
    a = spd(3, seed=2) + np.triu(np.ones((3, 3)))  # not symmetric, well conditioned
    b = np.arange(6.0).reshape(3, 2) - 2
    cases = {
        "inv": (lambda m, x: m.linalg.inv(x), a),
        "det": (lambda m, x: m.linalg.det(x), a),
        "cholesky": (lambda m, x: m.linalg.cholesky(x @ x.mT), a),
        "norm_fro": (lambda m, x: m.linalg.norm(x), a),
        "norm_nuc": (lambda m, x: m.linalg.norm(x, "nuc"), a),
        "norm_1": (lambda m, x: m.linalg.norm(x, 1), a),
        "norm_2": (lambda m, x: m.linalg.norm(x, 2), a),
        "solve": (lambda m, x: m.linalg.solve(x, m.tensor(b)), a),
        "diag": (lambda m, x: m.diag(x, 1), a),
        "diagonal": (lambda m, x: m.diagonal(x.reshape(1, 3, 3), -1, 2, 1), a),
        "trace": (lambda m, x: m.trace(x), a),
        "tril": (lambda m, x: m.tril(x, -1), a),
        "outer": (lambda m, x: m.outer(x[0], x[1]), a),
        "addmm": (lambda m, x: m.addmm(x[0], x, x.mT, beta=0.5, alpha=2), a),
        "tensordot": (lambda m, x: m.tensordot(x, x, dims=([0], [1])), a),
    }
    fn, value = cases[name]
    x = ag.tensor(value, requires_grad=True)
    tx = torch.tensor(value, requires_grad=True)
    out, tout = fn(ag, x), fn(torch, tx)
    assert out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    out.sum().backward()
    tout.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", ["einsum", "cumprod", "logcumsumexp", "sort", "median",
                                  "det", "inv", "nuc", "cholesky", "solve", "diagonal", "diag"])
def test_float32_stays_float32_in_values_and_gradients(name):
    x = ag.tensor(np.random.default_rng(0).standard_normal((3, 3)).astype(np.float32),
                  requires_grad=True)
    eye = ag.eye(3) * 3
    fn = {"einsum": lambda: ag.einsum("ii,ij->j", x, x),
          "cumprod": lambda: ag.cumprod(x, 1),
          "logcumsumexp": lambda: ag.logcumsumexp(x, 0),
          "sort": lambda: ag.sort(x).values,
          "median": lambda: ag.median(x),
          "det": lambda: ag.linalg.det(x),
          "inv": lambda: ag.linalg.inv(x),
          "nuc": lambda: ag.linalg.norm(x, "nuc"),
          "cholesky": lambda: ag.linalg.cholesky(x @ x.mT + eye),
          "solve": lambda: ag.linalg.solve(x, x),
          "diagonal": lambda: ag.diagonal(x),
          "diag": lambda: ag.diag(ag.diag(x))}[name]
    out = fn()
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32

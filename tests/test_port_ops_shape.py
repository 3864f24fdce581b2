"""Shape ops, products and linear algebra added for ported programs (issue 11):
values, gradients (gradcheck / gradgradcheck in float64), views, dtypes and
refusals, with PyTorch 2.13 as an optional oracle at the end."""
import warnings

import numpy as np
import pytest

import autograd as ag
import chainrule as cr

rng = np.random.default_rng(0)


def r(*shape):
    return rng.standard_normal(shape)


def leaf(a):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def check(f, *arrays, second=True):
    ts = [leaf(a) for a in arrays]
    assert ag.gradcheck(f, ts)
    if second:
        assert ag.gradgradcheck(f, ts)


# ------------------------------------------------------------------ views
def test_unbind_gives_views_that_write_through():
    x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    rows = cr.unbind(x)
    cols = x.unbind(1)
    assert len(rows) == 2 and len(cols) == 3
    assert cols[2].tolist() == [3.0, 6.0]
    rows[1].mul_(10)
    assert x.tolist() == [[1.0, 2.0, 3.0], [40.0, 50.0, 60.0]]


def test_narrow_and_select_are_views_narrow_copy_is_not():
    x = ag.arange(12.0).reshape(3, 4)
    n = cr.narrow(x, 1, -2, 2)
    assert n.tolist() == [[2.0, 3.0], [6.0, 7.0], [10.0, 11.0]]
    n.zero_()
    assert x[0].tolist() == [0.0, 1.0, 0.0, 0.0]
    s = x.select(0, -1)
    s.fill_(1.0)
    assert x[2].tolist() == [1.0] * 4
    c = x.narrow_copy(0, 0, 1)
    c.fill_(7.0)
    assert x[0, 0].item() == 0.0
    assert cr.narrow(x, 0, ag.tensor(1), 1).shape == (1, 4)


def test_views_refusals():
    x = ag.zeros(2, 3)
    with pytest.raises(IndexError, match="select.*index 2 out of range.*dimension 0"):
        cr.select(x, 0, 2)
    with pytest.raises(RuntimeError, match=r"narrow.*start \(1\) \+ length \(3\) exceeds"):
        cr.narrow(x, 1, 1, 3)
    with pytest.raises(IndexError, match="narrow.*start \\(5\\) out of range"):
        x.narrow(1, 5, 0)
    with pytest.raises(IndexError, match="unbind"):
        cr.unbind(ag.tensor(1.0))


def test_view_gradients():
    check(lambda x: cr.stack(cr.unbind(x, 1)[::-1]), r(2, 3))
    check(lambda x: cr.narrow(x, 0, 1, 2) * 2, r(4, 2))
    check(lambda x: x.select(1, 0) ** 2, r(2, 3))
    check(lambda x: cr.take(x, ag.tensor([[0, 5], [-1, 0]])), r(2, 3))


def test_ravel_t_unflatten_take():
    x = ag.arange(6.0).reshape(2, 3)
    assert cr.ravel(x.t()).tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert cr.t(x).shape == (3, 2)
    assert cr.unflatten(ag.zeros(2, 6), 1, (3, -1)).shape == (2, 3, 2)
    assert ag.zeros(2, 6).unflatten(-1, (2, 3)).shape == (2, 2, 3)
    with pytest.raises(RuntimeError, match="unflatten.*don't multiply up to the size of dim 1"):
        cr.unflatten(ag.zeros(2, 6), 1, (4, 2))
    assert cr.take(x, ag.tensor([[5, 0]])).tolist() == [[5.0, 0.0]]
    with pytest.raises(IndexError, match="take.*index 6 out of range"):
        cr.take(x, ag.tensor([6]))


# --------------------------------------------- copies with part replaced
def test_index_fill_copy_put():
    x = ag.zeros(2, 3)
    assert cr.index_fill(x, 1, ag.tensor([0, 2]), -1.0).tolist() == [[-1, 0, -1], [-1, 0, -1]]
    src = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.index_copy(1, ag.tensor([2, 0]), src).tolist() == [[2, 0, 1], [4, 0, 3]]
    idx = (ag.tensor([0, 1, 0]), ag.tensor([1, 2, 1]))
    v = ag.tensor([1.0, 2.0, 3.0])
    assert cr.index_put(x, idx, v, accumulate=True).tolist() == [[0, 4, 0], [0, 0, 2]]
    assert x.tolist() == [[0.0] * 3] * 2  # the out-of-place forms leave x alone
    x.index_fill_(0, ag.tensor([1]), 5.0)
    assert x.tolist() == [[0, 0, 0], [5, 5, 5]]
    x.index_put_((ag.tensor([0]), ag.tensor([0])), ag.tensor(9.0))
    assert x[0, 0].item() == 9.0


def test_replacement_gradients():
    idx = ag.tensor([2, 0])
    check(lambda x, s: cr.index_copy(x, 1, idx, s), r(2, 3), r(2, 2))
    check(lambda x: cr.index_fill(x, 0, ag.tensor([1]), 3.0), r(2, 3))
    check(lambda x, v: cr.index_fill(x, 0, ag.tensor([1]), v), r(2, 3), r())
    pos = (ag.tensor([0, 1, 0]), ag.tensor([1, 2, 1]))
    check(lambda x, v: cr.index_put(x, pos, v, accumulate=True), r(2, 3), r(3))
    check(lambda x, v: cr.index_put(x, (ag.tensor([0, 1]),), v), r(2, 3), r(2, 3))
    mask = ag.tensor([[True, False, True], [False, True, False]])
    check(lambda x, s: x.masked_scatter(mask, s), r(2, 3), r(5))
    check(lambda x, s: cr.select_scatter(x, s, 1, 0), r(2, 3), r(2))
    check(lambda x, s: cr.slice_scatter(x, s, 1, 0, None, 2), r(2, 4), r(2, 2))


def test_replacement_refusals_change_nothing():
    x = ag.zeros(2, 3)
    with pytest.raises(RuntimeError, match="index_copy.*source must have shape"):
        x.index_copy_(1, ag.tensor([0]), ag.zeros(2, 2))
    with pytest.raises(TypeError, match="index_copy.*same dtype.*float64"):
        cr.index_copy(x, 1, ag.tensor([0]), ag.zeros(2, 1, dtype=ag.float64))
    with pytest.raises(RuntimeError, match=r"masked_scatter.*source \(1\) < number of ones"):
        x.masked_scatter_(cr.ones(2, 3, dtype=cr.bool), ag.zeros(1))
    with pytest.raises(RuntimeError, match="index_fill.*0-dimensional value"):
        x.index_fill_(0, ag.tensor([0]), ag.zeros(2))
    with pytest.raises(RuntimeError, match="slice_scatter.*slice size"):
        cr.slice_scatter(x, ag.zeros(2, 2), 1)
    assert x.tolist() == [[0.0] * 3] * 2


# ------------------------------------------------------------ rearranging
def test_rot90():
    x = ag.tensor([[1, 2], [3, 4]])
    assert cr.rot90(x).tolist() == [[2, 4], [1, 3]]
    assert x.rot90(2).tolist() == [[4, 3], [2, 1]]
    assert cr.rot90(x, -1).tolist() == [[3, 1], [4, 2]]
    assert cr.rot90(x, 4).tolist() == [[1, 2], [3, 4]]
    check(lambda a: cr.rot90(a, 1, [1, 2]), r(2, 3, 4))
    with pytest.raises(RuntimeError, match="rot90.*rotation dims == 2"):
        cr.rot90(x, 1, [0])
    with pytest.raises(RuntimeError, match="rot90.*different"):
        cr.rot90(x, 1, [1, 1])


def test_broadcast_stack_split():
    a, b = cr.broadcast_tensors(ag.zeros(2, 1), ag.zeros(3))
    assert a.shape == b.shape == (2, 3)
    assert cr.broadcast_shapes((2, 1), (3,), 1) == (2, 3)
    assert type(cr.broadcast_shapes((1,), (4,))).__name__ == "Size"
    with pytest.raises(RuntimeError, match="broadcast_shapes.*shape mismatch"):
        cr.broadcast_shapes((2,), (3,))
    check(lambda x, y: cr.broadcast_tensors(x, y)[0] * cr.broadcast_tensors(x, y)[1],
          r(2, 1), r(3))
    assert cr.atleast_3d(ag.zeros(4)).shape == (1, 4, 1)
    assert cr.atleast_3d(ag.zeros(2, 4)).shape == (2, 4, 1)
    assert [t.shape for t in cr.atleast_3d(ag.tensor(1.0), ag.zeros(2))] == [(1, 1, 1), (1, 2, 1)]
    assert cr.column_stack([ag.zeros(3), ag.zeros(3, 2)]).shape == (3, 3)
    assert cr.dstack([ag.zeros(3), ag.zeros(3)]).shape == (1, 3, 2)
    assert [t.shape for t in cr.hsplit(ag.zeros(3, 4), 2)] == [(3, 2), (3, 2)]
    assert [t.shape for t in cr.vsplit(ag.zeros(3, 4), [1])] == [(1, 4), (2, 4)]
    assert [t.shape for t in ag.zeros(1, 2, 4).dsplit(2)] == [(1, 2, 2), (1, 2, 2)]
    with pytest.raises(RuntimeError, match="hsplit.*not divisible by the split_size 3"):
        cr.hsplit(ag.zeros(3, 4), 3)
    with pytest.raises(RuntimeError, match="vsplit.*at least 2 dimension"):
        cr.vsplit(ag.zeros(4), 2)
    check(lambda x, y: cr.column_stack([x, y]), r(3), r(3, 2))
    check(lambda x: cr.dstack([x, x * 2]), r(2, 3))


def test_building_tensors():
    v = ag.tensor([1.0, 2.0])
    assert cr.diag_embed(v).tolist() == [[1, 0], [0, 2]]
    assert cr.diag_embed(ag.zeros(4, 2), 1).shape == (4, 3, 3)
    assert cr.diagflat(ag.tensor([[1.0, 2.0]]), -1).tolist() == [[0, 0, 0], [1, 0, 0], [0, 2, 0]]
    bd = cr.block_diag(ag.tensor([[1, 2]]), ag.tensor(3.0))
    assert bd.tolist() == [[1, 2, 0], [0, 0, 3]] and bd.dtype == np.float32
    assert cr.cartesian_prod(ag.tensor([1, 2]), ag.tensor([3, 4])).tolist() == \
        [[1, 3], [1, 4], [2, 3], [2, 4]]
    assert cr.combinations(ag.tensor([1, 2, 3])).tolist() == [[1, 2], [1, 3], [2, 3]]
    assert cr.combinations(ag.tensor([1, 2]), 2, with_replacement=True).tolist() == \
        [[1, 1], [1, 2], [2, 2]]
    assert cr.combinations(ag.tensor([1.0, 2.0]), 3).shape == (0, 3)
    vd = cr.vander(ag.tensor([1, 2, 3]), 3)
    assert vd.tolist() == [[1, 1, 1], [4, 2, 1], [9, 3, 1]] and vd.dtype == np.int64
    assert cr.vander(ag.tensor([2.0]), increasing=True).tolist() == [[1.0]]
    check(lambda x: cr.diag_embed(x, -1, 0, 2), r(2, 3))
    check(lambda x, y: cr.block_diag(x, y), r(2, 2), r(3))
    check(lambda x, y: cr.cartesian_prod(x, y), r(2), r(3))
    check(lambda x: cr.combinations(x, 2), r(4))
    check(lambda x: cr.vander(x, 4), r(3))
    check(lambda x: cr.msort(x), r(4, 2), second=False)


def test_non_differentiable_helpers():
    out, inv, counts = cr.unique_consecutive(ag.tensor([1, 1, 2, 2, 3, 1, 1]),
                                             return_inverse=True, return_counts=True)
    assert out.tolist() == [1, 2, 3, 1]
    assert inv.tolist() == [0, 0, 1, 1, 2, 3, 3] and counts.tolist() == [2, 2, 1, 2]
    rows = cr.unique_consecutive(ag.tensor([[1, 1], [1, 1], [2, 3]]), dim=0)
    assert rows.tolist() == [[1, 1], [2, 3]]
    i, j = cr.unravel_index(ag.tensor([4, -1]), (2, 3))
    assert i.tolist() == [1, 1] and j.tolist() == [1, 2] and i.dtype == np.int64


def test_logspace_and_deprecated_range():
    ls = cr.logspace(0, 2, 3)
    assert ls.tolist() == [1.0, 10.0, 100.0] and ls.dtype == np.float32
    assert cr.logspace(0, 3, 4, base=2, dtype=cr.float64).tolist() == [1, 2, 4, 8]
    assert cr.logspace(0, 1, 2, device="cpu").shape == (2,)
    with pytest.warns(UserWarning, match="range is deprecated"):
        rg = cr.range(1, 4)
    assert rg.tolist() == [1.0, 2.0, 3.0, 4.0] and rg.dtype == np.float32
    with pytest.warns(UserWarning):
        assert cr.range(0, 1, 0.25).tolist() == [0, 0.25, 0.5, 0.75, 1.0]


# ------------------------------------------------------------- products
def test_vector_and_matrix_products():
    a, b = ag.tensor([1.0, 2.0, 3.0]), ag.tensor([4.0, 5.0, 6.0])
    d = cr.dot(a, b)
    assert d.item() == 32.0 and d.shape == ()
    assert a.vdot(b).item() == 32.0
    assert cr.dot(ag.tensor([1, 2]), ag.tensor([3, 4])).item() == 11
    with pytest.raises(RuntimeError, match="dot.*same dtype.*float32.*float64"):
        cr.dot(a, b.double())
    with pytest.raises(RuntimeError, match="dot.*1D tensors expected"):
        cr.dot(ag.zeros(2, 2), ag.zeros(2, 2))
    m = ag.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    assert cr.mv(m, a).tolist() == [4.0, 2.0]
    with pytest.raises(RuntimeError, match=r"mv.*size mismatch.*\(2x3\).*\(2\)"):
        cr.mv(m, ag.zeros(2))
    assert cr.inner(m, m).tolist() == [[2.0, 0.0], [0.0, 1.0]]
    assert cr.addmv(ag.ones(2), m, a, beta=2, alpha=0.5).tolist() == [4.0, 3.0]
    assert cr.addr(ag.zeros(2, 3), ag.tensor([1.0, 2.0]), a).tolist() == [[1, 2, 3], [2, 4, 6]]
    nan_in = cr.baddbmm(ag.full((1, 1), float("nan")), ag.ones(2, 1, 2), ag.ones(2, 2, 1),
                        beta=0)
    assert nan_in.tolist() == [[[2.0]], [[2.0]]]
    assert cr.addbmm(ag.zeros(1, 1), ag.ones(3, 1, 2), ag.ones(3, 2, 1)).tolist() == [[6.0]]
    check(lambda x, y: cr.dot(x, y), r(3), r(3))
    check(lambda x, y: cr.inner(x, y), r(2, 3), r(4, 3))
    check(lambda i, x, y: cr.addmv(i, x, y, beta=0.5, alpha=2), r(2), r(2, 3), r(3))
    check(lambda i, x, y: cr.addr(i, x, y, alpha=-1), r(2, 3), r(2), r(3))
    check(lambda i, x, y: cr.baddbmm(i, x, y, beta=0.5), r(1, 4), r(3, 2, 5), r(3, 5, 4))
    check(lambda i, x, y: cr.addbmm(i, x, y, alpha=2), r(2, 4), r(3, 2, 5), r(3, 5, 4))
    check(lambda x, y, z: cr.chain_matmul(x, y, z), r(2, 3), r(3, 4), r(4, 2))


def test_addcmul_addcdiv_and_in_place_forms():
    p = ag.ones(3)
    assert cr.addcmul(p, ag.tensor([1.0, 2.0, 3.0]), ag.tensor(2.0), value=0.5).tolist() == \
        [2.0, 3.0, 4.0]
    assert cr.addcdiv(p, ag.tensor([1.0, 2.0, 3.0]), ag.tensor(2.0), value=2).tolist() == \
        [2.0, 3.0, 4.0]
    with pytest.raises(TypeError, match="addcdiv.*integer division"):
        cr.addcdiv(p, ag.tensor([1, 2, 3]), ag.tensor([1, 1, 1]))
    # an optimizer step on plain tensors (as Adam's reference code writes it)
    exp_avg_sq = ag.zeros(3)
    g = ag.tensor([1.0, 2.0, 3.0])
    assert exp_avg_sq.addcmul_(g, g, value=0.1) is exp_avg_sq
    assert np.allclose(exp_avg_sq.tolist(), [0.1, 0.4, 0.9])
    p.addcdiv_(g, exp_avg_sq.sqrt() + 1, value=-1)
    assert np.allclose(p.tolist(), 1 - np.array([1, 2, 3]) / (np.sqrt([0.1, 0.4, 0.9]) + 1))
    check(lambda i, x, y: cr.addcmul(i, x, y, value=0.5), r(2, 3), r(3), r(2, 1))
    check(lambda i, x, y: cr.addcdiv(i, x, y, value=-2), r(2, 3), r(3), r(2, 1) + 3)
    w = leaf(r(3))
    with pytest.raises(RuntimeError, match="addcmul_"):
        w.addcmul_(g, g)  # a leaf that requires grad, as PyTorch refuses
    h = leaf(r(3))
    y = h * 1.0
    y.addcmul_(h, h, value=2)
    y.sum().backward()
    assert np.allclose(h.grad.numpy(), 1 + 4 * h.detach().numpy())


def test_kron_and_cross():
    k = cr.kron(ag.tensor([[1, 2], [3, 4]]), ag.tensor([[0, 1], [1, 0]]))
    assert k.tolist() == [[0, 1, 0, 2], [1, 0, 2, 0], [0, 3, 0, 4], [3, 0, 4, 0]]
    assert cr.kron(ag.zeros(3), ag.zeros(2, 2, 2)).shape == (2, 2, 6)
    x, y = ag.tensor([[1.0, 0.0, 0.0]]), ag.tensor([[0.0, 1.0, 0.0]])
    assert cr.cross(x, y, dim=1).tolist() == [[0.0, 0.0, 1.0]]
    assert cr.linalg.cross(x, ag.tensor([0.0, 0.0, 1.0])).tolist() == [[0.0, -1.0, 0.0]]
    with pytest.warns(UserWarning, match="cross.*dim"):
        assert cr.cross(x, y).tolist() == [[0.0, 0.0, 1.0]]
    with pytest.raises(RuntimeError, match="cross.*no dimension of size 3"):
        cr.linalg.cross(ag.zeros(2, 2), ag.zeros(2, 2))
    check(lambda a, b: cr.kron(a, b), r(2, 3), r(4, 2))
    check(lambda a, b: cr.linalg.cross(a, b), r(2, 3), r(1, 3))
    check(lambda a, b: cr.cross(a, b, dim=0), r(3, 2), r(3, 2))


# ----------------------------------------------------------- linear algebra
def test_matrix_power():
    a = ag.tensor([[1.0, 1.0], [0.0, 1.0]])
    assert cr.matrix_power(a, 3).tolist() == [[1.0, 3.0], [0.0, 1.0]]
    assert a.matrix_power(0).tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert np.allclose(cr.linalg.matrix_power(a, -2).tolist(), [[1.0, -2.0], [0.0, 1.0]])
    assert cr.matrix_power(ag.tensor([[2, 0], [0, 3]]), 2).tolist() == [[4, 0], [0, 9]]
    with pytest.raises(RuntimeError, match="matrix_power.*square"):
        cr.matrix_power(ag.zeros(2, 3), 2)
    check(lambda m: cr.matrix_power(m, 3), r(2, 3, 3))
    check(lambda m: cr.matrix_power(m, -2), r(3, 3) + 3 * np.eye(3))


def test_logdet_slogdet():
    a = ag.tensor([[2.0, 0.0], [0.0, 3.0]], dtype=ag.float64)
    assert np.isclose(cr.logdet(a).item(), np.log(6.0))
    sign, logabs = cr.slogdet(ag.tensor([[0.0, 1.0], [1.0, 0.0]]))
    assert sign.item() == -1.0 and logabs.item() == 0.0
    assert np.isnan(cr.logdet(ag.tensor([[0.0, 1.0], [1.0, 0.0]])).item())
    assert cr.logdet(ag.zeros(2, 2)).item() == -np.inf
    big = ag.tensor(np.eye(400) * 10.0)
    assert np.isclose(cr.linalg.slogdet(big).logabsdet.item(), 400 * np.log(10.0))
    spd = r(3, 3)
    spd = spd @ spd.T + 3 * np.eye(3)
    check(lambda m: cr.logdet(m), spd)
    check(lambda m: cr.linalg.slogdet(m)[1], r(2, 3, 3))


def test_pinv_and_svd():
    a = r(4, 2)
    p = cr.linalg.pinv(ag.tensor(a))
    assert np.allclose(p.numpy(), np.linalg.pinv(a))
    assert np.allclose(cr.pinverse(ag.tensor(a.T)).numpy(), np.linalg.pinv(a.T))
    check(lambda m: cr.linalg.pinv(m), a)
    check(lambda m: cr.pinverse(m), r(2, 3, 4))
    U, S, V = cr.svd(ag.tensor(a))
    assert U.shape == (4, 2) and S.shape == (2,) and V.shape == (2, 2)
    assert np.allclose((U * S) @ V.t(), a)
    U, S, Vh = cr.linalg.svd(ag.tensor(a))
    assert U.shape == (4, 4) and Vh.shape == (2, 2)
    check(lambda m: cr.linalg.svd(m, full_matrices=False).S, a, second=False)
    m = leaf(a)
    U, S, V = cr.svd(m)
    with pytest.raises(RuntimeError, match="svd.*singular vectors.*not implemented"):
        U.sum().backward()
    assert m.grad is None


# ----------------------------------------------------------------- counting
def test_bincount_histc():
    c = cr.bincount(ag.tensor([0, 3, 3, 1]), minlength=6)
    assert c.tolist() == [1, 1, 0, 2, 0, 0] and c.dtype == np.int64
    w = cr.bincount(ag.tensor([0, 1, 1]), ag.tensor([0.5, 1.0, 2.0]))
    assert w.tolist() == [0.5, 3.0] and w.dtype == np.float32
    assert cr.bincount(ag.tensor([1]), ag.tensor([2])).dtype == np.float64
    with pytest.raises(RuntimeError, match="bincount.*non-negative.*-1"):
        cr.bincount(ag.tensor([-1, 2]))
    with pytest.raises(TypeError, match="bincount.*1-D tensor of integers.*float32"):
        cr.bincount(ag.tensor([1.0]))
    h = cr.histc(ag.tensor([1.0, 2, 1, 4, 0.5, 9]), bins=4, min=0, max=4)
    assert h.tolist() == [1.0, 2.0, 1.0, 1.0] and h.dtype == np.float32
    assert cr.histc(ag.tensor([1.0, 3.0]), bins=2).tolist() == [1.0, 1.0]


def test_searchsorted_bucketize():
    seq = ag.tensor([1, 3, 5, 7, 9])
    v = ag.tensor([3, 6, 9])
    assert cr.searchsorted(seq, v).tolist() == [1, 3, 4]
    out = cr.searchsorted(seq, v, right=True, out_int32=True)
    assert out.tolist() == [2, 3, 5] and out.dtype == np.int32
    assert cr.searchsorted(seq, v, side="right").tolist() == [2, 3, 5]
    assert cr.searchsorted(ag.tensor([[1, 3, 5], [2, 4, 6]]), ag.tensor([[3], [3]])).tolist() \
        == [[1], [1]]
    assert cr.searchsorted(ag.tensor([5, 1, 3]), ag.tensor([2, 4]),
                           sorter=ag.tensor([1, 2, 0])).tolist() == [1, 2]
    assert cr.searchsorted(seq, 4).item() == 2
    with pytest.raises(RuntimeError, match="side and right can't be set to opposites"):
        cr.searchsorted(seq, v, right=True, side="left")
    b = cr.bucketize(ag.tensor([[1, 6], [3, 9]]), seq)
    assert b.tolist() == [[0, 3], [1, 4]] and b.dtype == np.int64
    assert cr.bucketize(ag.tensor([1, 6]), seq, right=True).tolist() == [1, 3]
    with pytest.raises(RuntimeError, match="bucketize.*boundaries tensor must be 1 dimension"):
        cr.bucketize(v, ag.zeros(2, 2))


# ------------------------------------------------- PyTorch 2.13 as an oracle
def _run(lib, f, arrays, grad):
    ts = [lib.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = f(lib, *ts)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    grads = None
    if grad:
        total = None
        for o in outs:
            if o.requires_grad:
                w = lib.tensor(np.linspace(0.5, 2.0, int(np.prod(o.shape))).reshape(o.shape))
                term = (o * w).sum()
                total = term if total is None else total + term
        total.backward()
        grads = [t.grad.numpy() if t.grad is not None else None for t in ts]
    return ([np.asarray(o.detach().numpy()) for o in outs],
            [str(o.dtype).replace("torch.", "") for o in outs], grads)


ORACLE = [
    ("unbind", lambda L, x: L.unbind(x, 1), (r(2, 3),), True),
    ("narrow", lambda L, x: L.narrow(x, 1, -2, 2), (r(2, 3),), True),
    ("select", lambda L, x: L.select(x, 0, -1), (r(2, 3),), True),
    ("take", lambda L, x: L.take(x, L.tensor([[0, 5], [-1, 2]])), (r(2, 3),), True),
    ("index_fill", lambda L, x: L.index_fill(x, 1, L.tensor([0, 2]), -1.0), (r(2, 3),), True),
    ("index_copy", lambda L, x, s: L.index_copy(x, 1, L.tensor([2, 0]), s),
     (r(2, 3), r(2, 2)), True),
    ("index_put", lambda L, x, v: L.index_put(x, (L.tensor([0, 1]), L.tensor([1, 2])), v),
     (r(2, 3), r(2)), True),
    ("index_put_acc", lambda L, x, v: L.index_put(x, (L.tensor([0, 1, 0]), L.tensor([1, 2, 1])),
                                                  v, accumulate=True), (r(2, 3), r(3)), True),
    ("masked_scatter", lambda L, x, s: x.masked_scatter(
        L.tensor([[True, False, True], [False, True, False]]), s), (r(2, 3), r(5)), True),
    ("rot90", lambda L, x: L.rot90(x, 3, [2, 0]), (r(2, 3, 4),), True),
    ("unflatten", lambda L, x: L.unflatten(x, 1, (2, -1)), (r(2, 6),), True),
    ("diag_embed", lambda L, x: L.diag_embed(x, 1, 0, 2), (r(2, 3),), True),
    ("diagflat", lambda L, x: L.diagflat(x, -1), (r(2, 2),), True),
    ("block_diag", lambda L, a, b, c: L.block_diag(a, b, c), (r(2, 2), r(3), r()), True),
    ("cartesian_prod", lambda L, a, b: L.cartesian_prod(a, b), (r(2), r(3)), True),
    ("combinations", lambda L, a: L.combinations(a, 3, with_replacement=True), (r(3),), True),
    ("combinations1", lambda L, a: L.combinations(a, 1), (r(3),), True),
    ("broadcast_tensors", lambda L, a, b: L.broadcast_tensors(a, b), (r(2, 1), r(3)), True),
    ("column_stack", lambda L, a, b: L.column_stack([a, b]), (r(3), r(3, 2)), True),
    ("dstack", lambda L, a, b: L.dstack([a, b]), (r(3), r(3)), True),
    ("hsplit", lambda L, a: L.hsplit(a, [1, 3]), (r(3, 4),), True),
    ("select_scatter", lambda L, a, s: L.select_scatter(a, s, 1, 0), (r(2, 3), r(2)), True),
    ("slice_scatter", lambda L, a, s: L.slice_scatter(a, s, 1, 1, None, 2),
     (r(2, 4), r(2, 2)), True),
    ("msort", lambda L, a: L.msort(a), (r(3, 2),), True),
    ("vander", lambda L, a: L.vander(a, 4), (r(3),), False),
    ("vander_int", lambda L: L.vander(L.tensor([1, 2, 3])), (), False),
    ("unique_consecutive", lambda L: L.unique_consecutive(
        L.tensor([[1, 1], [1, 1], [2, 3]]), return_inverse=True, return_counts=True, dim=0),
     (), False),
    ("unravel_index", lambda L: L.unravel_index(L.tensor([4, -1]), (2, 3)), (), False),
    ("logspace", lambda L: L.logspace(-1, 2, 5, base=2), (), False),
    ("range", lambda L: L.range(1, 2, 0.25), (), False),
    ("dot", lambda L, a, b: L.dot(a, b), (r(3), r(3)), True),
    ("inner", lambda L, a, b: L.inner(a, b), (r(2, 3), r(4, 3)), True),
    ("mv", lambda L, a, b: L.mv(a, b), (r(2, 3), r(3)), True),
    ("addmv", lambda L, i, a, b: L.addmv(i, a, b, beta=0.5, alpha=2), (r(2), r(2, 3), r(3)), True),
    ("addr", lambda L, i, a, b: L.addr(i, a, b, alpha=2), (r(2, 3), r(2), r(3)), True),
    ("addbmm", lambda L, i, a, b: L.addbmm(i, a, b, beta=0.5), (r(2, 4), r(3, 2, 5), r(3, 5, 4)),
     True),
    ("baddbmm", lambda L, i, a, b: L.baddbmm(i, a, b, beta=0, alpha=-1),
     (r(1, 4), r(3, 2, 5), r(3, 5, 4)), True),
    ("addcmul", lambda L, i, a, b: L.addcmul(i, a, b, value=0.5), (r(2, 3), r(3), r(2, 1)), True),
    ("addcdiv", lambda L, i, a, b: L.addcdiv(i, a, b, value=-2), (r(2, 3), r(3), r(2, 1) + 3),
     True),
    ("chain_matmul", lambda L, a, b: L.chain_matmul(a, b), (r(2, 3), r(3, 4)), True),
    ("kron", lambda L, a, b: L.kron(a, b), (r(3), r(2, 2, 2)), True),
    ("cross", lambda L, a, b: L.cross(a, b), (r(3, 3), r(3, 3)), True),
    ("linalg.cross", lambda L, a, b: L.linalg.cross(a, b), (r(2, 3), r(1, 3)), True),
    ("matrix_power", lambda L, a: L.matrix_power(a, -3), (r(3, 3) + 3 * np.eye(3),), True),
    ("logdet", lambda L, a: L.logdet(a), (r(3, 3, 3),), True),
    ("slogdet", lambda L, a: L.slogdet(a), (r(3, 3),), True),
    ("pinv", lambda L, a: L.linalg.pinv(a), (r(3, 2),), True),
    ("pinverse", lambda L, a: L.pinverse(a), (r(2, 4),), True),
    ("svd_S", lambda L, a: L.linalg.svd(a, full_matrices=False)[1], (r(3, 2),), True),
    ("svd_abs_UV", lambda L, a: [t.abs() for t in L.svd(a)], (r(3, 2),), False),
    ("bincount", lambda L: L.bincount(L.tensor([0, 3, 3, 1]), L.tensor([0.5, 1.0, 2.0, 3.0])),
     (), False),
    ("histc", lambda L: L.histc(L.tensor([1.0, 2, 1, 4, 0.5, 9]), bins=5), (), False),
    ("searchsorted", lambda L: L.searchsorted(L.tensor([[1, 3, 5], [2, 4, 6]]),
                                              L.tensor([[3, 6], [1, 5]]), side="right"),
     (), False),
    ("bucketize", lambda L: L.bucketize(L.tensor([[1, 6], [3, 9]]), L.tensor([1, 3, 5, 7, 9]),
                                        right=True, out_int32=True), (), False),
]


@pytest.mark.parametrize("name,f,arrays,grad", ORACLE, ids=[o[0] for o in ORACLE])
def test_matches_pytorch(name, f, arrays, grad):
    torch = pytest.importorskip("torch")
    tv, td, tg = _run(torch, f, arrays, grad)
    cv, cd, cg = _run(cr, f, arrays, grad)
    assert cd == td
    assert len(cv) == len(tv)
    for a, b in zip(cv, tv):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)
    if grad:
        for a, b in zip(cg, tg):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("call", [
    lambda L: L.dot(L.ones(2), L.ones(3)),
    lambda L: L.select(L.ones(2), 0, 2),
    lambda L: L.narrow(L.ones(2), 0, 1, 2),
    lambda L: L.rot90(L.ones(2, 2), 1, [0]),
    lambda L: L.bincount(L.tensor([-1])),
    lambda L: L.hsplit(L.ones(2, 3), 2),
    lambda L: L.take(L.ones(2), L.tensor([2])),
])
def test_refusal_types_match_pytorch(call):
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as want:
        call(torch)
    with pytest.raises(want.type):
        call(cr)

"""Indexing, shape ops and factories ported from PyTorch (issue 11):
values, gradients (gradcheck / gradgradcheck in float64), errors, and
PyTorch 2.13 as an optional oracle in the tests marked so."""
import numpy as np
import pytest

import autograd as ag
from autograd.errors import DTypeError, ShapeError


def leaf(values):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def arange_leaf(*shape):
    return leaf(np.arange(np.prod(shape), dtype=np.float64).reshape(shape) * 0.37 - 1.1)


IDX = np.array([[0, 2], [1, 0], [2, 2]])


# --------------------------------------------------------------- gather
def test_gather_values_and_smaller_index():
    x = ag.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert x.gather(1, ag.tensor(IDX)).tolist() == [[1, 3], [5, 4], [9, 9]]
    assert ag.gather(x, 0, ag.tensor([[2, 0, 1]])).tolist() == [[7, 2, 6]]


def test_gather_gradient_accumulates_repeats():
    x = arange_leaf(3, 3)
    g, = ag.grad(x.gather(1, ag.tensor(IDX)).sum(), x)
    assert g.tolist() == [[1, 0, 1], [1, 1, 0], [0, 0, 2]]
    assert ag.gradcheck(lambda t: t.gather(1, ag.tensor(IDX)), (x,))
    assert ag.gradgradcheck(lambda t: t.gather(1, ag.tensor(IDX)) ** 2, (x,))


def test_gather_errors():
    x = ag.tensor([[1.0, 2.0]])
    with pytest.raises(DTypeError, match="integer"):
        x.gather(1, ag.tensor([[0.0]]))
    with pytest.raises(IndexError, match="out of bounds"):
        x.gather(1, ag.tensor([[2]]))
    with pytest.raises(ShapeError, match="dims"):
        x.gather(1, ag.tensor([0]))


def test_take_along_dim_broadcasts_and_flattens():
    x = ag.tensor([[10, 30, 20], [60, 40, 50]])
    idx = ag.tensor(np.argsort(x.numpy(), axis=1))
    assert ag.take_along_dim(x, idx, dim=1).tolist() == [[10, 20, 30], [40, 50, 60]]
    assert x.take_along_dim(ag.tensor([0, 5])).tolist() == [10, 50]
    assert ag.take_along_dim(x, ag.tensor([[1]]), dim=1).tolist() == [[30], [40]]


# -------------------------------------------------------------- scatter
def test_scatter_src_value_and_in_place():
    x = ag.zeros(3, 4)
    src = ag.tensor([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]])
    out = x.scatter(0, ag.tensor([[0, 1, 2, 0]]), src)
    assert out.tolist() == [[1, 0, 0, 4], [0, 2, 0, 0], [0, 0, 3, 0]]
    assert x.tolist() == [[0] * 4] * 3  # out of place
    assert ag.zeros(2, 3).scatter(1, ag.tensor([[2], [0]]), value=7.5).tolist() == \
        [[0, 0, 7.5], [7.5, 0, 0]]
    y = ag.zeros(2, 3)
    assert y.scatter_(1, ag.tensor([[1], [2]]), 1.0) is y
    assert y.tolist() == [[0, 1, 0], [0, 0, 1]] and y._version == 1


def test_scatter_gradients():
    x, src = arange_leaf(3, 4), arange_leaf(2, 4)
    idx = ag.tensor([[0, 1, 2, 0], [1, 2, 0, 1]])
    gx, gs = ag.grad(x.scatter(0, idx, src).sum(), (x, src))
    assert gx.tolist() == [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]]
    assert gs.tolist() == [[1.0] * 4] * 2
    assert ag.gradcheck(lambda a, b: a.scatter(0, idx, b), (x, src))
    assert ag.gradgradcheck(lambda a, b: a.scatter(0, idx, b) ** 2, (x, src))
    # a src larger than the index gets zero gradient outside the block it used
    big = arange_leaf(3, 4)
    g, = ag.grad(x.scatter(0, ag.tensor([[2, 0]]), big).sum(), big)
    assert g.tolist() == [[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]


def test_scatter_reduce_argument_has_no_derivative_as_in_pytorch():
    x = ag.ones(2, 2)
    out = x.scatter(1, ag.tensor([[0, 0], [1, 1]]), ag.full((2, 2), 3.0), reduce="add")
    assert out.tolist() == [[7, 1], [1, 7]]
    out = x.scatter(1, ag.tensor([[0, 0], [1, 1]]), ag.full((2, 2), 3.0), reduce="multiply")
    assert out.tolist() == [[9, 1], [1, 9]]
    w = leaf([[1.0, 1.0], [1.0, 1.0]])
    y = w.scatter(1, ag.tensor([[0], [1]]), 2.0, reduce="multiply")
    with pytest.raises(RuntimeError, match="not implemented"):
        y.sum().backward()
    assert w.grad is None


def test_scatter_add_values_and_gradients():
    x = arange_leaf(2, 3)
    src = arange_leaf(2, 2)
    idx = ag.tensor([[0, 0], [2, 1]])
    out = x.scatter_add(1, idx, src)
    expected = x.numpy(force=True).copy()
    s = src.numpy(force=True)
    expected[0, 0] += s[0, 0] + s[0, 1]
    expected[1, 2] += s[1, 0]
    expected[1, 1] += s[1, 1]
    np.testing.assert_allclose(out.numpy(force=True), expected, rtol=1e-15)
    assert ag.gradcheck(lambda a, b: ag.scatter_add(a, 1, idx, b), (x, src))
    assert ag.gradgradcheck(lambda a, b: ag.scatter_add(a, 1, idx, b) ** 2, (x, src))


@pytest.mark.parametrize("reduce", ["sum", "prod", "mean", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_gradcheck(reduce, include_self):
    x = leaf([[0.5, -1.2, 2.0, 0.9], [1.7, 0.3, -0.8, 1.1]])
    src = leaf([[0.4, 1.3, -0.6], [2.2, -1.4, 0.7]])
    idx = ag.tensor([[0, 0, 2], [3, 1, 3]])

    def f(a, b):
        return a.scatter_reduce(1, idx, b, reduce, include_self=include_self)
    assert ag.gradcheck(f, (x, src))
    if reduce != "prod":
        assert ag.gradgradcheck(lambda a, b: f(a, b) * f(a, b), (x, src))


def test_scatter_reduce_values():
    x = ag.tensor([1.0, 2.0, 3.0, 4.0])
    src = ag.tensor([5.0, 1.0, 7.0, 2.0])
    idx = ag.tensor([0, 0, 2, 2])
    assert x.scatter_reduce(0, idx, src, "sum").tolist() == [7, 2, 12, 4]
    assert x.scatter_reduce(0, idx, src, "sum", include_self=False).tolist() == [6, 2, 9, 4]
    assert x.scatter_reduce(0, idx, src, "prod").tolist() == [5, 2, 42, 4]
    assert x.scatter_reduce(0, idx, src, "mean").tolist() == pytest.approx([7 / 3, 2, 4, 4])
    assert x.scatter_reduce(0, idx, src, "amax", include_self=False).tolist() == [5, 2, 7, 4]
    assert x.scatter_reduce(0, idx, src, "amin").tolist() == [1, 2, 2, 4]
    assert ag.tensor([1, 2]).scatter_reduce(0, ag.tensor([0, 0]), ag.tensor([2, 2]),
                                            "mean").tolist() == [1, 2]  # floored
    with pytest.raises(ValueError, match="reduce must be one of"):
        x.scatter_reduce(0, idx, src, "max")


def test_scatter_reduce_prod_gradient_with_zeros_and_no_second_derivative():
    x = leaf([0.0, 2.0, 3.0])
    src = leaf([0.0, 5.0, 1.5])
    y = x.scatter_reduce(0, ag.tensor([0, 1, 1]), src, "prod")
    gx, gs = ag.grad(y.sum(), (x, src), create_graph=True)
    assert gx.tolist() == [0.0, 7.5, 1.0] and gs.tolist() == [0.0, 3.0, 10.0]
    x1 = leaf([0.0, 2.0])
    g, = ag.grad(x1.scatter_reduce(0, ag.tensor([0]), ag.tensor([4.0], dtype=np.float64),
                                   "prod").sum(), x1)
    assert g.tolist() == [4.0, 1.0]  # the only zero gets the product of the others
    with pytest.raises(RuntimeError, match="differentiable once"):
        gx.sum().backward()


def test_in_place_scatter_family_tracks_history():
    base = arange_leaf(2, 3)
    y = base * 1
    y.scatter_add_(1, ag.tensor([[0], [2]]), ag.ones(2, 1, dtype=np.float64))
    y.index_add_(0, ag.tensor([1]), ag.ones(1, 3, dtype=np.float64), alpha=2)
    y.masked_fill_(ag.tensor([True, False, False]), 0.0)
    g, = ag.grad(y.sum(), base)
    assert g.tolist() == [[0, 1, 1], [0, 1, 1]]
    with pytest.raises(RuntimeError, match="leaf"):
        base.masked_fill_(ag.tensor([True, False, False]), 0.0)
    assert base.numpy(force=True)[0, 0] == -1.1


# ---------------------------------------------------- index_select / add
def test_index_select_and_index_add():
    x = arange_leaf(3, 4)
    idx = ag.tensor([2, 0, 2])
    out = ag.index_select(x, 0, idx)
    np.testing.assert_array_equal(out.numpy(force=True), x.numpy(force=True)[[2, 0, 2]])
    g, = ag.grad(out.sum(), x)
    assert g[:, 0].tolist() == [1, 0, 2]
    assert ag.gradcheck(lambda t: t.index_select(1, ag.tensor([3, 1])), (x,))
    src = arange_leaf(3, 3)
    res = x.index_add(1, idx, src, alpha=2)
    expected = x.numpy(force=True).copy()
    for j, k in enumerate([2, 0, 2]):
        expected[:, k] += 2 * src.numpy(force=True)[:, j]
    np.testing.assert_allclose(res.numpy(force=True), expected, rtol=1e-15)
    assert ag.gradcheck(lambda a, b: a.index_add(1, idx, b), (x, src))
    assert ag.gradgradcheck(lambda a, b: a.index_add(1, idx, b) ** 2, (x, src))
    with pytest.raises(ShapeError, match="1-D"):
        x.index_select(0, ag.tensor([[0]]))
    with pytest.raises(ShapeError, match="source must have shape"):
        x.index_add(0, idx, src)


# ---------------------------------------------------------------- masks
def test_masked_fill_and_masked_select():
    x = arange_leaf(2, 3)
    mask = ag.tensor([[True, False, True], [False, False, True]])
    out = x.masked_fill(mask, 9.0)
    assert out.numpy(force=True)[mask.numpy()].tolist() == [9, 9, 9]
    g, = ag.grad(out.sum(), x)
    assert g.tolist() == [[0, 1, 0], [1, 1, 0]]
    assert ag.tensor([1, 2, 3]).masked_fill(ag.tensor([True, False, False]), 2.7).tolist() \
        == [2, 2, 3]  # keeps the integer dtype
    v = ag.tensor(5.0, dtype=np.float64, requires_grad=True)
    gv, = ag.grad(x.masked_fill(mask, v).sum(), v)
    assert gv.item() == 3.0
    sel = x.masked_select(mask)
    assert sel.shape == (3,)
    assert ag.gradcheck(lambda t: ag.masked_select(t, ag.tensor([True, False, True])), (x,))
    with pytest.raises(DTypeError, match="bool"):
        x.masked_fill(ag.tensor([[1, 0, 1], [0, 0, 1]]), 0.0)


# -------------------------------------------------- flip, roll, movedim
def test_flip_roll_movedim_swapaxes():
    x = ag.tensor([[1, 2, 3], [4, 5, 6]])
    assert x.flip(0).tolist() == [[4, 5, 6], [1, 2, 3]]
    assert ag.flip(x, (0, 1)).tolist() == [[6, 5, 4], [3, 2, 1]]
    assert x.fliplr().tolist() == [[3, 2, 1], [6, 5, 4]]
    assert x.roll(1).tolist() == [[6, 1, 2], [3, 4, 5]]
    assert x.roll(-1, 1).tolist() == [[2, 3, 1], [5, 6, 4]]
    assert ag.roll(x, (1, 1), (0, 1)).tolist() == [[6, 4, 5], [3, 1, 2]]
    y = ag.zeros(2, 3, 4, 5)
    assert ag.movedim(y, 1, 3).shape == (2, 4, 5, 3)
    assert y.movedim((0, 1), (-1, 0)).shape == (3, 4, 5, 2)
    assert y.swapaxes(0, 3).shape == (5, 3, 4, 2) and ag.swapdims(y, 1, 2).shape == (2, 4, 3, 5)
    t = arange_leaf(2, 3)
    f = t.flip(1)
    with ag.no_grad():
        f.mul_(2)  # a copy, not a view (as PyTorch's flip)
    assert t.numpy(force=True)[0, 0] == -1.1
    for fn in (lambda a: a.flip(0, 1), lambda a: a.roll(2), lambda a: a.roll((1, -1), (0, 1)),
               lambda a: a.movedim(0, 1)):
        assert ag.gradcheck(fn, (t,))
        assert ag.gradgradcheck(lambda a: fn(a) ** 2, (t,))


# --------------------------------------------------- split, stack, repeat
def test_tensor_split_sections_and_indices():
    x = ag.arange(7)
    assert [p.tolist() for p in x.tensor_split(3)] == [[0, 1, 2], [3, 4], [5, 6]]
    assert [p.tolist() for p in ag.tensor_split(x, [1, 5])] == [[0], [1, 2, 3, 4], [5, 6]]
    assert [p.tolist() for p in x.tensor_split((2, 1))] == [[0, 1], [], [1, 2, 3, 4, 5, 6]]
    y = arange_leaf(2, 5)
    parts = y.tensor_split(2, dim=1)
    assert [p.shape for p in parts] == [(2, 3), (2, 2)]
    assert ag.gradcheck(lambda t: t.tensor_split(3, dim=1)[1], (y,))


def test_vstack_hstack():
    a, b = ag.tensor([1, 2]), ag.tensor([3, 4])
    assert ag.vstack([a, b]).tolist() == [[1, 2], [3, 4]]
    assert ag.hstack([a, b]).tolist() == [1, 2, 3, 4]
    m = ag.ones(2, 1)
    assert ag.hstack((m, ag.zeros(2, 2))).shape == (2, 3)
    assert ag.vstack((m.T, ag.zeros(3, 2))).shape == (4, 2)


def test_repeat_interleave_and_tile():
    x = ag.tensor([[1, 2], [3, 4]])
    assert x.repeat_interleave(2).tolist() == [1, 1, 2, 2, 3, 3, 4, 4]
    assert ag.repeat_interleave(x, ag.tensor([1, 2]), dim=0).tolist() == \
        [[1, 2], [3, 4], [3, 4]]
    assert ag.repeat_interleave(ag.tensor([2, 0, 1])).tolist() == [0, 0, 2]
    assert x.tile(2).tolist() == [[1, 2, 1, 2], [3, 4, 3, 4]]
    assert ag.tile(x, (2, 1, 1)).shape == (2, 2, 2)
    y = arange_leaf(2, 2)
    g, = ag.grad(y.repeat_interleave(3, dim=1).sum(), y)
    assert g.tolist() == [[3, 3], [3, 3]]
    assert ag.gradcheck(lambda t: t.repeat_interleave(ag.tensor([2, 1]), dim=0), (y,))
    assert ag.gradcheck(lambda t: t.tile((2, 3)), (y,))


def test_meshgrid_ij_xy_and_default_warning():
    a, b = ag.tensor([1, 2, 3]), ag.tensor([4, 5])
    gi = ag.meshgrid(a, b, indexing="ij")
    assert [g.shape for g in gi] == [(3, 2), (3, 2)]
    assert gi[0].tolist() == [[1, 1], [2, 2], [3, 3]]
    gx = ag.meshgrid(a, b, indexing="xy")
    assert gx[0].tolist() == [[1, 2, 3], [1, 2, 3]] and gx[1].tolist() == [[4, 4, 4], [5, 5, 5]]
    with pytest.warns(UserWarning, match="indexing"):
        ag.meshgrid(a, b)
    u, v = leaf([0.5, 1.5]), leaf([2.0, 3.0, 4.0])
    assert ag.gradcheck(lambda p, q: ag.meshgrid(p, q, indexing="xy")[0] *
                        ag.meshgrid(p, q, indexing="xy")[1], (u, v))


def test_nonzero_any_all():
    x = ag.tensor([[0, 3, 0], [4, 0, 5]])
    assert x.nonzero().tolist() == [[0, 1], [1, 0], [1, 2]]
    assert x.nonzero().dtype == np.int64
    rows, cols = ag.nonzero(x, as_tuple=True)
    assert rows.tolist() == [0, 1, 1] and cols.tolist() == [1, 0, 2]
    assert x.any(dim=1).tolist() == [True, True]
    assert x.all(1).tolist() == [False, False]
    assert x.any(0, keepdim=True).tolist() == [[True, True, True]]
    assert ag.all(x > -1).item() is True and ag.any(x, dim=(0, 1)).item() is True


def test_view_dtype_shares_memory():
    x = ag.tensor(np.array([[1.0, 2.0]], dtype=np.float32))
    i = x.view(np.int32)
    assert i.dtype == np.int32 and i.tolist() == [[1065353216, 1073741824]]
    assert x.view(ag.float16).shape == (1, 4)
    assert ag.ones(2, 4).view(np.float64).shape == (2, 2)
    assert x.view(-1).shape == (2,)  # sizes still work
    with pytest.raises(ShapeError, match="divisible"):
        ag.ones(3).view(np.float64)


# ------------------------------------------ advanced-index placement
# (index, result shape, the same selection written PyTorch's way: integers
# applied first as selects, then the remaining tensor indices)
PLACEMENT_CASES = [
    ((slice(None), 0, slice(None), [0, 2, 3]), (2, 4, 3), lambda d: d[:, 0][:, :, [0, 2, 3]]),
    ((0, slice(None), [0, 2, 3]), (3, 3, 5), lambda d: d[0][:, [0, 2, 3]]),
    ((slice(None), 0, None, [0, 2]), (2, 1, 2, 5), lambda d: d[:, 0][:, None, [0, 2]]),
    ((slice(None), -1, Ellipsis, [1, 3]), (2, 4, 2), lambda d: d[:, -1][..., [1, 3]]),
    (([0, 1, 1], slice(None), [0, 2, 3]), (3, 3, 5), lambda d: d[[0, 1, 1], :, [0, 2, 3]]),
    (([0, 1], 1, [2, 3]), (2, 5), lambda d: d[:, 1][[0, 1], [2, 3]]),
    ((slice(None), [0, 2], 1, [2, 3]), (2, 2), lambda d: d[:, :, 1][:, [0, 2], [2, 3]]),
]


def _index(ix):
    return tuple(ag.tensor(np.array(i)) if isinstance(i, list) else i for i in ix)


@pytest.mark.parametrize("ix,shape,expected", PLACEMENT_CASES)
def test_advanced_index_placement_is_pytorchs(ix, shape, expected):
    data = np.arange(120.0).reshape(2, 3, 4, 5)
    out = ag.tensor(data)[_index(ix)]
    assert out.shape == shape
    np.testing.assert_array_equal(out.numpy(), expected(data))


def test_advanced_index_placement_gradient_and_setitem():
    x = arange_leaf(2, 3, 4, 5)
    ix = (slice(None), 0, slice(None), ag.tensor([0, 2, 2]))
    assert ag.gradcheck(lambda t: t[ix], (x,))
    g, = ag.grad((x[ix] * ag.arange(24, dtype=np.float64).reshape(2, 4, 3)).sum(), x)
    # out[b, k, j] = x[b, 0, k, idx[j]] weighted by 12 b + 3 k + j: column 2 is used twice
    assert g[1, 0, 3, 2].item() == (12 + 9 + 1) + (12 + 9 + 2)
    y = ag.zeros(2, 3, 4, 5)
    y[:, 0, :, ag.tensor([0, 2, 3])] = ag.arange(24.0).reshape(2, 4, 3)
    assert y[:, 0, :, ag.tensor([0, 2, 3])].tolist() == ag.arange(24.0).reshape(2, 4, 3).tolist()
    z = ag.zeros(2, 3, 4, 5, dtype=np.float64)
    v = arange_leaf(4, 3)
    w = z * 1
    w[:, 1, :, ag.tensor([1, 4, 0])] = v  # broadcast over the leading dim
    gv, = ag.grad((w * w).sum(), v)
    np.testing.assert_allclose(gv.numpy(), 4 * v.numpy(force=True), rtol=1e-15)


# ------------------------------------------------------------ factories
def test_normal_shapes_dtypes_and_zero_gradient():
    ag.manual_seed(0)
    a = ag.normal(2.0, 3.0, size=(2000,))
    assert a.dtype == np.float32 and abs(a.mean().item() - 2.0) < 0.3
    mean = leaf(np.zeros(3))
    std = leaf(np.full(3, 2.0))
    s = ag.normal(mean, std)
    assert s.dtype == np.float64 and s.shape == (3,)
    gm, gs = ag.grad(s.sum(), (mean, std))
    assert gm.tolist() == [0, 0, 0] and gs.tolist() == [0, 0, 0]  # PyTorch 2.13
    assert ag.normal(ag.zeros(2, 2), 1.0).shape == (2, 2)
    ag.manual_seed(5)
    first = ag.normal(0.0, 1.0, size=(3,)).tolist()
    ag.manual_seed(5)
    assert ag.normal(0.0, 1.0, size=(3,)).tolist() == first
    with pytest.raises(ValueError, match="std >= 0"):
        ag.normal(ag.zeros(2), -1.0)


def test_randint_like_empty_like_full_like():
    x = ag.zeros(3, 4, dtype=np.float64)
    r = ag.randint_like(x, 5)
    assert r.shape == (3, 4) and r.dtype == np.float64
    assert ((r.numpy() >= 0) & (r.numpy() < 5) & (r.numpy() == np.round(r.numpy()))).all()
    r2 = ag.randint_like(ag.zeros(50, dtype=np.int32), 3, 6)
    assert r2.dtype == np.int32 and set(r2.tolist()) <= {3, 4, 5}
    e = ag.empty_like(x, dtype=np.int64)
    assert e.shape == (3, 4) and e.dtype == np.int64
    assert ag.full_like(x, 7).tolist() == [[7.0] * 4] * 3


def test_tril_triu_indices():
    assert ag.tril_indices(3, 3).tolist() == [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]
    assert ag.triu_indices(3, 4, 1).tolist() == [[0, 0, 0, 1, 1, 2], [1, 2, 3, 2, 3, 3]]
    assert ag.tril_indices(2, 3, -1).tolist() == [[1], [0]]
    assert ag.tril_indices(3, 3).dtype == np.int64


def test_arange_float_steps():
    x = ag.arange(0.1, 1.0, 0.2, dtype=np.float64)
    assert x.tolist() == [0.1 + i * 0.2 for i in range(5)]  # start + i * step, not NumPy's
    assert len(ag.arange(-1, 1, 0.1)) == 20
    assert len(ag.arange(1, 2.5, 0.5)) == 3
    assert len(ag.arange(0, 1, 1 / 3)) == 3
    assert ag.arange(0.5, -3.3, -0.35).dtype == np.float32


# --------------------------------------------------------- PyTorch oracle
def test_oracle_gather_scatter_family():
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(3)
    x = r.standard_normal((3, 5))
    idx = r.integers(0, 5, (3, 4))
    src = r.standard_normal((3, 4))
    ops = [
        (lambda m, a, i, s: m.gather(a, 1, i), True),
        (lambda m, a, i, s: a.scatter(1, i[:, :1], s[:, :1]), False),
        (lambda m, a, i, s: a.scatter_add(1, i, s), True),
        (lambda m, a, i, s: m.take_along_dim(a, i, dim=1), True),
    ] + [(lambda m, a, i, s, red=red, inc=inc: a.scatter_reduce(1, i, s, red, include_self=inc),
          True)
         for red in ("sum", "prod", "mean", "amax", "amin") for inc in (True, False)]
    for op, _ in ops:
        ca, cs = leaf(x), leaf(src)
        ta, ts = torch.tensor(x, requires_grad=True), torch.tensor(src, requires_grad=True)
        ours, theirs = op(ag, ca, ag.tensor(idx), cs), op(torch, ta, torch.tensor(idx), ts)
        np.testing.assert_allclose(ours.numpy(force=True), theirs.detach().numpy(), rtol=1e-14)
        w = r.standard_normal(theirs.shape)
        got = ag.grad((ours * ag.tensor(w)).sum(), (ca, cs), allow_unused=True)
        want = torch.autograd.grad((theirs * torch.tensor(w)).sum(), (ta, ts),
                                   allow_unused=True)
        for g, tg in zip(got, want):
            if tg is None:
                assert g is None or not g.numpy().any()
            else:
                np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-12, atol=1e-15)


def test_oracle_shape_ops():
    torch = pytest.importorskip("torch")
    x = np.arange(24).reshape(2, 3, 4)
    c, t = ag.tensor(x), torch.tensor(x)
    pairs = [
        (c.flip(0, 2), t.flip(0, 2)), (c.roll(3), t.roll(3)), (c.roll((1, 2), (0, 2)),
                                                             t.roll((1, 2), (0, 2))),
        (c.movedim((0, 2), (2, 0)), t.movedim((0, 2), (2, 0))),
        (c.repeat_interleave(2, dim=1), t.repeat_interleave(2, dim=1)),
        (c.tile((2, 1)), t.tile((2, 1))), (c.nonzero(), t.nonzero()),
        (c.any(1), t.any(1)), (c.all(2, keepdim=True), t.all(2, keepdim=True)),
        (c.index_select(2, ag.tensor([3, 0])), t.index_select(2, torch.tensor([3, 0]))),
        (c.masked_fill(c > 10, -1), t.masked_fill(t > 10, -1)),
        (c.masked_select(c % 3 == 0), t.masked_select(t % 3 == 0)),
        (ag.vstack([c[0], c[1]]), torch.vstack([t[0], t[1]])),
        (ag.hstack([c[0], c[1]]), torch.hstack([t[0], t[1]])),
        (ag.tril_indices(4, 3, 1), torch.tril_indices(4, 3, 1)),
        (ag.triu_indices(3, 5, -1), torch.triu_indices(3, 5, -1)),
        (c.view(np.int32), t.view(torch.int32)),
    ]
    for ours, theirs in pairs:
        assert ours.shape == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype).split(".")[1].replace("bool", "bool")
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    for k in (3, [1, 3], (0, 2, 2)):
        for ours, theirs in zip(c.tensor_split(k, dim=2), t.tensor_split(k, dim=2)):
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    for ours, theirs in zip(ag.meshgrid(ag.arange(3), ag.arange(2), indexing="xy"),
                            torch.meshgrid(torch.arange(3), torch.arange(2), indexing="xy")):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("ix,shape,expected", PLACEMENT_CASES)
def test_oracle_advanced_index_placement(ix, shape, expected):
    torch = pytest.importorskip("torch")
    data = np.arange(120.0).reshape(2, 3, 4, 5)
    tix = tuple(torch.tensor(i) if isinstance(i, list) else i for i in ix)
    c = leaf(data)
    t = torch.tensor(data, requires_grad=True)
    ours, theirs = c[_index(ix)], t[tix]
    np.testing.assert_array_equal(ours.numpy(force=True), theirs.detach().numpy())
    w = np.random.default_rng(0).standard_normal(shape)
    g, = ag.grad((ours * ag.tensor(w)).sum(), c)
    tg, = torch.autograd.grad((theirs * torch.tensor(w)).sum(), t)
    np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-15)
    y, ty = ag.zeros(2, 3, 4, 5, dtype=np.float64), torch.zeros(2, 3, 4, 5, dtype=torch.float64)
    y[_index(ix)] = ag.tensor(w)
    ty[tix] = torch.tensor(w)
    np.testing.assert_array_equal(y.numpy(), ty.numpy())


def test_oracle_arange_lengths_and_values():
    torch = pytest.importorskip("torch")
    cases = [(0.1, 1.0, 0.2), (0, 1, 0.1), (1, 2.5, 0.3), (-1, 1, 0.1), (0, 10, 0.7),
             (0.5, -3.3, -0.35), (1e-3, 1, 0.013), (0, 1, 1 / 3), (2, 17.2, 1.1)]
    for case in cases:
        for dt, tdt, tol in ((np.float32, torch.float32, 1e-7), (np.float64, torch.float64,
                                                                   1e-15)):
            ours, theirs = ag.arange(*case, dtype=dt).numpy(), torch.arange(*case, dtype=tdt)
            assert ours.shape == tuple(theirs.shape)
            # PyTorch's vectorized kernel adds i * step to a block start, so values may
            # differ from start + i * step in the last bit
            np.testing.assert_allclose(ours, theirs.numpy(), rtol=4 * tol, atol=4 * tol)

"""Cumulative and sorting ops (issue 11): cumsum, cumprod, cummax, cummin,
logcumsumexp, sort, argsort, topk, kthvalue, median, mode, unique.

Expected values are written down; PyTorch 2.13, when installed, is an extra
oracle in the tests at the end."""
import numpy as np
import pytest

import autograd as ag

NAN = float("nan")


def leaf(*shape, seed=0):
    r = np.random.default_rng(seed + sum(shape))
    return ag.tensor(r.standard_normal(shape), requires_grad=True)


def const(a, dtype=np.float64):
    return ag.tensor(np.asarray(a, dtype=dtype))


def check_grads(fn, *inputs, second=True):
    assert ag.gradcheck(fn, inputs)
    if second:
        assert ag.gradgradcheck(fn, inputs)


# ============================================================ cumulative
def test_cumsum_values_and_dtypes():
    x = const([[1, 2, 3], [4, 5, 6]])
    assert ag.cumsum(x, 1).tolist() == [[1, 3, 6], [4, 9, 15]]
    assert x.cumsum(dim=0).tolist() == [[1, 2, 3], [5, 7, 9]]
    assert ag.cumsum(ag.tensor([1, 2, 3]), 0).dtype == np.int64
    assert ag.cumsum(ag.tensor(np.array([1, 2], dtype=np.int32)), 0).dtype == np.int64
    assert ag.cumsum(ag.tensor([True, True]), 0).tolist() == [1, 2]
    assert ag.cumsum(ag.ones(2), 0, dtype=np.float64).dtype == np.float64
    assert ag.cumsum(ag.tensor(2.0), 0).shape == ()


def test_cumprod_values_and_dtypes():
    assert ag.cumprod(const([2, 0, 3, 0, 4]), 0).tolist() == [2, 0, 0, 0, 0]
    assert ag.cumprod(ag.tensor([True, True]), 0).dtype == np.int64


@pytest.mark.parametrize("values", [
    [2.0, 0.0, 3.0, 0.0, 4.0, 1.5],  # two zeros
    [0.0, 1.5, -2.0, 0.5],           # a zero first
    [1.5, -2.0, 0.5, 0.0],           # a zero last
    [1.5, -2.0, 0.5, 3.0],           # no zero
])
def test_cumprod_gradient_is_exact_with_zeros(values):
    x = ag.tensor(np.array(values), requires_grad=True)
    check_grads(lambda t: ag.cumprod(t, 0), x)
    # written out: d/dx_k sum_j cumprod_j = sum_{j>=k} prod_{i<=j, i!=k} x_i
    n = len(values)
    expected = [sum(np.prod([values[i] for i in range(j + 1) if i != k]) for j in range(k, n))
                for k in range(n)]
    ag.cumprod(x, 0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), expected, atol=1e-12)


def test_cumsum_cumprod_gradients_along_each_dim():
    x = leaf(3, 4)
    for d in (0, 1, -1):
        check_grads(lambda t: ag.cumsum(t, d), x)
        check_grads(lambda t: ag.cumprod(t, d), x)


def test_logcumsumexp_values_stable_and_gradients():
    out = ag.logcumsumexp(const([1, 2, 3]), 0)
    np.testing.assert_allclose(out.numpy(), np.log(np.cumsum(np.exp([1.0, 2, 3]))))
    big = ag.logcumsumexp(const([1000, 1000, -1000]), 0)
    np.testing.assert_allclose(big.numpy(), [1000, 1000 + np.log(2), 1000 + np.log(2)])
    check_grads(lambda t: ag.logcumsumexp(t, 1), leaf(3, 4))
    # a range of values where exp() would overflow: the gradient stays finite
    x = ag.tensor(np.array([800.0, -800.0, 805.0]), requires_grad=True)
    ag.logcumsumexp(x, 0).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()
    with pytest.raises(NotImplementedError, match="logcumsumexp.*int64"):
        ag.logcumsumexp(ag.tensor([1, 2]), 0)


def test_cummax_cummin_ties_take_the_latest_index_and_nan_propagates():
    x = const([1, 1, 3, 3, 2, NAN, 5, NAN, 1])
    v, i = ag.cummax(x, 0)
    np.testing.assert_array_equal(v.numpy(), [1, 1, 3, 3, 3, NAN, NAN, NAN, NAN])
    assert i.tolist() == [0, 1, 2, 3, 3, 5, 5, 7, 7]
    assert i.dtype == np.int64
    v, i = x.cummin(0)
    np.testing.assert_array_equal(v.numpy(), [1, 1, 1, 1, 1, NAN, NAN, NAN, NAN])
    assert i.tolist() == [0, 1, 1, 1, 1, 5, 5, 7, 7]
    assert ag.cummax(ag.tensor([[3, 1], [2, 4]]), 0).indices.tolist() == [[0, 0], [0, 1]]


def test_cummax_gradient_accumulates_on_the_running_maximum():
    x = ag.tensor(np.array([1.0, 3.0, 2.0, 0.5]), requires_grad=True)
    ag.cummax(x, 0).values.sum().backward()
    assert x.grad.tolist() == [1, 3, 0, 0]
    check_grads(lambda t: ag.cummax(t, 1).values, leaf(3, 4))
    check_grads(lambda t: ag.cummin(t, 0).values, leaf(3, 4))


def test_cumulative_errors():
    with pytest.raises(IndexError, match="cumsum.*dim 1 is out of range"):
        ag.cumsum(ag.ones(3), 1)
    with pytest.raises(TypeError, match="cumprod.*dim is required"):
        ag.cumprod(ag.ones(3), None)


# =============================================================== sorting
def test_sort_is_stable_ascending_and_descending():
    x = const([3, 1, 2, 1, 3, 2, 3])
    v, i = ag.sort(x)
    assert v.tolist() == [1, 1, 2, 2, 3, 3, 3] and i.tolist() == [1, 3, 2, 5, 0, 4, 6]
    v, i = x.sort(descending=True)
    assert v.tolist() == [3, 3, 3, 2, 2, 1, 1] and i.tolist() == [0, 4, 6, 2, 5, 1, 3]
    assert i.dtype == np.int64
    assert ag.argsort(x, descending=True).tolist() == [0, 4, 6, 2, 5, 1, 3]
    assert ag.sort(x, stable=True).indices.tolist() == [1, 3, 2, 5, 0, 4, 6]


def test_sort_puts_nan_above_everything():
    x = const([1, NAN, -2, 3])
    v, i = ag.sort(x)
    np.testing.assert_array_equal(v.numpy(), [-2, 1, 3, NAN])
    assert i.tolist() == [2, 0, 3, 1]
    assert ag.sort(x, descending=True).indices.tolist() == [1, 3, 0, 2]


def test_sort_dims_bools_and_0d():
    m = const([[3, 1], [0, 5]])
    assert ag.sort(m, 0).values.tolist() == [[0, 1], [3, 5]]
    assert ag.sort(m, dim=1).indices.tolist() == [[1, 0], [0, 1]]
    b = ag.sort(ag.tensor([True, False]))
    assert b.values.tolist() == [False, True] and b.indices.tolist() == [1, 0]
    s = ag.sort(ag.tensor(2.0))
    assert s.values.shape == () and s.indices.item() == 0


def test_sort_gradient_goes_back_to_the_source_positions():
    x = ag.tensor(np.array([3.0, 1.0, 2.0]), requires_grad=True)
    (ag.sort(x).values * const([1, 10, 100])).sum().backward()
    assert x.grad.tolist() == [100, 1, 10]
    check_grads(lambda t: ag.sort(t, 0, descending=True).values, leaf(3, 4))


def test_topk_largest_smallest_and_gradient():
    x = const([1, 5, 3, 4, 2])
    v, i = ag.topk(x, 2)
    assert v.tolist() == [5, 4] and i.tolist() == [1, 3]
    v, i = x.topk(2, largest=False)
    assert v.tolist() == [1, 2] and i.tolist() == [0, 4]
    assert ag.topk(x, 0).values.shape == (0,)
    np.testing.assert_array_equal(ag.topk(const([1, NAN, 3]), 2).values.numpy(), [NAN, 3])
    check_grads(lambda t: ag.topk(t, 2, dim=0).values, leaf(3, 4))


def test_kthvalue():
    x = const([[3, 1, 2], [9, 7, 8]])
    v, i = ag.kthvalue(x, 2)
    assert v.tolist() == [2, 8] and i.tolist() == [2, 2]
    v, i = x.kthvalue(1, dim=0, keepdim=True)
    assert v.tolist() == [[3, 1, 2]] and i.tolist() == [[0, 0, 0]]
    check_grads(lambda t: ag.kthvalue(t, 3, 1).values, leaf(3, 4))


def test_median_is_the_lower_median():
    assert ag.median(const([1, 2, 3, 4])).item() == 2
    v, i = ag.median(const([3, 1, 2, 1, 3, 2, 3]), 0)
    assert v.item() == 2 and i.item() == 5  # stable order: 1 1 2 [2] 3 3 3
    v, i = const([[1, 4, 3, 2], [5, 5, 0, 9]]).median(dim=1, keepdim=True)
    assert v.tolist() == [[2], [5]] and i.tolist() == [[3], [0]]


def test_median_nan_wins():
    assert np.isnan(ag.median(const([1, NAN, 3])).item())
    v, i = ag.median(const([1, NAN, 3, NAN]), 0)
    assert np.isnan(v.item()) and i.item() == 1  # the first NaN


def test_median_without_dim_shares_the_gradient_among_ties():
    x = ag.tensor(np.array([1.0, 2.0, 2.0, 3.0]), requires_grad=True)
    ag.median(x).backward()
    assert x.grad.tolist() == [0, 0.5, 0.5, 0]
    check_grads(ag.median, leaf(5))
    check_grads(lambda t: ag.median(t, 1).values, leaf(3, 4))


def test_mode_picks_the_smallest_most_frequent_at_its_last_occurrence():
    v, i = ag.mode(ag.tensor([1, 2, 2, 1, 3]))
    assert v.item() == 1 and i.item() == 3
    v, i = const([[3, 1, 2, 1, 3, 2, 3], [5, 1, 5, 1, 0, 0, 0]]).mode(1)
    assert v.tolist() == [3, 0] and i.tolist() == [6, 6]
    check_grads(lambda t: ag.mode(t, 0).values, leaf(3, 4))


def test_unique():
    x = ag.tensor([3, 1, 2, 1])
    assert ag.unique(x).tolist() == [1, 2, 3]
    values, inverse, counts = ag.unique(x, return_inverse=True, return_counts=True)
    assert inverse.tolist() == [2, 0, 1, 0] and counts.tolist() == [2, 1, 1]
    assert inverse.dtype == np.int64 and counts.dtype == np.int64
    m = ag.tensor([[1, 2], [1, 2], [0, 5]])
    rows, inv, cnt = m.unique(dim=0, return_inverse=True, return_counts=True)
    assert rows.tolist() == [[0, 5], [1, 2]] and inv.tolist() == [1, 1, 0] and cnt.tolist() == [1, 2]
    inv2 = ag.unique(ag.tensor([[2, 1], [1, 2]]), return_inverse=True)[1]
    assert inv2.shape == (2, 2) and inv2.tolist() == [[1, 0], [0, 1]]
    assert not ag.unique(leaf(3)).requires_grad  # not differentiable, as in PyTorch


def test_sorting_errors_name_the_problem():
    with pytest.raises(RuntimeError, match="topk.*k=4 is out of range"):
        ag.topk(ag.ones(3), 4)
    with pytest.raises(RuntimeError, match="kthvalue.*k=0 is out of range"):
        ag.kthvalue(ag.ones(3), 0)
    with pytest.raises(IndexError, match="sort.*dim 2 is out of range"):
        ag.sort(ag.ones(3), 2)
    with pytest.raises(IndexError, match="median.*non-zero size"):
        ag.median(ag.ones(2, 0), 1)
    with pytest.raises(IndexError, match="mode.*non-zero size"):
        ag.mode(ag.ones(0))
    with pytest.raises(NotImplementedError, match="median.*bool"):
        ag.median(ag.tensor([True, False]))


# ================================================= PyTorch as an oracle
@pytest.mark.parametrize("name", ["cumsum", "cumprod_zeros", "logcumsumexp", "cummax",
                                  "cummin", "sort", "sort_desc", "topk", "kthvalue",
                                  "median", "median_dim", "mode"])
def test_matches_torch_values_indices_and_gradients(name):
    torch = pytest.importorskip("torch")
    r = np.random.default_rng(3)
    x = np.round(r.standard_normal((3, 5)), 1)
    x[0, 2] = 0.0
    x[1, 0] = 0.0
    cases = {
        "cumsum": lambda m, t: m.cumsum(t, 1),
        "cumprod_zeros": lambda m, t: m.cumprod(t, 1),
        "logcumsumexp": lambda m, t: m.logcumsumexp(t, 0),
        "cummax": lambda m, t: m.cummax(t, 1),
        "cummin": lambda m, t: m.cummin(t, 0),
        "sort": lambda m, t: m.sort(t, 1),
        "sort_desc": lambda m, t: m.sort(t, 0, descending=True),
        "topk": lambda m, t: m.topk(t, 2, 1),
        "kthvalue": lambda m, t: m.kthvalue(t, 2, 1),
        "median": lambda m, t: m.median(t),
        "median_dim": lambda m, t: m.median(t, 1),
        "mode": lambda m, t: m.mode(t, 1),
    }
    if name == "mode":  # values with repeats
        x = np.array([[1.0, 2, 2, 1, 3], [0, 0, 5, 5, 1], [4, 4, 4, 2, 2]])
    fn = cases[name]
    a = ag.tensor(x, requires_grad=True)
    ta = torch.tensor(x, requires_grad=True)
    out, tout = fn(ag, a), fn(torch, ta)
    if isinstance(tout, tuple):
        assert out.indices.dtype == np.int64
        np.testing.assert_array_equal(out.indices.numpy(), tout.indices.numpy())
        out, tout = out.values, tout.values
    assert out.shape == tuple(tout.shape)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12)
    g = r.standard_normal(out.shape)
    out.backward(ag.tensor(g))
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_unique_matches_torch():
    torch = pytest.importorskip("torch")
    x = np.array([[1, 2], [1, 2], [0, 5]])
    for dim in (None, 0, 1):
        ours = ag.unique(ag.tensor(x), return_inverse=True, return_counts=True, dim=dim)
        theirs = torch.unique(torch.tensor(x), return_inverse=True, return_counts=True, dim=dim)
        for o, t in zip(ours, theirs):
            assert o.shape == tuple(t.shape)
            np.testing.assert_array_equal(o.numpy(), t.numpy())

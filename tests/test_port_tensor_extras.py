"""Tensor methods ported code calls: layout queries, unfold, split_with_sizes,
sum_to_size, type_as, where, legacy casts, random fills, fill_diagonal_ and
in-place reshapes (see autograd/tensor_extras.py)."""
import numpy as np
import pytest

import autograd as ag
from autograd.errors import ArgumentError, DTypeError, ShapeError


def grid(*shape, dtype=np.float64, requires_grad=False):
    return ag.tensor(np.arange(np.prod(shape), dtype=dtype).reshape(shape),
                     requires_grad=requires_grad)


def test_layout_queries():
    x = grid(3, 4, dtype=np.float32)
    assert x.stride() == (4, 1) and x.stride(0) == 4 and x.stride(-1) == 1
    assert x.t().stride() == (1, 4)
    assert x[1:].storage_offset() == 4 and x[:, 1:].stride() == (4, 1)
    assert x[1:, 2:].storage_offset() == 6 and x.storage_offset() == 0
    assert x[1:].data_ptr() - x.data_ptr() == 16
    assert (x.element_size(), x.itemsize, x.nbytes) == (4, 4, 48)
    assert (x.nelement(), x.ndimension()) == (12, 2)
    assert x.is_signed() and not ag.tensor(np.array([1], np.uint8)).is_signed()
    assert not x.is_complex() and x.is_same_size(grid(3, 4)) and not x.is_same_size(grid(4, 3))
    assert ag.tensor([2.0]).is_nonzero() and not ag.tensor([[0]]).is_nonzero()
    with pytest.raises(ArgumentError, match=r"more than one value \(shape \(2,\)\)"):
        ag.tensor([1.0, 2.0]).is_nonzero()
    with pytest.raises(ArgumentError, match="no values"):
        ag.zeros(0).is_nonzero()


@pytest.mark.parametrize("shape,dim,size,step", [((3, 7), 1, 3, 2), ((5, 2), 0, 2, 1),
                                                 ((2, 3, 4), -1, 4, 1), ((6,), 0, 2, 3),
                                                 ((2, 5), 1, 1, 1)])
def test_unfold_windows_and_gradient(shape, dim, size, step):
    x = grid(*shape, requires_grad=True)
    out = x.unfold(dim, size, step)
    arr = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    moved = np.moveaxis(arr, dim, -1)
    n = (moved.shape[-1] - size) // step + 1
    expected = np.stack([moved[..., i * step:i * step + size] for i in range(n)], axis=-2)
    expected = np.moveaxis(expected, -2, dim if dim >= 0 else len(shape) + dim)
    np.testing.assert_array_equal(out.detach().numpy(), expected)
    assert ag.gradcheck(lambda t: t.unfold(dim, size, step), (x,))
    assert ag.gradgradcheck(lambda t: t.unfold(dim, size, step) ** 2, (x,))


def test_unfold_overlapping_windows_sum_their_gradients():
    x = ag.zeros(5, dtype=ag.float64, requires_grad=True)
    x.unfold(0, 3, 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 2, 3, 2, 1])


def test_unfold_refusals():
    x = grid(3, 4)
    with pytest.raises(ShapeError, match="size 5 is larger than dimension 1 of length 4"):
        x.unfold(1, 5, 1)
    with pytest.raises(ArgumentError, match="step must be positive, got 0"):
        x.unfold(1, 2, 0)
    with pytest.raises(IndexError):
        x.unfold(2, 1, 1)


def test_split_with_sizes_sum_to_size_type_as_where():
    x = grid(3, 4, requires_grad=True)
    parts = x.split_with_sizes([1, 3], dim=1)
    assert [tuple(p.shape) for p in parts] == [(3, 1), (3, 3)]
    with pytest.raises(ShapeError, match=r"split_sizes \[1, 2\] must .* sum to the length 4"):
        x.split_with_sizes([1, 2], dim=1)
    np.testing.assert_array_equal(x.sum_to_size(1, 4).detach().numpy(), [[12, 15, 18, 21]])
    np.testing.assert_array_equal(x.sum_to_size(3, 1).detach().numpy(), [[6], [22], [38]])
    assert ag.gradcheck(lambda t: t.sum_to_size(4), (x,))
    with pytest.raises(ShapeError, match=r"size \(2, 4\) is not expandable"):
        x.sum_to_size(2, 4)
    assert x.type_as(ag.zeros(1, dtype=ag.int32)).dtype == np.int32
    y = x.where(x > 5, ag.zeros(3, 4, dtype=ag.float64))
    np.testing.assert_array_equal(y.detach().numpy(), np.where(np.arange(12) > 5,
                                                               np.arange(12), 0).reshape(3, 4))
    assert (x.byte().dtype, x.char().dtype, x.short().dtype) == (np.uint8, np.int8, np.int16)
    with pytest.raises(DTypeError, match="no bfloat16"):
        x.bfloat16()


def test_fill_diagonal():
    y = ag.zeros(3, 3)
    assert y.fill_diagonal_(5.0) is y
    np.testing.assert_array_equal(y.numpy(), 5 * np.eye(3))
    tall = ag.zeros(7, 3).fill_diagonal_(1.0, wrap=True).numpy()
    expected = np.zeros((7, 3))
    np.fill_diagonal(expected, 1.0, wrap=True)
    np.testing.assert_array_equal(tall, expected)
    np.testing.assert_array_equal(ag.zeros(7, 3).fill_diagonal_(1.0).numpy(), np.eye(7, 3))
    cube = ag.zeros(2, 2, 2).fill_diagonal_(3.0).numpy()
    assert cube[0, 0, 0] == cube[1, 1, 1] == 3 and cube.sum() == 6
    with pytest.raises(ShapeError, match=r"shape \(2, 3, 2\)"):
        ag.zeros(2, 3, 2).fill_diagonal_(1.0)


def test_fill_diagonal_on_a_non_leaf_is_differentiable():
    x = ag.tensor(np.ones((3, 3)), requires_grad=True)
    y = (x * 2).fill_diagonal_(0.0)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 2 * (1 - np.eye(3)))


def test_random_fills_draw_in_range_and_follow_the_seed():
    ag.manual_seed(0)
    a = ag.zeros(2000).random_(3, 7).numpy()
    assert set(np.unique(a)) == {3, 4, 5, 6}
    assert set(np.unique(ag.zeros(500, dtype=ag.int64).random_(4).numpy())) == {0, 1, 2, 3}
    n = 20000
    e = ag.zeros(n, dtype=ag.float64).exponential_(2.0).numpy()
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 6 * 0.5 / np.sqrt(n)
    g = ag.zeros(n, dtype=ag.float64).geometric_(0.25).numpy()
    assert g.min() >= 1 and abs(g.mean() - 4.0) < 6 * np.sqrt(0.75) / 0.25 / np.sqrt(n)
    ln = np.log(ag.zeros(n, dtype=ag.float64).log_normal_(1.0, 0.5).numpy())
    assert abs(ln.mean() - 1.0) < 6 * 0.5 / np.sqrt(n)
    c = ag.zeros(n, dtype=ag.float64).cauchy_(2.0, 1.0).numpy()
    assert abs(np.median(c) - 2.0) < 0.1
    ag.manual_seed(1)
    first = ag.zeros(5).exponential_().numpy()
    ag.manual_seed(1)
    np.testing.assert_array_equal(first, ag.zeros(5).exponential_().numpy())


@pytest.mark.parametrize("call,message", [
    (lambda t: t.random_(5, 2), "'from' < 'to'"),
    (lambda t: t.exponential_(0.0), "lambd > 0"),
    (lambda t: t.geometric_(1.5), r"p in \(0, 1\)"),
    (lambda t: t.log_normal_(0.0, -1.0), "std > 0"),
    (lambda t: t.cauchy_(0.0, 0.0), "sigma > 0"),
])
def test_random_fill_refusals_change_nothing(call, message):
    t = ag.ones(3)
    with pytest.raises(ArgumentError, match=message):
        call(t)
    assert t._version == 0 and np.all(t.numpy() == 1)
    with pytest.raises(DTypeError, match="floating-point"):
        ag.zeros(2, dtype=ag.int64).exponential_()


def test_in_place_reshapes():
    a = grid(2, 3)
    assert a.t_() is a and a.shape == (3, 2)
    a.unsqueeze_(0)
    assert a.shape == (1, 3, 2)
    a.squeeze_()
    assert a.shape == (3, 2)
    a.transpose_(0, 1)
    np.testing.assert_array_equal(a.numpy(), np.arange(6).reshape(2, 3))
    w = grid(2, 3, requires_grad=True)
    with pytest.raises(ArgumentError, match=r"write x = x.unsqueeze\(...\)"):
        w.unsqueeze_(0)
    assert w.shape == (2, 3)


def test_agrees_with_pytorch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).normal(size=(4, 6))
    ours, theirs = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    (ours.unfold(1, 3, 2) ** 2).sum().backward()
    (theirs.unfold(1, 3, 2) ** 2).sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-12)
    assert ours[1:, 2:].stride() == theirs[1:, 2:].stride()
    assert ours[1:, 2:].storage_offset() == theirs[1:, 2:].storage_offset()
    assert ours.t().stride() == theirs.t().stride()
    for shape in [(4, 4), (7, 3), (3, 7)]:
        for wrap in (False, True):
            a = ag.zeros(*shape).fill_diagonal_(2.0, wrap=wrap).numpy()
            b = torch.zeros(*shape).fill_diagonal_(2.0, wrap=wrap).numpy()
            np.testing.assert_array_equal(a, b)


def test_random_fills_take_a_generator():
    g = ag.Generator().manual_seed(11)
    fills = [lambda t: t.random_(0, 100, generator=g), lambda t: t.exponential_(generator=g),
             lambda t: t.geometric_(0.3, generator=g), lambda t: t.log_normal_(generator=g),
             lambda t: t.cauchy_(generator=g)]
    first = [f(ag.zeros(6, dtype=ag.float64)).numpy() for f in fills]
    g.manual_seed(11)
    for f, expected in zip(fills, first):
        np.testing.assert_array_equal(f(ag.zeros(6, dtype=ag.float64)).numpy(), expected)

"""Errors a user can cause: each names what was wrong (op, shapes, dtypes)
and leaves nothing half-changed (data, version counter, history, .grad).
"""
import re

import numpy as np
import pytest

import autograd


def _snapshot(t):
    """Everything a failed op must leave alone."""
    return (t.detach().numpy().copy(), t.detach().numpy().dtype, t.shape, t._vc[0], t.grad_fn, t.requires_grad,
            None if t.grad is None else t.grad.detach().numpy().copy())


def assert_unchanged(t, snap):
    data, dtype, shape, version, grad_fn, rg, grad = snap
    assert t.shape == shape and t.dtype == dtype
    np.testing.assert_array_equal(t.data, data)
    assert t._vc[0] == version, f"version bumped from {version} to {t._vc[0]}"
    assert t.grad_fn is grad_fn
    assert t.requires_grad == rg
    if grad is None:
        assert t.grad is None
    else:
        np.testing.assert_array_equal(t.grad.data, grad)


# ============================================================ shape errors
@pytest.mark.parametrize("op, symbol", [("add", "+"), ("sub", "-"), ("mul", "*"),
                                        ("div", "/")])
def test_broadcast_error_names_op_and_both_shapes(op, symbol):
    a, b = autograd.ones(3, 4), autograd.ones(5)
    fn = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b}[symbol]
    with pytest.raises(ValueError) as info:
        fn()
    msg = str(info.value)
    assert op in msg
    assert f"(3, 4) {symbol} (5,)" in msg


def test_broadcast_error_with_requires_grad_and_numpy_operand():
    a = autograd.tensor(np.ones((3, 4)), requires_grad=True)
    with pytest.raises(ValueError, match=re.escape("(3, 4) + (5,)")):
        a + np.ones(5)
    with pytest.raises(ValueError, match=re.escape("(5,) * (3, 4)")):
        np.ones(5) * a
    with pytest.raises(ValueError, match=r"maximum.*\(3, 4\).*\(2,\)"):
        autograd.maximum(a, autograd.ones(2))


def test_matmul_error_names_both_shapes():
    a = autograd.ones(3, 4)
    with pytest.raises(ValueError) as info:
        a @ a
    msg = str(info.value)
    assert "matmul" in msg and "(3, 4) @ (3, 4)" in msg
    with pytest.raises(ValueError, match=re.escape("(2, 3, 4) @ (5, 2)")):
        autograd.ones(2, 3, 4) @ autograd.ones(5, 2)
    with pytest.raises(ValueError, match=r"matmul.*\(2, 2, 3\).*\(3, 3, 4\)"):
        autograd.ones(2, 2, 3) @ autograd.ones(3, 3, 4)  # batch dims 2 vs 3
    with pytest.raises(ValueError, match=r"matmul.*\(\).*\(3,\)"):
        autograd.tensor(1.0) @ autograd.ones(3)


def test_reshape_error_names_both_shapes():
    x = autograd.ones(2, 3)
    with pytest.raises(ValueError) as info:
        x.reshape(4, 2)
    msg = str(info.value)
    assert "(2, 3)" in msg and "(4, 2)" in msg
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(5,\)"):
        x.view(5)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, -1\)"):
        x.reshape(4, -1)


def test_cat_and_stack_errors_name_the_shapes():
    with pytest.raises(ValueError) as info:
        autograd.cat([autograd.ones(2, 3), autograd.ones(3, 2)], dim=0)
    msg = str(info.value)
    assert "cat" in msg and "(2, 3)" in msg and "(3, 2)" in msg
    with pytest.raises(ValueError, match=r"cat.*\(2, 3\).*\(2, 3, 1\)"):
        autograd.cat([autograd.ones(2, 3), autograd.ones(2, 3, 1)])
    with pytest.raises(ValueError, match=r"stack.*\(2,\).*\(3,\)"):
        autograd.stack([autograd.ones(2), autograd.ones(3)])
    with pytest.raises(ValueError, match="cat"):
        autograd.cat([])


def test_movement_errors_name_shapes_and_dims():
    x = autograd.ones(2, 3)
    with pytest.raises(ValueError, match=r"permute.*\(2, 3\)"):
        x.permute(0, 0)
    with pytest.raises(ValueError, match=r"expand.*\(2, 3\).*\(2, 4\)"):
        x.expand(2, 4)
    with pytest.raises(ValueError, match=r"broadcast_to.*\(2, 3\).*\(3,\)"):
        x.broadcast_to((3,))
    with pytest.raises(IndexError, match=r"unsqueeze.*dim 3"):
        x.unsqueeze(3)
    with pytest.raises(IndexError, match=r"sum.*dim 5"):
        x.sum(5)
    with pytest.raises(ValueError, match=r"split.*sum to 4.*size 3"):
        x.split([2, 2], dim=1)
    with pytest.raises(ValueError, match=r"pad.*\(2, 3\)"):
        autograd.pad(x, (1, 1, 1, 1, 1, 1))


# ================================================================ indexing
@pytest.mark.parametrize("index", [5, -3, (0, 7), (slice(None), 3), [0, 2], np.array([1, 5])])
def test_indexing_out_of_range_names_the_shape(index):
    x = autograd.tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(IndexError) as info:
        x[index]
    assert "(2, 3)" in str(info.value)


def test_bool_mask_of_wrong_shape_names_the_shape():
    x = autograd.ones(2, 3)
    with pytest.raises(IndexError, match=re.escape("(2, 3)")):
        x[np.array([True, False, True])]


# ============================================================ dtype errors
@pytest.mark.parametrize("make", [
    lambda: autograd.tensor([1, 2], requires_grad=True),
    lambda: autograd.tensor([True, False], requires_grad=True),
    lambda: autograd.tensor(np.array([1, 2], dtype=np.int32), requires_grad=True),
    lambda: autograd.tensor([1, 2]).requires_grad_(),
    lambda: setattr(autograd.tensor([1, 2]), "requires_grad", True),
    lambda: autograd.zeros(2, dtype=np.int64, requires_grad=True),
    lambda: autograd.arange(3, requires_grad=True),
])
def test_integer_and_bool_tensors_cannot_require_grad(make):
    with pytest.raises(TypeError) as info:
        make()
    msg = str(info.value)
    assert "floating" in msg
    assert re.search(r"int32|int64|bool", msg)


def test_failed_requires_grad_changes_nothing():
    t = autograd.tensor([1, 2])
    with pytest.raises(TypeError):
        t.requires_grad_()
    assert not t.requires_grad and t.is_leaf


def test_mean_of_integer_tensor_says_convert():
    with pytest.raises(TypeError, match=r"mean.*int64.*float"):
        autograd.tensor([1, 2]).mean()


# ================================================================ backward
def test_backward_on_non_scalar_says_so_and_names_shape():
    x = autograd.tensor(np.ones((2, 3)), requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError) as info:
        y.backward()
    msg = str(info.value)
    assert "scalar" in msg and "(2, 3)" in msg
    assert x.grad is None
    y.backward(autograd.ones_like(y))  # the suggested fix works
    np.testing.assert_array_equal(x.grad.data, 2.0)


def test_backward_with_gradient_of_wrong_shape_names_both():
    x = autograd.tensor(np.ones((2, 3)), requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"\(3,\).*\(2, 3\)"):
        y.backward(autograd.ones(3))
    assert x.grad is None


def test_backward_of_tensor_without_history_explains():
    with pytest.raises(RuntimeError, match="does not require grad"):
        autograd.ones(2).sum().backward()
    x = autograd.tensor(np.ones(2), requires_grad=True)
    with autograd.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()


def test_second_backward_through_freed_graph_says_retain_graph():
    x = autograd.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError) as info:
        y.backward()
    msg = str(info.value)
    assert "retain_graph=True" in msg
    assert "second time" in msg and "MulBackward" in msg
    np.testing.assert_array_equal(x.grad.data, [2.0, 4.0])  # first result kept as is


def test_retain_graph_allows_second_backward():
    x = autograd.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = (x.exp()).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.exp([1.0, 2.0]))


@pytest.mark.parametrize("first", ["saved", "plain"])
def test_failed_backward_leaves_every_grad_unchanged(first):
    """The branch that fails may be reached before or after a branch that
    reaches another leaf; either way no leaf's .grad moves."""
    x = autograd.tensor(np.ones(3), requires_grad=True)
    y = autograd.tensor(np.ones(3), requires_grad=True)
    saved_branch = lambda: y.exp().sum()  # noqa: E731  (ExpBackward saves its output)
    plain_branch = lambda: x.sum()        # noqa: E731  (no saved tensors at all)
    z = saved_branch() + plain_branch() if first == "saved" else plain_branch() + saved_branch()
    z.backward()
    sx, sy = _snapshot(x), _snapshot(y)
    with pytest.raises(RuntimeError, match="retain_graph"):
        z.backward()
    assert_unchanged(x, sx)
    assert_unchanged(y, sy)


# ======================================================== in-place checks
def test_inplace_on_saved_output_names_the_op():
    x = autograd.tensor(np.array([0.5, 1.0]), requires_grad=True)
    e = (x * 1).exp()
    loss = e.sum()
    e.add_(1)
    with pytest.raises(RuntimeError) as info:
        loss.backward()
    msg = str(info.value)
    assert "ExpBackward" in msg and "in-place" in msg
    assert "version 1" in msg and "expected 0" in msg
    assert x.grad is None


def test_inplace_on_saved_input_names_the_op():
    x = autograd.tensor(np.array([0.5, 1.0]), requires_grad=True)
    a = x * 1
    b = a * a
    a.mul_(2)
    with pytest.raises(RuntimeError, match=r"MulBackward.*in-place"):
        b.sum().backward()
    c = x * 1
    d = c.sin()
    c += 1
    with pytest.raises(RuntimeError, match=r"SinBackward.*in-place"):
        d.sum().backward()


def test_inplace_through_a_view_is_detected():
    """A view shares the version counter of its base."""
    x = autograd.tensor(np.array([[0.5, 1.0], [2.0, 3.0]]), requires_grad=True)
    a = x * 1
    s = a.sin()
    a[0].mul_(2)  # modifies a through the view a[0]
    with pytest.raises(RuntimeError, match=r"SinBackward.*in-place"):
        s.sum().backward()
    b = x * 1
    t = b.reshape(4)
    w = t.cos()  # saves t, a view of b
    b.add_(1)
    with pytest.raises(RuntimeError, match=r"CosBackward.*in-place"):
        w.sum().backward()


def test_inplace_on_a_view_of_a_non_leaf_never_gives_a_wrong_gradient():
    """Writing through a view changes the base's values, so the base's
    history must change too (PyTorch rebases it), or the write must be
    refused.  Silently keeping the old history gives a wrong gradient."""
    x = autograd.tensor(np.array([[0.5, 1.0], [2.0, 3.0]]), requires_grad=True)
    a = x * 1
    try:
        a[0].mul_(2)
    except RuntimeError:
        return  # refusing is an acceptable answer
    np.testing.assert_array_equal(a.data, [[1.0, 2.0], [2.0, 3.0]])
    a.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[2.0, 2.0], [1.0, 1.0]])


def test_inplace_on_a_view_of_a_leaf_requiring_grad_errors():
    x = autograd.tensor(np.array([[0.5, 1.0], [2.0, 3.0]]), requires_grad=True)
    snap = _snapshot(x)
    with pytest.raises(RuntimeError, match="leaf"):
        x[0].add_(1.0)
    assert_unchanged(x, snap)
    with pytest.raises(RuntimeError, match="leaf"):
        x.reshape(4).mul_(2.0)
    assert_unchanged(x, snap)


def test_inplace_not_needed_by_backward_is_fine():
    x = autograd.tensor(np.array([0.5, 1.0]), requires_grad=True)
    a = x * 1
    b = a + 3  # Add saves nothing
    a.add_(1)
    b.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])


@pytest.mark.parametrize("op", ["add_", "sub_", "mul_", "div_", "iadd", "imul", "zero_",
                                "fill_", "copy_", "setitem"])
def test_inplace_on_leaf_requiring_grad_errors_and_changes_nothing(op):
    x = autograd.tensor(np.array([1.0, 2.0]), requires_grad=True)
    x.grad = autograd.tensor(np.array([0.1, 0.2]))
    snap = _snapshot(x)

    def run():
        nonlocal x
        if op == "iadd":
            x += 1
        elif op == "imul":
            x *= 2
        elif op == "zero_":
            x.zero_()
        elif op == "fill_":
            x.fill_(3.0)
        elif op == "copy_":
            x.copy_(autograd.tensor(np.array([5.0, 6.0])))
        elif op == "setitem":
            x[0] = 9.0
        else:
            getattr(x, op)(2.0)

    with pytest.raises(RuntimeError) as info:
        run()
    msg = str(info.value)
    assert "leaf" in msg and "in place" in msg and "no_grad" in msg
    assert_unchanged(x, snap)
    with autograd.no_grad():  # the suggested way works
        run()
    assert x._vc[0] > snap[3]


# ===================================================== failing ops change nothing
INPLACE_FAILURES = [(case, tracked) for case in
                    ["add_ shape", "mul_ shape", "iadd shape", "result too big",
                     "setitem index", "setitem value shape", "copy_ shape"]
                    for tracked in (False, True)] + [("div_ int tensor", False)]


@pytest.mark.parametrize("case, tracked", INPLACE_FAILURES)
def test_failing_inplace_op_changes_nothing(case, tracked):
    """A failed in-place op leaves data, version, history untouched, on
    tensors with history (tracked) and without, and its message names the
    shape of the tensor being updated."""
    if case == "div_ int tensor":
        t = autograd.tensor(np.arange(6).reshape(2, 3))
    elif tracked:
        leaf = autograd.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        t = leaf * 1
    else:
        t = autograd.tensor(np.arange(6.0).reshape(2, 3))
    snap = _snapshot(t)

    def run():
        nonlocal t
        if case == "add_ shape":
            t.add_(autograd.ones(4))
        elif case == "mul_ shape":
            t.mul_(np.ones((3, 2)))
        elif case == "iadd shape":
            t += autograd.ones(5)
        elif case == "result too big":
            t.add_(autograd.ones(4, 2, 3))
        elif case == "setitem index":
            t[5] = 1.0
        elif case == "setitem value shape":
            t[0] = autograd.ones(5)
        elif case == "copy_ shape":
            t.copy_(autograd.ones(5))
        elif case == "div_ int tensor":
            t.div_(2)  # the float result cannot be stored in int64

    with pytest.raises((ValueError, IndexError, TypeError, RuntimeError)) as info:
        run()
    assert_unchanged(t, snap)
    msg = str(info.value)
    assert "(2, 3)" in msg, f"message does not name the tensor's shape: {msg}"


def test_failed_inplace_on_int_tensor_names_op_and_dtype():
    t = autograd.tensor([1, 2, 3])
    snap = _snapshot(t)
    with pytest.raises(TypeError) as info:
        t.add_(0.5)
    msg = str(info.value)
    assert "add_" in msg and "int64" in msg
    assert_unchanged(t, snap)


def test_failing_out_of_place_op_leaves_inputs_alone():
    x = autograd.tensor(np.ones((3, 4)), requires_grad=True)
    y = x * 2
    sx, sy = _snapshot(x), _snapshot(y)
    for bad in (lambda: y + autograd.ones(5), lambda: y @ y, lambda: y.reshape(5),
                lambda: autograd.cat([y, autograd.ones(2, 2)]), lambda: y[7]):
        with pytest.raises((ValueError, IndexError)):
            bad()
    assert_unchanged(x, sx)
    assert_unchanged(y, sy)
    y.sum().backward()  # the graph is still intact
    np.testing.assert_array_equal(x.grad.data, 2.0)


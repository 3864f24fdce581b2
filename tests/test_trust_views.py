"""Views stay correct after an in-place change of their base (or of another
view of the same memory): their history is regenerated from the base's
current one, as PyTorch does -- never a stale, silently wrong gradient.

Each scenario states PyTorch 2.13's result explicitly; where PyTorch is
installed it is also run side by side as an extra check."""
import numpy as np
import pytest

import autograd as ag


def _x(seed=0, shape=(3, 2)):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape), requires_grad=True)


def test_index_view_sees_a_later_mul_of_its_base():
    x = _x()
    a = x * 1
    v = a[:, 0]
    a.mul_(2)
    (v * v).sum().backward()
    # v = 2 x[:, 0]  ->  d(sum v^2)/dx[:, 0] = 2 v * 2 = 8 x[:, 0]
    expected = np.zeros((3, 2))
    expected[:, 0] = 8 * x.data[:, 0]
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)


def test_index_view_routes_gradient_to_a_tensor_added_into_its_base_later():
    x, y = _x(0), _x(1)
    a = x * 1
    v = a[0]
    a.add_(y)
    v.sum().backward()
    expected = np.zeros((3, 2))
    expected[0] = 1
    np.testing.assert_array_equal(y.grad.data, expected)
    np.testing.assert_array_equal(x.grad.data, expected)


def test_view_after_an_index_assignment_into_its_base_no_longer_reaches_the_old_value():
    x = _x()
    a = x * 1
    v = a[0]
    a[0, 0] = 10
    (v * 3).sum().backward()
    assert v.data[0] == 10
    np.testing.assert_array_equal(x.grad.data, [[0, 3], [0, 0], [0, 0]])


@pytest.mark.parametrize("make_view", [lambda a: a.T, lambda a: a.reshape(6),
                                       lambda a: a.permute(1, 0), lambda a: a.view(2, 3),
                                       lambda a: a.unsqueeze(0), lambda a: a.flatten(),
                                       lambda a: a[1:], lambda a: a.transpose(0, 1)[::-1]],
                         ids=["T", "reshape", "permute", "view", "unsqueeze", "flatten",
                              "slice", "nested"])
def test_every_kind_of_view_is_regenerated_after_its_base_changes(make_view):
    x = _x()
    a = x * 1
    v = make_view(a)
    a.mul_(3)
    (v * v).sum().backward()
    # which elements of x the view looks at: view the element numbers
    seen = make_view(ag.tensor(np.arange(6.0).reshape(3, 2))).data.astype(int)
    mask = np.zeros(6)
    mask[seen.reshape(-1)] = 1
    mask = mask.reshape(3, 2)
    # v = 3 x where it looks  ->  d(sum v^2)/dx = 2 v * 3 = 18 x there, 0 elsewhere
    np.testing.assert_allclose(x.grad.data, 18 * x.data * mask, rtol=1e-12)


def test_a_view_of_a_view_is_regenerated_through_both():
    x = _x()
    a = x * 1
    outer = a.T
    inner = outer[1]
    a.mul_(2)
    (inner * inner).sum().backward()
    expected = np.zeros((3, 2))
    expected[:, 1] = 8 * x.data[:, 1]
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)


def test_view_of_a_base_that_gained_history_now_requires_grad():
    a = ag.zeros(2, 3, dtype=ag.float64)
    v = a[1]
    assert not v.requires_grad
    w = _x(2, (2, 3))
    a.add_(w)
    assert v.requires_grad and v.grad_fn is not None
    (v * 5).sum().backward()
    np.testing.assert_array_equal(w.grad.data, [[0, 0, 0], [5, 5, 5]])


def test_in_place_on_a_reshape_view_updates_the_base_history():
    x = _x()
    a = x * 1
    v = a.reshape(6)
    v.mul_(3)
    np.testing.assert_allclose(a.data, 3 * x.data)
    (a * a).sum().backward()
    np.testing.assert_allclose(x.grad.data, 18 * x.data, rtol=1e-12)


def test_a_single_element_is_a_view_too():
    x = _x()
    a = x * 1
    e = a[1, 0]
    e.mul_(5)
    assert a.data[1, 0] == 5 * x.data[1, 0]
    (a * 1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[1, 1], [5, 1], [1, 1]])


def test_in_place_on_an_index_view_of_a_transpose_view_reaches_the_base():
    x = _x()
    a = x * 1
    a.T[0].mul_(3)
    (a * a).sum().backward()
    np.testing.assert_allclose(x.grad.data / x.data, [[18, 2]] * 3, rtol=1e-12)


def test_in_place_on_an_expanded_view_is_refused_and_changes_nothing():
    x = _x()
    a = x * 1
    e = a[0].expand(4, 2)
    before, version = a.detach().numpy().copy(), a._vc[0]
    with pytest.raises(RuntimeError, match="expand"):
        e.mul_(2)
    np.testing.assert_array_equal(a.data, before)
    assert a._vc[0] == version


def test_a_broadcast_operand_changed_in_place_after_being_saved_is_an_error():
    c = ag.tensor([1.0, 2.0], dtype=ag.float64)
    w = ag.ones(3, 2, dtype=ag.float64, requires_grad=True)
    y = (w * c).sum()
    c.mul_(10)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()
    assert w.grad is None


def test_views_of_a_leaf_follow_optimizer_style_updates():
    w = _x()
    v = w[1]
    with ag.no_grad():
        w.mul_(2)
    (v * v).sum().backward()
    expected = np.zeros((3, 2))
    expected[1] = 2 * w.data[1]
    np.testing.assert_allclose(w.grad.data, expected, rtol=1e-12)


def test_regenerated_view_differentiates_twice():
    x = _x()
    a = x * 1
    v = a[:, 1]
    a.mul_(x)  # a = x^2 elementwise; v = x[:, 1]^2
    g, = ag.grad((v * v).sum(), x, create_graph=True)  # d(x^4) = 4 x^3
    h, = ag.grad(g.sum(), x)  # 12 x^2
    expected = np.zeros((3, 2))
    expected[:, 1] = 12 * x.data[:, 1] ** 2
    np.testing.assert_allclose(h.data, expected, rtol=1e-12)


def test_views_pickle_as_plain_leaves():
    import pickle
    x = _x()
    v = (x * 1)[0]
    w = pickle.loads(pickle.dumps(v))
    assert type(w) is ag.Tensor and w.is_leaf and w.requires_grad
    np.testing.assert_array_equal(w.data, v.data)


def test_matches_pytorch_on_the_audit_scenarios():
    torch = pytest.importorskip("torch")

    def run(lib, tensor):
        out = []
        x0 = np.random.default_rng(5).standard_normal((3, 2))
        y0 = np.random.default_rng(6).standard_normal((3, 2))
        for scenario in range(5):
            x = tensor(x0.copy(), requires_grad=True)
            y = tensor(y0.copy(), requires_grad=True)
            a = x * 1
            if scenario == 0:
                v = a[:, 0]; a.mul_(2); loss = (v * v).sum()
            elif scenario == 1:
                v = a[0]; a.add_(y); loss = (v * v).sum()
            elif scenario == 2:
                v = a[0]; a[0, 0] = 10; loss = (v * 3).sum()
            elif scenario == 3:
                v = a.T; a.mul_(y); loss = (v * v).sum()
            else:
                v = a.reshape(6); v.mul_(3); loss = (a * y).sum()
            loss.backward()
            out.append((np.array(x.grad.detach().numpy()),
                        None if y.grad is None else np.array(y.grad.detach().numpy())))
        return out

    ours = run(ag, lambda d, requires_grad: ag.tensor(d, requires_grad=requires_grad))
    theirs = run(torch, lambda d, requires_grad: torch.tensor(d, requires_grad=requires_grad))
    for (gx, gy), (tx, ty) in zip(ours, theirs):
        np.testing.assert_allclose(gx, tx, rtol=1e-12)
        if ty is None:
            assert gy is None or not np.any(gy)
        else:
            np.testing.assert_allclose(gy, ty, rtol=1e-12)


# ------------------------------------------------ random programs (property)
from hypothesis import given, settings, strategies as st  # noqa: E402

_VIEWS = {  # each applies to any tensor with at least one dim
    "T": lambda t: t.T,
    "last": lambda t: t[-1],
    "col": lambda t: t[..., 0],
    "slice": lambda t: t[:-1] if t.shape[0] > 1 else t[:],
    "flat": lambda t: t.reshape(-1),
    "unsq": lambda t: t.unsqueeze(0),
    "elem": lambda t: t[(0,) * t.ndim],
}
_INPLACE = ["mul_y", "add_y", "mul_const", "set_elem", "set_first_y", "zero_"]


def _y_like(y, shape):
    n = int(np.prod(shape))
    return y.reshape(-1)[:n].reshape(shape)


def _apply_inplace(t, kind, y):
    """One in-place change of ``t``; ``y`` (requiring grad) supplies values."""
    if kind == "mul_y":
        t.mul_(_y_like(y, t.shape))
    elif kind == "add_y":
        t.add_(_y_like(y, t.shape) * 2.0)
    elif kind == "mul_const":
        t.mul_(-1.5)
    elif kind == "set_elem":
        t[(0,) * t.ndim] = 7.0
    elif kind == "set_first_y":
        if t.ndim == 0:
            t.copy_(_y_like(y, ()))
        else:
            t[0] = _y_like(y, t.shape[1:])
    else:
        t.zero_()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(view_names=st.lists(st.sampled_from(sorted(_VIEWS)), min_size=1, max_size=2),
       target=st.sampled_from(["base", "view"]),
       kinds=st.lists(st.sampled_from(_INPLACE), min_size=1, max_size=2),
       read=st.sampled_from(["base", "view"]))
def test_random_view_and_inplace_programs_pass_gradcheck(view_names, target, kinds, read):
    """Whatever views exist and whichever of them is changed in place, the
    gradient of anything read afterwards equals finite differences of the
    whole program."""
    def program(x, y):
        base = x * 1.0
        view = base
        for name in view_names:
            if view.ndim == 0:
                break
            view = _VIEWS[name](view)
        for kind in kinds:
            _apply_inplace(base if target == "base" else view, kind, y)
        out = base if read == "base" else view
        return (out * out).sum() + out.sum()

    rng = np.random.default_rng(len(view_names) * 7 + len(kinds))
    x = ag.tensor(rng.uniform(0.5, 1.5, (3, 2)), requires_grad=True)
    y = ag.tensor(rng.uniform(0.5, 1.5, (3, 2)), requires_grad=True)
    try:
        program(x, y)
    except RuntimeError as e:
        # the one refusal in this family: a write through an expand view
        assert "expand" in str(e)
        return
    assert ag.gradcheck(program, (x, y))


def test_a_view_made_under_no_grad_never_gains_a_history():
    w = _x()
    with ag.no_grad():
        v = w[0]
        w.mul_(2)
    assert not v.requires_grad and v.grad_fn is None
    np.testing.assert_allclose(v.data, w.data[0])


def test_writing_through_a_no_grad_view_while_recording_is_refused_and_changes_nothing():
    x = _x()
    a = x * 1
    with ag.no_grad():
        v = a[0]
    y = _x(3, (2,))
    before, version = a.detach().numpy().copy(), a._vc[0]
    with pytest.raises(RuntimeError, match="no_grad"):
        v.mul_(y)
    np.testing.assert_array_equal(a.data, before)
    assert a._vc[0] == version


def test_retain_grad_on_a_view_survives_its_regeneration():
    x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=ag.float64, requires_grad=True)
    a = x * 1
    v = a[0]
    v.retain_grad()
    a.mul_(2)
    (v * v).sum().backward()
    np.testing.assert_array_equal(v.grad.data, [4.0, 8.0, 12.0])  # 2 v, v = 2 x[0]


def test_retain_grad_on_a_base_written_through_a_view_is_the_new_values_gradient():
    x = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=ag.float64, requires_grad=True)
    a = x * 1
    a.retain_grad()
    a[0].mul_(3)
    (a ** 2).sum().backward()
    np.testing.assert_array_equal(a.grad.data, 2 * a.data)  # PyTorch: [[6, 12, 18], [8, 10, 12]]
    np.testing.assert_array_equal(x.grad.data, [[18.0, 36.0, 54.0], [8.0, 10.0, 12.0]])


def test_retain_grad_survives_an_in_place_op_on_the_tensor_itself():
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    h = x * 1
    h.retain_grad()
    h.mul_(5)
    (h * h).sum().backward()
    np.testing.assert_array_equal(h.grad.data, [10.0, 20.0])


def test_view_of_memory_that_cannot_be_viewed_is_refused_as_in_pytorch():
    x = _x()
    a = x * 1
    with pytest.raises(RuntimeError, match=r"view\(\).*reshape"):
        a.T.view(6)
    assert a.T.reshape(6).shape == (6,)  # reshape copies instead
    assert a.T.contiguous().view(6).shape == (6,)


@pytest.mark.parametrize("write", [lambda v: v.mul_(3), lambda v: v.zero_(),
                                   lambda v: v.fill_(2.0), lambda v: v.copy_(ag.ones(2)),
                                   lambda v: v.__setitem__(0, 9.0)],
                         ids=["mul_", "zero_", "fill_", "copy_", "setitem"])
@pytest.mark.parametrize("base_kind", ["non-leaf", "leaf"])
def test_a_constant_write_through_a_no_grad_view_of_something_requiring_grad_is_refused(
        write, base_kind):
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=ag.float64, requires_grad=True)
    base = x * 1 if base_kind == "non-leaf" else x
    with ag.no_grad():
        v = base[0]
    before, version = base.detach().numpy().copy(), base._vc[0]
    with pytest.raises(RuntimeError, match="no_grad"):
        write(v)
    np.testing.assert_array_equal(base.data, before)
    assert base._vc[0] == version


def test_copying_a_constant_into_a_non_leaf_keeps_it_in_the_graph_with_zero_gradient():
    x = ag.tensor([1.0, 2.0, 3.0], dtype=ag.float64, requires_grad=True)
    b = x * 1.0
    b.copy_(ag.tensor([5.0, 5.0, 5.0], dtype=ag.float64))
    assert b.requires_grad  # PyTorch: CopyBackwards
    (b * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0, 0.0])  # zeros, not None

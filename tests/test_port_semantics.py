"""Issue 11, section 2: PyTorch semantics that ported programs rely on --
``.data``, user Functions on Tensors (several outputs, ctx flags,
once_differentiable), zero gradients through connected masks, ``grad()``'s
flags, and type promotion in losses.  Each test states PyTorch 2.13's
behaviour explicitly; the ``*_torch`` tests compare with PyTorch when it is
installed."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.function import once_differentiable


def f64(*values, rg=True):
    return ag.tensor(np.array(values, dtype=np.float64), requires_grad=rg)


# ================================================================ .data
def test_data_is_a_detached_tensor_sharing_memory_and_version():
    p = f64(1.0, 2.0, 3.0)
    d = p.data
    assert isinstance(d, ag.Tensor)
    assert not d.requires_grad and d.grad_fn is None
    assert np.shares_memory(d.numpy(), p.detach().numpy())
    assert d._version == p._version
    d.add_(1.0)
    np.testing.assert_array_equal(p.detach().numpy(), [2.0, 3.0, 4.0])
    assert p._version == 1


def test_data_methods_from_pytorch_programs_work():
    ag.manual_seed(0)
    w = nn.Linear(3, 2).weight
    w.data.normal_(0.0, 0.02)                # nanoGPT-style init
    assert abs(float(w.detach().numpy().std())) < 0.1
    w.data.uniform_(-1.0, 1.0)
    assert np.all(np.abs(w.detach().numpy()) <= 1.0)
    w.data.mul_(0.0)
    np.testing.assert_array_equal(w.data.numpy(), np.zeros((2, 3), np.float32))
    assert w.data.numpy().dtype == np.float32
    assert w.requires_grad


def test_manual_sgd_step_through_data_outside_no_grad():
    w = f64(1.0, -2.0)
    (w * w).sum().backward()
    w.data -= 0.1 * w.grad.data          # PyTorch's classic manual update
    np.testing.assert_allclose(w.detach().numpy(), [0.8, -1.6])
    assert w.requires_grad and w.is_leaf


def test_write_through_data_to_a_saved_tensor_is_caught_at_backward():
    """Stricter than PyTorch (which silently uses the new values): the alias
    shares the version counter, so the saved input is known to have changed."""
    x = f64(1.0, 2.0, 3.0)
    w = f64(4.0, 5.0, 6.0)
    y = (x * w).sum()
    x.data.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()
    assert x.grad is None and w.grad is None


def test_write_through_data_of_an_unsaved_tensor_is_fine():
    x = f64(1.0, 2.0)
    w = f64(3.0, 4.0)
    y = (x + w).sum()          # Add saves nothing
    x.data.zero_()
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_assigning_data_replaces_values_shape_and_dtype():
    p = f64(1.0, 2.0, 3.0)
    q = ag.zeros(2, 2)
    p.data = q
    assert p.shape == (2, 2) and p.dtype == np.float32
    assert p.requires_grad and p.is_leaf
    q.add_(5.0)                 # p shares q's memory, as in PyTorch
    np.testing.assert_array_equal(p.detach().numpy(), np.full((2, 2), 5.0, np.float32))


def test_assigning_data_invalidates_saved_uses_of_the_old_value():
    x = f64(1.0, 2.0)
    y = (x * x).sum()
    x.data = ag.tensor(np.array([7.0, 8.0]))   # a fresh tensor: version 0
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_assigned_tensor_written_later_is_caught_for_both():
    a = f64(1.0, 2.0)
    b = ag.tensor(np.array([3.0, 4.0]))
    a.data = b
    y = (a * a).sum()
    b.add_(1.0)                 # writes the memory a now has
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_data_numpy_and_numpy_give_the_array():
    t = ag.tensor([1.0, 2.0])
    assert isinstance(t.numpy(), np.ndarray)
    assert isinstance(t.data.numpy(), np.ndarray)
    p = f64(1.0)
    with pytest.raises(RuntimeError, match="requires grad"):
        p.numpy()
    np.testing.assert_array_equal(p.data.numpy(), [1.0])


def test_data_torch():
    torch = pytest.importorskip("torch")
    tp = torch.tensor([1.0, 2.0], requires_grad=True)
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    for t in (tp.data, p.data):
        assert not t.requires_grad and t.grad_fn is None
    tp.data.add_(1.0)
    p.data.add_(1.0)
    np.testing.assert_array_equal(p.detach().numpy(), tp.detach().numpy())


# ================================================= user Functions on Tensors
class Cube(ag.Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a ** 3

    @staticmethod
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return g * 3 * a * a


def test_forward_receives_tensors_with_grad_mode_off():
    seen = {}

    class Probe(ag.Function):
        @staticmethod
        def forward(ctx, a, k):
            seen["type"], seen["grad"], seen["k"] = type(a), ag.is_grad_enabled(), k
            seen["same"] = a is x
            return a.exp() * k

        @staticmethod
        def backward(ctx, g):
            return g, None

    x = f64(0.0, 1.0)
    y = Probe.apply(x, 2.0)
    assert issubclass(seen["type"], ag.Tensor) and seen["grad"] is False
    assert seen["k"] == 2.0 and seen["same"]
    assert y.requires_grad and y.grad_fn.name() == "ProbeBackward"
    np.testing.assert_allclose(y.detach().numpy(), [2.0, 2 * np.e])


def test_user_function_gradcheck_and_gradgradcheck():
    x = f64(0.5, -1.5, 2.0)
    assert ag.gradcheck(Cube.apply, (x,))
    assert ag.gradgradcheck(Cube.apply, (x,))


def test_numpy_style_forward_still_works():
    class NpSin(ag.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return np.sin(a)          # dispatched to the Tensor op

        @staticmethod
        def backward(ctx, g):
            a, = ctx.saved_tensors
            return g * a.cos()

    x = f64(0.1, 0.7)
    y = NpSin.apply(x)
    np.testing.assert_allclose(y.detach().numpy(), np.sin([0.1, 0.7]))
    assert ag.gradcheck(NpSin.apply, (x,))


def test_saved_output_supports_double_backward():
    class Exp(ag.Function):
        @staticmethod
        def forward(ctx, a):
            out = a.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            out, = ctx.saved_tensors
            return g * out

    x = f64(0.3, -0.2)
    assert ag.gradgradcheck(Exp.apply, (x,))


class SinCos(ag.Function):
    """Two outputs: sin(a*b) and cos(a)."""

    @staticmethod
    def forward(ctx, a, b):
        ab = a * b
        ctx.save_for_backward(a, b)
        return ab.sin(), a.cos()

    @staticmethod
    def backward(ctx, gs, gc):
        a, b = ctx.saved_tensors
        c = (a * b).cos()
        return gs * c * b - gc * a.sin(), gs * c * a


def test_two_outputs_give_a_tuple_of_tensors_and_pass_gradcheck():
    a, b = f64(0.2, -1.0, 0.7), f64(1.3, 0.4, -0.6)
    s, c = SinCos.apply(a, b)
    np.testing.assert_allclose(s.detach().numpy(), np.sin([0.26, -0.4, -0.42]))
    np.testing.assert_allclose(c.detach().numpy(), np.cos([0.2, -1.0, 0.7]))
    assert s.grad_fn.name() == "SinCosBackward" == c.grad_fn.name()
    both = lambda a, b: SinCos.apply(a, b)  # noqa: E731
    assert ag.gradcheck(both, (a, b)) and ag.gradgradcheck(both, (a, b))
    assert ag.gradcheck(lambda a, b: SinCos.apply(a, b)[0], (a, b))
    assert ag.gradcheck(lambda a, b: SinCos.apply(a, b)[1], (a, b))


def test_using_one_output_gives_zeros_for_the_other_and_runs_backward_once():
    calls = []

    class Split(ag.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):
            calls.append((g1.numpy().copy(), g2.numpy().copy()))
            return g1 * 2 + g2 * 3

    x = f64(1.0, 2.0)
    u, v = Split.apply(x)
    (u.sum() + (v * v).sum()).backward()
    assert len(calls) == 1
    np.testing.assert_array_equal(x.grad.numpy(), [2 + 3 * 2 * 3, 2 + 3 * 2 * 6])
    x.grad = None
    calls.clear()
    u, v = Split.apply(x)
    u.sum().backward()
    np.testing.assert_array_equal(calls[0][1], [0.0, 0.0])   # materialized
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])


def test_materialize_grads_false_and_non_differentiable_outputs():
    got = []

    class SortOp(ag.Function):
        @staticmethod
        def forward(ctx, a):
            idx = ag.tensor(np.argsort(a.detach().numpy()))
            ctx.mark_non_differentiable(idx)
            ctx.set_materialize_grads(False)
            ctx.save_for_backward(idx)
            return a[idx], idx

        @staticmethod
        def backward(ctx, gv, gi):
            got.append(gi)
            idx, = ctx.saved_tensors
            out = ag.zeros(gv.shape, dtype=gv.dtype)
            out[idx] = gv
            return out

    x = f64(3.0, 1.0, 2.0)
    v, i = SortOp.apply(x)
    assert v.requires_grad and not i.requires_grad and i.grad_fn is None
    np.testing.assert_array_equal(i.numpy(), [1, 2, 0])
    (v * ag.tensor([1.0, 10.0, 100.0], dtype=ag.float64)).sum().backward()
    assert got == [None]
    np.testing.assert_array_equal(x.grad.numpy(), [100.0, 1.0, 10.0])
    assert ag.gradcheck(lambda a: SortOp.apply(a)[0], (f64(0.3, -0.1, 0.9),))


def test_hooks_and_retain_grad_on_one_output():
    a, b = f64(0.2, 0.4), f64(1.0, 2.0)
    s, c = SinCos.apply(a, b)
    s.retain_grad()
    seen = []
    c.register_hook(lambda g: seen.append(g.numpy().copy()))
    (3 * s.sum() + 5 * c.sum()).backward()
    np.testing.assert_array_equal(s.grad.numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(seen[0], [5.0, 5.0])


def test_grad_of_one_output_with_respect_to_another_output():
    a, b = f64(0.2, 0.4), f64(1.0, 2.0)
    s, c = SinCos.apply(a, b)
    y = (s * c).sum()
    gs, = ag.grad(y, s)
    np.testing.assert_allclose(gs.numpy(), c.detach().numpy())


def test_saved_output_of_a_two_output_function():
    class ExpBoth(ag.Function):
        @staticmethod
        def forward(ctx, a):
            e = a.exp()
            ctx.save_for_backward(e)
            return e, e * 2

        @staticmethod
        def backward(ctx, g1, g2):
            e, = ctx.saved_tensors
            return (g1 + 2 * g2) * e

    x = f64(0.1, -0.3)
    fn = lambda a: ExpBoth.apply(a)  # noqa: E731
    assert ag.gradcheck(fn, (x,)) and ag.gradgradcheck(fn, (x,))


def test_setup_context_style():
    class Mul3(ag.Function):
        @staticmethod
        def forward(a, k):
            return a * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    x = f64(1.0, 2.0)
    Mul3.apply(x, 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])


def test_once_differentiable_first_order_works_second_order_refused():
    class ExpOnce(ag.Function):
        @staticmethod
        def forward(ctx, a):
            out = a.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            out, = ctx.saved_tensors
            assert not ag.is_grad_enabled()
            return g * out

    x = f64(0.0, 1.0)
    ExpOnce.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, np.e])
    g, = ag.grad(ExpOnce.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), [1.0, np.e])
    with pytest.raises(RuntimeError, match="ExpOnceBackward.*once_differentiable"):
        ag.grad(g.sum(), x)


def test_forward_returning_a_tuple_when_nothing_requires_grad():
    a = ag.tensor([1.0, 2.0])
    s, c = SinCos.apply(a, a)
    assert not s.requires_grad and not c.requires_grad
    np.testing.assert_allclose(c.numpy(), np.cos([1.0, 2.0]).astype(np.float32))


def test_user_function_torch():
    torch = pytest.importorskip("torch")

    class TSinCos(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return (a * b).sin(), a.cos()

        @staticmethod
        def backward(ctx, gs, gc):
            a, b = ctx.saved_tensors
            c = (a * b).cos()
            return gs * c * b - gc * a.sin(), gs * c * a

    av, bv = np.array([0.2, -1.0]), np.array([1.3, 0.4])
    ta, tb = torch.tensor(av, requires_grad=True), torch.tensor(bv, requires_grad=True)
    ts, tc = TSinCos.apply(ta, tb)
    (ts.sum() * 2 + tc.sum()).backward()
    a, b = ag.tensor(av, requires_grad=True), ag.tensor(bv, requires_grad=True)
    s, c = SinCos.apply(a, b)
    (s.sum() * 2 + c.sum()).backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-14)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-14)


def test_built_in_ops_keep_the_array_apply():
    from autograd.function import Function
    from autograd.ops.elementwise import Add
    assert Add.apply.__func__ is Function.apply.__func__
    assert Cube.apply.__func__ is not Function.apply.__func__


# ============================================ zeros through connected masks
@pytest.mark.parametrize("op", ["relu", "abs", "leaky_relu"])
def test_second_grad_through_a_mask_is_zeros_as_pytorch(op):
    """PyTorch records these backward masks as functions of the input, so
    the input stays connected: zeros, not an 'unused' error."""
    x = f64(-1.0, 0.5, 2.0)
    g, = ag.grad(getattr(x, op)().sum(), x, create_graph=True)
    assert g.requires_grad
    gg, = ag.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.numpy(), [0.0, 0.0, 0.0])


def test_gradient_penalty_style_through_relu_net_gives_zero_for_input():
    ag.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)).double()
    x = ag.randn(5, 3, dtype=ag.float64, requires_grad=True)
    g, = ag.grad(net(x).sum(), x, create_graph=True)
    gx, = ag.grad((g * g).sum(), x)
    np.testing.assert_array_equal(gx.numpy(), np.zeros((5, 3)))


def test_zero_slope_changes_nothing_without_create_graph():
    x = f64(-1.0, 0.5, 2.0)
    g, = ag.grad(x.relu().sum(), x)
    assert not g.requires_grad
    np.testing.assert_array_equal(g.numpy(), [0.0, 1.0, 1.0])


def test_second_grad_through_relu_torch():
    torch = pytest.importorskip("torch")
    tx = torch.tensor([-1.0, 0.5, 2.0], requires_grad=True, dtype=torch.float64)
    tg, = torch.autograd.grad(torch.relu(tx).sum(), tx, create_graph=True)
    tgg, = torch.autograd.grad(tg.sum(), tx)
    x = f64(-1.0, 0.5, 2.0)
    g, = ag.grad(x.relu().sum(), x, create_graph=True)
    gg, = ag.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.numpy(), tgg.numpy())


def test_grad_accepts_only_inputs():
    x = f64(1.0, 2.0)
    g, = ag.grad((x * x).sum(), x, only_inputs=True)
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        g, = ag.grad((x * x).sum(), [x], None, None, False, False)
    assert any(issubclass(i.category, FutureWarning) and "only_inputs" in str(i.message)
               for i in w)
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0])


def test_grad_materialize_grads():
    x, y = f64(1.0, 2.0), f64(3.0)
    gx, gy = ag.grad((x * x).sum(), (x, y), materialize_grads=True)
    np.testing.assert_array_equal(gy.numpy(), [0.0])
    assert gy.dtype == np.float64
    with pytest.raises(ValueError, match="allow_unused"):
        ag.grad((x * x).sum(), (x, y), materialize_grads=True, allow_unused=False)
    with pytest.raises(RuntimeError, match="not used"):
        ag.grad((x * x).sum(), (x, y))


# ================================================== type promotion in losses
def test_mse_loss_float_input_int_target_is_float32():
    x = ag.tensor(np.array([[0.5, 1.5], [2.0, -1.0]], np.float32), requires_grad=True)
    t = ag.tensor(np.array([[1, 2], [0, -1]]))
    loss = nn.MSELoss()(x, t)
    assert loss.dtype == np.float32
    assert loss.item() == pytest.approx((0.25 + 0.25 + 4.0 + 0.0) / 4)
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), [[-0.25, -0.25], [1.0, 0.0]])


@pytest.mark.parametrize("fn", [F.mse_loss, F.l1_loss])
def test_integer_input_with_float_target_is_promoted(fn):
    x = ag.tensor(np.array([1, 2, 3]))
    t = ag.tensor(np.array([1.5, 2.0, 2.0], np.float64))
    loss = fn(x, t)
    assert loss.dtype == np.float64
    want = {F.mse_loss: (0.25 + 0 + 1) / 3, F.l1_loss: (0.5 + 0 + 1) / 3}[fn]
    assert loss.item() == pytest.approx(want)


def test_l1_loss_refuses_bool_operands_as_pytorch():
    x = ag.tensor(np.array([0.5, 1.0], np.float32))
    with pytest.raises(RuntimeError, match="l1_loss.*bool"):
        F.l1_loss(x, ag.tensor(np.array([True, False])))
    with pytest.raises(RuntimeError, match="l1_loss.*bool"):
        F.l1_loss(ag.tensor(np.array([True, False])), x)
    assert F.mse_loss(x, ag.tensor(np.array([True, False]))).dtype == np.float32


_DTYPES = {"f32": np.float32, "f64": np.float64, "i64": np.int64, "i32": np.int32,
           "bool": np.bool_, "u8": np.uint8}


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "binary_cross_entropy",
                                  "cross_entropy_prob", "cross_entropy", "nll_loss"])
def test_loss_dtypes_match_torch(name):
    """Result dtype (or refusal) for every input/target dtype pair."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.uniform(0.1, 0.9, (4, 3))
    target = {"cross_entropy": np.array([0, 2, 1, 1]), "nll_loss": np.array([0, 2, 1, 1]),
              "cross_entropy_prob": rng.uniform(size=(4, 3)) / 2}.get(
        name, (rng.uniform(size=(4, 3)) > 0.5).astype(float))
    fname = "cross_entropy" if name == "cross_entropy_prob" else name
    ours, theirs = getattr(F, fname), getattr(torch.nn.functional, fname)
    for xi in ("f32", "f64", "i64", "bool"):
        for yi in _DTYPES:
            xa, ya = x.astype(_DTYPES[xi]), target.astype(_DTYPES[yi])
            try:
                want = str(theirs(torch.tensor(xa), torch.tensor(ya)).dtype).split(".")[1]
            except (RuntimeError, TypeError, ValueError, IndexError):
                want = "error"
            try:
                got = str(ours(ag.tensor(xa), ag.tensor(ya)).dtype)
            except (RuntimeError, TypeError, ValueError, IndexError):
                got = "error"
            assert got == want, (name, xi, yi)


# ---- connected masks beyond relu/abs/leaky_relu: PyTorch records the
# dependence of hardtanh's, relu6's and max pooling's backward on the input,
# so a second grad gives zeros for it (not an "unused input" error)
@pytest.mark.parametrize("name,fn", [
    ("hardtanh", lambda t: F.hardtanh(t, -0.5, 0.5)),
    ("relu6", lambda t: F.relu6(t * 4)),
    ("max_pool2d", lambda t: F.max_pool2d(t.reshape(1, 2, 3, 4), 2, 1, ceil_mode=True)),
    ("adaptive_max_pool2d", lambda t: F.adaptive_max_pool2d(t.reshape(1, 2, 3, 4), 2)),
])
def test_second_grad_through_piecewise_ops_is_zero(name, fn):
    x = ag.tensor(np.random.default_rng(0).normal(size=24), requires_grad=True)
    g, = ag.grad(fn(x).sum(), x, create_graph=True)
    assert g.requires_grad, name
    gg, = ag.grad(g.sum(), x)
    np.testing.assert_array_equal(gg.numpy(), np.zeros(24))
    assert ag.gradgradcheck(fn, (x.detach().requires_grad_(),))


def test_max_pool_input_changed_in_place_before_backward_is_an_error():
    x = ag.randn(1, 1, 4, 4, requires_grad=True)
    y = F.max_pool2d(x, 2)
    with ag.no_grad():
        x.add_(1.0)
    with pytest.raises(RuntimeError, match="MaxPool2DWithIndices.*modified by an in-place"):
        y.sum().backward()
    assert x.grad is None

"""``torch.autograd.functional`` (issue 11): vjp, jvp, jacobian, hessian,
vhp, hvp.

Every expected value is written down in closed form (what PyTorch 2.13
gives for it); where PyTorch is installed, separate tests compare values,
nesting and shapes with it across random smooth functions."""
import subprocess
import sys

import numpy as np
import pytest

import autograd as ag
import autograd.functional as AF

F64 = ag.float64


def t64(values, requires_grad=False):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


def arr(t):
    return t.detach().numpy()


X = [1.0, -2.0, 0.5]


# ------------------------------------------------------------ import forms
def test_import_forms_reach_the_same_module():
    code = (
        "import chainrule as torch\n"
        "import chainrule.autograd.functional as AF\n"
        "from chainrule.autograd.functional import jacobian, hessian, vjp, jvp, vhp, hvp\n"
        "from chainrule.autograd import functional\n"
        "import autograd.functional as real\n"
        "assert AF is real and functional is real and torch.autograd.functional is real\n"
        "assert jacobian is real.jacobian and hvp is real.hvp\n"
        "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# ------------------------------------------------------------ closed forms
def test_hessian_of_sum_of_cubes_is_diag_6x():
    x = t64(X)
    h = AF.hessian(lambda x: (x ** 3).sum(), x)
    np.testing.assert_allclose(arr(h), np.diag(6 * np.array(X)), rtol=1e-12)
    assert h.shape == (3, 3) and h.dtype == F64 and h.grad_fn is None


def test_jacobian_of_matrix_map_is_the_matrix():
    A = np.arange(6.0).reshape(2, 3) - 2.5
    J = AF.jacobian(lambda x: ag.tensor(A) @ x, t64(X))
    np.testing.assert_array_equal(arr(J), A)


def test_jacobian_shapes_are_output_shape_plus_input_shape():
    x = ag.tensor(np.random.default_rng(0).normal(size=(2, 3)))
    J = AF.jacobian(lambda x: x.sum(0) * 2.0, x)
    assert J.shape == (3, 2, 3)
    expected = np.zeros((3, 2, 3))
    for k in range(3):
        expected[k, :, k] = 2.0
    np.testing.assert_array_equal(arr(J), expected)


def test_jacobian_of_scalar_output_has_the_input_shape():
    x = t64([[1.0, 2.0], [3.0, 4.0]])
    J = AF.jacobian(lambda x: (x ** 2).sum(), x)
    np.testing.assert_allclose(arr(J), 2 * arr(x))


def test_vjp_is_v_transposed_times_jacobian():
    x = t64(X)
    v = t64([1.0, 10.0])
    A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out, g = AF.vjp(lambda x: ag.tensor(A) @ x, x, v)
    np.testing.assert_allclose(arr(out), A @ np.array(X))
    np.testing.assert_allclose(arr(g), np.array([1.0, 10.0]) @ A)


def test_vjp_with_scalar_output_implies_v_of_one():
    out, g = AF.vjp(lambda x: (x ** 2).sum(), t64(X))
    assert out.item() == pytest.approx(5.25)
    np.testing.assert_allclose(arr(g), 2 * np.array(X))


def test_jvp_is_jacobian_times_v():
    x, v = t64(X), t64([1.0, 0.0, 2.0])
    out, g = AF.jvp(lambda x: x ** 3, x, v)
    np.testing.assert_allclose(arr(out), np.array(X) ** 3)
    np.testing.assert_allclose(arr(g), 3 * np.array(X) ** 2 * np.array([1.0, 0.0, 2.0]))


def test_jvp_of_a_map_to_another_shape():
    A = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out, g = AF.jvp(lambda x: ag.tensor(A) @ x, t64(X), t64([1.0, 1.0, 1.0]))
    np.testing.assert_allclose(arr(g), A.sum(1))


def test_jvp_with_single_element_input_implies_v_of_one():
    out, g = AF.jvp(lambda x: ag.stack([x.sum() * 2, x.sum() ** 2]), t64([3.0]))
    np.testing.assert_allclose(arr(g), [2.0, 6.0])


def test_hvp_and_vhp_of_a_quadratic_form():
    M = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, -1.0], [4.0, 0.0, 1.0]])  # not symmetric
    H = M + M.T
    v = np.array([1.0, -1.0, 2.0])
    f = lambda x: (x * (ag.tensor(M) @ x)).sum()  # noqa: E731
    out, hv = AF.hvp(f, t64(X), t64(v))
    _, vh = AF.vhp(f, t64(X), t64(v))
    x = np.array(X)
    assert out.item() == pytest.approx(x @ M @ x)
    np.testing.assert_allclose(arr(hv), H @ v)
    np.testing.assert_allclose(arr(vh), v @ H)


def test_hessian_of_a_two_input_function_is_a_tuple_of_tuples():
    # f(x, y) = sum(x^2 * y): d2/dx2 = diag(2y), d2/dxdy = diag(2x), d2/dy2 = 0
    x, y = t64([1.0, 2.0]), t64([3.0, -1.0])
    H = AF.hessian(lambda x, y: (x ** 2 * y).sum(), (x, y))
    assert isinstance(H, tuple) and all(isinstance(r, tuple) and len(r) == 2 for r in H)
    np.testing.assert_allclose(arr(H[0][0]), np.diag([6.0, -2.0]))
    np.testing.assert_allclose(arr(H[0][1]), np.diag([2.0, 4.0]))
    np.testing.assert_allclose(arr(H[1][0]), np.diag([2.0, 4.0]))
    np.testing.assert_array_equal(arr(H[1][1]), np.zeros((2, 2)))


def test_hessian_of_single_element_output_of_shape_1_1():
    x = t64([1.0, 2.0])
    H = AF.hessian(lambda x: (x ** 3).sum().reshape(1, 1), x)
    assert H.shape == (2, 2)
    np.testing.assert_allclose(arr(H), np.diag([6.0, 12.0]))


# ------------------------------------------------------------ nesting
def two_by_two(a, b):
    return a * b, (a ** 2).sum() + b.sum()


def test_jacobian_nesting_all_four_cases():
    a, b = t64([1.0, 2.0]), t64([3.0, 4.0])
    tt = AF.jacobian(two_by_two, (a, b))
    assert isinstance(tt, tuple) and len(tt) == 2
    assert [tuple(j.shape) for row in tt for j in row] == [(2, 2), (2, 2), (2,), (2,)]
    np.testing.assert_allclose(arr(tt[0][0]), np.diag([3.0, 4.0]))
    np.testing.assert_allclose(arr(tt[1][0]), [2.0, 4.0])
    np.testing.assert_allclose(arr(tt[1][1]), [1.0, 1.0])

    single_in = AF.jacobian(lambda a: (a * 2, a.sum()), a)  # tuple out, tensor in
    assert isinstance(single_in, tuple) and isinstance(single_in[0], ag.Tensor)
    assert single_in[0].shape == (2, 2) and single_in[1].shape == (2,)

    single_out = AF.jacobian(lambda a, b: a * b, (a, b))  # tensor out, tuple in
    assert isinstance(single_out, tuple) and isinstance(single_out[1], ag.Tensor)
    np.testing.assert_allclose(arr(single_out[1]), np.diag([1.0, 2.0]))

    plain = AF.jacobian(lambda a: a * 2, a)
    assert isinstance(plain, ag.Tensor)


def test_vjp_jvp_nesting_follows_inputs_and_outputs():
    a, b = t64([1.0, 2.0]), t64([3.0, 4.0])
    out, g = AF.vjp(two_by_two, (a, b), (t64([1.0, 1.0]), t64(2.0)))
    assert isinstance(out, tuple) and isinstance(g, tuple) and len(g) == 2
    # d/da [sum(a*b) + 2*(sum a^2 + sum b)] = b + 4a ; d/db = a + 2
    np.testing.assert_allclose(arr(g[0]), [7.0, 12.0])
    np.testing.assert_allclose(arr(g[1]), [3.0, 4.0])
    out, g = AF.jvp(two_by_two, (a, b), (t64([1.0, 0.0]), t64([0.0, 1.0])))
    assert isinstance(g, tuple) and len(g) == 2  # one per output
    np.testing.assert_allclose(arr(g[0]), [3.0, 2.0])
    assert g[1].item() == pytest.approx(2.0 * 1.0 + 1.0)
    out, g = AF.vjp(lambda a: a.sum(), a)
    assert isinstance(out, ag.Tensor) and isinstance(g, ag.Tensor)


# ------------------------------------------------------------ graphs
def test_results_are_detached_without_create_graph():
    x = t64(X, requires_grad=True)
    out, g = AF.vjp(lambda x: (x ** 3).sum(), x)
    assert not out.requires_grad and not g.requires_grad
    J = AF.jacobian(lambda x: x ** 3, x)
    assert not J.requires_grad and J.grad_fn is None


def test_create_graph_allows_a_further_grad():
    x = t64(X, requires_grad=True)
    J = AF.jacobian(lambda x: x ** 3, x, create_graph=True)  # diag(3x^2)
    assert J.requires_grad
    (g,) = ag.grad(J.sum(), x)
    np.testing.assert_allclose(arr(g), 6 * np.array(X))
    _, hv = AF.hvp(lambda x: (x ** 4).sum(), x, t64([1.0, 1.0, 1.0]), create_graph=True)
    (g,) = ag.grad(hv.sum(), x)  # hv = 12 x^2 -> 24 x
    np.testing.assert_allclose(arr(g), 24 * np.array(X))
    H = AF.hessian(lambda x: (x ** 4).sum(), x, create_graph=True)
    (g,) = ag.grad(H.sum(), x)
    np.testing.assert_allclose(arr(g), 24 * np.array(X))
    out, jv = AF.jvp(lambda x: x ** 3, x, t64([1.0, 1.0, 1.0]), create_graph=True)
    (g,) = ag.grad(jv.sum(), x)
    np.testing.assert_allclose(arr(g), 6 * np.array(X))
    out, vh = AF.vhp(lambda x: (x ** 4).sum(), x, t64([1.0, 1.0, 1.0]), create_graph=True)
    assert out.requires_grad
    (g,) = ag.grad(vh.sum(), x)
    np.testing.assert_allclose(arr(g), 24 * np.array(X))


def test_create_graph_results_pass_gradcheck():
    v = t64([0.3, -1.0, 2.0])

    def hv(x):
        return AF.hvp(lambda a: (a.sin() * a ** 2).sum(), x, v, create_graph=True)[1]

    def jac(x):
        return AF.jacobian(lambda a: a.tanh() * a.sum(), x, create_graph=True)

    def jv(x):
        return AF.jvp(lambda a: a.exp() * a[0], x, v, create_graph=True)[1]

    for fn in (hv, jac, jv):
        assert ag.gradcheck(fn, (t64(X, requires_grad=True),))


def test_float32_stays_float32():
    x = ag.tensor(np.array(X, dtype=np.float32))
    assert AF.jacobian(lambda a: a ** 2, x).dtype == ag.float32
    assert AF.hessian(lambda a: (a ** 3).sum(), x).dtype == ag.float32
    assert AF.jvp(lambda a: a ** 2, x, ag.ones(3))[1].dtype == ag.float32


def test_user_tensors_are_not_changed():
    x = t64(X)
    y = t64(X, requires_grad=True)
    for fn in (AF.jacobian, AF.hessian):
        fn(lambda a: (a ** 3).sum(), x)
        fn(lambda a: (a ** 3).sum(), y)
    AF.vjp(lambda a: (a ** 3).sum(), y)
    AF.hvp(lambda a: (a ** 3).sum(), y, t64(X), create_graph=True)
    assert not x.requires_grad and x.grad is None and x.is_leaf
    assert y.requires_grad and y.grad is None and y.is_leaf
    np.testing.assert_array_equal(arr(x), X)


def test_works_under_no_grad():
    with ag.no_grad():
        H = AF.hessian(lambda x: (x ** 3).sum(), t64(X))
    np.testing.assert_allclose(arr(H), np.diag(6 * np.array(X)))


# ------------------------------------------------------------ unused inputs and strict
def uses_only_first(x, y):
    return x * 2.0


def test_unused_input_gives_zeros_when_not_strict():
    x, y = t64([1.0, 2.0]), t64([5.0])
    _, g = AF.vjp(uses_only_first, (x, y), t64([1.0, 1.0]))
    np.testing.assert_array_equal(arr(g[1]), [0.0])
    J = AF.jacobian(uses_only_first, (x, y))
    np.testing.assert_array_equal(arr(J[1]), np.zeros((2, 1)))
    H = AF.hessian(lambda x, y: (x ** 2).sum(), (x, y))
    np.testing.assert_array_equal(arr(H[1][1]), np.zeros((1, 1)))
    np.testing.assert_array_equal(arr(H[0][0]), 2 * np.eye(2))


def test_linear_function_has_zero_hessian():
    H = AF.hessian(lambda x: (x * 3.0).sum(), t64(X))
    np.testing.assert_array_equal(arr(H), np.zeros((3, 3)))
    _, hv = AF.hvp(lambda x: (x * 3.0).sum(), t64(X), t64(X))
    np.testing.assert_array_equal(arr(hv), np.zeros(3))


@pytest.mark.parametrize("call", [
    lambda x, y: AF.vjp(uses_only_first, (x, y), t64([1.0, 1.0]), strict=True),
    lambda x, y: AF.jvp(uses_only_first, (x, y), (t64([1.0, 1.0]), t64([1.0])), strict=True),
    lambda x, y: AF.jacobian(uses_only_first, (x, y), strict=True),
    lambda x, y: AF.hessian(lambda x, y: (x ** 2).sum(), (x, y), strict=True),
    lambda x, y: AF.vhp(lambda x, y: (x ** 2).sum(), (x, y), (x, y), strict=True),
    lambda x, y: AF.hvp(lambda x, y: (x ** 2).sum(), (x, y), (x, y), strict=True),
])
def test_strict_names_the_independent_input(call):
    x, y = t64([1.0, 2.0]), t64([5.0])
    with pytest.raises(RuntimeError, match="input 1"):
        call(x, y)
    for t in (x, y):  # the refused call left the caller's tensors as they were
        assert not t.requires_grad and t.grad is None
    np.testing.assert_array_equal(arr(x), [1.0, 2.0])


def test_strict_refuses_an_output_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match="output 0"):
        AF.jacobian(lambda x: ag.zeros(2, dtype=F64), t64(X), strict=True)
    J = AF.jacobian(lambda x: ag.zeros(2, dtype=F64), t64(X))
    np.testing.assert_array_equal(arr(J), np.zeros((2, 3)))


def test_strict_hessian_refuses_a_linear_function():
    with pytest.raises(RuntimeError, match="input 0"):
        AF.hessian(lambda x: (x * 3.0).sum(), t64(X), strict=True)


# ------------------------------------------------------------ argument errors
def test_v_shape_mismatch_names_v_and_both_shapes():
    with pytest.raises(RuntimeError, match=r"v has shape \(2,\).*\(3,\)"):
        AF.vjp(lambda x: x * 2, t64(X), t64([1.0, 1.0]))
    with pytest.raises(RuntimeError, match=r"entry 1 of v has shape \(3,\).*\(1,\)"):
        AF.jvp(uses_only_first, (t64([1.0, 2.0]), t64([5.0])), (t64([1.0, 1.0]), t64(X)))
    with pytest.raises(RuntimeError, match="v is a tuple of 1 tensors"):
        AF.hvp(lambda x, y: (x * y).sum(), (t64([1.0]), t64([5.0])), (t64([1.0]),))


def test_v_can_be_left_out_only_for_single_elements():
    with pytest.raises(RuntimeError, match="v can be left out"):
        AF.vjp(lambda x: x * 2, t64(X))
    with pytest.raises(RuntimeError, match="v can be left out"):
        AF.jvp(lambda x: x * 2, t64(X))
    with pytest.raises(RuntimeError, match="v can be left out"):
        AF.hvp(lambda x: (x * 2).sum(), t64(X))


def test_func_returning_a_non_tensor_is_a_type_error():
    with pytest.raises(TypeError, match="list"):
        AF.jacobian(lambda x: [x * 2], t64(X))
    with pytest.raises(TypeError, match="index 1"):
        AF.vjp(lambda x: (x.sum(), 3.0), t64(X), (t64(1.0), t64(1.0)))
    with pytest.raises(TypeError, match="float"):
        AF.hessian(lambda x: 1.0, t64(X))


def test_inputs_must_be_a_tensor_or_a_tuple():
    with pytest.raises(TypeError, match="inputs"):
        AF.jacobian(lambda x: x * 2, [t64(X)])


def test_hessian_vhp_hvp_need_one_single_element_output():
    for fn in ("hessian", "vhp", "hvp"):
        args = () if fn == "hessian" else (t64(X),)
        with pytest.raises(RuntimeError, match=r"single element, got shape \(3,\)"):
            getattr(AF, fn)(lambda x: x * 2, t64(X), *args)
        with pytest.raises(RuntimeError, match="single Tensor"):
            getattr(AF, fn)(lambda x: (x.sum(), x.sum()), t64(X), *args)


def test_strategy_options():
    x = t64(X)
    with pytest.raises(AssertionError, match="forward"):
        AF.jacobian(lambda x: x * 2, x, strategy="fwd")
    with pytest.raises(NotImplementedError, match="vectorize=True"):
        AF.jacobian(lambda x: x * 2, x, strategy="forward-mode")
    with pytest.raises(NotImplementedError, match="create_graph"):
        AF.jacobian(lambda x: x * 2, x, strategy="forward-mode", vectorize=True,
                    create_graph=True)
    with pytest.raises(RuntimeError, match="strict"):
        AF.jacobian(lambda x: x * 2, x, strategy="forward-mode", vectorize=True, strict=True)
    with pytest.raises(RuntimeError, match="strict"):
        AF.jacobian(lambda x: x * 2, x, vectorize=True, strict=True)
    J = AF.jacobian(lambda x: x ** 3, x, strategy="forward-mode", vectorize=True)
    np.testing.assert_allclose(arr(J), np.diag(3 * np.array(X) ** 2))
    H = AF.hessian(lambda x: (x ** 3).sum(), x, vectorize=True,
                   outer_jacobian_strategy="forward-mode")
    np.testing.assert_allclose(arr(H), np.diag(6 * np.array(X)))
    assert not H.requires_grad


def test_integer_inputs_are_refused():
    with pytest.raises(RuntimeError, match="floating"):  # PyTorch: RuntimeError
        AF.jacobian(lambda x: x * 2, ag.tensor([1, 2]))


# ------------------------------------------------------------ PyTorch oracle
SMOOTH = {
    # name: (func builder taking the namespace, input shapes, tuple input?)
    "tanh_matmul": (lambda T: (lambda x: T.tanh(x @ x.T).sum(0)), [(3, 2)], False),
    "two_in_two_out": (lambda T: (lambda a, b: (T.sin(a) * b, (a.exp() * b ** 2).sum())),
                       [(3,), (3,)], True),
    "scalar_in": (lambda T: (lambda s, v: (s * v).sigmoid()), [(), (4,)], True),
    "log_softplus": (lambda T: (lambda x: (x ** 2 + 1).log().mean().reshape(1)), [(2, 2)],
                     False),
}


def _to_numpy(value):
    if isinstance(value, tuple):
        return tuple(_to_numpy(v) for v in value)
    return value.detach().numpy()


def _assert_same(mine, theirs):
    assert type(mine) is tuple if isinstance(theirs, tuple) else not isinstance(mine, tuple)
    if isinstance(theirs, tuple):
        assert len(mine) == len(theirs)
        for m, t in zip(mine, theirs):
            _assert_same(m, t)
    else:
        assert mine.shape == theirs.shape
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


def _torch_to_numpy(value):
    if isinstance(value, (tuple, list)):
        return tuple(_torch_to_numpy(v) for v in value)
    return value.detach().numpy()


@pytest.mark.parametrize("name", sorted(SMOOTH))
@pytest.mark.parametrize("seed", [0, 1])
def test_matches_pytorch_on_smooth_functions(name, seed):
    torch = pytest.importorskip("torch")
    import torch.autograd.functional as TF
    build, shapes, tuple_in = SMOOTH[name]
    rng = np.random.default_rng(seed)
    data = [rng.normal(size=s) for s in shapes]
    mine_in = tuple(ag.tensor(d) for d in data)
    theirs_in = tuple(torch.tensor(d) for d in data)
    if not tuple_in:
        mine_in, theirs_in = mine_in[0], theirs_in[0]
    f_mine, f_theirs = build(ag), build(torch)
    outs = f_theirs(*(theirs_in if tuple_in else (theirs_in,)))
    out_data = [rng.normal(size=tuple(o.shape)) for o in (outs if isinstance(outs, tuple)
                                                          else (outs,))]
    in_v = (tuple(ag.tensor(d) for d in (rng.normal(size=s) for s in shapes)))
    in_v_t = tuple(torch.tensor(arr(v)) for v in in_v)
    out_v = tuple(ag.tensor(d) for d in out_data)
    out_v_t = tuple(torch.tensor(d) for d in out_data)
    if not tuple_in:
        in_v, in_v_t = in_v[0], in_v_t[0]
    if not isinstance(outs, tuple):
        out_v, out_v_t = out_v[0], out_v_t[0]

    _assert_same(_to_numpy(AF.jacobian(f_mine, mine_in)),
                 _torch_to_numpy(TF.jacobian(f_theirs, theirs_in)))
    _assert_same(_to_numpy(AF.jacobian(f_mine, mine_in, strategy="forward-mode",
                                       vectorize=True)),
                 _torch_to_numpy(TF.jacobian(f_theirs, theirs_in)))
    _assert_same(_to_numpy(AF.vjp(f_mine, mine_in, out_v)),
                 _torch_to_numpy(TF.vjp(f_theirs, theirs_in, out_v_t)))
    _assert_same(_to_numpy(AF.jvp(f_mine, mine_in, in_v)),
                 _torch_to_numpy(TF.jvp(f_theirs, theirs_in, in_v_t)))
    if not isinstance(outs, tuple) and outs.numel() == 1:
        for fn in ("hessian",):
            _assert_same(_to_numpy(AF.hessian(f_mine, mine_in)),
                         _torch_to_numpy(TF.hessian(f_theirs, theirs_in)))
        for fn in ("vhp", "hvp"):
            _assert_same(_to_numpy(getattr(AF, fn)(f_mine, mine_in, in_v)),
                         _torch_to_numpy(getattr(TF, fn)(f_theirs, theirs_in, in_v_t)))


def test_hessian_of_two_inputs_matches_pytorch():
    torch = pytest.importorskip("torch")
    import torch.autograd.functional as TF
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(2, 2)), rng.normal(size=3)

    def f(T):
        return lambda a, b: (T.tanh(a).sum() * b.exp()).sum() + (a ** 3).sum()

    mine = AF.hessian(f(ag), (ag.tensor(a), ag.tensor(b)))
    theirs = TF.hessian(f(torch), (torch.tensor(a), torch.tensor(b)))
    _assert_same(_to_numpy(mine), _torch_to_numpy(theirs))
    assert [tuple(m.shape) for r in mine for m in r] == [(2, 2, 2, 2), (2, 2, 3), (3, 2, 2),
                                                          (3, 3)]

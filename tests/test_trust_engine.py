"""Engine guarantees beyond single ops: gradient accumulation is safe under
threads, a backward that fails half-way changes nothing, and complex
numbers are refused wherever a gradient would have to go through them
(chainrule does not implement Wirtinger calculus, so it never pretends to)."""
import sys
import threading

import numpy as np
import pytest

import autograd as ag


# ----------------------------------------------------------------- threads
@pytest.fixture
def eager_thread_switching():
    """Switch threads as often as the interpreter allows, so a read-modify-
    write of ``.grad`` that is not protected loses updates reliably."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


@pytest.mark.parametrize("create_graph", [False, True])
def test_threads_running_backward_into_one_leaf_lose_no_update(eager_thread_switching,
                                                                create_graph):
    w = ag.ones(64, dtype=ag.float64, requires_grad=True)
    n_threads, passes = 4, 100
    errors = []

    def work():
        try:
            for _ in range(passes):
                ((w * 2.0).sum() + (w * w).sum() * 0.0).backward(create_graph=create_graph)
        except Exception as e:  # surfaced below; a thread's exception is otherwise lost
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    np.testing.assert_array_equal(w.grad.data, np.full(64, 2.0 * n_threads * passes))


def test_threads_accumulating_into_a_retained_non_leaf_lose_no_update(eager_thread_switching):
    x = ag.ones(16, dtype=ag.float64, requires_grad=True)
    h = x * 3.0
    h.retain_grad()
    y = (h * h).sum()

    def work():
        for _ in range(25):
            y.backward(retain_graph=True)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_array_equal(h.grad.data, np.full(16, 6.0 * 100))
    np.testing.assert_array_equal(x.grad.data, np.full(16, 18.0 * 100))


# ------------------------------------------------- failing backward is atomic
class _FailsOnce(ag.Function):
    """Identity whose backward raises the first time it runs."""
    armed = True

    @staticmethod
    def forward(ctx, a):
        return a.clone()

    @staticmethod
    def backward(ctx, g):
        if _FailsOnce.armed:
            _FailsOnce.armed = False
            raise ValueError("deliberate failure inside backward")
        return g


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_backward_that_fails_half_way_leaves_grads_and_graph_as_they_were(create_graph):
    _FailsOnce.armed = True
    a = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    b = ag.tensor([3.0, 4.0], dtype=ag.float64, requires_grad=True)
    a.grad = ag.tensor([10.0, 10.0], dtype=ag.float64)
    h = a * b  # b's gradient (a) is delivered before the failing branch runs
    h.retain_grad()
    y = _FailsOnce.apply(a * a).sum() + (h * 2.0).sum()
    with pytest.raises(ValueError, match="deliberate"):
        y.backward(create_graph=create_graph)
    assert b.grad is None
    np.testing.assert_array_equal(a.grad.data, [10.0, 10.0])
    assert h.grad is None
    # the graph was not released by the failed call: the same backward now works
    y.backward(create_graph=create_graph)
    np.testing.assert_array_equal(b.grad.data, [2.0, 4.0])
    np.testing.assert_array_equal(a.grad.data, [10.0 + 6.0 + 2.0, 10.0 + 8.0 + 4.0])
    np.testing.assert_array_equal(h.grad.data, [2.0, 2.0])


def test_a_version_error_in_backward_changes_no_grad():
    a = ag.tensor([1.0, 2.0], dtype=ag.float64, requires_grad=True)
    c = ag.tensor([5.0, 6.0], dtype=ag.float64, requires_grad=True)
    s = a * 1.0
    y = (c * 3.0).sum() + (s * s).sum()
    s.add_(1.0)  # s was saved by s * s
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()
    assert a.grad is None and c.grad is None


# ----------------------------------------------------------------- complex
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_tensors_cannot_require_grad(dtype):
    z = ag.tensor(np.array([1 + 2j, 3 - 1j], dtype=dtype))
    with pytest.raises(TypeError, match="complex"):
        z.requires_grad_()
    assert not z.requires_grad
    with pytest.raises(TypeError, match="complex"):
        ag.tensor(np.array([1 + 2j], dtype=dtype), requires_grad=True)


def test_the_audit_case_is_refused_not_wrong():
    with pytest.raises(TypeError, match="complex"):
        x = ag.tensor(np.array([1 + 1j, 2 - 3j]), requires_grad=True)
        (x * x).abs().sum().backward()


@pytest.mark.parametrize("make", [lambda w: w * 1j,
                                  lambda w: w + ag.tensor(np.array([1j, 2j, 3j])),
                                  lambda w: ag.tensor(np.array([1j, 2j, 3j])) * w,
                                  lambda w: w.to(np.complex128),
                                  lambda w: w.clamp(min=1j),
                                  lambda w: w @ ag.tensor(np.ones((3, 2)) * 1j)],
                         ids=["python-complex", "tensor-add", "tensor-rmul", "cast", "clamp",
                              "matmul"])
def test_a_tracked_real_tensor_cannot_silently_become_complex(make):
    w = ag.ones(3, dtype=ag.float64, requires_grad=True)
    with pytest.raises(TypeError, match="complex"):
        make(w)


def test_complex_values_still_compute_without_grad():
    z = ag.tensor(np.array([1 + 2j, 3 - 1j]))
    np.testing.assert_allclose((z * z).abs().data, np.abs(np.array([1 + 2j, 3 - 1j]) ** 2))
    w = ag.ones(2, dtype=ag.float64, requires_grad=True)
    with ag.no_grad():
        assert (w * z).dtype == np.complex128


def test_assigning_another_tensors_array_keeps_this_tensor_updatable():
    a = ag.zeros(3, dtype=ag.float64)
    b = ag.ones(3, dtype=ag.float64)
    version = a._vc[0]
    a.data = b.numpy()  # a read-only export of b: copied
    assert a._vc[0] == version + 1
    a.add_(1.0)
    np.testing.assert_array_equal(a.numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(b.numpy(), [1.0, 1.0, 1.0])


def test_assigning_another_tensors_data_shares_its_memory_as_in_pytorch():
    a = ag.zeros(3, dtype=ag.float64)
    b = ag.ones(3, dtype=ag.float64)
    a.data = b.data
    a.add_(1.0)
    np.testing.assert_array_equal(a.numpy(), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(b.numpy(), [2.0, 2.0, 2.0])


# ------------------------------------------- complex values (no gradients)
def test_python_complex_data_defaults_to_complex64_as_python_floats_to_float32():
    assert ag.tensor([1 + 2j]).dtype == np.complex64
    assert ag.tensor(1j).dtype == np.complex64
    assert ag.tensor(np.array([1j])).dtype == np.complex128  # NumPy data keeps its dtype
    assert ag.tensor([3 + 4j]).abs().dtype == np.float32


@pytest.mark.parametrize("op,ref", [("exp", np.exp), ("log", np.log), ("sqrt", np.sqrt),
                                    ("sin", np.sin), ("cos", np.cos), ("tanh", np.tanh)])
def test_complex_functions_keep_the_imaginary_part(op, ref):
    z = np.array([1j, -1 + 0j, 0.5 - 2j], dtype=np.complex64)
    out = getattr(ag.tensor(z), op)()
    assert out.dtype == np.complex64
    np.testing.assert_allclose(out.data, ref(z), rtol=1e-5)


@pytest.mark.parametrize("call", [
    lambda z: z.sigmoid(), lambda z: z.relu(), lambda z: z.leaky_relu(),
    lambda z: z.softplus(), lambda z: z.softmax(0), lambda z: z.log_softmax(0),
    lambda z: z.logsumexp(0), lambda z: z.max(), lambda z: z.amax(), lambda z: z.argmax(),
    lambda z: z.argmin(), lambda z: z.min(dim=0), lambda z: z < z, lambda z: z >= 1.0,
    lambda z: z.sign(), lambda z: z.elu()],
    ids=["sigmoid", "relu", "leaky_relu", "softplus", "softmax", "log_softmax", "logsumexp",
         "max", "amax", "argmax", "argmin", "min-dim", "lt", "ge", "sign", "elu"])
def test_ops_without_a_complex_meaning_refuse_instead_of_dropping_the_imaginary_part(call):
    z = ag.tensor([1j, 2 + 0j])
    with pytest.raises(TypeError, match="complex"):
        call(z)


def test_an_explicit_real_conversion_keeps_the_real_part_with_a_warning():
    with pytest.warns(UserWarning, match="imaginary"):
        r = ag.tensor([1 + 2j, -3j]).float()
    np.testing.assert_array_equal(r.data, [1.0, 0.0])
    assert r.dtype == np.float32


# ------------------------------------------------------------ bitwise ops
def test_and_or_xor_are_bitwise_on_integers_and_logical_on_bools():
    i = ag.tensor([6, 1, 3])
    b = ag.tensor([True, False, True])
    np.testing.assert_array_equal((i & 3).data, [2, 1, 3])
    np.testing.assert_array_equal((i | 4).data, [6, 5, 7])
    np.testing.assert_array_equal((i ^ i).data, [0, 0, 0])
    assert (i & 3).dtype == np.int64 and (i ^ i).dtype == np.int64
    assert (i & b).dtype == np.int64
    np.testing.assert_array_equal((b & b).data, [True, False, True])
    np.testing.assert_array_equal((3 & i).data, [2, 1, 3])
    with pytest.raises(TypeError, match="integer and bool"):
        ag.ones(2) & ag.ones(2)


def test_backward_adds_into_the_existing_grad_tensor_in_place():
    """As PyTorch: code holding a reference to .grad sees the sum."""
    x = ag.ones(3, dtype=ag.float64, requires_grad=True)
    x.grad = ag.zeros(3, dtype=ag.float64)
    g0 = x.grad
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    assert x.grad is g0
    np.testing.assert_array_equal(g0.data, [5.0, 5.0, 5.0])


def test_a_grad_that_cannot_take_the_sum_in_place_is_replaced():
    x = ag.ones(2, dtype=ag.float64, requires_grad=True)
    x.grad = ag.zeros(1, dtype=ag.float64).expand(2)  # a read-only broadcast view
    (x * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


@pytest.mark.parametrize("value,kind,words", [
    (ag.ones(3, dtype=ag.float64), RuntimeError, ["shape (3,)", "(2,)"]),
    (ag.ones(2, dtype=ag.float32), RuntimeError, ["dtype float32", "float64"]),
    (np.ones(2), TypeError, ["Tensor or None", "ndarray"]),
], ids=["shape", "dtype", "array"])
def test_assigning_a_grad_that_does_not_fit_is_refused_as_in_pytorch(value, kind, words):
    x = ag.ones(2, dtype=ag.float64, requires_grad=True)
    x.grad = ag.tensor([1.0, 2.0], dtype=ag.float64)
    kept = x.grad
    with pytest.raises(kind) as info:
        x.grad = value
    assert all(w in str(info.value) for w in words)
    assert x.grad is kept
    x.grad = None
    assert x.grad is None


@pytest.mark.parametrize("call", [
    lambda: ag.tensor([1 + 2j]).clamp(max=0.5),
    lambda: ag.maximum(ag.tensor([1 + 5j]), ag.tensor([2 + 0j])),
    lambda: ag.minimum(ag.tensor([1.0]), ag.tensor([1j])),
    lambda: np.float64(2) < ag.tensor([1j]),
    lambda: ag.full((2,), 2 + 3j, dtype=ag.float32),
    lambda: ag.full_like(ag.zeros(2), 2 + 3j),
], ids=["clamp", "maximum", "minimum", "numpy-scalar-lt", "full", "full_like"])
def test_complex_values_are_never_ordered_or_truncated(call):
    with pytest.raises(TypeError, match="complex"):
        call()


def test_numpy_scalars_are_weak_on_either_side_of_bitwise_ops():
    t = ag.tensor([5, 6], dtype=ag.int8)
    assert (np.int32(3) & t).dtype == np.int8
    assert (t & np.int32(3)).dtype == np.int8
    np.testing.assert_array_equal((np.int64(4) | t).data, [5, 6])


@pytest.mark.parametrize("args,expected", [((2.5,), [0, 1]), ((0, 3, 1.5), [0, 1, 2]),
                                           ((1.9, 4.2), [1, 2, 3])])
def test_arange_with_an_integer_dtype_converts_its_arguments_first(args, expected):
    out = ag.arange(*args, dtype=ag.int64)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.data, expected)


def test_arange_whose_step_converts_to_zero_is_refused():
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        ag.arange(0, 1, 0.25, dtype=ag.int64)


def test_an_empty_nested_list_is_float32():
    assert ag.tensor([[]]).dtype == np.float32 and ag.tensor([[]]).shape == (1, 0)


@pytest.mark.parametrize("dtype,expected", [(np.int64, np.complex64), (np.float32, np.complex64),
                                            (np.float64, np.complex128),
                                            (np.bool_, np.complex64)])
def test_a_python_complex_scalar_gives_pytorchs_complex_dtype(dtype, expected):
    t = ag.tensor(np.array([1, 0], dtype=dtype))
    assert (t * 1j).dtype == expected and (1j * t).dtype == expected


def test_sign_of_bool_is_bool_and_invert_of_float_is_refused():
    b = ag.tensor([True, False])
    assert b.sign().dtype == np.bool_
    np.testing.assert_array_equal(b.sign().data, [True, False])
    with pytest.raises(TypeError, match="integer and bool"):
        ~ag.ones(2)

"""Misuse that PyTorch reports as RuntimeError is a RuntimeError here too
(so ported ``except RuntimeError`` clauses work), while staying the Python
type that fits (ValueError for a bad value or shape, TypeError for a bad
dtype), so Pythonic ``except`` clauses work as well."""
import pytest

import autograd as ag

CASES = {  # name: (call on a library module, the Python type it also is)
    "max of an empty tensor": (lambda L: L.zeros(0).max(), ValueError),
    "var of an integer tensor": (lambda L: L.tensor([1, 2, 3]).var(), TypeError),
    "norm with an unknown order": (lambda L: L.ones(3).norm(p="nope"), ValueError),
    "norm of an integer tensor": (lambda L: L.tensor([1, 2]).norm(), TypeError),
    "matmul with mismatched shapes": (lambda L: L.ones(2, 3) @ L.ones(2, 3), ValueError),
    "item of two elements": (lambda L: L.ones(2).item(), ValueError),
    "t of a 3-d tensor": (lambda L: L.ones(2, 2, 2).t(), ValueError),
    "an integer tensor requiring grad": (lambda L: L.tensor([1, 2]).requires_grad_(), TypeError),
    "reshape to the wrong size": (lambda L: L.ones(6).reshape(4, 2), ValueError),
    "broadcasting mismatched shapes": (lambda L: L.ones(2, 3) + L.ones(4), ValueError),
    "copy_ from a shape that does not fit": (lambda L: L.ones(2, 3).copy_(L.ones(4)), ValueError),
    "add_ of a shape that does not fit": (lambda L: L.ones(2, 3).add_(L.ones(4)), ValueError),
    "index assignment of a shape that does not fit": (
        lambda L: L.ones(2, 3).__setitem__(0, L.ones(4)), ValueError),
}


@pytest.mark.parametrize("call,python_type", CASES.values(), ids=list(CASES))
def test_refusals_are_runtime_errors_and_the_fitting_python_type(call, python_type):
    with pytest.raises(RuntimeError) as info:
        call(ag)
    assert isinstance(info.value, python_type)


@pytest.mark.parametrize("call", [c for c, _ in CASES.values()], ids=list(CASES))
def test_pytorch_raises_runtime_error_for_the_same_misuse(call):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        call(torch)


def test_sum_into_an_integer_dtype_of_a_tensor_requiring_grad_is_refused():
    """It would silently cut the graph (PyTorch refuses too)."""
    x = ag.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="sum"):
        x.sum(dtype=ag.int64)
    assert x.detach().sum(dtype=ag.int64).item() == 3
    assert x.sum(dtype=ag.float64).requires_grad

"""A tuple or list holding tensors is never an operand of arithmetic.

``z - z.max(dim=1, keepdim=True)`` is a classic slip: with a dim, ``max``
returns ``(values, indices)``.  NumPy would happily turn that pair into one
stacked array and broadcast it, giving a result of the wrong shape and
wrong values with no error.  PyTorch raises ``TypeError``; so do we, and the
message names the op and the operand's type."""
import operator

import numpy as np
import pytest

import autograd as ag

OPS = [
    (operator.add, "add"), (operator.sub, "sub"), (operator.mul, "mul"),
    (operator.truediv, "div"), (operator.pow, "pow"), (operator.lt, "less"),
    (operator.eq, "equal"),
]


def _tensor():
    return ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)


@pytest.mark.parametrize("op,name", OPS)
def test_values_indices_pair_is_refused_on_either_side(op, name):
    z = _tensor()
    pair = z.max(dim=1, keepdim=True)
    for left, right in ((z, pair), (pair, z)):
        with pytest.raises(TypeError) as err:
            op(left, right)
        message = str(err.value)
        assert "MaxResult" in message and "tensor" in message.lower()
    assert z.grad is None


@pytest.mark.parametrize("container", [list, tuple])
def test_sequences_holding_tensors_are_refused(container):
    z = _tensor()
    with pytest.raises(TypeError, match=container.__name__):
        z + container([z, z])
    with pytest.raises(TypeError, match=container.__name__):
        ag.add(z, container([1.0, z[0, 0], 2.0]))


def test_hint_points_at_values_for_reduction_results():
    z = _tensor()
    with pytest.raises(TypeError, match=r"\.values"):
        z - z.max(dim=1, keepdim=True)


def test_plain_number_sequences_still_broadcast():
    z = _tensor()
    out = z + [1.0, 2.0, 3.0]
    np.testing.assert_array_equal(out.detach().numpy(), np.arange(6.0).reshape(2, 3) + [1, 2, 3])
    out = z - z.max(dim=1, keepdim=True).values
    np.testing.assert_array_equal(out.detach().numpy(), [[-2.0, -1.0, 0.0], [-2.0, -1.0, 0.0]])

"""get_rng_state / set_rng_state: PyTorch's names; the state is a uint8
tensor (as torch.get_rng_state() returns) that restores the stream exactly."""
import numpy as np
import pytest

import autograd as ag
import nn
from autograd import factories


def test_state_is_a_uint8_snapshot_that_replays_the_stream():
    ag.manual_seed(3)
    ag.randn(5)
    state = ag.get_rng_state()
    assert isinstance(state, ag.Tensor) and state.dtype == np.uint8 and state.ndim == 1
    first = (ag.randn(4).numpy(), ag.rand(3).numpy(), ag.randint(0, 10, (6,)).numpy())
    ag.manual_seed(99)  # move elsewhere, then come back
    ag.set_rng_state(state)
    again = (ag.randn(4).numpy(), ag.rand(3).numpy(), ag.randint(0, 10, (6,)).numpy())
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)


def test_snapshot_is_not_changed_by_later_draws():
    state = ag.get_rng_state()
    before = state.numpy().copy()
    ag.rand(10)
    np.testing.assert_array_equal(state.numpy(), before)


def test_buffered_half_draw_is_part_of_the_state():
    # NumPy keeps half of a 64-bit draw after a uint32 draw; the state carries it
    g = factories.generator()
    g.integers(0, 2 ** 32, dtype=np.uint32)
    state = ag.get_rng_state()
    expected = g.integers(0, 2 ** 32, size=3, dtype=np.uint32)
    g.random(7)
    ag.set_rng_state(state)
    np.testing.assert_array_equal(g.integers(0, 2 ** 32, size=3, dtype=np.uint32), expected)


def test_generator_object_is_kept_so_holders_see_the_restored_stream():
    g = factories.generator()
    state = ag.get_rng_state()
    expected = g.random(3)
    ag.set_rng_state(state)
    assert factories.generator() is g
    np.testing.assert_array_equal(g.random(3), expected)


def test_dropout_masks_replay():
    layer = nn.Dropout(0.5)
    x = ag.ones(4, 6, dtype=np.float64)
    state = ag.get_rng_state()
    a = layer(x).numpy()
    ag.set_rng_state(state)
    np.testing.assert_array_equal(layer(x).numpy(), a)


@pytest.mark.parametrize("bad, kind, words", [
    (np.zeros(37, np.uint8), TypeError, ("expected a uint8 tensor (as get_rng_state() returns), "
                                        "got ndarray")),
    ([1, 2], TypeError, "got list"),
    (ag.zeros(37), TypeError, "got a float32 tensor"),
    (ag.tensor(np.zeros(3, np.uint8)), RuntimeError, "expected a state of 37 bytes"),
    (ag.tensor(np.zeros((37, 1), np.uint8)), RuntimeError, "got shape (37, 1)"),
    (ag.tensor(np.zeros(37, np.uint8)), RuntimeError, "increment must be odd"),
])
def test_bad_states_are_refused_and_change_nothing(bad, kind, words):
    before = ag.get_rng_state().numpy()
    with pytest.raises(kind) as info:
        ag.set_rng_state(bad)
    assert words in str(info.value)
    np.testing.assert_array_equal(ag.get_rng_state().numpy(), before)


def test_torch_refuses_the_same_inputs_with_the_same_types():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError):
        torch.set_rng_state(np.zeros(5056, np.uint8))
    with pytest.raises(RuntimeError):
        torch.set_rng_state(torch.zeros(3, dtype=torch.uint8))

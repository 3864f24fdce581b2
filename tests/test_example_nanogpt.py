"""examples/nanogpt: a nanoGPT-style model file written for PyTorch runs with
``import chainrule as torch`` -- and, given the same initial weights and
batches, follows PyTorch's loss."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "examples", "nanogpt"))
import train  # noqa: E402

import chainrule  # noqa: E402


@pytest.fixture(scope="module")
def ids():
    ids, train.CFG["vocab_size"] = train.data()
    return ids


def test_the_model_file_trains_with_chainrule(ids):
    losses, state = train.train(chainrule, train.load_model_module("chainrule"), ids, 20)
    assert losses[-1] < losses[0] - 0.3  # 4.56 -> about 3.7 after the 20 warmup steps
    assert "lm_head.weight" in state and "transformer.wte.weight" in state


def test_it_follows_pytorchs_loss_from_the_same_weights(ids):
    torch = pytest.importorskip("torch")
    reference, init = train.train(torch, train.load_model_module("torch"), ids, 8)
    ours, _ = train.train(chainrule, train.load_model_module("chainrule"), ids, 8,
                          init_state=init)
    for a, b in zip(ours, reference):
        assert abs(a - b) < 1e-4 * abs(b)

"""`multinomial` and `bernoulli`: PyTorch's shapes, dtypes and refusals,
reproducible under `manual_seed`, and drawing from the right distribution.

The distribution checks use many draws and a tolerance of about six
standard errors, so a correct sampler fails them with probability below
1e-8 while a sampler off by a few percent fails them every time."""
import numpy as np
import pytest

import autograd as ag
from autograd.errors import ArgumentError, DTypeError, ShapeError


def w(values):
    return ag.tensor(np.asarray(values, dtype=np.float32))


def test_shapes_dtypes_and_no_graph():
    probs = ag.tensor(np.array([[1.0, 2.0, 3.0], [0.5, 0.0, 0.5]]), requires_grad=True)
    out = ag.multinomial(probs, 5, replacement=True)
    assert out.shape == (2, 5) and out.dtype == np.int64 and not out.requires_grad
    assert ag.multinomial(w([1.0, 1.0]), 2).shape == (2,)
    assert w([1.0, 1.0]).multinomial(1).shape == (1,)
    b = ag.bernoulli(ag.tensor(np.full(4, 0.5)))
    assert b.dtype == np.float64 and b.shape == (4,)
    assert w([0.2, 0.2]).bernoulli(0.9).dtype == np.float32


def test_without_replacement_every_draw_is_distinct_and_zero_weights_come_last():
    ag.manual_seed(1)
    for _ in range(50):
        out = ag.multinomial(w([[3.0, 0.0, 1.0, 2.0, 0.0]]), 5).numpy()[0]
        assert sorted(out) == [0, 1, 2, 3, 4]
        assert set(out[:3]) == {0, 2, 3} and set(out[3:]) == {1, 4}


def test_with_replacement_never_draws_a_zero_weight():
    ag.manual_seed(2)
    out = ag.multinomial(w([0.0, 1.0, 0.0, 1.0]), 1000, replacement=True).numpy()
    assert set(np.unique(out)) == {1, 3}


@pytest.mark.parametrize("replacement", [True, False])
def test_first_draw_follows_the_weights(replacement):
    ag.manual_seed(3)
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    n = 40000
    rows = ag.tensor(np.tile(weights, (n, 1)))
    first = ag.multinomial(rows, 2, replacement=replacement).numpy()[:, 0]
    freq = np.bincount(first, minlength=4) / n
    p = weights / weights.sum()
    np.testing.assert_allclose(freq, p, atol=6 * np.sqrt(p * (1 - p) / n).max())


def test_second_draw_without_replacement_is_conditioned_on_the_first():
    """P(second = 0 | first = 3) = w0 / (w0 + w1 + w2) for weights 1, 2, 3, 4."""
    ag.manual_seed(4)
    n = 40000
    out = ag.multinomial(ag.tensor(np.tile([1.0, 2.0, 3.0, 4.0], (n, 1))), 2).numpy()
    second = out[out[:, 0] == 3, 1]
    p = 1.0 / 6.0
    assert abs(np.mean(second == 0) - p) < 6 * np.sqrt(p * (1 - p) / len(second))


def test_bernoulli_rates():
    ag.manual_seed(5)
    n = 40000
    probs = np.array([0.0, 0.1, 0.5, 1.0])
    draws = ag.bernoulli(ag.tensor(np.tile(probs, (n, 1)))).numpy()
    np.testing.assert_allclose(draws.mean(axis=0), probs, atol=6 * np.sqrt(0.25 / n))
    assert draws[:, 0].max() == 0 and draws[:, 3].min() == 1


def test_manual_seed_reproduces_draws():
    ag.manual_seed(7)
    a = (ag.multinomial(w([1.0, 2.0, 3.0]), 3).numpy(), ag.bernoulli(w([0.5] * 8)).numpy())
    ag.manual_seed(7)
    b = (ag.multinomial(w([1.0, 2.0, 3.0]), 3).numpy(), ag.bernoulli(w([0.5] * 8)).numpy())
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_bernoulli_in_place_bumps_the_version_and_keeps_the_dtype():
    t = ag.zeros(6, dtype=ag.int64)
    version = t._version
    assert t.bernoulli_(1.0) is t
    np.testing.assert_array_equal(t.numpy(), np.ones(6))
    assert t.dtype == np.int64 and t._version == version + 1


@pytest.mark.parametrize("args,kind,message", [
    ((w([-1.0, 1.0]), 1), ArgumentError, "NaN, an infinity or a negative value"),
    ((w([1.0, np.nan]), 1, True), ArgumentError, r"first at index \(1,\)"),
    ((w([0.0, 0.0]), 1, True), ArgumentError, "summing to 0"),
    ((ag.tensor(np.array([1, 2])), 1), DTypeError, "floating-point weights, got dtype int64"),
    ((w(np.ones((2, 2, 2))), 1), ShapeError, r"1-d or 2-d .* shape \(2, 2, 2\)"),
    ((w([1.0, 2.0]), 0, True), ArgumentError, "num_samples=0"),
    ((w([1.0, 2.0]), 3), ArgumentError, "3 samples without replacement from 2 categories"),
])
def test_multinomial_refusals_are_runtime_errors_naming_the_problem(args, kind, message):
    with pytest.raises(kind, match=message) as err:
        ag.multinomial(*args)
    assert isinstance(err.value, RuntimeError)      # what PyTorch raises


def test_bernoulli_refusals_change_nothing():
    with pytest.raises(ArgumentError, match=r"input must hold probabilities in \[0, 1\]"):
        ag.bernoulli(w([0.5, 2.0]))
    with pytest.raises(DTypeError, match="floating-point"):
        ag.bernoulli(ag.tensor(np.array([1, 0])))
    t = ag.zeros(3)
    with pytest.raises(ArgumentError, match="p must hold probabilities"):
        t.bernoulli_(1.5)
    assert t._version == 0 and not t.numpy().any()


def test_agrees_with_pytorch_on_shapes_dtypes_and_refusals():
    torch = pytest.importorskip("torch")
    cases = [([[1.0, 2.0], [3.0, 0.0]], 3, True), ([1.0, 0.0, 2.0], 3, False),
             ([1.0, 2.0], 3, False), ([-1.0, 2.0], 1, True), ([0.0, 0.0], 1, True)]
    for values, n, repl in cases:
        try:
            ours = ag.multinomial(ag.tensor(np.array(values)), n, repl)
        except RuntimeError:
            ours = None
        try:
            theirs = torch.multinomial(torch.tensor(values, dtype=torch.float64), n, repl)
        except RuntimeError:
            theirs = None
        assert (ours is None) == (theirs is None), values
        if ours is not None:
            assert ours.shape == tuple(theirs.shape) and str(theirs.dtype) == "torch.int64"


def test_a_generator_gives_its_own_reproducible_stream():
    ag.manual_seed(0)
    g = ag.Generator().manual_seed(5)
    a = ag.multinomial(w([1.0, 2.0, 3.0, 4.0]), 4, generator=g).numpy()
    b = ag.bernoulli(w([0.5] * 16), generator=g).numpy()
    c = ag.zeros(16).bernoulli_(0.5, generator=g).numpy()
    global_state = ag.get_rng_state()
    g.manual_seed(5)
    np.testing.assert_array_equal(a, ag.multinomial(w([1.0, 2.0, 3.0, 4.0]), 4, generator=g).numpy())
    np.testing.assert_array_equal(b, ag.bernoulli(w([0.5] * 16), generator=g).numpy())
    np.testing.assert_array_equal(c, ag.zeros(16).bernoulli_(0.5, generator=g).numpy())
    np.testing.assert_array_equal(global_state.numpy(), ag.get_rng_state().numpy())
    with pytest.raises(TypeError, match="generator must be a Generator"):
        ag.multinomial(w([1.0]), 1, generator=3)

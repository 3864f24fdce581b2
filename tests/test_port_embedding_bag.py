"""``EmbeddingBag``/``F.embedding_bag``: sums, means and maxima of bags of
embeddings, written out by hand on a small table, gradchecked, and compared
with PyTorch across random bags."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.errors import ArgumentError

W = np.arange(12.0).reshape(6, 2)
INDICES = [1, 2, 4, 5, 4, 3, 2, 0]
OFFSETS = [0, 3, 3, 6]                       # bags [1 2 4], [], [5 4 3], [2 0]
BAGS = [[1, 2, 4], [], [5, 4, 3], [2, 0]]


def table(requires_grad=False):
    return ag.tensor(W, requires_grad=requires_grad)


def by_hand(mode, padding_idx=None, weights=None):
    out = []
    position = 0
    for bag in BAGS:
        members = [(i, position + k) for k, i in enumerate(bag) if i != padding_idx]
        position += len(bag)
        if not members:
            out.append(np.zeros(2))
            continue
        rows = np.array([W[i] * (1 if weights is None else weights[p]) for i, p in members])
        out.append({"sum": rows.sum(0), "mean": rows.mean(0), "max": rows.max(0)}[mode])
    return np.array(out)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 2])
def test_bags_by_hand(mode, padding_idx):
    out = F.embedding_bag(ag.tensor(INDICES), table(), ag.tensor(OFFSETS), mode=mode,
                          padding_idx=padding_idx)
    np.testing.assert_allclose(out.numpy(), by_hand(mode, padding_idx), rtol=1e-12)


def test_per_sample_weights_and_include_last_offset():
    weights = np.arange(8.0)
    out = F.embedding_bag(ag.tensor(INDICES), table(), ag.tensor(OFFSETS), mode="sum",
                          per_sample_weights=ag.tensor(weights))
    np.testing.assert_array_equal(out.numpy(), by_hand("sum", weights=weights))
    out = F.embedding_bag(ag.tensor(INDICES), table(), ag.tensor([0, 3, 8]), mode="sum",
                          include_last_offset=True)
    np.testing.assert_array_equal(out.numpy(), [W[[1, 2, 4]].sum(0), W[[5, 4, 3, 2, 0]].sum(0)])
    two_d = F.embedding_bag(ag.tensor(np.array(INDICES).reshape(2, 4)), table())
    np.testing.assert_allclose(two_d.numpy(), [W[[1, 2, 4, 5]].mean(0), W[[4, 3, 2, 0]].mean(0)],
                               rtol=1e-12)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_gradcheck(mode):
    w = ag.tensor(np.random.default_rng(0).normal(size=(6, 3)), requires_grad=True)
    idx, off = ag.tensor(INDICES), ag.tensor(OFFSETS)
    assert ag.gradcheck(lambda t: F.embedding_bag(idx, t, off, mode=mode, padding_idx=0), (w,))
    if mode != "max":
        assert ag.gradgradcheck(lambda t: F.embedding_bag(idx, t, off, mode=mode) ** 2, (w,))
    psw = ag.tensor(np.linspace(0.5, 2.0, 8), requires_grad=True)
    assert ag.gradcheck(lambda t, p: F.embedding_bag(idx, t, off, mode="sum",
                                                     per_sample_weights=p), (w, psw))


@pytest.mark.parametrize("call,kind,message", [
    (lambda: F.embedding_bag(ag.tensor(INDICES), table(), ag.tensor([1, 3])), ArgumentError,
     "offsets\\[0\\] must be 0"),
    (lambda: F.embedding_bag(ag.tensor(INDICES), table(), ag.tensor([0, 5, 3])),
     ArgumentError, "non-decreasing"),
    (lambda: F.embedding_bag(ag.tensor(INDICES), table(), ag.tensor([0, 9])), ArgumentError,
     "at most the input length 8"),
    (lambda: F.embedding_bag(ag.tensor(INDICES), table()), ArgumentError, "needs offsets"),
    (lambda: F.embedding_bag(ag.tensor(np.array(INDICES).reshape(2, 4)), table(),
                             ag.tensor([0, 1])), ArgumentError, "offsets must be None"),
    (lambda: F.embedding_bag(ag.tensor(INDICES), table(), ag.tensor(OFFSETS), mode="mean",
                             per_sample_weights=ag.ones(8)), NotImplementedError,
     "only supported for mode='sum'"),
    (lambda: F.embedding_bag(ag.tensor(INDICES), table(), ag.tensor(OFFSETS), mode="avg"),
     ArgumentError, "mode must be one of"),
    (lambda: F.embedding_bag(ag.tensor([7]), table(), ag.tensor([0])), IndexError,
     "index 7 out of range"),
])
def test_refusals(call, kind, message):
    with pytest.raises(kind, match=message):
        call()


def test_module_trains_and_reprs():
    bag = nn.EmbeddingBag(10, 3, mode="sum", padding_idx=0)
    assert repr(bag) == "EmbeddingBag(10, 3, mode='sum', padding_idx=0)"
    assert np.all(bag.weight.detach().numpy()[0] == 0)
    out = bag(ag.tensor([0, 1, 1, 2]), ag.tensor([0, 2]))
    out.sum().backward()
    grad = bag.weight.grad.numpy()
    assert np.all(grad[0] == 0) and np.all(grad[1] == 2) and np.all(grad[2] == 1)
    assert repr(nn.EmbeddingBag(10, 3)) == "EmbeddingBag(10, 3, mode='mean')"


def test_agrees_with_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    for trial in range(30):
        n, rows = int(rng.integers(1, 12)), 7
        idx = rng.integers(0, rows, n)
        cuts = np.sort(rng.integers(0, n + 1, int(rng.integers(1, 5))))
        cuts[0] = 0
        mode = ["sum", "mean", "max"][trial % 3]
        pad = None if trial % 2 else int(rng.integers(0, rows))
        w = rng.normal(size=(rows, 4))
        ours_w, theirs_w = ag.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
        a = F.embedding_bag(ag.tensor(idx), ours_w, ag.tensor(cuts), mode=mode, padding_idx=pad)
        b = torch.nn.functional.embedding_bag(torch.tensor(idx), theirs_w, torch.tensor(cuts),
                                              mode=mode, padding_idx=pad)
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12)
        (a ** 2).sum().backward()
        (b ** 2).sum().backward()
        np.testing.assert_allclose(ours_w.grad.numpy(), theirs_w.grad.numpy(), rtol=1e-12,
                                   atol=1e-14)

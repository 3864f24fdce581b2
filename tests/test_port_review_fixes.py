"""What a new user's ported programs hit (found by trying them): integer
tensors as Python indices, backward returning extra trailing Nones, the
DataLoader's worker/sampler options and the samplers, and the legacy
``torch.Tensor(...)`` constructor forms."""
import numpy as np
import pytest

import autograd as ag
import chainrule as torch
from autograd.errors import ArgumentError
from autograd.utils.data import (BatchSampler, DataLoader, RandomSampler, SequentialSampler,
                                 SubsetRandomSampler, TensorDataset, WeightedRandomSampler)


# ------------------------------------------------------------- __index__
def test_one_element_integer_tensors_are_python_indices():
    data = ag.arange(100.0)
    starts = ag.tensor(np.array([3, 40, 7]))
    batch = ag.stack([data[i:i + 5] for i in starts])        # nanoGPT's get_batch idiom
    np.testing.assert_array_equal(batch.numpy()[:, 0], [3.0, 40.0, 7.0])
    assert [10, 20, 30][ag.tensor(1)] == 20 and list(range(ag.tensor(3))) == [0, 1, 2]
    for bad in (ag.tensor(1.0), ag.tensor(np.array([1, 2]))):
        with pytest.raises(TypeError, match="only integer tensors of a single element"):
            [1, 2][bad]


# ------------------------------------------------ extra trailing Nones
def test_backward_may_return_extra_trailing_nones():
    class Twice(ag.Function):
        @staticmethod
        def forward(ctx, x, bias=None):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2, None                       # the docs' LinearFunction style

    x = ag.ones(2, requires_grad=True)
    Twice.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0])

    class Wrong(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2, g                          # an extra gradient that is not None

    with pytest.raises(RuntimeError, match="backward returned 2 gradients, but the op had 1"):
        Wrong.apply(ag.ones(2, requires_grad=True)).sum().backward()


# ------------------------------------------------------------- DataLoader
def _dataset(n=10):
    return TensorDataset(ag.arange(float(n)), ag.arange(n))


def test_worker_options_are_accepted_and_give_the_same_batches():
    calls = []
    plain = [b[1].tolist() for b in DataLoader(_dataset(), batch_size=4)]
    loader = DataLoader(_dataset(), batch_size=4, num_workers=2, pin_memory=True,
                        persistent_workers=True, prefetch_factor=2,
                        worker_init_fn=calls.append, timeout=5)
    assert [b[1].tolist() for b in loader] == plain
    assert calls == [0]                               # the one loading worker's init


@pytest.mark.parametrize("kwargs,message", [
    (dict(num_workers=-1), "num_workers option should be non-negative"),
    (dict(prefetch_factor=2), "prefetch_factor option could only be specified"),
    (dict(persistent_workers=True), "persistent_workers option needs num_workers > 0"),
    (dict(sampler=[0, 1], shuffle=True), "sampler option is mutually exclusive with shuffle"),
    (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive"),
])
def test_worker_and_sampler_option_refusals(kwargs, message):
    with pytest.raises(ArgumentError, match=message):
        DataLoader(_dataset(), **kwargs)


def test_samplers_choose_the_order():
    ds = _dataset()
    seq = DataLoader(ds, batch_size=3, sampler=SequentialSampler(ds))
    assert [b[1].tolist() for b in seq] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    g = ag.Generator().manual_seed(0)
    order = [b[1].tolist() for b in DataLoader(ds, batch_size=10,
                                               sampler=RandomSampler(ds, generator=g))]
    assert sorted(order[0]) == list(range(10)) and order[0] != list(range(10))
    subset = list(SubsetRandomSampler([2, 4, 6], generator=g))
    assert sorted(subset) == [2, 4, 6]
    batches = DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(ds), 4, True))
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(batches) == 2
    with_replacement = list(RandomSampler(ds, replacement=True, num_samples=25, generator=g))
    assert len(with_replacement) == 25 and set(with_replacement) <= set(range(10))


def test_weighted_sampler_follows_the_weights():
    weights = [0.0, 1.0, 3.0]
    n = 20000
    draws = np.array(list(WeightedRandomSampler(weights, n, generator=ag.Generator()
                                                .manual_seed(1))))
    assert (draws == 0).sum() == 0
    p = 0.75
    assert abs((draws == 2).mean() - p) < 6 * np.sqrt(p * (1 - p) / n)
    no_repeat = list(WeightedRandomSampler(weights, 2, replacement=False))
    assert sorted(no_repeat) == [1, 2]
    with pytest.raises(ArgumentError, match="cannot draw 3 samples without replacement"):
        WeightedRandomSampler(weights, 3, replacement=False)
    with pytest.raises(ArgumentError, match="non-negative"):
        WeightedRandomSampler([1.0, -1.0], 2)


# ------------------------------------------------- legacy torch.Tensor(...)
def test_legacy_tensor_constructor_forms():
    w = torch.nn.Parameter(torch.Tensor(3, 4))           # older custom layers' idiom
    assert w.shape == (3, 4) and w.dtype == np.float32 and w.requires_grad
    assert torch.Tensor([1, 2]).dtype == np.float32       # data: the default float dtype
    assert torch.Tensor(3).shape == (3,) and torch.Tensor().shape == (0,)
    assert torch.Tensor(torch.Size([2, 2])).shape == (2, 2)
    assert ag.Tensor(2.5, requires_grad=True).shape == ()  # chainrule's 0-d form stays
    with pytest.raises(TypeError, match="expected sizes"):
        torch.Tensor(2, [3])


def test_agrees_with_pytorch():
    real = pytest.importorskip("torch")
    for args in [(3, 4), ([1, 2],), (3,), ()]:
        ours, theirs = torch.Tensor(*args), real.Tensor(*args)
        assert ours.shape == tuple(theirs.shape) and str(theirs.dtype) == "torch." + str(
            ours.dtype)
    ds = real.utils.data.TensorDataset(real.arange(10))
    ref = [b[0].tolist() for b in real.utils.data.DataLoader(
        ds, batch_sampler=real.utils.data.BatchSampler(
            real.utils.data.SequentialSampler(ds), 4, False))]
    ours = [b[0].tolist() for b in DataLoader(
        TensorDataset(ag.arange(10)), batch_sampler=BatchSampler(
            SequentialSampler(range(10)), 4, False))]
    assert ours == ref

"""autograd.utils.data: datasets, random_split, default_collate and the
DataLoader, against torch.utils.data's behaviour (written down here; PyTorch
is only an optional extra check)."""
import collections
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd.utils.data import (
    ConcatDataset,
    DataLoader,
    Dataset,
    Subset,
    TensorDataset,
    default_collate,
    random_split,
)


def _values(batches):
    return [[t.numpy().tolist() for t in b] for b in batches]


def _dataset(n=10):
    return TensorDataset(ag.arange(n), ag.arange(n, dtype=ag.float32) * 10)


class Squares(Dataset):
    """A dataset that is not a TensorDataset: the per-sample path."""

    def __init__(self, n):
        self.n = n

    def __getitem__(self, i):
        return ag.tensor([float(i)]), i * i

    def __len__(self):
        return self.n


# ------------------------------------------------------------ datasets
def test_tensor_dataset_items_and_len():
    ds = _dataset(4)
    assert len(ds) == 4
    x, y = ds[2]
    assert x.item() == 2 and y.item() == 20.0
    assert x.dtype == np.int64 and y.dtype == np.float32


def test_tensor_dataset_takes_numpy_arrays_without_copying():
    a = np.arange(6.0).reshape(3, 2)
    ds = TensorDataset(a)
    assert np.shares_memory(ds.tensors[0].numpy(), a)


def test_tensor_dataset_size_mismatch_names_the_sizes():
    with pytest.raises(ValueError, match=r"tensor 1 has 4 rows.*tensor 0 has 3") as info:
        TensorDataset(ag.zeros(3), ag.zeros(4))
    assert isinstance(info.value, AssertionError)  # what PyTorch raises


def test_tensor_dataset_refuses_scalars_and_non_tensors():
    with pytest.raises(IndexError, match="tensor 0 is 0-d"):
        TensorDataset(ag.tensor(1.0))
    with pytest.raises(TypeError, match="argument 1 must be a Tensor or a NumPy array, got list"):
        TensorDataset(ag.zeros(3), [1, 2, 3])
    with pytest.raises(ValueError, match="at least one tensor"):
        TensorDataset()


def test_subset_and_negative_index():
    s = Subset(list(range(10)), [1, 3, 5])
    assert len(s) == 3 and s[0] == 1 and s[-1] == 5 and s[[0, 2]] == [1, 5]


def test_concat_dataset_indexing():
    c = ConcatDataset([list(range(3)), list(range(10, 14))])
    assert len(c) == 7 and c.cumulative_sizes == [3, 7]
    assert [c[i] for i in range(7)] == [0, 1, 2, 10, 11, 12, 13]
    assert c[-1] == 13 and c[-7] == 0
    with pytest.raises(ValueError, match="absolute value of index -8 should not exceed"):
        c[-8]
    with pytest.raises(IndexError, match="index 7 is out of range for 7 samples"):
        c[7]
    with pytest.raises(AssertionError, match="should not be an empty iterable"):
        ConcatDataset([])


def test_dataset_add_concatenates():
    both = _dataset(2) + _dataset(3)
    assert isinstance(both, ConcatDataset) and len(both) == 5
    assert both[4][0].item() == 2


# -------------------------------------------------------- random_split
@pytest.mark.parametrize("n, fractions, sizes", [
    (10, [0.5, 0.5], [5, 5]),
    (10, [0.33, 0.33, 0.34], [4, 3, 3]),   # floors 3,3,3; the remainder goes to split 0
    (11, [0.3, 0.3, 0.4], [4, 3, 4]),      # floors 3,3,4; remainder 1 to split 0
    (7, [0.1, 0.9], [1, 6]),
    (1797, [0.8, 0.2], [1438, 359]),
])
def test_random_split_fractions_round_as_pytorch(n, fractions, sizes):
    parts = random_split(range(n), fractions, generator=np.random.default_rng(0))
    assert [len(p) for p in parts] == sizes
    assert sorted(i for p in parts for i in p.indices) == list(range(n))


def test_random_split_warns_about_an_empty_split():
    with pytest.warns(UserWarning, match="split at index 1 is empty"):
        parts = random_split(range(5), [0.1, 0.1, 0.8], generator=np.random.default_rng(0))
    assert [len(p) for p in parts] == [1, 0, 4]


def test_random_split_counts_are_a_permutation_and_seeded():
    a = random_split(range(10), [3, 7], generator=np.random.default_rng(5))
    b = random_split(range(10), [3, 7], generator=np.random.default_rng(5))
    assert [p.indices for p in a] == [p.indices for p in b]
    assert sorted(a[0].indices + a[1].indices) == list(range(10))
    assert a[0].indices == np.random.default_rng(5).permutation(10)[:3].tolist()


def test_random_split_without_generator_follows_manual_seed():
    ag.manual_seed(3)
    a = random_split(range(20), [10, 10])
    ag.manual_seed(3)
    b = random_split(range(20), [10, 10])
    assert a[0].indices == b[0].indices


@pytest.mark.parametrize("lengths, message", [
    ([3, 3], r"lengths=\[3, 3\] sum to 6, the dataset has 10 samples"),
    ([5, -1, 6], r"length at index 1 is negative \(-1\)"),
    ([0.5, 0.6], r"sum to 1.1"),
    ([1.2, -0.2], r"fraction at index 0 is 1.2, not between 0 and 1"),
    ([2.5, 7.5], r"index 0 is 2.5"),
    ([], r"sum to 0, the dataset has 10"),
    ([float("nan"), 1], r"lengths\[0\] is nan"),
])
def test_random_split_refuses_bad_lengths_and_draws_nothing(lengths, message):
    gen = np.random.default_rng(0)
    before = gen.bit_generator.state
    with pytest.raises(ValueError, match=message):
        random_split(range(10), lengths, generator=gen)
    assert gen.bit_generator.state == before


def test_random_split_type_errors():
    with pytest.raises(TypeError, match="lengths must be a sequence"):
        random_split(range(10), 5)
    with pytest.raises(TypeError, match=r"lengths\[1\] must be an int or a float, got str"):
        random_split(range(10), [5, "5"])
    with pytest.raises(TypeError, match="generator must be a numpy.random.Generator"):
        random_split(range(10), [5, 5], generator=np.random.RandomState(0))


# ---------------------------------------------------------- collate
def test_default_collate_numbers_and_containers():
    assert default_collate([1, 2]).dtype == np.int64
    assert default_collate([1.5, 2.0]).dtype == np.float64   # PyTorch: float64 here
    assert default_collate([True, False]).dtype == np.bool_
    assert default_collate([np.float32(1), np.float32(2)]).dtype == np.float32
    pair = default_collate([(1, 2.0), (3, 4.0)])
    assert isinstance(pair, list) and pair[0].tolist() == [1, 3]   # a tuple becomes a list
    d = default_collate([{"a": 1, "b": np.float32(2)}, {"a": 3, "b": np.float32(4)}])
    assert d["a"].tolist() == [1, 3] and d["b"].dtype == np.float32
    assert default_collate(["a", "b"]) == ["a", "b"]
    P = collections.namedtuple("P", "x y")
    p = default_collate([P(1, 2.0), P(3, 4.0)])
    assert isinstance(p, P) and p.x.tolist() == [1, 3]
    arr = default_collate([np.zeros(2, np.float32), np.ones(2, np.float32)])
    assert arr.shape == (2, 2) and arr.dtype == np.float32


def test_default_collate_copies_samples():
    x = ag.zeros(2)
    batch = default_collate([x, x])
    assert not np.shares_memory(batch.numpy(), x.numpy())


def test_default_collate_keeps_the_graph_of_samples_that_require_grad():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    batch = default_collate([w * 2, w * 3])
    batch.sum().backward()
    assert w.grad.tolist() == [5.0, 5.0]


def test_default_collate_errors():
    with pytest.raises(RuntimeError, match="should be of equal size; sample 0 has 2 fields, "
                                           "sample 1 has 1"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="found object"):
        default_collate([object(), object()])
    with pytest.raises(KeyError, match="sample 1 has no key 'a'"):
        default_collate([{"a": 1}, {"b": 2}])
    with pytest.raises(RuntimeError, match="same shape"):
        default_collate([ag.zeros(2), ag.zeros(3)])


# ---------------------------------------------------------- DataLoader
def test_batches_in_order_with_last_partial_batch():
    batches = list(DataLoader(_dataset(10), batch_size=4))
    assert _values(batches) == [[[0, 1, 2, 3], [0, 10, 20, 30]],
                                [[4, 5, 6, 7], [40, 50, 60, 70]],
                                [[8, 9], [80, 90]]]
    x, y = batches[0]
    assert x.dtype == np.int64 and y.dtype == np.float32
    assert not x.requires_grad and not y.requires_grad


@pytest.mark.parametrize("n, bs, drop_last, expected", [
    (10, 3, False, 4), (10, 3, True, 3), (9, 3, True, 3), (9, 3, False, 3),
    (2, 5, True, 0), (2, 5, False, 1), (0, 4, False, 0),
])
def test_len_and_number_of_batches(n, bs, drop_last, expected):
    loader = DataLoader(_dataset(n), batch_size=bs, drop_last=drop_last)
    batches = list(loader)
    assert len(loader) == len(batches) == expected
    assert all(len(b[0]) == bs for b in batches[:-1])
    if drop_last:
        assert all(len(b[0]) == bs for b in batches)


def test_default_batch_size_is_one():
    batches = list(DataLoader(_dataset(3)))
    assert [b[0].shape for b in batches] == [(1,), (1,), (1,)]


def test_batches_do_not_alias_the_dataset():
    data = np.arange(6.0)
    ds = TensorDataset(data)
    for shuffle in (False, True):
        (batch,) = next(iter(DataLoader(ds, batch_size=6, shuffle=shuffle, seed=0)))
        assert not np.shares_memory(batch.numpy(), data)


def test_shuffle_is_a_permutation_each_epoch_and_epochs_differ():
    loader = DataLoader(_dataset(50), batch_size=8, shuffle=True, seed=1)
    epochs = [np.concatenate([b[0].numpy() for b in loader]) for _ in range(3)]
    for e in epochs:
        assert sorted(e.tolist()) == list(range(50))
    assert epochs[0].tolist() != epochs[1].tolist() != epochs[2].tolist()


def test_shuffled_order_is_the_generators_permutation_per_epoch():
    loader = DataLoader(_dataset(20), batch_size=6, shuffle=True, seed=7)
    rng = np.random.default_rng(7)
    for _ in range(2):
        got = np.concatenate([b[0].numpy() for b in loader])
        assert got.tolist() == rng.permutation(20).tolist()


def test_same_seed_same_order_and_generator_state_resumes():
    a = DataLoader(_dataset(30), batch_size=7, shuffle=True, seed=11)
    b = DataLoader(_dataset(30), batch_size=7, shuffle=True, seed=11)
    assert _values(a) == _values(b)
    saved = a.generator.bit_generator.state
    second_epoch = _values(a)
    c = DataLoader(_dataset(30), batch_size=7, shuffle=True, seed=999)
    c.generator.bit_generator.state = saved
    assert _values(c) == second_epoch


def test_a_given_generator_is_shared_not_copied():
    gen = np.random.default_rng(0)
    loader = DataLoader(_dataset(5), shuffle=True, generator=gen)
    assert loader.generator is gen


def test_loader_without_seed_follows_manual_seed():
    ag.manual_seed(42)
    a = _values(DataLoader(_dataset(30), batch_size=30, shuffle=True))
    ag.manual_seed(42)
    b = _values(DataLoader(_dataset(30), batch_size=30, shuffle=True))
    assert a == b


def test_shuffling_loader_leaves_the_library_stream_to_init_and_dropout():
    """One draw at construction; iterating draws from the loader's own
    generator only."""
    ag.manual_seed(0)
    loader = DataLoader(_dataset(30), batch_size=4, shuffle=True)
    after_construction = ag.rand(3).tolist()
    ag.manual_seed(0)
    loader = DataLoader(_dataset(30), batch_size=4, shuffle=True)
    list(loader)
    list(loader)
    assert ag.rand(3).tolist() == after_construction


def test_unshuffled_loader_draws_nothing_from_the_library_generator():
    ag.manual_seed(0)
    expected = ag.rand(3).tolist()
    ag.manual_seed(0)
    list(DataLoader(_dataset(10), batch_size=3))
    assert ag.rand(3).tolist() == expected


def test_order_is_drawn_at_iter_not_at_first_batch():
    loader = DataLoader(_dataset(10), batch_size=3, shuffle=True, seed=0)
    before = loader.generator.bit_generator.state
    it = iter(loader)
    assert loader.generator.bit_generator.state != before
    next(it)


def test_subset_of_tensor_dataset_uses_its_indices():
    ds = _dataset(10)
    sub = Subset(ds, [9, 2, 4, 0, 7])
    assert _values(DataLoader(sub, batch_size=2)) == [[[9, 2], [90, 20]], [[4, 0], [40, 0]],
                                                      [[7], [70]]]
    nested = Subset(sub, [4, 0])
    assert _values(DataLoader(nested, batch_size=5)) == [[[7, 9], [70, 90]]]
    shuffled = np.concatenate([b[0].numpy() for b in DataLoader(sub, batch_size=2,
                                                                 shuffle=True, seed=3)])
    assert shuffled.tolist() == np.array([9, 2, 4, 0, 7])[
        np.random.default_rng(3).permutation(5)].tolist()


def test_random_split_parts_load_their_own_samples():
    _, test = random_split(_dataset(10), [0.8, 0.2], generator=np.random.default_rng(0))
    got = np.concatenate([b[0].numpy() for b in DataLoader(test, batch_size=4)])
    assert got.tolist() == test.indices


def test_subset_out_of_range_is_an_index_error_naming_the_index():
    with pytest.raises(IndexError, match="Subset index 12 is out of range for its dataset of "
                                         "10 samples"):
        list(DataLoader(Subset(_dataset(10), [1, 12]), batch_size=2))


def test_fast_path_matches_the_per_sample_path():
    ds = TensorDataset(ag.randn(23, 3), ag.randint(0, 5, (23,)))
    fast = DataLoader(ds, batch_size=5, shuffle=True, seed=2)
    slow = DataLoader(ds, batch_size=5, shuffle=True, seed=2, collate_fn=default_collate)
    # a collate_fn that is the default's own object still takes the fast path;
    # a wrapper takes the per-sample one, as a custom collate_fn would
    generic = DataLoader(ds, batch_size=5, shuffle=True, seed=2,
                         collate_fn=lambda samples: default_collate(samples))
    assert _values(fast) == _values(slow) == _values(generic)


def test_generic_dataset_goes_through_collate():
    batches = list(DataLoader(Squares(5), batch_size=2))
    x, y = batches[0]
    assert x.shape == (2, 1) and x.dtype == np.float32 and y.tolist() == [0, 1]
    assert [b[1].tolist() for b in batches] == [[0, 1], [4, 9], [16]]
    shuffled = DataLoader(Squares(5), batch_size=5, shuffle=True, seed=4)
    (x, y), = list(shuffled)
    order = np.random.default_rng(4).permutation(5)
    assert y.tolist() == (order ** 2).tolist()


def test_custom_collate_fn_receives_the_samples():
    seen = []
    loader = DataLoader(_dataset(4), batch_size=3, collate_fn=lambda s: seen.append(len(s)))
    list(loader)
    assert seen == [3, 1]


def test_subclass_with_its_own_getitem_is_not_batched_by_fancy_index():
    class Doubled(TensorDataset):
        def __getitem__(self, i):
            x, = super().__getitem__(i)
            return (x * 2,)

    (batch,), = list(DataLoader(Doubled(ag.arange(3)), batch_size=3))
    assert batch.tolist() == [0, 2, 4]


def test_loader_reads_the_tensor_as_it_is_now():
    x = ag.zeros(3)
    loader = DataLoader(TensorDataset(x), batch_size=3)
    x.data = np.ones(3, np.float32)
    (batch,), = list(loader)
    assert batch.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("bs", [0, -1, 2.0, True, None, "4"])
def test_bad_batch_size_names_it(bs):
    with pytest.raises(ValueError, match=rf"batch_size should be a positive integer value, but "
                                         rf"got batch_size={bs!r}"):
        DataLoader(_dataset(4), batch_size=bs)


def test_other_argument_errors():
    with pytest.raises(ValueError, match="give generator or seed, not both"):
        DataLoader(_dataset(4), generator=np.random.default_rng(0), seed=1)
    with pytest.raises(TypeError, match="generator must be a numpy.random.Generator"):
        DataLoader(_dataset(4), generator=0)
    with pytest.raises(TypeError, match="seed must be an int, got float"):
        DataLoader(_dataset(4), seed=1.5)
    with pytest.raises(ValueError, match="seed must be >= 0, got seed=-3"):
        DataLoader(_dataset(4), seed=-3)
    with pytest.raises(TypeError, match="collate_fn must be callable"):
        DataLoader(_dataset(4), collate_fn=3)
    with pytest.raises(TypeError, match="map-style dataset with __len__"):
        DataLoader(iter(range(3)))
    with pytest.raises(ValueError, match="cannot shuffle an empty dataset"):
        DataLoader(_dataset(0), shuffle=True)


def test_refused_loader_draws_nothing():
    ag.manual_seed(0)
    expected = ag.rand(2).tolist()
    ag.manual_seed(0)
    with pytest.raises(ValueError):
        DataLoader(_dataset(4), batch_size=0, shuffle=True)
    assert ag.rand(2).tolist() == expected


def test_matches_torch_batches_without_shuffle():
    torch = pytest.importorskip("torch")
    from torch.utils.data import DataLoader as TorchLoader
    from torch.utils.data import TensorDataset as TorchDataset
    xs = np.arange(22, dtype=np.float32).reshape(11, 2)
    ys = np.arange(11)
    ours = _values(DataLoader(TensorDataset(xs, ys), batch_size=4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = [[t.numpy().tolist() for t in b] for b in
                  TorchLoader(TorchDataset(torch.from_numpy(xs), torch.from_numpy(ys)),
                              batch_size=4)]
    assert ours == theirs
    for n, fr in [(10, [0.33, 0.33, 0.34]), (101, [0.7, 0.1, 0.2])]:
        theirs = [len(p) for p in torch.utils.data.random_split(range(n), fr)]
        assert [len(p) for p in random_split(range(n), fr)] == theirs

"""`DataLoader`: mini-batches of a map-style dataset, shuffled or in order.

The fast path is the common one: a `TensorDataset` (or a `Subset` of one,
what `random_split` returns) is batched with one fancy-index per tensor per
batch -- no Python work per sample -- so an epoch over 60,000 samples costs
a few hundred NumPy calls.  Other datasets go sample by sample through
``collate_fn`` (`default_collate` unless given), as in PyTorch.

Shuffling draws one permutation per epoch from ``loader.generator`` (a
``numpy.random.Generator``), when iteration starts.  The order therefore
depends only on the generator's state: two loaders with the same seed give
the same epochs, and a checkpoint that saves
``loader.generator.bit_generator.state`` and restores it resumes the same
sequence of epochs.
"""
import math

import numpy as np

from ...errors import ArgumentError
from ...tensor import _wrap
from ._random import child_generator, generator_arg, seed_arg
from .collate import default_collate
from .dataset import Subset, TensorDataset


class DataLoader:
    """Iterate over ``dataset`` in batches of ``batch_size`` samples.

    ``shuffle``: a new random order every epoch.  ``drop_last``: leave out the
    last batch when it is smaller than ``batch_size``.  The order comes from
    ``generator`` (a ``numpy.random.Generator``, shared, not copied), else
    from a generator seeded with ``seed``, else from one seeded by a draw
    from the library generator (so ``autograd.manual_seed`` fixes it).
    Batches of a `TensorDataset` are a list with one tensor per dataset
    tensor, of that tensor's dtype, not requiring grad.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True, seed=None):
        _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers,
                              worker_init_fn)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader(): collate_fn must be callable or None, got "
                            f"{type(collate_fn).__name__} ({collate_fn!r})")
        n = _dataset_len(dataset)
        shuffle = bool(shuffle)
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ArgumentError("DataLoader(): batch_sampler option is mutually exclusive "
                                    "with batch_size, shuffle, sampler, and drop_last")
            batch_size = None
        else:
            batch_size = _batch_size_arg(batch_size)
        if sampler is not None and shuffle:
            raise ArgumentError("DataLoader(): sampler option is mutually exclusive with "
                                "shuffle")
        if shuffle and n == 0:
            raise ArgumentError("DataLoader(): cannot shuffle an empty dataset (0 samples); "
                                "num_samples should be a positive integer value")
        self.generator = _loader_generator(generator, seed, shuffle)
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.drop_last = bool(drop_last)
        self.collate_fn = default_collate if collate_fn is None else collate_fn
        # Loading always runs in this process, so these change nothing but
        # what a worker would have run first (see _check_worker_options).
        self.num_workers, self.worker_init_fn = num_workers, worker_init_fn
        self.pin_memory, self.timeout = bool(pin_memory), timeout
        self.prefetch_factor, self.persistent_workers = prefetch_factor, persistent_workers

    def __len__(self):
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        n = len(self.dataset) if self.sampler is None else len(self.sampler)
        if self.drop_last:
            return n // self.batch_size
        return math.ceil(n / self.batch_size)

    def __iter__(self):
        """The epoch's order is drawn here, at ``iter(loader)``, not at the
        first batch, so the generator's state after ``iter`` is well defined."""
        if self.num_workers > 0 and self.worker_init_fn is not None:
            self.worker_init_fn(0)  # what the one worker doing all the loading would run
        if self.batch_sampler is not None:
            return self._index_batches(iter(self.batch_sampler))
        if self.sampler is not None:
            order = np.asarray(list(self.sampler), dtype=np.int64)
            return self._index_batches(order[start:stop].tolist()
                                       for start, stop in self._batch_bounds(order.size))
        n = len(self.dataset)
        order = self.generator.permutation(n) if self.shuffle else None
        source = _tensor_source(self.dataset) if self.collate_fn is default_collate else None
        if source is not None:
            return self._tensor_batches(source, order, n)
        return self._sample_batches(order, n)

    def _batch_bounds(self, n):
        stop = n - n % self.batch_size if self.drop_last else n
        return ((start, min(start + self.batch_size, stop))
                for start in range(0, stop, self.batch_size))

    def _tensor_batches(self, source, order, n):
        arrays, rows = source
        if order is not None:
            rows = order if rows is None else rows[order]
        for start, stop in self._batch_bounds(n):
            if rows is None:
                yield [_wrap(a[start:stop].copy()) for a in arrays]
            else:
                index = rows[start:stop]
                yield [_wrap(np.take(a, index, axis=0)) for a in arrays]

    def _index_batches(self, batches):
        """Batches of the dataset positions a sampler chose."""
        source = _tensor_source(self.dataset) if self.collate_fn is default_collate else None
        for index in batches:
            if source is not None:
                arrays, rows = source
                picked = np.asarray(index, dtype=np.int64)
                picked = picked if rows is None else rows[picked]
                yield [_wrap(np.take(a, picked, axis=0)) for a in arrays]
            else:
                yield self.collate_fn([self.dataset[i] for i in index])

    def _sample_batches(self, order, n):
        dataset, collate = self.dataset, self.collate_fn
        indices = range(n) if order is None else order.tolist()
        for start, stop in self._batch_bounds(n):
            yield collate([dataset[i] for i in indices[start:stop]])

    def __repr__(self):
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)} samples, "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last})")


def _check_worker_options(num_workers, timeout, prefetch_factor, persistent_workers,
                          worker_init_fn):
    """PyTorch's checks of the worker options.  chainrule loads in this
    process -- with data in memory as NumPy arrays, worker processes would
    add copying without speed -- so a valid ``num_workers`` gives the same
    batches; ``worker_init_fn`` (with workers) runs once per epoch here,
    as the one worker doing all the loading would run it."""
    if isinstance(num_workers, bool) or not isinstance(num_workers, (int, np.integer)) \
            or num_workers < 0:
        raise ArgumentError("DataLoader(): num_workers option should be non-negative; use "
                            f"num_workers=0 to disable multiprocessing, got {num_workers!r}")
    if timeout < 0:
        raise ArgumentError(f"DataLoader(): timeout option should be non-negative, got "
                            f"{timeout!r}")
    if num_workers == 0 and prefetch_factor is not None:
        raise ArgumentError("DataLoader(): prefetch_factor option could only be specified in "
                            "multiprocessing; let num_workers > 0 to enable multiprocessing")
    if num_workers == 0 and persistent_workers:
        raise ArgumentError("DataLoader(): persistent_workers option needs num_workers > 0")
    if worker_init_fn is not None and not callable(worker_init_fn):
        raise TypeError(f"DataLoader(): worker_init_fn must be callable or None, got "
                        f"{type(worker_init_fn).__name__}")


def _batch_size_arg(batch_size):
    if (isinstance(batch_size, (bool, np.bool_))
            or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0):
        raise ArgumentError(f"DataLoader(): batch_size should be a positive integer value, "
                            f"but got batch_size={batch_size!r}")
    return int(batch_size)


def _dataset_len(dataset):
    try:
        return len(dataset)
    except TypeError:
        raise TypeError(f"DataLoader(): dataset must be a map-style dataset with __len__ and "
                        f"__getitem__, got {type(dataset).__name__} (iterable-style datasets "
                        "are not supported)") from None


def _loader_generator(generator, seed, shuffle):
    if generator is not None and seed is not None:
        raise ArgumentError(f"DataLoader(): give generator or seed, not both (got seed={seed} "
                            "and a generator)")
    if generator is not None:
        return generator_arg(generator, "DataLoader")
    if seed is not None:
        return np.random.default_rng(seed_arg(seed, "DataLoader"))
    # an unshuffled loader draws nothing: it leaves the library generator alone
    return child_generator() if shuffle else np.random.default_rng(0)


def _tensor_source(dataset):
    """``(arrays, rows)`` when ``dataset`` is a `TensorDataset`, or a chain of
    `Subset`s of one, that keeps the stock ``__getitem__``: the batch for
    positions ``p`` is then ``[a[rows[p]] for a in arrays]`` (``rows`` None:
    the identity).  None for any other dataset."""
    chain = []
    while isinstance(dataset, Subset) and type(dataset).__getitem__ is Subset.__getitem__:
        chain.append(dataset)
        dataset = dataset.dataset
    if not (isinstance(dataset, TensorDataset)
            and type(dataset).__getitem__ is TensorDataset.__getitem__):
        return None
    rows = None
    for subset in reversed(chain):
        rows = _subset_rows(subset, len(dataset) if rows is None else len(rows), rows)
    return [t._data for t in dataset.tensors], rows


def _subset_rows(subset, size, rows):
    """The rows of the base tensors that ``subset`` picks, checked once per
    epoch (numpy would otherwise report an out-of-range index mid-epoch)."""
    picked = np.asarray(subset.indices, dtype=np.int64).reshape(-1)
    if picked.size and (picked.max() >= size or picked.min() < -size):
        bad = picked[(picked >= size) | (picked < -size)][0]
        raise IndexError(f"DataLoader: Subset index {bad} is out of range for its dataset of "
                         f"{size} samples")
    return picked if rows is None else rows[picked]

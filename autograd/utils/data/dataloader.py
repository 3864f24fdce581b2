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

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False,
                 generator=None, seed=None, collate_fn=None):
        batch_size = _batch_size_arg(batch_size)
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader(): collate_fn must be callable or None, got "
                            f"{type(collate_fn).__name__} ({collate_fn!r})")
        n = _dataset_len(dataset)
        if shuffle and n == 0:
            raise ArgumentError("DataLoader(): cannot shuffle an empty dataset (0 samples); "
                                "num_samples should be a positive integer value")
        self.generator = _loader_generator(generator, seed, bool(shuffle))
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = default_collate if collate_fn is None else collate_fn

    def __len__(self):
        n = len(self.dataset)
        if self.drop_last:
            return n // self.batch_size
        return math.ceil(n / self.batch_size)

    def __iter__(self):
        """The epoch's order is drawn here, at ``iter(loader)``, not at the
        first batch, so the generator's state after ``iter`` is well defined."""
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

    def _sample_batches(self, order, n):
        dataset, collate = self.dataset, self.collate_fn
        indices = range(n) if order is None else order.tolist()
        for start, stop in self._batch_bounds(n):
            yield collate([dataset[i] for i in indices[start:stop]])

    def __repr__(self):
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)} samples, "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last})")


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

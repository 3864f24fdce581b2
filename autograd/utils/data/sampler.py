"""Samplers under ``torch.utils.data``'s names: the order (and, for
`BatchSampler`, the grouping) in which a `DataLoader` visits a dataset.

Each is an iterable of indices with a length.  Random ones draw from their
``generator`` when given, else from a generator seeded by one draw from the
library generator at each ``iter`` -- so ``autograd.manual_seed`` makes them
reproducible, as ``torch.manual_seed`` does PyTorch's.
"""
import numpy as np

from ...errors import ArgumentError
from ._random import child_generator, generator_arg


class Sampler:
    """Base class: subclasses define ``__iter__`` (indices) and ``__len__``."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


def _rng(generator, fn):
    return child_generator() if generator is None else generator_arg(generator, fn)


def _count(value, name, fn):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ArgumentError(f"{fn}: {name} should be a positive integer value, but got "
                            f"{name}={value!r}")
    return int(value)


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation each epoch, or ``num_samples`` draws with
    replacement."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a boolean value, but got "
                            f"replacement={replacement!r}")
        self.data_source, self.replacement, self.generator = data_source, replacement, generator
        self._num_samples = num_samples
        _count(self.num_samples, "num_samples", "RandomSampler")

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        rng, n = _rng(self.generator, "RandomSampler"), len(self.data_source)
        if self.replacement:
            return iter(rng.integers(0, n, self.num_samples).tolist())
        full, rest = divmod(self.num_samples, n)
        order = [rng.permutation(n) for _ in range(full)] + [rng.permutation(n)[:rest]]
        return iter(np.concatenate(order).tolist())

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order each epoch."""

    def __init__(self, indices, generator=None):
        self.indices, self.generator = list(indices), generator

    def __iter__(self):
        order = _rng(self.generator, "SubsetRandomSampler").permutation(len(self.indices))
        return iter([self.indices[i] for i in order])

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probability proportional to
    ``weights`` (with or without replacement)."""

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        self.num_samples = _count(num_samples, "num_samples", "WeightedRandomSampler")
        w = np.asarray(weights.numpy() if hasattr(weights, "numpy") else weights,
                       dtype=np.float64).reshape(-1)
        if w.size == 0 or np.any(~np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
            raise ArgumentError("WeightedRandomSampler: weights must be finite, non-negative "
                                f"and not all zero, got {w.tolist()[:8]}")
        if not replacement and self.num_samples > np.count_nonzero(w):
            raise ArgumentError(f"WeightedRandomSampler: cannot draw {self.num_samples} "
                                f"samples without replacement from {np.count_nonzero(w)} "
                                "non-zero weights")
        self.weights, self.replacement, self.generator = w, replacement, generator

    def __iter__(self):
        rng = _rng(self.generator, "WeightedRandomSampler")
        p = self.weights / self.weights.sum()
        return iter(rng.choice(p.size, self.num_samples, replace=self.replacement, p=p).tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Lists of ``batch_size`` indices from ``sampler`` (the last one shorter
    unless ``drop_last``)."""

    def __init__(self, sampler, batch_size, drop_last):
        self.sampler = sampler
        self.batch_size = _count(batch_size, "batch_size", "BatchSampler")
        if not isinstance(drop_last, bool):
            raise TypeError(f"BatchSampler: drop_last should be a boolean value, but got "
                            f"drop_last={drop_last!r}")
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

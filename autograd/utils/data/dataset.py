"""Map-style datasets (``torch.utils.data``'s): anything with ``__getitem__``
and ``__len__``, plus the splits and unions of them."""
import bisect
import itertools
import math
import warnings

import numpy as np

from ...errors import ArgumentError, ShapeError
from ...tensor import Tensor
from ._random import generator_arg


class DatasetAssertionError(ArgumentError, AssertionError):
    """A bad dataset construction.  PyTorch reports these with ``assert``
    (AssertionError); this is that and also a ValueError, the Python
    exception for a bad argument value, so code catching either works."""


class Dataset:
    """Base class of map-style datasets: subclasses define ``__getitem__``
    (one sample for one index) and ``__len__``."""

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")

    def __add__(self, other):
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Samples are the rows of tensors that share their first dimension:
    ``dataset[i] == (t[i] for t in tensors)``.  NumPy arrays are taken as
    tensors (sharing their memory).  A `DataLoader` batches this dataset with
    one fancy-index per tensor instead of gathering samples one by one."""

    def __init__(self, *tensors):
        self.tensors = tuple(_tensor_field(t, i) for i, t in enumerate(tensors))
        if not self.tensors:
            raise DatasetAssertionError("TensorDataset(): needs at least one tensor")
        first = self.tensors[0].shape[0]
        for i, t in enumerate(self.tensors[1:], 1):
            if t.shape[0] != first:
                sizes = [t.shape[0] for t in self.tensors]
                raise _SizeMismatch(
                    f"TensorDataset(): size mismatch between tensors: tensor {i} has "
                    f"{t.shape[0]} rows (shape {t.shape}), tensor 0 has {first} (shape "
                    f"{self.tensors[0].shape}); first dimensions given: {sizes}")

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class _SizeMismatch(ShapeError, AssertionError):
    """Tensors of a TensorDataset disagree in length (an AssertionError in
    PyTorch; a ShapeError, hence ValueError, here as well)."""


def _tensor_field(t, position):
    if isinstance(t, np.ndarray):
        t = Tensor(t)
    if not isinstance(t, Tensor):
        raise TypeError(f"TensorDataset(): argument {position} must be a Tensor or a NumPy "
                        f"array, got {type(t).__name__}")
    if t.ndim == 0:
        raise IndexError(f"TensorDataset(): tensor {position} is 0-d (a scalar); each tensor "
                         "needs a first dimension that indexes the samples")
    return t


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return [self.dataset[self.indices[i]] for i in idx]
        return self.dataset[self.indices[idx]]

    def __len__(self):
        return len(self.indices)


class ConcatDataset(Dataset):
    """Datasets one after another, indexed as one."""

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise DatasetAssertionError("ConcatDataset(): datasets should not be an empty "
                                        "iterable")
        self.cumulative_sizes = np.cumsum([len(d) for d in self.datasets]).tolist()

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        n = len(self)
        if idx < 0:
            if -idx > n:
                raise ArgumentError(f"ConcatDataset: absolute value of index {idx} should not "
                                    f"exceed the dataset length {n}")
            idx += n
        if idx >= n:
            raise IndexError(f"ConcatDataset: index {idx} is out of range for {n} samples")
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which else 0
        return self.datasets[which][idx - start]


def random_split(dataset, lengths, generator=None):
    """Split ``dataset`` into non-overlapping random `Subset`s.

    ``lengths`` are sample counts summing to ``len(dataset)``, or fractions
    summing to 1: each split then gets ``floor(fraction * len(dataset))``
    samples and the leftover samples go one each to the splits in turn from
    the first (PyTorch's rule, so both libraries split a dataset into the same
    sizes).  ``generator`` (a ``numpy.random.Generator``) draws the
    permutation; None uses the library generator (``autograd.manual_seed``).
    """
    gen = generator_arg(generator, "random_split")
    sizes = _split_sizes(lengths, len(dataset))
    order = gen.permutation(len(dataset)).tolist()
    bounds = np.cumsum([0] + sizes).tolist()
    return [Subset(dataset, order[a:b]) for a, b in itertools.pairwise(bounds)]


def _split_sizes(lengths, n):
    """Sample counts from ``lengths`` (counts or fractions), validated."""
    values = _number_list(lengths)
    total = sum(values)
    if math.isclose(total, 1) and total <= 1:
        return _fraction_sizes(values, n)
    for i, v in enumerate(values):
        if v != int(v):
            raise ArgumentError(f"random_split(): lengths must be sample counts (ints) or "
                                f"fractions summing to 1; got {lengths} (index {i} is {v}, "
                                f"and they sum to {total})")
        if v < 0:
            raise ArgumentError(f"random_split(): length at index {i} is negative ({v}) in "
                                f"lengths={lengths}")
    if total != n:
        raise ArgumentError(f"random_split(): sum of input lengths does not equal the length "
                            f"of the input dataset: lengths={lengths} sum to {total}, the "
                            f"dataset has {n} samples")
    return [int(v) for v in values]


def _number_list(lengths):
    try:
        values = list(lengths)
    except TypeError:
        raise TypeError(f"random_split(): lengths must be a sequence of ints or fractions, "
                        f"got {type(lengths).__name__} ({lengths!r})") from None
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer,
                                                                 np.floating)):
            raise TypeError(f"random_split(): lengths[{i}] must be an int or a float, got "
                            f"{type(v).__name__} ({v!r})")
        if not math.isfinite(v):
            raise ArgumentError(f"random_split(): lengths[{i}] is {v}; lengths must be finite")
    return values


def _fraction_sizes(fractions, n):
    for i, f in enumerate(fractions):
        if not 0 <= f <= 1:
            raise ArgumentError(f"random_split(): fraction at index {i} is {f}, not between "
                                f"0 and 1 (fractions={fractions})")
    sizes = [math.floor(n * f) for f in fractions]
    for i in range(n - sum(sizes)):
        sizes[i % len(sizes)] += 1
    for i, size in enumerate(sizes):
        if size == 0:
            warnings.warn(f"random_split(): split at index {i} is empty (fraction "
                          f"{fractions[i]} of {n} samples)", stacklevel=3)
    return sizes

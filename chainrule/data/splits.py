"""Train / validation / test splits as index arrays, stratified on request.

A stratified split keeps each class's share the same in every split (to
within one sample per class), so a small validation or test set is not
skewed toward some classes by chance -- with 1,797 digits, a plain random
20% test split can be a few points off per class.  Split sizes follow
PyTorch's ``random_split`` rule for fractions (floor, then the leftover
samples one each to the splits in turn), stratified or not.
"""
import math

import numpy as np

from autograd.errors import ArgumentError
from autograd.factories import generator as library_generator


def train_val_test_split(labels, *, val_fraction=0.1, test_fraction=0.2, stratify=True,
                         seed=None):
    """``(train, val, test)`` index arrays into ``labels``; the training split
    gets what the other two leave.  A fraction may be 0 (an empty split)."""
    for name, f in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 <= f <= 1:
            raise ArgumentError(f"train_val_test_split(): {name} must be between 0 and 1, got "
                                f"{f}")
    if val_fraction + test_fraction > 1:
        raise ArgumentError(f"train_val_test_split(): val_fraction={val_fraction} and "
                            f"test_fraction={test_fraction} leave nothing to train on (they "
                            "sum to more than 1)")
    fractions = [max(0.0, 1.0 - val_fraction - test_fraction), val_fraction, test_fraction]
    if stratify:
        return tuple(stratified_split(labels, fractions, seed))
    return tuple(_random_split_indices(len(_labels_arg(labels)), fractions, seed))


def stratified_split(labels, fractions, seed=None):
    """One sorted int64 index array per fraction: each class's samples are
    shuffled and dealt to the splits so that every split holds about
    ``fraction`` of every class, and the split sizes are those of an
    unstratified split.  ``seed``: an int, a ``numpy.random.Generator``, or
    None for the library generator (``autograd.manual_seed``)."""
    labels = _labels_arg(labels)
    sizes = _sizes(len(labels), fractions)
    gen = _generator(seed)
    classes, inverse = np.unique(labels, return_inverse=True)
    members = [np.flatnonzero(inverse.reshape(-1) == c) for c in range(len(classes))]
    counts = _allocate([len(m) for m in members], fractions, sizes)
    parts = [[] for _ in sizes]
    for m, row in zip(members, counts):
        bounds = np.cumsum(row)[:-1]
        for part, chunk in zip(parts, np.split(gen.permutation(m), bounds)):
            part.append(chunk)
    return [np.sort(np.concatenate(p)).astype(np.int64) for p in parts]


def _random_split_indices(n, fractions, seed):
    sizes = _sizes(n, fractions)
    order = _generator(seed).permutation(n)
    return [np.sort(c).astype(np.int64) for c in np.split(order, np.cumsum(sizes)[:-1])]


def _allocate(class_counts, fractions, sizes):
    """Per-class split counts (rows sum to the class counts, columns to the
    split sizes): floors of the ideal shares, then the leftover samples to
    the (class, split) cells with the largest fractional parts."""
    ideal = np.outer(class_counts, fractions)
    counts = np.floor(ideal).astype(np.int64)
    row_left = np.asarray(class_counts) - counts.sum(axis=1)
    col_left = np.asarray(sizes) - counts.sum(axis=0)
    remainders = ideal - counts
    for flat in np.argsort(-remainders, axis=None, kind="stable"):
        c, j = divmod(int(flat), len(sizes))
        if row_left[c] > 0 and col_left[j] > 0:
            counts[c, j] += 1
            row_left[c] -= 1
            col_left[j] -= 1
    for c in np.flatnonzero(row_left):  # rare: a class owed more than one cell can take
        for j in np.flatnonzero(col_left):
            give = min(row_left[c], col_left[j])
            counts[c, j] += give
            row_left[c] -= give
            col_left[j] -= give
    return counts


def _sizes(n, fractions):
    """PyTorch's ``random_split`` sizes for fractions of ``n`` samples."""
    fractions = [float(f) for f in fractions]
    for i, f in enumerate(fractions):
        if not 0 <= f <= 1:
            raise ArgumentError(f"split fractions must each be between 0 and 1; fraction {i} "
                                f"is {f} (fractions={fractions})")
    if not fractions or not math.isclose(sum(fractions), 1):
        raise ArgumentError(f"split fractions must sum to 1, got {fractions} (sum "
                            f"{sum(fractions)})")
    sizes = [math.floor(n * f) for f in fractions]
    for i in range(n - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


def _labels_arg(labels):
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ArgumentError(f"labels must be 1-d (one label per sample), got shape "
                            f"{labels.shape}")
    return labels


def _generator(seed):
    if seed is None:
        return library_generator()
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ArgumentError(f"seed must be a non-negative int, a numpy.random.Generator or "
                            f"None, got {seed!r}")
    return np.random.default_rng(int(seed))

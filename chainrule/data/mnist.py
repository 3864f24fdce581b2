"""MNIST and Fashion-MNIST from their IDX files in a directory the user names.

The standard file names are looked for, each plain or gzipped.  When the
directory holds only the t10k (test) pair -- 10,000 images, the part of
MNIST small enough to keep around -- its first 80% (8,000) become the
training split and its last 20% (2,000) the test split, and the returned
``note`` says so, for the caller to print.
"""
import os
from typing import NamedTuple

import numpy as np

from .idx import IDXError, read_idx

KINDS = ("mnist", "fashion-mnist")
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                         "Shirt", "Sneaker", "Bag", "Ankle boot")
_STEMS = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
_NUM_CLASSES = 10


class LabelledImages(NamedTuple):
    images: np.ndarray  # float32 (N, 1, H, W) in [0, 1]
    labels: np.ndarray  # int64 (N,)


class MnistData(NamedTuple):
    train: LabelledImages
    test: LabelledImages
    note: str | None  # set when the split is not the standard one
    classes: tuple


def load_mnist(directory, kind="mnist"):
    """Train and test splits of MNIST (or Fashion-MNIST, same format) from
    ``directory``, with images and labels checked against each other."""
    if kind not in KINDS:
        raise ValueError(f"load_mnist(): kind must be one of {KINDS}, got {kind!r}")
    directory = os.fspath(directory)
    found = {part: [_find(directory, stem) for stem in stems] for part, stems in _STEMS.items()}
    if not os.path.isdir(directory) or None in found["test"] or found["train"].count(None) == 1:
        raise FileNotFoundError(_missing_message(directory, kind, found))
    classes = FASHION_MNIST_CLASSES if kind == "fashion-mnist" else tuple(map(str, range(10)))
    test = _read_pair(*found["test"])
    if None not in found["train"]:
        return MnistData(_read_pair(*found["train"]), test, None, classes)
    n_test = len(test.labels) // 5
    n_train = len(test.labels) - n_test
    note = (f"{directory} holds only the t10k files: training on their first {n_train:,} "
            f"images and testing on the last {n_test:,} (the train-*-ubyte files were not "
            "found)")
    return MnistData(LabelledImages(test.images[:n_train], test.labels[:n_train]),
                     LabelledImages(test.images[n_train:], test.labels[n_train:]), note,
                     classes)


def _find(directory, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def _missing_message(directory, kind, found):
    looked_for = ", ".join(f"{stem}[.gz]" for stems in _STEMS.values() for stem in stems)
    if not os.path.isdir(directory):
        return (f"load_mnist(): {kind} directory {directory!r} does not exist; it should hold "
                f"the IDX files {looked_for} (or only the two t10k files)")
    missing = [stem for stem, path in zip(_STEMS["test"], found["test"]) if path is None]
    if found["train"].count(None) == 1:  # half a train pair is a mistake, not a choice
        missing += [stem for stem, path in zip(_STEMS["train"], found["train"]) if path is None]
    lacking = ", ".join(f"{stem}[.gz]" for stem in missing)
    return (f"load_mnist(): {directory!r} lacks {lacking}; looked for {looked_for} (the two "
            "train files are optional)")


def _read_pair(images_path, labels_path):
    images = _checked(read_idx(images_path), images_path, 3, "images (count, rows, columns)")
    labels = _checked(read_idx(labels_path), labels_path, 1, "labels (count,)")
    if len(images) != len(labels):
        raise IDXError(f"{images_path} holds {len(images)} images but {labels_path} holds "
                       f"{len(labels)} labels; they must agree in count")
    bad = np.flatnonzero(labels >= _NUM_CLASSES)
    if bad.size:
        raise IDXError(f"{labels_path}: label {labels[bad[0]]} at index {bad[0]} is out of "
                       f"range 0..{_NUM_CLASSES - 1} ({bad.size} such labels)")
    scaled = images.astype(np.float32)
    scaled /= 255.0
    return LabelledImages(scaled[:, None], labels.astype(np.int64))


def _checked(array, path, ndim, what):
    if array.ndim != ndim or array.dtype != np.uint8:
        raise IDXError(f"{path}: expected {ndim}-d uint8 {what}, the file holds {array.ndim}-d "
                       f"{array.dtype} of shape {array.shape}")
    return array

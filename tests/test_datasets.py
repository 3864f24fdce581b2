"""chainrule.data: the IDX reader on good and broken files (written here),
load_mnist (small files written here; the real t10k files when present),
load_digits, stratified splits and Standardize."""
import gzip
import os
import struct
import sys

import numpy as np
import pytest

import autograd as ag
from chainrule.data import (
    FASHION_MNIST_CLASSES,
    IDXError,
    Standardize,
    load_digits,
    load_mnist,
    read_idx,
    stratified_split,
    train_val_test_split,
)

_CODES = {np.dtype(np.uint8): 0x08, np.dtype(np.int8): 0x09, np.dtype(np.int16): 0x0B,
          np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D, np.dtype(np.float64): 0x0E}


def idx_bytes(array):
    array = np.asarray(array)
    header = bytes([0, 0, _CODES[array.dtype], array.ndim])
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write(path, payload, compress=False):
    path.write_bytes(gzip.compress(payload) if compress else payload)
    return path


def write_pair(directory, prefix, images, labels, compress=False):
    suffix = ".gz" if compress else ""
    write(directory / f"{prefix}-images-idx3-ubyte{suffix}", idx_bytes(images), compress)
    write(directory / f"{prefix}-labels-idx1-ubyte{suffix}", idx_bytes(labels), compress)


def digits_like(n, seed, rows=4, cols=5):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, rows, cols), dtype=np.uint8)
    images[0, 0, 0], images[0, 0, 1] = 0, 255
    return images, (np.arange(n) % 10).astype(np.uint8)


# ------------------------------------------------------------------ read_idx
@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32,
                                   np.float64])
def test_read_idx_round_trip(tmp_path, compress, dtype):
    array = (np.arange(24) - 5).reshape(2, 3, 4).astype(dtype)
    path = write(tmp_path / "a.idx", idx_bytes(array), compress)
    got = read_idx(path)
    assert got.dtype == np.dtype(dtype) and got.dtype.isnative
    assert got.shape == (2, 3, 4) and np.array_equal(got, array)
    got[0, 0, 0] = 1  # a writable array of its own


def test_read_idx_recognises_gzip_by_content_not_name(tmp_path):
    labels = np.array([3, 1, 4], np.uint8)
    path = write(tmp_path / "labels-idx1-ubyte", idx_bytes(labels), compress=True)
    assert read_idx(str(path)).tolist() == [3, 1, 4]


_GOOD = idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))


@pytest.mark.parametrize("payload, message", [
    (b"", "the file is empty"),
    (b"\x00\x00\x08", "the file is 3 bytes, shorter than the 4-byte IDX magic number"),
    (b"\x1f\x00\x08\x02" + _GOOD[4:], "wrong magic number 0x1f000802"),
    (b"\x00\x00\x07\x02" + _GOOD[4:], "unknown IDX type code 0x07"),
    (b"\x00\x00\x08\x00", "declares 0 dimensions"),
    (_GOOD[:10], "truncated header: 2 dimensions need 12 header bytes, the file has 10"),
    (_GOOD[:-1], (r"truncated data: dimensions \(3, 4\) of uint8 need 12 bytes after the "
                  "header, the file has 11")),
    (_GOOD + b"\x00\x00", "2 bytes of extra data"),
    (b"\x00\x00\x08\x03" + struct.pack(">3I", 2 ** 32 - 1, 2 ** 32 - 1, 2 ** 32 - 1),
     "truncated data"),
    (b"\x00\x00\x0e\x01" + struct.pack(">I", 2) + b"\x00" * 12, "need 16 bytes"),
])
@pytest.mark.parametrize("compress", [False, True])
def test_read_idx_malformed_files_name_the_file_and_problem(tmp_path, payload, message,
                                                           compress):
    path = write(tmp_path / "bad-idx", payload, compress)
    with pytest.raises(IDXError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("cut", [10, 30, -8])
def test_read_idx_truncated_or_corrupt_gzip(tmp_path, cut):
    packed = gzip.compress(idx_bytes(np.arange(200, dtype=np.uint8).reshape(10, 20)))
    path = tmp_path / "x.gz"
    path.write_bytes(packed[:cut])
    with pytest.raises(IDXError, match=f"{path}: the gzip data is corrupt or truncated"):
        read_idx(path)


def test_read_idx_corrupt_gzip_body(tmp_path):
    packed = bytearray(gzip.compress(bytes(range(256)) * 4))
    packed[20:40] = b"\xff" * 20
    path = tmp_path / "y.gz"
    path.write_bytes(bytes(packed))
    with pytest.raises(IDXError, match="corrupt or truncated"):
        read_idx(path)


def test_read_idx_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nope")


# ---------------------------------------------------------------- load_mnist
@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_full_directory(tmp_path, compress):
    train_x, train_y = digits_like(12, 0)
    test_x, test_y = digits_like(5, 1)
    write_pair(tmp_path, "train", train_x, train_y, compress)
    write_pair(tmp_path, "t10k", test_x, test_y, not compress)
    data = load_mnist(tmp_path)
    assert data.note is None
    assert data.classes == tuple("0123456789")
    assert data.train.images.shape == (12, 1, 4, 5) and data.test.images.shape == (5, 1, 4, 5)
    assert data.train.images.dtype == np.float32 and data.train.labels.dtype == np.int64
    assert np.array_equal(data.train.images[:, 0], train_x.astype(np.float32) / 255)
    assert data.train.images.min() == 0.0 and data.train.images.max() == 1.0
    assert data.test.labels.tolist() == test_y.tolist()
    train, test, note, classes = data  # unpacks as a tuple
    assert (train, test, note, classes) == (data.train, data.test, None, data.classes)


def test_load_mnist_t10k_only_splits_first_80_percent_and_says_so(tmp_path):
    x, y = digits_like(10, 2)
    write_pair(tmp_path, "t10k", x, y, compress=True)
    data = load_mnist(str(tmp_path), kind="fashion-mnist")
    assert data.train.labels.tolist() == y[:8].tolist()
    assert data.test.labels.tolist() == y[8:].tolist()
    assert np.array_equal(data.test.images[:, 0] * 255, x[8:].astype(np.float32))
    assert "only the t10k files" in data.note and "first 8 images" in data.note
    assert "last 2" in data.note
    assert data.classes == FASHION_MNIST_CLASSES


def test_load_mnist_count_mismatch(tmp_path):
    x, y = digits_like(10, 3)
    write_pair(tmp_path, "t10k", x, y[:9])
    with pytest.raises(IDXError, match=r"t10k-images-idx3-ubyte holds 10 images but .*"
                                       r"t10k-labels-idx1-ubyte holds 9 labels"):
        load_mnist(tmp_path)


def test_load_mnist_label_out_of_range(tmp_path):
    x, y = digits_like(10, 4)
    y[6] = 10
    write_pair(tmp_path, "t10k", x, y)
    with pytest.raises(IDXError, match=r"t10k-labels-idx1-ubyte: label 10 at index 6 is out "
                                       r"of range 0..9"):
        load_mnist(tmp_path)


def test_load_mnist_wrong_kind_of_array(tmp_path):
    x, y = digits_like(10, 5)
    write_pair(tmp_path, "t10k", x.reshape(10, 20).astype(np.int32), y)
    with pytest.raises(IDXError, match=r"t10k-images-idx3-ubyte: expected 3-d uint8 images.*"
                                       r"2-d int32 of shape \(10, 20\)"):
        load_mnist(tmp_path)


def test_load_mnist_missing_directory_lists_the_file_names(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"does not exist.*train-images-idx3-ubyte\[\.gz\]"
                                                r".*t10k-labels-idx1-ubyte\[\.gz\]"):
        load_mnist(tmp_path / "absent")


def test_load_mnist_without_test_files(tmp_path):
    x, y = digits_like(10, 6)
    write_pair(tmp_path, "train", x, y)
    with pytest.raises(FileNotFoundError, match=r"lacks t10k-images-idx3-ubyte\[\.gz\], "
                                                r"t10k-labels-idx1-ubyte\[\.gz\]; looked for"):
        load_mnist(tmp_path)


def test_load_mnist_half_a_train_pair(tmp_path):
    x, y = digits_like(10, 7)
    write_pair(tmp_path, "t10k", x, y)
    write(tmp_path / "train-images-idx3-ubyte", idx_bytes(x))
    with pytest.raises(FileNotFoundError, match=r"lacks train-labels-idx1-ubyte\[\.gz\]"):
        load_mnist(tmp_path)


def test_load_mnist_bad_kind(tmp_path):
    with pytest.raises(ValueError, match="kind must be one of .*got 'cifar'"):
        load_mnist(tmp_path, kind="cifar")


def _real_mnist_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    for d in (os.environ.get("CHAINRULE_MNIST_DIR"),
              os.path.join(here, "..", "..", "shared", "data", "mnist")):
        if d and os.path.isfile(os.path.join(d, "t10k-labels-idx1-ubyte.gz")):
            return d
    return None


@pytest.mark.skipif(_real_mnist_dir() is None, reason="the real MNIST t10k files are not here "
                    "(../shared/data/mnist or $CHAINRULE_MNIST_DIR); the repo never copies them")
def test_real_mnist_t10k_files():
    directory = _real_mnist_dir()
    labels = read_idx(os.path.join(directory, "t10k-labels-idx1-ubyte.gz"))
    assert labels.shape == (10000,) and labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974,
                                            1009]
    data = load_mnist(directory)
    assert data.train.images.shape == (8000, 1, 28, 28)
    assert data.test.images.shape == (2000, 1, 28, 28)
    assert data.train.labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert data.test.labels.tolist() == labels[8000:].tolist()
    assert data.train.images.min() == 0.0 and data.train.images.max() == 1.0
    assert "8,000" in data.note and "2,000" in data.note


# ---------------------------------------------------------------- load_digits
def test_load_digits():
    images, labels = load_digits()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == np.float32
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    assert sorted(set(labels.tolist())) == list(range(10))
    assert np.all(np.isin(images * 16, np.arange(17)))  # sklearn's 0..16 scaled by 1/16
    sklearn = pytest.importorskip("sklearn.datasets")
    assert np.array_equal(images[:, 0] * 16, sklearn.load_digits().images)


def test_load_digits_without_scikit_learn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install 'chainrule\[train\]'"):
        load_digits()


# -------------------------------------------------------------------- splits
def _labels():
    return np.repeat(np.arange(5), [40, 25, 13, 7, 15])  # 100 samples, unbalanced


def test_stratified_split_keeps_class_shares_and_sizes():
    labels = _labels()
    fractions = [0.7, 0.1, 0.2]
    parts = stratified_split(labels, fractions, seed=0)
    assert [len(p) for p in parts] == [70, 10, 20]
    everything = np.concatenate(parts)
    assert sorted(everything.tolist()) == list(range(100))
    counts = np.bincount(labels)
    for part, f in zip(parts, fractions):
        assert part.dtype == np.int64 and np.all(np.diff(part) > 0)
        got = np.bincount(labels[part], minlength=5)
        assert np.all(np.abs(got - counts * f) < 1), (got, counts * f)


def test_stratified_split_is_seeded():
    labels = _labels()
    a = stratified_split(labels, [0.5, 0.5], seed=1)
    b = stratified_split(labels, [0.5, 0.5], seed=np.random.default_rng(1))
    c = stratified_split(labels, [0.5, 0.5], seed=2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not np.array_equal(a[0], c[0])
    ag.manual_seed(9)
    d = stratified_split(labels, [0.5, 0.5])
    ag.manual_seed(9)
    assert np.array_equal(d[0], stratified_split(labels, [0.5, 0.5])[0])


def test_stratified_split_sizes_follow_pytorchs_rounding():
    labels = np.arange(1797) % 10
    parts = stratified_split(labels, [0.8, 0.2], seed=0)
    assert [len(p) for p in parts] == [1438, 359]
    parts = stratified_split(np.zeros(10, int), [0.33, 0.33, 0.34], seed=0)
    assert [len(p) for p in parts] == [4, 3, 3]


def test_stratified_split_many_small_classes():
    labels = np.arange(30)  # every class has one sample: shares cannot be kept
    parts = stratified_split(labels, [0.5, 0.3, 0.2], seed=0)
    assert [len(p) for p in parts] == [15, 9, 6]
    assert sorted(np.concatenate(parts).tolist()) == list(range(30))


def test_train_val_test_split():
    labels = np.arange(1797) % 10
    train, val, test = train_val_test_split(labels, val_fraction=0.1, test_fraction=0.2, seed=0)
    assert (len(train), len(val), len(test)) == (1258, 180, 359)
    assert np.bincount(labels[test]).min() >= 35
    train, val, test = train_val_test_split(labels, test_fraction=0.0, stratify=False, seed=0)
    assert (len(train), len(val), len(test)) == (1618, 179, 0)
    assert not set(train.tolist()) & set(val.tolist())


@pytest.mark.parametrize("kwargs, message", [
    ({"val_fraction": 0.6, "test_fraction": 0.5}, "leave nothing to train on"),
    ({"val_fraction": -0.1}, "val_fraction must be between 0 and 1, got -0.1"),
])
def test_train_val_test_split_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        train_val_test_split(_labels(), **kwargs)


def test_split_argument_errors():
    with pytest.raises(ValueError, match=r"must sum to 1, got \[0.5, 0.6\]"):
        stratified_split(_labels(), [0.5, 0.6])
    with pytest.raises(ValueError, match="fraction 0 is 1.5"):
        stratified_split(_labels(), [1.5, -0.5])
    with pytest.raises(ValueError, match=r"labels must be 1-d .* shape \(2, 50\)"):
        stratified_split(_labels().reshape(2, 50), [0.5, 0.5])
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        stratified_split(_labels(), [0.5, 0.5], seed=-1)


# ---------------------------------------------------------------- Standardize
def test_standardize_uses_training_statistics_only():
    train = np.array([[1.0, 10.0], [3.0, 10.0]], np.float32)
    test = np.array([[5.0, 12.0]], np.float32)
    s = Standardize().fit(train)
    assert s.mean.tolist() == [2.0, 10.0] and s.std.tolist() == [1.0, 1.0]  # constant -> 1
    assert s(train).tolist() == [[-1.0, 0.0], [1.0, 0.0]]
    assert s.transform(test).tolist() == [[3.0, 2.0]]
    assert s(test).dtype == np.float32


def test_standardize_per_channel_of_images():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(3, 2, (50, 1, 4, 4)), rng.normal(-1, 5, (50, 1, 4, 4))],
                       axis=1)
    out = Standardize().fit_transform(x)
    assert out.dtype == np.float64 and out.shape == x.shape
    assert np.allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    assert np.allclose(out.std(axis=(0, 2, 3)), 1, atol=1e-12)


def test_standardize_integer_input_and_tensors():
    s = Standardize().fit(np.array([[0], [255]], np.uint8))
    assert s(np.array([[255]], np.uint8)).dtype == np.float32
    out = s(ag.tensor([[0.0], [255.0]]))
    assert isinstance(out, ag.Tensor) and out.tolist() == [[-1.0], [1.0]]


def test_standardize_errors_change_nothing():
    s = Standardize()
    with pytest.raises(ValueError, match="call fit"):
        s.transform(np.zeros((2, 3)))
    s.fit(np.ones((4, 3)))
    mean = s.mean.copy()
    with pytest.raises(ValueError, match=r"fitted on 3 channels \(axis 1\), got shape \(2, 5\)"):
        s.transform(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"at least 2-d.*got shape \(3,\)"):
        s.fit(np.zeros(3))
    assert np.array_equal(s.mean, mean)

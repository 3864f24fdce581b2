"""Data for training: the bundled digits, MNIST-format IDX files, splits and
normalization.  Arrays are NumPy (images float32 ``(N, 1, H, W)`` in [0, 1],
labels int64); wrap them in ``autograd.utils.data.TensorDataset`` to train."""
from .digits import load_digits
from .idx import IDXError, read_idx
from .mnist import FASHION_MNIST_CLASSES, LabelledImages, MnistData, load_mnist
from .normalize import Standardize
from .splits import stratified_split, train_val_test_split

__all__ = [
           "FASHION_MNIST_CLASSES",
           "IDXError",
           "LabelledImages",
           "MnistData",
           "Standardize",
           "load_digits",
           "load_mnist",
           "read_idx",
           "stratified_split",
           "train_val_test_split",
]

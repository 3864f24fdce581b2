"""scikit-learn's bundled handwritten digits: 1,797 real 8x8 images that
ship inside the installed package, so the default training run needs no
download."""
import numpy as np

from .mnist import LabelledImages


def load_digits():
    """Images float32 ``(1797, 1, 8, 8)`` scaled from scikit-learn's 0..16 to
    [0, 1], labels int64 0..9."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError as e:
        raise ImportError("load_digits() reads the digits bundled with scikit-learn, which is "
                          "not installed: pip install 'chainrule[train]'") from e
    bunch = sklearn_digits()
    images = (bunch.images / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    return LabelledImages(images, bunch.target.astype(np.int64))

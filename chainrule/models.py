"""The two models ``chainrule train`` offers, sized from the data's image
shape, so the same code serves 8x8 digits and 28x28 MNIST.

* ``mlp``: flatten -> 256 ReLU units -> dropout -> classes (the lecture
  notes' multilayer perceptron with the regularizer they teach);
* ``cnn``: two conv (3x3, padding 1) -> batch norm -> ReLU -> 2x2 max-pool
  stages (16 and 32 channels), then a linear classifier.
"""
import nn as chainrule_nn

MODELS = ("mlp", "cnn")


def build(name, image_shape, classes, *, dropout=0.2, nn=chainrule_nn):
    """``name`` in MODELS; ``image_shape`` is (channels, height, width).
    ``nn`` may be ``torch.nn``: the benchmark builds PyTorch's twin from
    this same definition."""
    c, h, w = image_shape
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(c * h * w, 256), nn.ReLU(),
                             nn.Dropout(dropout), nn.Linear(256, classes))
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(c, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Dropout(dropout), nn.Linear(32 * (h // 4) * (w // 4), classes))
    raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODELS)}")

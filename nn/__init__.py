"""chainrule.nn: layers, losses and init (built on autograd)."""
from .parameter import Parameter
from .module import Module
from .layers.container import Sequential, ModuleList, ModuleDict
from .layers.linear import Linear
from .layers.conv import Conv2d
from .layers.pooling import MaxPool2d, AvgPool2d
from .layers.batchnorm import BatchNorm1d, BatchNorm2d
from .layers.dropout import Dropout, Dropout2d
from .layers.activation import (ReLU, LeakyReLU, ELU, Sigmoid, Tanh, Softplus, Softmax,
                                LogSoftmax, GELU, Identity, Flatten, Maxout)
from .losses import CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCELoss, BCEWithLogitsLoss
from . import functional
from . import init
from . import utils
from .layers.adaptive import AdaptiveAvgPool2d, AdaptiveMaxPool2d  # noqa: E402
from .layers.conv_more import Conv1d, ConvTranspose2d, Fold, Unfold  # noqa: E402
from .layers.upsample import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d  # noqa: E402

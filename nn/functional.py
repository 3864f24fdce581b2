"""``torch.nn.functional``'s names, gathered from where each is implemented
(each layer's file holds its functional form next to its module)."""
from autograd import pad  # noqa: F401

from .layers.activation import (elu, gelu, leaky_relu, log_softmax, maxout, relu,  # noqa: F401
                                sigmoid, softmax, softplus, tanh)
from .layers.batchnorm import batch_norm  # noqa: F401
from .layers.conv import conv2d  # noqa: F401
from .layers.dropout import dropout, dropout2d  # noqa: F401
from .layers.linear import linear  # noqa: F401
from .layers.pooling import avg_pool2d, max_pool2d  # noqa: F401
from .losses import (binary_cross_entropy, binary_cross_entropy_with_logits,  # noqa: F401
                     cross_entropy, l1_loss, mse_loss, nll_loss)
from .layers.adaptive import adaptive_avg_pool2d, adaptive_max_pool2d  # noqa: F401,E402
from .layers.conv_more import conv1d, conv_transpose2d, fold, unfold  # noqa: F401,E402
from .layers.upsample import interpolate  # noqa: F401,E402

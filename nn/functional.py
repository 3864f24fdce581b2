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
# ---- p-layers (issue 11)
from .layers.embedding import embedding  # noqa: F401,E402
from .layers.normalization import group_norm, instance_norm, layer_norm  # noqa: F401,E402
from .layers.attention import scaled_dot_product_attention  # noqa: F401,E402
from .layers.bilinear import bilinear  # noqa: F401,E402
# ---- p-func (issue 11): more activations, distances, dropouts, losses
from .layers.activation_extra import (celu, glu, hardsigmoid, hardswish, hardtanh,  # noqa: F401
                                      logsigmoid, mish, prelu, relu6, selu, silu, softsign)
from .layers.distance import cosine_similarity, normalize, one_hot, pairwise_distance  # noqa: F401
from .layers.dropout_extra import (alpha_dropout, dropout1d, dropout3d,  # noqa: F401
                                   feature_alpha_dropout)
from .losses_extra import (cosine_embedding_loss, gaussian_nll_loss, hinge_embedding_loss,  # noqa: F401
                           huber_loss, kl_div, margin_ranking_loss, multilabel_soft_margin_loss,
                           poisson_nll_loss, smooth_l1_loss, soft_margin_loss,
                           triplet_margin_loss)
from .layers.adaptive import adaptive_avg_pool2d, adaptive_max_pool2d  # noqa: F401,E402
from .layers.conv_more import conv1d, conv_transpose2d, fold, unfold  # noqa: F401,E402
from .layers.upsample import interpolate  # noqa: F401,E402
# ---- more functions a port reaches for (issue 11)
from .layers.pixel_shuffle import pixel_shuffle, pixel_unshuffle  # noqa: F401,E402
from .layers.rms_norm import rms_norm  # noqa: F401,E402
from .layers.activation_more import (hardshrink, softshrink, tanhshrink, threshold,  # noqa: F401,E402
                                     softmin, rrelu, relu_, elu_, leaky_relu_, hardtanh_,
                                     selu_, celu_, threshold_, rrelu_)
from .layers.embedding_bag import embedding_bag  # noqa: F401,E402
# ---- p-ctc (issue 11)
from .losses_ctc import ctc_loss  # noqa: F401,E402
from .layers.grid_sample import affine_grid, grid_sample  # noqa: F401,E402
# ---- conv3d (issue 11): the 3-d convolution family
from .layers.conv3d import conv3d  # noqa: F401,E402
from .layers.pooling3d import avg_pool3d, max_pool3d  # noqa: F401,E402
# ---- nn1d (issue 11): 1-d pooling, unpooling, LP pooling, conv_transpose1d, norms
from .layers.pooling1d import (max_pool1d, avg_pool1d, adaptive_avg_pool1d,  # noqa: F401,E402
                               adaptive_max_pool1d, lp_pool1d, lp_pool2d, max_unpool1d,
                               max_unpool2d)
from .layers.conv_transpose1d import conv_transpose1d  # noqa: F401,E402
from .layers.norm_more import (local_response_norm, channel_shuffle, upsample,  # noqa: F401,E402
                               upsample_nearest, upsample_bilinear)
# ---- h-losses2 (issue 11)
from .losses_more import (multi_margin_loss, multilabel_margin_loss,  # noqa: F401,E402
                          triplet_margin_with_distance_loss, gumbel_softmax)

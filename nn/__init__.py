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
# ---- p-layers (issue 11): layers a custom model reaches for
from .layers.embedding import Embedding  # noqa: E402
from .layers.normalization import (LayerNorm, GroupNorm, InstanceNorm1d,  # noqa: E402
                                   InstanceNorm2d, InstanceNorm3d)
from .layers.attention import MultiheadAttention  # noqa: E402
from .layers.transformer import TransformerEncoderLayer, TransformerEncoder  # noqa: E402
from .layers.unflatten import Unflatten  # noqa: E402
from .layers.bilinear import Bilinear  # noqa: E402
from .layers.rnn import RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell  # noqa: E402
from .layers.lazy import (LazyLinear, LazyConv2d, LazyBatchNorm1d,  # noqa: E402
                          LazyBatchNorm2d, UninitializedParameter, UninitializedBuffer)
# ---- p-func (issue 11): more activations, distances, dropouts, losses
from .layers.activation_extra import (SiLU, Mish, Hardtanh, ReLU6, Hardsigmoid,
                                      Hardswish, Softsign, CELU, SELU, PReLU, GLU, LogSigmoid)
from .layers.distance import CosineSimilarity, PairwiseDistance
from .layers.dropout_extra import Dropout1d, Dropout3d, AlphaDropout, FeatureAlphaDropout
from .losses_extra import (SmoothL1Loss, HuberLoss, KLDivLoss, CosineEmbeddingLoss,
                           MarginRankingLoss, HingeEmbeddingLoss, SoftMarginLoss,
                           MultiLabelSoftMarginLoss, PoissonNLLLoss, GaussianNLLLoss,
                           TripletMarginLoss)
from .layers.adaptive import AdaptiveAvgPool2d, AdaptiveMaxPool2d  # noqa: E402
from .layers.conv_more import Conv1d, ConvTranspose2d, Fold, Unfold  # noqa: E402
from .layers.upsample import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d  # noqa: E402
# ---- more layers a port reaches for (issue 11)
from .layers.param_containers import ParameterList, ParameterDict  # noqa: E402
from .layers.padding import (ZeroPad1d, ZeroPad2d, ZeroPad3d, ConstantPad1d,  # noqa: E402
                             ConstantPad2d, ConstantPad3d, ReflectionPad1d, ReflectionPad2d,
                             ReflectionPad3d, ReplicationPad1d, ReplicationPad2d,
                             ReplicationPad3d, CircularPad1d, CircularPad2d, CircularPad3d)
from .layers.pixel_shuffle import PixelShuffle, PixelUnshuffle  # noqa: E402
from .layers.rms_norm import RMSNorm  # noqa: E402
from .layers.activation_more import (Hardshrink, Softshrink, Tanhshrink, Threshold,  # noqa: E402
                                     Softmin, Softmax2d, RReLU)
from .layers.embedding_bag import EmbeddingBag  # noqa: E402
# ---- p-ctc (issue 11): connectionist temporal classification
from .losses_ctc import CTCLoss  # noqa: E402
# ---- p-rnnx (issue 11): the Transformer's decoder side
from .layers.transformer import (TransformerDecoderLayer, TransformerDecoder,  # noqa: E402
                                 Transformer)
# ---- conv3d (issue 11): the 3-d convolution family
from .layers.conv3d import Conv3d, LazyConv3d  # noqa: E402
from .layers.pooling3d import MaxPool3d, AvgPool3d  # noqa: E402
# ---- nn1d (issue 11): 1-d pooling, unpooling, LP pooling, ConvTranspose1d, norms
from .layers.pooling1d import (MaxPool1d, AvgPool1d, AdaptiveAvgPool1d,  # noqa: E402
                               AdaptiveMaxPool1d, LPPool1d, LPPool2d, MaxUnpool1d, MaxUnpool2d)
from .layers.conv_transpose1d import ConvTranspose1d, LazyConv1d  # noqa: E402
from .layers.norm_more import (BatchNorm3d, LazyBatchNorm3d, LocalResponseNorm,  # noqa: E402
                               ChannelShuffle)
# ---- h-losses2 (issue 11): multi-class margins, triplet with distance, adaptive softmax
from .losses_more import (MultiMarginLoss, MultiLabelMarginLoss,  # noqa: E402
                          TripletMarginWithDistanceLoss, NLLLoss2d, AdaptiveLogSoftmaxWithLoss)

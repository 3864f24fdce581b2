"""Misuse of nn layers, functionals, losses, load_state_dict, gradient
clipping and optimizer steps: each is refused with an exception of
PyTorch's type (or one deriving from both PyTorch's and chainrule's) and a
message naming the layer or function, the argument, what was given and
what was expected -- and a refused call changes nothing.

PyTorch 2.13 is used as an optional oracle only; every expectation is
written out here.
"""
import math
import re

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import optim


def f32(*shape):
    return ag.tensor(np.random.default_rng(0).standard_normal(shape).astype(np.float32))


def f64(*shape, requires_grad=False):
    return ag.tensor(np.random.default_rng(1).standard_normal(shape),
                     requires_grad=requires_grad)


def snapshot(module):
    """Copies of every parameter and buffer, by name."""
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def assert_same_state(module, before):
    after = snapshot(module)
    assert after.keys() == before.keys()
    for k in before:
        np.testing.assert_array_equal(after[k], before[k], err_msg=k)
        assert after[k].dtype == before[k].dtype, k


# --------------------------------------------------------------- layers
# Every layer class nn exports, how to build it, an input it accepts, and
# the prefix its messages start with.
LAYERS = {
    "Linear": (lambda: nn.Linear(3, 2), lambda: f32(4, 3), r"Linear\(3, 2\)"),
    "Conv2d": (lambda: nn.Conv2d(2, 4, 3), lambda: f32(1, 2, 5, 5),
               r"Conv2d\(2, 4, kernel_size=\(3, 3\)\)"),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), lambda: f32(1, 1, 4, 4), "max_pool2d"),
    "AvgPool2d": (lambda: nn.AvgPool2d(2), lambda: f32(1, 1, 4, 4), "avg_pool2d"),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(3), lambda: f32(4, 3), r"BatchNorm1d\(3\)"),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(3), lambda: f32(2, 3, 4, 4), r"BatchNorm2d\(3\)"),
    "Dropout": (lambda: nn.Dropout(0.5), lambda: f32(4, 3), "dropout"),
    "Dropout2d": (lambda: nn.Dropout2d(0.5), lambda: f32(2, 3, 4, 4), "dropout2d"),
    "ReLU": (nn.ReLU, lambda: f32(4, 3), "relu"),
    "LeakyReLU": (nn.LeakyReLU, lambda: f32(4, 3), "leaky_relu"),
    "ELU": (nn.ELU, lambda: f32(4, 3), "elu"),
    "Sigmoid": (nn.Sigmoid, lambda: f32(4, 3), "sigmoid"),
    "Tanh": (nn.Tanh, lambda: f32(4, 3), "tanh"),
    "Softplus": (nn.Softplus, lambda: f32(4, 3), "softplus"),
    "GELU": (nn.GELU, lambda: f32(4, 3), "gelu"),
    "Softmax": (lambda: nn.Softmax(dim=1), lambda: f32(4, 3), "softmax"),
    "LogSoftmax": (lambda: nn.LogSoftmax(dim=1), lambda: f32(4, 3), "log_softmax"),
    "Flatten": (nn.Flatten, lambda: f32(2, 3, 4), r"Flatten\(start_dim=1, end_dim=-1\)"),
    "Maxout": (lambda: nn.Maxout(3, 2, pieces=2), lambda: f32(4, 3),
               r"Maxout\(3, 2, pieces=2\)"),
    # issue 11 (p-layers)
    "Embedding": (lambda: nn.Embedding(4, 2), lambda: ag.tensor(np.array([[0, 3]])),
                  "embedding"),
    "LayerNorm": (lambda: nn.LayerNorm(3), lambda: f32(4, 3), "layer_norm"),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4), lambda: f32(2, 4, 3), "group_norm"),
    "InstanceNorm1d": (lambda: nn.InstanceNorm1d(3), lambda: f32(2, 3, 4), "InstanceNorm1d"),
    "InstanceNorm2d": (lambda: nn.InstanceNorm2d(3), lambda: f32(3, 4, 4), "InstanceNorm2d"),
    "InstanceNorm3d": (lambda: nn.InstanceNorm3d(3), lambda: f32(3, 2, 2, 2), "InstanceNorm3d"),
    "Unflatten": (lambda: nn.Unflatten(1, (2, 2)), lambda: f32(3, 4), "Unflatten"),
    "RNNCell": (lambda: nn.RNNCell(3, 2), lambda: f32(4, 3), "RNNCell"),
    "GRUCell": (lambda: nn.GRUCell(3, 2), lambda: f32(4, 3), "GRUCell"),
    "LazyLinear": (lambda: nn.LazyLinear(2), lambda: f32(4, 3), "LazyLinear"),
    "LazyConv2d": (lambda: nn.LazyConv2d(2, 3), lambda: f32(1, 2, 5, 5), "LazyConv2d"),
    "LazyBatchNorm1d": (nn.LazyBatchNorm1d, lambda: f32(4, 3), "LazyBatchNorm1d"),
    "LazyBatchNorm2d": (nn.LazyBatchNorm2d, lambda: f32(2, 3, 2, 2), "LazyBatchNorm2d"),
    # convolution family (issue 11)
    "Conv1d": (lambda: nn.Conv1d(2, 4, 3), lambda: f32(1, 2, 5),
               r"Conv1d\(2, 4, kernel_size=\(3,\)\)"),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(2, 4, 3), lambda: f32(1, 2, 5, 5),
                        "conv_transpose2d"),
    "AdaptiveAvgPool2d": (lambda: nn.AdaptiveAvgPool2d(2), lambda: f32(1, 1, 5, 5),
                          "adaptive_avg_pool2d"),
    "AdaptiveMaxPool2d": (lambda: nn.AdaptiveMaxPool2d(2), lambda: f32(1, 1, 5, 5),
                          "adaptive_max_pool2d"),
    "Unfold": (lambda: nn.Unfold(2), lambda: f32(1, 1, 4, 4), "unfold"),
    "Fold": (lambda: nn.Fold(3, 2), lambda: f32(1, 4, 4), "fold"),
    "Upsample": (lambda: nn.Upsample(size=(3, 3)), lambda: f32(1, 1, 2, 2), "interpolate"),
    "UpsamplingNearest2d": (lambda: nn.UpsamplingNearest2d(size=(3, 3)),
                            lambda: f32(1, 1, 2, 2), "interpolate"),
    "UpsamplingBilinear2d": (lambda: nn.UpsamplingBilinear2d(size=(3, 3)),
                             lambda: f32(1, 1, 2, 2), "interpolate"),
    # the 3-d convolution family (issue 11)
    "Conv3d": (lambda: nn.Conv3d(2, 4, 3), lambda: f32(1, 2, 4, 4, 4),
               r"Conv3d\(2, 4, kernel_size=\(3, 3, 3\)\)"),
    "MaxPool3d": (lambda: nn.MaxPool3d(2), lambda: f32(1, 1, 4, 4, 4), "max_pool3d"),
    "AvgPool3d": (lambda: nn.AvgPool3d(2), lambda: f32(1, 1, 4, 4, 4), "avg_pool3d"),
    "LazyConv3d": (lambda: nn.LazyConv3d(2, 3), lambda: f32(1, 2, 4, 4, 4), "LazyConv3d"),
}

# Inputs of a shape the layer cannot take, and what the message must say
# (the layer, what it expected, what it got).
WRONG_SHAPE = {
    "Linear": (f32(4, 2), r"Linear\(3, 2\) expected input \(\*, 3\), got \(4, 2\)"),
    "Conv2d": (f32(1, 3, 5, 5), r"Conv2d\(2, 4, kernel_size=\(3, 3\)\) expected input "
                                r"\(N, 2, H, W\), got \(1, 3, 5, 5\)"),
    "MaxPool2d": (f32(4, 4), r"max_pool2d: expected input \(N, C, H, W\) or \(C, H, W\), "
                             r"got \(4, 4\)"),
    "AvgPool2d": (f32(4, 4), r"avg_pool2d: expected input \(N, C, H, W\) or \(C, H, W\), "
                             r"got \(4, 4\)"),
    "BatchNorm1d": (f32(4, 2), r"BatchNorm1d\(3\) expected input \(N, 3\) or \(N, 3, L\), "
                               r"got \(4, 2\)"),
    "BatchNorm2d": (f32(2, 4, 4, 4), r"BatchNorm2d\(3\) expected input \(N, 3, H, W\), "
                                     r"got \(2, 4, 4, 4\)"),
    "Dropout2d": (f32(4, 3), r"dropout2d: expected input \(N, C, H, W\) or \(C, H, W\), "
                             r"got shape \(4, 3\)"),
    "Flatten": (f32(3), r"Flatten\(start_dim=1, end_dim=-1\) cannot flatten dims 1..-1 of "
                        r"a 1-d input of shape \(3,\)"),
    "Maxout": (f32(4, 2), r"Maxout\(3, 2, pieces=2\) expected input \(\*, 3\), got \(4, 2\)"),
    "LayerNorm": (f32(4, 2), r"layer_norm: normalized_shape=\[3\] expects input of shape "
                             r"\(\*, 3\), got \(4, 2\)"),
    "GroupNorm": (f32(2, 6), r"GroupNorm\(2, 4.*\) expected input \(N, 4, \*\), got \(2, 6\)"),
    "InstanceNorm1d": (f32(4), r"InstanceNorm1d: expected input \(N, C, L\) .*got \(4,\)"),
    "InstanceNorm2d": (f32(4, 3), r"InstanceNorm2d: expected input \(N, C, H, W\) .*got "
                                  r"\(4, 3\)"),
    "InstanceNorm3d": (f32(4, 3), r"InstanceNorm3d: expected input \(N, C, D, H, W\) .*got "
                                  r"\(4, 3\)"),
    "Unflatten": (f32(4, 3), r"Unflatten: sizes \[2, 2\] don't multiply up to the size of dim "
                             r"1 \(3\) of the input of shape \(4, 3\)"),
    "RNNCell": (f32(4, 2), r"RNNCell: input.size\(-1\) must be equal to input_size; expected "
                           r"3, got input of shape \(4, 2\)"),
    "GRUCell": (f32(4, 2), r"GRUCell: input.size\(-1\) must be equal to input_size; expected "
                           r"3, got input of shape \(4, 2\)"),
    "LazyLinear": (f32(), r"LazyLinear: cannot infer in_features from a 0-d input"),
    "LazyConv2d": (f32(4, 4), r"LazyConv2d: cannot infer in_channels; expected input "
                              r"\(N, C, H, W\) or \(C, H, W\), got \(4, 4\)"),
    "LazyBatchNorm1d": (f32(3), r"LazyBatchNorm1d: cannot infer num_features; expected input "
                                r"\(N, C, \.\.\.\), got \(3,\)"),
    "LazyBatchNorm2d": (f32(3), r"LazyBatchNorm2d: cannot infer num_features"),
    "Conv1d": (f32(1, 3, 5), r"Conv1d\(2, 4, kernel_size=\(3,\)\) expected input "
                             r"\(N, 2, L\), got \(1, 3, 5\)"),
    "ConvTranspose2d": (f32(1, 3, 5, 5), r"conv_transpose2d: weight must be \(in_channels, "
                                         r"out_channels, kH, kW\) with in_channels = input "
                                         r"channels 3"),
    "AdaptiveAvgPool2d": (f32(4, 4), r"adaptive_avg_pool2d: expected input \(N, C, H, W\) or "
                                     r"\(C, H, W\) with non-zero H and W, got \(4, 4\)"),
    "AdaptiveMaxPool2d": (f32(4, 4), r"adaptive_max_pool2d: expected input \(N, C, H, W\) or "
                                     r"\(C, H, W\) with non-zero H and W, got \(4, 4\)"),
    "Unfold": (f32(4, 4), r"unfold: expected 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, "
                          r"got shape \(4, 4\)"),
    "Fold": (f32(1, 4, 5), r"fold: expected input \(N, C\*4, 4\) .*got shape \(1, 4, 5\)"),
    "Upsample": (f32(1, 1, 4), r"interpolate: size must have 1 entries for 1 spatial dims, "
                               r"got \(3, 3\)"),
    "UpsamplingNearest2d": (f32(1, 1, 4), r"interpolate: size must have 1 entries"),
    "UpsamplingBilinear2d": (f32(1, 1, 4, 4, 4), r"interpolate: size must have 3 entries for 3 spatial dims"),
    "Conv3d": (f32(1, 3, 4, 4, 4), r"Conv3d\(2, 4, kernel_size=\(3, 3, 3\)\) expected input "
                                   r"\(N, 2, D, H, W\), got \(1, 3, 4, 4, 4\)"),
    "MaxPool3d": (f32(4, 4, 4), r"max_pool3d: expected input \(N, C, D, H, W\) or "
                                r"\(C, D, H, W\), got \(4, 4, 4\)"),
    "AvgPool3d": (f32(4, 4), r"avg_pool3d: expected input \(N, C, D, H, W\) or "
                             r"\(C, D, H, W\), got \(4, 4\)"),
    "LazyConv3d": (f32(4, 4, 4), r"LazyConv3d: cannot infer in_channels; expected input "
                                 r"\(N, C, D, H, W\) or \(C, D, H, W\), got \(4, 4, 4\)"),
}
# Softmax/LogSoftmax: a dim the input lacks (the engine's IndexError).
WRONG_DIM = {"Softmax": "softmax", "LogSoftmax": "log_softmax"}
# Elementwise: any shape is valid, so there is no wrong-shape case.
ANY_SHAPE = {"Dropout", "ReLU", "LeakyReLU", "ELU", "Sigmoid", "Tanh", "Softplus", "GELU",
             "Embedding"}
# Not layers that take one input of a fixed kind.
NOT_LAYERS = {"Module", "Parameter", "Sequential", "ModuleList", "ModuleDict", "Identity",
              "CrossEntropyLoss", "NLLLoss", "MSELoss", "L1Loss", "BCELoss",
              "BCEWithLogitsLoss",
              # several inputs, or a tuple out (tested in tests/test_port_layers.py)
              "MultiheadAttention", "Bilinear", "TransformerEncoderLayer", "TransformerEncoder",
              "RNN", "LSTM", "GRU", "LSTMCell"}

# ---- p-func (issue 11): the new activations, dropouts, distances and losses
LAYERS.update({
    name: (getattr(nn, name), lambda: f32(4, 3), fn)
    for name, fn in [("SiLU", "silu"), ("Mish", "mish"), ("Hardtanh", "hardtanh"),
                     ("ReLU6", "relu6"), ("Hardsigmoid", "hardsigmoid"),
                     ("Hardswish", "hardswish"), ("Softsign", "softsign"), ("CELU", "celu"),
                     ("SELU", "selu"), ("LogSigmoid", "logsigmoid"),
                     ("AlphaDropout", "alpha_dropout")]})
LAYERS.update({
    "PReLU": (lambda: nn.PReLU(3), lambda: f32(4, 3), "prelu"),
    "GLU": (nn.GLU, lambda: f32(4, 2), "glu"),
    "Dropout1d": (nn.Dropout1d, lambda: f32(2, 3, 4), "dropout1d"),
    "Dropout3d": (nn.Dropout3d, lambda: f32(2, 3, 2, 2, 2), "dropout3d"),
    "FeatureAlphaDropout": (nn.FeatureAlphaDropout, lambda: f32(2, 3, 4),
                            "feature_alpha_dropout"),
})
WRONG_SHAPE.update({
    "PReLU": (f32(4, 2), r"prelu: mismatch of parameter numbers and input channel size: "
                         r"found 3 parameters and channel size 2 \(input shape \(4, 2\)\)"),
    "GLU": (f32(4, 3), r"glu: halving dimension must be even, but dimension 1 is size 3"),
    "Dropout1d": (f32(4), r"dropout1d: expected 2-D or 3-D input .* received a 1-D input of "
                          r"shape \(4,\)"),
    "Dropout3d": (f32(), r"dropout3d: expected 4-D or 5-D input .* received a 0-D input"),
    "FeatureAlphaDropout": (f32(4), r"feature_alpha_dropout: feature dropout requires at least "
                                    r"2 dimensions in the input \(N, C, ...\), got shape \(4,\)"),
})
ANY_SHAPE |= {"SiLU", "Mish", "Hardtanh", "ReLU6", "Hardsigmoid", "Hardswish", "Softsign",
              "CELU", "SELU", "LogSigmoid", "AlphaDropout"}
NOT_LAYERS |= {"CosineSimilarity", "PairwiseDistance",   # two inputs
               "SmoothL1Loss", "HuberLoss", "KLDivLoss", "CosineEmbeddingLoss",
               "MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss",
               "MultiLabelSoftMarginLoss", "PoissonNLLLoss", "GaussianNLLLoss",
               "TripletMarginLoss"}
NOT_LAYERS |= {"CTCLoss"}  # four inputs; its misuse is tested in test_port_ctc.py

# ---- p-rnnx (issue 11): several inputs (tested in tests/test_port_rnnx.py)
NOT_LAYERS |= {"TransformerDecoderLayer", "TransformerDecoder", "Transformer"}


def test_every_layer_class_is_covered():
    exported = {name for name in dir(nn)
                if isinstance(getattr(nn, name), type) and issubclass(getattr(nn, name),
                                                                       nn.Module)}
    layers = exported - NOT_LAYERS
    assert layers == set(LAYERS)
    assert set(WRONG_SHAPE) | set(WRONG_DIM) | ANY_SHAPE == layers


NON_TENSORS = [([1.0, 2.0, 3.0], "list"), (np.ones((4, 3), np.float32), "ndarray"),
               (None, "NoneType"), ("x", "str"), (2.0, "float")]


@pytest.mark.parametrize("value,type_name", NON_TENSORS, ids=[t for _, t in NON_TENSORS])
@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layers_refuse_non_tensors(layer, value, type_name):
    make, _, name = LAYERS[layer]
    m = make()
    before = snapshot(m)
    pattern = rf"^{name}: argument 'input' \(position 1\) must be Tensor, not {type_name}"
    with pytest.raises(TypeError, match=pattern):
        m(value)
    assert_same_state(m, before)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layers_accept_their_input(layer):
    make, good, _ = LAYERS[layer]
    assert isinstance(make()(good()), ag.Tensor)


@pytest.mark.parametrize("layer", sorted(WRONG_SHAPE))
def test_layers_name_the_expected_and_given_shape(layer):
    m = LAYERS[layer][0]()
    x, pattern = WRONG_SHAPE[layer]
    before = snapshot(m)
    # Both ValueError (chainrule's engine) and RuntimeError (PyTorch).
    with pytest.raises(ValueError, match=pattern) as info:
        m(x)
    assert isinstance(info.value, RuntimeError)
    assert_same_state(m, before)


@pytest.mark.parametrize("layer", sorted(WRONG_DIM))
def test_softmax_layers_name_a_missing_dim(layer):
    m = getattr(nn, layer)(dim=2)
    with pytest.raises(IndexError, match=rf"{WRONG_DIM[layer]}\(\): dim 2 is out of range"):
        m(f32(4, 3))


def test_zero_dim_input_to_linear_and_maxout():
    with pytest.raises(ValueError, match=r"Linear\(3, 2\) expected input \(\*, 3\), got \(\)"):
        nn.Linear(3, 2)(f32())
    with pytest.raises(ValueError, match=r"Maxout\(3, 2, pieces=2\) expected .*got \(\)"):
        nn.Maxout(3, 2, 2)(f32())


@pytest.mark.parametrize("make,x,pattern", [
    (lambda: nn.Linear(3, 2), f64(4, 3),
     r"Linear\(3, 2\): input dtype float64 does not match the weight dtype float32"),
    (lambda: nn.Linear(3, 2), ag.tensor(np.ones((4, 3), np.int64)),
     r"Linear\(3, 2\): input dtype int64 does not match the weight dtype float32; cast the "
     r"input: x.to\('float32'\)$"),
    (lambda: nn.Conv2d(1, 1, 2), f64(1, 1, 3, 3),
     "conv2d: input dtype float64 does not match weight dtype float32"),
    (lambda: nn.BatchNorm1d(3), f64(4, 3),
     "batch_norm: input dtype float64 does not match running_mean dtype float32"),
    (lambda: nn.BatchNorm1d(3), ag.tensor(np.ones((4, 3), np.int64)),
     "batch_norm: input must be floating-point, got dtype int64"),
    (lambda: nn.Maxout(3, 2, 2), f64(4, 3),
     "maxout: input dtype float64 does not match weight dtype float32"),
    (lambda: nn.AvgPool2d(2), ag.tensor(np.ones((1, 1, 4, 4), np.int64)),
     "avg_pool2d: input must be floating-point, got dtype int64"),
    (lambda: nn.Dropout(), ag.tensor(np.ones(3, np.int64)),
     "dropout: input must be floating-point, got dtype int64"),
])
def test_layers_refuse_a_dtype_they_cannot_use(make, x, pattern):
    """PyTorch raises RuntimeError for these ('mat1 and mat2 must have the
    same dtype'...); chainrule's convention is TypeError: both catch it."""
    m = make()
    before = snapshot(m)
    with pytest.raises(TypeError, match=pattern) as info:
        m(x)
    assert isinstance(info.value, RuntimeError)
    assert_same_state(m, before)


def test_linear_model_in_float64_takes_float64_input():
    m = nn.Linear(3, 2).double()
    assert m(f64(4, 3)).dtype == np.float64


# ------------------------------------------------------ BatchNorm state
@pytest.mark.parametrize("x", [f32(1, 3), f64(4, 3), f32(4, 2), f32(4, 3, 2, 2)],
                         ids=["one-sample", "float64", "wrong-channels", "wrong-rank"])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_refused_batchnorm_forward_changes_no_statistic(x, momentum):
    bn = nn.BatchNorm1d(3, momentum=momentum)
    bn(f32(5, 3))  # one accepted batch, so the statistics are not at their defaults
    before = snapshot(bn)
    assert before["num_batches_tracked"] == 1
    with pytest.raises((ValueError, TypeError)):
        bn(x)
    assert_same_state(bn, before)


def test_cumulative_batchnorm_average_is_the_mean_of_batch_means():
    """momentum=None: after k batches running_mean is the plain mean of the
    k batch means (the counter is read before it is bumped)."""
    bn = nn.BatchNorm1d(2, momentum=None)
    batches = [np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([[4.0, 4.0], [6.0, 8.0]])]
    bn.double()
    for b in batches:
        bn(ag.tensor(b))
    np.testing.assert_allclose(bn.running_mean.detach().numpy(), [3.0, 4.0])
    assert bn.num_batches_tracked.item() == 2


def test_refused_dropout_draws_no_random_numbers():
    ag.manual_seed(5)
    state = ag.factories.generator().bit_generator.state
    with pytest.raises(TypeError):
        nn.Dropout()(ag.tensor(np.ones(3, np.int64)))
    with pytest.raises(TypeError):
        nn.Dropout()([1.0])
    assert ag.factories.generator().bit_generator.state == state


# ---------------------------------------------------------- functionals
W23 = f32(2, 3)
FUNCTIONALS = {
    "linear": lambda x: F.linear(x, W23),
    "conv2d": lambda x: F.conv2d(x, f32(1, 1, 2, 2)),
    "max_pool2d": lambda x: F.max_pool2d(x, 2),
    "avg_pool2d": lambda x: F.avg_pool2d(x, 2),
    "batch_norm": lambda x: F.batch_norm(x, None, None, training=True),
    "dropout": lambda x: F.dropout(x, 0.5),
    "dropout2d": lambda x: F.dropout2d(x, 0.5),
    "relu": F.relu, "leaky_relu": F.leaky_relu, "elu": F.elu, "sigmoid": F.sigmoid,
    "tanh": F.tanh, "softplus": F.softplus, "gelu": F.gelu,
    "softmax": lambda x: F.softmax(x, 0), "log_softmax": lambda x: F.log_softmax(x, 0),
    "maxout": lambda x: F.maxout(x, f32(4, 3), None, 2),
    "cross_entropy": lambda x: F.cross_entropy(x, ag.tensor([0])),
    "nll_loss": lambda x: F.nll_loss(x, ag.tensor([0])),
    "mse_loss": lambda x: F.mse_loss(x, f32(3)),
    "l1_loss": lambda x: F.l1_loss(x, f32(3)),
    "binary_cross_entropy": lambda x: F.binary_cross_entropy(x, ag.tensor([0.5])),
    "binary_cross_entropy_with_logits":
        lambda x: F.binary_cross_entropy_with_logits(x, ag.tensor([0.5])),
}


@pytest.mark.parametrize("fn", sorted(FUNCTIONALS))
def test_functionals_refuse_non_tensor_input(fn):
    with pytest.raises(TypeError, match=rf"^{fn}: argument 'input' \(position 1\) must be "
                                        r"Tensor, not list"):
        FUNCTIONALS[fn]([[1.0, 2.0, 3.0]])


@pytest.mark.parametrize("call,pattern", [
    (lambda: F.linear(f32(4, 3), [[1.0, 2.0, 3.0]]), r"linear: argument 'weight' \(position 2\)"),
    (lambda: F.linear(f32(4, 3), W23, [1.0, 2.0]), r"linear: argument 'bias' \(position 3\)"),
    (lambda: F.conv2d(f32(1, 1, 3, 3), np.ones((1, 1, 2, 2))),
     r"conv2d: argument 'weight' \(position 2\) must be Tensor, not ndarray"),
    (lambda: F.batch_norm(f32(4, 3), [0.0] * 3, None, training=True),
     r"batch_norm: argument 'running_mean' \(position 2\) must be Tensor, not list"),
    (lambda: F.maxout(f32(4, 3), np.ones((4, 3)), None, 2),
     r"maxout: argument 'weight' \(position 2\)"),
])
def test_functionals_refuse_non_tensor_parameters(call, pattern):
    with pytest.raises(TypeError, match=pattern):
        call()


@pytest.mark.parametrize("call,pattern", [
    (lambda: F.linear(f32(4, 3), W23, f32(3)),
     r"linear: bias must have shape \(2,\) for weight of shape \(2, 3\), got \(3,\)"),
    (lambda: F.linear(f32(4, 3), f32(3)), r"linear: weight must be 2-D"),
    (lambda: F.conv2d(f32(1, 1, 4, 4), f32(2, 1, 2, 2), f32(3)),
     r"conv2d: bias must have shape \(2,\), got \(3,\)"),
    (lambda: F.conv2d(f32(4, 4), f32(1, 1, 2, 2)),
     r"conv2d: expected 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape \(4, 4\)"),
    (lambda: F.conv2d(f32(1, 1, 4, 4), f32(1, 1, 2, 2), groups=0),
     r"conv2d: groups must be a positive int, got 0"),
    (lambda: F.batch_norm(f32(4, 3), f32(2), f32(3), training=True),
     r"batch_norm: running_mean must have shape \(3,\) for input of shape \(4, 3\)"),
    (lambda: F.batch_norm(f32(4, 3), f32(3), f32(3), weight=f32(4)),
     r"batch_norm: weight must have shape \(3,\)"),
    (lambda: F.maxout(f32(4, 3), f32(5, 3), None, 2),
     r"maxout: weight must be 2-D with a multiple of pieces=2 rows, got shape \(5, 3\)"),
    (lambda: F.maxout(f32(4, 2), f32(4, 3), None, 2),
     r"maxout: expected input \(\*, 3\) for weight of shape \(4, 3\), got \(4, 2\)"),
])
def test_functionals_name_shape_mismatches(call, pattern):
    with pytest.raises(ValueError, match=pattern) as info:
        call()
    assert isinstance(info.value, RuntimeError)


def test_refused_functional_batch_norm_leaves_running_stats():
    mean, var = f32(3), ag.ones(3)
    before = mean.detach().numpy().copy(), var.detach().numpy().copy()
    with pytest.raises(ValueError, match="more than one value per channel"):
        F.batch_norm(f32(1, 3), mean, var, training=True)
    with pytest.raises(TypeError, match="bias dtype float64"):
        F.batch_norm(f32(4, 3), mean, var, bias=f64(3), training=True)
    np.testing.assert_array_equal(mean.detach().numpy(), before[0])
    np.testing.assert_array_equal(var.detach().numpy(), before[1])


# ---------------------------------------------------------------- losses
LOSSES = {
    "CrossEntropyLoss": (nn.CrossEntropyLoss, "cross_entropy"),
    "NLLLoss": (nn.NLLLoss, "nll_loss"),
    "MSELoss": (nn.MSELoss, "mse_loss"),
    "L1Loss": (nn.L1Loss, "l1_loss"),
    "BCELoss": (nn.BCELoss, "binary_cross_entropy"),
    "BCEWithLogitsLoss": (nn.BCEWithLogitsLoss, "binary_cross_entropy_with_logits"),
}


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_losses_refuse_non_tensor_input(loss):
    cls, fn = LOSSES[loss]
    with pytest.raises(TypeError, match=rf"^{fn}: argument 'input' \(position 1\) must be "
                                        r"Tensor, not list"):
        cls()([0.5, 0.5], ag.tensor([0.0, 1.0]))


@pytest.mark.parametrize("target", [None, "ab", {"a": 1}, object()],
                         ids=["None", "str", "dict", "object"])
@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_losses_refuse_targets_that_are_not_numbers(loss, target):
    cls, fn = LOSSES[loss]
    with pytest.raises(TypeError, match=rf"^{fn}: argument 'target' \(position 2\) must be "
                                        rf"Tensor \(or a NumPy array of numbers\), not "
                                        rf"{type(target).__name__}"):
        cls()(ag.tensor([[0.5, 0.5]]), target)


@pytest.mark.parametrize("loss,input,target,pattern", [
    ("CrossEntropyLoss", f32(4, 3), ag.tensor([0, 1, 2]),
     r"input of shape \(4, 3\) \(3 classes\) needs class-index targets of shape \(4,\), got "
     r"target of shape \(3,\)"),
    ("NLLLoss", f32(4, 3), ag.tensor(np.zeros((4, 2), np.int64)),
     r"input of shape \(4, 3\) \(3 classes\) needs class-index targets of shape \(4,\), got "
     r"target of shape \(4, 2\)"),
    ("MSELoss", f32(4, 3), f32(4, 2), r"input of shape \(4, 3\) and target of shape \(4, 2\) "
                                      r"cannot be broadcast"),
    ("L1Loss", f32(4, 3), f32(5), r"input of shape \(4, 3\) and target of shape \(5,\)"),
    ("BCELoss", ag.tensor([0.5, 0.5]), ag.tensor([1.0]),
     r"target shape \(1,\) must equal the input's shape \(2,\)"),
    ("BCEWithLogitsLoss", f32(2), f32(3), r"target shape \(3,\) must equal the input's "
                                          r"shape \(2,\)"),
])
def test_losses_name_mismatched_shapes(loss, input, target, pattern):
    cls, fn = LOSSES[loss]
    with pytest.raises(ValueError, match=rf"^{fn}: " + pattern) as info:
        cls()(input, target)
    assert isinstance(info.value, RuntimeError)


@pytest.mark.parametrize("loss", ["CrossEntropyLoss", "NLLLoss"])
def test_float_targets_for_class_indices_are_refused(loss):
    """PyTorch: RuntimeError 'expected target dtype to be Long or Byte, but
    got Float'."""
    cls, fn = LOSSES[loss]
    with pytest.raises(TypeError, match=rf"^{fn}: class-index targets must be integers "
                                        r"\(got dtype float32, shape \(4,\)\)") as info:
        cls()(f32(4, 3), ag.tensor(np.array([0.0, 1.0, 2.0, 1.0], np.float32)))
    assert isinstance(info.value, RuntimeError)


@pytest.mark.parametrize("target,found", [([1.5, 0.0], "1.5 at position 0"),
                                          ([0.0, -0.25], "-0.25 at position 1"),
                                          ([0.0, float("nan")], "nan at position 1")])
def test_bce_refuses_targets_outside_unit_interval(target, found):
    """PyTorch: RuntimeError 'all elements of target should be between 0 and
    1' (NaN included)."""
    for call in (lambda t: nn.BCELoss()(ag.tensor([0.5, 0.5]), t),
                 lambda t: F.binary_cross_entropy(ag.tensor([0.5, 0.5]), t)):
        for t in (ag.tensor(target), np.array(target, np.float32)):
            with pytest.raises(ValueError, match=r"^binary_cross_entropy: target must hold "
                                                 rf"probabilities in \[0, 1\], found {found}") \
                    as info:
                call(t)
            assert isinstance(info.value, RuntimeError)


@pytest.mark.parametrize("input,found", [([1.5, 0.5], "1.5 at position 0"),
                                         ([0.5, float("nan")], "nan at position 1")])
def test_bce_refuses_inputs_outside_unit_interval(input, found):
    with pytest.raises(ValueError, match=r"^binary_cross_entropy: input must hold "
                                         rf"probabilities in \[0, 1\], found {found}") as info:
        nn.BCELoss()(ag.tensor(input), ag.tensor([1.0, 0.0]))
    assert isinstance(info.value, RuntimeError)


def test_bce_with_logits_takes_any_target():
    """PyTorch does not check targets here: the loss is defined for any y,
    ``(1 - y) x + softplus(-x)``."""
    x, y = np.array([0.5, -1.0]), np.array([1.5, -2.0])
    got = nn.BCEWithLogitsLoss(reduction="none")(ag.tensor(x), ag.tensor(y)).detach().numpy()
    np.testing.assert_allclose(got, (1 - y) * x + np.log1p(np.exp(-x)), rtol=1e-12)


def test_bce_targets_at_the_ends_are_accepted():
    got = nn.BCELoss(reduction="sum")(ag.tensor([0.5, 0.5]), ag.tensor([0.0, 1.0]))
    assert got.item() == pytest.approx(2 * math.log(2), rel=1e-6)  # float32


# ---------------------------------------------------------- constructors
CONSTRUCTORS = [
    # (call, exception type(s) PyTorch raises, message)
    (lambda: nn.Linear(2.5, 3), TypeError, r"^Linear: in_features must be an int, got 2\.5"),
    (lambda: nn.Linear(2, "a"), TypeError, r"^Linear: out_features must be an int, got 'a'"),
    (lambda: nn.Linear(-1, 3), RuntimeError, r"^Linear: in_features must be >= 0, got -1"),
    (lambda: nn.Linear(3, -2), RuntimeError, r"^Linear: out_features must be >= 0, got -2"),
    (lambda: nn.Conv2d(1, 1, 2.5), TypeError,
     r"^Conv2d: kernel_size must be an int or a pair of ints, got 2\.5"),
    (lambda: nn.Conv2d(1, 1, (2, 2, 2)), TypeError, r"^Conv2d: kernel_size must be an int or "
                                                    r"a pair of ints, got \(2, 2, 2\)"),
    (lambda: nn.Conv2d(1.5, 1, 2), TypeError, r"^Conv2d: in_channels must be an int"),
    (lambda: nn.Conv2d(-1, 1, 2), RuntimeError, r"^Conv2d: in_channels must be >= 0, got -1"),
    (lambda: nn.Conv2d(1, -1, 2), RuntimeError, r"^Conv2d: out_channels must be >= 0, got -1"),
    (lambda: nn.Conv2d(1, 1, 0), RuntimeError, r"^Conv2d: kernel_size must be >= 1, got \(0, 0\)"),
    (lambda: nn.Conv2d(1, 1, 2, stride=0), RuntimeError, r"^Conv2d: stride must be >= 1"),
    (lambda: nn.Conv2d(1, 1, 2, padding=-1), RuntimeError, r"^Conv2d: padding must be >= 0"),
    (lambda: nn.Conv2d(1, 1, 2, dilation=0), RuntimeError, r"^Conv2d: dilation must be >= 1"),
    (lambda: nn.Conv2d(3, 4, 2, groups=2), ValueError,
     r"^Conv2d: in_channels=3 must be divisible by groups=2"),
    (lambda: nn.Conv2d(4, 3, 2, groups=2), ValueError,
     r"^Conv2d: out_channels=3 must be divisible by groups=2"),
    (lambda: nn.Conv2d(4, 4, 2, groups=0), ValueError, r"^Conv2d: groups must be >= 1, got 0"),
    (lambda: nn.Conv2d(1, 1, 2, padding_mode="mirror"), ValueError,
     r"^Conv2d: padding_mode must be one of \('zeros', 'reflect', 'replicate', 'circular'\), "
     r"got padding_mode='mirror'"),
    (lambda: nn.Conv2d(1, 1, 2, padding="full"), ValueError,
     r"^Conv2d: invalid padding string 'full'; use 'same', 'valid'"),
    (lambda: nn.Conv2d(1, 1, 3, stride=2, padding="same"), ValueError,
     r"^Conv2d: padding='same' is not supported for strided convolutions"),
    (lambda: nn.Conv2d(1, 1, 3, stride=(1, 2), padding="same"), ValueError,
     r"padding='same' is not supported for strided convolutions \(stride=\(1, 2\)\)"),
    (lambda: nn.Dropout(p=1.5), ValueError,
     r"^Dropout: dropout probability p must be between 0 and 1, got p=1\.5"),
    (lambda: nn.Dropout2d(p=-0.1), ValueError, r"^Dropout2d: dropout probability"),
    (lambda: nn.Dropout(p="0.5"), TypeError,
     r"^Dropout: dropout probability p must be a number, got p='0\.5'"),
    (lambda: F.dropout(f32(3), p=float("nan")), ValueError,
     r"^dropout: dropout probability p must be between 0 and 1, got p=nan"),
    (lambda: nn.BatchNorm1d(2.5), TypeError, r"^BatchNorm1d: num_features must be an int"),
    (lambda: nn.BatchNorm2d(-1), RuntimeError, r"^BatchNorm2d: num_features must be >= 0"),
    (lambda: nn.BatchNorm1d(3, eps="small"), TypeError, r"^BatchNorm1d: eps must be a real"),
    (lambda: nn.MaxPool2d(0), RuntimeError, r"^MaxPool2d: kernel_size must be >= 1, got \(0, 0\)"),
    (lambda: nn.MaxPool2d(2.5), TypeError, r"^MaxPool2d: kernel_size must be an int or a pair"),
    (lambda: nn.AvgPool2d(2, stride=0), RuntimeError, r"^AvgPool2d: stride must be >= 1"),
    (lambda: nn.MaxPool2d(2, padding=2), RuntimeError,
     r"^MaxPool2d: padding \(2, 2\) must be at most half the kernel size \(2, 2\)"),
    (lambda: nn.Maxout(3, 0, 2), RuntimeError, r"^Maxout: out_features must be >= 1, got 0"),
    (lambda: nn.Maxout(3, 2, 1.5), TypeError, r"^Maxout: pieces must be an int"),
    (lambda: nn.Softmax(dim="a"), TypeError, r"^Softmax: dim must be an int, got 'a'"),
    (lambda: nn.LogSoftmax(dim=1.0), TypeError, r"^LogSoftmax: dim must be an int"),
    (lambda: nn.Flatten(1.5), TypeError, r"^Flatten: start_dim must be an int, got 1\.5"),
    (lambda: nn.LeakyReLU("a"), TypeError, r"^LeakyReLU: negative_slope must be a real number"),
    (lambda: nn.ELU(None), TypeError, r"^ELU: alpha must be a real number"),
    (lambda: nn.Softplus(beta="2"), TypeError, r"^Softplus: beta must be a real number"),
    (lambda: nn.GELU("fast"), ValueError, r"^GELU: approximate='fast' is not valid"),
]


@pytest.mark.parametrize("call,exc,pattern", CONSTRUCTORS,
                         ids=[re.sub(r"[^\w=]+", "", p)[:40] for _, _, p in CONSTRUCTORS])
def test_constructors_name_the_bad_argument(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_padding_modes_other_than_zeros_pad_with_that_mode():
    # issue 11 implemented them; tests/test_port_conv.py checks values against PyTorch
    for mode in ("reflect", "replicate", "circular"):
        assert nn.Conv2d(1, 1, 3, padding=1, padding_mode=mode)(f32(1, 1, 4, 4)).shape == \
            (1, 1, 4, 4)


def test_zero_sized_layers_are_allowed_as_in_pytorch():
    assert nn.Linear(0, 3)(f32(2, 0)).shape == (2, 3)
    assert nn.Conv2d(0, 2, 1).weight.shape == (2, 0, 1, 1)
    assert nn.BatchNorm1d(0).running_mean.shape == (0,)


def test_numpy_integer_sizes_are_accepted():
    m = nn.Linear(np.int64(3), np.int32(2))
    assert (m.in_features, m.out_features) == (3, 2) and type(m.in_features) is int
    assert nn.Conv2d(1, 1, np.int64(3)).kernel_size == (3, 3)


# ------------------------------------------------- padding='same' / 'valid'
def _same_by_hand(x, w, dilation):
    """Cross-correlation of one (H, W) plane with zero padding as PyTorch
    places it for 'same': total d*(k-1) per axis, the odd one after."""
    (kh, kw), (dh, dw) = w.shape, dilation
    th, tw = dh * (kh - 1), dw * (kw - 1)
    padded = np.pad(x, ((th // 2, th - th // 2), (tw // 2, tw - tw // 2)))
    out = np.zeros_like(x)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = sum(padded[i + a * dh, j + b * dw] * w[a, b]
                            for a in range(kh) for b in range(kw))
    return out


@pytest.mark.parametrize("kernel,dilation", [((2, 2), (1, 1)), ((3, 3), (1, 1)),
                                             ((2, 3), (2, 1)), ((4, 1), (1, 3)),
                                             ((3, 2), (2, 2))])
def test_conv2d_same_padding_values(kernel, dilation):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((5, 6))
    w = rng.standard_normal(kernel)
    want = _same_by_hand(x, w, dilation)
    got = F.conv2d(ag.tensor(x[None, None]), ag.tensor(w[None, None]), padding="same",
                   dilation=dilation).detach().numpy()[0, 0]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    m = nn.Conv2d(1, 1, kernel, padding="same", dilation=dilation, bias=False).double()
    m.weight.data = ag.tensor(w[None, None])
    np.testing.assert_allclose(m(ag.tensor(x[None])).detach().numpy()[0], want, rtol=1e-12,
                               atol=1e-12)
    assert "padding=same" in repr(m)


def test_conv2d_same_keeps_the_size_even_when_the_kernel_is_larger():
    out = F.conv2d(f64(1, 1, 2, 2), f64(1, 1, 5, 5), padding="same")
    assert out.shape == (1, 1, 2, 2)


def test_conv2d_valid_is_no_padding():
    x, w = f64(2, 3, 6, 5), f64(4, 3, 3, 2)
    np.testing.assert_array_equal(F.conv2d(x, w, padding="valid").detach().numpy(),
                                  F.conv2d(x, w, padding=0).detach().numpy())
    with pytest.raises(ValueError, match=r"kernel \(3, 2\).*larger than the padded input "
                                         r"\(2, 2\)"):
        F.conv2d(f64(1, 3, 2, 2), w, padding="valid")
    # 'valid' allows a stride (PyTorch does)
    assert F.conv2d(x, w, stride=2, padding="valid").shape == (2, 4, 2, 2)


def test_functional_conv2d_same_refuses_a_stride():
    with pytest.raises(RuntimeError, match=r"^conv2d: padding='same' is not supported for "
                                           r"strided convolutions \(stride=\(2, 2\)\)"):
        F.conv2d(f32(1, 1, 4, 4), f32(1, 1, 2, 2), stride=2, padding="same")
    with pytest.raises(RuntimeError, match=r"^conv2d: invalid padding string 'SAME'"):
        F.conv2d(f32(1, 1, 4, 4), f32(1, 1, 2, 2), padding="SAME")


@pytest.mark.parametrize("kernel,dilation,groups", [((2, 2), (1, 1), 1), ((3, 2), (2, 1), 1),
                                                    ((2, 3), (1, 2), 2)])
def test_conv2d_same_gradcheck_and_gradgradcheck(kernel, dilation, groups):
    x = f64(2, 2, 4, 5, requires_grad=True)
    w = ag.tensor(np.random.default_rng(3).standard_normal((2, 2 // groups) + kernel),
                  requires_grad=True)
    b = ag.tensor(np.array([0.3, -0.2]), requires_grad=True)

    def fn(x, w, b):
        return F.conv2d(x, w, b, padding="same", dilation=dilation, groups=groups)
    assert ag.gradcheck(fn, (x, w, b))
    assert ag.gradgradcheck(fn, (x, w, b))


@pytest.mark.parametrize("kernel,dilation", [((2, 2), (1, 1)), ((3, 3), (1, 1)),
                                             ((2, 3), (3, 2)), ((4, 2), (1, 1))])
@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note on its own copy
def test_conv2d_string_padding_matches_torch(kernel, dilation, padding):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 7, 6))
    w = rng.standard_normal((4, 3) + kernel)
    b = rng.standard_normal(4)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ref = torch.nn.functional.conv2d(xt, wt, bt, padding=padding, dilation=dilation)
    ref.sum().backward()
    xa, wa, ba = (ag.tensor(a, requires_grad=True) for a in (x, w, b))
    out = F.conv2d(xa, wa, ba, padding=padding, dilation=dilation)
    out.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-10, atol=1e-10)
    for ours, theirs in ((xa, xt), (wa, wt), (ba, bt)):
        np.testing.assert_allclose(ours.grad.detach().numpy(), theirs.grad.detach().numpy(), rtol=1e-10,
                                   atol=1e-10)


# ------------------------------------------------------ load_state_dict
def test_load_state_dict_refuses_what_is_not_a_mapping():
    m = nn.Linear(2, 2)
    before = snapshot(m)
    pairs = list(nn.Linear(2, 2).state_dict().items())
    with pytest.raises(TypeError, match=r"^Linear.load_state_dict: expected state_dict to be "
                                        r"dict-like .*got list; for a list of \(name, tensor\) "
                                        r"pairs pass dict\(pairs\)"):
        m.load_state_dict(pairs)
    with pytest.raises(TypeError, match=r"got Linear; pass the other model's \.state_dict\(\)"):
        m.load_state_dict(nn.Linear(2, 2))
    for value in (None, "weights.pt", 3):
        with pytest.raises(TypeError, match=rf"dict-like .*got {type(value).__name__}$"):
            m.load_state_dict(value)
    assert_same_state(m, before)


def test_load_state_dict_reports_every_problem_at_once_and_changes_nothing():
    m = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    before = snapshot(m)
    state = {"0.weight": [[1.0, 2.0]] * 3,                        # a list, not an array
             "0.bias": ag.zeros(4),                                # wrong shape
             "1.weight": ag.tensor(np.ones(3, np.complex64) * 1j),  # loses imaginary parts
             "1.bias": "zeros",                                    # not numbers at all
             "1.running_mean": ag.zeros(3),                        # fine
             "1.running_var": ag.ones(3),                          # fine
             "1.num_batches_tracked": ag.tensor(3.5)}              # would truncate
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict(state, strict=False)
    msg = str(info.value)
    assert "nothing was changed" in msg
    assert "expected a Tensor (or NumPy array) for '0.weight', got list" in msg
    assert "shape mismatch for '0.bias': the state has shape (4,), the model has (3,)" in msg
    assert "cannot load '1.weight' (complex64) into float32: the values have imaginary" in msg
    assert "expected a Tensor (or NumPy array) for '1.bias', got str" in msg
    assert ("cannot load '1.num_batches_tracked' (float32) into int64: the values are not "
            "all whole numbers") in msg
    assert "running_mean" not in msg and "running_var" not in msg
    assert_same_state(m, before)


def test_load_state_dict_casts_when_no_value_changes():
    """As PyTorch: integers into a float parameter, a whole float into the
    integer counter, float64 into float32 (rounded)."""
    bn = nn.BatchNorm1d(2)
    bn.load_state_dict({"weight": ag.tensor(np.array([2, 3], np.int64)),
                        "bias": np.array([0.1, 0.2]),
                        "running_mean": ag.tensor(np.array([1 + 0j, 2 + 0j])),
                        "running_var": ag.ones(2),
                        "num_batches_tracked": ag.tensor(7.0)})
    np.testing.assert_array_equal(bn.weight.detach().numpy(), np.array([2, 3], np.float32))
    np.testing.assert_array_equal(bn.bias.detach().numpy(), np.array([0.1, 0.2], np.float32))
    np.testing.assert_array_equal(bn.running_mean.detach().numpy(), [1, 2])
    assert bn.weight.dtype == np.float32 and bn.num_batches_tracked.dtype == np.int64
    assert bn.num_batches_tracked.item() == 7


def test_load_state_dict_accepts_any_mapping():
    from collections.abc import Mapping

    class Frozen(Mapping):
        def __init__(self, d):
            self.d = d

        def __getitem__(self, k):
            return self.d[k]

        def __iter__(self):
            return iter(self.d)

        def __len__(self):
            return len(self.d)

    src, dst = nn.Linear(2, 2), nn.Linear(2, 2)
    dst.load_state_dict(Frozen(src.state_dict()))
    np.testing.assert_array_equal(dst.weight.detach().numpy(), src.weight.detach().numpy())


# -------------------------------------------------------- gradient clipping
def _params_with_grads(*grads):
    ps = []
    for g in grads:
        p = ag.zeros(len(g), dtype=np.float64, requires_grad=True)
        p.grad = ag.tensor(np.array(g, dtype=np.float64))
        ps.append(p)
    return ps


def _grads(ps):
    return [p.grad.detach().numpy().copy() for p in ps]


@pytest.mark.parametrize("max_norm", [-1.0, float("nan"), -0.0001])
def test_clip_grad_norm_refuses_negative_or_nan_max_norm(max_norm):
    ps = _params_with_grads([3.0, 4.0], [12.0])
    before = _grads(ps)
    with pytest.raises(ValueError, match=r"^clip_grad_norm_: max_norm must be >= 0 \(or inf\), "
                                         rf"got {max_norm!r}"):
        nn.utils.clip_grad_norm_(ps, max_norm)
    for p, g in zip(ps, before):
        np.testing.assert_array_equal(p.grad.detach().numpy(), g)


@pytest.mark.parametrize("norm_type,exc", [(0, ValueError), (-1.0, ValueError),
                                           (float("nan"), ValueError), ("fro", ValueError),
                                           (None, TypeError), (True, TypeError)])
def test_clip_grad_norm_refuses_bad_norm_type(norm_type, exc):
    ps = _params_with_grads([3.0, 4.0])
    with pytest.raises(exc, match=r"^clip_grad_norm_: norm_type must be"):
        nn.utils.clip_grad_norm_(ps, 1.0, norm_type=norm_type)
    np.testing.assert_array_equal(ps[0].grad.detach().numpy(), [3.0, 4.0])


def test_clip_grad_norm_edges_as_pytorch():
    ps = _params_with_grads([3.0, 4.0], [12.0])  # joint 2-norm 13
    assert nn.utils.clip_grad_norm_(ps, float("inf")).item() == 13.0
    assert _grads(ps)[1][0] == 12.0                               # inf: no clipping
    assert nn.utils.clip_grad_norm_(ps, 0.0).item() == 13.0
    assert all((g == 0).all() for g in _grads(ps))              # 0: all zero
    ps = _params_with_grads([3.0, 4.0], [12.0])
    assert nn.utils.clip_grad_norm_(ps, 1.0, norm_type="inf").item() == 12.0


def test_clip_grad_norm_error_if_nonfinite():
    ps = _params_with_grads([1.0, float("nan")], [2.0])
    with pytest.raises(RuntimeError, match=r"total norm of order 2\.0 of the gradients is "
                                           r"nan, so they cannot be clipped"):
        nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    np.testing.assert_array_equal(ps[1].grad.detach().numpy(), [2.0])     # untouched
    # Without the flag the NaN spreads, as in PyTorch.
    assert math.isnan(nn.utils.clip_grad_norm_(ps, 1.0).item())
    assert np.isnan(ps[1].grad.detach().numpy()).all()


@pytest.mark.parametrize("clip_value", [-1.0, float("nan")])
def test_clip_grad_value_refuses_negative_or_nan(clip_value):
    ps = _params_with_grads([3.0, -4.0])
    with pytest.raises(ValueError, match=r"^clip_grad_value_: clip_value must be "
                                         rf"non-negative, got {clip_value!r}"):
        nn.utils.clip_grad_value_(ps, clip_value)
    np.testing.assert_array_equal(ps[0].grad.detach().numpy(), [3.0, -4.0])


def test_clip_grad_value_clamps():
    ps = _params_with_grads([3.0, -4.0, 0.5])
    nn.utils.clip_grad_value_(ps, 1.0)
    np.testing.assert_array_equal(ps[0].grad.detach().numpy(), [1.0, -1.0, 0.5])


# ----------------------------------------------------- optimizer steps
OPTIMIZERS = [(optim.SGD, dict(lr=0.1)), (optim.SGD, dict(lr=0.1, momentum=0.9)),
              (optim.Adam, dict(lr=0.1)), (optim.AdamW, dict(lr=0.1)),
              (optim.RMSprop, dict(lr=0.1, momentum=0.5, centered=True))]


def _two_groups(cls, kwargs):
    a = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = ag.tensor(np.array([[1.0, -1.0]]), requires_grad=True)
    opt = cls([{"params": [a]}, {"params": [b], "lr": 0.01}], **kwargs)
    return opt, a, b


def _stale_grad(p, g):
    """Give ``p`` a ``.grad`` that no longer fits it, the one way that can
    happen (assigning it directly is refused): the gradient was computed,
    then the parameter's data was replaced by data of another shape or dtype."""
    values = np.array(p.data)
    p.data = np.zeros(g.shape, dtype=g.dtype)
    p.grad = g
    p.data = values


def _opt_snapshot(opt, params):
    values = [p.detach().numpy().copy() for p in params]
    state = {i: {k: (v.detach().numpy().copy() if isinstance(v, ag.Tensor) else v)
                 for k, v in opt.state[p].items()} for i, p in enumerate(params)
             if p in opt.state}
    return values, state


def _assert_opt_unchanged(opt, params, before):
    values, state = _opt_snapshot(opt, params)
    for got, want in zip(values, before[0]):
        np.testing.assert_array_equal(got, want)
    assert state.keys() == before[1].keys()
    for i in state:
        assert state[i].keys() == before[1][i].keys()
        for k in state[i]:
            np.testing.assert_array_equal(state[i][k], before[1][i][k])


@pytest.mark.parametrize("stepped_before", [False, True], ids=["first-step", "later-step"])
@pytest.mark.parametrize("cls,kwargs", OPTIMIZERS,
                         ids=[f"{c.__name__}-{k}" for c, k in OPTIMIZERS])
def test_refused_step_moves_no_parameter_in_any_group(cls, kwargs, stepped_before):
    opt, a, b = _two_groups(cls, kwargs)
    if stepped_before:
        a.grad, b.grad = ag.tensor(np.array([0.5, 0.5])), ag.tensor(np.array([[0.5, 0.5]]))
        opt.step()
    before = _opt_snapshot(opt, [a, b])
    a.grad = ag.tensor(np.array([1.0, 1.0]))
    _stale_grad(b, ag.tensor(np.array([1.0, 1.0])))  # (2,) for a (1, 2) parameter
    with pytest.raises(RuntimeError, match=rf"^{cls.__name__}\.step: parameter 0 of group 1 "
                                           r"has shape \(1, 2\) but its \.grad has shape "
                                           r"\(2,\); nothing was updated"):
        opt.step()
    _assert_opt_unchanged(opt, [a, b], before)


@pytest.mark.parametrize("cls,kwargs", OPTIMIZERS,
                         ids=[f"{c.__name__}-{k}" for c, k in OPTIMIZERS])
def test_step_with_a_bad_option_in_a_later_group_moves_nothing(cls, kwargs):
    opt, a, b = _two_groups(cls, kwargs)
    a.grad, b.grad = ag.tensor(np.array([1.0, 1.0])), ag.tensor(np.array([[1.0, 1.0]]))
    before = _opt_snapshot(opt, [a, b])
    opt.param_groups[1]["lr"] = "0.1"
    with pytest.raises(ValueError, match=rf"^{cls.__name__}: invalid lr='0.1' in param "
                                         r"group 1"):
        opt.step()
    _assert_opt_unchanged(opt, [a, b], before)


def test_step_refuses_a_complex_grad_for_a_real_parameter():
    opt, a, b = _two_groups(optim.Adam, {})
    a.grad = ag.tensor(np.array([1.0, 1.0]))
    _stale_grad(b, ag.tensor(np.array([[1.0 + 2j, 1.0]])))
    before = _opt_snapshot(opt, [a, b])
    with pytest.raises(TypeError, match=r"^Adam\.step: parameter 0 of group 1 is float64 but "
                                        r"its \.grad is complex128"):
        opt.step()
    _assert_opt_unchanged(opt, [a, b], before)


def test_valid_step_after_a_refused_one_matches_a_clean_step():
    """Nothing half-done lingers: a refused step followed by a good one ends
    where a single good step does."""
    opt1, a1, b1 = _two_groups(optim.Adam, {})
    opt2, a2, b2 = _two_groups(optim.Adam, {})
    a1.grad = ag.tensor(np.array([1.0, 2.0]))
    _stale_grad(b1, ag.tensor(np.array([3.0])))
    with pytest.raises(RuntimeError):
        opt1.step()
    for p in (a1, b1, a2, b2):
        p.grad = ag.tensor(np.full(p.shape, 0.5))
    opt1.step()
    opt2.step()
    np.testing.assert_array_equal(a1.detach().numpy(), a2.detach().numpy())
    np.testing.assert_array_equal(b1.detach().numpy(), b2.detach().numpy())
    assert opt1.state[a1]["step"] == opt2.state[a2]["step"] == 1


def test_step_refuses_a_parameter_resized_after_it_was_stepped():
    keep = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    p = ag.tensor(np.zeros(3), requires_grad=True)
    opt = optim.SGD([keep, p], lr=0.1, momentum=0.9)
    keep.grad, p.grad = ag.ones(2, dtype=np.float64), ag.ones(3, dtype=np.float64)
    opt.step()
    p.data = ag.tensor(np.zeros(4))  # pruning / surgery
    p.grad = ag.ones(4, dtype=np.float64)
    before = _opt_snapshot(opt, [keep, p])
    with pytest.raises(RuntimeError, match=r"^SGD\.step: parameter 1 of group 0 has shape "
                                           r"\(4,\) but its state 'momentum_buffer' has shape "
                                           r"\(3,\)"):
        opt.step()
    _assert_opt_unchanged(opt, [keep, p], before)
    opt.state.pop(p)
    opt.step()  # the way out the message names


# ---- padding modules, pixel shuffle, RMSNorm, shrink activations (issue 11)
_PAD_NAMES = [f"{kind}Pad{d}d" for kind in ("Zero", "Constant", "Reflection", "Replication",
                                              "Circular") for d in (1, 2, 3)]


def _pad_layer(name):
    cls = getattr(nn, name)
    return (lambda: cls(1, 0.5)) if name.startswith("Constant") else (lambda: cls(1))


LAYERS.update({name: (_pad_layer(name), lambda d=int(name[-2]): f32(*([1, 2] + [3] * d)),
                      name) for name in _PAD_NAMES})
WRONG_SHAPE.update({name: (f32(*([3] * (int(name[-2]) + 3))),
                           rf"{name}: expected a {int(name[-2]) + 1}-D or "
                           rf"{int(name[-2]) + 2}-D input")
                    for name in _PAD_NAMES if not name.startswith(("Zero", "Constant"))})
WRONG_SHAPE.update({name: (f32(*([3] * (int(name[-2]) - 1))),
                           rf"{name}: expected an input with at least {int(name[-2])} dims")
                    for name in _PAD_NAMES if name.startswith(("Zero", "Constant"))
                    and name[-2] != "1"})
ANY_SHAPE |= {"ZeroPad1d", "ConstantPad1d"}   # a 0-d input is refused by pad itself
LAYERS.update({
    "PixelShuffle": (lambda: nn.PixelShuffle(2), lambda: f32(1, 4, 2, 2), "pixel_shuffle"),
    "PixelUnshuffle": (lambda: nn.PixelUnshuffle(2), lambda: f32(1, 1, 4, 4),
                       "pixel_unshuffle"),
    "RMSNorm": (lambda: nn.RMSNorm(3), lambda: f32(4, 3), "rms_norm"),
    "Softmin": (lambda: nn.Softmin(1), lambda: f32(4, 3), "softmin"),
    "Softmax2d": (nn.Softmax2d, lambda: f32(1, 3, 2, 2), "Softmax2d"),
    "Hardshrink": (nn.Hardshrink, lambda: f32(4, 3), "hardshrink"),
    "Softshrink": (nn.Softshrink, lambda: f32(4, 3), "softshrink"),
    "Tanhshrink": (nn.Tanhshrink, lambda: f32(4, 3), "tanhshrink"),
    "Threshold": (lambda: nn.Threshold(0.1, 2.0), lambda: f32(4, 3), "threshold"),
    "RReLU": (nn.RReLU, lambda: f32(4, 3), "rrelu"),
})
WRONG_SHAPE.update({
    "PixelShuffle": (f32(1, 3, 2, 2), r"pixel_shuffle: the channel count 3 .* divisible by "
                                      r"upscale_factor\^2 = 4"),
    "PixelUnshuffle": (f32(1, 1, 3, 4), r"pixel_unshuffle: height 3 and width 4"),
    "RMSNorm": (f32(4, 2), r"rms_norm: normalized_shape=\[3\] expects input of shape "
                           r"\(\*, 3\), got \(4, 2\)"),
    "Softmax2d": (f32(4, 3), r"Softmax2d: expected a 3-D or 4-D input, got shape \(4, 3\)"),
})
WRONG_DIM.update({"Softmin": "softmin"})
ANY_SHAPE |= {"Hardshrink", "Softshrink", "Tanhshrink", "Threshold", "RReLU"}
NOT_LAYERS |= {"ParameterList", "ParameterDict"}
NOT_LAYERS |= {"EmbeddingBag"}   # indices plus offsets (tests/test_port_embedding_bag.py)

# ---- nn1d (issue 11): 1-d pooling, LP pooling, ConvTranspose1d, norms, lazy forms
LAYERS.update({
    "MaxPool1d": (lambda: nn.MaxPool1d(2), lambda: f32(1, 2, 6), "max_pool1d"),
    "AvgPool1d": (lambda: nn.AvgPool1d(2), lambda: f32(1, 2, 6), "avg_pool1d"),
    "AdaptiveAvgPool1d": (lambda: nn.AdaptiveAvgPool1d(2), lambda: f32(1, 2, 5),
                          "adaptive_avg_pool1d"),
    "AdaptiveMaxPool1d": (lambda: nn.AdaptiveMaxPool1d(2), lambda: f32(1, 2, 5),
                          "adaptive_max_pool1d"),
    "LPPool1d": (lambda: nn.LPPool1d(2, 2), lambda: f32(1, 2, 6), "lp_pool1d"),
    "LPPool2d": (lambda: nn.LPPool2d(2, 2), lambda: f32(1, 2, 4, 4), "lp_pool2d"),
    "ConvTranspose1d": (lambda: nn.ConvTranspose1d(2, 4, 3), lambda: f32(1, 2, 5),
                        r"ConvTranspose1d\(2, 4, kernel_size=\(3,\)\)"),
    "LazyConv1d": (lambda: nn.LazyConv1d(2, 3), lambda: f32(1, 2, 5), "LazyConv1d"),
    "BatchNorm3d": (lambda: nn.BatchNorm3d(3), lambda: f32(2, 3, 2, 2, 2), r"BatchNorm3d\(3\)"),
    "LazyBatchNorm3d": (nn.LazyBatchNorm3d, lambda: f32(2, 3, 2, 2, 2), "LazyBatchNorm3d"),
    "LocalResponseNorm": (lambda: nn.LocalResponseNorm(2), lambda: f32(1, 4, 3),
                          "local_response_norm"),
    "ChannelShuffle": (lambda: nn.ChannelShuffle(2), lambda: f32(1, 4, 3), "channel_shuffle"),
})
WRONG_SHAPE.update({
    name: (f32(2, 1, 2, 3), rf"{fn}: expected input \(N, C, L\) or \(C, L\), got "
                            r"\(2, 1, 2, 3\)")
    for name, fn in [("MaxPool1d", "max_pool1d"), ("AvgPool1d", "avg_pool1d"),
                     ("AdaptiveAvgPool1d", "adaptive_avg_pool1d"),
                     ("AdaptiveMaxPool1d", "adaptive_max_pool1d"), ("LPPool1d", "lp_pool1d")]})
WRONG_SHAPE.update({
    "LPPool2d": (f32(4, 3), r"lp_pool2d: expected input \(N, C, H, W\) or \(C, H, W\), got "
                            r"\(4, 3\)"),
    "ConvTranspose1d": (f32(1, 3, 5), r"ConvTranspose1d\(2, 4, kernel_size=\(3,\)\) expected "
                                      r"input \(N, 2, L\) or \(2, L\), got \(1, 3, 5\)"),
    "LazyConv1d": (f32(5), r"LazyConv1d: cannot infer in_channels; expected input "
                           r"\(N, C, L\) or \(C, L\), got \(5,\)"),
    "BatchNorm3d": (f32(2, 3, 4, 4), r"BatchNorm3d\(3\) expected input \(N, 3, D, H, W\), got "
                                     r"\(2, 3, 4, 4\)"),
    "LazyBatchNorm3d": (f32(3), r"LazyBatchNorm3d: cannot infer num_features"),
    "LocalResponseNorm": (f32(4, 3), r"local_response_norm: expected 3D or higher "
                                     r"dimensionality input .* got 2 dimensions"),
    "ChannelShuffle": (f32(1, 5, 3), r"channel_shuffle: number of channels must be divisible "
                                     r"by groups. Got 5 channels and 2 groups"),
})
NOT_LAYERS |= {"MaxUnpool1d", "MaxUnpool2d"}  # values plus indices (tests/test_port_nn1d.py)
NOT_LAYERS |= {"MultiMarginLoss", "MultiLabelMarginLoss", "TripletMarginWithDistanceLoss", "NLLLoss2d", "AdaptiveLogSoftmaxWithLoss"}  # several inputs (tests/test_port_losses_more.py)

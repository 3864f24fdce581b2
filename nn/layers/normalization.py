"""Per-sample normalizations: ``LayerNorm``, ``GroupNorm`` and
``InstanceNorm1d/2d/3d`` (with their functional forms).

Unlike BatchNorm they normalize each sample by its own statistics (over the
trailing ``normalized_shape`` dims, over a group of channels, or over each
channel's spatial positions), so they behave the same in training and
evaluation and work with a batch of one.  Each is composed from engine ops
(mean, biased variance, sqrt, divide), so the gradient and its gradient come
from the engine; the variance is the biased one, as in PyTorch.
"""
import autograd as ag
from autograd import Tensor
from autograd._args import device_arg

from autograd.errors import ArgumentError, DTypeError
from .._checks import not_tensor, real_arg, size_arg
from ..init import ones_, zeros_
from ..module import Module
from ..parameter import Parameter


def _standardize(x, dims, eps):
    """``(x - mean) / sqrt(var + eps)`` over ``dims`` (biased variance)."""
    centered = x - x.mean(dims, keepdim=True)
    var = x.var(dims, correction=0, keepdim=True)
    return centered / (var + eps).sqrt()


def _check_floating(where, input):
    if not isinstance(input, Tensor):
        raise not_tensor(where, "input", 1, input)
    if input.dtype.kind != "f":
        raise DTypeError(f"{where}: input must be floating-point, got dtype {input.dtype}; "
                         "convert with .float()")


def _check_param(where, arg, position, t, shape, dtype):
    if t is None:
        return
    if not isinstance(t, Tensor):
        raise not_tensor(where, arg, position, t)
    if t.shape != shape:
        raise ArgumentError(f"{where}: {arg} must have shape {shape}, got {t.shape}")
    if t.dtype != dtype:
        raise DTypeError(f"{where}: input dtype {dtype} does not match {arg} dtype {t.dtype}; "
                         "cast the input or the model (model.to(...))")


def _shape_arg(normalized_shape, where):
    """An int or a sequence of ints, as a tuple."""
    if isinstance(normalized_shape, (int,)) and not isinstance(normalized_shape, bool):
        normalized_shape = (normalized_shape,)
    try:
        shape = tuple(size_arg(s, "normalized_shape", where) for s in normalized_shape)
    except TypeError:
        raise TypeError(f"{where}: normalized_shape must be an int or a sequence of ints, got "
                        f"{normalized_shape!r}") from None
    return shape


# ---------------------------------------------------------------- LayerNorm
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """``torch.nn.functional.layer_norm``: normalize over the trailing
    ``normalized_shape`` dims, then scale by ``weight`` and shift by ``bias``
    (both of shape ``normalized_shape``, optional)."""
    where = "layer_norm"
    _check_floating(where, input)
    shape = _shape_arg(normalized_shape, where)
    k = len(shape)
    if k == 0 or input.shape[input.ndim - k:] != shape or input.ndim < k:
        raise ArgumentError(f"{where}: normalized_shape={list(shape)} expects input of shape "
                            f"(*, {', '.join(map(str, shape))}), got {input.shape}")
    _check_param(where, "weight", 3, weight, shape, input.dtype)
    _check_param(where, "bias", 4, bias, shape, input.dtype)
    out = _standardize(input, tuple(range(input.ndim - k, input.ndim)), eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


class LayerNorm(Module):
    """``LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True,
    bias=True)``: normalization over the trailing dims of each sample (the
    Transformer's norm); ``weight`` starts at ones, ``bias`` at zeros."""

    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True,
                 device=None, dtype=None):
        super().__init__()
        if device is not None:
            device_arg(device, "LayerNorm")
        self.normalized_shape = _shape_arg(normalized_shape, "LayerNorm")
        self.eps = real_arg(eps, "eps", "LayerNorm")
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ag.ones(*self.normalized_shape, dtype=dtype))
            self.bias = (Parameter(ag.zeros(*self.normalized_shape, dtype=dtype))
                         if bias else None)
        else:
            self.weight = None
            self.bias = None

    def reset_parameters(self):
        if self.weight is not None:
            ones_(self.weight)
        if self.bias is not None:
            zeros_(self.bias)

    def forward(self, input):
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        s = f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        return s + (f", bias={self.bias is not None}" if self.elementwise_affine else "")


# ---------------------------------------------------------------- GroupNorm
def _channel_shape(input):
    return (1, input.shape[1]) + (1,) * (input.ndim - 2)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """``torch.nn.functional.group_norm`` on (N, C, *): the C channels are
    split into ``num_groups`` groups, each normalized over its channels and
    positions; ``weight`` and ``bias`` are per channel (C,)."""
    where = "group_norm"
    _check_floating(where, input)
    num_groups = size_arg(num_groups, "num_groups", where, 1)
    if input.ndim < 2 or input.shape[1] % num_groups:
        raise ArgumentError(f"{where}: expected input (N, C, *) with C divisible by "
                            f"num_groups={num_groups}, got {input.shape}")
    c = input.shape[1]
    _check_param(where, "weight", 3, weight, (c,), input.dtype)
    _check_param(where, "bias", 4, bias, (c,), input.dtype)
    grouped = input.reshape(input.shape[0], num_groups, -1)
    out = _standardize(grouped, (2,), eps).reshape(input.shape)
    if weight is not None:
        out = out * weight.reshape(_channel_shape(input))
    if bias is not None:
        out = out + bias.reshape(_channel_shape(input))
    return out


class GroupNorm(Module):
    """``GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)``
    (Wu & He, 2018): per-sample normalization over groups of channels, for
    small batches where BatchNorm's statistics are noisy."""

    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True, device=None,
                 dtype=None):
        super().__init__()
        if device is not None:
            device_arg(device, "GroupNorm")
        self.num_groups = size_arg(num_groups, "num_groups", "GroupNorm", 1)
        self.num_channels = size_arg(num_channels, "num_channels", "GroupNorm")
        if self.num_channels % self.num_groups:
            raise ArgumentError(f"GroupNorm: num_channels must be divisible by num_groups, got "
                                f"num_channels={num_channels}, num_groups={num_groups}")
        self.eps = real_arg(eps, "eps", "GroupNorm")
        self.affine = affine
        if affine:
            self.weight = Parameter(ag.ones(self.num_channels, dtype=dtype))
            self.bias = Parameter(ag.zeros(self.num_channels, dtype=dtype))
        else:
            self.weight = None
            self.bias = None

    def reset_parameters(self):
        if self.affine:
            ones_(self.weight)
            zeros_(self.bias)

    def forward(self, input):
        if isinstance(input, Tensor) and (input.ndim < 2 or input.shape[1] != self.num_channels):
            raise ArgumentError(f"{self!r} expected input (N, {self.num_channels}, *), got "
                                f"{input.shape}")
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


# ------------------------------------------------------------- InstanceNorm
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """``torch.nn.functional.instance_norm`` on (N, C, *): each channel of
    each sample normalized over its positions.  With ``use_input_stats``
    and running statistics given, those are updated (in place, without a
    graph) with the batch average of the per-instance mean and unbiased
    variance, as PyTorch does; without ``use_input_stats`` the running
    statistics normalize instead."""
    where = "instance_norm"
    _check_floating(where, input)
    if input.ndim < 3:
        raise ArgumentError(f"{where}: expected input (N, C, *) with at least one spatial dim, "
                            f"got {input.shape}")
    c = input.shape[1]
    for pos, (arg, t) in enumerate((("running_mean", running_mean), ("running_var", running_var),
                                    ("weight", weight), ("bias", bias)), start=2):
        _check_param(where, arg, pos, t, (c,), input.dtype)
    dims = tuple(range(2, input.ndim))
    count = input.numel() // max(input.shape[0] * c, 1)
    if use_input_stats:
        if count < 2:
            raise ArgumentError(f"{where}: expected more than 1 spatial element per channel "
                                f"when training, got input of shape {input.shape}")
        out = _standardize(input, dims, eps)
        if running_mean is not None and running_var is not None:
            _track(input, dims, running_mean, running_var, momentum)
    else:
        if running_mean is None or running_var is None:
            raise ArgumentError(f"{where}: use_input_stats=False needs running_mean and "
                                "running_var")
        shape = _channel_shape(input)
        out = ((input - running_mean.reshape(shape))
               / (running_var.reshape(shape) + eps).sqrt())
    if weight is not None:
        out = out * weight.reshape(_channel_shape(input))
    if bias is not None:
        out = out + bias.reshape(_channel_shape(input))
    return out


def _track(input, dims, running_mean, running_var, momentum):
    with ag.no_grad():
        x = input.detach()
        mean = x.mean(dims).mean(0)
        var = x.var(dims, correction=1).mean(0)
        running_mean.mul_(1 - momentum).add_(mean * momentum)
        running_var.mul_(1 - momentum).add_(var * momentum)


class _InstanceNorm(Module):
    _spatial = 0
    _layout = ""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=False,
                 track_running_stats=False, device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        if device is not None:
            device_arg(device, name)
        self.num_features = size_arg(num_features, "num_features", name)
        self.eps = real_arg(eps, "eps", name)
        self.momentum = momentum if momentum is None else real_arg(momentum, "momentum", name)
        self.affine = affine
        self.track_running_stats = track_running_stats
        c = self.num_features
        self.weight = Parameter(ag.ones(c, dtype=dtype)) if affine else None
        self.bias = Parameter(ag.zeros(c, dtype=dtype)) if affine else None
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(c, dtype=dtype))
            self.register_buffer("running_var", ag.ones(c, dtype=dtype))
            self.register_buffer("num_batches_tracked", ag.tensor(0))
        else:
            self.running_mean = None
            self.running_var = None
            self.num_batches_tracked = None

    def forward(self, input):
        batched = self._spatial + 2
        if not isinstance(input, Tensor) or input.ndim not in (batched, batched - 1):
            if not isinstance(input, Tensor):
                raise not_tensor(type(self).__name__, "input", 1, input)
            raise ArgumentError(f"{type(self).__name__}: expected input {self._layout} or "
                                f"unbatched without N, got {input.shape}")
        x = input if input.ndim == batched else input.unsqueeze(0)
        if x.shape[1] != self.num_features and self.affine:
            raise ArgumentError(f"{type(self).__name__}({self.num_features}): expected "
                                f"{self.num_features} channels, got input of shape "
                                f"{input.shape}")
        use_input_stats = self.training or not self.track_running_stats
        momentum = self.momentum if self.momentum is not None else 0.1
        out = instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            use_input_stats, momentum, self.eps)
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
        return out if input.ndim == batched else out.squeeze(0)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L) or (C, L) input."""
    _spatial = 1
    _layout = "(N, C, L)"


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W) or (C, H, W) input (style
    transfer's normalization; no running statistics by default)."""
    _spatial = 2
    _layout = "(N, C, H, W)"


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of (N, C, D, H, W) or (C, D, H, W) input."""
    _spatial = 3
    _layout = "(N, C, D, H, W)"

"""Batch normalization (the lecture notes' BatchNorm; PyTorch's semantics).

Training normalizes with the batch's mean and *biased* variance and folds
them into the running statistics (``running_var`` takes the *unbiased*
variance); evaluation uses the running statistics.  The normalization is
composed from engine ops, so its gradient -- and its gradient's gradient --
come from the engine rather than from a hand-derived formula.
"""
import autograd as ag
from autograd import Tensor

from autograd.errors import ArgumentError, DTypeError
from .._checks import not_tensor, real_arg, size_arg
from ..init import ones_, zeros_
from ..module import Module
from ..parameter import Parameter


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """``torch.nn.functional.batch_norm`` over dim 1 of (N, C, ...).

    Every argument is checked before the running statistics are touched, so
    a refused call leaves them as they were."""
    _check_batch_norm(input, running_mean, running_var, weight, bias, training)
    c = input.shape[1]
    axes = (0,) + tuple(range(2, input.ndim))
    shape = (1, c) + (1,) * (input.ndim - 2)
    if training:
        count = input.numel() // c
        mean = input.mean(axes, keepdim=True)
        centered = input - mean
        var = (centered * centered).mean(axes, keepdim=True)
        if running_mean is not None and running_var is not None:
            with ag.no_grad():
                unbiased = var.detach().reshape(c) * (count / (count - 1))
                running_mean.mul_(1 - momentum).add_(mean.detach().reshape(c) * momentum)
                running_var.mul_(1 - momentum).add_(unbiased * momentum)
        out = centered / (var + eps).sqrt()
    else:
        out = (input - running_mean.reshape(shape)) / (running_var.reshape(shape) + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out


def _check_batch_norm(input, running_mean, running_var, weight, bias, training):
    fn = "batch_norm"
    if not isinstance(input, Tensor):
        raise not_tensor(fn, "input", 1, input)
    if input.ndim < 2:
        raise ArgumentError(f"{fn}: expected input (N, C, ...), got {input.shape}")
    if input.dtype.kind != "f":
        raise DTypeError(f"{fn}: input must be floating-point, got dtype {input.dtype}; "
                         "convert with .float()")
    c = input.shape[1]
    for position, (arg, t) in enumerate((("running_mean", running_mean),
                                         ("running_var", running_var),
                                         ("weight", weight), ("bias", bias)), start=2):
        if t is None:
            continue
        if not isinstance(t, Tensor):
            raise not_tensor(fn, arg, position, t)
        if t.shape != (c,):
            raise ArgumentError(f"{fn}: {arg} must have shape ({c},) for input of shape "
                                f"{input.shape} ({c} channels), got {t.shape}")
        if t.dtype != input.dtype:
            raise DTypeError(f"{fn}: input dtype {input.dtype} does not match {arg} dtype "
                             f"{t.dtype}; cast the input or the model (model.to(...))")
    if training and input.numel() // max(c, 1) < 2:
        raise ArgumentError(f"{fn}: training needs more than one value per channel, got input "
                            f"of shape {input.shape}")
    if not training and (running_mean is None or running_var is None):
        raise ArgumentError(f"{fn}: evaluation needs running_mean and running_var")


class _BatchNorm(Module):
    _ranks = ()
    _layout = ""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        self.num_features = num_features = size_arg(num_features, "num_features", name)
        self.eps = real_arg(eps, "eps", name)
        self.momentum = momentum if momentum is None else real_arg(momentum, "momentum", name)
        self.affine = affine
        self.track_running_stats = track_running_stats
        made = {"device": device, "dtype": dtype}
        if affine:
            self.weight = Parameter(ag.ones(num_features, **made))
            self.bias = Parameter(ag.zeros(num_features, **made))
        else:
            self.weight = None
            self.bias = None
        if track_running_stats:
            self.register_buffer("running_mean", ag.zeros(num_features, **made))
            self.register_buffer("running_var", ag.ones(num_features, **made))
            self.register_buffer("num_batches_tracked", ag.tensor(0))
        else:
            self.running_mean = None
            self.running_var = None
            self.num_batches_tracked = None

    def reset_running_stats(self):
        if self.track_running_stats:
            zeros_(self.running_mean)
            ones_(self.running_var)
            self.num_batches_tracked.zero_()

    def forward(self, x):
        if not isinstance(x, Tensor) or x.ndim not in self._ranks \
                or x.shape[1] != self.num_features:
            raise self._bad_input(x)
        use_batch = self.training or not self.track_running_stats
        tracking = self.training and self.track_running_stats
        momentum = self.momentum
        if tracking and momentum is None:  # cumulative moving average
            momentum = 1.0 / (float(self.num_batches_tracked.item()) + 1.0)
        out = batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                         use_batch, momentum, self.eps)
        if tracking:  # counted only once the batch was accepted
            self.num_batches_tracked.add_(1)
        return out

    def _bad_input(self, x):
        where = f"{type(self).__name__}({self.num_features})"
        if not isinstance(x, Tensor):
            return not_tensor(where, "input", 1, x)
        return ArgumentError(f"{where} expected input "
                             f"{self._layout.format(C=self.num_features)}, got {x.shape}")

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Over (N, C) or (N, C, L) inputs."""
    _ranks = (2, 3)
    _layout = "(N, {C}) or (N, {C}, L)"


class BatchNorm2d(_BatchNorm):
    """Over (N, C, H, W) inputs."""
    _ranks = (4,)
    _layout = "(N, {C}, H, W)"

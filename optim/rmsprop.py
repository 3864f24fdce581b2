"""RMSprop: divide each step by a running root-mean-square of the gradient.

PyTorch's rule, operation for operation (``eps`` is added *after* the
square root, and ``lr`` does not multiply the momentum buffer's input):

    g   = grad (+ weight_decay * p)
    s   = alpha * s + (1 - alpha) * g * g
    avg = sqrt(s - m * m) + eps,  m = lerp(m, g, 1 - alpha)    if centered
    avg = sqrt(s) + eps                                         otherwise
    b   = momentum * b + g / avg;  p = p - lr * b               if momentum > 0
    p   = p - lr * g / avg                                      otherwise

The centered variant divides by an estimate of the gradient's standard
deviation rather than its root mean square.
"""
import numpy as np

from ._moments import common_options, count_step
from .optimizer import Optimizer, _apply, _buffer, _effective_grad, _is_real, _lerp, \
    _lerp_weight

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """``RMSprop(params, lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0,
    momentum=0, centered=False, *, maximize=False)``, as in PyTorch."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, *, maximize=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparams(self, group, index):
        self._check_nonneg(group, index, "lr", "eps", "momentum", "weight_decay")
        alpha = group["alpha"]
        if not _is_real(alpha) or not 0 <= alpha <= 1:
            raise self._bad("alpha", alpha, "the smoothing constant must be in [0, 1]", index)

    def _state_keys(self, group):
        keys = ["step", "square_avg"]
        if group["momentum"] > 0:
            keys.append("momentum_buffer")
        if group["centered"]:
            keys.append("grad_avg")
        return keys

    def _update_group(self, group, grads):
        lr, eps, weight_decay, maximize = common_options(group)
        alpha = float(group["alpha"])
        momentum = float(group["momentum"])
        centered = bool(group["centered"])
        for p, g in grads:
            s = self.state[p]
            count_step(s, p, ("square_avg",))
            if momentum > 0 and "momentum_buffer" not in s:
                s["momentum_buffer"] = _buffer(p)
            if centered and "grad_avg" not in s:
                s["grad_avg"] = _buffer(p)
            buffers = [s["square_avg"]._data,
                       s["grad_avg"]._data if centered else None,
                       s["momentum_buffer"]._data if momentum > 0 else None]
            lerp_w, lerp_c = _lerp_weight(1.0 - alpha, p._data.dtype)
            _apply(_rmsprop, p, g, buffers, 3, lr, alpha, eps, weight_decay, momentum,
                   maximize, lerp_w, lerp_c)


def _rmsprop(p, g, bufs, tmps, lr, alpha, eps, weight_decay, momentum, maximize, lerp_w,
             lerp_c):
    square_avg, grad_avg, buf = bufs
    t0, t1, t2 = tmps
    g = _effective_grad(p, g, weight_decay, maximize, t0)
    np.multiply(square_avg, alpha, out=square_avg)
    np.multiply(g, 1.0 - alpha, out=t1)
    np.multiply(t1, g, out=t1)
    np.add(square_avg, t1, out=square_avg)
    if grad_avg is not None:
        _lerp(grad_avg, g, lerp_w, lerp_c, t1)
        np.multiply(grad_avg, grad_avg, out=t1)
        np.subtract(square_avg, t1, out=t1)
        np.sqrt(t1, out=t1)
    else:
        np.sqrt(square_avg, out=t1)
    np.add(t1, eps, out=t1)  # t1 = avg
    if buf is not None:
        np.multiply(buf, momentum, out=buf)
        np.divide(g, t1, out=t2)
        np.add(buf, t2, out=buf)
        np.multiply(buf, -lr, out=t2)
    else:
        np.multiply(g, -lr, out=t2)
        np.divide(t2, t1, out=t2)
    np.add(p, t2, out=p)

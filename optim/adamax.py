"""Adamax: Adam with the infinity norm in place of the root mean square.

PyTorch's rule, operation for operation:

    g = grad (+ weight_decay * p)
    m = lerp(m, g, 1 - beta1)
    u = max(beta2 * u, |g| + eps)
    p = p - (lr / (1 - beta1**t)) * m / u

``u`` needs no bias correction (a maximum is not pulled towards its zero
start), and ``eps`` sits inside the maximum, so ``u`` is never zero.
"""
import numpy as np

from ._moments import adam_options, check_adam_options, count_step
from .optimizer import Optimizer, _apply, _effective_grad, _lerp, _lerp_weight

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax: Adam with an infinity-norm second moment.

    ``Adamax(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8,
    weight_decay=0, *, maximize=False)``, PyTorch's signature and rule."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, *,
                 maximize=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparams(self, group, index):
        check_adam_options(self, group, index)

    def _state_keys(self, group):
        return ("step", "exp_avg", "exp_inf")

    def _update_group(self, group, grads):
        # no decoupled option: the decay is always the L2 term in the gradient
        lr, beta1, beta2, eps, maximize, _, l2 = adam_options(group, can_decouple=False)
        for p, g in grads:
            s = self.state[p]
            step = count_step(s, p, ("exp_avg", "exp_inf"))
            clr = lr / (1 - beta1 ** step)
            lerp_w, lerp_c = _lerp_weight(1.0 - beta1, p._data.dtype)
            _apply(_adamax, p, g, [s["exp_avg"]._data, s["exp_inf"]._data], 2, l2,
                   maximize, lerp_w, lerp_c, beta2, eps, clr)


def _adamax(p, g, bufs, tmps, weight_decay, maximize, lerp_w, lerp_c, beta2, eps, clr):
    exp_avg, exp_inf = bufs
    t0, t1 = tmps
    g = _effective_grad(p, g, weight_decay, maximize, t0)
    _lerp(exp_avg, g, lerp_w, lerp_c, t1)
    np.multiply(exp_inf, beta2, out=exp_inf)
    np.abs(g, out=t1)
    np.add(t1, eps, out=t1)
    np.maximum(exp_inf, t1, out=exp_inf)
    np.multiply(exp_avg, -clr, out=t1)
    np.divide(t1, exp_inf, out=t1)
    np.add(p, t1, out=p)

"""RAdam: Adam whose adaptive step is switched on only once the variance
estimate can be trusted (Liu et al. 2019).

PyTorch's rule, operation for operation:

    g     = grad (+ weight_decay * p)           or  p = p * (1 - lr * wd)  (decoupled)
    m     = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
    rho_inf = 2 / (1 - beta2) - 1
    rho_t   = rho_inf - 2 t beta2**t / (1 - beta2**t)
    if rho_t > 5:
        rect = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
        p = p - m / (1 - beta1**t) * lr * (sqrt(1 - beta2**t) / (sqrt(v) + eps)) * rect
    else:
        p = p - m / (1 - beta1**t) * lr          (plain momentum SGD)

With the default betas the first five steps are momentum SGD.
"""
import numpy as np

from ._moments import adam_options, check_adam_options, count_step, update_moments
from .optimizer import Optimizer, _apply, _lerp_weight

__all__ = ["RAdam"]


class RAdam(Optimizer):
    """RAdam: Adam with a rectified (warmed-up) adaptive step.

    ``RAdam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
    weight_decay=0, decoupled_weight_decay=False, *, maximize=False)``,
    PyTorch's signature and rule."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, maximize=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparams(self, group, index):
        check_adam_options(self, group, index)

    def _state_keys(self, group):
        return ("step", "exp_avg", "exp_avg_sq")

    def _update_group(self, group, grads):
        lr, beta1, beta2, eps, maximize, shrink, l2 = adam_options(group)
        for p, g in grads:
            s = self.state[p]
            step = count_step(s, p, ("exp_avg", "exp_avg_sq"))
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            rho_inf = 2 / (1 - beta2) - 1
            rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
            rect = None
            if rho_t > 5.0:
                rect = ((rho_t - 4) * (rho_t - 2) * rho_inf
                        / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            lerp_w, lerp_c = _lerp_weight(1.0 - beta1, p._data.dtype)
            _apply(_radam, p, g, [s["exp_avg"]._data, s["exp_avg_sq"]._data], 3, shrink, l2,
                   maximize, lerp_w, lerp_c, beta2, bias_correction1,
                   bias_correction2 ** 0.5, eps, lr, rect)


def _radam(p, g, bufs, tmps, shrink, l2, maximize, lerp_w, lerp_c, beta2, bias_correction1,
           bias_correction2_sqrt, eps, lr, rect):
    exp_avg, exp_avg_sq = bufs
    t0, t1, t2 = tmps
    g = update_moments(p, g, exp_avg, exp_avg_sq, t0, t1, shrink, l2, maximize, lerp_w, lerp_c,
                       beta2)
    np.divide(exp_avg, bias_correction1, out=t2)
    np.multiply(t2, lr, out=t2)
    if rect is not None:
        np.sqrt(exp_avg_sq, out=t1)
        np.add(t1, eps, out=t1)
        np.divide(bias_correction2_sqrt, t1, out=t1)  # the adaptive lr
        np.multiply(t2, t1, out=t2)
        np.multiply(t2, rect, out=t2)
    np.subtract(p, t2, out=p)

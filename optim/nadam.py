"""NAdam: Adam with Nesterov momentum (Dozat 2016), momentum warmed up.

PyTorch's rule, operation for operation:

    g   = grad (+ weight_decay * p)             or  p = p * (1 - lr * wd)  (decoupled)
    mu  = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu' = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    P   = P * mu                                (product of all mu so far)
    m   = lerp(m, g, 1 - beta1);  v = beta2 * v + (1 - beta2) * g * g
    d   = sqrt(v / (1 - beta2**t)) + eps
    p   = p - lr * (1 - mu) / (1 - P) * g / d
    p   = p - lr * mu' / (1 - P * mu') * m / d

The last line looks one step ahead with the next step's momentum, which is
what makes it Nesterov.  ``P`` (``mu_product``) is kept in float32, as
PyTorch keeps it (its default scalar dtype), so trajectories agree.
"""
import numpy as np

from ._moments import adam_options, check_adam_options, count_step, update_moments
from .optimizer import Optimizer, _apply, _lerp_weight

__all__ = ["NAdam"]


class NAdam(Optimizer):
    """NAdam: Adam with Nesterov momentum.

    ``NAdam(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8,
    weight_decay=0, momentum_decay=4e-3, decoupled_weight_decay=False, *,
    maximize=False)``, PyTorch's signature and rule."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, maximize=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparams(self, group, index):
        check_adam_options(self, group, index)
        self._check_nonneg(group, index, "momentum_decay")

    def _state_keys(self, group):
        return ("step", "mu_product", "exp_avg", "exp_avg_sq")

    def _update_group(self, group, grads):
        lr, beta1, beta2, eps, maximize, shrink, l2 = adam_options(group)
        momentum_decay = float(group["momentum_decay"])
        for p, g in grads:
            s = self.state[p]
            step = count_step(s, p, ("exp_avg", "exp_avg_sq"), mu_product=1.0)
            bias_correction2 = 1 - beta2 ** step
            mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
            mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
            mu_product = _float32_product(s["mu_product"], mu)
            grad_coef = -lr * (1.0 - mu) / (1.0 - mu_product)
            avg_coef = (-lr * mu_next) / (1.0 - mu_product * mu_next)
            lerp_w, lerp_c = _lerp_weight(1.0 - beta1, p._data.dtype)
            _apply(_nadam, p, g, [s["exp_avg"]._data, s["exp_avg_sq"]._data], 3, shrink, l2,
                   maximize, lerp_w, lerp_c, beta2, bias_correction2, eps, grad_coef, avg_coef)
            s["mu_product"] = mu_product  # after the update: a failed step leaves no trace


def _float32_product(a, b):
    """``a * b`` rounded as PyTorch's float32 ``mu_product`` tensor rounds
    it (both factors and the product in float32), as a Python float."""
    return float(np.float32(a) * np.float32(b))


def _nadam(p, g, bufs, tmps, shrink, l2, maximize, lerp_w, lerp_c, beta2, bias_correction2,
           eps, grad_coef, avg_coef):
    exp_avg, exp_avg_sq = bufs
    t0, t1, t2 = tmps
    g = update_moments(p, g, exp_avg, exp_avg_sq, t0, t1, shrink, l2, maximize, lerp_w, lerp_c,
                       beta2)
    np.divide(exp_avg_sq, bias_correction2, out=t1)
    np.sqrt(t1, out=t1)
    np.add(t1, eps, out=t1)  # t1 = denom
    np.multiply(g, grad_coef, out=t2)
    np.divide(t2, t1, out=t2)
    np.add(p, t2, out=p)
    np.multiply(exp_avg, avg_coef, out=t2)
    np.divide(t2, t1, out=t2)
    np.add(p, t2, out=p)

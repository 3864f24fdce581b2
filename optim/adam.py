"""Adam and AdamW: momentum plus RMSprop scaling, with bias correction.

PyTorch's rule, operation for operation:

    g = grad (+ weight_decay * p)            Adam: L2 penalty in the gradient
    p = p * (1 - lr * weight_decay)          AdamW: decay applied to p directly
    m = lerp(m, g, 1 - beta1)                (= beta1 * m + (1 - beta1) * g)
    v = beta2 * v + (1 - beta2) * g * g
    v_max = max(v_max, v); use v_max for v   (amsgrad)
    denom = sqrt(v) / sqrt(1 - beta2**t) + eps
    p = p - (lr / (1 - beta1**t)) * m / denom

``eps`` is added after the bias-corrected square root, as PyTorch does (not
inside it, and not before the correction); on the first step this makes the
update ``lr * g / (|g| + eps)``, i.e. ``lr * sign(g)`` up to ``eps``.

AdamW differs only in its decay: with the L2 penalty inside the gradient,
Adam's scaling shrinks the decay of weights with large gradients, so
decoupling it (Loshchilov & Hutter) makes ``weight_decay`` mean the same for
every weight.
"""
import numpy as np

from ._moments import adam_options, check_adam_options, count_step, update_moments
from .optimizer import Optimizer, _apply, _buffer, _lerp_weight

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """``Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
    amsgrad=False, *, maximize=False, decoupled_weight_decay=False)``, as in
    PyTorch (``decoupled_weight_decay=True`` is AdamW)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, maximize=False, decoupled_weight_decay=False):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _check_hyperparams(self, group, index):
        check_adam_options(self, group, index)

    def _state_keys(self, group):
        keys = ["step", "exp_avg", "exp_avg_sq"]
        if group["amsgrad"]:
            keys.append("max_exp_avg_sq")
        return keys

    def _update_group(self, group, grads):
        # AdamW shrinks p itself; Adam adds the L2 term to the gradient.
        lr, beta1, beta2, eps, maximize, shrink, l2 = adam_options(group)
        amsgrad = bool(group["amsgrad"])
        for p, g in grads:
            s = self.state[p]
            step = count_step(s, p, ("exp_avg", "exp_avg_sq"))
            if amsgrad and "max_exp_avg_sq" not in s:
                s["max_exp_avg_sq"] = _buffer(p)
            # Bias corrections in double precision, in PyTorch's order.
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            step_size = lr / bias_correction1
            bias_correction2_sqrt = bias_correction2 ** 0.5
            lerp_w, lerp_c = _lerp_weight(1.0 - beta1, p._data.dtype)
            buffers = [s["exp_avg"]._data, s["exp_avg_sq"]._data,
                       s["max_exp_avg_sq"]._data if amsgrad else None]
            _apply(_adam, p, g, buffers, 3, shrink, l2, maximize, lerp_w, lerp_c, beta2,
                   bias_correction2_sqrt, eps, step_size)


class AdamW(Adam):
    """``AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
    weight_decay=1e-2, amsgrad=False, *, maximize=False)``: Adam with
    decoupled weight decay, ``p *= 1 - lr * weight_decay`` before each
    update, as in PyTorch."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)

    def load_state_dict(self, state_dict):
        """As `Optimizer.load_state_dict`; the decay stays decoupled even if
        the state was saved by `Adam` (which is what AdamW means)."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True


def _adam(p, g, bufs, tmps, shrink, l2, maximize, lerp_w, lerp_c, beta2,
          bias_correction2_sqrt, eps, step_size):
    exp_avg, exp_avg_sq, max_exp_avg_sq = bufs
    t0, t1, t2 = tmps
    g = update_moments(p, g, exp_avg, exp_avg_sq, t0, t1, shrink, l2, maximize, lerp_w, lerp_c,
                       beta2)
    second = exp_avg_sq
    if max_exp_avg_sq is not None:
        np.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        second = max_exp_avg_sq
    np.sqrt(second, out=t1)
    np.divide(t1, bias_correction2_sqrt, out=t1)
    np.add(t1, eps, out=t1)  # t1 = denom
    np.multiply(exp_avg, -step_size, out=t2)
    np.divide(t2, t1, out=t2)
    np.add(p, t2, out=p)

"""Adagrad: divide each step by the root of the sum of all squared gradients.

PyTorch's rule, operation for operation:

    g   = grad (+ weight_decay * p)
    clr = lr / (1 + (t - 1) * lr_decay)
    s   = s + g * g                       (s starts at initial_accumulator_value)
    p   = p - clr * g / (sqrt(s) + eps)

Weights whose gradients have been large so far move less; the sum only
grows, so every weight's step shrinks over training.
"""
import numpy as np

from autograd.tensor import _wrap

from .optimizer import Optimizer, _apply, _effective_grad

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad: per-weight steps divided by the root of all squared gradients so far.

    ``Adagrad(params, lr=1e-2, lr_decay=0, weight_decay=0,
    initial_accumulator_value=0, eps=1e-10, *, maximize=False)``, as in
    PyTorch (which also fills each parameter's state at construction)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, *, maximize=False):
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps,
                        maximize=maximize)
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _check_hyperparams(self, group, index):
        self._check_nonneg(group, index, "lr", "lr_decay", "weight_decay",
                           "initial_accumulator_value", "eps")

    def _state_keys(self, group):
        return ("step", "sum")

    def _init_state(self, p, group):
        """PyTorch creates the state when the optimizer is built, so a
        state dict taken before the first step already lists every
        parameter."""
        s = self.state[p]
        s["step"] = 0
        s["sum"] = _wrap(np.full(p._data.shape, group["initial_accumulator_value"],
                                 p._data.dtype))

    def _update_group(self, group, grads):
        lr = float(group["lr"])
        lr_decay = float(group["lr_decay"])
        weight_decay = float(group["weight_decay"])
        eps = float(group["eps"])
        maximize = bool(group["maximize"])
        for p, g in grads:
            s = self.state[p]
            if not s:  # a parameter of a group added after construction
                self._init_state(p, group)
            s["step"] += 1
            clr = lr / (1 + (s["step"] - 1) * lr_decay)
            _apply(_adagrad, p, g, [s["sum"]._data], 2, clr, weight_decay, eps, maximize)


def _adagrad(p, g, bufs, tmps, clr, weight_decay, eps, maximize):
    state_sum, = bufs
    t0, t1 = tmps
    g = _effective_grad(p, g, weight_decay, maximize, t0)
    np.multiply(g, g, out=t1)
    np.add(state_sum, t1, out=state_sum)
    np.sqrt(state_sum, out=t1)
    np.add(t1, eps, out=t1)  # t1 = std
    np.multiply(g, -clr, out=t0)  # g may be t0 itself: elementwise, so safe in place
    np.divide(t0, t1, out=t0)
    np.add(p, t0, out=p)

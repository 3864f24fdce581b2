"""Adadelta: Adagrad's per-weight scaling without a learning rate to tune.

PyTorch's rule, operation for operation:

    g     = grad (+ weight_decay * p)
    v     = rho * v + (1 - rho) * g * g
    delta = sqrt(u + eps) / sqrt(v + eps) * g
    u     = rho * u + (1 - rho) * delta * delta
    p     = p - lr * delta

The ratio of the two running root-mean-squares gives each step the units of
the parameter (Zeiler 2012), so ``lr=1.0`` (the default) is a sensible start.
"""
import numpy as np

from ._moments import common_options, count_step
from .optimizer import Optimizer, _apply, _effective_grad, _is_real

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta: per-weight steps from two running RMS averages, no lr to tune.

    ``Adadelta(params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *,
    maximize=False)``, PyTorch's signature and rule."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, *, maximize=False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparams(self, group, index):
        self._check_nonneg(group, index, "lr", "eps", "weight_decay")
        rho = group["rho"]
        if not _is_real(rho) or not 0 <= rho <= 1:
            raise self._bad("rho", rho, "the decay rate must be in [0, 1]", index)

    def _state_keys(self, group):
        return ("step", "square_avg", "acc_delta")

    def _update_group(self, group, grads):
        lr, eps, weight_decay, maximize = common_options(group)
        rho = float(group["rho"])
        for p, g in grads:
            s = self.state[p]
            count_step(s, p, ("square_avg", "acc_delta"))
            _apply(_adadelta, p, g, [s["square_avg"]._data, s["acc_delta"]._data], 3, lr, rho,
                   eps, weight_decay, maximize)


def _adadelta(p, g, bufs, tmps, lr, rho, eps, weight_decay, maximize):
    square_avg, acc_delta = bufs
    t0, t1, t2 = tmps
    g = _effective_grad(p, g, weight_decay, maximize, t0)
    np.multiply(square_avg, rho, out=square_avg)
    np.multiply(g, 1.0 - rho, out=t1)
    np.multiply(t1, g, out=t1)
    np.add(square_avg, t1, out=square_avg)
    np.add(square_avg, eps, out=t1)
    np.sqrt(t1, out=t1)  # t1 = std
    np.add(acc_delta, eps, out=t2)
    np.sqrt(t2, out=t2)
    np.divide(t2, t1, out=t2)
    np.multiply(t2, g, out=t2)  # t2 = delta
    np.multiply(acc_delta, rho, out=acc_delta)
    np.multiply(t2, 1.0 - rho, out=t1)
    np.multiply(t1, t2, out=t1)
    np.add(acc_delta, t1, out=acc_delta)
    np.multiply(t2, -lr, out=t2)
    np.add(p, t2, out=p)

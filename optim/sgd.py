"""Stochastic gradient descent, with momentum and Nesterov momentum.

The rule is PyTorch's, operation for operation, so a run started in
PyTorch and continued here (or the reverse) follows the same trajectory:

    g = grad (+ weight_decay * p)                      (L2 penalty)
    b = g                               on the first step
    b = momentum * b + (1 - dampening) * g             afterwards
    g = g + momentum * b  if nesterov  else  b
    p = p - lr * g

Note the buffer starts as the gradient itself, not as zeros, and ``lr``
multiplies the whole velocity (the lecture notes' ``v = mu*v - lr*g``
form differs from this one only when ``lr`` changes during training).
"""
import numpy as np

from .optimizer import Optimizer, _apply, _buffer, _effective_grad, _is_real

__all__ = ["SGD"]


class SGD(Optimizer):
    """``SGD(params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
    nesterov=False, *, maximize=False)``, PyTorch's signature and rule."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    def _check_hyperparams(self, group, index):
        self._check_nonneg(group, index, "lr", "momentum", "weight_decay")
        if not _is_real(group["dampening"]):
            raise self._bad("dampening", group["dampening"], "must be a number", index)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise self._bad("nesterov", group["nesterov"],
                            "Nesterov momentum needs momentum > 0 and dampening == 0 (got "
                            f"momentum={group['momentum']!r}, dampening={group['dampening']!r})",
                            index)

    def _state_keys(self, group):
        return ("momentum_buffer",) if group["momentum"] != 0 else ()

    def _update_group(self, group, grads):
        lr = float(group["lr"])
        momentum = float(group["momentum"])
        dampening = float(group["dampening"])
        weight_decay = float(group["weight_decay"])
        nesterov = bool(group["nesterov"])
        maximize = bool(group["maximize"])
        state = self.state
        for p, g in grads:
            if momentum != 0:
                s = state[p]
                buf = s.get("momentum_buffer")
                first = buf is None
                if first:
                    buf = _buffer(p, zero=False)
                _apply(_sgd_momentum, p, g, [buf._data], 2, lr, momentum, 1.0 - dampening,
                       weight_decay, nesterov, maximize, first)
                if first:  # stored only once filled, so a failed step leaves no state
                    s["momentum_buffer"] = buf
            else:
                _apply(_sgd_plain, p, g, [], 1, lr, weight_decay, maximize)


def _sgd_plain(p, g, bufs, tmps, lr, weight_decay, maximize):
    t = tmps[0]
    g = _effective_grad(p, g, weight_decay, maximize, t)
    np.multiply(g, -lr, out=t)
    np.add(p, t, out=p)


def _sgd_momentum(p, g, bufs, tmps, lr, momentum, keep, weight_decay, nesterov, maximize,
                  first):
    buf = bufs[0]
    t0, t1 = tmps
    g = _effective_grad(p, g, weight_decay, maximize, t0)
    if first:
        np.copyto(buf, g)  # PyTorch starts the buffer at the gradient, undamped
    else:
        np.multiply(buf, momentum, out=buf)
        if keep != 1.0:
            np.multiply(g, keep, out=t1)
            np.add(buf, t1, out=buf)
        else:
            np.add(buf, g, out=buf)
    if nesterov:
        np.multiply(buf, momentum, out=t1)
        np.add(g, t1, out=t1)
        step = t1
    else:
        step = buf
    np.multiply(step, -lr, out=t1)
    np.add(p, t1, out=p)

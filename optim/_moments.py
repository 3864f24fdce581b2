"""What the optimizers that keep running moments of the gradient share
(Adam, AdamW, NAdam, RAdam, Adamax, Adadelta, RMSprop): reading a param
group's common options, the Adam family's ``betas`` check and weight-decay
rule, and the per-parameter state that starts at the first step.

Each returns plain Python floats exactly as the optimizers computed them
inline before, so trajectories stay bit for bit PyTorch's."""
from collections import namedtuple

import numpy as np

from .optimizer import _buffer, _effective_grad, _is_real, _lerp

AdamOptions = namedtuple("AdamOptions", "lr beta1 beta2 eps maximize shrink l2")


def common_options(group):
    """``lr``, ``eps``, ``weight_decay`` and ``maximize`` of a param group,
    as the floats and bool the update kernels take."""
    return (float(group["lr"]), float(group["eps"]), float(group["weight_decay"]),
            bool(group["maximize"]))


def adam_options(group, can_decouple=True):
    """A param group's options for an Adam-family update, with the weight
    decay as PyTorch applies it: decoupled (AdamW, ``decoupled_weight_decay``)
    it is ``shrink``, a factor for ``p`` before the step (None when there is
    no decay); otherwise it is ``l2``, the coefficient of ``p`` added to the
    gradient.  ``can_decouple=False``: the optimizer has no such option
    (Adamax)."""
    lr, eps, weight_decay, maximize = common_options(group)
    beta1, beta2 = (float(b) for b in group["betas"])
    decoupled = can_decouple and bool(group["decoupled_weight_decay"])
    shrink = 1.0 - lr * weight_decay if decoupled and weight_decay != 0 else None
    l2 = 0.0 if decoupled else weight_decay
    return AdamOptions(lr, beta1, beta2, eps, maximize, shrink, l2)


def check_adam_options(opt, group, index):
    """The options the Adam family shares: ``lr``, ``eps`` and
    ``weight_decay`` >= 0, and ``betas`` a pair in [0, 1)."""
    opt._check_nonneg(group, index, "lr", "eps", "weight_decay")
    betas = group["betas"]
    try:
        b1, b2 = betas
    except (TypeError, ValueError):
        raise opt._bad("betas", betas, "expected a pair (beta1, beta2)", index) from None
    for i, b in enumerate((b1, b2)):
        if not _is_real(b) or not 0 <= b < 1:
            raise opt._bad(f"betas[{i}]", b, "each beta must be in [0, 1)", index)


def count_step(s, p, buffers, **scalars):
    """Advance parameter ``p``'s step counter in its state ``s`` and return
    the new step.  On the first step the state is created, in PyTorch's key
    order: ``step``, then ``scalars`` (e.g. NAdam's ``mu_product``), then a
    zero buffer shaped like ``p`` for each name in ``buffers``."""
    if not s:
        s["step"] = 0
        s.update(scalars)
        for name in buffers:
            s[name] = _buffer(p)
    s["step"] += 1
    return s["step"]


def update_moments(p, g, exp_avg, exp_avg_sq, t0, t1, shrink, l2, maximize, lerp_w, lerp_c,
                   beta2):
    """The start of every Adam-family step, in place and in PyTorch's
    operation order: decoupled decay (``p *= shrink``), the effective
    gradient (L2 term, sign for ``maximize``; returned, maybe in ``t0``),
    ``exp_avg = lerp(exp_avg, g, 1 - beta1)`` and
    ``exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g * g`` (``t1`` is
    scratch)."""
    if shrink is not None:
        np.multiply(p, shrink, out=p)
    g = _effective_grad(p, g, l2, maximize, t0)
    _lerp(exp_avg, g, lerp_w, lerp_c, t1)
    np.multiply(exp_avg_sq, beta2, out=exp_avg_sq)
    np.multiply(g, 1.0 - beta2, out=t1)
    np.multiply(t1, g, out=t1)
    np.add(exp_avg_sq, t1, out=exp_avg_sq)
    return g

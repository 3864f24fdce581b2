"""Training helpers that act on a model's parameters as a whole: gradient
clipping, flattening parameters to one vector and back, and the L1/L2 weight
penalties of the lecture notes' regularized costs."""
import math
import numbers

import numpy as np

from autograd import Tensor, cat, no_grad, tensor

from ..module import Module


def _as_list(parameters):
    """PyTorch's helpers take one tensor or any iterable (often a one-shot
    generator such as ``model.parameters()``); materialise it once."""
    if isinstance(parameters, Tensor):
        return [parameters]
    return list(parameters)


def _number(value, arg, fn):
    """``value`` as a float: a real number (a 0-d tensor too), or a string
    float() reads (PyTorch accepts ``norm_type='inf'``)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, str, Tensor)):
        raise TypeError(f"{fn}: {arg} must be a number, got {value!r}")
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{fn}: {arg} must be a number, got {value!r}") from None


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False):
    """Rescale all gradients together so their joint norm is at most
    ``max_norm``, which bounds the size of one step without changing its
    direction (the cure for exploding gradients).

    The norm is taken over all gradients as if concatenated into one vector;
    ``norm_type`` may be any p > 0 or ``inf`` (largest absolute entry).  When
    the scale factor ``max_norm / (total + 1e-6)`` is below 1, every gradient
    is multiplied by it in place.  Returns the total norm *before* clipping,
    as a 0-d tensor, so it can be logged.
    """
    p_norm = _number(norm_type, "norm_type", "clip_grad_norm_")
    if not (p_norm > 0):
        raise ValueError(f"clip_grad_norm_: norm_type must be positive (or inf), got {norm_type!r}")
    limit = _number(max_norm, "max_norm", "clip_grad_norm_")
    if not limit >= 0:  # also refuses NaN
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0 (or inf), got {max_norm!r}; "
                         "a negative bound would flip the gradients' sign")
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    if not grads:
        return tensor(0.0)
    arrays = [g._data for g in grads]
    dtype = np.result_type(*arrays)
    if math.isinf(p_norm):
        # np.max, not Python's max: max(1.0, nan) is 1.0, which would hide a NaN gradient
        peaks = [np.max(np.abs(a)) for a in arrays if a.size]
        total = float(np.max(peaks)) if peaks else 0.0
    else:
        per_grad = [np.linalg.norm(a.ravel(), ord=p_norm) for a in arrays]
        total = float(np.linalg.norm(np.asarray(per_grad, dtype=np.float64), ord=p_norm))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is "
            f"{total}, so they cannot be clipped. Some gradient holds NaN or Inf; find it "
            "with autograd.detect_anomaly(), or pass error_if_nonfinite=False to proceed.")
    coef = limit / (total + 1e-6)
    if not coef >= 1.0:  # also true for NaN: the NaN spreads, as in PyTorch
        with no_grad():
            for g in grads:
                g.mul_(coef)
    return tensor(total, dtype=dtype)


def clip_grad_value_(parameters, clip_value):
    """Clamp every gradient entry into ``[-clip_value, clip_value]`` in place."""
    v = _number(clip_value, "clip_value", "clip_grad_value_")
    if not v >= 0:  # also refuses NaN
        raise ValueError(f"clip_grad_value_: clip_value must be non-negative, got {clip_value!r}")
    with no_grad():
        for p in _as_list(parameters):
            if p.grad is not None:
                p.grad.copy_(np.clip(p.grad._data, -v, v))


def parameters_to_vector(parameters):
    """All parameters flattened and joined into one 1-D tensor, in order.

    Differentiable, so a function of the vector can be backpropagated to
    the parameters (e.g. for Hessian-vector products over a whole model).
    """
    params = _as_list(parameters)
    if not params:
        raise ValueError("parameters_to_vector: got no parameters")
    return cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of ``vec`` into the parameters, in place (the
    inverse of `parameters_to_vector`).  The parameter objects stay the
    same, so optimizers holding them see the new values."""
    params = _as_list(parameters)
    arr = vec._data if isinstance(vec, Tensor) else np.asarray(vec)
    if arr.ndim != 1:
        raise ValueError(f"vector_to_parameters: expected a 1-D vector, got shape {arr.shape}")
    needed = sum(p.numel() for p in params)
    if arr.shape[0] != needed:
        raise ValueError(f"vector_to_parameters: the vector has {arr.shape[0]} elements but "
                         f"the parameters hold {needed}")
    offset = 0
    with no_grad():
        for p in params:
            n = p.numel()
            p.copy_(arr[offset:offset + n].reshape(p.shape))
            offset += n


def _penalised(parameters, include_biases):
    """The tensors a weight penalty applies to.

    The notes regularize weights only (∂C/∂b is unchanged), so for a Module
    -- or ``(name, tensor)`` pairs such as ``named_parameters()`` -- entries
    named ``bias`` are skipped unless ``include_biases``.  A plain list of
    tensors is taken as given: the caller chose it.
    """
    if isinstance(parameters, Module):
        parameters = parameters.named_parameters()
    out = []
    for item in _as_list(parameters):
        if isinstance(item, tuple):
            name, t = item
            if not include_biases and name.rsplit(".", 1)[-1] == "bias":
                continue
            out.append(t)
        else:
            out.append(item)
    return out


def _total(terms):
    total = None
    for term in terms:
        total = term if total is None else total + term
    return tensor(0.0) if total is None else total


def l2_penalty(parameters, lam, n=1, include_biases=False):
    """The L2 (weight decay) term of the notes' regularized cost,
    ``(λ / 2n) · Σ_w w²``, as a differentiable tensor to add to the loss.

    Its gradient is ``(λ / n) · w``: gradient descent then rescales each
    weight by ``1 - ηλ/n`` before the usual step.  ``n`` is the training-set
    size (leave it at 1 if λ is already per-example).  ``parameters`` may be
    a Module (biases skipped), ``named_parameters()`` pairs, or tensors.
    """
    s = _total((t * t).sum() for t in _penalised(parameters, include_biases))
    return s * (lam / (2.0 * n))


def l1_penalty(parameters, lam, n=1, include_biases=False):
    """The L1 term of the notes' regularized cost, ``(λ / n) · Σ_w |w|``,
    as a differentiable tensor.

    Its gradient is ``(λ / n) · sgn(w)`` (0 at w = 0): every weight shrinks
    by a constant amount, driving small weights to exactly zero.  Arguments
    as in `l2_penalty`.
    """
    s = _total(t.abs().sum() for t in _penalised(parameters, include_biases))
    return s * (lam / float(n))


from ..utils_gradflow import GradFlow, grad_flow  # noqa: E402,F401  (re-exported)
# ---- p-rnnx (issue 11): torch.nn.utils.rnn (padding and packing sequences)
from . import rnn  # noqa: E402,F401

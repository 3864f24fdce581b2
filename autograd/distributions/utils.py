"""Helpers shared by the discrete distributions (probs/logits handling)."""
import numpy as np


def _one_of(probs, logits, name):
    if (probs is None) == (logits is None):
        raise ValueError(f"{name}: either `probs` or `logits` must be specified, but not both.")


def _clamp_probs(p):
    eps = float(np.finfo(p._data.dtype).eps)
    return p.clamp(eps, 1 - eps)


def _one_hot(index, k, like):
    return (index[..., None] == np.arange(k)).astype(like._data.dtype)

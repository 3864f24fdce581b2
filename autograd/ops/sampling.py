"""Drawing categories and coin flips: `multinomial` and `bernoulli`.

Both draw from the library generator (so `manual_seed` reproduces them),
never record a graph (a sample has no gradient with respect to its
probabilities; PyTorch's outputs do not require grad either), and check
their probabilities the way PyTorch does: a NaN, an infinity or a negative
weight is an error, never a silently skewed sample.
"""
import numpy as np

from .. import factories as _f
from ..generator import rng_arg
from .._args import int_arg
from ..errors import ArgumentError, DTypeError, ShapeError
from ..tensor import Tensor, _wrap


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Indices drawn from the categories of each row of ``input`` (1-d or
    2-d non-negative weights, not necessarily normalised): int64 of shape
    ``(num_samples,)`` or ``(rows, num_samples)``.

    Without replacement, each draw removes its category; that is the same
    distribution as taking the ``num_samples`` largest of ``log(w) +
    Gumbel noise`` (the Gumbel-top-k trick), which draws every position in
    one vectorised step.  Zero-weight categories come last, as in PyTorch,
    which returns them once the positive ones run out."""
    fn = "multinomial"
    w = _weights(input, fn)
    n = int_arg(num_samples, fn, "num_samples")
    if n <= 0:
        raise ArgumentError(f"{fn}: cannot draw num_samples={n} samples; expected at least 1")
    rows = w.reshape(-1, w.shape[-1]).astype(np.float64)
    if not replacement and n > rows.shape[1]:
        raise ArgumentError(f"{fn}: cannot draw {n} samples without replacement from "
                            f"{rows.shape[1]} categories (input shape {tuple(w.shape)})")
    totals = rows.sum(axis=1)
    if np.any(totals <= 0):
        raise ArgumentError(f"{fn}: row {int(np.argmax(totals <= 0))} of the input has weights "
                            "summing to 0; every row needs a positive weight")
    rng = rng_arg(generator, _f.generator(), fn)
    if replacement:
        # one sorted search for all rows: row i's cumulative weights, which
        # run over [0, 1], are shifted to [i, i + 1]
        r, c = rows.shape
        offsets = np.arange(r, dtype=np.float64)[:, None]
        cumulative = np.cumsum(rows / totals[:, None], axis=1)
        cumulative[:, -1] = 1.0  # rounding must not leave a gap below 1
        draws = np.searchsorted((cumulative + offsets).ravel(),
                                (rng.random((r, n)) + offsets).ravel(), side="right")
        draws = draws.reshape(r, n) - c * np.arange(r)[:, None]
    else:
        with np.errstate(divide="ignore"):
            keys = np.log(rows) + rng.gumbel(size=rows.shape)
        draws = np.argsort(-keys, axis=1, kind="stable")[:, :n]
    return _wrap(draws.astype(np.int64).reshape(w.shape[:-1] + (n,)))


def _weights(input, fn):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}: input must be a Tensor, got {type(input).__name__}")
    w = input._data
    if w.dtype.kind != "f":
        raise DTypeError(f"{fn}: input must be floating-point weights, got dtype {w.dtype}")
    if w.ndim not in (1, 2):
        raise ShapeError(f"{fn}: input must be 1-d or 2-d (one row of weights per draw), got "
                         f"shape {tuple(w.shape)}")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise ArgumentError(f"{fn}: the weights contain a NaN, an infinity or a negative value "
                            f"(first at index {tuple(int(i) for i in np.argwhere(bad)[0])})")
    return w


def bernoulli(input, p=None, *, generator=None):
    """0/1 draws, 1 with probability ``input`` elementwise (or with the
    number ``p`` for every element of ``input``'s shape), in ``input``'s
    float dtype."""
    fn = "bernoulli"
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}: input must be a Tensor, got {type(input).__name__}")
    if input._data.dtype.kind != "f":
        raise DTypeError(f"{fn}: input must be floating-point, got dtype {input._data.dtype}")
    prob = input._data if p is None else _probability(p, fn)
    if p is None:
        _check_probabilities(prob, fn, "input")
    u = rng_arg(generator, _f.generator(), fn).random(input._data.shape)
    return _wrap((u < prob).astype(input._data.dtype))


def _probability(p, fn):
    if isinstance(p, Tensor):
        p = p._data
    arr = np.asarray(p, dtype=np.float64)
    _check_probabilities(arr, fn, "p")
    return arr


def _check_probabilities(prob, fn, name):
    with np.errstate(invalid="ignore"):
        bad = ~((prob >= 0) & (prob <= 1))
    if np.any(bad):
        raise ArgumentError(f"{fn}: {name} must hold probabilities in [0, 1], got "
                            f"{prob[bad].ravel()[0] if np.ndim(prob) else prob}")


def bernoulli_(self, p=0.5, *, generator=None):
    """In place: each element becomes 1 with probability ``p`` (a number or
    a tensor broadcastable to ``self``), else 0."""
    fn = "bernoulli_"
    if self._data.dtype.kind not in "fiub":
        raise DTypeError(f"{fn}: not defined for dtype {self._data.dtype}")
    prob = _probability(p, fn)
    u = rng_arg(generator, _f.generator(), fn).random(self._data.shape)
    return self.copy_((u < prob).astype(self._data.dtype))

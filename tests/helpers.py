"""Shared strategies and value generators for the op tests.

Values come from a NumPy generator seeded by hypothesis (hypothesis picks
shapes and seeds; NumPy fills the arrays).  That keeps the examples small
and fast while hypothesis still shrinks failing shapes.  The generators here
place values where the ops being checked are smooth: away from kinks (0 for
relu/abs), away from ties (max, maximum), away from poles (log, division).
"""
import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd

# A handful of examples per property keeps each file well under a minute.
fast = settings(max_examples=20, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
medium = settings(max_examples=25, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

seeds = st.integers(min_value=0, max_value=2**32 - 1)


def shapes(min_dims=0, max_dims=3, min_side=1, max_side=4):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims,
                            min_side=min_side, max_side=max_side)


def broadcast_pairs(min_dims=0, max_dims=3, max_side=4):
    """Two shapes that broadcast together (either may be the smaller)."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=2, min_dims=min_dims, max_dims=max_dims, min_side=1,
        max_side=max_side).map(lambda b: b.input_shapes)


def rng(seed):
    return np.random.default_rng(seed)


def leaf(values, dtype=np.float64):
    """A float64 leaf that requires grad (autograd.tensor keeps NumPy dtypes)."""
    return autograd.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def normal(r, shape, scale=1.0):
    return r.standard_normal(shape) * scale


def uniform(r, shape, lo, hi):
    return r.uniform(lo, hi, size=shape)


def away_from_zero(r, shape, lo=0.25, hi=2.0):
    """Magnitudes in [lo, hi] with random signs: no kink of relu/abs/sign
    within a finite-difference step."""
    sign = np.where(r.random(shape) < 0.5, -1.0, 1.0)
    return sign * r.uniform(lo, hi, size=shape)


def positive(r, shape, lo=0.3, hi=2.0):
    return r.uniform(lo, hi, size=shape)


def distinct(r, shape, gap=0.25):
    """Values pairwise at least ``gap`` apart (no ties anywhere), in random
    order, centred on 0."""
    n = int(np.prod(shape, dtype=np.int64))
    vals = (np.arange(n) - (n - 1) / 2.0) * gap
    vals = vals + r.uniform(-0.05 * gap, 0.05 * gap, size=n)
    return r.permutation(vals).reshape(shape)


def interleaved_pair(r, shape_a, shape_b, step=0.5):
    """Two arrays whose elements can never be within 0.3*step of each other
    (a sits near multiples of ``step``, b near odd half-multiples), so
    maximum/minimum never meet a tie, after any broadcasting."""
    a = step * r.integers(-4, 5, size=shape_a) + r.uniform(-0.1, 0.1, size=shape_a) * step
    b = step * r.integers(-4, 5, size=shape_b) + step / 2 \
        + r.uniform(-0.1, 0.1, size=shape_b) * step
    return a, b


def check_grad(fn, *inputs, **kw):
    """gradcheck must succeed (it returns True or raises GradcheckError)."""
    assert autograd.gradcheck(fn, inputs, **kw) is True


def check_gradgrad(fn, *inputs, **kw):
    assert autograd.gradgradcheck(fn, inputs, **kw) is True

"""Which `numpy.random.Generator` a loader or a split draws from.

chainrule's randomness is NumPy's: a ``numpy.random.Generator`` is the
counterpart of a ``torch.Generator``.  Its ``bit_generator.state`` is a plain
dict, which is what lets a checkpoint save and restore a loader's position in
its sequence of shuffles.
"""
import numpy as np

from ...errors import ArgumentError
from ...factories import generator as library_generator


def generator_arg(generator, fn):
    """``generator`` if it is a NumPy Generator; None means the library
    generator (the one ``autograd.manual_seed`` reseeds), as PyTorch falls
    back to its default generator."""
    if generator is None:
        return library_generator()
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"{fn}(): generator must be a numpy.random.Generator (e.g. "
                        f"numpy.random.default_rng(0)) or None, got "
                        f"{type(generator).__name__} ({generator!r})")
    return generator


def seed_arg(seed, fn):
    """A seed for ``numpy.random.default_rng``: a non-negative int."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{fn}(): seed must be an int, got {type(seed).__name__} ({seed!r})")
    if seed < 0:
        raise ArgumentError(f"{fn}(): seed must be >= 0, got seed={seed}")
    return int(seed)


def child_generator():
    """A generator of its own, seeded by one draw from the library generator:
    after ``autograd.manual_seed(s)`` it is reproducible, yet drawing from it
    (shuffling) leaves the stream that initialization and dropout use alone."""
    return np.random.default_rng(int(library_generator().integers(2 ** 63)))

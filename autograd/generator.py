"""`Generator`: PyTorch's random-generator object, on NumPy's PCG64.

PyTorch programs make private random streams with
``g = torch.Generator().manual_seed(s)`` and hand ``generator=g`` to
``randn``, ``randperm``, ``nn.init`` functions, ``DataLoader`` and
``random_split``; ``torch.manual_seed`` reseeds (and returns) the default
generator every other draw uses.  Here a `Generator` *is* a
``numpy.random.Generator`` (a subclass), so every place of the library that
already draws from a NumPy generator takes one unchanged, and a plain
``numpy.random.default_rng(s)`` keeps working wherever it did.

The numbers differ from PyTorch's (another algorithm); what carries over is
the contract: the same seed gives the same numbers, independent of every
other stream, and ``set_state(get_state())`` resumes exactly.
"""
import numpy as np

from .errors import ArgumentError

# PyTorch's seed of a Generator nobody has seeded: a fresh Generator() is
# reproducible there, and is here too.
DEFAULT_SEED = 67280421310721

_SEED_RANGE = (-2 ** 63, 2 ** 64)

# get_state() layout: the PCG64 generator's 128-bit state and increment,
# then its buffered half-draw (a flag byte and a 32-bit value), little-endian.
_STATE_FIELDS = (("state", 16), ("inc", 16), ("has_uint32", 1), ("uinteger", 4))
STATE_SIZE = sum(n for _, n in _STATE_FIELDS)


class Generator(np.random.Generator):
    """A random generator (PyTorch's ``Generator``): ``manual_seed``,
    ``seed``, ``initial_seed``, ``get_state``/``set_state``, ``device``.
    Being a ``numpy.random.Generator``, it also draws NumPy's way."""

    __slots__ = ("_initial_seed",)

    def __init__(self, device="cpu"):
        _check_cpu(device)
        super().__init__(np.random.PCG64(DEFAULT_SEED))
        self._initial_seed = DEFAULT_SEED

    @property
    def device(self):
        """The CPU: the only device chainrule computes on."""
        from .device import CPU
        return CPU

    def manual_seed(self, seed):
        """Restart the stream from ``seed`` (any integer PyTorch takes; a
        negative one counts modulo 2**64); returns the generator, so
        ``Generator().manual_seed(0)`` is one expression."""
        seed = seed_arg(seed, "Generator.manual_seed", floats=False)
        self.bit_generator.state = np.random.PCG64(seed).state
        self._initial_seed = seed
        return self

    def seed(self):
        """Reseed from fresh entropy and return the seed used."""
        seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0])
        self.manual_seed(seed)
        return seed

    def initial_seed(self):
        """The seed the stream last started from."""
        return self._initial_seed

    def get_state(self):
        """The stream's position as a uint8 tensor (PyTorch's type): bytes,
        not NumPy's nested dict, so it saves wherever an array does, and
        `set_state` resumes exactly where it was taken."""
        from .tensor import Tensor
        bits = self.bit_generator.state
        values = {**bits["state"], "has_uint32": bits["has_uint32"],
                  "uinteger": bits["uinteger"]}
        raw = b"".join(int(values[name]).to_bytes(n, "little") for name, n in _STATE_FIELDS)
        return Tensor(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Resume from a `get_state` snapshot; anything else is refused
        before the stream changes.  Returns the generator."""
        set_bit_state(self, new_state, "set_state", "get_state")
        return self

    def __reduce__(self):
        return _rebuild, (self._initial_seed, self.bit_generator.state)

    def __repr__(self):
        return f"<chainrule Generator (initial_seed={self._initial_seed})>"

    __str__ = __repr__


def _rebuild(initial_seed, state):
    g = Generator()
    g.bit_generator.state = state
    g._initial_seed = initial_seed
    return g


def _check_cpu(device):
    from .device import check_device
    check_device(device, "Generator")


def seed_arg(seed, fn, floats):
    """A seed as PyTorch takes it: an integer (or one-element tensor) in
    [-2**63, 2**64), mapped into [0, 2**64).  ``torch.manual_seed``
    truncates a float (``floats=True``); ``Generator.manual_seed`` refuses
    one."""
    value = seed.item() if hasattr(seed, "item") and hasattr(seed, "_data") else seed
    if (isinstance(value, (str, bytes)) or not hasattr(value, "__int__")
            or (not floats and isinstance(value, (float, np.floating)))):
        # ArgumentError is a ValueError (torch.manual_seed's type here) and a
        # RuntimeError (Generator.manual_seed's)
        raise ArgumentError(f"{fn}(): seed must be an integer, got {type(seed).__name__} "
                            f"{seed!r}")
    seed = int(value)
    if not _SEED_RANGE[0] <= seed < _SEED_RANGE[1]:
        raise ArgumentError(f"{fn}(): seed must be in [-2**63, 2**64), got {seed}")
    return seed % 2 ** 64


def set_bit_state(rng, new_state, fn, getter):
    """Set ``rng``'s PCG64 state from a `Generator.get_state` tensor
    (``getter`` names the function the user took it from)."""
    from .tensor import Tensor
    if not isinstance(new_state, Tensor) or new_state.dtype != np.uint8:
        got = (f"a {new_state.dtype} tensor" if isinstance(new_state, Tensor)
               else type(new_state).__name__)
        raise TypeError(f"{fn}(): expected a uint8 tensor (as {getter}() returns), got {got}")
    raw = new_state._data
    if raw.ndim != 1 or raw.size != STATE_SIZE:
        raise ArgumentError(f"{fn}(): expected a state of {STATE_SIZE} bytes (shape "
                            f"({STATE_SIZE},)), got shape {tuple(raw.shape)}")
    raw, values, at = raw.tobytes(), {}, 0
    for name, n in _STATE_FIELDS:
        values[name] = int.from_bytes(raw[at:at + n], "little")
        at += n
    if values["inc"] % 2 == 0 or values["has_uint32"] not in (0, 1):
        raise ArgumentError(f"{fn}(): not a state {getter}() produced (its increment must "
                            "be odd and its flag byte 0 or 1); the generator was not changed")
    rng.bit_generator.state = {
        "bit_generator": "PCG64",
        "state": {"state": values["state"], "inc": values["inc"]},
        "has_uint32": values["has_uint32"], "uinteger": values["uinteger"]}


def rng_arg(generator, default, fn):
    """The NumPy generator to draw from: ``default`` for None, else a
    `Generator` or any ``numpy.random.Generator``."""
    if generator is None:
        return default
    if not isinstance(generator, np.random.Generator):
        raise TypeError(f"{fn}(): generator must be a Generator (e.g. "
                        f"Generator().manual_seed(0)) or None, got {type(generator).__name__} "
                        f"({generator!r})")
    return generator

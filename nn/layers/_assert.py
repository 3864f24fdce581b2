"""The exception for arguments PyTorch's layers check with ``assert``.

PyTorch raises AssertionError for, e.g., ``embed_dim`` not divisible by
``num_heads`` or a ``padding_idx`` outside the table; chainrule's argument
errors are ValueError (and RuntimeError).  This class is all three, so an
``except`` clause written for either library catches it.
"""
from autograd.errors import ArgumentError


class LayerAssertionError(ArgumentError, AssertionError):
    """A layer argument PyTorch refuses with an ``assert``."""

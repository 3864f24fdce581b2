"""Utilities outside the engine proper, under PyTorch's names (``torch.utils``)."""
from . import checkpoint, data

__all__ = ["checkpoint", "data"]

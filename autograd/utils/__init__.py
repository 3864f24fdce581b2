"""Utilities outside the engine proper, under PyTorch's names (``torch.utils``)."""
from . import data

__all__ = ["data"]

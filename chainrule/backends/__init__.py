"""``torch.backends`` as PyTorch programs use it on a CPU-only machine:
``cudnn`` and ``mps`` report themselves unavailable, and the switches
scripts set (``cudnn.benchmark``, ``cudnn.deterministic``,
``cuda.matmul.allow_tf32``) are plain attributes that change nothing --
chainrule computes every op the same deterministic way on the CPU."""
from . import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]

"""``torch.backends.cuda``: not built; ``matmul.allow_tf32`` and
``matmul.allow_fp16_reduced_precision_reduction`` are plain attributes."""
from types import SimpleNamespace

matmul = SimpleNamespace(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                         allow_bf16_reduced_precision_reduction=True)


def is_built():
    return False

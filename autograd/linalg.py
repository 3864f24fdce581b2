"""``torch.linalg``'s names (``autograd.linalg.norm``, ``inv``, ``det``,
``solve``, ``cholesky``...); the ops live in `autograd.ops.linalg`."""
from .ops.linalg import (LinAlgError, cholesky, det, inv, matrix_norm, norm, solve,
                         svdvals, vector_norm)
from .ops.linalg import diagonal as _diagonal
from .ops.matmul import matmul


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """``torch.linalg.diagonal``: the diagonal of the last two dims by default."""
    return _diagonal(A, offset, dim1, dim2)


__all__ = ["LinAlgError", "cholesky", "det", "diagonal", "inv", "matmul", "matrix_norm",
           "norm", "solve", "svdvals", "vector_norm"]

# ---- h-ops2 (issue 11): cross, slogdet, pinv, svd, matrix_power
from .ops.linalg_extra import linalg_cross as cross, linalg_svd as svd  # noqa: E402
from .ops.linalg_extra import matrix_power, pinv, slogdet  # noqa: E402
__all__ += ["cross", "matrix_power", "pinv", "slogdet", "svd"]

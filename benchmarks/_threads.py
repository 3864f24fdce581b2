"""Import first in every benchmark: one compute thread for NumPy's BLAS and
for PyTorch.

On a 2-core machine, OpenBLAS's and PyTorch's worker pools both spin-wait
between calls; interleaving the two libraries in one process then makes
each slow the other by up to 10x, and the ratio measures contention, not
the libraries.  With one thread each the comparison is stable and isolates
what the frameworks add on top of the same kind of GEMM.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

try:
    import torch
    torch.set_num_threads(1)
except ImportError:  # PyTorch is an optional reference
    torch = None

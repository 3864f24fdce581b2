"""Process-level facts PyTorch programs query: ``__version__`` and the
number of threads (``set_num_threads``/``get_num_threads``)."""
import importlib.metadata
import os
import re
import warnings

_UNKNOWN_VERSION = "0+unknown"


def package_version():
    """The installed distribution's version; from a source checkout that
    is not installed, the version its pyproject.toml declares; failing
    both, '0+unknown' (a valid version that says so)."""
    try:
        return importlib.metadata.version("chainrule")
    except importlib.metadata.PackageNotFoundError:
        return _checkout_version()


def _checkout_version():
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "pyproject.toml")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return _UNKNOWN_VERSION
    project = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    found = project and re.search(r'^version\s*=\s*"([^"]+)"', project.group(1), re.M)
    return found.group(1) if found else _UNKNOWN_VERSION


# ------------------------------------------------------------------ threads
_requested = [None]  # what set_num_threads recorded when it could not apply it


def _threadpoolctl():
    """threadpoolctl if it is installed (scikit-learn brings it), else None."""
    try:
        import threadpoolctl
    except ImportError:
        return None
    return threadpoolctl


def _blas_threads(tpc):
    """The BLAS thread counts threadpoolctl sees in this process."""
    return [lib["num_threads"] for lib in tpc.threadpool_info() if lib["user_api"] == "blas"]


def set_num_threads(n):
    """Set how many threads NumPy's BLAS (matrix products, the bulk of the
    work) may use.  This needs threadpoolctl; without it, NumPy's BLAS keeps
    the thread count it chose at import (set ``OMP_NUM_THREADS`` before
    starting Python instead), so the number is only recorded -- what
    `get_num_threads` then returns -- and a RuntimeWarning says so."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"set_num_threads(): expected an int, got {type(n).__name__} ({n!r})")
    if n <= 0:
        raise ValueError(f"set_num_threads(): expected a positive number of threads, got {n}")
    tpc = _threadpoolctl()
    if tpc is not None and _blas_threads(tpc):
        tpc.threadpool_limits(limits=n, user_api="blas")
        return
    _requested[0] = n
    warnings.warn(f"set_num_threads({n}): recorded, but not applied: changing NumPy's BLAS "
                  "thread count needs threadpoolctl (pip install threadpoolctl); set "
                  "OMP_NUM_THREADS before starting Python instead", RuntimeWarning,
                  stacklevel=2)


def get_num_threads():
    """How many threads NumPy's BLAS may use, as threadpoolctl reports it
    (the largest count if several BLAS libraries are loaded).  Without
    threadpoolctl: the number `set_num_threads` recorded, else the count
    from ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS``/``MKL_NUM_THREADS``,
    else the number of CPUs (what OpenBLAS and MKL start with)."""
    tpc = _threadpoolctl()
    counts = _blas_threads(tpc) if tpc is not None else []
    if counts:
        return max(counts)
    if _requested[0] is not None:
        return _requested[0]
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(var, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return os.cpu_count() or 1

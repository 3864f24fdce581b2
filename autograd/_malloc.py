"""Keep large freed arrays in the heap for reuse (glibc only).

A training step allocates and frees the same multi-megabyte arrays over and
over (im2col columns, activations, their gradients).  glibc serves blocks
above its mmap threshold with fresh ``mmap`` pages, so every step pays a
page fault per 4 KiB touched -- about 2 ms of a 14 ms LeNet step here.
Raising the mmap threshold to glibc's maximum (32 MiB) and the trim
threshold so freed memory is not handed back at once makes those blocks
come from the heap instead: the same trade PyTorch's caching allocator
makes (the process keeps its peak memory).

Set ``CHAINRULE_MALLOC_TUNING=0`` to leave the allocator alone.
"""
import ctypes
import ctypes.util
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's largest allowed value on 64-bit
_TRIM_THRESHOLD = 512 * 1024 * 1024


def tune():
    """Returns True if the thresholds were set."""
    if os.environ.get("CHAINRULE_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to tune
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and \
        bool(mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))


tuned = tune()

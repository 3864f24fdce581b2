"""Atomic file replacement, shared by checkpoints and weight files.

The file is written to a temporary file in the destination's directory
(same filesystem, so the final rename is atomic), flushed and fsync'ed to
disk, then renamed over the destination with ``os.replace``.  A crash or an
exception at any point before the rename leaves the previous file exactly
as it was, and the temporary file is removed on an exception.
"""
import os
import tempfile

__all__ = ["atomic_write"]


def atomic_write(path, write):
    """Call ``write(binary_file)`` and make its output ``path``'s new
    content in one step.  Returns ``path`` as a string."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            os.chmod(tmp, _final_mode(path))
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _sync_directory(directory)
    return path


def _final_mode(path):
    """The permissions a plain ``open(path, "w")`` would give (mkstemp's
    are owner-only): the old file's, or the default under the umask."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _remove_quietly(tmp):
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass


def _sync_directory(directory):
    """Persist the rename itself (POSIX); not possible on Windows."""
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Run notebooks top to bottom and store their outputs, the way CI runs them.

    python notebooks/execute.py                      # every notebook here
    python notebooks/execute.py 03_mlp_digits.ipynb  # some of them

Each notebook runs in a fresh kernel (this interpreter's, so the venv's
chainrule) with ``notebooks/`` as the working directory, and is written
back atomically with its new outputs.  ``tests/test_notebooks.py`` runs them
the same way and compares what they print with what is stored, so a
notebook whose code changed without re-running this fails the suite.
"""
import glob
import os
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

HERE = os.path.dirname(os.path.abspath(__file__))
CELL_TIMEOUT = 600  # seconds; a notebook is meant to finish in well under a minute


def notebook_paths(names=()):
    if names:
        return [os.path.join(HERE, os.path.basename(n)) for n in names]
    return sorted(glob.glob(os.path.join(HERE, "[0-9][0-9]_*.ipynb")))


def execute(path):
    """The notebook at ``path`` run in a fresh kernel; returns the executed
    notebook (the file is not touched)."""
    nb = nbformat.read(path, as_version=4)
    # one BLAS thread: stable run times on a shared machine, and sums in one order
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline",
               PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    # coalesce_streams: a cell's prints are stored as one output, however the
    # kernel chunked them in time
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": HERE}}, coalesce_streams=True)
    client.execute(env=env)
    return nb


def write_atomically(nb, path):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".ipynb.tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(names):
    for path in notebook_paths(names):
        print("executing", os.path.relpath(path), flush=True)
        write_atomically(execute(path), path)


if __name__ == "__main__":
    main(sys.argv[1:])

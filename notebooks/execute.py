"""Run notebooks top to bottom and store their outputs, the way CI runs them.

    python notebooks/execute.py                      # every notebook here
    python notebooks/execute.py 03_mlp_digits.ipynb  # some of them
    python notebooks/execute.py --mark-varying       # ... and tag machine-dependent cells

Each notebook runs in a fresh kernel (this interpreter's, so the venv's
chainrule) with ``notebooks/`` as the working directory, one BLAS thread,
and is written back atomically with its outputs and a hash of its code.

``tests/test_notebooks.py`` checks three things with the helpers here: the
stored outputs come from the current code (the hash), a fresh run raises
nothing, and it prints the same text (numbers within ``RTOL``).  Text that
depends on the machine -- a long training run amplifies a different
summation order into different digits -- is not compared: such cells carry
the tag ``outputs-vary``.  ``--mark-varying`` finds them by running each
notebook a second time with two BLAS threads (another summation order) and
tagging every cell whose text changed.
"""
import glob
import hashlib
import math
import os
import re
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

HERE = os.path.dirname(os.path.abspath(__file__))
CELL_TIMEOUT = 600  # seconds; a notebook is meant to finish in well under a minute
VARY = "outputs-vary"
RTOL = 1e-3
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def notebook_paths(names=()):
    if names:
        return [os.path.join(HERE, os.path.basename(n)) for n in names]
    return sorted(glob.glob(os.path.join(HERE, "[0-9][0-9]_*.ipynb")))


def execute(path, blas_threads=1):
    """The notebook at ``path`` run in a fresh kernel; returns the executed
    notebook (the file is not touched)."""
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline",
               PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS=str(blas_threads),
               OMP_NUM_THREADS=str(blas_threads))
    # coalesce_streams: a cell's prints are stored as one output, however the
    # kernel chunked them in time
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": HERE}}, coalesce_streams=True)
    client.execute(env=env)
    nb.metadata["chainrule"] = {"code_sha256": code_hash(nb)}
    return nb


# ------------------------------------------------------------- comparing
def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def code_hash(nb):
    """What the stored outputs were produced from."""
    return hashlib.sha256("\0".join(c.source for c in code_cells(nb)).encode()).hexdigest()


def texts(cell):
    """What a cell printed or returned, as text (pictures and HTML aside)."""
    out = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            if out and out[-1][0] == o.name:  # one print may arrive in several chunks
                out[-1] = (o.name, out[-1][1] + o.text)
            else:
                out.append((o.name, o.text))
        elif o.output_type in ("execute_result", "display_data") and "text/plain" in o.data:
            if not ({"image/png", "image/svg+xml", "text/html"} & set(o.data)):
                out.append(("result", o.data["text/plain"]))
    return out


def same_text(a, b):
    """Equal apart from numbers within ``RTOL`` and object addresses."""
    a, b = _ADDRESS.sub("", a), _ADDRESS.sub("", b)
    if _NUMBER.split(a) != _NUMBER.split(b):
        return False
    x, y = _NUMBER.findall(a), _NUMBER.findall(b)
    return len(x) == len(y) and all(
        math.isclose(float(p), float(q), rel_tol=RTOL, abs_tol=1e-9) for p, q in zip(x, y))


def same_outputs(cell_a, cell_b):
    a, b = texts(cell_a), texts(cell_b)
    return [k for k, _ in a] == [k for k, _ in b] and all(
        same_text(x, y) for (_, x), (_, y) in zip(a, b))


def mark_varying(nb, other):
    """Tag the cells of ``nb`` whose text differs in ``other`` (the same
    notebook run with another summation order); returns their numbers."""
    marked = []
    for i, (cell, twin) in enumerate(zip(code_cells(nb), code_cells(other)), 1):
        tags = cell.metadata.setdefault("tags", [])
        if VARY not in tags and not same_outputs(cell, twin):
            tags.append(VARY)
            marked.append(i)
    return marked


# --------------------------------------------------------------- writing
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


def main(argv):
    varying = "--mark-varying" in argv
    names = [a for a in argv if a != "--mark-varying"]
    for path in notebook_paths(names):
        print("executing", os.path.relpath(path), flush=True)
        nb = execute(path)
        if varying:
            marked = mark_varying(nb, execute(path, blas_threads=2))
            if marked:
                print(f"  tagged {VARY}: code cells {marked}")
        write_atomically(nb, path)


if __name__ == "__main__":
    main(sys.argv[1:])

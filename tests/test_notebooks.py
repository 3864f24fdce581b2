"""The notebooks: each committed with its outputs, none of them an error,
the outputs made from the code as it is now, and each still producing what
it shows -- it is re-executed here in a fresh kernel (which fails on any
error) and its printed text compared with the stored text, numbers within a
relative 1e-3.  Cells tagged ``outputs-vary`` (their digits depend on the
machine's summation order, found by ``execute.py --mark-varying``) must run
but are not compared.  After changing a notebook: ``python
notebooks/execute.py NN_name.ipynb``."""
import os
import sys

import nbformat
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "notebooks"))
import execute  # noqa: E402  (notebooks/execute.py: how notebooks are run and compared)

NOTEBOOKS = execute.notebook_paths()
EXPECTED = ["01_neuron_and_backprop", "02_gradient_checking", "03_mlp_digits",
            "04_regularization", "05_optimizers", "06_cnn", "07_vanishing_gradients",
            "08_second_order"]


def ids(paths):
    return [os.path.basename(p)[:-6] for p in paths]


def test_all_eight_notebooks_are_there():
    assert ids(NOTEBOOKS) == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_committed_with_outputs_from_the_current_code_and_no_errors(path):
    name = os.path.basename(path)
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("chainrule", {}).get("code_sha256") == execute.code_hash(nb), \
        f"{name}: its code changed since its outputs were stored: run notebooks/execute.py"
    cells = execute.code_cells(nb)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1)), \
        f"{name} was not run top to bottom in one go: run notebooks/execute.py"
    errors = [o for c in cells for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name} has stored errors: {errors[0].ename}"
    pictures = [o for c in cells for o in c.outputs
                if o.output_type in ("display_data", "execute_result")
                and {"image/png", "image/svg+xml"} & set(o.data)]
    assert pictures, f"{name} shows no picture"
    first = cells[0].source
    assert "pip install" in first and "ImportError" in first, \
        f"{name}: the first cell must say how to install chainrule when it is missing"


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_runs_and_still_prints_what_it_shows(path):
    stored = nbformat.read(path, as_version=4)
    fresh = execute.execute(path)  # raises CellExecutionError on any error
    for i, (old, new) in enumerate(zip(execute.code_cells(stored), execute.code_cells(fresh))):
        if execute.VARY in old.metadata.get("tags", []):
            continue
        assert execute.same_outputs(old, new), (
            f"{os.path.basename(path)}, code cell {i + 1}: the stored output is not what the "
            f"code prints now (run notebooks/execute.py)\n--- stored:\n{execute.texts(old)}"
            f"\n--- now:\n{execute.texts(new)}")


def test_same_text_tolerates_rounding_and_addresses_but_not_other_changes():
    assert execute.same_text("loss 0.12345 at 0x7f00", "loss 0.12346 at 0x7fab")
    assert not execute.same_text("loss 0.1234", "loss 0.1334")
    assert not execute.same_text("acc 97%", "accuracy 97%")

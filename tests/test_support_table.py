"""The README's support table is what the code supports, not a list typed
by hand."""
import pytest

from chainrule import support


def test_the_readme_table_is_the_generated_one():
    with open(support.readme_path(), encoding="utf-8") as f:
        text = f.read()
    assert support.replace_in(text) == text, \
        "README.md's support table is stale: run python -m chainrule.support --write"


def test_the_table_lists_what_exists_and_only_that():
    rows = dict(support.sections())
    assert "Linear" in rows["`nn` layers"] and "CrossEntropyLoss" in rows["`nn` losses"]
    assert "CrossEntropyLoss" not in rows["`nn` layers"]
    assert "Adam" in rows["`optim`"] and "Optimizer" not in rows["`optim`"]
    assert "tensor" not in rows["`nn.utils`"]  # imported there, not defined there
    import autograd
    for name in rows["tensor functions (`autograd.*`, also `chainrule.*`)"]:
        assert callable(getattr(autograd, name))


def test_missing_markers_are_named():
    with pytest.raises(ValueError, match="support-table markers"):
        support.replace_in("# a README without the table\n")

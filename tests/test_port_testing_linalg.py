"""``torch.linalg`` and ``torch.testing.assert_close`` through the facade:
ported code and ported test suites reach for both."""
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import autograd
import chainrule
from chainrule.testing import assert_close

ROOT = Path(__file__).resolve().parents[1]


def test_linalg_is_the_librarys_module_in_every_import_form():
    code = textwrap.dedent("""
        import chainrule as torch
        import chainrule.linalg as LA
        from chainrule.linalg import norm
        import autograd.linalg
        assert LA is autograd.linalg and torch.linalg is LA and norm is LA.norm
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
    assert chainrule.linalg.det(chainrule.eye(3)).item() == 1.0


def t(values, dtype=np.float32):
    return autograd.tensor(np.asarray(values, dtype=dtype))


@pytest.mark.parametrize("dtype,rtol,atol", [(np.float32, 1.3e-6, 1e-5),
                                             (np.float64, 1e-7, 1e-7)])
def test_default_tolerances_follow_the_dtype(dtype, rtol, atol):
    expected = t([0.0, 1.0, 100.0], dtype)
    inside = 0.5 * (atol + rtol * np.array([0.0, 1.0, 100.0]))
    assert_close(t(expected.numpy() + inside, dtype), expected)
    outside = 3.0 * (atol + rtol * np.array([0.0, 1.0, 100.0]))
    with pytest.raises(AssertionError, match=r"3 of 3 elements \(100.0%\)"):
        assert_close(t(expected.numpy() + outside, dtype), expected)


def test_report_names_the_worst_element_and_the_item():
    with pytest.raises(AssertionError) as err:
        assert_close({"w": [t([1.0, 2.0]), t([3.0, 4.0, 5.0])]},
                     {"w": [t([1.0, 2.0]), t([3.0, 4.5, 5.0])]})
    message = str(err.value)
    assert "1 of 3 elements" in message and "index (1,)" in message
    assert "item ['w'][1]" in message and "0.5" in message


def test_shapes_dtypes_lengths_and_keys_must_match():
    with pytest.raises(AssertionError, match=r"shapes differ: \(2,\) and \(3,\)"):
        assert_close(t([1.0, 2.0]), t([1.0, 2.0, 3.0]))
    with pytest.raises(AssertionError, match="dtypes differ: float32 and float64"):
        assert_close(t([1.0]), t([1.0], np.float64))
    assert_close(t([1.0]), t([1.0], np.float64), check_dtype=False)
    with pytest.raises(AssertionError, match="lengths differ: 1 and 2"):
        assert_close([t([1.0])], [t([1.0]), t([1.0])])
    with pytest.raises(AssertionError, match="keys differ"):
        assert_close({"a": t([1.0])}, {"b": t([1.0])})


def test_nan_and_infinity():
    assert_close(t([np.inf, -np.inf]), t([np.inf, -np.inf]))
    with pytest.raises(AssertionError):
        assert_close(t([np.inf]), t([-np.inf]))
    with pytest.raises(AssertionError):
        assert_close(t([np.nan]), t([np.nan]))
    assert_close(t([np.nan, 1.0]), t([np.nan, 1.0]), equal_nan=True)


def test_integers_are_compared_exactly_and_explicit_tolerances_apply():
    with pytest.raises(AssertionError):
        assert_close(t([1, 2], np.int64), t([1, 3], np.int64))
    assert_close(t([1.0]), t([1.1]), rtol=0.0, atol=0.2)
    with pytest.raises(ValueError, match="rtol and atol"):
        assert_close(t([1.0]), t([1.0]), rtol=0.1)


def test_custom_message():
    with pytest.raises(AssertionError, match="^mine$"):
        assert_close(t([1.0]), t([2.0]), msg="mine")
    with pytest.raises(AssertionError, match="^prefix: assert_close"):
        assert_close(t([1.0]), t([2.0]), msg=lambda m: "prefix: " + m)


def test_agrees_with_pytorch_on_pass_or_fail():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for _ in range(200):
        dtype = rng.choice([np.float32, np.float64])
        e = rng.normal(size=5).astype(dtype)
        a = (e + rng.normal(size=5) * 10.0 ** rng.uniform(-9, -3)).astype(dtype)
        ours = theirs = True
        try:
            assert_close(autograd.tensor(a), autograd.tensor(e))
        except AssertionError:
            ours = False
        try:
            torch.testing.assert_close(torch.from_numpy(a), torch.from_numpy(e))
        except AssertionError:
            theirs = False
        assert ours == theirs, (a, e)

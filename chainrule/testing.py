"""``torch.testing``: `assert_close`, so ported test suites run unchanged.

The rule is PyTorch's: ``|actual - expected| <= atol + rtol * |expected|``
elementwise, with tolerances chosen by dtype when neither is given, the
same shape and (by default) the same dtype, infinities equal only to
themselves and NaN equal to NaN only with ``equal_nan=True``.  Sequences
and mappings are compared item by item, and a failure names the path to
the item (``item [1]['w']``), the number of mismatched elements and the
worst one.
"""
from collections.abc import Mapping, Sequence

import numpy as np

from autograd import Tensor

# dtype -> (rtol, atol) when neither is given (PyTorch's defaults)
_DEFAULT_TOLERANCES = {
    np.dtype(np.float16): (1e-3, 1e-5),
    np.dtype(np.float32): (1.3e-6, 1e-5),
    np.dtype(np.float64): (1e-7, 1e-7),
    np.dtype(np.complex64): (1.3e-6, 1e-5),
    np.dtype(np.complex128): (1e-7, 1e-7),
}


def assert_close(actual, expected, *, allow_subclasses=True, rtol=None, atol=None,
                 equal_nan=False, check_device=True, check_dtype=True, check_layout=True,
                 check_stride=False, msg=None):
    """Raise ``AssertionError`` unless ``actual`` and ``expected`` are close
    (tensors, arrays, numbers, or sequences/mappings of them)."""
    if (rtol is None) != (atol is None):
        raise ValueError("assert_close: give both rtol and atol, or neither "
                         f"(got rtol={rtol}, atol={atol})")
    _compare(actual, expected, "", dict(rtol=rtol, atol=atol, equal_nan=equal_nan,
                                        check_dtype=check_dtype, msg=msg))


def _compare(actual, expected, path, opts):
    if isinstance(actual, Mapping) and isinstance(expected, Mapping):
        if set(actual) != set(expected):
            _fail(f"the keys differ: {sorted(map(str, actual))} and "
                  f"{sorted(map(str, expected))}", path, opts)
        for key in actual:
            _compare(actual[key], expected[key], f"{path}[{key!r}]", opts)
        return
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            _fail(f"the lengths differ: {len(actual)} and {len(expected)}", path, opts)
        for i, (a, e) in enumerate(zip(actual, expected)):
            _compare(a, e, f"{path}[{i}]", opts)
        return
    _compare_values(_as_array(actual, path), _as_array(expected, path), path, opts)


def _is_sequence(x):
    return isinstance(x, Sequence) and not isinstance(x, (str, bytes))


def _as_array(x, path):
    if isinstance(x, Tensor):
        return x.detach().numpy()
    if isinstance(x, (np.ndarray, np.generic, bool, int, float, complex)):
        return np.asarray(x)
    raise ValueError(f"assert_close: cannot compare an object of type {type(x).__name__}"
                     f"{_where(path)}; expected tensors, arrays, numbers, or sequences or "
                     "mappings of them")


def _compare_values(a, e, path, opts):
    if a.shape != e.shape:
        _fail(f"the shapes differ: {a.shape} and {e.shape}", path, opts)
    if opts["check_dtype"] and a.dtype != e.dtype:
        _fail(f"the dtypes differ: {a.dtype} and {e.dtype}", path, opts)
    dtype = np.result_type(a, e)
    rtol, atol = opts["rtol"], opts["atol"]
    if rtol is None:
        rtol, atol = max((_DEFAULT_TOLERANCES.get(d, (0.0, 0.0)) for d in (a.dtype, e.dtype)),
                         key=lambda tol: tol[0])
    if dtype.kind not in "fc":
        bad = a != e
        diff = np.abs(a.astype(np.float64) - e.astype(np.float64))
    else:
        a, e = a.astype(dtype), e.astype(dtype)
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(a - e)
            close = (diff <= atol + rtol * np.abs(e)) & np.isfinite(a) & np.isfinite(e)
        same = a == e  # an infinity is close only to itself
        if opts["equal_nan"]:
            same |= np.isnan(a) & np.isnan(e)
        bad = ~(close | same)
    if bad.any():
        _fail(_mismatch_report(bad, diff, e, rtol, atol), path, opts)


def _mismatch_report(bad, diff, expected, rtol, atol):
    n_bad, n = int(bad.sum()), bad.size
    worst_abs = np.where(bad, np.nan_to_num(diff, nan=np.inf), -1.0)
    idx = np.unravel_index(int(np.argmax(worst_abs)), bad.shape) if bad.ndim else ()
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(diff / np.abs(expected))
    return (f"not close: {n_bad} of {n} elements ({100.0 * n_bad / n:.1f}%) differ by more "
            f"than atol + rtol * |expected| (atol={atol}, rtol={rtol}); the largest absolute "
            f"difference is {diff[idx]} at index {tuple(int(i) for i in idx)}, where the "
            f"relative difference is {rel[idx]}")


def _where(path):
    return f" at item {path}" if path else ""


def _fail(reason, path, opts):
    text = f"assert_close: {reason}{_where(path)}"
    msg = opts["msg"]
    if callable(msg):
        text = msg(text)
    elif msg is not None:
        text = msg
    raise AssertionError(text)

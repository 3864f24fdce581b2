"""How tensors print: PyTorch's ``set_printoptions``/``get_printoptions``.

The options are process-wide, as PyTorch's are, and every ``repr`` of a
tensor reads them: ``precision`` (digits after the point), ``threshold``
(elements beyond which the middle is summarized with ``...``),
``edgeitems`` (what a summary keeps at each end), ``linewidth`` and
``sci_mode`` (True: always scientific, False: never, None: NumPy decides,
which like PyTorch switches for very large or widely spread values).
"""
import math
import sys

import numpy as np

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

_options = {**_PROFILES["default"], "sci_mode": None}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set how tensors print.  ``profile`` ('default', 'short', 'full')
    sets the four sizes first; the other arguments then override it.  As in
    PyTorch, ``sci_mode`` is set by every call (omitting it means None,
    automatic).  Arguments are checked before anything changes."""
    new = dict(_options)
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions(): profile must be one of "
                             f"{', '.join(map(repr, _PROFILES))}, got {profile!r}")
        new.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            new[name] = _count_arg(value, name)
    if threshold is not None:
        new["threshold"] = (math.inf if threshold == math.inf
                            else _count_arg(threshold, "threshold"))
    if sci_mode is not None and not isinstance(sci_mode, bool):
        raise TypeError(f"set_printoptions(): sci_mode must be True, False or None, got "
                        f"{sci_mode!r}")
    new["sci_mode"] = sci_mode
    _options.update(new)


def _count_arg(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise TypeError(f"set_printoptions(): {name} must be a non-negative int, got "
                        f"{value!r}")
    return int(value)


def get_printoptions():
    """The current print options, as a dict (a copy)."""
    return dict(_options)


def _float_mode(data):
    """PyTorch's rule: floats that are all whole numbers print as ``1.``,
    otherwise every element gets ``precision`` digits (``0.2500``, not
    NumPy's shortest ``0.25``)."""
    if data.dtype.kind not in "fc" or data.size == 0:
        return "maxprec_equal"
    with np.errstate(invalid="ignore"):
        parts = data.view(data.real.dtype) if data.dtype.kind == "c" else data
        finite = parts[np.isfinite(parts)]
    return "maxprec_equal" if np.all(finite == np.round(finite)) else "fixed"


def array_text(data, prefix):
    """``data`` as the body of a tensor's repr under the current options."""
    opts = _options
    threshold = opts["threshold"]
    kwargs = {}
    if opts["sci_mode"] is not None and data.dtype.kind == "f":
        digits = opts["precision"]
        fmt = np.format_float_scientific if opts["sci_mode"] else np.format_float_positional
        kwargs["formatter"] = {"float_kind": lambda x: fmt(x, precision=digits, unique=False)}
    return np.array2string(
        data, max_line_width=opts["linewidth"], precision=opts["precision"], separator=", ",
        prefix=prefix, floatmode=_float_mode(data), edgeitems=opts["edgeitems"],
        # NumPy's threshold is an int: 'never summarize' is the largest one
        threshold=sys.maxsize if threshold == math.inf else threshold, **kwargs)

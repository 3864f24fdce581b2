"""Compact value formatting and plain text / HTML tables for the teaching
tools (`trace_backward`, `check_graph`).

Both print the same way in a terminal and in Jupyter, so the rendering is
shared: a table is a header plus rows of cell strings; text output pads the
columns, HTML output escapes every cell.  No pandas: the tools must work in
the bare install.
"""
import html

import numpy as np

SMALL = 6          # tensors with at most this many elements are shown inline
DIGITS = 4         # significant digits of a shown number


def fmt_number(x, digits=DIGITS):
    """A number with ``digits`` significant digits, without noise such as
    ``-0`` or a trailing ``.0``."""
    x = float(x)
    if x == 0:
        return "0"
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.{digits}g}"


def fmt_value(value, digits=DIGITS):
    """A scalar as a number, a small array inline (nested brackets), a large
    one as a summary: shape, mean, std and norm."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    a = np.asarray(value)
    if a.dtype.kind == "b":
        a = a.astype(np.int8)
    if a.size == 1 and a.ndim <= 1:
        return fmt_number(a.reshape(()), digits)
    if a.size <= SMALL:
        return _inline(a, digits)
    f = a.astype(np.float64)
    return (f"{_shape(a.shape)} mean={fmt_number(f.mean(), digits)} "
            f"std={fmt_number(f.std(), digits)} norm={fmt_number(np.linalg.norm(f), digits)}")


def _inline(a, digits):
    if a.ndim == 0:
        return fmt_number(a, digits)
    return "[" + ", ".join(_inline(s, digits) for s in a) + "]"


def _shape(shape):
    return "(" + ", ".join(str(n) for n in shape) + ")"


def fmt_shape(shape):
    """``(2, 3)``; a 0-d shape is ``()``."""
    return _shape(tuple(shape))


def text_table(header, rows):
    """Columns padded to their widest cell; a rule under the header.  A cell
    may hold several lines: the row then spans that many lines."""
    split = [[str(c).split("\n") for c in row] for row in [header] + list(rows)]
    widths = [max(len(line) for row in split for line in row[i]) for i in range(len(header))]
    out = []
    for k, row in enumerate(split):
        height = max(len(c) for c in row)
        for j in range(height):
            cells = [(c[j] if j < len(c) else "").ljust(w) for c, w in zip(row, widths)]
            out.append("  ".join(cells).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def html_table(header, rows, caption=None, footer=()):
    """An HTML table, every cell escaped; multi-line cells keep their breaks."""
    def cell(tag, c):
        return f"<{tag}>" + html.escape(str(c)).replace("\n", "<br>") + f"</{tag}>"
    parts = ["<table style=\"font-family: monospace; text-align: left\">"]
    if caption:
        parts.append(f"<caption style=\"text-align: left\">{html.escape(caption)}</caption>")
    parts.append("<tr>" + "".join(cell("th", h) for h in header) + "</tr>")
    for row in rows:
        parts.append("<tr>" + "".join(cell("td", c) for c in row) + "</tr>")
    parts.append("</table>")
    for line in footer:
        parts.append("<div style=\"font-family: monospace\">" + html.escape(line) + "</div>")
    return "\n".join(parts)

"""Colours for ``color_by``: gradient norms on a log scale, or top-level
modules, each with a legend drawn as a small cluster.

The gradient palette is fixed and sequential (viridis, dark = small), so a
vanishing gradient reads as "dark at the input end" in any picture and two
pictures can be compared by eye; the legend gives the norm range of each
colour for this picture.
"""
import math

NO_GRAD = "#d9d9d9"
NON_FINITE = "#e31a1c"
GRAD_PALETTE = ("#440154", "#46327e", "#365c8d", "#277f8e",
                "#1fa187", "#4ac16d", "#a0da39", "#fde725")
_DARK = frozenset(GRAD_PALETTE[:5])
MODULE_PALETTE = ("#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3",
                  "#fdb462", "#b3de69", "#fccde5", "#bc80bd", "#ccebc5")


def font_for(fill):
    """White text on the dark end of the palette, black elsewhere."""
    return "white" if fill in _DARK else "black"


class GradScale:
    """Log-scale bins between the smallest and largest finite positive norm
    of the picture; a zero norm takes the darkest colour, a non-finite one
    red."""

    def __init__(self, norms):
        finite = [v for v in norms if v is not None and math.isfinite(v) and v > 0]
        self.lo = math.log10(min(finite)) if finite else 0.0
        self.hi = math.log10(max(finite)) if finite else 0.0
        self.has_zero = any(v == 0 for v in norms if v is not None)
        self.has_none = any(v is None for v in norms)
        self.has_bad = any(v is not None and not math.isfinite(v) for v in norms)
        # two colours per decade, at most the palette: equal colours mean
        # norms within a factor of about 3
        self.bins = min(len(GRAD_PALETTE), max(1, math.ceil((self.hi - self.lo) * 2)))
        self.used = set()

    def color(self, norm):
        if norm is None:
            return NO_GRAD
        if not math.isfinite(norm):
            return NON_FINITE
        if norm <= 0:
            return GRAD_PALETTE[0]
        b = self._bin(math.log10(norm))
        self.used.add(b)
        return GRAD_PALETTE[self._spread(b)]

    def _bin(self, log):
        if self.bins == 1:
            return 0
        b = int((log - self.lo) / (self.hi - self.lo) * self.bins)
        return min(max(b, 0), self.bins - 1)

    def _spread(self, b):
        """With one bin, use the middle of the palette rather than its darkest."""
        return b if self.bins > 1 else len(GRAD_PALETTE) // 2

    def legend(self):
        """``(fill, text)`` rows for the colours this picture uses."""
        rows = [(GRAD_PALETTE[0], "0")] if self.has_zero else []
        width = (self.hi - self.lo) / self.bins
        for b in sorted(self.used):
            lo = self.lo + b * width
            text = (f"{_sci(10 ** lo)} .. {_sci(10 ** (lo + width))}" if self.bins > 1
                    else _sci(10 ** lo))
            rows.append((GRAD_PALETTE[self._spread(b)], text))
        if self.has_bad:
            rows.append((NON_FINITE, "inf / nan"))
        if self.has_none:
            rows.append((NO_GRAD, "no gradient"))
        return rows


def _sci(x):
    return format(x, ".2g")


class ModuleColors:
    """One colour per top-level module path (cycled after ten)."""

    def __init__(self):
        self.index = {}

    def color(self, path):
        if path is None:
            return NO_GRAD
        k = self.index.setdefault(path, len(self.index))
        return MODULE_PALETTE[k % len(MODULE_PALETTE)]

    def legend(self):
        rows = [(MODULE_PALETTE[k % len(MODULE_PALETTE)], path or "(top level)")
                for path, k in self.index.items()]
        return rows

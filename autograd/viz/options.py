"""Checking what the user passed to `to_dot` / `draw_graph`, before any work.

Every refusal names the argument, what was given and what is accepted, so a
typo (``direction='up'``) fails at the call, not as a strange picture.
"""
from collections.abc import Mapping

from ..function import Function
from ..tensor import Tensor

DIRECTIONS = ("forward", "backward")
RANKDIRS = ("LR", "TB", "RL", "BT")
COLOR_BY = (None, "grad", "module")
SHOW_VALUES = ("auto", True, False)


class Options:
    """The checked drawing options (see `autograd.viz.draw_graph`)."""

    __slots__ = ("show_values", "show_grads", "show_saved", "direction", "rankdir",
                 "collapse_depth", "max_nodes", "color_by", "highlight")

    def __init__(self, fn, show_values, show_grads, show_saved, direction, rankdir,
                 collapse_depth, max_nodes, color_by, highlight):
        self.show_values = _choice(fn, "show_values", show_values, SHOW_VALUES)
        self.show_grads = _flag(fn, "show_grads", show_grads)
        self.show_saved = _flag(fn, "show_saved", show_saved)
        self.direction = _choice(fn, "direction", direction, DIRECTIONS)
        self.rankdir = _choice(fn, "rankdir", rankdir, RANKDIRS)
        self.collapse_depth = _count(fn, "collapse_depth", collapse_depth, 0)
        self.max_nodes = _count(fn, "max_nodes", max_nodes, 2)
        self.color_by = _choice(fn, "color_by", color_by, COLOR_BY)
        self.highlight = _highlight(fn, highlight)


def _choice(fn, arg, value, allowed):
    # bools compare equal to 0/1, so test identity for them
    if not any(value is a or (isinstance(a, str) and value == a) for a in allowed):
        raise ValueError(f"{fn}: {arg} must be one of {', '.join(map(repr, allowed))}; "
                         f"got {value!r}")
    return value


def _flag(fn, arg, value):
    if not isinstance(value, bool):
        raise TypeError(f"{fn}: {arg} must be True or False, got {value!r}")
    return value


def _count(fn, arg, value, least):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"{fn}: {arg} must be None or an int >= {least}, got {value!r}")
    return value


def outputs_list(fn, outputs):
    """``outputs`` as a non-empty list of Tensors (one Tensor or a sequence)."""
    if isinstance(outputs, Tensor):
        return [outputs]
    if isinstance(outputs, (list, tuple)):
        for k, t in enumerate(outputs):
            if not isinstance(t, Tensor):
                raise TypeError(f"{fn}: outputs[{k}] must be a Tensor, got "
                                f"{type(t).__name__}")
        if not outputs:
            raise ValueError(f"{fn}: outputs is empty; pass the tensor(s) to draw, e.g. "
                             "the loss")
        return list(outputs)
    raise TypeError(f"{fn}: outputs must be a Tensor or a list/tuple of Tensors, got "
                    f"{type(outputs).__name__}")


def named_tensors(fn, params):
    """``params`` as ``{id(tensor): (name, tensor)}``: a Module (anything with
    ``named_parameters()``) or a dict name -> Tensor (which may also name
    intermediate results, whose values are then shown)."""
    if params is None:
        return {}
    if isinstance(params, Mapping):
        pairs = list(params.items())
        for name, t in pairs:
            if not isinstance(name, str):
                raise TypeError(f"{fn}: params keys must be names (str), got "
                                f"{type(name).__name__} {name!r}")
            if not isinstance(t, Tensor):
                raise TypeError(f"{fn}: params[{name!r}] must be a Tensor, got "
                                f"{type(t).__name__}")
    elif isinstance(params, type):
        raise TypeError(f"{fn}: params must be a Module instance, got the class "
                        f"{params.__name__}; pass the model you ran")
    elif callable(getattr(params, "named_parameters", None)):
        pairs = list(params.named_parameters())
    else:
        raise TypeError(f"{fn}: params must be a Module (with named_parameters()) or a dict "
                        f"name -> Tensor, got {type(params).__name__}")
    named = {}
    for name, t in pairs:
        named.setdefault(id(t), (name, t))
    return named


def _highlight(fn, highlight):
    """The graph nodes / tensors to emphasise, as the items the walk will
    meet (a tensor stands for its ``grad_fn``, or itself when it is a leaf).
    The objects are kept (not their ids) so an id cannot be reused while
    the picture is drawn."""
    if highlight is None:
        return ()
    if isinstance(highlight, (Tensor, Function)):
        highlight = [highlight]
    try:
        marked = list(highlight)
    except TypeError:
        raise TypeError(f"{fn}: highlight must be graph nodes (grad_fn) or Tensors, or an "
                        f"iterable of them; got {type(highlight).__name__}") from None
    items = []
    for h in marked:
        if isinstance(h, Tensor):
            h = h.grad_fn or h
        elif not isinstance(h, Function):
            raise TypeError(f"{fn}: highlight entries must be graph nodes (grad_fn) or "
                            f"Tensors, got {type(h).__name__}")
        items.append(h)
    return tuple(items)

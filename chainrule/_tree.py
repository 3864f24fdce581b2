"""Nested state <-> JSON plus arrays: the no-pickle storage behind
checkpoints and ``chainrule.save``/``load``.

`Packer` turns nested state into JSON-ready data, moving arrays aside:
arrays and tensors become ``{"$array": name}`` / ``{"$tensor": name}``
(``name`` an entry of the .npz), NumPy scalars ``{"$scalar": name}``;
tensors that require grad ``{"$leaf": name}`` and Parameters
``{"$parameter": [name, requires_grad]}``; tuples, OrderedDicts, Counters
and dicts whose keys JSON cannot hold (the optimizer's integer parameter
indices) get ``$tuple``/``$ordered``/``$counter``/``$items`` markers, so
loading gives back the same types.  Anything else (a module, a function,
an object array) is refused by name: storing it would need pickle, and
loading a pickle can run code.
"""
from collections import Counter, OrderedDict

import numpy as np

from autograd import Tensor
from nn import Module, Parameter


class Packer:
    """Collects the arrays of the state it packs in ``arrays``; ``fn``
    names the caller in error messages."""

    def __init__(self, fn):
        self.fn = fn
        self.arrays = {}

    def pack(self, value, where):
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, Tensor):
            return self._tensor(value, where)
        if isinstance(value, np.ndarray):
            return {"$array": self._store(value, where)}
        if isinstance(value, np.generic):
            return {"$scalar": self._store(np.asarray(value), where)}
        if isinstance(value, (int, float)):
            return value
        if isinstance(value, (Counter, OrderedDict)):
            marker = "$counter" if isinstance(value, Counter) else "$ordered"
            return {marker: self._items(value, where)}
        if isinstance(value, tuple):
            return {"$tuple": [self.pack(v, f"{where}[{i}]") for i, v in enumerate(value)]}
        if isinstance(value, list):
            return [self.pack(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if isinstance(value, dict):
            if all(isinstance(k, str) and not k.startswith("$") for k in value):
                return {k: self.pack(v, f"{where}.{k}") for k, v in value.items()}
            return {"$items": self._items(value, where)}
        raise TypeError(self._refusal(value, where))

    def _tensor(self, t, where):
        name = self._store(t._data, where)
        if isinstance(t, Parameter):
            return {"$parameter": [name, t.requires_grad]}
        return {"$leaf" if t.requires_grad else "$tensor": name}

    def _items(self, mapping, where):
        return [[self.pack(k, where), self.pack(v, f"{where}[{k!r}]")]
                for k, v in mapping.items()]

    def _store(self, array, where):
        if array.dtype.kind not in "biufc":
            raise TypeError(f"{self.fn}: {where} is a NumPy array of dtype "
                            f"{array.dtype}; only numeric and bool arrays can be saved")
        name = f"a{len(self.arrays)}"
        self.arrays[name] = array
        return name

    def _refusal(self, value, where):
        hint = (f"; save {where}.state_dict() instead" if isinstance(value, Module)
                else "")
        return (f"{self.fn}: {where} is a {type(value).__name__}, which cannot be stored "
                "(only None, bools, numbers, strings, lists, tuples, dicts, NumPy arrays and "
                f"tensors; no pickle){hint}")


def unpack(value, arrays, where, error):
    """The state `Packer` packed; ``error`` (an exception class) reports a
    file whose structure is not one `Packer` writes."""
    if isinstance(value, list):
        return [unpack(v, arrays, where, error) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (key, inner), = value.items()
        if key.startswith("$"):
            return _unmark(key, inner, arrays, where, error)
    return {k: unpack(v, arrays, where, error) for k, v in value.items()}


_ARRAY_MARKERS = ("$tensor", "$leaf", "$array", "$scalar")


def _unmark(marker, inner, arrays, where, error):
    if marker in _ARRAY_MARKERS:
        array = _entry(inner, arrays, where, error)
        if marker == "$array":
            return array
        return array[()] if marker == "$scalar" else Tensor(array,
                                                            requires_grad=marker == "$leaf")
    if marker == "$parameter":
        if not (isinstance(inner, list) and len(inner) == 2 and isinstance(inner[1], bool)):
            raise error(f"{where}: a malformed parameter entry {inner!r}; the file is corrupt")
        return Parameter(_entry(inner[0], arrays, where, error), requires_grad=inner[1])
    items = unpack(inner, arrays, where, error)
    if marker == "$tuple":
        return tuple(items)
    if marker in ("$items", "$ordered", "$counter"):
        kind = {"$items": dict, "$ordered": OrderedDict, "$counter": Counter}[marker]
        return kind({k: v for k, v in items})
    raise error(f"{where}: unknown entry {marker!r} in the file; it is corrupt or from a "
                "newer chainrule")


def _entry(name, arrays, where, error):
    if not isinstance(name, str) or name not in arrays:
        raise error(f"{where}: the file refers to an array entry {name!r} that the file does "
                    "not hold; it is corrupt")
    return arrays[name]

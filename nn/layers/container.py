"""Containers: modules whose job is to hold other modules.

They register their members under string keys ("0", "1", ... for the
sequences), which is where dotted names like ``features.3.weight`` come
from.  Sequences renumber themselves after a deletion or insertion so the
keys always match the positions, as PyTorch's do.
"""
import operator
from collections import OrderedDict

from ..module import Module


def _index(length, idx, kind):
    """A position in ``range(length)`` from a possibly negative index."""
    try:
        i = operator.index(idx)
    except TypeError:
        raise TypeError(f"{kind} indices must be integers or slices, "
                        f"not {type(idx).__name__}") from None
    if not -length <= i < length:
        raise IndexError(f"index {i} is out of range for a {kind} of length {length}")
    return i % length


class _ModuleSequence(Module):
    """Shared list behaviour of `Sequential` and `ModuleList`."""

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)._from_items(list(self._modules.items())[idx])
        key = list(self._modules)[_index(len(self), idx, type(self).__name__)]
        return self._modules[key]

    def __setitem__(self, idx, module):
        key = list(self._modules)[_index(len(self), idx, type(self).__name__)]
        self.add_module(key, module)

    def __delitem__(self, idx):
        keys = list(self._modules)
        if isinstance(idx, slice):
            doomed = keys[idx]
        else:
            doomed = [keys[_index(len(self), idx, type(self).__name__)]]
        gone = set(doomed)
        self._renumber([m for k, m in self._modules.items() if k not in gone])

    def _renumber(self, modules):
        """Keys are positions: after removing or inserting, make them so again."""
        self._modules.clear()
        for i, m in enumerate(modules):
            self._modules[str(i)] = m

    def append(self, module):
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        for m in modules:
            self.append(m)
        return self

    def insert(self, index, module):
        """Insert before position ``index`` (list semantics, so an index past
        the end appends)."""
        n = len(self)
        index = operator.index(index)
        index = max(0, min(n, index + n if index < 0 else index))
        modules = list(self._modules.values())
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        modules.insert(index, module)
        self._renumber(modules)

    def __iadd__(self, modules):
        return self.extend(modules)


class Sequential(_ModuleSequence):
    """Modules applied one after another: ``Sequential(a, b)(x) == b(a(x))``.

    Give modules positionally (named "0", "1", ...) or as one OrderedDict
    to choose the names.
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], (OrderedDict, dict)):
            for name, m in args[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(args):
                self.add_module(str(i), m)

    @classmethod
    def _from_items(cls, items):
        return cls(OrderedDict(items))

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x


class ModuleList(_ModuleSequence):
    """A list of modules that registers them (a plain Python list would hide
    their parameters from ``parameters()``).  It has no forward: the owner
    decides how to use its members."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    @classmethod
    def _from_items(cls, items):
        return cls(m for _, m in items)


class _RegistryDict(Module):
    """The dict protocol over one of a module's registries (``_modules`` for
    `ModuleDict`, ``_parameters`` for `ParameterDict`).  Subclasses say how
    a value is checked (`_prepare`) and registered (`_register`); `update`
    checks every item before registering any, so a bad item adds nothing."""
    _registry = "_modules"
    _noun = "module"

    def __init__(self, items=None):
        super().__init__()
        if items is not None:
            self.update(items)

    def _items(self):
        return getattr(self, self._registry)

    def __getitem__(self, key):
        try:
            return self._items()[key]
        except KeyError:
            raise KeyError(f"{type(self).__name__} has no {self._noun} {key!r}; it has "
                           f"{list(self._items())}") from None

    def __setitem__(self, key, value):
        self._register(key, self._prepare(key, value))

    def __delitem__(self, key):
        del self._items()[key]

    def __len__(self):
        return len(self._items())

    def __iter__(self):
        return iter(self._items())

    def __contains__(self, key):
        return key in self._items()

    def keys(self):
        return self._items().keys()

    def values(self):
        return self._items().values()

    def items(self):
        return self._items().items()

    def get(self, key, default=None):
        return self._items().get(key, default)

    def pop(self, key):
        value = self[key]
        del self._items()[key]
        return value

    def clear(self):
        self._items().clear()

    def update(self, items):
        """Add from a mapping or from ``(name, value)`` pairs."""
        pairs = list(items.items() if hasattr(items, "items") else items)
        checked = []
        for pair in pairs:
            try:
                key, value = pair
            except (TypeError, ValueError):
                raise TypeError(f"{type(self).__name__}.update expects a mapping or (name, "
                                f"{self._noun}) pairs, got element {pair!r}") from None
            checked.append((key, self._prepare(key, value)))
        for key, value in checked:
            self._register(key, value)


class ModuleDict(_RegistryDict):
    """A dict of modules that registers them, keeping insertion order."""

    def __init__(self, modules=None):
        super().__init__(modules)

    def _prepare(self, key, module):
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"ModuleDict[{key!r}]: {type(module).__name__} is not a Module "
                            "subclass")
        return module

    def _register(self, key, module):
        self.add_module(key, module)

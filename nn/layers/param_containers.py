"""`ParameterList` and `ParameterDict`: containers that register the
tensors they hold as parameters of the module (under "0", "1", ... or their
keys), so ``parameters()``, ``state_dict()``, ``to()`` and optimizers see
them.  A plain floating-point Tensor put in one becomes a `Parameter`
(requiring grad), as in PyTorch; anything else is refused by name.
"""
from autograd import Tensor
from autograd.errors import DTypeError

from ..module import Module
from ..parameter import Parameter
from .container import _index, _RegistryDict


def _as_parameter(value, where):
    if isinstance(value, Parameter):
        return value
    if not isinstance(value, Tensor):
        raise TypeError(f"{where}: expected a Tensor or Parameter, got {type(value).__name__}")
    if value.dtype.kind not in "fc":
        raise DTypeError(f"{where}: a parameter must be floating-point to require grad, got "
                         f"dtype {value.dtype}")
    return Parameter(value.detach())


def _describe(p):
    return f"Parameter containing: [{p.dtype} of size {tuple(p.shape)}]"


class ParameterList(Module):
    """A list of parameters registered with the module that holds it."""

    def __init__(self, values=None):
        super().__init__()
        if values is not None:
            self.extend(values)

    def __len__(self):
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def __getitem__(self, idx):
        values = list(self._parameters.values())
        if isinstance(idx, slice):
            return ParameterList(values[idx])
        return values[_index(len(self), idx, "ParameterList")]

    def __setitem__(self, idx, value):
        i = _index(len(self), idx, "ParameterList")
        self.register_parameter(str(i), _as_parameter(value, "ParameterList"))

    def append(self, value):
        """Add ``value`` at the end; returns the list."""
        self.register_parameter(str(len(self)), _as_parameter(value, "ParameterList.append"))
        return self

    def extend(self, values):
        """Append each of ``values``; returns the list."""
        checked = [_as_parameter(v, "ParameterList.extend") for v in values]
        for p in checked:  # all checked first: a bad item adds nothing
            self.register_parameter(str(len(self)), p)
        return self

    def __iadd__(self, values):
        return self.extend(values)

    def extra_repr(self):
        return "\n".join(f"({k}): {_describe(p)}" for k, p in self._parameters.items())


class ParameterDict(_RegistryDict):
    """A dict of parameters registered with the module that holds it,
    keeping insertion order."""
    _registry = "_parameters"
    _noun = "parameter"

    def __init__(self, parameters=None):
        super().__init__(parameters)

    def _prepare(self, key, value):
        return _as_parameter(value, f"ParameterDict[{key!r}]")

    def _register(self, key, value):
        self.register_parameter(key, value)

    def extra_repr(self):
        return "\n".join(f"({k}): {_describe(p)}" for k, p in self._parameters.items())

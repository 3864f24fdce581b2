"""``chainrule.nn`` is ``nn``: submodule names that lead to the library.

``import chainrule.nn.functional as F`` must give the very module ``import
nn.functional`` gives -- not a second copy (a second ``Module`` class would
make ``isinstance`` checks fail and a second random generator would break
``manual_seed``).  A finder placed first on ``sys.meta_path`` answers every
name under ``chainrule.nn``, ``chainrule.optim``, ``chainrule.autograd``,
``chainrule.utils``, ``chainrule.linalg`` and ``chainrule.distributions``
with the library's own module, imported under its real name; modules added to the library later are covered with no list to
update.
"""
import importlib
import importlib.abc
import importlib.util
import sys

ALIASES = {"chainrule.nn": "nn", "chainrule.optim": "optim",
           "chainrule.autograd": "autograd", "chainrule.utils": "autograd.utils",
           "chainrule.linalg": "autograd.linalg",
           "chainrule.distributions": "autograd.distributions"}


def real_name(fullname):
    """The library module behind an alias name, or None."""
    for alias, real in ALIASES.items():
        if fullname == alias or fullname.startswith(alias + "."):
            return real + fullname[len(alias):]
    return None


class _SameModule(importlib.abc.Loader):
    """Hands the already-imported library module to the import system."""

    def __init__(self, module):
        self._module = module
        self._spec = module.__spec__

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        # importlib stamps the alias's spec on the module it was handed;
        # the module keeps its own (reload and pickling rely on it).
        module.__spec__ = self._spec


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        real = real_name(fullname)
        if real is None:
            return None
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as exc:
            if exc.name == real:
                return None  # Python then reports "No module named 'chainrule.nn.x'"
            raise
        return importlib.util.spec_from_loader(fullname, _SameModule(module))


def install():
    """Put the finder first on ``sys.meta_path`` (once per process)."""
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())

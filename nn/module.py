"""`Module`: the base class of layers and models.

A module keeps three insertion-ordered registries -- ``_parameters``,
``_buffers`` and ``_modules`` -- filled in automatically when attributes are
assigned.  Everything that walks a model (``parameters()``, ``state_dict()``,
``to()``, ``train()``, ``repr``) is derived from those registries, so a user
writing ``self.fc = Linear(...)`` in ``__init__`` gets all of it for free,
with the same dotted names PyTorch produces (``features.3.bias``).
"""
from collections import OrderedDict, namedtuple
from collections.abc import Mapping

import numpy as np

from autograd import Tensor, no_grad
from autograd._args import to_dtype_arg as _to_dtype_arg, to_flags as _to_flags
from autograd.device import check_device as _check_device
from autograd.graph import current_scope, scope

from . import module_hooks as _module_hooks
from .parameter import Parameter

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])
IncompatibleKeys.__doc__ = """What a non-strict ``load_state_dict`` could not
match: names the model has but the state lacked, and names the state had but
the model does not."""

# PyTorch's spelling of dtypes where it differs from NumPy's ('float' is
# float32 in PyTorch but float64 in NumPy).
_DTYPE_NAMES = {"float": np.float32, "float32": np.float32, "double": np.float64,
                "float64": np.float64, "half": np.float16, "float16": np.float16}


def _check_name(name, kind):
    """Registry names become path components of dotted names, so they must be
    non-empty strings without dots, and must not shadow a real attribute."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string, got {type(name).__name__}")
    if not name:
        raise KeyError(f"{kind} name can't be empty")
    if "." in name:
        raise KeyError(f"{kind} name can't contain '.', got {name!r}")


def _named_dtype(value):
    """PyTorch's dtype names as NumPy types; anything else unchanged."""
    if isinstance(value, str):
        return _DTYPE_NAMES.get(value.lower().removeprefix("torch."), value)
    return value


def _dtype_arg(dtype):
    if isinstance(dtype, str):
        key = dtype.lower().removeprefix("torch.")
        if key in _DTYPE_NAMES:
            return np.dtype(_DTYPE_NAMES[key])
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"Module.to: cannot interpret {dtype!r} as a dtype") from None
    if dt.kind != "f":
        raise TypeError(f"Module.to only casts to floating-point dtypes, got {dt} "
                        "(integer parameters could not be trained)")
    return dt


def _not_a_mapping(cls, value):
    """PyTorch's TypeError for a state_dict that is not dict-like, with the
    fix for the two usual slips."""
    hint = ""
    if isinstance(value, Module):
        hint = "; pass the other model's .state_dict() instead of the model itself"
    elif isinstance(value, (list, tuple)):
        hint = "; for a list of (name, tensor) pairs pass dict(pairs)"
    return (f"{cls}.load_state_dict: expected state_dict to be dict-like (a mapping of "
            f"names to tensors), got {type(value).__name__}{hint}")


def _loadable(key, value, target):
    """``(array, None)``: ``value`` cast to ``target``'s dtype, a private
    copy ready to be written; or ``(None, problem)`` naming why it cannot
    be loaded into ``target``."""
    if not isinstance(value, (Tensor, np.ndarray)):
        return None, (f"expected a Tensor (or NumPy array) for {key!r}, got "
                      f"{type(value).__name__}")
    src = value._data if isinstance(value, Tensor) else value
    if src.shape != target.shape and not getattr(target, "_uninitialized", False):
        return None, (f"shape mismatch for {key!r}: the state has shape {src.shape}, the "
                      f"model has {target.shape}")
    lossy = _lossy_cast(src, target.dtype)
    if lossy:
        return None, f"cannot load {key!r} ({src.dtype}) into {target.dtype}: {lossy}"
    if src.dtype.kind == "c" and target.dtype.kind != "c":
        src = src.real  # all imaginary parts are 0 (checked above)
    return np.array(src, dtype=target.dtype, copy=True), None


def _lossy_cast(src, dtype):
    """Why casting ``src`` to ``dtype`` would change its values beyond
    rounding, or None.  (PyTorch casts silently; a checkpoint whose
    values would change is a checkpoint for another model.)"""
    if src.dtype.kind not in "biufc":
        return f"{src.dtype} does not hold numbers"
    if src.dtype.kind == "c" and dtype.kind != "c" and np.any(src.imag != 0):
        return "the values have imaginary parts, which the cast would drop"
    if src.dtype.kind in "fc" and dtype.kind in "biu":
        real = src.real
        if not np.all(np.isfinite(real)) or np.any(real != np.trunc(real)):
            return "the values are not all whole numbers, and the cast would truncate them"
    return None


def _name_in(parent, module):
    """The name ``module`` has in the scope it is called from: its attribute
    name when the enclosing module owns it, "" at the top level, else its
    class name."""
    if parent is None:
        return ""
    children = getattr(parent.owner, "_modules", None)
    if children:
        for name, child in children.items():
            if child is module:
                return name
    return type(module).__name__


class Module:
    """Subclass it, assign parameters and submodules in ``__init__`` (after
    calling ``super().__init__()``), and write ``forward``."""

    def __init__(self):
        # object.__setattr__: our own __setattr__ needs these to exist first.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"abstract method: Module [{type(self).__name__}] is "
                                  'missing the required "forward" method')

    def __call__(self, *args, **kwargs):
        """``forward`` inside a name scope (so every node it records knows
        this module's path, e.g. ``layer1.0.conv1``) and inside its hooks."""
        with scope(_name_in(current_scope(), self), type(self).__name__, self):
            hooks = self.__dict__.get("_module_hooks")
            if not hooks:
                return self.forward(*args, **kwargs)
            return _module_hooks.call_with_hooks(self, hooks, args, kwargs)

    # --------------------------------------------------------------- hooks
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """``hook(module, args)`` before ``forward``; may return new args."""
        return _module_hooks.register(self, "forward_pre", hook, prepend=prepend,
                                      with_kwargs=with_kwargs)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False,
                              always_call=False):
        """``hook(module, args, output)`` after ``forward``; may return a new
        output."""
        return _module_hooks.register(self, "forward", hook, prepend=prepend,
                                      with_kwargs=with_kwargs, always_call=always_call)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """``hook(module, grad_output)`` when the gradients of the outputs are
        known; may return new ones."""
        return _module_hooks.register(self, "backward_pre", hook, prepend=prepend)

    def register_full_backward_hook(self, hook, prepend=False):
        """``hook(module, grad_input, grad_output)`` when the gradients of the
        inputs are computed; may return new ``grad_input``."""
        return _module_hooks.register(self, "backward", hook, prepend=prepend)

    def register_backward_hook(self, hook):
        raise NotImplementedError(
            f"{type(self).__name__}.register_backward_hook: the non-full backward hook is "
            "deprecated in PyTorch and its gradients depend on the module's last op; use "
            "register_full_backward_hook(hook) (same signature)")

    def __getstate__(self):
        """Hooks are never pickled (nor deep-copied): they are code of the
        session that registered them, not part of the model."""
        state = dict(self.__dict__)
        state.pop("_module_hooks", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)

    # ------------------------------------------------------- registration
    def register_parameter(self, name, param):
        """Add ``param`` (a `Parameter` or None) under ``name``.  None keeps
        the slot, so code can test ``self.bias is None`` and state_dict skips
        it."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameters before Module.__init__() call")
        _check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute {name!r} already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign {type(param).__name__} object to parameter "
                            f"{name!r} (nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"cannot assign a non-leaf tensor to parameter {name!r}: parameters must "
                "be leaves. Compute it in forward(), or wrap a detached copy in Parameter")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add state that is not trained but belongs to the model (running
        statistics, say): it moves with ``to()`` and, when ``persistent``,
        is saved in ``state_dict``."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute {name!r} already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign {type(tensor).__name__} object to buffer {name!r} "
                            "(a Tensor or None required; wrap arrays with autograd.tensor)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name, module):
        if "_modules" not in self.__dict__:
            raise AttributeError("cannot assign module before Module.__init__() call")
        _check_name(name, "module")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute {name!r} already exists")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, "_parameters")
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} as parameter {name!r} "
                                "(nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, "_modules")
            d["_modules"][name] = value
        elif params is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} as child module "
                                f"{name!r} (nn.Module or None expected)")
            d["_modules"][name] = None
        elif params is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__} as buffer {name!r} "
                                "(Tensor or None expected)")
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name, keep):
        """Drop ``name`` from every place it could live except the registry
        ``keep`` it is about to be set in (where it keeps its position), so
        one name never means two things."""
        d = self.__dict__
        d.pop(name, None)
        for registry in ("_parameters", "_buffers", "_modules"):
            if registry != keep:
                d[registry].pop(name, None)
        d["_non_persistent"].discard(name)

    def __getattr__(self, name):
        # Only called when normal lookup fails: registered things live in
        # the registries, not in the instance dict.
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            reg = d.get(registry)
            if reg is not None and name in reg:
                return reg[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name):
        d = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            if name in d[registry]:
                del d[registry][name]
                d["_non_persistent"].discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = set(super().__dir__())
        keys.update(self._parameters, self._buffers, self._modules)
        return sorted(k for k in keys if not k[:1].isdigit())

    # ------------------------------------------------------------ walking
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """This module and all below it, depth first in registration order,
        each once (unless ``remove_duplicate=False``)."""
        memo = set() if memo is None else memo
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if remove_duplicate:
                if id(module) in memo:
                    continue
                memo.add(id(module))
            yield name, module
            children = [(name + "." + k if name else k, m)
                        for k, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self):
        for _, m in self.named_children():
            yield m

    def _named_members(self, registry, prefix, recurse, remove_duplicate):
        mods = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                if recurse else [(prefix, self)])
        seen = set()
        for mod_name, module in mods:
            for k, v in getattr(module, registry).items():
                if v is None or (remove_duplicate and id(v) in seen):
                    continue
                seen.add(id(v))
                yield (mod_name + "." + k if mod_name else k), v

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """``(dotted_name, Parameter)`` pairs; a parameter shared by two
        modules appears once, under its first name."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def num_parameters(self, trainable_only=False):
        """How many numbers the model learns (shared parameters counted once)."""
        return sum(p.numel() for p in self.parameters()
                   if p.requires_grad or not trainable_only)

    def get_submodule(self, target):
        """The module at a dotted path such as ``"features.3"``."""
        module = self
        for part in target.split(".") if target else []:
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(f"{type(module).__name__} has no submodule {part!r} "
                                     f"(looking up {target!r})")
            module = child
        return module

    # -------------------------------------------------------------- modes
    def train(self, mode=True):
        """Switch this module and every submodule to training (or eval)
        behaviour -- Dropout and BatchNorm read ``self.training``."""
        if not isinstance(mode, bool):
            raise ValueError(f"train(mode): mode must be a bool, got {mode!r}")
        self.training = mode
        for child in self.children():
            child.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Freeze (False) or unfreeze every parameter, e.g. for fine-tuning."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Clear gradients before the next backward (they accumulate).
        None is cheaper than zeros and lets optimizers skip unused params."""
        for p in self.parameters():
            g = p.grad
            if g is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                if g.grad_fn is not None:
                    g = p.grad = g.detach()
                with no_grad():
                    g.zero_()

    def apply(self, fn):
        """Call ``fn`` on every submodule (children first) and on self; the
        usual way to run custom initialisation over a model."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ------------------------------------------------------------- dtypes
    def to(self, *args, dtype=None, device=None, non_blocking=False, memory_format=None):
        """Cast floating parameters and buffers to a dtype, in place.

        PyTorch's forms: ``to(device)``, ``to(dtype)``, ``to(device,
        dtype)``, ``to(tensor)`` and the keywords.  The Parameter objects
        stay the same, so an optimizer built before the cast still updates
        the model.  ``dtype`` may be a NumPy dtype or a name ('float64',
        'double', 'float32', 'float').  The CPU is accepted as the device
        (everything already lives there); any other device is refused by
        name before anything changes.
        """
        args, _ = _to_flags(args, False)
        dtype = _to_dtype_arg(tuple(map(_named_dtype, args)), _named_dtype(dtype), device,
                              "Module.to")
        if dtype is None:
            return self
        dt = _dtype_arg(dtype)
        done = set()
        for module in self.modules():
            for registry in (module._parameters, module._buffers):
                for t in registry.values():
                    if t is None or id(t) in done or t.dtype.kind != "f":
                        continue
                    done.add(id(t))
                    if t.dtype != dt:
                        t.data = t._data.astype(dt)
                        if t.grad is not None:
                            t.grad = t.grad.detach().to(dt)
        return self

    def double(self):
        return self.to(np.float64)

    def float(self):
        return self.to(np.float32)

    def half(self):
        return self.to(np.float16)

    def cpu(self):
        """Everything already lives on the CPU; kept so PyTorch code runs."""
        return self

    def cuda(self, device=None):
        """Refused: chainrule has no GPU (the error names the device)."""
        _check_device("cuda" if device is None else
                      (f"cuda:{device}" if isinstance(device, int) else device), "Module.cuda")

    # -------------------------------------------------------- state dicts
    def state_dict(self, *, destination=None, prefix="", keep_vars=False):
        """Parameters and persistent buffers by dotted name.

        Values are detached tensors sharing the model's arrays (as in
        PyTorch): copy them if the model will keep training and you want a
        snapshot.  Shared parameters appear under each of their names.
        """
        out = OrderedDict() if destination is None else destination
        stack = [(prefix, self)]
        while stack:
            pre, module = stack.pop()
            for k, p in module._parameters.items():
                if p is not None:
                    out[pre + k] = p if keep_vars else p.detach()
            for k, b in module._buffers.items():
                if b is not None and k not in module._non_persistent:
                    out[pre + k] = b if keep_vars else b.detach()
            stack.extend(reversed([(pre + k + ".", m)
                                   for k, m in module._modules.items() if m is not None]))
        return out

    def load_state_dict(self, state_dict, strict=True):
        """Copy values from ``state_dict`` (a mapping of names to Tensors or
        NumPy arrays) into this model's parameters and buffers, casting to
        their dtypes.

        Everything is checked before anything is written, and all problems
        are reported together, so a failed load leaves the model untouched.
        Shape mismatches, values that are not arrays, and casts that would
        change values (complex to real, fractional floats to integers) are
        errors even with ``strict=False``; missing and unexpected names are
        errors only when ``strict``.  Returns
        ``IncompatibleKeys(missing_keys, unexpected_keys)``.
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(_not_a_mapping(type(self).__name__, state_dict))
        targets = self.state_dict(keep_vars=True)
        missing = [k for k in targets if k not in state_dict]
        unexpected = [k for k in state_dict if k not in targets]
        problems, ready = [], []
        for key, target in targets.items():
            if key not in state_dict:
                continue
            arr, problem = _loadable(key, state_dict[key], target)
            if problem:
                problems.append(problem)
            else:
                ready.append((target, arr))
        if strict:
            if missing:
                problems.insert(0, "missing keys (in the model, not in the state): "
                                + ", ".join(repr(k) for k in missing))
            if unexpected:
                problems.insert(1 if missing else 0,
                                "unexpected keys (in the state, not in the model): "
                                + ", ".join(repr(k) for k in unexpected))
        if problems:
            raise RuntimeError(f"Error(s) loading state_dict into {type(self).__name__}; "
                               "nothing was changed:\n  " + "\n  ".join(problems))
        with no_grad():
            for target, arr in ready:
                target.copy_(arr)
        return IncompatibleKeys(missing, unexpected)

    # --------------------------------------------------------------- repr
    def extra_repr(self):
        """Override to show a module's settings inside its parentheses."""
        return ""

    def _tree_repr(self):
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, module in self._modules.items():
            child = "None" if module is None else module._tree_repr()
            lines.append(f"({name}): " + child.replace("\n", "\n  "))
        head = type(self).__name__ + "("
        if not self._modules and len(lines) <= 1:
            return head + "".join(lines) + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"

    def __repr__(self):
        """PyTorch's tree, plus a parameter count under models that have
        submodules (a single layer's repr stays one line, as in PyTorch)."""
        text = self._tree_repr()
        if self._modules:
            total = self.num_parameters()
            if total:
                trainable = self.num_parameters(trainable_only=True)
                text += f"\n# parameters: {total:,}"
                if trainable != total:
                    text += f" ({trainable:,} trainable)"
        return text

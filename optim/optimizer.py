"""`Optimizer`: the parameter bookkeeping every optimizer shares.

An optimizer owns *param groups* (lists of parameters with their own
hyperparameters) and a per-parameter *state* (momentum buffers, moment
estimates...).  Subclasses supply only the update rule (`_update_group`) and
the checks on their hyperparameters (`_check_hyperparams`); everything a user
can get wrong about the parameters themselves is checked here, once.

Speed: the update rules run on the raw NumPy arrays (``p._data``) with
in-place ufuncs (``out=``), never through Tensor ops.  A step therefore
builds no graph and creates no Tensors; `_apply` additionally walks large
parameters in cache-sized blocks (see there).
"""
import copy
import numbers
from collections import defaultdict

import numpy as np

from autograd import Tensor
from autograd.grad_mode import enable_grad, no_grad
from autograd.tensor import _wrap

__all__ = ["Optimizer"]

# Each update touches a parameter, its gradient, up to three state buffers
# and up to three temporaries.  Walking the arrays in blocks of this many
# bytes keeps all of them in the L2 cache between the dozen ufunc passes of
# an Adam step, instead of streaming every array from memory once per pass
# (measured: ~20% faster Adam steps on a 784x256 float32 weight; identical
# results, since every operation is elementwise).
_BLOCK_BYTES = 1 << 18


class Optimizer:
    """Base class: holds ``param_groups``, ``state`` and ``defaults``.

    ``params`` is an iterable of tensors, of ``(name, tensor)`` pairs (as
    ``named_parameters()`` yields), or of dicts, each a param group:
    ``{"params": [...], "lr": 0.1, ...}``.  Options a group leaves out come
    from ``defaults``.
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self._check_hyperparams(self.defaults, None)
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of Tensors or dicts, "
                "but got a single Tensor; wrap it in a list: [tensor]")
        if isinstance(params, dict):
            params = [params]
        _check_ordered(params, type(self).__name__)
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__}: optimizer got an empty parameter list")
        if isinstance(groups[0], dict):
            if not all(isinstance(g, dict) for g in groups):
                raise TypeError(f"{type(self).__name__}: params mixes dicts (param groups) "
                                "with other items; give either parameters or param groups")
        else:
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ------------------------------------------------------------ groups
    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (e.g. a layer to
        unfreeze while fine-tuning).  Everything is checked before anything
        is changed."""
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}.add_param_group: expected a dict, got "
                            f"{type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError(f"{name}.add_param_group: the group has no 'params' key")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        else:
            _check_ordered(params, name)
            params = list(params)

        names = None
        if params and isinstance(params[0], tuple):
            if not all(isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], str)
                       for x in params):
                raise TypeError(f"{name}: named parameters must all be (name, tensor) pairs")
            names = [n for n, _ in params]
            params = [t for _, t in params]

        index = len(self.param_groups)
        seen = {}
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: can only optimize Tensors, but parameter {i} of "
                                f"group {index} is a {type(p).__name__}")
            if p._grad_fn is not None:
                raise ValueError(
                    f"{name}: can't optimize a non-leaf Tensor (parameter {i} of group "
                    f"{index} was made by {p._grad_fn.name()}); optimize the leaf it was "
                    "computed from, or use .detach().requires_grad_()")
            if id(p) in seen:
                raise ValueError(
                    f"{name}: parameter {i} of group {index} (shape {p.shape}) is the same "
                    f"tensor as parameter {seen[id(p)]}; a parameter given twice would be "
                    "updated twice per step")
            seen[id(p)] = i
        for g_index, other in enumerate(self.param_groups):
            for j, q in enumerate(other["params"]):
                if id(q) in seen:
                    raise ValueError(
                        f"{name}: some parameters appear in more than one parameter group: "
                        f"parameter {seen[id(q)]} of the new group {index} (shape {q.shape}) "
                        f"is parameter {j} of group {g_index}")

        group = {k: v for k, v in param_group.items() if k not in ("params", "param_names")}
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._check_hyperparams(group, index)
        group["params"] = params
        if names is not None:
            group["param_names"] = names
        elif "param_names" in param_group:
            group["param_names"] = list(param_group["param_names"])
        self.param_groups.append(group)

    def _check_hyperparams(self, group, index):
        """Raise ValueError naming any invalid option in ``group`` (a param
        group, or the defaults when ``index`` is None).  Subclasses check
        their own options; the base class has none."""

    def _bad(self, arg, value, rule, index):
        where = "" if index is None else f" in param group {index}"
        return ValueError(f"{type(self).__name__}: invalid {arg}={value!r}{where}; {rule}")

    def _check_nonneg(self, group, index, *args):
        for arg in args:
            value = group[arg]
            if not _is_real(value) or not value >= 0:
                raise self._bad(arg, value, "must be a number >= 0", index)

    # ------------------------------------------------------------- steps
    def zero_grad(self, set_to_none=True):
        """Forget the gradients before the next backward (which would
        otherwise add to them).  ``set_to_none=True`` (the default, as in
        PyTorch) drops them, which frees memory and lets `step` skip
        parameters that get no gradient; ``False`` zeroes them in place."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                g.detach_()
                if g._data.flags.writeable:
                    g._data.fill(0)
                    g._vc[0] += 1
                else:
                    g.data = np.zeros_like(g._data)

    def step(self, closure=None):
        """One update of every parameter that has a gradient.

        ``closure`` (optional) re-evaluates the model and returns the loss;
        it runs with grad mode on (so it can call ``backward``) and its
        loss is returned.  The update itself records no graph."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        grads = self._checked_grads()
        with no_grad():
            for group, pairs in zip(self.param_groups, grads):
                self._update_group(group, pairs)
        return loss

    def _checked_grads(self):
        """For each group, its ``(parameter, gradient array)`` pairs (only
        parameters that have a gradient), the gradient cast to the
        parameter's dtype so a float64 gradient cannot upcast a float32
        update.

        Every group's options, gradient and state buffers are checked here,
        before any parameter moves, so a refused step leaves all parameters
        and all state as they were (checking while updating would leave the
        earlier groups stepped and the later ones not)."""
        state = self.state
        out = []
        for gi, group in enumerate(self.param_groups):
            self._check_hyperparams(group, gi)
            pairs = []
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                g = g._data if isinstance(g, Tensor) else np.asarray(g)
                data = p._data
                kind = g.dtype.kind  # any real dtype casts; complex only into complex
                if g.shape != data.shape or (kind not in "fiub"
                                             and (kind != "c" or data.dtype.kind != "c")):
                    raise self._bad_grad(p, g, group, gi)
                s = state.get(p)
                if s:
                    for v in s.values():
                        if isinstance(v, Tensor) and v._data.shape != data.shape:
                            raise self._bad_state(p, s, group, gi)
                pairs.append((p, g if g.dtype == data.dtype else g.astype(data.dtype)))
            out.append(pairs)
        return out

    def _bad_grad(self, p, g, group, gi):
        i = next(k for k, q in enumerate(group["params"]) if q is p)
        where = f"{type(self).__name__}.step: parameter {i} of group {gi}"
        if g.shape != p._data.shape:
            return RuntimeError(f"{where} has shape {p._data.shape} but its .grad has shape "
                                f"{g.shape}; nothing was updated")
        return TypeError(f"{where} is {p._data.dtype} but its .grad is {g.dtype}, which "
                         "cannot be cast without losing values; nothing was updated")

    def _bad_state(self, p, s, group, gi):
        """A parameter resized after it was stepped (``p.data = ...`` in
        model surgery) no longer fits its momentum/moment buffers."""
        i = next(k for k, q in enumerate(group["params"]) if q is p)
        key, value = next((k, v) for k, v in s.items()
                          if isinstance(v, Tensor) and v._data.shape != p._data.shape)
        return RuntimeError(
            f"{type(self).__name__}.step: parameter {i} of group {gi} has shape "
            f"{p._data.shape} but its state {key!r} has shape {value._data.shape} (was the "
            "parameter resized after a step?); reset its state with optimizer.state.pop(param) "
            "or build a new optimizer. Nothing was updated")

    def _update_group(self, group, grads):
        """Update the parameters of ``group`` in place; ``grads`` holds its
        checked ``(parameter, gradient array)`` pairs."""
        raise NotImplementedError(f"abstract method: {type(self).__name__} must implement "
                                  "_update_group")

    # ------------------------------------------------------- state dicts
    def state_dict(self):
        """The optimizer's state as PyTorch lays it out::

            {"state": {0: {...}, 1: {...}},            # by parameter index
             "param_groups": [{"lr": ..., "params": [0, 1]}, ...]}

        Parameters are numbered in order across the groups; only their
        positions are saved, so the dict can be loaded into an optimizer
        built over a fresh copy of the model.  Unlike PyTorch, the arrays
        are copies: a dict taken mid-run is a snapshot that later steps do
        not change, so it can be kept in memory as a checkpoint."""
        index = {}
        groups = []
        for group in self.param_groups:
            packed = {k: copy.deepcopy(v) for k, v in group.items()
                      if k not in ("params", "param_names")}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            if "param_names" in group:
                packed["param_names"] = list(group["param_names"])
            groups.append(packed)
        state = {index[id(p)]: {k: _copy_value(v) for k, v in s.items()}
                 for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore a state saved by `state_dict` (group options included).

        The saved groups must match this optimizer's groups in number and
        size and the saved buffers the parameters' shapes; otherwise a
        ValueError names the mismatch and nothing is loaded.  Buffers are
        copied (cast to each parameter's dtype), so the dict stays usable."""
        name = type(self).__name__
        if not isinstance(state_dict, dict):
            raise TypeError(f"{name}.load_state_dict: expected a dict, got "
                            f"{type(state_dict).__name__}")
        for key in ("state", "param_groups"):
            if key not in state_dict:
                raise ValueError(f"{name}.load_state_dict: the state dict has no {key!r} entry")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the state dict has {len(saved_groups)} parameter "
                f"groups but this optimizer has {len(self.param_groups)}")
        id_map = {}
        new_groups = []
        for gi, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if not isinstance(saved, dict) or "params" not in saved:
                raise ValueError(f"{name}.load_state_dict: param group {gi} of the state "
                                 "dict is not a dict with a 'params' list")
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{name}.load_state_dict: parameter group {gi} of the state dict has "
                    f"{len(saved['params'])} parameters but this optimizer's group {gi} has "
                    f"{len(group['params'])}")
            for key, p in zip(saved["params"], group["params"]):
                id_map[key] = p
            new = {k: copy.deepcopy(v) for k, v in saved.items()
                   if k not in ("params", "param_names")}
            for key, value in self.defaults.items():
                new.setdefault(key, value)
            self._check_hyperparams(new, gi)
            new["params"] = group["params"]
            if "param_names" in saved:
                new["param_names"] = list(saved["param_names"])
            elif "param_names" in group:
                new["param_names"] = group["param_names"]
            new_groups.append(new)

        group_of = {id(p): g for g in new_groups for p in g["params"]}
        new_state = defaultdict(dict)
        for key, saved_state in state_dict["state"].items():
            if key not in id_map:
                raise ValueError(
                    f"{name}.load_state_dict: the state dict has state for parameter "
                    f"{key!r}, which none of its param groups lists")
            p = id_map[key]
            for k, v in saved_state.items():
                expected = self._state_shape(k, p)
                if isinstance(v, (Tensor, np.ndarray)) and v.shape != expected:
                    want = (f"the parameter has shape {expected}" if expected == p._data.shape
                            else f"shape {expected} was expected")
                    raise ValueError(
                        f"{name}.load_state_dict: state {k!r} of parameter {key} has shape "
                        f"{v.shape} but {want}; was the state dict saved for a different "
                        "model?")
            if saved_state:
                missing = [k for k in self._state_keys(group_of[id(p)]) if k not in saved_state]
                if missing:
                    raise ValueError(
                        f"{name}.load_state_dict: state of parameter {key} lacks "
                        f"{missing} (it has {sorted(saved_state)}); was the state dict "
                        f"saved from a different optimizer?")
            new_state[p] = {k: _load_value(v, p) for k, v in saved_state.items()}

        self.state = new_state
        self.param_groups = new_groups

    def _state_shape(self, key, p):
        """The shape an array in state entry ``key`` of parameter ``p`` must
        have: the parameter's own, except for optimizers (LBFGS) that keep
        state over all parameters flattened together."""
        return p._data.shape

    def _state_keys(self, group):
        """State entries a parameter of ``group`` carries once it has been
        stepped (checked when loading a state dict)."""
        return ()

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(group):
                if key not in ("params", "param_names"):
                    lines.append(f"    {key}: {group[key]}")
        lines.append(")")
        return "\n".join(lines)


def _check_ordered(params, name):
    if isinstance(params, (set, frozenset)):
        raise TypeError(
            f"{name}: parameters must be given in an ordered collection (a list or "
            "tuple), not a set: the order decides which saved state belongs to which "
            "parameter in state_dict()/load_state_dict()")


def _is_real(x):
    # float and int first: the ABC check costs ~10x more, and every step
    # re-checks the options (see `_checked_grads`)
    t = type(x)
    return t is float or t is int or (isinstance(x, numbers.Real) and t is not bool)


def _copy_value(v):
    if isinstance(v, Tensor):
        return _wrap(v._data.copy())
    if isinstance(v, np.ndarray):
        return v.copy()
    return copy.deepcopy(v)


def _load_value(v, p):
    """A private copy of a saved state value, floating arrays cast to the
    parameter's dtype (as PyTorch casts state to its parameter)."""
    if isinstance(v, (Tensor, np.ndarray)):
        arr = v._data if isinstance(v, Tensor) else v
        dtype = p._data.dtype if arr.dtype.kind in "fc" else arr.dtype
        return _wrap(np.array(arr, dtype=dtype, copy=True, order="C"))
    return copy.deepcopy(v)


def _buffer(p, zero=True):
    """A state buffer for parameter ``p``: its shape and dtype, C-ordered
    (so `_apply` can always take a flat view of it)."""
    make = np.zeros if zero else np.empty
    return _wrap(make(p._data.shape, p._data.dtype))


def _flat(a):
    """A 1-D real view of ``a`` to update in place, and whether it is a
    copy that must be written back (only for non-contiguous arrays).
    Complex arrays are viewed as interleaved (real, imag) pairs, which is
    how PyTorch updates complex parameters (``view_as_real``)."""
    if a.flags.c_contiguous:
        f, copied = a.reshape(-1), False
    else:
        f, copied = np.ascontiguousarray(a).reshape(-1), True
    if f.dtype.kind == "c":
        f = f.view(f.real.dtype)
    return f, copied


def _apply(kernel, param, grad, buffers, n_tmp, *args):
    """Run ``kernel(p, g, buffers, temporaries, *args)`` over flat views of
    one parameter, block by block, then bump the parameter's version
    counter once (so a graph that saved it before the step refuses to
    backward through the new values).

    The kernel updates ``p`` and the buffers in place; ``g`` is read-only
    (it is the user's ``.grad``).  ``buffers`` is a list of state arrays
    (None entries pass through as None, for state a configuration does not
    use); ``temporaries`` are ``n_tmp`` scratch arrays of the block's
    length."""
    p_flat, p_copied = _flat(param._data)
    g_flat, _ = _flat(grad)
    write_back = [(param._data, p_flat)] if p_copied else []
    b_flats = []
    for b in buffers:
        if b is None:
            b_flats.append(None)
            continue
        f, copied = _flat(b)
        if copied:
            write_back.append((b, f))
        b_flats.append(f)
    n = p_flat.size
    dtype = p_flat.dtype
    block = max(1, _BLOCK_BYTES // dtype.itemsize)
    if n <= block:
        kernel(p_flat, g_flat, b_flats, [np.empty(n, dtype) for _ in range(n_tmp)], *args)
    else:
        tmps = [np.empty(block, dtype) for _ in range(n_tmp)]
        for lo in range(0, n, block):
            hi = min(lo + block, n)
            kernel(p_flat[lo:hi], g_flat[lo:hi],
                   [None if f is None else f[lo:hi] for f in b_flats],
                   [t[:hi - lo] for t in tmps] if hi - lo < block else tmps, *args)
    for a, f in write_back:
        a[...] = f.view(a.dtype).reshape(a.shape)
    param._vc[0] += 1


def _effective_grad(p, g, weight_decay, maximize, out):
    """The gradient an update follows: ``-g`` when maximizing, plus the L2
    term ``weight_decay * p`` (coupled weight decay), in PyTorch's order.
    Returns ``g`` itself when neither applies (no copy)."""
    if weight_decay:
        np.multiply(p, weight_decay, out=out)
        if maximize:
            np.subtract(out, g, out=out)
        else:
            np.add(g, out, out=out)
        return out
    if maximize:
        np.negative(g, out=out)
        return out
    return g


def _lerp(start, end, weight, complement, tmp):
    """``start += weight * (end - start)`` in place, evaluated as PyTorch's
    ``lerp_`` does: for weights of 0.5 and more it works from ``end``
    (``end - (end - start) * (1 - weight)``), which keeps the result
    accurate when ``weight`` is close to 1.  ``complement`` is None for
    small weights, else ``1 - weight`` (see `_lerp_weight`)."""
    np.subtract(end, start, out=tmp)
    if complement is None:
        np.multiply(tmp, weight, out=tmp)
        np.add(start, tmp, out=start)
    else:
        np.multiply(tmp, complement, out=tmp)
        np.subtract(end, tmp, out=start)


def _lerp_weight(weight, dtype):
    """``(weight, complement)`` for `_lerp` on arrays of ``dtype``.  PyTorch
    decides which form to use, and forms ``1 - weight``, in the tensor's own
    precision; doing the same keeps float32 runs on PyTorch's path."""
    real = np.finfo(dtype).dtype.type  # float32 for float32 and complex64
    w = real(weight)
    if abs(w) < 0.5:
        return weight, None
    return weight, float(real(1) - w)

"""Module hooks with PyTorch's names, signatures and return-value rules.

* forward pre-hook ``hook(module, args)`` (or ``(module, args, kwargs)``
  with ``with_kwargs=True``): may return new args (a non-tuple is wrapped
  in one), or ``(args, kwargs)``;
* forward hook ``hook(module, args, output)`` (or ``(module, args, kwargs,
  output)``): may return a new output;
* backward pre-hook ``hook(module, grad_output)``: may return a new
  ``grad_output``; full backward hook ``hook(module, grad_input,
  grad_output)``: may return a new ``grad_input``.  ``grad_input`` has one
  entry per positional Tensor argument of ``forward`` (None where it does
  not require grad), ``grad_output`` one per output Tensor.

Backward hooks need one graph node that sees the gradients of all the
module's inputs at once, and one for all its outputs.  A node here has one
output, so each side is *joined*: the tensors are copied into one flat
buffer (one node) and handed on as slices of it.  The copy is paid only by
modules that have backward hooks.
"""
import numpy as np

from autograd import Function, Tensor, is_grad_enabled
from autograd.hooks import RemovableHandle


class ModuleHooks:
    """The hooks registered on one module; ``kwargs_ids`` marks the forward
    (pre-)hooks registered with ``with_kwargs=True``, ``always_ids`` the
    forward hooks that run even when forward raises."""

    __slots__ = ("forward_pre", "forward", "backward_pre", "backward", "kwargs_ids",
                 "always_ids")

    def __init__(self):
        self.forward_pre = {}
        self.forward = {}
        self.backward_pre = {}
        self.backward = {}
        self.kwargs_ids = set()
        self.always_ids = set()

    def __bool__(self):
        return bool(self.forward_pre or self.forward or self.backward_pre or self.backward)


def register(module, kind, hook, *, prepend=False, with_kwargs=False, always_call=False):
    """Add ``hook`` to the module's ``kind`` table; returns its handle."""
    if not callable(hook):
        raise TypeError(f"{type(module).__name__}.register_{kind}_hook: the hook must be "
                        f"callable, got {type(hook).__name__} {hook!r}")
    hooks = module.__dict__.get("_module_hooks")
    if hooks is None:
        hooks = ModuleHooks()
        object.__setattr__(module, "_module_hooks", hooks)
    table = getattr(hooks, kind)
    handle = RemovableHandle(table)
    table[handle.id] = hook
    if prepend:
        table_items = list(table.items())
        table.clear()
        table[handle.id] = hook
        table.update(table_items)
    if with_kwargs:
        hooks.kwargs_ids.add(handle.id)
    if always_call:
        hooks.always_ids.add(handle.id)
    return handle


def call_with_hooks(module, hooks, args, kwargs):
    """``module.forward`` wrapped in its hooks."""
    for hid, hook in tuple(hooks.forward_pre.items()):
        if hid in hooks.kwargs_ids:
            out = hook(module, args, kwargs)
            if out is not None:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError(
                        f"{type(module).__name__}: a forward pre-hook registered with "
                        "with_kwargs=True must return None or a tuple (args, kwargs), got "
                        f"{type(out).__name__}")
                args, kwargs = out
        else:
            out = hook(module, args)
            if out is not None:
                args = out if isinstance(out, tuple) else (out,)
    backward = (hooks.backward or hooks.backward_pre) and is_grad_enabled()
    if backward:
        args, in_node, n_in = _join_inputs(args)
    try:
        result = module.forward(*args, **kwargs)
    except BaseException:
        for hid, hook in tuple(hooks.forward.items()):
            if hid in hooks.always_ids:
                try:
                    _call_forward_hook(hooks, hid, hook, module, args, kwargs, None)
                except Exception:
                    pass  # the forward's own error is the one to report
        raise
    for hid, hook in tuple(hooks.forward.items()):
        out = _call_forward_hook(hooks, hid, hook, module, args, kwargs, result)
        if out is not None:
            result = out
    if backward:
        result = _join_outputs(module, hooks, result, in_node, n_in)
    return result


def _call_forward_hook(hooks, hid, hook, module, args, kwargs, result):
    if hid in hooks.kwargs_ids:
        return hook(module, args, kwargs, result)
    return hook(module, args, result)


# ------------------------------------------------------------ backward hooks
class BackwardHookFunction(Function):
    """Identity on a group of tensors, as one node: forward copies them
    into one flat buffer, backward splits the buffer's gradient again."""

    __slots__ = ("_layout",)

    @staticmethod
    def forward(ctx, *arrays):
        ctx._layout = [(a.shape, a.dtype) for a in arrays]
        dtype = np.result_type(*arrays)
        return np.concatenate([np.ravel(a).astype(dtype, copy=False) for a in arrays])

    @staticmethod
    def backward(ctx, g):
        return tuple(_split(g, ctx._layout))


def _split(flat, layout):
    """The pieces of a joined buffer, with their shapes and dtypes."""
    pieces, start = [], 0
    for shape, dtype in layout:
        size = int(np.prod(shape, dtype=np.int64))
        piece = flat[start:start + size].reshape(shape)
        pieces.append(piece if piece.dtype == dtype else piece.to(dtype))
        start += size
    return pieces


def _join(tensors):
    joined = BackwardHookFunction.apply(*tensors)
    return joined, _split(joined, [(t.shape, t.dtype) for t in tensors])


def _join_inputs(args):
    """Route the positional tensors that require grad through one node, so
    one post-hook sees all their gradients."""
    where = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    n_in = sum(isinstance(a, Tensor) for a in args)
    if not where:
        return args, None, n_in
    joined, pieces = _join([args[i] for i in where])
    args = list(args)
    for i, p in zip(where, pieces):
        args[i] = p
    tensor_slots = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
    slot_of = [tensor_slots.index(i) for i in where]
    return tuple(args), (joined.grad_fn, slot_of), n_in


def _join_outputs(module, hooks, result, in_node, n_in):
    """Route the output tensors through one node whose pre-hook captures
    ``grad_output`` (and runs the backward pre-hooks); the input node's
    post-hook then calls the full backward hooks."""
    single = isinstance(result, Tensor)
    outs = (result,) if single else result
    if not isinstance(outs, (tuple, list)):
        return result
    where = [i for i, o in enumerate(outs) if isinstance(o, Tensor) and o.requires_grad]
    if not where:
        return result
    joined, pieces = _join([outs[i] for i in where])
    layout = [(outs[i].shape, outs[i].dtype) for i in where]
    n_out = sum(isinstance(o, Tensor) for o in outs)
    out_slots = [i for i, o in enumerate(outs) if isinstance(o, Tensor)]
    slot_of = [out_slots.index(i) for i in where]
    captured = {}

    def grad_output_of(flat):
        grads = [None] * n_out
        for slot, piece in zip(slot_of, _split(flat, layout)):
            grads[slot] = piece
        return tuple(grads)

    def on_grad_output(grad_outputs):
        flat = grad_outputs[0]
        grads = grad_output_of(flat)
        changed = False
        for hook in tuple(hooks.backward_pre.values()):
            new = hook(module, grads)
            if new is not None:
                grads = _checked(module, "backward pre-hook", grads, new)
                changed = True
        captured["grad_output"] = grads
        if in_node is None:  # nothing upstream needs grad: the hooks run now
            _run_backward_hooks(module, hooks, (None,) * n_in, grads)
        return (_rejoin(grads, slot_of, flat),) if changed else None

    joined.grad_fn.register_prehook(on_grad_output)
    if in_node is not None:
        node, in_slots = in_node

        def on_grad_input(grad_inputs, _):
            full = [None] * n_in
            for slot, g in zip(in_slots, grad_inputs):
                full[slot] = g
            new = _run_backward_hooks(module, hooks, tuple(full),
                                      captured.get("grad_output", (None,) * n_out))
            return tuple(new[slot] for slot in in_slots)

        node.register_hook(on_grad_input)
    out = list(outs)
    for i, p in zip(where, pieces):
        out[i] = p
    return out[0] if single else type(outs)(out)


def _rejoin(grads, slot_of, flat):
    parts = [grads[slot] for slot in slot_of]
    if any(p is None for p in parts):
        raise RuntimeError("a module backward pre-hook returned None for an output's gradient "
                           "that is needed; return a zero tensor instead")
    from autograd import cat
    return cat([p.reshape(-1).to(flat.dtype) for p in parts])


def _run_backward_hooks(module, hooks, grad_input, grad_output):
    for hook in tuple(hooks.backward.values()):
        new = hook(module, grad_input, grad_output)
        if new is not None:
            grad_input = _checked(module, "full backward hook", grad_input, new)
    return grad_input


def _checked(module, what, old, new):
    """A replacement must match the gradients it replaces, entry by entry."""
    name = type(module).__name__
    if not isinstance(new, (tuple, list)) or len(new) != len(old):
        got = f"{len(new)} values" if isinstance(new, (tuple, list)) else type(new).__name__
        raise RuntimeError(f"{name}: a {what} must return None or a tuple of {len(old)} "
                           f"gradients, got {got}")
    for i, (o, n) in enumerate(zip(old, new)):
        if n is None or o is None:
            continue
        if not isinstance(n, Tensor) or n.shape != o.shape:
            got = f"shape {tuple(n.shape)}" if isinstance(n, Tensor) else type(n).__name__
            raise RuntimeError(f"{name}: a {what} returned, for gradient {i}, {got}; "
                               f"expected a Tensor of shape {tuple(o.shape)}")
    return tuple(new)

"""``torch.autograd.functional``: derivatives of a whole Python function.

Where ``grad`` differentiates a graph the user has already built, these
take a function and the point to differentiate it at, build the graph
themselves, and hand back Jacobians, Hessians and their products with a
vector -- the tools Newton steps, Hessian eigenvalue estimates and
sensitivity analyses are written with.  Names, signatures, the nesting of
results and the error types follow PyTorch 2.13.

Everything stands on the reverse-mode engine (``grad`` with
``create_graph=True``); there is no forward-mode engine, so
Jacobian-vector products use the *double-vjp trick*: ``g(u) = J^T u`` is
linear in a dummy ``u``, so differentiating ``g(u) . v`` with respect to
``u`` gives ``J v``.

The caller's tensors are never changed: the function runs on detached
aliases of them (or, with ``create_graph=True``, on differentiable aliases
of the ones that require grad, so results can be differentiated further
back to them).
"""
import numpy as np

from .engine import grad as _engine_grad
from .errors import ArgumentError
from .grad_mode import enable_grad
from .ops.movement import stack
from .tensor import Tensor, _wrap

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]

_STRATEGIES = ("forward-mode", "reverse-mode")


class StrategyError(ArgumentError, AssertionError):
    """An unknown Jacobian strategy (PyTorch asserts, hence AssertionError)."""


# ------------------------------------------------------- argument handling
def _as_tensors(value, what, fn):
    """``(was_tuple, tuple_of_tensors)``.  Only a Tensor or a *tuple* of
    Tensors is accepted, as in PyTorch (a list is a TypeError)."""
    was_tuple = isinstance(value, tuple)
    items = value if was_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"the value at index {i}" if was_tuple else f"the given {what}"
            raise TypeError(f"{fn}(): the {what} must be a Tensor or a tuple of Tensors, but "
                            f"{where} is a {type(item).__name__}")
    return was_tuple, items


def _outputs_of(func, inputs, fn):
    return _as_tensors(func(*inputs), "outputs of the user-provided function", fn)


def _aliases(tensors, create_graph, need_graph):
    """New Tensor objects for the function to run on.  A new object even
    when the user's tensor could be used as is, so the user's tensor is
    never flagged and a function that closes over it is not mistaken for
    one that uses the argument."""
    out = []
    for t in tensors:
        if create_graph and t.requires_grad:
            out.append(t.view_as(t))  # stays connected to the user's graph
        else:
            out.append(t.detach().requires_grad_(need_graph))
    return tuple(out)


def _check_v(v, refs, refs_are_tuple, fn, what):
    """``v`` must match ``refs`` tensor for tensor, shape for shape."""
    if len(v) != len(refs):
        if refs_are_tuple:
            raise RuntimeError(f"{fn}(): v is a tuple of {len(v)} tensors but the {what} are "
                               f"{len(refs)} tensors; give one v per {what[:-1]}")
        raise RuntimeError(f"{fn}(): the {what[:-1]} is a single Tensor, so v must be a single "
                           f"Tensor, got a tuple of {len(v)}")
    for i, (a, b) in enumerate(zip(v, refs)):
        if a.shape != b.shape:
            entry = f"entry {i} of v" if refs_are_tuple else "v"
            raise RuntimeError(f"{fn}(): {entry} has shape {tuple(a.shape)} but the "
                               f"{what[:-1]} {i} has shape {tuple(b.shape)}; they must be equal")


def _v_or_default(v, refs, refs_are_tuple, create_graph, fn, what):
    """``v`` as a tuple of detached tensors; ``None`` is allowed only when
    ``refs`` is one single-element tensor (then v is implied to be 1)."""
    if v is None:
        if len(refs) != 1 or refs[0].numel() != 1:
            raise RuntimeError(f"{fn}(): v can be left out only when the {what[:-1]} is a "
                               "single Tensor with a single element; got "
                               f"{[tuple(r.shape) for r in refs]}")
        return None
    _, v = _as_tensors(v, "v", fn)
    v = _aliases(v, create_graph, need_graph=False)
    _check_v(v, refs, refs_are_tuple, fn, what)
    return v


def _check_outputs_need_grad(outputs, strict, fn):
    if not strict:
        return
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(f"{fn}(): output {i} of the user-provided function does not "
                               "require grad (it does not depend on the inputs in a "
                               "differentiable way); strict=True does not allow this")


def _check_jacobian_needs_grad(jac, strict, fn):
    """strict=True and a Jacobian that is constant (e.g. a linear function):
    its derivative would be silently zero, which strict refuses."""
    if not strict:
        return
    for i, j in enumerate(jac):
        if j is None:
            raise RuntimeError(f"{fn}(): the output of the user-provided function does not "
                               f"depend on input {i}; strict=True does not allow this")
        if not j.requires_grad:
            raise RuntimeError(f"{fn}(): the Jacobian of the user-provided function with "
                               f"respect to input {i} does not depend on the inputs (is the "
                               "function linear in it?); strict=True does not allow this")


def _single_scalar_output(outputs, was_tuple, fn):
    if was_tuple:
        raise RuntimeError(f"{fn}(): the function must return a single Tensor, got a tuple of "
                           f"{len(outputs)}")
    if outputs[0].numel() != 1:
        raise RuntimeError(f"{fn}(): the Tensor the function returns must have a single "
                           f"element, got shape {tuple(outputs[0].shape)}")


# ------------------------------------------------------------ gradients
def _grads(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """``grad`` that skips outputs which are None or do not require grad
    (their gradient is zero) and gives None for unused inputs."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    kept = [(o, g) for o, g in zip(outputs, grad_outputs)
            if o is not None and o.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    outs, gouts = zip(*kept)
    return _engine_grad(outs, inputs, gouts, retain_graph=retain_graph,
                        create_graph=create_graph, allow_unused=True)


def _zeros_like(t):
    return _wrap(np.zeros(t.shape, dtype=t.dtype))


def _fill_zeros(grads, refs, strict, create_graph, fn, about):
    """Zeros where an input had no gradient; under strict=True an error
    naming the input instead (PyTorch's strict mode)."""
    out = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(f"{fn}(): {about(i)}; strict=True does not allow this")
            g = _zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            raise RuntimeError(f"{fn}(): the result for input {i} does not depend on the "
                               "inputs, so create_graph=True cannot give it a graph; "
                               "strict=True does not allow this")
        out.append(g)
    return tuple(out)


def _finish(tensors, create_graph):
    """Results carry a graph only when the caller asked for one."""
    if create_graph:
        return tuple(tensors)
    return tuple(t.detach() if isinstance(t, Tensor) else _finish(t, False) for t in tensors)


def _unpack(result, was_tuple):
    return result if was_tuple else result[0]


# ---------------------------------------------------------------- public
def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """Vector-Jacobian product ``v^T J`` of ``func`` at ``inputs``;
    returns ``(func(inputs), vjp)``."""
    with enable_grad():
        in_tuple, inputs = _as_tensors(inputs, "inputs", "vjp")
        inputs = _aliases(inputs, create_graph, need_graph=True)
        out_tuple, outputs = _outputs_of(func, inputs, "vjp")
        _check_outputs_need_grad(outputs, strict, "vjp")
        v = _v_or_default(v, outputs, out_tuple, create_graph, "vjp", "outputs")
        found = _grads(outputs, inputs, v, create_graph=create_graph)
    result = _fill_zeros(found, inputs, strict, create_graph, "vjp",
                         lambda i: f"the output does not depend on input {i}")
    return (_unpack(_finish(outputs, create_graph), out_tuple),
            _unpack(_finish(result, create_graph), in_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """Jacobian-vector product ``J v`` of ``func`` at ``inputs`` (by the
    double-vjp trick); returns ``(func(inputs), jvp)``."""
    with enable_grad():
        in_tuple, inputs = _as_tensors(inputs, "inputs", "jvp")
        inputs = _aliases(inputs, create_graph, need_graph=True)
        v = _v_or_default(v, inputs, in_tuple, create_graph, "jvp", "inputs")
        out_tuple, outputs = _outputs_of(func, inputs, "jvp")
        _check_outputs_need_grad(outputs, strict, "jvp")
        dummies, transposed = _transposed_product(outputs, inputs, outputs)
        if strict:
            for i, g in enumerate(transposed):
                if g is None:
                    raise RuntimeError(f"jvp(): the output does not depend on input {i}; "
                                       "strict=True does not allow this")
        found = _grads(transposed, dummies, v, create_graph=create_graph)
    result = _fill_zeros(found, outputs, strict, create_graph, "jvp",
                         lambda i: f"output {i} does not depend on the inputs")
    return (_unpack(_finish(outputs, create_graph), out_tuple),
            _unpack(_finish(result, create_graph), out_tuple))


def _transposed_product(outputs, inputs, shapes_of):
    """``(u, J^T u)`` for dummy ``u`` (zeros that require grad, shaped as
    ``shapes_of``): ``J^T u`` is linear in ``u``, so its vjp with respect to
    ``u`` is ``J v``.  The value of ``u`` never appears in that vjp, zeros
    are as good as any."""
    dummies = tuple(_zeros_like(o).requires_grad_(True) for o in shapes_of)
    return dummies, _grads(outputs, inputs, dummies, create_graph=True)


def _one_hot(ref, k):
    e = np.zeros(ref.numel(), dtype=ref.dtype)
    e[k] = 1
    return _wrap(e.reshape(ref.shape))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``: block ``[i][j]`` has shape
    ``outputs[i].shape + inputs[j].shape``; a non-tuple input or output
    removes that level of nesting.

    ``vectorize=True`` is accepted and gives the same values: there is no
    vmap here, so it runs the same row-by-row loop (PyTorch's vectorized
    path is a speed-up, not a different result)."""
    if strategy not in _STRATEGIES:
        raise StrategyError(f"jacobian(): strategy must be 'forward-mode' or 'reverse-mode', "
                            f"got {strategy!r}")
    if strategy == "forward-mode":
        return _forward_jacobian(func, inputs, create_graph, strict, vectorize)
    if vectorize and strict:
        raise RuntimeError("jacobian(): strict=True and vectorize=True cannot be used "
                           "together (as in PyTorch); set one of them to False")
    with enable_grad():
        in_tuple, inputs = _as_tensors(inputs, "inputs", "jacobian")
        inputs = _aliases(inputs, create_graph, need_graph=True)
        out_tuple, outputs = _outputs_of(func, inputs, "jacobian")
        _check_outputs_need_grad(outputs, strict, "jacobian")
        blocks = tuple(_reverse_rows(i, out, inputs, create_graph, strict)
                       for i, out in enumerate(outputs))
    blocks = _finish(blocks, create_graph)
    return _unpack(tuple(_unpack(b, in_tuple) for b in blocks), out_tuple)


def _reverse_rows(i, out, inputs, create_graph, strict):
    """Jacobian blocks of output ``i``: one vjp per output element."""
    rows = tuple([] for _ in inputs)
    for k in range(out.numel()):
        found = _grads((out,), inputs, (_one_hot(out, k),), create_graph=create_graph,
                       retain_graph=True)
        for j, (g, inp) in enumerate(zip(found, inputs)):
            if g is None:
                if strict:
                    raise RuntimeError(f"jacobian(): output {i} of the user-provided function "
                                       f"does not depend on input {j}; strict=True does not "
                                       "allow this")
                g = _zeros_like(inp)
            elif strict and create_graph and not g.requires_grad:
                raise RuntimeError(f"jacobian(): the Jacobian of output {i} with respect to "
                                   f"input {j} does not depend on the inputs, so "
                                   "create_graph=True cannot give it a graph; strict=True "
                                   "does not allow this")
            rows[j].append(g)
    return tuple(_assemble(r, out.shape + inp.shape, inp) for r, inp in zip(rows, inputs))


def _assemble(pieces, shape, ref, axis=0):
    if not pieces:  # an output or input with no elements
        return _wrap(np.zeros(shape, dtype=ref.dtype))
    return stack(pieces, axis).reshape(shape)


def _forward_jacobian(func, inputs, create_graph, strict, vectorize):
    """``strategy='forward-mode'``: the Jacobian column by column, each
    column a Jacobian-vector product by the double-vjp trick.  PyTorch's
    restrictions are kept (no create_graph, no strict, vectorize=True
    required), so code written for PyTorch behaves the same here."""
    if create_graph:
        raise NotImplementedError("jacobian(): create_graph=True and strategy='forward-mode' "
                                  "are not supported together (as in PyTorch); use "
                                  "strategy='reverse-mode'")
    if strict:
        raise RuntimeError("jacobian(): strict=True and strategy='forward-mode' are not "
                           "supported together (as in PyTorch); use strategy='reverse-mode'")
    in_tuple, inputs = _as_tensors(inputs, "inputs", "jacobian")
    if not vectorize:
        raise NotImplementedError("jacobian(): strategy='forward-mode' needs vectorize=True "
                                  "(as in PyTorch)")
    with enable_grad():
        inputs = _aliases(inputs, False, need_graph=True)
        out_tuple, outputs = _outputs_of(func, inputs, "jacobian")
        dummies, transposed = _transposed_product(outputs, inputs, outputs)
        blocks = [[None] * len(inputs) for _ in outputs]
        for j, inp in enumerate(inputs):
            columns = [_grads((transposed[j],), dummies, (_one_hot(inp, k),),
                              retain_graph=True) for k in range(inp.numel())]
            for i, out in enumerate(outputs):
                cols = [_zeros_like(out) if c[i] is None else c[i] for c in columns]
                blocks[i][j] = _assemble(cols, out.shape + inp.shape, out, axis=-1)
    blocks = _finish(tuple(tuple(b) for b in blocks), False)
    return _unpack(tuple(_unpack(b, in_tuple) for b in blocks), out_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar ``func`` at ``inputs``: block ``[i][j]`` has
    shape ``inputs[i].shape + inputs[j].shape`` (no nesting for a single
    input).  It is the Jacobian of the gradient, the outer Jacobian taken
    with ``outer_jacobian_strategy``."""
    in_tuple, inputs = _as_tensors(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in _STRATEGIES:
        raise StrategyError("hessian(): outer_jacobian_strategy must be 'forward-mode' or "
                            f"'reverse-mode', got {outer_jacobian_strategy!r}")

    def scalar_func(*args):
        out_tuple, outputs = _outputs_of(func, args, "hessian")
        _check_outputs_need_grad(outputs, strict, "hessian")
        _single_scalar_output(outputs, out_tuple, "hessian")
        return outputs[0].reshape(())

    def gradient(*args):
        jac = jacobian(scalar_func, args, create_graph=True)
        _check_jacobian_needs_grad(jac, strict, "hessian")
        return jac

    result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                      vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack(tuple(_unpack(row, in_tuple) for row in result), in_tuple)


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """Vector-Hessian product ``v^T H`` of a scalar ``func`` at ``inputs``;
    returns ``(func(inputs), vhp)``."""
    with enable_grad():
        in_tuple, inputs, v, outputs, jac = _gradient_at(func, inputs, v, create_graph,
                                                         strict, "vhp")
        found = _grads(jac, inputs, v, create_graph=create_graph)
    result = _fill_zeros(found, inputs, strict, create_graph, "vhp",
                         lambda i: f"the Jacobian does not depend on input {i}")
    return (_finish(outputs, create_graph)[0], _unpack(_finish(result, create_graph), in_tuple))


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """Hessian-vector product ``H v`` of a scalar ``func`` at ``inputs``
    (by the double-vjp trick; equal to ``vhp`` when the Hessian is
    symmetric); returns ``(func(inputs), hvp)``."""
    with enable_grad():
        in_tuple, inputs, v, outputs, jac = _gradient_at(func, inputs, v, create_graph,
                                                         strict, "hvp")
        dummies, transposed = _transposed_product(jac, inputs, inputs)
        found = _grads(transposed, dummies, v, create_graph=create_graph)
    result = _fill_zeros(found, inputs, strict, create_graph, "hvp",
                         lambda i: f"the Hessian does not depend on entry {i} of v")
    return (_finish(outputs, create_graph)[0], _unpack(_finish(result, create_graph), in_tuple))


def _gradient_at(func, inputs, v, create_graph, strict, fn):
    """The shared first half of vhp and hvp: checked inputs and v, the
    scalar output and its gradient (with a graph, to differentiate again)."""
    in_tuple, inputs = _as_tensors(inputs, "inputs", fn)
    inputs = _aliases(inputs, create_graph, need_graph=True)
    v = _v_or_default(v, inputs, in_tuple, create_graph, fn, "inputs")
    out_tuple, outputs = _outputs_of(func, inputs, fn)
    _check_outputs_need_grad(outputs, strict, fn)
    _single_scalar_output(outputs, out_tuple, fn)
    jac = _grads(outputs, inputs, create_graph=True)
    _check_jacobian_needs_grad(jac, strict, fn)
    return in_tuple, inputs, v, outputs, jac

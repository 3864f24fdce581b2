"""The backward pass: the chain rule applied once per node.

1. Count, for every node reachable from the outputs, how many edges point at
   it (an iterative walk: no recursion, so million-node chains are fine).
2. Pop nodes whose consumers have all delivered their gradient (Kahn's
   algorithm: a reverse topological order), call their ``backward`` once on
   the summed gradient, and hand each input its share.  A gradient lives in
   the ``grads`` dict only until its node runs, so memory follows the
   frontier, not the whole graph.
3. Leaves accumulate into ``.grad`` (``backward``) or into the result of
   ``grad()`` -- never both.

Backward runs with grad mode = ``create_graph``: with it on, the gradients
are themselves recorded and can be differentiated again.
"""
import threading
import warnings

import numpy as np

from . import hooks as _hooks
from .errors import ArgumentError
from .function import _RELEASED, Function, creation_site
from .grad_mode import _state, set_grad_enabled
from .tensor import Tensor, _wrap


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad``.  With
    ``inputs``, only into those tensors'."""
    tensors = _as_tuple(tensors)
    pairs = _root_pairs(tensors, grad_tensors, create_graph, "backward")
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is None:
        _run(pairs, retain_graph, create_graph, None)
        return
    inputs = _nonempty_inputs(inputs, "backward")
    found = _run(pairs, retain_graph, create_graph, _capture_map(inputs, "backward"))
    with set_grad_enabled(create_graph), _grad_write_lock:
        for t, g in zip(inputs, found):
            if g is not None:
                _accumulate_into(t, g, None if create_graph else set())


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, materialize_grads=False):
    """d(outputs)/d(inputs), returned as a tuple; ``.grad`` is left alone.
    PyTorch's signature: ``only_inputs`` is accepted and ignored (PyTorch
    deprecated it: gradients only ever go to ``inputs``), and
    ``materialize_grads=True`` gives zeros instead of None for an unused
    input."""
    allow_unused = _unused_arg(only_inputs, allow_unused, materialize_grads)
    outputs = _as_tuple(outputs)
    inputs = _nonempty_inputs(inputs, "grad")
    pairs = _root_pairs(outputs, grad_outputs, create_graph, "grad")
    if retain_graph is None:
        retain_graph = create_graph
    found = _run(pairs, retain_graph, create_graph, _capture_map(inputs, "grad"))
    for i, g in enumerate(found):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} (shape {inputs[i].shape}) is not used in computing the "
                "outputs, so it has no gradient. Pass allow_unused=True to get None for it.")
    if materialize_grads:
        found = [g if g is not None else _zeros_for(t, create_graph)
                 for g, t in zip(found, inputs)]
    return tuple(found)


def _trim_results(node, results, n_inputs):
    """A backward may return extra trailing ``None`` gradients (for optional
    arguments the call left out), as PyTorch allows; anything else is a
    count mismatch."""
    if len(results) > n_inputs and all(r is None for r in results[n_inputs:]):
        return results[:n_inputs]
    raise RuntimeError(f"{node.name()}: backward returned {len(results)} gradients, but the "
                       f"op had {n_inputs} inputs")


def _unused_arg(only_inputs, allow_unused, materialize_grads):
    """``allow_unused`` as PyTorch resolves it (None follows
    ``materialize_grads``), after PyTorch's checks of the two flags."""
    if not only_inputs:
        warnings.warn("grad(): only_inputs is deprecated and ignored (gradients are only "
                      "computed for inputs); to accumulate into other leaves' .grad use "
                      "backward()", FutureWarning, stacklevel=3)
    if materialize_grads and allow_unused is False:
        raise ValueError("grad(): materialize_grads=True gives zeros for unused inputs, so "
                         "allow_unused must be True or left out, got allow_unused=False")
    return materialize_grads if allow_unused is None else allow_unused


def _zeros_for(t, create_graph):
    z = _wrap(np.zeros(t.shape, dtype=t.dtype))
    if create_graph:
        z.requires_grad = True
    return z


# ----------------------------------------------------------------- setup
def _as_tuple(x):
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _nonempty_inputs(inputs, op):
    """An empty ``inputs`` is refused (PyTorch): it would silently compute
    nothing, which is never what was meant."""
    inputs = _as_tuple(inputs)
    if not inputs:
        raise ArgumentError(f"{op}(): the inputs argument cannot be empty; leave it out to "
                            "get gradients for every leaf, or list the tensors you want")
    return inputs


def _root_pairs(outputs, grad_outputs, create_graph, op):
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs) if not isinstance(grad_outputs, np.ndarray) \
            else (grad_outputs,)
        if len(grad_outputs) != len(outputs):
            raise ValueError(f"{op}: got {len(grad_outputs)} gradients for {len(outputs)} outputs")
    pairs = []
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: output {i} is a {type(t).__name__}, not a Tensor")
        if not t._rg:
            raise RuntimeError(
                f"{op}: output {i} (shape {t.shape}) does not require grad and has no "
                "grad_fn: nothing it was computed from requires grad (or it was computed "
                "under no_grad()).")
        if g is None:
            if t._data.size != 1:
                raise RuntimeError(
                    f"{op}: the gradient can be implied only for a scalar output, but output "
                    f"{i} has shape {t.shape}. Pass gradient= a tensor of that shape (e.g. "
                    "ones_like(out)), or reduce the output first (out.sum()).")
            g = _wrap(np.ones(t.shape, dtype=t.dtype))
        else:
            gd = g._data if isinstance(g, Tensor) else np.asarray(g, dtype=t.dtype)
            if gd.shape != t.shape:
                raise RuntimeError(f"{op}: gradient {i} has shape {gd.shape} but the output "
                                   f"has shape {t.shape}")
            if isinstance(g, Tensor) and (create_graph or not g._rg):
                if g.dtype != t.dtype:
                    g = g.to(t.dtype)
            else:
                g = _wrap(gd.astype(t.dtype, copy=True))
        pairs.append((t._grad_fn or t, g))
    return pairs


def _capture_map(inputs, op):
    """Where each requested gradient is found: at a leaf, or at the node that
    produced a non-leaf input."""
    where = {}
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"{op}: input {i} is a {type(t).__name__}, not a Tensor")
        if not t._rg:
            raise RuntimeError(f"{op}: input {i} (shape {t.shape}) does not require grad, so "
                               "no gradient can be computed for it")
        where.setdefault(t._grad_fn or t, []).append(i)
    return where


# ------------------------------------------------------------------ core
def _run(pairs, retain_graph, create_graph, capture):
    """Run backward from ``pairs`` of (node or leaf, gradient).  Returns the
    captured gradients when ``capture`` is given, else accumulates into
    leaves' ``.grad``.

    Nothing outside this call changes until every node has run: leaf and
    retained gradients are summed here and written at the end, and saved
    tensors are released at the end, so a backward that raises half-way
    (a version error, a user op's bug) leaves ``.grad`` and the graph as
    they were.  Without ``create_graph`` no gradient needs a history, so
    sums of gradients are done on the arrays directly (no op dispatch)."""
    found = [None] * (sum(len(v) for v in capture.values()) if capture is not None else 0)
    grads = {}
    deps = {}
    roots = []
    leaf_sums = {} if capture is None else None
    retained = []
    ran = []
    prev_mode = _state.enabled
    _state.enabled = create_graph
    try:
        for edge, g in pairs:
            if isinstance(edge, Function):
                if edge in grads:
                    grads[edge] = grads[edge] + g
                else:
                    grads[edge] = g
                    deps[edge] = 0
                    roots.append(edge)
            else:
                _deliver_leaf(edge, g, capture, found, leaf_sums, create_graph)

        stack = list(roots)
        while stack:
            node = stack.pop()
            for nxt in node._edges:
                if nxt is None or not nxt._is_node:
                    continue
                c = deps.get(nxt)
                if c is None:
                    deps[nxt] = 1
                    stack.append(nxt)
                else:
                    deps[nxt] = c + 1

        anomaly = _state.anomaly
        observers = _state.observers
        ready = [r for r in roots if deps[r] == 0]
        while ready:
            node = ready.pop()
            edges = node._edges
            g = grads.pop(node, None)
            hooks = node._hooks
            if hooks is not None:
                g = _before_node(node, hooks, g, retained, capture, found)
            elif capture is not None and g is not None and node in capture:
                for i in capture[node]:
                    found[i] = g
            if g is None:
                results = (None,) * len(edges)
            else:
                results = type(node).backward(node, g)
                if type(results) is not tuple:
                    results = (results,)
                if len(results) != len(edges):
                    results = _trim_results(node, results, len(edges))
                if hooks is not None and hooks.post:
                    results = _hooks.run_post_hooks(node, _as_tensors(results, node), g)
                if observers:
                    results = _as_tensors(results, node)
                    for fn in observers:
                        fn(node, (g,), results)
                ran.append(node)
            for nxt, gi in zip(edges, results):
                if nxt is None:
                    continue
                if gi is not None and type(gi) is not Tensor:
                    gi = _coerce(gi, node)
                if nxt._is_node:
                    if gi is not None:
                        if gi._data.shape != nxt._shape:
                            _shape_error(node, gi, nxt._shape)
                        if anomaly:
                            _check_finite(node, gi)
                        prev = grads.get(nxt)
                        if prev is None:
                            grads[nxt] = gi
                        elif create_graph:
                            grads[nxt] = prev + gi
                        else:
                            grads[nxt] = _wrap(_array_sum(prev._data, gi._data))
                    c = deps[nxt] - 1
                    deps[nxt] = c
                    if c == 0:
                        ready.append(nxt)
                elif gi is not None:
                    if gi._data.shape != nxt._data.shape:
                        _shape_error(node, gi, nxt._data.shape)
                    if anomaly:
                        _check_finite(node, gi)
                    _deliver_leaf(nxt, gi, capture, found, leaf_sums, create_graph)
        if capture is None:
            _leaf_hooks_on_sums(leaf_sums, create_graph)
        else:
            _leaf_hooks_on_captures(capture, found)
        _commit(pairs, leaf_sums, retained, create_graph)
    finally:
        _state.enabled = prev_mode
    if not retain_graph:
        for node in ran:
            node._saved = _RELEASED
    return found


def _before_node(node, hooks, g, retained, capture, found):
    """What happens to a node's gradient before its backward, in PyTorch's
    order: the output tensor's hooks, ``retain_grad`` (which sees what they
    returned), a ``grad()`` capture, then the node's pre-hooks.  None means
    no gradient (none arrived, or a pre-hook dropped it)."""
    if g is None:
        return None
    if hooks.tensor_pre:
        g = _hooks.run_tensor_hooks(hooks.tensor_pre, g)
    if hooks.retained is not None:
        retained.append((hooks.retained, g))
    if capture is not None and node in capture:
        for i in capture[node]:
            found[i] = g
    if hooks.pre:
        g = _hooks.run_pre_hooks(node, g)
    return g


def _as_tensors(results, node):
    """Backward may return arrays; hooks and observers always see Tensors."""
    return tuple(r if r is None or type(r) is Tensor else _coerce(r, node) for r in results)


def _leaf_hooks_on_sums(leaf_sums, create_graph):
    """A leaf's hooks run once, on its whole gradient, before it is written
    (and before anything is written, so a failing hook changes nothing)."""
    for leaf, g in leaf_sums.items():
        table = getattr(leaf, "_hooks", None)
        if table:
            t = _hooks.run_tensor_hooks(table, g if create_graph else _wrap(g))
            leaf_sums[leaf] = t if create_graph else t._data


def _leaf_hooks_on_captures(capture, found):
    """``grad()`` and ``backward(inputs=)`` return a leaf's gradient after
    its hooks, as PyTorch does."""
    for edge, idx in capture.items():
        table = None if edge._is_node else getattr(edge, "_hooks", None)
        if table and found[idx[0]] is not None:
            g = _hooks.run_tensor_hooks(table, found[idx[0]])
            for i in idx:
                found[i] = g


def _array_sum(a, b):
    """``a + b`` as an array: NumPy gives a scalar for two 0-d arrays, and a
    tensor must hold an array (hooks, ``.numpy()``, in-place adds)."""
    s = a + b
    return s if type(s) is np.ndarray else np.asarray(s)


def _deliver_leaf(leaf, g, capture, found, leaf_sums, create_graph):
    if capture is not None:
        idx = capture.get(leaf)
        if idx is not None:
            for i in idx:
                found[i] = g if found[i] is None else found[i] + g
        return
    prev = leaf_sums.get(leaf)
    if create_graph:  # gradients are graphs: sum them as tensors
        leaf_sums[leaf] = g if prev is None else prev + g
    else:
        leaf_sums[leaf] = g._data if prev is None else _array_sum(prev, g._data)


# One lock for every write of a gradient into a tensor's ``.grad``: threads
# running backward on graphs that share a leaf would otherwise interleave
# the read-add-write of ``.grad`` and lose updates.  It is taken once per
# backward call, not per leaf.
_grad_write_lock = threading.Lock()


def _commit(pairs, leaf_sums, retained, create_graph):
    """Write the finished sums into ``.grad`` (leaves, then retained
    non-leaves), all under the lock."""
    with _grad_write_lock:
        for kept, g in retained:
            _retain(kept, g, create_graph)
        if not leaf_sums:
            return
        if create_graph:
            for leaf, g in leaf_sums.items():
                _accumulate_into(leaf, g, None)
            return
        # never alias the caller's gradient
        owned = {id(g._data if g._data.base is None else g._data.base) for _, g in pairs}
        for leaf, arr in leaf_sums.items():
            _accumulate_into(leaf, _wrap(arr), owned)


def _accumulate_into(t, g, owned):
    """``t.grad += g``.  Into the existing ``.grad`` in place, as PyTorch
    does, so code holding a reference to ``t.grad`` sees the sum -- except
    under create_graph (``owned`` is None: gradients are graphs) or when the
    existing ``.grad`` cannot take it (it requires grad, is read-only, or a
    user gave it another dtype or shape); then out of place.

    A first gradient is stored as is, but with ``owned`` (ids of the
    buffers already handed out) no two leaves may share gradient memory:
    the same buffer can reach several leaves (an Add passes its gradient to
    both inputs, a reshape passes a view of it), and a user zeroing one
    ``.grad`` in place must not zero another.  Buffers are identified by the array that owns the memory, so
    the common case -- a weight gradient that is a transposed view of a
    fresh GEMM result -- is kept without a copy."""
    if g._data.dtype != t._data.dtype:
        g = g.to(t._data.dtype)
    old = t._grad
    if old is not None:
        od = old._data if isinstance(old, Tensor) else None
        if (owned is not None and od is not None and not old._rg and od.flags.writeable
                and od.dtype == g._data.dtype and od.shape == g._data.shape):
            np.add(od, g._data, out=od)
            old._vc[0] += 1
        else:
            t._grad = old + g
        return
    if owned is not None:
        d = g._data
        buffer = id(d if d.base is None else d.base)
        if (buffer in owned or not d.flags.writeable
                or (t._data.flags.c_contiguous and not d.flags.c_contiguous)):
            # a private copy, in the leaf's memory order (as PyTorch lays out
            # .grad like its parameter): optimizers then update both as flat
            # arrays without copying
            d = np.array(d, order="C")
            buffer = id(d)
        owned.add(buffer)
        g = _wrap(d)
    t._grad = g


def _retain(kept, g, create_graph):
    t = kept()
    if t is not None:
        if not create_graph:
            g = _wrap(g._data.copy())
        t._grad = g if t._grad is None else t._grad + g


def _coerce(g, node):
    if isinstance(g, Tensor):  # a view or other Tensor subclass
        return g
    if isinstance(g, (np.ndarray, np.generic, float, int)):
        return _wrap(np.asarray(g))
    raise TypeError(f"{node.name()}: backward returned a {type(g).__name__}; expected a "
                    "Tensor, a NumPy array or None")


def _shape_error(node, g, shape):
    raise RuntimeError(f"{node.name()}: backward returned a gradient of shape {g.shape} for "
                       f"an input of shape {shape}")


def _check_finite(node, g):
    d = g._data
    if d.dtype.kind in "fc" and not np.isfinite(d).all():
        raise FloatingPointError(
            f"detect_anomaly: {node.name()} returned NaN/Inf in its gradient. The op was "
            f"created at:\n{creation_site(node)}")

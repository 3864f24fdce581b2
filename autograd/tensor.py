"""`Tensor`: an ndarray plus what autograd needs to differentiate through it.

A tensor is either a *leaf* (made by the user; ``grad_fn`` is None) or the
result of an op that recorded a node (``grad_fn``).  Gradients of leaves
that require grad accumulate in ``.grad``; non-leaves keep theirs only after
``retain_grad()``.

``_vc`` is the version counter: a one-element list shared by a tensor and
the views made from it.  Every in-place change bumps it; a node that saved
the tensor remembers the version it saw and refuses to use a changed one.

A view (the result of indexing, reshape, permute or expand that shares its
input's memory) is a `_View`: it also remembers which op made it from which
base, so when an in-place change reaches the shared memory after the view's
history was recorded, the view's history is regenerated from the base's
current one on next use -- the values the view shows and the gradient it
routes always agree.
"""
import weakref

import numpy as np

from . import dtypes as _dt
from .errors import ArgumentError, DTypeError, ShapeError

_new = object.__new__


_COMPLEX_REFUSAL = (
    "{what}: chainrule does not differentiate complex numbers (it does not "
    "implement PyTorch's conjugate Wirtinger convention, and will not give a "
    "half-right gradient). Keep the real and imaginary parts as two real tensors.")


def _refuse_export(t, how):
    raise RuntimeError(
        f"{how}: this tensor (shape {t._data.shape}) requires grad, and a NumPy array "
        "cannot carry its gradient; call t.detach().numpy() (or np.asarray(t.detach())) "
        "to get the values")


def _wrap(data):
    """Fast internal constructor: a tensor that does not require grad around
    an ndarray (no checks, no copies)."""
    t = _new(Tensor)
    t._data = data
    t._grad = None
    t._rg = False
    t._grad_fn = None
    t._vc = [0]
    t.name = None
    return t


def _adopt_counter(t, vc):
    """Make ``t`` share the version counter ``vc`` (it now shares the memory
    that counter guards).  ``t``'s old counter is bumped (views of the old
    memory and the nodes that saved the old value see a change), and the
    shared one is moved past every version ``t`` ever had, so no node that
    saved ``t`` can mistake the new value for the one it saw."""
    old = t._vc
    if old is vc:
        old[0] += 1
        return
    old[0] += 1
    if vc[0] < old[0]:
        vc[0] = old[0]
    t._vc = vc


def _readonly(data):
    """A view of ``data`` that cannot be written: arrays handed to users
    share the tensor's storage, and a write through them would bypass the
    version counter (a node that saved the tensor would compute with the
    new values and give a wrong gradient)."""
    view = data.view()
    view.flags.writeable = False
    return view



# What `Tensor(x)` takes as data; anything else (ints as sizes, sequences)
# follows PyTorch's legacy ``torch.Tensor(...)`` forms.  A float or bool
# scalar is chainrule's 0-d form (PyTorch refuses a bare number there).
_DATA_ARGS = (np.ndarray, np.generic, float, bool, complex)

class Tensor:
    # ``_view`` is set only on `_View` tensors (a `ViewOf`); in-place ops read
    # it with getattr, so no other op pays for it.
    # ``_hooks`` (a leaf's gradient hooks) is likewise set only when a hook
    # is registered on a leaf; the engine reads it once per leaf per backward.
    __slots__ = ("_data", "_grad", "_rg", "_grad_fn", "_vc", "name", "_view", "_hooks",
                 "__weakref__")
    _is_node = False  # as a graph edge, a tensor is a leaf (see engine)
    __hash__ = object.__hash__  # == is elementwise, identity stays the hash

    def __init__(self, *args, requires_grad=False, dtype=None, name=None):
        if len(args) == 1 and isinstance(args[0], (Tensor, *_DATA_ARGS)):
            data = args[0]  # an array, a tensor, or a float/bool scalar (a 0-d tensor)
        else:  # PyTorch's ``torch.Tensor(2, 3)`` / ``torch.Tensor([1, 2])``: the default float
            data = _legacy.legacy_array(args, np.dtype(dtype or _dt.DEFAULT_FLOAT), "Tensor")
        vc = [0]
        if isinstance(data, Tensor):
            data, vc = data._data, data._vc
        self._data = _dt.infer_array(data, None if dtype is None else np.dtype(dtype))
        self._grad = None
        self._rg = False
        self._grad_fn = None
        # sharing another tensor's storage means sharing its version counter
        self._vc = vc if self._data is data else [0]
        self.name = name
        if requires_grad:
            self.requires_grad = True

    # ------------------------------------------------------------ storage
    @property
    def data(self):
        """A tensor that shares this one's memory *and version counter*
        but has no history and does not require grad (PyTorch's ``.data``):
        ``p.data.add_(u)``, ``p.data.normal_()``, ``p.data.numpy()`` work.
        Unlike PyTorch, a write through it is seen by autograd: a node that
        saved this tensor refuses to use the changed value at backward
        (PyTorch would silently compute with it)."""
        return self.detach()

    @data.setter
    def data(self, value):
        """``t.data = other`` gives ``t`` other's values, shape and dtype
        (PyTorch's semantics).  A Tensor's memory is shared with ``t``, and
        so is its version counter, so a later write through either is seen
        by the nodes that saved the other; an array is shared when writable
        (a read-only one -- another tensor's ``.numpy()`` -- is copied, so
        ``t`` can still be updated in place).  Either way the replacement
        counts as an in-place change of ``t``: nodes that saved its old
        value refuse to use it."""
        if isinstance(value, Tensor):
            self._data = value._data
            _adopt_counter(self, value._vc)
            return
        value = np.asarray(value)
        if not value.flags.writeable:
            value = value.copy()
        self._data = value
        self._vc[0] += 1

    @property
    def grad(self):
        """The accumulated gradient (None until a backward reaches this
        tensor, or after ``zero_grad()``)."""
        return self._grad

    @grad.setter
    def grad(self, value):
        """Assigning ``.grad`` by hand is checked as PyTorch checks it: a
        Tensor (or None) of this tensor's shape and dtype -- an optimizer
        would otherwise apply a gradient of another shape or precision."""
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad must be a Tensor or None, got "
                                f"{type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise ShapeError(f"assigned grad has shape {value._data.shape}, but the tensor "
                                 f"has shape {self._data.shape}")
            if value._data.dtype != self._data.dtype:
                raise DTypeError(f"assigned grad has dtype {value._data.dtype}, but the tensor "
                                 f"has dtype {self._data.dtype}")
        self._grad = value

    @property
    def requires_grad(self):
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        flag = bool(flag)
        if self._grad_fn is not None:
            if flag:
                return
            raise RuntimeError(
                "requires_grad can only be changed on leaf tensors; this tensor was "
                f"made by {self._grad_fn.name()}. Use .detach() for a tensor that does "
                "not require grad.")
        if flag and self._data.dtype.kind == "c":
            raise DTypeError(_COMPLEX_REFUSAL.format(what=f"a {self._data.dtype} tensor "
                                                    "cannot require grad"))
        if flag and self._data.dtype.kind != "f":
            raise DTypeError(
                f"only floating-point tensors can require grad, got dtype "
                f"{self._data.dtype}; convert first, e.g. x.float() or x.double()")
        self._rg = flag

    def requires_grad_(self, requires_grad=True):
        self.requires_grad = requires_grad
        return self

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def _version(self):
        """How many in-place changes the tensor's memory has seen (PyTorch's
        name): what saved tensors and ``recorded_versions`` are checked
        against."""
        return self._vc[0]

    @property
    def is_leaf(self):
        return self._grad_fn is None

    @property
    def shape(self):
        return _size(self._data.shape)

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    def size(self, dim=None):
        if dim is None:
            return _size(self._data.shape)
        return self._data.shape[_a.dim_arg(dim, self._data.ndim, "size")]

    def numel(self):
        return self._data.size

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._data.shape[0]))

    def numpy(self, *, force=False):
        """The values as a read-only view of the storage (not a copy).  As in
        PyTorch, a tensor that requires grad must be detached first (or
        ``force=True`` given): the array cannot carry the gradient."""
        if self._rg and not force:
            _refuse_export(self, "numpy()")
        return _readonly(self._data)

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(t)``: a read-only view; a copy (writable) when asked
        for one or for another dtype.  Refused, as in PyTorch, for a tensor
        that requires grad: ``np.array([t1, t2])`` would otherwise drop the
        gradient without a word."""
        if self._rg:
            _refuse_export(self, "np.asarray()/np.array()")
        if dtype is not None and np.dtype(dtype) != self._data.dtype:
            return self._data.astype(dtype)
        return self._data.copy() if copy else _readonly(self._data)

    # NumPy functions and ufuncs on tensors (np.exp(t), arr * t): see
    # _numpy_dispatch for which run chainrule's op and which are refused.
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return _npd.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return _npd.array_function(func, args, kwargs)

    def item(self):
        if self._data.size != 1:
            raise ArgumentError(f"item(): only one-element tensors can be converted to a "
                                f"Python number, got shape {self._data.shape}")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        """A one-element integer tensor stands for its int (``lst[t]``,
        ``x[i:i + n]`` with ``i`` from ``randint``, ``range(t)``), as in PyTorch."""
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError(f"only integer tensors of a single element can be converted to an "
                            f"index, got dtype {self._data.dtype} and shape {self._data.shape}")
        return int(self._data.reshape(()))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"the truth value of a tensor of shape {self._data.shape} "
                               "is ambiguous; use .any() or .all()")
        return bool(self._data)

    def __repr__(self):
        body = _printing.array_text(self._data, "tensor(")
        extras = []
        if self._data.dtype not in (np.float32, np.int64, np.bool_):
            extras.append(f"dtype={self._data.dtype}")
        if self._grad_fn is not None:
            extras.append(f"grad_fn={self._grad_fn!r}")
        elif self._rg:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

    # ------------------------------------------------------ pickle, copy
    def __getstate__(self):
        """Pickling and copying keep the value, ``requires_grad``, ``.grad``
        and name, not the history: the copy is a leaf (as a loaded tensor
        is in PyTorch), with a version counter of its own."""
        return {"data": self._data, "requires_grad": self._rg, "grad": self.grad,
                "name": self.name}

    def __setstate__(self, state):
        if type(self) is _View:  # a view unpickles as a plain leaf
            self.__class__ = Tensor
        self._data = state["data"]
        self._grad = state["grad"]
        self._rg = state["requires_grad"]
        self._grad_fn = None
        self._vc = [0]
        self.name = state["name"]

    # -------------------------------------------------------- graph control
    def detach(self):
        """Same data (and version counter), no history."""
        t = _wrap(self._data)
        t._vc = self._vc
        return t

    def detach_(self):
        self._grad_fn = None
        self._rg = False
        return self

    def clone(self):
        return _ops.movement.clone(self)

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf after backward."""
        if not self._rg:
            raise RuntimeError("retain_grad(): the tensor does not require grad")
        if self._grad_fn is not None:
            # weak: the node must not keep its output alive (no cycles)
            _hooks.node_hooks(self._grad_fn).retained = weakref.ref(self)

    @property
    def retains_grad(self):
        fn = self._grad_fn
        kept = None if fn is None or fn._hooks is None else fn._hooks.retained
        return kept is not None and kept() is self

    def register_hook(self, hook):
        """``hook(grad)`` runs when this tensor's gradient has been computed
        (the whole of it, summed over its uses) and may return a Tensor of
        the same shape and dtype to use instead.  On a non-leaf the hook
        belongs to the value the tensor has now: after an in-place op it
        still sees the gradient of the old value, as in PyTorch."""
        if not self._rg:
            raise RuntimeError("register_hook(): cannot register a hook on a tensor that does "
                               "not require grad")
        fn = self._grad_fn
        if fn is not None:
            table = _hooks.node_hooks(fn).tensor_pre
        else:
            table = getattr(self, "_hooks", None)
            if table is None:
                table = self._hooks = {}
        return _hooks.add_hook(table, hook, "register_hook()")

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        _engine.backward((self,), None if gradient is None else (gradient,),
                         retain_graph, create_graph, inputs)

    # -------------------------------------------------------------- dtypes
    def astype(self, dtype):
        return _ops.elementwise.cast_explicit(self, dtype)

    def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False,
           memory_format=None):
        """PyTorch's forms: ``to(dtype)``, ``to(device)``, ``to(device,
        dtype)``, ``to(other_tensor)``, the keywords, and ``non_blocking``
        and ``copy`` given positionally after them.  The only device is the
        CPU; ``copy=True`` always returns a new tensor."""
        args, copy = _a.to_flags(args, copy)
        target = _a.to_dtype_arg(args, dtype, device)
        out = self if target is None else _ops.elementwise.cast_explicit(self, target)
        if copy and out is self:
            out = _mv.clone(self)
        return out

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """With no dtype, PyTorch's type string ('torch.FloatTensor');
        with one (a dtype, a legacy type such as ``LongTensor``, or its
        string), the tensor cast to it -- itself when already of it."""
        return _legacy.type_method(self, dtype)

    def float(self):
        return _ops.elementwise.cast_explicit(self, np.float32)

    def double(self):
        return _ops.elementwise.cast_explicit(self, np.float64)

    def half(self):
        return _ops.elementwise.cast_explicit(self, np.float16)

    def long(self):
        return _ops.elementwise.cast_explicit(self, np.int64)

    def int(self):
        return _ops.elementwise.cast_explicit(self, np.int32)

    def bool(self):
        return _ops.elementwise.cast_explicit(self, np.bool_)

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    # --------------------------------------------------------- arithmetic
    def __add__(self, other):
        return _ew.binary(_ew.Add, self, other)

    def __radd__(self, other):
        return _ew.binary(_ew.Add, other, self)

    def __sub__(self, other):
        return _ew.binary(_ew.Sub, self, other)

    def __rsub__(self, other):
        return _ew.binary(_ew.Sub, other, self)

    def __mul__(self, other):
        return _ew.binary(_ew.Mul, self, other)

    def __rmul__(self, other):
        return _ew.binary(_ew.Mul, other, self)

    def __truediv__(self, other):
        return _ew.binary(_ew.Div, self, other)

    def __rtruediv__(self, other):
        return _ew.binary(_ew.Div, other, self)

    def __pow__(self, other):
        return _ew.power(self, other)

    def __rpow__(self, other):
        return _ew.power(other, self)

    def __matmul__(self, other):
        return _ops.matmul.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul.matmul(other, self)

    def __neg__(self):
        return _ew.Neg.apply(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ew.unary(_ew.Abs, self)

    mul = __mul__
    pow = __pow__
    matmul = __matmul__
    neg = __neg__

    # in-place arithmetic: same object, bumped version, history rebased
    def __iadd__(self, other):
        return _ops.inplace.apply_inplace(self, _ew.Add, other, "+=")

    def __isub__(self, other):
        return _ops.inplace.apply_inplace(self, _ew.Sub, other, "-=")

    def __imul__(self, other):
        return _ops.inplace.apply_inplace(self, _ew.Mul, other, "*=")

    def __itruediv__(self, other):
        return _ops.inplace.apply_inplace(self, _ew.Div, other, "/=")

    def add_(self, other, alpha=1):
        return _ops.inplace.apply_inplace(self, _ew.Add, other if alpha == 1 else other * alpha, "add_")

    def sub_(self, other, alpha=1):
        return _ops.inplace.apply_inplace(self, _ew.Sub, other if alpha == 1 else other * alpha, "sub_")

    def mul_(self, other):
        return _ops.inplace.apply_inplace(self, _ew.Mul, other, "mul_")

    def div_(self, other):
        return _ops.inplace.apply_inplace(self, _ew.Div, other, "div_")

    def zero_(self):
        return _ops.inplace.fill_inplace(self, 0, "zero_")

    def fill_(self, value):
        return _ops.inplace.fill_inplace(self, value, "fill_")

    def copy_(self, src):
        return _ops.inplace.copy_inplace(self, src)

    # -------------------------------------------------------- comparisons
    def __eq__(self, other):
        return _ew.compare(np.equal, self, other)

    def __ne__(self, other):
        return _ew.compare(np.not_equal, self, other)

    def __lt__(self, other):
        return _ew.compare(np.less, self, other)

    def __le__(self, other):
        return _ew.compare(np.less_equal, self, other)

    def __gt__(self, other):
        return _ew.compare(np.greater, self, other)

    def __ge__(self, other):
        return _ew.compare(np.greater_equal, self, other)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __invert__(self):
        d = self._data
        if d.dtype.kind in "fc":
            raise DTypeError(f"~ (invert): defined for integer and bool tensors only, got "
                             f"dtype {d.dtype}")
        return _wrap(np.logical_not(d) if d.dtype == np.bool_ else np.invert(d))

    def __and__(self, other):
        return _ew.bitwise(np.bitwise_and, self, other)

    def __rand__(self, other):
        return _ew.bitwise(np.bitwise_and, other, self)

    def __or__(self, other):
        return _ew.bitwise(np.bitwise_or, self, other)

    def __ror__(self, other):
        return _ew.bitwise(np.bitwise_or, other, self)

    def __xor__(self, other):
        return _ew.bitwise(np.bitwise_xor, self, other)

    def __rxor__(self, other):
        return _ew.bitwise(np.bitwise_xor, other, self)

    def any(self, dim=None, keepdim=False):
        return _ix.any_(self, dim, keepdim)

    def all(self, dim=None, keepdim=False):
        return _ix.all_(self, dim, keepdim)

    def isnan(self):
        return _wrap(np.isnan(self._data))

    def isfinite(self):
        return _wrap(np.isfinite(self._data))

    def sign(self):
        return _ew.sign(self)

    def argmax(self, dim=None, keepdim=False, axis=None, keepdims=False):
        return _ops.reduce.argmax(self, _dim_arg(dim, axis, "argmax"), _keep_arg(keepdim, keepdims))

    def argmin(self, dim=None, keepdim=False, axis=None, keepdims=False):
        return _ops.reduce.argmin(self, _dim_arg(dim, axis, "argmin"), _keep_arg(keepdim, keepdims))

    # ------------------------------------------------------- unary math
    def exp(self):
        return _ew.unary(_ew.Exp, self)

    def log(self):
        return _ew.unary(_ew.Log, self)

    def sqrt(self):
        return _ew.unary(_ew.Sqrt, self)

    def abs(self):
        return _ew.unary(_ew.Abs, self)

    def sin(self):
        return _ew.unary(_ew.Sin, self)

    def cos(self):
        return _ew.unary(_ew.Cos, self)

    def tanh(self):
        return _ew.unary(_ew.Tanh, self)

    def sigmoid(self):
        return _ew.unary(_ew.Sigmoid, self)

    def relu(self):
        return _ew.unary(_ew.Relu, self)

    def leaky_relu(self, negative_slope=0.01):
        return _ew.leaky_relu(self, negative_slope)

    def elu(self, alpha=1.0):
        return _ew.elu(self, alpha)

    def softplus(self, beta=1.0, threshold=20.0):
        return _ew.softplus(self, beta, threshold)

    def clamp(self, min=None, max=None):
        return _ew.clamp(self, min, max)

    clip = clamp

    def maximum(self, other):
        return _ew.maximum(self, other)

    def minimum(self, other):
        return _ew.minimum(self, other)

    def square(self):
        return _ew.binary(_ew.Mul, self, self)

    def reciprocal(self):
        return _ew.binary(_ew.Div, 1.0, self)

    # --------------------------------------------------------- reductions
    def sum(self, dim=None, keepdim=False, axis=None, keepdims=False, dtype=None):
        if dtype is not None and self._rg and _grad_state.enabled \
                and np.dtype(dtype).kind != "f":
            raise DTypeError(f"sum(dtype={np.dtype(dtype)}): the result could not carry the "
                             "gradient of this tensor, which requires grad (PyTorch refuses "
                             "too); sum first, or .detach() if no gradient is wanted")
        x = self if dtype is None else self.to(dtype)
        return _ops.reduce.sum(x, _dim_arg(dim, axis, "sum"), _keep_arg(keepdim, keepdims))

    def mean(self, dim=None, keepdim=False, axis=None, keepdims=False):
        return _ops.reduce.mean(self, _dim_arg(dim, axis, "mean"), _keep_arg(keepdim, keepdims))

    def max(self, dim=None, keepdim=False, axis=None, keepdims=False):
        """Without ``dim``: the largest value (gradient shared among ties).
        With ``dim``: ``(values, indices)`` as in PyTorch."""
        if isinstance(dim, Tensor):
            return self.maximum(dim)
        return _ops.reduce.max(self, _dim_arg(dim, axis, "max"), _keep_arg(keepdim, keepdims))

    def min(self, dim=None, keepdim=False, axis=None, keepdims=False):
        if isinstance(dim, Tensor):
            return self.minimum(dim)
        return _ops.reduce.min(self, _dim_arg(dim, axis, "min"), _keep_arg(keepdim, keepdims))

    def amax(self, dim=None, keepdim=False, axis=None, keepdims=False):
        return _ops.reduce.amax(self, _dim_arg(dim, axis, "amax"), _keep_arg(keepdim, keepdims))

    def amin(self, dim=None, keepdim=False, axis=None, keepdims=False):
        return _ops.reduce.amin(self, _dim_arg(dim, axis, "amin"), _keep_arg(keepdim, keepdims))

    def var(self, dim=None, unbiased=None, keepdim=False, axis=None, keepdims=False,
            correction=None):
        return _ops.reduce.var(self, _dim_arg(dim, axis, "var"), _correction(unbiased, correction),
                               _keep_arg(keepdim, keepdims))

    def std(self, dim=None, unbiased=None, keepdim=False, axis=None, keepdims=False,
            correction=None):
        return _ops.reduce.std(self, _dim_arg(dim, axis, "std"), _correction(unbiased, correction),
                               _keep_arg(keepdim, keepdims))

    def logsumexp(self, dim=None, keepdim=False, axis=None, keepdims=False):
        return _ops.reduce.logsumexp(self, _dim_arg(dim, axis, "logsumexp"), _keep_arg(keepdim, keepdims))

    def softmax(self, dim=None, axis=None):
        return _ops.reduce.softmax(self, _dim_arg(dim, axis, "softmax"))

    def log_softmax(self, dim=None, axis=None):
        return _ops.reduce.log_softmax(self, _dim_arg(dim, axis, "log_softmax"))

    def norm(self, p=2, dim=None, keepdim=False):
        return _ops.reduce.norm(self, p, dim, keepdim)

    # ------------------------------------------------------------ movement
    def reshape(self, *shape):
        return _mv.reshape(self, _a.size_arg(shape, "reshape", "shape", "infer"))

    def view(self, *shape):
        if len(shape) == 1 and _is_dtype_arg(shape[0]):
            return _ix.view_dtype(self, shape[0])
        return _mv.reshape(self, _a.size_arg(shape, "view", "size", "infer"), "view")

    def view_as(self, other):
        return _mv.reshape(self, other.shape)

    def reshape_as(self, other):
        return _mv.reshape(self, other.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return _mv.flatten(self, start_dim, end_dim)

    def transpose(self, dim0=-2, dim1=-1):
        return _mv.transpose(self, dim0, dim1)

    def permute(self, *dims):
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = dims[0]
        return _mv.permute(self, dims)

    @property
    def T(self):
        return _mv.permute(self, tuple(range(self._data.ndim - 1, -1, -1)))

    @property
    def mT(self):
        return _mv.transpose(self, -2, -1)

    def t(self):
        if self._data.ndim > 2:
            raise ShapeError(f"t(): expects a tensor with at most 2 dims, got shape {self.shape}")
        return self.T

    def squeeze(self, dim=None, axis=None):
        return _mv.squeeze(self, _dim_arg(dim, axis, "squeeze"))

    def unsqueeze(self, dim):
        return _mv.unsqueeze(self, dim)

    def expand(self, *shape):
        return _mv.expand(self, _a.size_arg(shape, "expand", "size", "keep"))

    def expand_as(self, other):
        return _mv.expand(self, other.shape)

    def broadcast_to(self, shape):
        return _mv.broadcast_to(self, _a.size_arg((shape,), "broadcast_to"))

    def repeat(self, *reps):
        return _mv.repeat(self, _a.size_arg(reps, "repeat", "repeats"))

    def __getitem__(self, index):
        return _mv.getitem(self, index)

    def __setitem__(self, index, value):
        _ops.inplace.setitem(self, index, value)

    def split(self, split_size_or_sections, dim=0):
        return _mv.split(self, split_size_or_sections, dim)

    def chunk(self, chunks, dim=0):
        return _mv.chunk(self, chunks, dim)

    def contiguous(self):
        return _mv.contiguous(self)

    def is_contiguous(self):
        return self._data.flags.c_contiguous

    # ---- facade: CPU device API and formatting (issue 11)
    @property
    def device(self):
        """Always the CPU (chainrule computes with NumPy)."""
        return _device.CPU

    @property
    def is_cpu(self):
        return True

    @property
    def is_cuda(self):
        return False

    def get_device(self):
        """-1, PyTorch's answer for a CPU tensor."""
        return -1

    def cpu(self):
        """The tensor itself: it is already on the CPU (as in PyTorch)."""
        return self

    def cuda(self, device=None, non_blocking=False):
        """Refused: chainrule has no GPU (`DeviceError` names the device)."""
        _device.check_device("cuda" if device is None else _cuda_name(device), "cuda")

    def __format__(self, spec):
        """``f"{loss:.4f}"``: a 0-d tensor formats as its Python number;
        any other tensor only with an empty spec (PyTorch's rule)."""
        if self._data.ndim == 0 and type(self) in (Tensor, _View):
            return self._data.item().__format__(spec)
        if spec:
            raise TypeError(f"unsupported format string passed to "
                            f"{type(self).__name__}.__format__")
        return str(self)


    # ---- contractions, linear algebra, cumulative and sorting (issue 11)
    def mm(self, mat2):
        return _ops.linalg.mm(self, mat2)

    def bmm(self, mat2):
        return _ops.linalg.bmm(self, mat2)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return _ops.linalg.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def outer(self, vec2):
        return _ops.linalg.outer(self, vec2)

    ger = outer

    def diag(self, diagonal=0):
        return _ops.linalg.diag(self, diagonal)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return _ops.linalg.diagonal(self, offset, dim1, dim2)

    def trace(self):
        return _ops.linalg.trace(self)

    def tril(self, diagonal=0):
        return _ops.linalg.tril(self, diagonal)

    def triu(self, diagonal=0):
        return _ops.linalg.triu(self, diagonal)

    def inverse(self):
        return _ops.linalg.inv(self)

    def det(self):
        return _ops.linalg.det(self)

    def cumsum(self, dim, dtype=None):
        return _ops.cumulative.cumsum(self, dim, dtype)

    def cumprod(self, dim, dtype=None):
        return _ops.cumulative.cumprod(self, dim, dtype)

    def cummax(self, dim):
        return _ops.cumulative.cummax(self, dim)

    def cummin(self, dim):
        return _ops.cumulative.cummin(self, dim)

    def logcumsumexp(self, dim):
        return _ops.cumulative.logcumsumexp(self, dim)

    def sort(self, dim=-1, descending=False, stable=False):
        return _ops.sorting.sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return _ops.sorting.argsort(self, dim, descending, stable)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return _ops.sorting.topk(self, k, dim, largest, sorted)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return _ops.sorting.kthvalue(self, k, dim, keepdim)

    def median(self, dim=None, keepdim=False):
        return _ops.sorting.median(self, dim, keepdim)

    def mode(self, dim=-1, keepdim=False):
        return _ops.sorting.mode(self, dim, keepdim)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        return _ops.sorting.unique(self, sorted, return_inverse, return_counts, dim)


    # ---- indexing, shape and elementwise math (issue 11)
    def add(self, other, *, alpha=1):
        return _um.add(self, other, alpha=alpha)

    def sub(self, other, *, alpha=1):
        return _um.sub(self, other, alpha=alpha)

    def div(self, other, *, rounding_mode=None):
        return _um.div(self, other, rounding_mode=rounding_mode)

    true_divide = divide = __truediv__
    multiply = __mul__
    subtract = sub
    negative = __neg__

    def __mod__(self, other):
        return _um.remainder(self, other)

    def __rmod__(self, other):
        return _um.remainder(other, self)

    def __floordiv__(self, other):
        return _um.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _um.floor_divide(other, self)

    def remainder(self, other):
        return _um.remainder(self, other)

    def fmod(self, other):
        return _um.fmod(self, other)

    def floor_divide(self, other):
        return _um.floor_divide(self, other)

    def atan2(self, other):
        return _um.atan2(self, other)

    arctan2 = atan2

    def hypot(self, other):
        return _um.hypot(self, other)

    def copysign(self, other):
        return _um.copysign(self, other)

    def lerp(self, end, weight):
        return _um.lerp(self, end, weight)

    def round(self, decimals=0):
        return _um.round(self, decimals=decimals)

    def frac(self):
        return _um.frac(self)

    def isinf(self):
        return _um.isinf(self)

    def isposinf(self):
        return _um.isposinf(self)

    def isneginf(self):
        return _um.isneginf(self)

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _um.isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return _um.allclose(self, other, rtol, atol, equal_nan)

    def bitwise_and(self, other):
        return self & other

    def bitwise_or(self, other):
        return self | other

    def bitwise_xor(self, other):
        return self ^ other

    def bitwise_not(self):
        return ~self

    def gather(self, dim, index):
        return _ix.gather(self, dim, index)

    def take_along_dim(self, indices, dim=None):
        return _ix.take_along_dim(self, indices, dim)

    def scatter(self, dim, index, src=None, value=None, reduce=None):
        return _ix.scatter(self, dim, index, src, value, reduce)

    def scatter_(self, dim, index, src=None, value=None, reduce=None):
        return _ix.scatter_(self, dim, index, src, value, reduce)

    def scatter_add(self, dim, index, src):
        return _ix.scatter_add(self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        return _ix.scatter_add_(self, dim, index, src)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return _ix.scatter_reduce(self, dim, index, src, reduce,
                                            include_self=include_self)

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return _ix.scatter_reduce_(self, dim, index, src, reduce,
                                             include_self=include_self)

    def index_select(self, dim, index):
        return _ix.index_select(self, dim, index)

    def index_add(self, dim, index, source, *, alpha=1):
        return _ix.index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim, index, source, *, alpha=1):
        return _ix.index_add_(self, dim, index, source, alpha=alpha)

    def masked_fill(self, mask, value):
        return _ix.masked_fill(self, mask, value)

    def masked_fill_(self, mask, value):
        return _ix.masked_fill_(self, mask, value)

    def masked_select(self, mask):
        return _ix.masked_select(self, mask)

    def flip(self, *dims):
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = dims[0]
        return _ix.flip(self, dims)

    def fliplr(self):
        return _ix.fliplr(self)

    def flipud(self):
        return _ix.flipud(self)

    def roll(self, shifts, dims=None):
        return _ix.roll(self, shifts, dims)

    def movedim(self, source, destination):
        return _ix.movedim(self, source, destination)

    moveaxis = movedim

    def swapaxes(self, axis0, axis1):
        return _mv.transpose(self, axis0, axis1)

    swapdims = swapaxes

    def tensor_split(self, indices_or_sections, dim=0):
        return _ix.tensor_split(self, indices_or_sections, dim)

    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        return _ix.repeat_interleave(self, repeats, dim)

    def tile(self, *dims):
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = dims[0]
        return _ix.tile(self, dims)

    def nonzero(self, *, as_tuple=False):
        return _ix.nonzero(self, as_tuple=as_tuple)

    def argwhere(self):
        return _ix.nonzero(self)

    # ---- api: new_* factories (issue 11)
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A new leaf holding a copy of ``data``, in this tensor's dtype
        unless ``dtype`` says otherwise (PyTorch's rule, whatever the data's
        own type); a tensor given as data is copied and detached."""
        return _new_factories.new_tensor(self, data, dtype, device, requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        """Zeros of ``size``, in this tensor's dtype unless ``dtype`` says."""
        return _new_factories.new_filled(self, "new_zeros", size, 0, dtype, device,
                                         requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        """Ones of ``size``, in this tensor's dtype unless ``dtype`` says."""
        return _new_factories.new_filled(self, "new_ones", size, 1, dtype, device,
                                         requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        """A tensor of ``size`` in this tensor's dtype (zero-filled, as
        `empty` is)."""
        return _new_factories.new_filled(self, "new_empty", size, 0, dtype, device,
                                         requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        """``fill_value`` in every element of ``size``, in this tensor's
        dtype unless ``dtype`` says (not the fill value's type)."""
        return _new_factories.new_filled(self, "new_full", (size,), fill_value, dtype, device,
                                         requires_grad)
    # ---- shape ops, products and linear algebra for ported programs (issue 11, h-ops2)
    def unbind(self, dim=0):
        return _sx.unbind(self, dim)

    def narrow(self, dim, start, length):
        return _sx.narrow(self, dim, start, length)

    def narrow_copy(self, dim, start, length):
        return _sx.narrow_copy(self, dim, start, length)

    def select(self, dim, index):
        return _sx.select(self, dim, index)

    def ravel(self):
        return _sx.ravel(self)

    def take(self, index):
        return _sx.take(self, index)

    def unflatten(self, dim, sizes):
        return _sx.unflatten(self, dim, sizes)

    def rot90(self, k=1, dims=(0, 1)):
        return _sx.rot90(self, k, dims)

    def msort(self):
        return _sx.msort(self)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return _sx.diag_embed(self, offset, dim1, dim2)

    def diagflat(self, offset=0):
        return _sx.diagflat(self, offset)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return _sx.unique_consecutive(self, return_inverse, return_counts, dim)

    def hsplit(self, indices_or_sections):
        return _sx.hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections):
        return _sx.vsplit(self, indices_or_sections)

    def dsplit(self, indices_or_sections):
        return _sx.dsplit(self, indices_or_sections)

    def select_scatter(self, src, dim, index):
        return _sx.select_scatter(self, src, dim, index)

    def slice_scatter(self, src, dim=0, start=None, end=None, step=1):
        return _sx.slice_scatter(self, src, dim, start, end, step)

    def index_fill(self, dim, index, value):
        return _sx.index_fill(self, dim, index, value)

    def index_fill_(self, dim, index, value):
        return _ix._inplace_with_operand(
            self, value, lambda t: _sx.index_fill(t, dim, index, value), "index_fill_")

    def index_copy(self, dim, index, source):
        return _sx.index_copy(self, dim, index, source)

    def index_copy_(self, dim, index, source):
        return _ix._inplace_with_operand(
            self, source, lambda t: _sx.index_copy(t, dim, index, source), "index_copy_")

    def index_put(self, indices, values, accumulate=False):
        return _sx.index_put(self, indices, values, accumulate)

    def index_put_(self, indices, values, accumulate=False):
        return _ix._inplace_with_operand(
            self, values, lambda t: _sx.index_put(t, indices, values, accumulate),
            "index_put_")

    def masked_scatter(self, mask, source):
        return _sx.masked_scatter(self, mask, source)

    def masked_scatter_(self, mask, source):
        return _ix._inplace_with_operand(
            self, source, lambda t: _sx.masked_scatter(t, mask, source), "masked_scatter_")

    def dot(self, other):
        return _lx.dot(self, other)

    def vdot(self, other):
        return _lx.vdot(self, other)

    def inner(self, other):
        return _lx.inner(self, other)

    def mv(self, vec):
        return _lx.mv(self, vec)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        return _lx.addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        return _lx.addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _lx.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return _lx.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addcmul(self, tensor1, tensor2, *, value=1):
        return _lx.addcmul(self, tensor1, tensor2, value=value)

    def addcmul_(self, tensor1, tensor2, *, value=1):
        return _ix._inplace_with_operand(
            self, tensor1 if isinstance(tensor1, Tensor) and tensor1._rg else tensor2,
            lambda t: _lx.addcmul(t, tensor1, tensor2, value=value).to(t.dtype), "addcmul_")

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return _lx.addcdiv(self, tensor1, tensor2, value=value)

    def addcdiv_(self, tensor1, tensor2, *, value=1):
        return _ix._inplace_with_operand(
            self, tensor1 if isinstance(tensor1, Tensor) and tensor1._rg else tensor2,
            lambda t: _lx.addcdiv(t, tensor1, tensor2, value=value).to(t.dtype), "addcdiv_")

    def kron(self, other):
        return _lx.kron(self, other)

    def cross(self, other, dim=None):
        return _lx.cross(self, other, dim)

    def matrix_power(self, n):
        return _lx.matrix_power(self, n)

    def logdet(self):
        return _lx.logdet(self)

    def slogdet(self):
        return _lx.slogdet(self)

    def pinverse(self, rcond=1e-15):
        return _lx.pinverse(self, rcond)

    def svd(self, some=True, compute_uv=True):
        return _lx.svd(self, some, compute_uv)

    def bincount(self, weights=None, minlength=0):
        return _lx.bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):
        return _lx.histc(self, bins, min, max)


def _unary_method(name):
    def method(self):
        return getattr(_um, name)(self)
    method.__name__ = name
    method.__doc__ = f"``{name}`` of each element (see ``autograd.{name}``)."
    return method


for _name in ("floor", "ceil", "trunc", "log2", "log10", "log1p", "expm1", "exp2", "rsqrt",
              "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf",
              "erfc"):
    setattr(Tensor, _name, _unary_method(_name))
for _name, _alias in (("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"),
                      ("asinh", "arcsinh"), ("acosh", "arccosh"), ("atanh", "arctanh"),
                      ("trunc", "fix")):
    setattr(Tensor, _alias, getattr(Tensor, _name))
Tensor.sgn = Tensor.sign
del _name, _alias


def _is_dtype_arg(x):
    """Whether ``view``'s single argument names a dtype (``view(dtype)``)
    rather than a size."""
    if isinstance(x, (int, tuple, list, Tensor)) or isinstance(x, np.integer):
        return False
    try:
        np.dtype(x)
    except TypeError:
        return False
    return True


def _cuda_name(device):
    """``t.cuda(1)`` means device 'cuda:1'."""
    return f"cuda:{device}" if isinstance(device, int) else device



# ---- p-semantics (issue 11): in-place random fills, so that PyTorch's
# ``p.data.normal_()`` / ``w.data.uniform_(-a, a)`` run unchanged.  Attached
# after the class (not in its body) so they stay methods wherever a merge
# places this block.
def _normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill in place with draws from N(mean, std^2) (the library generator
    unless one is given); bumps the version like any write."""
    rng = _factories.generator() if generator is None else generator
    return self.copy_(np.asarray(rng.normal(mean, std, self._data.shape), self._data.dtype))


def _uniform_(self, from_=0.0, to=1.0, *, generator=None):
    """Fill in place with draws from U(from_, to)."""
    rng = _factories.generator() if generator is None else generator
    return self.copy_(np.asarray(rng.uniform(from_, to, self._data.shape), self._data.dtype))


Tensor.normal_ = _normal_
Tensor.uniform_ = _uniform_


def _multinomial(self, num_samples, replacement=False, *, generator=None):
    """Category indices drawn with the weights in each row (see `multinomial`)."""
    return _ops.sampling.multinomial(self, num_samples, replacement, generator=generator)


def _bernoulli(self, p=None, *, generator=None):
    """0/1 draws with the probabilities in ``self`` (see `bernoulli`)."""
    return _ops.sampling.bernoulli(self, p, generator=generator)


def _bernoulli_(self, p=0.5, *, generator=None):
    """Fill in place with 0/1 draws, 1 with probability ``p``."""
    return _ops.sampling.bernoulli_(self, p, generator=generator)


Tensor.multinomial = _multinomial
Tensor.bernoulli = _bernoulli
Tensor.bernoulli_ = _bernoulli_


# ---- reductions, special functions, comparison/logic function forms (issue 11)
def _delegate(module, name):
    """A Tensor method that calls the op ``autograd.ops.<module>.<name>``
    with the tensor as its first argument."""
    def method(self, *args, **kwargs):
        return getattr(getattr(_ops, module), name)(self, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"See ``autograd.{name}``."
    return method


def _polygamma_method(self, n):
    """``polygamma(n, self)``: the n-th derivative of digamma."""
    return _ops.special_math.polygamma(n, self)


for _module, _names in (
        ("reduce_extra", ("prod", "nansum", "nanmean", "aminmax", "count_nonzero", "quantile",
                          "nanquantile", "logaddexp", "logaddexp2", "dist", "diff")),
        ("special_math", ("lgamma", "digamma", "erfinv", "xlogy", "logit", "sinc", "deg2rad",
                          "rad2deg", "signbit", "nan_to_num", "clamp_min", "clamp_max",
                          "float_power", "fmax", "fmin", "heaviside", "gcd", "lcm", "positive",
                          "absolute", "isreal", "equal", "not_equal", "greater",
                          "greater_equal", "less", "less_equal", "logical_and", "logical_or",
                          "logical_xor", "logical_not"))):
    for _name in _names:
        setattr(Tensor, _name, _delegate(_module, _name))
Tensor.polygamma = _polygamma_method
del _module, _names, _name


class ViewOf:
    """How a `_View` was made and what its history currently is.

    ``op.apply(base, arg)`` recomputes the view (with history) from its
    base.  ``grad_fn``/``rg`` are the view's history, valid while the shared
    version counter still reads ``seen``.  ``recorded`` is False for a view
    made under ``no_grad``: it never gets a history (as in PyTorch), so it is
    never regenerated, and writing through it while autograd records is
    refused (see `autograd.ops.inplace`)."""

    __slots__ = ("base", "op", "arg", "seen", "recorded", "grad_fn", "rg")


class _View(Tensor):
    """A tensor sharing memory with ``_view.base``.  Its ``_grad_fn`` and
    ``_rg`` are properties that first check the shared version counter: an
    in-place change since the history was recorded (of the base, of this
    view or of a sibling view) means that history describes old values, so
    it is replaced by replaying the view op on the base's current history
    (PyTorch regenerates views' grad_fn the same way).  Only views pay for
    the check; ordinary tensors keep plain slots."""

    __slots__ = ()

    def _refresh(self, meta):
        if meta.recorded:
            prev = _grad_state.enabled
            _grad_state.enabled = True  # the history exists whatever the mode
            try:
                fresh = meta.op.apply(meta.base, meta.arg)
            finally:
                _grad_state.enabled = prev
            hand_over_retention(self, meta.grad_fn, fresh._grad_fn)
            meta.grad_fn, meta.rg = fresh._grad_fn, fresh._rg
        meta.seen = self._vc[0]

    @property
    def _grad_fn(self):
        meta = self._view
        if self._vc[0] != meta.seen:
            self._refresh(meta)
        return meta.grad_fn

    @_grad_fn.setter
    def _grad_fn(self, fn):
        meta = self._view
        meta.grad_fn = fn
        meta.seen = self._vc[0]

    @property
    def _rg(self):
        meta = self._view
        if self._vc[0] != meta.seen:
            self._refresh(meta)
        return meta.rg

    @_rg.setter
    def _rg(self, flag):
        meta = self._view
        meta.rg = flag
        meta.seen = self._vc[0]


def hand_over_retention(t, old_fn, new_fn):
    """``retain_grad()`` belongs to the tensor, not to one version of its
    history: when an in-place op (or a view's regeneration) gives ``t`` a new
    node, ``t.grad`` must come from the new node only -- the old one would
    otherwise add the gradient of a value ``t`` no longer has."""
    if old_fn is None or old_fn is new_fn or old_fn._hooks is None:
        return
    kept = old_fn._hooks.retained
    if kept is not None and kept() is t:
        old_fn._hooks.retained = None
        if new_fn is not None:
            _hooks.node_hooks(new_fn).retained = kept


def make_view(out, base, op, arg):
    """Turn ``out`` (just made by ``op.apply(base, arg)``) into a view of
    ``base``, sharing its version counter."""
    meta = _new(ViewOf)
    meta.base, meta.op, meta.arg = base, op, arg
    meta.grad_fn, meta.rg = out._grad_fn, out._rg
    meta.seen = base._vc[0]
    meta.recorded = _grad_state.enabled
    out._vc = base._vc
    out._view = meta
    out.__class__ = _View
    return out


from . import engine as _engine  # noqa: E402
from . import hooks as _hooks  # noqa: E402
from .grad_mode import _state as _grad_state  # noqa: E402
from . import ops as _ops  # noqa: E402
from .ops import elementwise as _ew  # noqa: E402
from .ops import movement as _mv  # noqa: E402
from . import _numpy_dispatch as _npd  # noqa: E402
from . import _args as _a  # noqa: E402
from . import device as _device  # noqa: E402
from .size import _size  # noqa: E402
from . import factories as _factories  # noqa: E402
from ._args import dim_or_axis as _dim_arg, keep_arg as _keep_arg  # noqa: E402
from ._args import correction_arg as _correction  # noqa: E402
from .ops import indexing as _ix  # noqa: E402
from .ops import unary_math as _um  # noqa: E402


# ---- h-refactor (issue 11): in-place forms of the one-input ops (``x.sqrt_()``...),
# generated from the ops' names; after the imports above because the names
# come from `unary_math`'s table.
def _unary_inplace_method(name):
    op = getattr(Tensor, name)

    def method(self):
        return _ops.inplace.unary_inplace(self, op, name + "_")
    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"In-place ``{name}``: overwrites this tensor's values (see ``{name}``)."
    return method


def _round_(self, decimals=0):
    """In-place ``round``: half to even, to ``decimals`` decimal places."""
    return _ops.inplace.unary_inplace(self, lambda x: x.round(decimals), "round_")


def _clamp_(self, min=None, max=None):
    """In-place ``clamp``: values limited to [min, max] (bounds may be tensors)."""
    return _ops.inplace.unary_inplace(self, lambda x: x.clamp(min, max), "clamp_", min, max)


for _name in _um.UNARY_NAMES + ("frac", "sign", "sgn", "sqrt", "exp", "log", "abs", "neg",
                                "negative", "sigmoid", "tanh", "sin", "cos", "reciprocal",
                                "square", "relu", "fix", "arcsin", "arccos", "arctan",
                                "arcsinh", "arccosh", "arctanh"):
    setattr(Tensor, _name + "_", _unary_inplace_method(_name))
Tensor.round_ = _round_
Tensor.clamp_ = Tensor.clip_ = _clamp_
del _name
from . import printing as _printing  # noqa: E402
from . import legacy as _legacy  # noqa: E402
from . import _new_factories  # noqa: E402
from .ops import shape_extra as _sx  # noqa: E402
from .ops import linalg_extra as _lx  # noqa: E402

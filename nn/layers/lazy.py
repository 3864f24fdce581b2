"""Lazy modules: ``LazyLinear``, ``LazyConv2d``, ``LazyBatchNorm1d/2d``
(``LazyConv3d``, on the same base, is in conv3d.py).

The input size (in_features, in_channels, num_features) is read from the
first input instead of being written in the model.  Until then the
parameters are `UninitializedParameter`s; the first call materializes them
*in place* (the same objects, so an optimizer built before the first call
still trains them), initializes them as the eager layer would, and turns
the module into that layer (``type(m)`` becomes ``Linear`` etc., as in
PyTorch).  Loading a state_dict into a lazy module materializes its
parameters with the loaded shapes.
"""
import numpy as np

from autograd import Tensor
from autograd import dtypes as _dt
from autograd._args import device_arg

from autograd.errors import ArgumentError
from .._checks import not_tensor
from ..module import Module
from ..parameter import Parameter
from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv2d, _letters
from .linear import Linear


class _Uninitialized:
    """Mixin of the placeholders: an empty array that remembers the dtype,
    turned into the real thing by ``materialize``."""
    __slots__ = ()
    _uninitialized = True
    _becomes = Tensor

    def materialize(self, shape, device=None, dtype=None):
        """Allocate ``shape`` (uninitialized values, as ``torch.empty``) and
        become an ordinary Parameter (or buffer)."""
        if device is not None:
            device_arg(device, "materialize")
        dtype = self._data.dtype if dtype is None else np.dtype(dtype)
        self._data = np.empty(tuple(shape), dtype=dtype)
        self._vc[0] += 1
        self.__class__ = self._becomes

    def copy_(self, src):
        """Loading a state_dict: take the shape of what is loaded."""
        self.materialize(np.shape(src._data if isinstance(src, Tensor) else src))
        return self.copy_(src)

    def __repr__(self):
        return f"<{type(self).__name__} (dtype {self._data.dtype}), not yet materialized>"


class UninitializedParameter(_Uninitialized, Parameter):
    """A parameter whose shape is not known yet (lazy modules)."""
    __slots__ = ()
    _becomes = Parameter

    def __init__(self, requires_grad=True, device=None, dtype=None):
        if device is not None:
            device_arg(device, "UninitializedParameter")
        super().__init__(Tensor(np.empty((0,), dtype=dtype or _dt.DEFAULT_FLOAT)),
                         requires_grad)


class UninitializedBuffer(_Uninitialized, Tensor):
    """A buffer whose shape is not known yet (lazy modules)."""
    __slots__ = ()

    def __init__(self, requires_grad=False, device=None, dtype=None):
        if device is not None:
            device_arg(device, "UninitializedBuffer")
        super().__init__(np.empty((0,), dtype=dtype or _dt.DEFAULT_FLOAT))


class LazyModuleMixin:
    """The shared machinery; a subclass names the eager class it becomes
    (``cls_to_become``) and how to read the inferred size from the input
    (``_infer``).  ``self._eager_args`` holds the eager class's other
    arguments."""
    cls_to_become = None

    def has_uninitialized_params(self):
        return any(getattr(t, "_uninitialized", False)
                   for t in list(self._parameters.values()) + list(self._buffers.values()))

    def _dtype(self):
        """The dtype the placeholders carry now (``model.double()`` before the
        first call changes it)."""
        for t in list(self._parameters.values()) + list(self._buffers.values()):
            if t is not None and t.dtype.kind == "f":
                return t.dtype
        return None

    def forward(self, input, *args, **kwargs):
        self._become_eager(self._infer(input))
        return self.forward(input, *args, **kwargs)

    def _become_eager(self, size):
        """Build the eager layer for ``size``, then take over its state while
        keeping our parameter objects (materialized with its values, or
        kept as loaded)."""
        args, kwargs = self._eager_args
        eager = self.cls_to_become(size, *args, **dict(kwargs, dtype=self._dtype()))
        for registry in ("_parameters", "_buffers"):
            ours, theirs = getattr(self, registry), getattr(eager, registry)
            for name, value in theirs.items():
                mine = ours.get(name)
                if mine is None or value is None:
                    continue
                if getattr(mine, "_uninitialized", False):
                    mine.materialize(value.shape, dtype=value.dtype)
                    mine._data[...] = value._data
                elif mine.shape != value.shape:
                    raise ArgumentError(f"{type(self).__name__}: the loaded {name} has shape "
                                        f"{mine.shape}, but the input implies {value.shape}")
                theirs[name] = mine
        training = self.training
        hooks = self.__dict__.get("_module_hooks")
        self.__dict__.update(eager.__dict__)
        self.__dict__["training"] = training
        if hooks is not None:
            self.__dict__["_module_hooks"] = hooks
        self.__class__ = self.cls_to_become


def _lazy_init(module, eager_args, params, buffers=(), dtype=None):
    module._eager_args = eager_args
    for name in params:
        setattr(module, name, UninitializedParameter(dtype=dtype))
    for name in buffers:
        module.register_buffer(name, UninitializedBuffer(dtype=dtype))


def _check_device(device, where):
    if device is not None:
        device_arg(device, where)


class LazyLinear(LazyModuleMixin, Module):
    """``LazyLinear(out_features, bias=True)``: a Linear whose in_features is
    the last dim of the first input."""
    cls_to_become = Linear

    def __init__(self, out_features, bias=True, device=None, dtype=None):
        Module.__init__(self)
        _check_device(device, "LazyLinear")
        self.in_features = 0
        self.out_features = out_features
        _lazy_init(self, ((out_features, bias), {}), ["weight"] + (["bias"] if bias else []),
                   dtype=dtype)

    def _infer(self, input):
        if not isinstance(input, Tensor):
            raise not_tensor("LazyLinear", "input", 1, input)
        if input.ndim == 0:
            raise ArgumentError("LazyLinear: cannot infer in_features from a 0-d input; "
                                "expected input (*, in_features), got ()")
        return input.shape[-1]


class _LazyConvNd(LazyModuleMixin, Module):
    """A convolution (``cls_to_become``: Conv2d, Conv3d) whose in_channels is
    the channel dim of the first input."""

    def __init__(self, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        Module.__init__(self)
        _check_device(device, type(self).__name__)
        self.out_channels = out_channels
        _lazy_init(self, ((out_channels, kernel_size, stride, padding, dilation, groups, bias,
                           padding_mode), {}), ["weight"] + (["bias"] if bias else []),
                   dtype=dtype)

    def _infer(self, input):
        name, nd = type(self).__name__, self.cls_to_become._nd
        if not isinstance(input, Tensor):
            raise not_tensor(name, "input", 1, input)
        if input.ndim not in (nd + 1, nd + 2):
            axes = ", ".join(_letters(nd))
            raise ArgumentError(f"{name}: cannot infer in_channels; expected input "
                                f"(N, C, {axes}) or (C, {axes}), got {input.shape}")
        return input.shape[-nd - 1]


class LazyConv2d(_LazyConvNd):
    """``LazyConv2d(out_channels, kernel_size, ...)``: a Conv2d whose
    in_channels is the channel dim of the first input."""
    cls_to_become = Conv2d


class _LazyBatchNorm(LazyModuleMixin, Module):
    def __init__(self, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 device=None, dtype=None):
        Module.__init__(self)
        _check_device(device, type(self).__name__)
        params = ["weight", "bias"] if affine else []
        buffers = ["running_mean", "running_var"] if track_running_stats else []
        _lazy_init(self, ((eps, momentum, affine, track_running_stats), {}), params, buffers,
                   dtype=dtype)
        if track_running_stats:
            self.register_buffer("num_batches_tracked", Tensor(np.array(0)))

    def _infer(self, input):
        if not isinstance(input, Tensor):
            raise not_tensor(type(self).__name__, "input", 1, input)
        if input.ndim < 2:
            raise ArgumentError(f"{type(self).__name__}: cannot infer num_features; expected "
                                f"input (N, C, ...), got {input.shape}")
        return input.shape[1]


class LazyBatchNorm1d(_LazyBatchNorm):
    """A BatchNorm1d whose num_features is dim 1 of the first input."""
    cls_to_become = BatchNorm1d


class LazyBatchNorm2d(_LazyBatchNorm):
    """A BatchNorm2d whose num_features is dim 1 of the first input."""
    cls_to_become = BatchNorm2d

"""chainrule's autograd engine: define-by-run reverse-mode differentiation on
NumPy, with PyTorch's names."""
from . import _malloc  # noqa: F401  (allocator thresholds; see its docstring)
from .tensor import Tensor
from .function import Function
from .grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled
from .anomaly import detect_anomaly, is_anomaly_enabled
from .engine import backward, grad
from .dtypes import (float16, float32, float64, int8, int16, int32, int64, uint8,
                     bool_)
from .factories import (tensor, as_tensor, from_numpy, zeros, ones, full, empty,
                        zeros_like, ones_like, full_like, rand, randn, randint,
                        rand_like, randn_like, randperm, arange, linspace, eye,
                        manual_seed, get_rng_state, set_rng_state)
from .ops.elementwise import where, maximum, minimum, clamp, cast
from .ops.movement import cat, stack, split, chunk, pad, broadcast_to, sum_to
from .ops.matmul import matmul
from .ops import reduce as _reduce
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
from . import graph
from . import viz  # graph pictures; the graphviz package itself is imported lazily
from .trace import trace_backward
from .graphcheck import check_graph
from . import utils  # autograd.utils.data: datasets and loaders (torch.utils.data)

concatenate = cat


def _method(name):
    def fn(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = name
    fn.__doc__ = f"Function form of ``Tensor.{name}``."
    return fn


for _name in ("exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu",
              "leaky_relu", "elu", "softplus", "sum", "mean", "max", "min", "amax", "amin",
              "var", "std", "logsumexp", "softmax", "log_softmax", "argmax", "argmin",
              "reshape", "flatten", "transpose", "permute", "squeeze", "unsqueeze",
              "clone", "detach", "square", "norm"):
    globals()[_name] = _method(_name)
del _name

__all__ = [n for n in dir() if not n.startswith("_")]

# ---- contractions, linear algebra, cumulative and sorting ops (issue 11)
from . import linalg  # noqa: E402  (torch.linalg's names)
from .ops.linalg import (einsum, tensordot, mm, bmm, addmm, outer, diag,  # noqa: E402
                         diagonal, trace, tril, triu)
from .ops.cumulative import cumsum, cumprod, cummax, cummin, logcumsumexp  # noqa: E402
from .ops.sorting import sort, argsort, topk, kthvalue, median, mode, unique  # noqa: E402
ger = outer
inverse = linalg.inv
det = linalg.det
# ---- indexing, shape, elementwise math and factories (issue 11)
from .ops.indexing import (gather, take_along_dim, scatter, scatter_add, scatter_reduce,  # noqa: E402
                           index_select, index_add, masked_fill, masked_select, flip,
                           fliplr, flipud, roll, movedim, swapaxes, tensor_split, vstack,
                           hstack, repeat_interleave, tile, meshgrid, nonzero, argwhere,
                           atleast_1d, atleast_2d)
from .ops.unary_math import (floor, ceil, trunc, round, frac, log2, log10, log1p, expm1,  # noqa: E402
                             exp2, rsqrt, tan, asin, acos, atan, sinh, cosh, asinh, acosh,
                             atanh, erf, erfc, remainder, fmod, floor_divide, div, atan2,
                             hypot, copysign, lerp, isinf, isposinf, isneginf, isnan,
                             isfinite, isclose, allclose, add, sub, mul, true_divide, pow,
                             neg, clip, bitwise_not)
from .ops.elementwise import sign  # noqa: E402
from .factories_extra import (normal, randint_like, empty_like, tril_indices,  # noqa: E402
                              triu_indices)
from .ops.indexing import any_ as any, all_ as all  # noqa: E402
from .ops.sampling import multinomial, bernoulli  # noqa: E402
from . import tensor_extras  # noqa: E402,F401  (stride, unfold, random_, fill_diagonal_...)

swapdims, moveaxis, negative, sgn, fix = swapaxes, movedim, neg, sign, trunc
arcsin, arccos, arctan, arcsinh, arccosh, arctanh, arctan2 = asin, acos, atan, asinh, acosh, atanh, atan2
subtract, multiply, divide = sub, mul, div


def bitwise_and(input, other):
    """``input & other``: bitwise on integers, logical on bools."""
    return input & other


def bitwise_or(input, other):
    """``input | other``: bitwise on integers, logical on bools."""
    return input | other


def bitwise_xor(input, other):
    """``input ^ other``: bitwise on integers, logical on bools."""
    return input ^ other


__all__ = [n for n in dir() if not n.startswith("_")]
# ---- facade: CPU device API, Size, default dtype, Variable (issue 11).
# Keep this block LAST: it gives every factory defined above a device=.
from .device import device, set_default_device, get_default_device  # noqa: E402
from .size import Size  # noqa: E402
from .dtypes import set_default_dtype, get_default_dtype  # noqa: E402
from .grad_mode import inference_mode  # noqa: E402
from .variable import Variable  # noqa: E402
from .errors import DeviceError  # noqa: E402
from ._factory_device import with_device as _with_device  # noqa: E402

for _name in ("tensor", "as_tensor", "zeros", "ones", "full", "empty", "zeros_like",
              "ones_like", "full_like", "empty_like", "rand", "randn", "randint", "rand_like",
              "randn_like", "randint_like", "randperm", "arange", "linspace", "logspace", "eye",
              "normal", "tril_indices", "triu_indices", "scalar_tensor"):
    if _name in globals():
        globals()[_name] = _with_device(globals()[_name])
del _name
__all__ += ["device", "set_default_device", "get_default_device", "Size", "set_default_dtype",
            "get_default_dtype", "inference_mode", "Variable", "DeviceError"]
# ---- torch.autograd.functional (issue 11)
from . import functional  # noqa: E402  (jacobian, hessian, vjp, jvp, vhp, hvp)
# ---- api: generators, print options, legacy tensor types (issue 11)
from .generator import Generator  # noqa: E402
from .factories import default_generator, seed, initial_seed  # noqa: E402
from .printing import set_printoptions, get_printoptions  # noqa: E402
from .legacy import LEGACY_TYPES as _LEGACY_TYPES  # noqa: E402

globals().update(_LEGACY_TYPES)  # FloatTensor, DoubleTensor, LongTensor, ...
__all__ += ["Generator", "default_generator", "seed", "initial_seed", "set_printoptions",
            "get_printoptions", *_LEGACY_TYPES]
# ---- reductions, special functions, comparison/logic function forms (issue 11)
from .ops.reduce_extra import (prod, nansum, nanmean, var_mean, std_mean, aminmax,  # noqa: E402
                               count_nonzero, quantile, nanquantile, logaddexp, logaddexp2,
                               cdist, dist, diff, trapezoid, trapz, cumulative_trapezoid)
from .ops.special_math import (lgamma, digamma, polygamma, erfinv, xlogy, logit, sinc,  # noqa: E402
                               deg2rad, rad2deg, float_power, fmax, fmin, clamp_min,
                               clamp_max, nan_to_num, heaviside, gcd, lcm, reciprocal,
                               positive, absolute, signbit, isreal, isin, equal, eq, ne, lt,
                               le, gt, ge, not_equal, greater, greater_equal, less, less_equal,
                               logical_and, logical_or, logical_xor, logical_not)

__all__ += ["prod", "nansum", "nanmean", "var_mean", "std_mean", "aminmax", "count_nonzero",
            "quantile", "nanquantile", "logaddexp", "logaddexp2", "cdist", "dist", "diff",
            "trapezoid", "trapz", "cumulative_trapezoid", "lgamma", "digamma", "polygamma",
            "erfinv", "xlogy", "logit", "sinc", "deg2rad", "rad2deg", "float_power", "fmax",
            "fmin", "clamp_min", "clamp_max", "nan_to_num", "heaviside", "gcd", "lcm",
            "reciprocal", "positive", "absolute", "signbit", "isreal", "isin", "equal", "eq",
            "ne", "lt", "le", "gt", "ge", "not_equal", "greater", "greater_equal", "less",
            "less_equal", "logical_and", "logical_or", "logical_xor", "logical_not"]
# ---- shape ops, products and linear algebra for ported programs (issue 11, h-ops2)
from .ops.shape_extra import (select, unbind, narrow, narrow_copy, ravel, t, unflatten,  # noqa: E402
                              take, index_fill, index_copy, index_put, masked_scatter,
                              select_scatter, slice_scatter, rot90, msort, broadcast_shapes,
                              broadcast_tensors, atleast_3d, column_stack, dstack, hsplit,
                              vsplit, dsplit, diag_embed, diagflat, block_diag, cartesian_prod,
                              combinations, vander, unique_consecutive, unravel_index)
from .ops.shape_extra import logspace as _logspace, range_ as _range  # noqa: E402
from .ops.linalg_extra import (dot, vdot, inner, mv, addmv, addr, addbmm, baddbmm,  # noqa: E402
                               addcmul, addcdiv, chain_matmul, kron, cross, matrix_power,
                               logdet, slogdet, pinverse, svd, bincount, histc, searchsorted,
                               bucketize)
logspace = _with_device(_logspace)
range = _with_device(_range)  # torch.range (deprecated): shadows the builtin only here
row_stack = vstack
__all__ += ["select", "unbind", "narrow", "narrow_copy", "ravel", "t", "unflatten", "take",
            "index_fill", "index_copy", "index_put", "masked_scatter", "select_scatter",
            "slice_scatter", "rot90", "msort", "broadcast_shapes", "broadcast_tensors",
            "atleast_3d", "column_stack", "dstack", "hsplit", "vsplit", "dsplit", "diag_embed",
            "diagflat", "block_diag", "cartesian_prod", "combinations", "vander",
            "unique_consecutive", "unravel_index", "logspace", "range", "row_stack", "dot",
            "vdot", "inner", "mv", "addmv", "addr", "addbmm", "baddbmm", "addcmul", "addcdiv",
            "chain_matmul", "kron", "cross", "matrix_power", "logdet", "slogdet", "pinverse",
            "svd", "bincount", "histc", "searchsorted", "bucketize"]

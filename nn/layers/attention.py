"""Attention: ``scaled_dot_product_attention`` and ``MultiheadAttention``.

Both are compositions of engine ops (matmul, add, softmax, dropout), so
their gradients -- and second derivatives -- come from the engine.  Masks
become an additive bias (0 where attention is allowed, -inf where it is
not); PyTorch's two boolean conventions are kept: in
``scaled_dot_product_attention`` True means *may attend*, in
``MultiheadAttention``'s ``attn_mask`` and ``key_padding_mask`` True means
*masked out*.
"""
import math

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd._args import device_arg

from autograd.errors import ArgumentError, DTypeError
from .._checks import not_tensor, real_arg, size_arg
from ..init import constant_, xavier_normal_, xavier_uniform_
from ..module import Module
from ..parameter import Parameter
from ._assert import LayerAssertionError
from .dropout import dropout
from .linear import Linear, linear


# ------------------------------------------------------------ the kernel
def _masked_bias(mask, allowed_when, dtype, where, arg):
    """A mask as an additive bias: a bool mask (True meaning
    ``allowed_when``) becomes a constant array of 0 and -inf, a float mask
    is used as is (a Tensor, so a learned bias gets its gradient)."""
    if not isinstance(mask, Tensor):
        raise not_tensor(where, arg, 0, mask)
    if mask.dtype == np.bool_:
        allowed = mask._data if allowed_when else ~mask._data
        return Tensor(np.where(allowed, dtype.type(0), dtype.type(-np.inf)))
    if mask.dtype.kind != "f":
        raise DTypeError(f"{where}: {arg} must be bool or floating-point, got dtype "
                         f"{mask.dtype}")
    if mask.dtype != dtype:
        raise DTypeError(f"{where}: {arg} dtype {mask.dtype} does not match the query dtype "
                         f"{dtype}")
    return mask


def _causal_allowed(L, S):
    """Top-left aligned causal pattern: query i attends keys 0..i."""
    return np.tril(np.ones((L, S), dtype=bool))


def _softmax_keep_dead_rows_zero(scores):
    """Softmax over the last dim, where a row that masks out every key gives
    zeros instead of NaN (PyTorch's scaled_dot_product_attention does
    the same); the gradient into such a row is zero."""
    dead = np.isneginf(scores._data).all(-1, keepdims=True)
    if not dead.any():
        return scores.softmax(-1)
    scores = ag.where(dead, 0.0, scores)
    return scores.softmax(-1) * Tensor((~dead).astype(scores.dtype))


def _attend(query, key, value, bias, dropout_p, scale, safe):
    """``softmax(q k^T * scale + bias) v`` with dropout on the weights;
    returns the output and the (post-dropout) attention weights."""
    scores = (query @ key.transpose(-2, -1)) * scale
    if bias is not None:
        scores = scores + bias
    probs = _softmax_keep_dead_rows_zero(scores) if safe else scores.softmax(-1)
    if dropout_p > 0.0:
        probs = dropout(probs, dropout_p, True)
    return probs @ value, probs


def _check_tensors(query, key, value, where):
    for pos, (arg, t) in enumerate((("query", query), ("key", key), ("value", value)), 1):
        if not isinstance(t, Tensor):
            raise not_tensor(where, arg, pos, t)
        if t.ndim < 2:
            raise ArgumentError(f"{where}: {arg} must be at least 2-D (..., seq, features), "
                                f"got shape {t.shape}")
        if t.dtype != query.dtype or t.dtype.kind != "f":
            raise DTypeError(f"{where}: query, key and value must share one floating-point "
                             f"dtype, got {query.dtype}, {key.dtype}, {value.dtype}")


def _check_qkv(query, key, value, where):
    _check_tensors(query, key, value, where)
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ArgumentError(f"{where}: expected query (..., L, E), key (..., S, E), value "
                            f"(..., S, Ev); got query {query.shape}, key {key.shape}, value "
                            f"{value.shape}")


def _repeat_heads(t, groups):
    """(..., Hk, S, E) -> (..., Hk * groups, S, E), each head repeated
    ``groups`` times in a row (grouped-query attention)."""
    lead = t.shape[:-3]
    h, s, e = t.shape[-3:]
    expanded = t.unsqueeze(-3).expand(*lead, h, groups, s, e)
    return expanded.reshape(*lead, h * groups, s, e)


def _gqa(query, key, value, where):
    hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
    if hk != hv or hq % hk:
        raise ArgumentError(f"{where}: enable_gqa needs the query's heads ({hq}) to be a "
                            f"multiple of the key's and value's ({hk}, {hv})")
    return _repeat_heads(key, hq // hk), _repeat_heads(value, hq // hk)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """``torch.nn.functional.scaled_dot_product_attention``:
    ``softmax(q k^T / sqrt(E) + mask) v`` on (..., L, E), (..., S, E),
    (..., S, Ev).  ``attn_mask``: bool (True = may attend) or float (added),
    broadcastable to (..., L, S); ``is_causal``: query i sees keys 0..i
    (combined with ``attn_mask`` when both are given); dropout is applied to
    the weights whenever ``dropout_p > 0`` (pass 0 in evaluation, as in
    PyTorch).  A query row with every key masked gives zeros."""
    where = "scaled_dot_product_attention"
    _check_qkv(query, key, value, where)
    dropout_p = real_arg(dropout_p, "dropout_p", where)
    if not 0.0 <= dropout_p <= 1.0:
        raise ArgumentError(f"{where}: dropout_p must be between 0 and 1, got {dropout_p}")
    if enable_gqa and query.ndim >= 3 and query.shape[-3] != key.shape[-3]:
        key, value = _gqa(query, key, value, where)
    L, S = query.shape[-2], key.shape[-2]
    dtype = query.dtype
    bias = None
    if attn_mask is not None:
        bias = _masked_bias(attn_mask, True, dtype, where, "attn_mask")
        scores = _scores_shape(query, key)
        if not _broadcasts_to(bias.shape, scores):
            raise ArgumentError(f"{where}: attn_mask of shape {attn_mask.shape} does not "
                                f"broadcast to the attention scores' shape {scores}")
    if is_causal:
        if attn_mask is not None:
            raise ArgumentError(f"{where}: pass either attn_mask or is_causal=True, not both "
                                "(PyTorch refuses the pair too); fold the causal pattern "
                                "into attn_mask")
        bias = Tensor(np.where(_causal_allowed(L, S), dtype.type(0), dtype.type(-np.inf)))
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    out, _ = _attend(query, key, value, bias, dropout_p, scale, safe=True)
    return out


def _scores_shape(query, key):
    """(..., L, S): the batch dims of query and key broadcast together."""
    try:
        batch = np.broadcast_shapes(query.shape[:-2], key.shape[:-2])
    except ValueError:
        raise ArgumentError(f"scaled_dot_product_attention: the batch dims of query "
                            f"{query.shape} and key {key.shape} do not broadcast") from None
    return batch + (query.shape[-2], key.shape[-2])


def _broadcasts_to(shape, target):
    try:
        return np.broadcast_shapes(shape, target) == tuple(target)
    except ValueError:
        return False


# ------------------------------------------------------ MultiheadAttention
class NonDynamicallyQuantizableLinear(Linear):
    """PyTorch's name for MultiheadAttention's output projection (a plain
    Linear); kept so module reprs and type names match."""


class MultiheadAttention(Module):
    """``MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True,
    add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None,
    batch_first=False)`` with PyTorch's parameters: ``in_proj_weight``
    (3E, E) and ``in_proj_bias`` (3E,) holding the q, k, v projections (or
    ``q_proj_weight``/``k_proj_weight``/``v_proj_weight`` when kdim or vdim
    differ from E), ``out_proj`` (a Linear), optional ``bias_k``/``bias_v``
    (1, 1, E).  Initialized as PyTorch: xavier-uniform projections, zero
    biases, xavier-normal bias_k/bias_v."""

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
                 add_zero_attn=False, kdim=None, vdim=None, batch_first=False, device=None,
                 dtype=None):
        super().__init__()
        where = "MultiheadAttention"
        if device is not None:
            device_arg(device, where)
        self.embed_dim = E = size_arg(embed_dim, "embed_dim", where, 1)
        self.num_heads = size_arg(num_heads, "num_heads", where, 1)
        self.kdim = E if kdim is None else size_arg(kdim, "kdim", where, 1)
        self.vdim = E if vdim is None else size_arg(vdim, "vdim", where, 1)
        self._qkv_same_embed_dim = self.kdim == E and self.vdim == E
        self.dropout = real_arg(dropout, "dropout", where)
        self.batch_first = batch_first
        self.head_dim = E // self.num_heads
        if self.head_dim * self.num_heads != E:
            raise LayerAssertionError(f"{where}: embed_dim must be divisible by num_heads, got "
                                      f"embed_dim={E}, num_heads={num_heads}")
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(ag.zeros(3 * E, E, dtype=dtype))
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.q_proj_weight = Parameter(ag.zeros(E, E, dtype=dtype))
            self.k_proj_weight = Parameter(ag.zeros(E, self.kdim, dtype=dtype))
            self.v_proj_weight = Parameter(ag.zeros(E, self.vdim, dtype=dtype))
            self.in_proj_weight = None
        self.in_proj_bias = Parameter(ag.zeros(3 * E, dtype=dtype)) if bias else None
        self.out_proj = NonDynamicallyQuantizableLinear(E, E, bias=bias, dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(ag.zeros(1, 1, E, dtype=dtype))
            self.bias_v = Parameter(ag.zeros(1, 1, E, dtype=dtype))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            xavier_uniform_(self.in_proj_weight)
        else:
            xavier_uniform_(self.q_proj_weight)
            xavier_uniform_(self.k_proj_weight)
            xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            constant_(self.in_proj_bias, 0.0)
            constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            xavier_normal_(self.bias_k)
            xavier_normal_(self.bias_v)

    # ------------------------------------------------------------ forward
    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        """Returns ``(attn_output, attn_weights)``; the weights are None unless
        ``need_weights``, averaged over heads (N, L, S) unless
        ``average_attn_weights=False`` (N, H, L, S)."""
        batched = self._check_inputs(query, key, value)
        if is_causal and attn_mask is None:
            raise ArgumentError("MultiheadAttention: is_causal=True is a hint that attn_mask "
                                "is the causal mask; pass attn_mask too")
        q, k, v = (self._batch_major(t, batched) for t in (query, key, value))
        if not batched and key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
        N, L = q.shape[0], q.shape[1]
        q, k, v = self._project(q, k, v, query is key and key is value)
        bias = self._bias(attn_mask, key_padding_mask, N, L, k.shape[1], q.dtype)
        if self.bias_k is not None:
            k = ag.cat([k, self.bias_k.expand(N, 1, self.embed_dim)], 1)
            v = ag.cat([v, self.bias_v.expand(N, 1, self.embed_dim)], 1)
        q, k, v = (self._split_heads(t) for t in (q, k, v))
        if self.add_zero_attn:
            zeros = ag.zeros(N, self.num_heads, 1, self.head_dim, dtype=q.dtype)
            k, v = ag.cat([k, zeros], 2), ag.cat([v, zeros], 2)
        if bias is not None and bias.shape[-1] != k.shape[2]:
            bias = _pad_keys(bias, k.shape[2] - bias.shape[-1])
        p = self.dropout if self.training else 0.0
        out, weights = _attend(q, k, v, bias, p, 1.0 / math.sqrt(self.head_dim),
                               safe=not need_weights)
        out = out.transpose(1, 2).reshape(N, L, self.embed_dim)
        out = self.out_proj(out)
        out = out if batched else out.squeeze(0)
        if batched and not self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(1)
        return out, (weights if batched else weights.squeeze(0))

    def _check_inputs(self, query, key, value):
        where = "MultiheadAttention"
        _check_tensors(query, key, value, where)
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ArgumentError(f"{where}: query, key and value must all be 3-D (batched) or "
                                f"2-D (unbatched), got {query.shape}, {key.shape}, "
                                f"{value.shape}")
        dims = ((query, self.embed_dim, "query", "embed_dim"), (key, self.kdim, "key", "kdim"),
                (value, self.vdim, "value", "vdim"))
        for t, size, arg, name in dims:
            if t.shape[-1] != size:
                raise LayerAssertionError(f"{where}: expected {arg} with last dim {name}="
                                          f"{size}, got shape {t.shape}")
        if query.dtype != self.out_proj.weight.dtype:
            raise DTypeError(f"{where}: input dtype {query.dtype} does not match the "
                             f"parameters' {self.out_proj.weight.dtype}")
        batch, seq = (0, 1) if self.batch_first or query.ndim == 2 else (1, 0)
        if query.ndim == 3 and not (query.shape[batch] == key.shape[batch] == value.shape[batch]):
            raise LayerAssertionError(f"{where}: query, key and value must have the same batch "
                                      f"size, got {query.shape}, {key.shape}, {value.shape}")
        if key.shape[seq if query.ndim == 3 else 0] != value.shape[seq if query.ndim == 3 else 0]:
            raise LayerAssertionError(f"{where}: key and value must have the same sequence "
                                      f"length, got {key.shape} and {value.shape}")
        return query.ndim == 3

    def _batch_major(self, t, batched):
        """(N, L, E) whatever the layout given."""
        if not batched:
            return t.unsqueeze(0)
        return t if self.batch_first else t.transpose(0, 1)

    def _project(self, q, k, v, self_attention):
        E = self.embed_dim
        b = self.in_proj_bias
        bq, bk, bv = (None, None, None) if b is None else b.chunk(3)
        if not self._qkv_same_embed_dim:
            return (linear(q, self.q_proj_weight, bq), linear(k, self.k_proj_weight, bk),
                    linear(v, self.v_proj_weight, bv))
        if self_attention:
            return linear(q, self.in_proj_weight, b).split(E, -1)
        wq, wk, wv = self.in_proj_weight.chunk(3)
        return linear(q, wq, bq), linear(k, wk, bk), linear(v, wv, bv)

    def _split_heads(self, t):
        """(N, S, E) -> (N, H, S, head_dim)."""
        N, S = t.shape[0], t.shape[1]
        return t.reshape(N, S, self.num_heads, self.head_dim).transpose(1, 2)

    def _bias(self, attn_mask, key_padding_mask, N, L, S, dtype):
        """attn_mask and key_padding_mask (True = masked out) merged into one
        additive bias broadcastable to (N, H, L, S)."""
        where = "MultiheadAttention"
        H = self.num_heads
        bias = None
        if attn_mask is not None:
            bias = _masked_bias(attn_mask, False, dtype, where, "attn_mask")
            if attn_mask.ndim == 2 and attn_mask.shape == (L, S):
                bias = bias.reshape(1, 1, L, S)
            elif attn_mask.ndim == 3 and attn_mask.shape == (N * H, L, S):
                bias = bias.reshape(N, H, L, S)
            else:
                raise ArgumentError(f"{where}: attn_mask must have shape ({L}, {S}) or "
                                    f"(N * num_heads, L, S) = ({N * H}, {L}, {S}), got "
                                    f"{attn_mask.shape}")
        if key_padding_mask is not None:
            if key_padding_mask.shape != (N, S):
                raise ArgumentError(f"{where}: key_padding_mask must have shape (N, S) = "
                                    f"({N}, {S}), got {key_padding_mask.shape}")
            pad = _masked_bias(key_padding_mask, False, dtype, where,
                               "key_padding_mask").reshape(N, 1, 1, S)
            bias = pad if bias is None else bias + pad
        return bias

    def extra_repr(self):
        return ""


def _pad_keys(bias, extra):
    """Allow attention to the keys appended by bias_k / add_zero_attn."""
    return ag.pad(bias, (0, extra))

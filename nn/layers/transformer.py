"""``TransformerEncoderLayer`` and ``TransformerEncoder`` (Vaswani et al.,
2017), with PyTorch's submodule names (``self_attn``, ``linear1``,
``linear2``, ``norm1``, ``norm2``, ``dropout``, ``dropout1``,
``dropout2``), so a PyTorch state_dict loads as is."""
import copy

from autograd._args import device_arg

from autograd.errors import ArgumentError
from .._checks import size_arg
from ..module import Module
from .activation import gelu, relu
from .attention import MultiheadAttention
from .container import ModuleList
from .dropout import Dropout
from .linear import Linear
from .normalization import LayerNorm

_ACTIVATIONS = {"relu": relu, "gelu": gelu}


def _activation(activation):
    if callable(activation):
        return activation
    if activation in _ACTIVATIONS:
        return _ACTIVATIONS[activation]
    raise ArgumentError(f"TransformerEncoderLayer: activation should be 'relu' or 'gelu' (or "
                        f"a callable), not {activation!r}")


class TransformerEncoderLayer(Module):
    """One encoder block: self-attention then a position-wise feed-forward
    network, each wrapped in dropout, a residual connection and LayerNorm --
    after the residual (``norm_first=False``, the original paper) or before
    the sublayer (``norm_first=True``, which trains more stably)."""

    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation=relu,
                 layer_norm_eps=1e-5, batch_first=False, norm_first=False, bias=True,
                 device=None, dtype=None):
        super().__init__()
        where = "TransformerEncoderLayer"
        if device is not None:
            device_arg(device, where)
        d_model = size_arg(d_model, "d_model", where, 1)
        dim_feedforward = size_arg(dim_feedforward, "dim_feedforward", where, 1)
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, dtype=dtype)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = _activation(activation)
        self.batch_first = batch_first

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff_block(self.norm2(x))
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff_block(x))

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        out, _ = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                need_weights=False, is_causal=is_causal)
        return self.dropout1(out)

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """``num_layers`` independent copies of ``encoder_layer`` (as
    ``layers.0``, ``layers.1``, ...) applied in turn, then ``norm`` if
    given."""

    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True,
                 mask_check=True):
        super().__init__()
        num_layers = size_arg(num_layers, "num_layers", "TransformerEncoder")
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        out = src
        for layer in self.layers:
            out = layer(out, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                        is_causal=bool(is_causal))
        return out if self.norm is None else self.norm(out)

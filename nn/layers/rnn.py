"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their one-step cells.

Parameters carry PyTorch's names and layouts (``weight_ih_l0`` (G*H, in),
``weight_hh_l0`` (G*H, H), ``bias_ih_l0``, ``bias_hh_l0``, ``_reverse`` for
the backward direction; gates stacked in PyTorch's order: LSTM i, f, g, o;
GRU r, z, n; an LSTM with ``proj_size`` adds ``weight_hr_l0`` (P, H)),
so state_dicts move between the libraries unchanged.

Each layer is unrolled in Python over time with engine ops: the input
projection of all time steps is one matmul, then each step is one matmul
of the hidden state plus elementwise gates.  Backpropagation through time
is then the engine's ordinary backward (and differentiates again).
"""
import math
import warnings

import autograd as ag
from autograd import Tensor
from autograd._args import device_arg

from autograd.errors import ArgumentError, DTypeError
from .._checks import dim_arg, not_tensor, real_arg, size_arg
from ..init import uniform_
from ..module import Module
from ..parameter import Parameter
from .dropout import dropout as _dropout
from .linear import _affine
from ..utils.rnn import PackedSequence


# ------------------------------------------------------------ one step
def _rnn_tanh_step(xw, h, w_hh, b_hh):
    return (xw + _affine(h, w_hh, b_hh)).tanh()


def _rnn_relu_step(xw, h, w_hh, b_hh):
    return (xw + _affine(h, w_hh, b_hh)).relu()


def _lstm_step(xw, state, w_hh, b_hh, w_hr=None):
    """PyTorch's LSTM: gates i, f, g, o from x and h; c' = f c + i g,
    h' = o tanh(c'), projected to ``h' W_hr^T`` when the layer has
    ``proj_size`` (Sak et al., 2014: a smaller recurrent state)."""
    h, c = state
    i, f, g, o = (xw + _affine(h, w_hh, b_hh)).chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    h = o.sigmoid() * c.tanh()
    return (h if w_hr is None else _affine(h, w_hr, None)), c


def _gru_step(xw, h, w_hh, b_hh):
    """PyTorch's GRU: r and z gates; the candidate n sees r * (W_hn h +
    b_hn) (the reset applied after the hidden projection); h' = (1 - z) n
    + z h."""
    xr, xz, xn = xw.chunk(3, -1)
    hr, hz, hn = _affine(h, w_hh, b_hh).chunk(3, -1)
    r = (xr + hr).sigmoid()
    z = (xz + hz).sigmoid()
    n = (xn + r * hn).tanh()
    return (1 - z) * n + z * h


# ------------------------------------------------------ shared checks
def _init_uniform(module, hidden_size):
    """PyTorch's default for every recurrent weight and bias:
    U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for p in module.parameters():
        uniform_(p, -bound, bound)


def _check_input(where, input, input_size, dtype, ranks):
    if not isinstance(input, Tensor):
        raise not_tensor(where, "input", 1, input)
    if input.ndim not in ranks:
        raise ArgumentError(f"{where}: expected input to be {' or '.join(f'{r}-D' for r in ranks)}"
                            f", got {input.ndim}-D tensor of shape {input.shape}")
    if input.shape[-1] != input_size:
        raise ArgumentError(f"{where}: input.size(-1) must be equal to input_size; expected "
                            f"{input_size}, got input of shape {input.shape}")
    if input.dtype != dtype:
        raise DTypeError(f"{where}: input dtype {input.dtype} does not match the weights' "
                         f"{dtype}; cast the input or the model (model.to(...))")


def _check_hidden(where, arg, h, shape, dtype):
    if not isinstance(h, Tensor):
        raise not_tensor(where, arg, 2, h)
    if h.shape != shape:
        raise ArgumentError(f"{where}: expected {arg} of shape {shape}, got {h.shape}")
    if h.dtype != dtype:
        raise DTypeError(f"{where}: {arg} dtype {h.dtype} does not match the weights' {dtype}")


def _proj_size_arg(proj_size, hidden_size, mode, where):
    """LSTM's projection size: 0 (no projection) or 1 .. hidden_size - 1,
    refused as PyTorch refuses it (ValueError) otherwise."""
    proj_size = dim_arg(proj_size, "proj_size", where)
    if proj_size < 0:
        raise ArgumentError(f"{where}: proj_size should be a positive integer or zero to "
                            f"disable projections, got {proj_size}")
    if proj_size and mode != "LSTM":
        raise ArgumentError(f"{where}: proj_size argument is only supported for LSTM, not "
                            f"RNN or GRU (got proj_size={proj_size})")
    if proj_size >= hidden_size:
        raise ArgumentError(f"{where}: proj_size has to be smaller than hidden_size, got "
                            f"proj_size={proj_size} and hidden_size={hidden_size}")
    return proj_size


def _rows(state, b):
    """The first b rows of a state (h, or the LSTM's (h, c))."""
    if isinstance(state, tuple):
        return tuple(s[:b] for s in state)
    return state[:b]


def _with_rows(new, state, b):
    """``state`` with its first rows replaced by ``new``."""
    if isinstance(state, tuple):
        return tuple(_with_rows(n, s, b) for n, s in zip(new, state))
    return new if b == state.shape[0] else ag.cat([new, state[b:]], 0)


def _permute_hidden(hx, indices):
    """hx (or (h, c)) with its batch dim (1) reordered by ``indices``; as
    given when there is nothing to reorder (or hx is not a 3-D Tensor, for
    the shape checks to name)."""
    if hx is None or indices is None:
        return hx
    if isinstance(hx, (tuple, list)):
        return tuple(_permute_hidden(t, indices) for t in hx)
    if not isinstance(hx, Tensor) or hx.ndim != 3:
        return hx
    return hx[:, indices._data]


# ----------------------------------------------------------- the layers
class RNNBase(Module):
    """Shared by RNN, LSTM and GRU: the parameters, the unrolling over time,
    layers and directions, and the input/hidden-state conventions."""
    _gates = 1
    _has_cell = False

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, proj_size=0,
                 device=None, dtype=None):
        super().__init__()
        where = type(self).__name__
        if device is not None:
            device_arg(device, where)
        self.mode = mode
        self.input_size = size_arg(input_size, "input_size", where)
        self.hidden_size = size_arg(hidden_size, "hidden_size", where, 1)
        self.num_layers = size_arg(num_layers, "num_layers", where, 1)
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(real_arg(dropout, "dropout", where))
        self.bidirectional = bidirectional
        self.proj_size = _proj_size_arg(proj_size, self.hidden_size, mode, where)
        if not 0.0 <= self.dropout <= 1.0:
            raise ArgumentError(f"{where}: dropout should be a number in range [0, 1] "
                                f"representing the probability of an element being zeroed, "
                                f"got {dropout}")
        if self.dropout > 0 and self.num_layers == 1:
            warnings.warn(f"{where}: dropout option adds dropout after all but the last "
                          f"recurrent layer, so non-zero dropout expects num_layers greater "
                          f"than 1, but got dropout={dropout} and num_layers={num_layers}",
                          UserWarning, stacklevel=3)
        self._flat_weights_names = []
        gate_size = self._gates * self.hidden_size
        directions = 2 if bidirectional else 1
        out_size = self._out_size()
        for layer in range(self.num_layers):
            layer_in = self.input_size if layer == 0 else out_size * directions
            for d in range(directions):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                shapes = [("weight_ih", (gate_size, layer_in)),
                          ("weight_hh", (gate_size, out_size))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if self.proj_size:
                    shapes.append(("weight_hr", (self.proj_size, self.hidden_size)))
                for name, shape in shapes:
                    setattr(self, name + sfx, Parameter(ag.zeros(*shape, dtype=dtype)))
                    self._flat_weights_names.append(name + sfx)
        self.reset_parameters()

    def reset_parameters(self):
        _init_uniform(self, self.hidden_size)

    def _out_size(self):
        """The size of h (and of each direction's output): proj_size when
        the LSTM projects, else hidden_size."""
        return self.proj_size or self.hidden_size

    def _weights(self, layer, d):
        """(weight_ih, bias_ih, the arguments of ``_step`` after the state)."""
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        get = self._parameters.get
        recurrent = (get("weight_hh" + sfx), get("bias_hh" + sfx))
        if self.proj_size:
            recurrent += (get("weight_hr" + sfx),)
        return get("weight_ih" + sfx), get("bias_ih" + sfx), recurrent

    def _step(self, xw, state, w_hh, b_hh):
        raise NotImplementedError

    def forward(self, input, hx=None):
        if isinstance(input, PackedSequence):
            return self._forward_packed(input, hx)
        where = type(self).__name__
        dtype = self.weight_ih_l0.dtype
        _check_input(where, input, self.input_size, dtype, (2, 3))
        batched = input.ndim == 3
        if not batched:
            x = input.unsqueeze(1)
        else:
            x = input.transpose(0, 1) if self.batch_first else input
        state = self._initial_state(hx, x.shape[1], batched, dtype)
        out, finals = self._layers(x, state)
        if not batched:
            out = out.squeeze(1)
        elif self.batch_first:
            out = out.transpose(0, 1)
        return out, self._final(finals, batched)

    def _forward_packed(self, packed, hx):
        """A PackedSequence in, a PackedSequence out (as PyTorch): each time
        step runs only the sequences still going, so padding never enters a
        state and h_n holds every sequence's state at its own last step (the
        reverse direction starts there).  ``hx`` and h_n are in the batch's
        original order."""
        where = type(self).__name__
        dtype = self.weight_ih_l0.dtype
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        _check_input(where, data, self.input_size, dtype, (2,))
        sizes = [int(b) for b in batch_sizes._data]
        state = self._initial_state(_permute_hidden(hx, sorted_indices), sizes[0], True, dtype)
        out, finals = self._layers(data, state, sizes)
        final = _permute_hidden(self._final(finals, True), unsorted_indices)
        return packed._replace(data=out), final

    def _final(self, finals, batched):
        """h_n (and c_n) stacked over (layer, direction)."""
        if self._has_cell:
            h_n = ag.stack([f[0] for f in finals])
            c_n = ag.stack([f[1] for f in finals])
            return (h_n, c_n) if batched else (h_n.squeeze(1), c_n.squeeze(1))
        h_n = ag.stack(finals)
        return h_n if batched else h_n.squeeze(1)

    def _initial_state(self, hx, batch, batched, dtype):
        """One state per (layer, direction), from ``hx`` or zeros."""
        n = self.num_layers * (2 if self.bidirectional else 1)
        lead = (n, batch) if batched else (n,)
        shape = lead + (self._out_size(),)
        where = type(self).__name__
        if hx is None:
            h = ag.zeros(n, batch, self._out_size(), dtype=dtype)
            if not self._has_cell:
                return [h[i] for i in range(n)]
            c = h if not self.proj_size else ag.zeros(n, batch, self.hidden_size, dtype=dtype)
            return [(h[i], c[i]) for i in range(n)]
        if self._has_cell:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{where}: hx must be a tuple (h_0, c_0), got "
                                f"{type(hx).__name__}")
            _check_hidden(where, "h_0", hx[0], shape, dtype)
            _check_hidden(where, "c_0", hx[1], lead + (self.hidden_size,), dtype)
            h, c = (t if batched else t.unsqueeze(1) for t in hx)
            return [(h[i], c[i]) for i in range(n)]
        _check_hidden(where, "hx", hx, shape, dtype)
        h = hx if batched else hx.unsqueeze(1)
        return [h[i] for i in range(n)]

    def _layers(self, x, states, batch_sizes=None):
        """All layers over x: (L, N, in), or packed data (sum of lengths,
        in) with its ``batch_sizes``."""
        directions = 2 if self.bidirectional else 1
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(directions):
                args = (x, states[layer * directions + d], self._weights(layer, d), d == 1)
                seq, final = (self._direction(*args) if batch_sizes is None
                              else self._direction_packed(*args, batch_sizes))
                outs.append(seq)
                finals.append(final)
            x = outs[0] if directions == 1 else ag.cat(outs, -1)
            if self.dropout > 0 and self.training and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout, True)
        return x, finals

    def _direction(self, x, state, weights, reverse):
        """Run one direction of one layer over the (L, N, in) sequence."""
        w_ih, b_ih, recurrent = weights
        L, N = x.shape[0], x.shape[1]
        xw = _affine(x.reshape(L * N, x.shape[2]), w_ih, b_ih).reshape(L, N, w_ih.shape[0])
        outs = [None] * L
        for t in (range(L - 1, -1, -1) if reverse else range(L)):
            state = self._step(xw[t], state, *recurrent)
            outs[t] = state[0] if self._has_cell else state
        return ag.stack(outs), state

    def _direction_packed(self, data, state, weights, reverse, batch_sizes):
        """One direction of one layer over packed data.  The batch is sorted
        by decreasing length, so the sequences running at step t are the
        first ``batch_sizes[t]`` rows of the state; the other rows keep
        their value (a finished sequence's last state going forward, h_0
        going backward, where they have not started yet)."""
        w_ih, b_ih, recurrent = weights
        xw = _affine(data, w_ih, b_ih)
        starts = [0]
        for b in batch_sizes[:-1]:
            starts.append(starts[-1] + b)
        outs = [None] * len(batch_sizes)
        steps = range(len(batch_sizes))
        for t in (reversed(steps) if reverse else steps):
            b = batch_sizes[t]
            new = self._step(xw[starts[t]:starts[t] + b], _rows(state, b), *recurrent)
            outs[t] = new[0] if self._has_cell else new
            state = _with_rows(new, state, b)
        return ag.cat(outs, 0), state

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)``
    (``nonlinearity='relu'`` for ReLU).  Returns ``(output, h_n)``."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
                 batch_first=False, dropout=0.0, bidirectional=False, device=None,
                 dtype=None, proj_size=0):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: unknown nonlinearity {nonlinearity!r}; select from 'tanh' "
                             "or 'relu'")
        super().__init__("RNN_" + nonlinearity.upper(), input_size, hidden_size, num_layers,
                         bias, batch_first, dropout, bidirectional, proj_size, device, dtype)
        self.nonlinearity = nonlinearity

    def _step(self, xw, h, w_hh, b_hh):
        step = _rnn_tanh_step if self.nonlinearity == "tanh" else _rnn_relu_step
        return step(xw, h, w_hh, b_hh)

    def extra_repr(self):
        s = super().extra_repr()
        return s + (", nonlinearity='relu'" if self.nonlinearity == "relu" else "")


class LSTM(RNNBase):
    """Long short-term memory (Hochreiter & Schmidhuber, 1997) with
    PyTorch's gate order i, f, g, o.  Returns ``(output, (h_n, c_n))``."""
    _gates = 4
    _has_cell = True

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)

    def _step(self, xw, state, w_hh, b_hh, w_hr=None):
        return _lstm_step(xw, state, w_hh, b_hh, w_hr)


class GRU(RNNBase):
    """Gated recurrent unit (Cho et al., 2014) with PyTorch's gate order r,
    z, n.  Returns ``(output, h_n)``."""
    _gates = 3

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, device=None, dtype=None, proj_size=0):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device, dtype)

    def _step(self, xw, h, w_hh, b_hh):
        return _gru_step(xw, h, w_hh, b_hh)


# ------------------------------------------------------------- the cells
class RNNCellBase(Module):
    """One time step: parameters ``weight_ih`` (G*H, in), ``weight_hh``
    (G*H, H), ``bias_ih``, ``bias_hh``; input (N, in) or (in,)."""
    _gates = 1
    _has_cell = False

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__()
        where = type(self).__name__
        if device is not None:
            device_arg(device, where)
        self.input_size = size_arg(input_size, "input_size", where)
        self.hidden_size = size_arg(hidden_size, "hidden_size", where, 1)
        self.bias = bias
        g = self._gates * self.hidden_size
        self.weight_ih = Parameter(ag.zeros(g, self.input_size, dtype=dtype))
        self.weight_hh = Parameter(ag.zeros(g, self.hidden_size, dtype=dtype))
        self.bias_ih = Parameter(ag.zeros(g, dtype=dtype)) if bias else None
        self.bias_hh = Parameter(ag.zeros(g, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self):
        _init_uniform(self, self.hidden_size)

    def forward(self, input, hx=None):
        where = type(self).__name__
        dtype = self.weight_ih.dtype
        _check_input(where, input, self.input_size, dtype, (1, 2))
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        shape = (x.shape[0], self.hidden_size) if batched else (self.hidden_size,)
        state = self._state(hx, shape, x.shape[0], batched, dtype)
        xw = _affine(x, self.weight_ih, self.bias_ih)
        new = self._step(xw, state, self.weight_hh, self.bias_hh)
        if batched:
            return new
        return tuple(t.squeeze(0) for t in new) if self._has_cell else new.squeeze(0)

    def _state(self, hx, shape, batch, batched, dtype):
        where = type(self).__name__
        if hx is None:
            zeros = ag.zeros(batch, self.hidden_size, dtype=dtype)
            return (zeros, zeros) if self._has_cell else zeros
        if self._has_cell:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise TypeError(f"{where}: hx must be a tuple (h, c), got {type(hx).__name__}")
            _check_hidden(where, "h", hx[0], shape, dtype)
            _check_hidden(where, "c", hx[1], shape, dtype)
            return tuple(t if batched else t.unsqueeze(0) for t in hx)
        _check_hidden(where, "hx", hx, shape, dtype)
        return hx if batched else hx.unsqueeze(0)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        return s + ("" if self.bias else ", bias=False")


class RNNCell(RNNCellBase):
    """One Elman step: ``h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None,
                 dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: unknown nonlinearity {nonlinearity!r}; select from "
                             "'tanh' or 'relu'")
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def _step(self, xw, h, w_hh, b_hh):
        step = _rnn_tanh_step if self.nonlinearity == "tanh" else _rnn_relu_step
        return step(xw, h, w_hh, b_hh)


class LSTMCell(RNNCellBase):
    """One LSTM step; ``hx`` is ``(h, c)`` and so is the result."""
    _gates = 4
    _has_cell = True

    def _step(self, xw, state, w_hh, b_hh):
        return _lstm_step(xw, state, w_hh, b_hh)


class GRUCell(RNNCellBase):
    """One GRU step."""
    _gates = 3

    def _step(self, xw, h, w_hh, b_hh):
        return _gru_step(xw, h, w_hh, b_hh)

"""``nn.utils.rnn``: batches of sequences of different lengths, as PyTorch's
``torch.nn.utils.rnn``.

``pad_sequence`` stacks sequences into one (T, B, *) tensor, filling the
short ones; ``pack_padded_sequence`` turns a padded batch into a
`PackedSequence` -- the valid time steps only, time-major, each step
holding the sequences still running -- which ``RNN``/``LSTM``/``GRU``
consume without ever reading padding (so the final hidden state of each
sequence is taken at its own last step); ``pad_packed_sequence`` goes
back.  Every rearrangement is one gather (indexing with an integer array),
so gradients flow through all of them to the original sequences.
"""
from collections import namedtuple

import numpy as np

import autograd as ag
from autograd import Tensor

from .._checks import not_tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]


class PackedSequence(namedtuple("PackedSequence", "data batch_sizes sorted_indices "
                                                  "unsorted_indices")):
    """A batch of variable-length sequences without padding, as PyTorch's:
    ``data`` (sum of lengths, *) holds time step 0 of every sequence, then
    step 1 of those still running, ...; ``batch_sizes[t]`` (int64) says how
    many run at step t; ``sorted_indices`` (int64, or None when the batch
    came sorted) orders the batch by decreasing length and
    ``unsorted_indices`` undoes it.  Build it with `pack_padded_sequence` or
    `pack_sequence`, never by hand."""
    __slots__ = ()

    def to(self, *args, **kwargs):
        """The same sequence with ``data.to(*args, **kwargs)`` (a dtype or the CPU)."""
        data = self.data.to(*args, **kwargs)
        return self if data is self.data else self._replace(data=data)

    def cpu(self):
        """Itself: the data is already on the CPU."""
        return self

    def double(self):
        """The same sequence with float64 data."""
        return self.to(np.float64)

    def float(self):
        """The same sequence with float32 data."""
        return self.to(np.float32)

    @property
    def is_cuda(self):
        """False: chainrule runs on the CPU."""
        return False


def invert_permutation(permutation):
    """The permutation that undoes ``permutation`` (an int64 Tensor), or
    None for None."""
    if permutation is None:
        return None
    inverse = np.empty_like(permutation._data)
    inverse[permutation._data] = np.arange(len(inverse), dtype=inverse.dtype)
    return ag.tensor(inverse)


# ------------------------------------------------------------- padding
def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack tensors of shapes (L_i, *) into one (T, B, *) tensor (or
    (B, T, *) with ``batch_first``), T the longest L_i, the rest filled with
    ``padding_value`` on the right (or on the left with
    ``padding_side='left'``)."""
    where = "pad_sequence"
    if isinstance(sequences, Tensor):
        sequences = [sequences[i] for i in range(sequences.shape[0])]
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError(f"{where}: received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"{where}: expected padding_side to be one of left or right, but "
                           f"got {padding_side!r}")
    for i, s in enumerate(sequences):
        if not isinstance(s, Tensor):
            raise not_tensor(where, f"sequences[{i}]", 1, s)
        if s.ndim == 0 or s.shape[1:] != sequences[0].shape[1:]:
            raise RuntimeError(f"{where}: every sequence must have shape (L, *) with the same "
                               f"trailing dims; sequences[0] has shape {sequences[0].shape}, "
                               f"sequences[{i}] has shape {s.shape}")
    lengths = [s.shape[0] for s in sequences]
    T, total = max(lengths), sum(lengths)
    starts = np.cumsum([0] + lengths[:-1])
    # rows of cat(sequences + [padding row]); the padding row sits at index ``total``
    index = np.full((T, len(sequences)), total, dtype=np.int64)
    for b, (start, n) in enumerate(zip(starts, lengths)):
        steps = np.arange(n) if padding_side == "right" else np.arange(T - n, T)
        index[steps, b] = start + np.arange(n)
    pad = ag.full((1,) + tuple(sequences[0].shape[1:]), padding_value,
                  dtype=sequences[0].dtype)
    out = ag.cat(sequences + [pad], 0)[index]
    return out.transpose(0, 1) if batch_first else out


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """The list of sequences `pad_sequence` stacked (right padding), cut to
    ``lengths``."""
    x = padded_sequences if batch_first else padded_sequences.transpose(0, 1)
    return [x[b, :n] for b, n in enumerate(_lengths_list(lengths, "unpad_sequence"))]


# ------------------------------------------------------------- packing
def _lengths_list(lengths, where):
    if isinstance(lengths, Tensor):
        if lengths.dtype.kind not in "iu" or lengths.ndim != 1:
            raise RuntimeError(f"{where}: lengths must be a 1-D integer tensor or list, got "
                               f"dtype {lengths.dtype} and shape {lengths.shape}")
        return [int(n) for n in lengths._data]
    return [int(n) for n in lengths]


def _batch_sizes(sorted_lengths):
    """batch_sizes[t] = how many of the (decreasing) lengths exceed t."""
    lengths = np.asarray(sorted_lengths, dtype=np.int64)
    return (lengths[None, :] > np.arange(lengths[0])[:, None]).sum(1).astype(np.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded (T, B, *) batch (or (B, T, *) with ``batch_first``)
    whose sequence b has ``lengths[b]`` valid steps into a `PackedSequence`.
    With ``enforce_sorted`` the lengths must be decreasing; otherwise the
    batch is sorted here and the order kept in the result."""
    where = "pack_padded_sequence"
    if not isinstance(input, Tensor):
        raise not_tensor(where, "input", 1, input)
    lengths = _lengths_list(lengths, where)
    x = input.transpose(0, 1) if batch_first else input
    if x.ndim < 2 or len(lengths) != x.shape[1]:
        raise RuntimeError(f"{where}: expected {len(lengths)} sequences (one per length) in "
                           f"input of shape {input.shape} (batch_first={batch_first})")
    if min(lengths) <= 0:
        raise RuntimeError(f"{where}: Length of all samples has to be greater than 0, but "
                           f"found an element in 'lengths' that is <= 0: {lengths}")
    if max(lengths) > x.shape[0]:
        raise RuntimeError(f"{where}: a length ({max(lengths)}) exceeds the input's "
                           f"{x.shape[0]} time steps (input shape {input.shape}, "
                           f"batch_first={batch_first})")
    if enforce_sorted:
        if any(a < b for a, b in zip(lengths, lengths[1:])):
            raise RuntimeError(f"{where}: `lengths` array must be sorted in decreasing order "
                               f"when `enforce_sorted` is True, got {lengths}. You can pass "
                               f"`enforce_sorted=False` to pack_padded_sequence and/or "
                               f"pack_sequence to sidestep this requirement")
        order = None
    else:
        order = np.argsort(-np.asarray(lengths), kind="stable").astype(np.int64)
        lengths = [lengths[i] for i in order]
    batch_sizes = _batch_sizes(lengths)
    N = x.shape[1]
    columns = np.arange(N) if order is None else order
    # row t*N + columns[j] of the flattened (T*N, *) input, for every running j at step t
    index = np.concatenate([t * N + columns[:b] for t, b in enumerate(batch_sizes)])
    data = x.reshape((x.shape[0] * N,) + tuple(x.shape[2:]))[index]
    sorted_indices = None if order is None else ag.tensor(order)
    return PackedSequence(data, ag.tensor(batch_sizes), sorted_indices,
                          invert_permutation(sorted_indices))


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Undo `pack_padded_sequence`: returns ``(padded, lengths)`` with
    padded (T, B, *) (or (B, T, *)) in the batch's original order, T the
    longest length (or ``total_length``), and lengths an int64 tensor."""
    where = "pad_packed_sequence"
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"{where}: expected a PackedSequence, got {type(sequence).__name__}")
    data, batch_sizes, _, unsorted = sequence
    sizes = batch_sizes._data
    T, N = len(sizes), int(sizes[0])
    if total_length is not None:
        if total_length < T:
            raise ValueError(f"{where}: Expected total_length to be at least the length of the "
                             f"longest sequence in input, but got total_length={total_length} "
                             f"and max sequence length being {T}")
        T = int(total_length)
    # entry (t, j) reads packed row offset[t] + j while j runs at step t, else the padding row
    index = np.full((T, N), data.shape[0], dtype=np.int64)
    offset = 0
    for t, b in enumerate(sizes):
        index[t, :b] = offset + np.arange(b)
        offset += b
    lengths = (sizes[None, :] > np.arange(N)[:, None]).sum(1).astype(np.int64)
    if unsorted is not None:
        index, lengths = index[:, unsorted._data], lengths[unsorted._data]
    pad = ag.full((1,) + tuple(data.shape[1:]), padding_value, dtype=data.dtype)
    out = ag.cat([data, pad], 0)[index]
    return (out.transpose(0, 1) if batch_first else out), ag.tensor(lengths)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of (L_i, *) tensors: `pad_sequence` then
    `pack_padded_sequence` with their lengths."""
    sequences = list(sequences)
    lengths = [s.shape[0] if isinstance(s, Tensor) else 0 for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of (L_i, *) tensors a `PackedSequence` holds, in the batch's
    original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)

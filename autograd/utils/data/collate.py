"""`default_collate`: a list of samples -> one batch, with PyTorch's rules.

Tensors and NumPy arrays are stacked along a new first dimension (keeping
their dtype); Python floats become a float64 tensor, ints int64, bools bool,
NumPy scalars keep their dtype; strings stay a list; dicts, named tuples,
tuples and lists are collated field by field (a tuple of fields becomes a
list, as in PyTorch).  This is the slow, general path: a `TensorDataset` is
batched without it.
"""
import collections.abc

import numpy as np

from ...errors import ShapeError
from ...ops.movement import stack
from ...tensor import Tensor, _wrap

_TYPE_ERROR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
               "or lists; found {}")


def default_collate(batch):
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "OUSV":
            raise TypeError(_TYPE_ERROR.format(f"a NumPy array of dtype {elem.dtype}"))
        return _stack_tensors([_wrap(np.asarray(b)) for b in batch])
    if isinstance(elem, np.generic):
        return _wrap(np.array(batch))
    if isinstance(elem, float):
        return _wrap(np.array(batch, dtype=np.float64))
    if isinstance(elem, bool):
        return _wrap(np.array(batch, dtype=np.bool_))
    if isinstance(elem, int):
        return _wrap(np.array(batch, dtype=np.int64))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        return _collate_mapping(batch)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(f)) for f in _transpose(batch)))
    if isinstance(elem, collections.abc.Sequence):
        return [default_collate(list(f)) for f in _transpose(batch)]
    raise TypeError(_TYPE_ERROR.format(type(elem).__name__))


def _stack_tensors(batch):
    """One new array for the batch (samples are copied, never aliased).  Only
    samples that require grad go through the recorded `stack` op."""
    if any(t.requires_grad for t in batch):
        return stack(batch)
    shape = batch[0].shape
    if any(t.shape != shape for t in batch):
        return stack(batch)  # raises, naming the first sample of another shape
    return _wrap(np.stack([t._data for t in batch]))


def _transpose(batch):
    size = len(batch[0])
    for i, sample in enumerate(batch):
        if len(sample) != size:
            raise ShapeError(f"default_collate: each element in list of batch should be of "
                             f"equal size; sample 0 has {size} fields, sample {i} has "
                             f"{len(sample)}")
    return zip(*batch)


def _collate_mapping(batch):
    keys = list(batch[0])
    for i, sample in enumerate(batch):
        missing = [k for k in keys if k not in sample]
        if missing:
            raise KeyError(f"default_collate: sample {i} has no key {missing[0]!r} (sample 0 "
                           f"has keys {keys})")
    fields = {k: default_collate([sample[k] for sample in batch]) for k in keys}
    try:
        return type(batch[0])(fields)
    except TypeError:  # a Mapping type that cannot be built from a dict
        return fields

"""Datasets and mini-batch loading under ``torch.utils.data``'s names, so
training code ports by changing its imports.

`TensorDataset` (and a `Subset` of one) is the fast case: the loader cuts a
batch with one fancy-index per tensor.  Any other map-style dataset (an object
with ``__getitem__`` and ``__len__``) goes sample by sample through
`default_collate`.  Samplers (`RandomSampler`, `WeightedRandomSampler`,
`BatchSampler`...) choose the order.  Iterable-style datasets and worker
processes are not provided: with data in memory as NumPy arrays they would add
machinery without adding speed (``num_workers`` is accepted and loads in this
process, giving the same batches).
"""
from .collate import default_collate
from .dataloader import DataLoader
from .dataset import ConcatDataset, Dataset, Subset, TensorDataset, random_split
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,
                      SubsetRandomSampler, WeightedRandomSampler)

__all__ = [
           "BatchSampler",
           "RandomSampler",
           "Sampler",
           "SequentialSampler",
           "SubsetRandomSampler",
           "WeightedRandomSampler",
           "ConcatDataset",
           "DataLoader",
           "Dataset",
           "Subset",
           "TensorDataset",
           "default_collate",
           "random_split",
]

"""Collate functions and the worker seeding of ``mmengine.dataset``."""
import random
from typing import Any, Mapping, Sequence

import torch
from torch.utils.data._utils.collate import default_collate as torch_default_collate

from ..registry import FUNCTIONS
from ..structures import BaseDataElement

COLLATE_FUNCTIONS = FUNCTIONS


def worker_init_fn(worker_id: int, num_workers: int, rank: int, seed: int,
                   disable_subprocess_warning: bool = False) -> None:
    """Seed a dataloader worker with ``num_workers * rank + worker_id + seed``."""
    worker_seed = num_workers * rank + worker_id + seed
    try:
        import numpy as np
        np.random.seed(worker_seed)
    except ImportError:
        pass
    random.seed(worker_seed)
    torch.manual_seed(worker_seed)
    if disable_subprocess_warning and worker_id != 0:
        import warnings
        warnings.simplefilter('ignore')


def _collate(data_batch: Sequence, leaf, passthrough: tuple) -> Any:
    """Regroup a list of samples field by field, recursing through
    sequences and mappings and calling ``leaf`` on everything else."""
    item = data_batch[0]
    if isinstance(item, passthrough):
        return data_batch
    if isinstance(item, tuple) and hasattr(item, '_fields'):  # namedtuple
        return type(item)(*(_collate(samples, leaf, passthrough) for samples in zip(*data_batch)))
    if isinstance(item, Sequence):
        size = len(item)
        if any(len(sample) != size for sample in data_batch):
            raise RuntimeError('each element in list of batch should be of equal size')
        fields = [_collate(samples, leaf, passthrough) for samples in zip(*data_batch)]
        if isinstance(item, tuple):
            return fields
        try:
            return type(item)(fields)
        except TypeError:  # e.g. range cannot be built from a list
            return fields
    if isinstance(item, Mapping):
        return type(item)({key: _collate([d[key] for d in data_batch], leaf, passthrough)
                           for key in item})
    return leaf(data_batch)


@FUNCTIONS.register_module()
def pseudo_collate(data_batch: Sequence) -> Any:
    """Turn a list of samples into a batch without stacking: a list of dicts
    becomes a dict of lists, a list of tuples a list of lists."""
    return _collate(data_batch, lambda batch: batch, (str, bytes))


@FUNCTIONS.register_module()
def default_collate(data_batch: Sequence) -> Any:
    """Like ``pseudo_collate``, but tensors and numbers are stacked with
    torch's ``default_collate``; data elements stay lists."""
    return _collate(data_batch, torch_default_collate, (BaseDataElement, str, bytes))

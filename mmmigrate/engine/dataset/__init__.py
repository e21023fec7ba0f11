"""Data utilities (``mmengine.dataset``): ``BaseDataset`` and its
wrappers, ``Compose``, collate functions, samplers, worker seeding."""
from .base_dataset import BaseDataset, Compose, force_full_init
from .dataset_wrapper import ClassBalancedDataset, ConcatDataset, RepeatDataset
from .sampler import DefaultSampler, InfiniteSampler
from .utils import COLLATE_FUNCTIONS, default_collate, pseudo_collate, worker_init_fn

__all__ = ['BaseDataset', 'COLLATE_FUNCTIONS', 'ClassBalancedDataset', 'Compose',
           'ConcatDataset', 'DefaultSampler', 'InfiniteSampler', 'RepeatDataset',
           'default_collate', 'force_full_init', 'pseudo_collate', 'worker_init_fn']

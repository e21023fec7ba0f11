"""Data utilities (``mmengine.dataset``): collate functions, samplers,
worker seeding."""
from .sampler import DefaultSampler, InfiniteSampler
from .utils import (COLLATE_FUNCTIONS, default_collate, pseudo_collate,
                    worker_init_fn)

__all__ = ['COLLATE_FUNCTIONS', 'DefaultSampler', 'InfiniteSampler', 'default_collate',
           'pseudo_collate', 'worker_init_fn']

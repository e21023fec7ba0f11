"""Data utilities (``mmengine.dataset``)."""
from .utils import (COLLATE_FUNCTIONS, default_collate, pseudo_collate,
                    worker_init_fn)

__all__ = ['COLLATE_FUNCTIONS', 'default_collate', 'pseudo_collate', 'worker_init_fn']

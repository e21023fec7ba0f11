"""Runner helpers: seeding and validation-interval schedules."""
import logging
import random
from typing import List, Optional, Tuple

import torch

from ..logging import print_log
from ..utils import is_list_of


def set_random_seed(seed: Optional[int] = None, deterministic: bool = False,
                    diff_rank_seed: bool = False) -> int:
    """Seed Python, numpy (when installed) and torch; a None seed is drawn
    on rank 0 and shared. ``diff_rank_seed`` adds the rank. Returns the seed."""
    from ..dist import get_rank, sync_random_seed
    if seed is None:
        seed = sync_random_seed()
    if diff_rank_seed:
        seed += get_rank()
    random.seed(seed)
    try:
        import numpy as np
        np.random.seed(seed)
    except ImportError:
        pass
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    if deterministic:
        if torch.backends.cudnn.benchmark:
            print_log('torch.backends.cudnn.benchmark is going to be set as `False` to cause '
                      'cuDNN to deterministically select an algorithm', logger='current',
                      level=logging.WARNING)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
        torch.use_deterministic_algorithms(True)
    return seed


def calc_dynamic_intervals(start_interval: int,
                           dynamic_interval_list: Optional[List[Tuple[int, int]]] = None
                           ) -> Tuple[List[int], List[int]]:
    """Milestones and intervals for ``dynamic_intervals=[(milestone, interval), ...]``."""
    if dynamic_interval_list is None:
        return [0], [start_interval]
    if not is_list_of(dynamic_interval_list, tuple):
        raise TypeError('dynamic_intervals must be a list of (milestone, interval) tuples, '
                        f'got {dynamic_interval_list!r}')
    milestones = [0] + [item[0] for item in dynamic_interval_list]
    intervals = [start_interval] + [item[1] for item in dynamic_interval_list]
    return milestones, intervals


def get_batch_size(dataloader) -> int:
    """The per-process batch size of a dataloader or dataloader config."""
    if isinstance(dataloader, dict):
        if 'batch_size' in dataloader:
            return dataloader['batch_size']
        if 'batch_size' in dataloader.get('batch_sampler', {}):
            return dataloader['batch_sampler']['batch_size']
        raise ValueError('set batch_size in the dataloader config or in its batch_sampler')
    batch_sampler = getattr(dataloader, 'batch_sampler', None)
    if batch_sampler is not None and hasattr(batch_sampler, 'batch_size'):
        return batch_sampler.batch_size
    return dataloader.batch_size

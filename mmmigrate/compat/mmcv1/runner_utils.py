"""``mmcv.runner.utils`` / ``mmcv.runner.priority``: MMCV 1.x's helpers
with MMCV's signatures."""
import os
import random
import sys
import time
from types import ModuleType
from typing import Optional

import numpy as np
import torch
from . import mmengine_module


def _priority():
    return mmengine_module('runner')


def __getattr__(name: str):
    if name in ('Priority', 'get_priority'):  # the same levels and names as MMCV's
        return getattr(_priority(), name)
    raise AttributeError(name)


def get_time_str() -> str:
    return time.strftime('%Y%m%d_%H%M%S', time.localtime())


def obj_from_dict(info: dict, parent: Optional[ModuleType] = None,
                  default_args: Optional[dict] = None):
    """The object ``info['type']`` names (a class, or its name in ``parent``
    or ``sys.modules``), built with the other keys and ``default_args``."""
    if not (isinstance(info, dict) and 'type' in info):
        raise TypeError(f'obj_from_dict needs a dict with a "type", got {info!r}')
    if not (default_args is None or isinstance(default_args, dict)):
        raise TypeError('default_args must be a dict or None')
    args = info.copy()
    obj_type = args.pop('type')
    if isinstance(obj_type, str):
        obj_type = getattr(parent, obj_type) if parent is not None else \
            sys.modules[obj_type]
    elif not isinstance(obj_type, type):
        raise TypeError(f'type must be a type object, but got {type(obj_type)}')
    for name, value in (default_args or {}).items():
        args.setdefault(name, value)
    return obj_type(**args)


def set_random_seed(seed: int, deterministic: bool = False, use_rank_shift: bool = False) -> None:
    """Seed python, numpy and torch as MMCV did (``PYTHONHASHSEED`` too)."""
    if use_rank_shift:
        get_dist_info = mmengine_module('dist').get_dist_info
        seed += get_dist_info()[0]
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    os.environ['PYTHONHASHSEED'] = str(seed)
    if deterministic:
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False

"""Process-group helpers on top of ``torch.distributed`` (``mmengine.dist``)."""
from .utils import (barrier, get_dist_info, get_rank, get_world_size,
                    is_distributed, is_main_process, master_only)

__all__ = [
    'barrier', 'get_dist_info', 'get_rank', 'get_world_size',
    'is_distributed', 'is_main_process', 'master_only'
]

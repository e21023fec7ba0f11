"""Model wrappers (``mmengine.model.wrappers``). torch's DataParallel and
DistributedDataParallel are registered too, so ``is_model_wrapper`` knows
them."""
from torch.nn.parallel import DataParallel, DistributedDataParallel

from ...registry import MODEL_WRAPPERS
from .distributed import MMDistributedDataParallel
from .fully_sharded_distributed import MMFullyShardedDataParallel
from .separate_distributed import MMSeparateDistributedDataParallel
from .utils import is_model_wrapper

MODEL_WRAPPERS.register_module(module=DistributedDataParallel)
MODEL_WRAPPERS.register_module(module=DataParallel)

__all__ = ['MMDistributedDataParallel', 'MMFullyShardedDataParallel',
           'MMSeparateDistributedDataParallel', 'is_model_wrapper']

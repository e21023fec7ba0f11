"""Model wrappers (``mmengine.model.wrappers``). torch's DataParallel and
DistributedDataParallel are registered too, so ``is_model_wrapper`` knows
them. The FSDP wrapper is imported on first use: ``torch.distributed.fsdp``
takes most of a second to import."""
from torch.nn.parallel import DataParallel, DistributedDataParallel

from ...registry import MODEL_WRAPPERS
from .distributed import MMDistributedDataParallel
from .seperate_distributed import MMSeparateDistributedDataParallel
from .utils import is_model_wrapper

MODEL_WRAPPERS.register_module(module=DistributedDataParallel)
MODEL_WRAPPERS.register_module(module=DataParallel)


def _fsdp_class():
    from .fully_sharded_distributed import MMFullyShardedDataParallel
    return MMFullyShardedDataParallel


def _build_fsdp(**kwargs):
    """Stands in the registry until the FSDP wrapper is imported."""
    return _fsdp_class()(**kwargs)


if 'MMFullyShardedDataParallel' not in MODEL_WRAPPERS.module_dict:
    MODEL_WRAPPERS.register_module(name='MMFullyShardedDataParallel', module=_build_fsdp)


def __getattr__(name):
    if name == 'MMFullyShardedDataParallel':
        return _fsdp_class()
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


__all__ = ['MMDistributedDataParallel', 'MMFullyShardedDataParallel',
           'MMSeparateDistributedDataParallel', 'is_model_wrapper']

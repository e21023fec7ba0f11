"""Model wrappers (``mmengine.model.wrappers``). torch's DataParallel and
DistributedDataParallel are registered, so ``is_model_wrapper`` knows them."""
from torch.nn.parallel import DataParallel, DistributedDataParallel

from ...registry import MODEL_WRAPPERS
from .utils import is_model_wrapper

MODEL_WRAPPERS.register_module(module=DistributedDataParallel)
MODEL_WRAPPERS.register_module(module=DataParallel)

__all__ = ['is_model_wrapper']

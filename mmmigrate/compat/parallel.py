"""MMCV's model wrappers for legacy training scripts (``mmcv.parallel`` under
the shim).

- ``MMDataParallel``: the engine's Runner places the model on its device
  itself, so this only holds the model (``.module``) and forwards to it.
- ``MMDistributedDataParallel``: torch DDP around an MMCV-contract model,
  built where the script builds it (after its process group is set up). The
  model goes into a ``LegacyModel``, and each step runs as MMCV's wrapper
  ran it: the module's own ``train_step(data, optimizer)`` inside DDP's
  forward, so the backward of the loss it returns averages the gradients
  across processes; then the ``OptimizerHook`` step. A model in the
  engine's contract is stepped as the engine's wrapper steps it. Registered
  in ``MODEL_WRAPPERS`` as ``LegacyDistributedDataParallel``, the wrapper a
  config training a ``LegacyModel`` on several processes uses.
"""
import torch.nn as nn

from ..engine.model import MMDistributedDataParallel as EngineDistributedDataParallel
from ..engine.registry import MODEL_WRAPPERS
from .model import LegacyModel, mmcv_contract


class MMDataParallel(nn.Module):

    def __init__(self, module, device_ids=None, dim=0, **kwargs):
        super().__init__()
        self.module = module

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def train_step(self, *args, **kwargs):
        return self.module.train_step(*args, **kwargs)

    def val_step(self, *args, **kwargs):
        return self.module.val_step(*args, **kwargs)


@MODEL_WRAPPERS.register_module(name='LegacyDistributedDataParallel')
class MMDistributedDataParallel(EngineDistributedDataParallel):

    def __init__(self, module, **kwargs):
        super().__init__(LegacyModel(module) if mmcv_contract(module) else module, **kwargs)

    def train_step(self, data, optim_wrapper):
        if isinstance(self.module, LegacyModel):
            return self.module.train_step(data, optim_wrapper, ddp=self)
        return super().train_step(data, optim_wrapper)

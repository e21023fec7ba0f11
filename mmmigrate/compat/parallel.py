"""``mmcv.parallel`` for legacy code (served by the shim): ``DataContainer``,
``collate`` and ``scatter``, and the model wrappers.

- ``DataContainer`` wraps a sample's field so that ``collate`` treats it
  as MMCV did: ``cpu_only`` fields (image metas) become lists, ``stack``
  fields (images) are padded over their last ``pad_dims`` dimensions to the
  largest sample and stacked, others become lists of tensors; each split in
  chunks of ``samples_per_gpu``. ``scatter`` hands each device its chunk.
  The engine's data flow has no such containers; a ``LegacyModel``
  unwraps them (the chunk of its device, as MMCV's wrappers scattered
  them) before its data preprocessor runs.

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
from .data_container import DataContainer, collate, scatter, scatter_kwargs  # noqa: F401
from .model import LegacyModel, mmcv_contract


class MMDataParallel(nn.Module):

    def __init__(self, module, device_ids=None, dim=0, **kwargs):
        super().__init__()
        self.module = module

    def forward(self, *args, **kwargs):
        args, kwargs = _own_chunk(args, kwargs)  # single_gpu_test: model(return_loss=False, **data)
        return self.module(*args, **kwargs)

    def train_step(self, *args, **kwargs):
        args, kwargs = _own_chunk(args, kwargs)
        return self.module.train_step(*args, **kwargs)

    def val_step(self, *args, **kwargs):
        args, kwargs = _own_chunk(args, kwargs)
        return self.module.val_step(*args, **kwargs)


def _own_chunk(args, kwargs):
    """The arguments as MMCV's wrapper on one device passed them on: each
    DataContainer replaced by its first chunk."""
    inputs, kwargs = scatter_kwargs(args, kwargs, [-1])
    return (inputs[0] if inputs else ()), (kwargs[0] if kwargs else {})


@MODEL_WRAPPERS.register_module(name='LegacyDistributedDataParallel')
class MMDistributedDataParallel(EngineDistributedDataParallel):

    def __init__(self, module, **kwargs):
        super().__init__(LegacyModel(module) if mmcv_contract(module) else module, **kwargs)

    def train_step(self, data, optim_wrapper):
        if isinstance(self.module, LegacyModel):
            return self.module.train_step(data, optim_wrapper, ddp=self)
        return super().train_step(data, optim_wrapper)

"""``build_optim_wrapper`` and the registration of torch's optimizers."""
import copy
import inspect
from typing import List

import torch
import torch.nn as nn

from ...registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIMIZERS


def register_torch_optimizers() -> List[str]:
    """Register every ``torch.optim.Optimizer`` subclass under its name
    (``Adafactor`` as ``TorchAdafactor``, as MMEngine does)."""
    names = []
    for name in dir(torch.optim):
        if name.startswith('__'):
            continue
        obj = getattr(torch.optim, name)
        if inspect.isclass(obj) and issubclass(obj, torch.optim.Optimizer):
            OPTIMIZERS.register_module(name='TorchAdafactor' if name == 'Adafactor' else name,
                                       module=obj)
            names.append(name)
    return names


TORCH_OPTIMIZERS = register_torch_optimizers()


def build_optim_wrapper(model: nn.Module, cfg: dict):
    """Build an optimizer wrapper for ``model`` from an ``optim_wrapper``
    config: ``constructor`` (default ``DefaultOptimWrapperConstructor``) and
    ``paramwise_cfg`` are taken out, the rest goes to the constructor."""
    if not isinstance(cfg, dict):
        raise TypeError(f'optim_wrapper must be a dict, got {type(cfg).__name__}')
    optim_wrapper_cfg = copy.deepcopy(cfg)
    constructor_type = optim_wrapper_cfg.pop('constructor', 'DefaultOptimWrapperConstructor')
    paramwise_cfg = optim_wrapper_cfg.pop('paramwise_cfg', None)
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type=constructor_type, optim_wrapper_cfg=optim_wrapper_cfg,
             paramwise_cfg=paramwise_cfg))
    return constructor(model)

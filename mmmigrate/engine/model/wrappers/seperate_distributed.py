"""``MMSeparateDistributedDataParallel``: each trainable child module in
its own DDP, for models that optimise parts separately (GANs). (The module
name is spelled as MMEngine spells it.)"""
from contextlib import ExitStack, contextmanager
from typing import Dict, Union

import torch
import torch.nn as nn
from torch.nn.parallel.distributed import DistributedDataParallel

from ...device import get_device
from ...registry import MODEL_WRAPPERS
from .distributed import MMDistributedDataParallel


@MODEL_WRAPPERS.register_module()
class MMSeparateDistributedDataParallel(DistributedDataParallel):
    """Wraps every child of ``module`` that has trainable parameters in an
    ``MMDistributedDataParallel``; the model's own ``train_step`` (which
    steps each ``optim_wrapper[name]``) is called as is."""

    def __init__(self, module: nn.Module, broadcast_buffers: bool = False,
                 find_unused_parameters: bool = False, **kwargs):
        # Initialise as a plain Module: this wrapper holds DDPs, it is not one.
        nn.Module.__init__(self)
        self.module = module
        device = get_device()
        for name, child in module._modules.items():
            if child is None:
                continue
            params = list(child.parameters())
            if not params or not any(p.requires_grad for p in params):
                child = child.to(device)
            else:
                child = MMDistributedDataParallel(
                    module=child.to(device), broadcast_buffers=broadcast_buffers,
                    find_unused_parameters=find_unused_parameters, **kwargs)
            module._modules[name] = child

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def train_step(self, data: Union[dict, tuple, list], optim_wrapper) -> Dict[str, torch.Tensor]:
        return self.module.train_step(data, optim_wrapper)

    def val_step(self, data: Union[dict, tuple, list]) -> list:
        return self.module.val_step(data)

    def test_step(self, data: Union[dict, tuple, list]) -> list:
        return self.module.test_step(data)

    @contextmanager
    def no_sync(self):
        """Skip gradient synchronisation in every wrapped child."""
        with ExitStack() as stack:
            for child in self.module._modules.values():
                if isinstance(child, DistributedDataParallel):
                    stack.enter_context(child.no_sync())
            yield

    def train(self, mode: bool = True) -> 'MMSeparateDistributedDataParallel':
        self.training = mode
        self.module.train(mode)
        return self

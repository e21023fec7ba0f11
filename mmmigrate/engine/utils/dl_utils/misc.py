"""Model inspection helpers: normalisation layers, batch norm."""
import torch
import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm

TORCH_VERSION = torch.__version__

NORM_LAYERS = (_BatchNorm, _InstanceNorm, nn.GroupNorm, nn.LayerNorm)


def has_batch_norm(model: nn.Module) -> bool:
    """Whether ``model`` contains a batch-norm layer (gradient accumulation
    warns about them)."""
    return any(isinstance(m, _BatchNorm) for m in model.modules())


def is_norm(layer: nn.Module, exclude=None) -> bool:
    """Whether ``layer`` is a normalisation layer (BN, IN, GN or LN)."""
    if exclude is not None:
        if not isinstance(exclude, tuple):
            exclude = (exclude, )
        if isinstance(layer, exclude):
            return False
    return isinstance(layer, NORM_LAYERS)

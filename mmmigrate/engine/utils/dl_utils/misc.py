"""Model inspection helpers: normalisation layers, batch norm."""
from typing import Optional, Tuple

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


def tensor2imgs(tensor: torch.Tensor, mean: Optional[Tuple[float, ...]] = None,
                std: Optional[Tuple[float, ...]] = None, to_bgr: bool = True) -> list:
    """The images of an ``(N, C, H, W)`` tensor (C = 3, RGB, or 1) as
    ``(H, W, C)`` numpy arrays, with normalisation undone (``* std +
    mean``) and, for colour images with ``to_bgr``, channels in BGR order."""
    import numpy as np
    assert torch.is_tensor(tensor) and tensor.ndim == 4, 'tensor2imgs takes an NCHW tensor'
    channels = tensor.size(1)
    assert channels in (1, 3), f'tensor2imgs takes 1 or 3 channels, got {channels}'
    mean = (0, ) * channels if mean is None else mean
    std = (1, ) * channels if std is None else std
    assert (channels == len(mean) == len(std) == 3) or \
        (channels == len(mean) == len(std) == 1 and not to_bgr), \
        'mean and std need one value per channel; a gray image cannot be made BGR'
    mean = tensor.new_tensor(mean).view(1, -1)
    std = tensor.new_tensor(std).view(1, -1)
    images = (tensor.permute(0, 2, 3, 1) * std + mean).detach().cpu().numpy()
    if to_bgr and channels == 3:
        images = images[:, :, :, (2, 1, 0)]
    return [np.ascontiguousarray(image) for image in images]


def mmcv_full_available() -> bool:
    """Whether MMCV with its compiled ops (``mmcv._ext``) is installed."""
    import importlib.util
    try:
        return importlib.util.find_spec('mmcv') is not None and \
            importlib.util.find_spec('mmcv._ext') is not None
    except (ImportError, ValueError):
        return False

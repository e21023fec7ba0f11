"""Torch-dependent helpers (``mmengine.utils.dl_utils`` names)."""
import torch
from torch.utils.model_zoo import load_url

from .collect_env import collect_env
from .misc import NORM_LAYERS, TORCH_VERSION, has_batch_norm, is_norm
from .parrots_wrapper import is_rocm_pytorch

__all__ = ['NORM_LAYERS', 'TORCH_VERSION', 'collect_env', 'has_batch_norm', 'is_jit_tracing', 'is_norm',
           'is_rocm_pytorch', 'load_url', 'torch_meshgrid']


def is_jit_tracing() -> bool:
    """Whether the code runs under ``torch.jit.trace``."""
    return torch.jit.is_tracing()


def torch_meshgrid(*tensors):
    """``torch.meshgrid`` with matrix ('ij') indexing, without the warning
    recent torch gives when the indexing is not said."""
    return torch.meshgrid(*tensors, indexing='ij')

"""Torch-dependent helpers (``mmengine.utils.dl_utils`` names)."""
from .collect_env import collect_env
from .hub import load_url
from .misc import (NORM_LAYERS, TORCH_VERSION, has_batch_norm, is_norm, mmcv_full_available,
                   tensor2imgs)
from .parrots_wrapper import is_rocm_pytorch
from .setup_env import set_multi_processing
from .time_counter import TimeCounter
from .torch_ops import torch_meshgrid
from .trace import is_jit_tracing

__all__ = ['NORM_LAYERS', 'TORCH_VERSION', 'TimeCounter', 'collect_env', 'has_batch_norm',
           'is_jit_tracing', 'is_norm', 'is_rocm_pytorch', 'load_url', 'mmcv_full_available',
           'set_multi_processing', 'tensor2imgs', 'torch_meshgrid']

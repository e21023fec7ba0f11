"""The torch base classes and build helpers MMCV 1.x exported through
``mmcv.utils.parrots_wrapper`` (``mmengine.utils.dl_utils.parrots_wrapper``).
Parrots (SenseTime's framework) is not supported: these are torch's."""
from typing import Optional

import torch
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.conv import _ConvNd, _ConvTransposeMixin
from torch.nn.modules.instancenorm import _InstanceNorm
from torch.nn.modules.pooling import (_AdaptiveAvgPoolNd, _AdaptiveMaxPoolNd, _AvgPoolNd,
                                      _MaxPoolNd)
from torch.utils.data import DataLoader

TORCH_VERSION = torch.__version__
PoolDataLoader = DataLoader  # Parrots' pooled loader; torch has one kind
SyncBatchNorm_ = torch.nn.SyncBatchNorm  # the framework's own class, under MMEngine's name

__all__ = ['TORCH_VERSION', 'DataLoader', 'PoolDataLoader', 'SyncBatchNorm', 'SyncBatchNorm_', '_AdaptiveAvgPoolNd',
           '_AdaptiveMaxPoolNd', '_AvgPoolNd', '_BatchNorm', '_ConvNd', '_ConvTransposeMixin',
           '_InstanceNorm', '_MaxPoolNd', '_get_cuda_home', 'get_build_config',
           'is_rocm_pytorch']


class SyncBatchNorm(torch.nn.SyncBatchNorm):
    """torch's SyncBatchNorm (MMCV named the class it registered this way)."""


def is_rocm_pytorch() -> bool:
    """Whether torch was built for ROCm (AMD GPUs)."""
    if torch.version.hip is None:
        return False
    from torch.utils.cpp_extension import ROCM_HOME
    return ROCM_HOME is not None


def _get_cuda_home() -> Optional[str]:
    """The CUDA (or ROCm) toolkit folder torch builds extensions with."""
    from torch.utils import cpp_extension
    return cpp_extension.ROCM_HOME if is_rocm_pytorch() else cpp_extension.CUDA_HOME


def get_build_config() -> str:
    """How torch was built (``torch.__config__.show()``)."""
    return torch.__config__.show()

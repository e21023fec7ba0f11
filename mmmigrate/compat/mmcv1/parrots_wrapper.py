"""``mmcv.utils.parrots_wrapper``: MMCV 1.x's torch/parrots switch. The
torch names are MMEngine's (``rules/imports.yaml``); these two it dropped."""
import torch


def is_cuda_available() -> bool:
    return torch.cuda.is_available()


IS_CUDA_AVAILABLE = is_cuda_available()


# MMCV's switches between torch and parrots, which libraries call (mmpose's
# `_get_dataloader`): the torch side of each
def _get_conv():
    from torch.nn.modules.conv import _ConvNd, _ConvTransposeMixin
    return _ConvNd, _ConvTransposeMixin


def _get_dataloader():
    from torch.utils.data import DataLoader
    return DataLoader, DataLoader  # (DataLoader, PoolDataLoader)


def _get_extension():
    from torch.utils.cpp_extension import BuildExtension, CppExtension, CUDAExtension
    return BuildExtension, CppExtension, CUDAExtension


def _get_pool():
    from torch.nn.modules.pooling import (_AdaptiveAvgPoolNd, _AdaptiveMaxPoolNd, _AvgPoolNd,
                                          _MaxPoolNd)
    return _AdaptiveAvgPoolNd, _AdaptiveMaxPoolNd, _AvgPoolNd, _MaxPoolNd


def _get_norm():
    from torch.nn.modules.batchnorm import _BatchNorm
    from torch.nn.modules.instancenorm import _InstanceNorm
    return _BatchNorm, _InstanceNorm, torch.nn.SyncBatchNorm

"""Which accelerator to run on (``mmengine.device``)."""
from functools import lru_cache

import torch


def is_cuda_available() -> bool:
    return torch.cuda.is_available()


def is_mps_available() -> bool:
    mps = getattr(torch.backends, 'mps', None)
    return bool(mps is not None and mps.is_available())


def is_npu_available() -> bool:
    return hasattr(torch, 'npu') and torch.npu.is_available()


def is_mlu_available() -> bool:
    return hasattr(torch, 'is_mlu_available') and torch.is_mlu_available()


def is_musa_available() -> bool:
    """Moore Threads GPUs (torch_musa): only where it is installed."""
    return hasattr(torch, 'musa') and torch.musa.is_available()


@lru_cache(maxsize=None)
def get_device() -> str:
    """The device type a run uses by default: npu, cuda, mlu, mps or cpu."""
    if is_npu_available():
        return 'npu'
    if is_cuda_available():
        return 'cuda'
    if is_mlu_available():
        return 'mlu'
    if is_mps_available():
        return 'mps'
    return 'cpu'


__all__ = ['get_device', 'is_cuda_available', 'is_mlu_available',
           'is_mps_available', 'is_npu_available']

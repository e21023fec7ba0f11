"""``mmcv.utils.parrots_wrapper``: MMCV 1.x's torch/parrots switch. The
torch names are MMEngine's (``rules/imports.yaml``); these two it dropped."""
import torch


def is_cuda_available() -> bool:
    return torch.cuda.is_available()


IS_CUDA_AVAILABLE = is_cuda_available()

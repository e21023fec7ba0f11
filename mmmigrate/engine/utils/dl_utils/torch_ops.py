"""Torch call wrappers (``mmengine.utils.dl_utils.torch_ops``)."""
import torch


def torch_meshgrid(*tensors):
    """``torch.meshgrid`` with matrix ('ij') indexing, without the warning
    recent torch gives when the indexing is not said."""
    return torch.meshgrid(*tensors, indexing='ij')

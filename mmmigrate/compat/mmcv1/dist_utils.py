"""``mmcv.runner.dist_utils``'s gradient and parameter all-reduce (averaged
over the processes, flattened per dtype or per bucket, as MMCV did); the
rest of the module is ``mmengine.dist``."""
from collections import OrderedDict
from typing import List

import torch
import torch.distributed as dist
from torch._utils import _flatten_dense_tensors, _take_tensors, _unflatten_dense_tensors


def _world_size() -> int:
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def _allreduce_coalesced(tensors: List[torch.Tensor], world_size: int,
                         bucket_size_mb: int = -1) -> None:
    if bucket_size_mb > 0:
        buckets = _take_tensors(tensors, bucket_size_mb * 1024 * 1024)
    else:
        by_type: OrderedDict = OrderedDict()
        for tensor in tensors:
            by_type.setdefault(tensor.type(), []).append(tensor)
        buckets = by_type.values()
    for bucket in buckets:
        flat = _flatten_dense_tensors(bucket)
        dist.all_reduce(flat)
        flat.div_(world_size)
        for tensor, synced in zip(bucket, _unflatten_dense_tensors(flat, bucket)):
            tensor.copy_(synced)


def allreduce_params(params, coalesce: bool = True, bucket_size_mb: int = -1) -> None:
    world_size = _world_size()
    if world_size == 1:
        return
    tensors = [param.data for param in params]
    if coalesce:
        _allreduce_coalesced(tensors, world_size, bucket_size_mb)
    else:
        for tensor in tensors:
            dist.all_reduce(tensor.div_(world_size))


def allreduce_grads(params, coalesce: bool = True, bucket_size_mb: int = -1) -> None:
    grads = [param.grad.data for param in params
             if param.requires_grad and param.grad is not None]
    world_size = _world_size()
    if world_size == 1:
        return
    if coalesce:
        _allreduce_coalesced(grads, world_size, bucket_size_mb)
    else:
        for tensor in grads:
            dist.all_reduce(tensor.div_(world_size))

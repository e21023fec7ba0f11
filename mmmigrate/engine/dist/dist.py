"""Collective operations that are no-ops in a single process
(``mmengine.dist.dist``). Tensors travel on the device the backend needs (CUDA
for NCCL, CPU for gloo) and come back to where they were."""
import os
import pickle
import random
import shutil
from itertools import chain, zip_longest
from typing import Any, Dict, List, Optional

import torch
import torch.distributed as torch_dist
from torch._utils import _flatten_dense_tensors, _unflatten_dense_tensors

from .utils import barrier, get_rank, get_world_size

_REDUCE_OPS = {'sum': torch_dist.ReduceOp.SUM, 'product': torch_dist.ReduceOp.PRODUCT,
               'min': torch_dist.ReduceOp.MIN, 'max': torch_dist.ReduceOp.MAX,
               'band': torch_dist.ReduceOp.BAND, 'bor': torch_dist.ReduceOp.BOR,
               'bxor': torch_dist.ReduceOp.BXOR}


def get_comm_device(group=None) -> torch.device:
    """The device collective tensors must live on for the group's backend."""
    backend = torch_dist.get_backend(group)
    if backend == 'nccl':
        return torch.device('cuda', torch.cuda.current_device())
    return torch.device('cpu')


def _reduce_op(name: str):
    if name.lower() not in _REDUCE_OPS:
        raise ValueError(f'reduce op must be one of {sorted(_REDUCE_OPS) + ["mean"]}, got {name!r}')
    return _REDUCE_OPS[name.lower()]


def all_reduce(data: torch.Tensor, op: str = 'sum', group=None) -> None:
    """Reduce ``data`` in place across ranks; ``op='mean'`` averages."""
    world_size = get_world_size(group)
    if world_size == 1:
        return
    on_device = data.to(get_comm_device(group))
    if op.lower() == 'mean':
        torch_dist.all_reduce(on_device, _reduce_op('sum'), group)
        on_device = torch.true_divide(on_device, world_size)
    else:
        torch_dist.all_reduce(on_device, _reduce_op(op), group)
    data.copy_(on_device.to(data.device))


def all_gather(data: torch.Tensor, group=None) -> List[torch.Tensor]:
    """The tensor of every rank (all of the same shape), in rank order."""
    if get_world_size(group) == 1:
        return [data]
    device = get_comm_device(group)
    on_device = data.to(device)
    gathered = [torch.empty_like(on_device) for _ in range(get_world_size(group))]
    torch_dist.all_gather(gathered, on_device, group)
    return [t.to(data.device) for t in gathered]


def gather(data: torch.Tensor, dst: int = 0, group=None) -> List[Optional[torch.Tensor]]:
    """Every rank's tensor (all of one shape) on rank ``dst``, in rank order;
    an empty list on the other ranks."""
    if get_world_size(group) == 1:
        return [data]
    device = get_comm_device(group)
    on_device = data.to(device)
    if get_rank(group) == dst:
        gathered = [torch.empty_like(on_device) for _ in range(get_world_size(group))]
        torch_dist.gather(on_device, gathered, dst, group)
        return [t.to(data.device) for t in gathered]
    torch_dist.gather(on_device, None, dst, group)
    return []


def broadcast(data: torch.Tensor, src: int = 0, group=None) -> None:
    """Overwrite ``data`` with rank ``src``'s tensor."""
    if get_world_size(group) == 1:
        return
    on_device = data.to(get_comm_device(group))
    torch_dist.broadcast(on_device, src, group)
    data.copy_(on_device.to(data.device))


def broadcast_object_list(data: List[Any], src: int = 0, group=None) -> None:
    """Overwrite the items of ``data`` with rank ``src``'s (picklable) items."""
    if get_world_size(group) > 1:
        torch_dist.broadcast_object_list(data, src, group,
                                         device=get_comm_device(group))


def all_gather_object(data: Any, group=None) -> List[Any]:
    if get_world_size(group) == 1:
        return [data]
    gathered = [None] * get_world_size(group)
    torch_dist.all_gather_object(gathered, data, group)
    return gathered


def gather_object(data: Any, dst: int = 0, group=None) -> Optional[List[Any]]:
    if get_world_size(group) == 1:
        return [data]
    gathered = [None] * get_world_size(group) if get_rank(group) == dst else None
    torch_dist.gather_object(data, gathered, dst, group)
    return gathered


def all_reduce_dict(data: Dict[str, torch.Tensor], op: str = 'sum', group=None) -> None:
    """``all_reduce`` every tensor of a dict (same keys on every rank)."""
    for key in sorted(data):
        all_reduce(data[key], op, group)


def sync_random_seed(group=None) -> int:
    """A random seed drawn on rank 0 and shared with every rank."""
    seed = random.SystemRandom().randrange(2**31)
    if get_world_size(group) == 1:
        return seed
    holder = [seed if get_rank(group) == 0 else None]
    broadcast_object_list(holder, 0, group)
    return holder[0]


def all_reduce_params(params, coalesce: bool = True, bucket_size_mb: int = -1,
                      op: str = 'sum', group=None) -> None:
    """``all_reduce`` parameters or buffers in place (``op='mean'`` to
    average). With ``coalesce`` the tensors of one dtype travel as one flat
    tensor (or buckets of ``bucket_size_mb``)."""
    if get_world_size(group) == 1:
        return
    tensors = [p.data for p in params]
    if not coalesce:
        for tensor in tensors:
            all_reduce(tensor, op, group)
        return
    by_type: Dict[Any, List[torch.Tensor]] = {}
    for tensor in tensors:
        by_type.setdefault(tensor.type(), []).append(tensor)
    grouped = []
    limit = bucket_size_mb * 1024 * 1024 if bucket_size_mb > 0 else None
    for same_type in by_type.values():
        current, size = [], 0
        for tensor in same_type:
            current.append(tensor)
            size += tensor.numel() * tensor.element_size()
            if limit is not None and size >= limit:
                grouped.append(current)
                current, size = [], 0
        if current:
            grouped.append(current)
    for bucket in grouped:
        flat = _flatten_dense_tensors(bucket)
        all_reduce(flat, op, group)
        for tensor, synced in zip(bucket, _unflatten_dense_tensors(flat, bucket)):
            tensor.copy_(synced)


def collect_results(results: list, size: int, device: str = 'cpu',
                    tmpdir: Optional[str] = None) -> Optional[list]:
    """Gather every rank's part of the results on rank 0, interleaved the way
    ``DefaultSampler`` distributed them, truncated to ``size`` (the padding
    of ``round_up`` removed). Other ranks get None."""
    if device not in ('cpu', 'gpu', 'npu'):
        raise ValueError(f"collect device must be 'cpu' or 'gpu', got {device!r}")
    if device != 'cpu' and tmpdir is not None:
        raise ValueError('collect_dir is only used with collect_device="cpu"')
    rank, world_size = get_rank(), get_world_size()
    if world_size == 1:
        return results[:size]
    if device == 'cpu' and tmpdir is not None:
        parts = _gather_through_directory(results, tmpdir)
    else:
        parts = gather_object(results, dst=0)
    if rank != 0:
        return None
    ordered = [item for item in chain.from_iterable(zip_longest(*parts)) if item is not None]
    return ordered[:size]


def _gather_through_directory(results: list, tmpdir: str) -> Optional[list]:
    """Each rank pickles its part into a shared directory; rank 0 reads them."""
    rank, world_size = get_rank(), get_world_size()
    os.makedirs(tmpdir, exist_ok=True)
    with open(os.path.join(tmpdir, f'part_{rank}.pkl'), 'wb') as f:
        pickle.dump(results, f, protocol=2)
    barrier()
    if rank != 0:
        barrier()
        return None
    parts = []
    for index in range(world_size):
        path = os.path.join(tmpdir, f'part_{index}.pkl')
        if not os.path.exists(path):
            raise FileNotFoundError(f'{tmpdir} is not shared with rank {index}: '
                                    'collect_dir must be visible to every rank')
        with open(path, 'rb') as f:
            parts.append(pickle.load(f))
    shutil.rmtree(tmpdir, ignore_errors=True)
    barrier()
    return parts


def collect_results_cpu(result_part: list, size: int, tmpdir: Optional[str] = None):
    return collect_results(result_part, size, 'cpu', tmpdir)


def collect_results_gpu(result_part: list, size: int):
    return collect_results(result_part, size, 'gpu')


__all__ = ['all_gather', 'all_gather_object', 'all_reduce', 'all_reduce_dict',
           'all_reduce_params', 'broadcast', 'broadcast_object_list', 'collect_results',
           'collect_results_cpu', 'collect_results_gpu', 'gather_object',
           'get_comm_device', 'sync_random_seed']

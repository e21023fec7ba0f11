"""Rank queries that work with and without an initialised process group,
the node-local group, and moving data to the communication device."""
import functools
from collections.abc import Mapping, Sequence
from typing import Optional

import torch
import torch.distributed as torch_dist

_LOCAL_PROCESS_GROUP = None


def is_distributed() -> bool:
    """True when a default process group is initialised."""
    return torch_dist.is_available() and torch_dist.is_initialized()


def get_world_size(group=None) -> int:
    return torch_dist.get_world_size(group) if is_distributed() else 1


def get_rank(group=None) -> int:
    return torch_dist.get_rank(group) if is_distributed() else 0


def get_dist_info(group=None):
    """``(rank, world_size)``; ``(0, 1)`` outside distributed runs."""
    return get_rank(group), get_world_size(group)


def is_main_process(group=None) -> bool:
    return get_rank(group) == 0


def master_only(func):
    """Run the decorated function on rank 0 only (others return None)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if is_main_process():
            return func(*args, **kwargs)

    return wrapper


def barrier(group=None) -> None:
    if is_distributed():
        torch_dist.barrier(group)


def get_default_group():
    """The default process group, or None outside distributed runs."""
    return torch_dist.distributed_c10d._get_default_group() if is_distributed() else None


def init_local_group(node_rank: int, num_gpus_per_node: int) -> None:
    """Create the group of the processes on this node (``get_local_group``).
    Every process must call it: ``new_group`` is collective."""
    global _LOCAL_PROCESS_GROUP
    assert _LOCAL_PROCESS_GROUP is None, 'the local process group is already initialised'
    ranks = list(range(node_rank * num_gpus_per_node, (node_rank + 1) * num_gpus_per_node))
    _LOCAL_PROCESS_GROUP = torch_dist.new_group(ranks)


def get_local_group():
    """The node-local process group (``init_local_group``), or None."""
    if not is_distributed():
        return None
    if _LOCAL_PROCESS_GROUP is None:
        raise RuntimeError('Local process group is not created, please use `init_local_group` '
                           'to setup local process group.')
    return _LOCAL_PROCESS_GROUP


def get_backend(group=None) -> Optional[str]:
    """The group's backend ('nccl', 'gloo', ...), or None outside distributed runs."""
    return torch_dist.get_backend(group) if is_distributed() else None


def get_local_size() -> int:
    """The number of processes on this node (1 outside distributed runs)."""
    if not is_distributed():
        return 1
    if _LOCAL_PROCESS_GROUP is None:
        raise RuntimeError('Local process group is not created, please use `init_local_group` '
                           'to setup local process group.')
    return torch_dist.get_world_size(_LOCAL_PROCESS_GROUP)


def get_local_rank() -> int:
    """This process's rank on its node (0 outside distributed runs)."""
    if not is_distributed():
        return 0
    if _LOCAL_PROCESS_GROUP is None:
        raise RuntimeError('Local process group is not created, please use `init_local_group` '
                           'to setup local process group.')
    return torch_dist.get_rank(_LOCAL_PROCESS_GROUP)


def get_data_device(data) -> torch.device:
    """The one device of the tensors in ``data`` (a tensor, or a sequence or
    mapping of them, nested); an error when they are on several."""
    if isinstance(data, torch.Tensor):
        return data.device
    values = data.values() if isinstance(data, Mapping) else data \
        if isinstance(data, Sequence) and not isinstance(data, str) else None
    if values is None:
        raise TypeError('data should be a Tensor, sequence of tensor or dict, but got '
                        f'{data}')
    devices = {get_data_device(value) for value in values}
    if len(devices) != 1:
        raise ValueError(f'data should be on one device, but got {sorted(map(str, devices))}'
                         if devices else 'data should not be empty.')
    return devices.pop()


def cast_data_device(data, device: torch.device, out=None):
    """``data`` (a tensor, or a sequence or mapping of them) moved to
    ``device``; with ``out`` (the same structure) the tensors are copied into
    it and ``out`` is returned."""
    if out is not None and type(data) is not type(out):
        raise TypeError(f'out should be the same type with data, but got data is '
                        f'{type(data)} and out is {type(out)}')
    if isinstance(data, torch.Tensor):
        moved = data.to(device)
        if out is None:
            return moved
        out.copy_(moved)
        return out
    if isinstance(data, Mapping):
        return type(data)({key: cast_data_device(value, device,
                                                 None if out is None else out[key])
                           for key, value in data.items()})
    if isinstance(data, Sequence) and not isinstance(data, str):
        items = [cast_data_device(value, device, None if out is None else out[i])
                 for i, value in enumerate(data)]
        return type(data)(items) if not isinstance(data, list) else items
    raise TypeError('data should be a Tensor, list of tensor or dict, but got '
                    f'{data}')


def __getattr__(name: str):
    # MMEngine keeps these in dist.utils too; here they live in launch.py
    # and dist.py (which import this module).
    if name in ('infer_launcher', 'init_dist'):
        from . import launch
        return getattr(launch, name)
    if name == 'get_comm_device':
        from . import dist
        return dist.get_comm_device
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')

"""Rank queries that work with and without an initialised process group."""
import functools

import torch.distributed as torch_dist


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

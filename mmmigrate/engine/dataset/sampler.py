"""Samplers that split a dataset between ranks (``mmengine.dataset``)."""
import itertools
import math
from typing import Iterator, Optional, Sized

import torch
from torch.utils.data import Sampler

from ..dist import get_dist_info, sync_random_seed
from ..registry import DATA_SAMPLERS


def _dist_info_and_seed(seed: Optional[int]):
    # Module-level names, looked up at call time (tests patch them here).
    rank, world_size = get_dist_info()
    return rank, world_size, (sync_random_seed() if seed is None else seed)


@DATA_SAMPLERS.register_module()
class DefaultSampler(Sampler):
    """Each rank takes every ``world_size``-th index of the (shuffled with
    ``seed + epoch``) dataset. ``round_up`` repeats indices so every rank
    gets the same number of samples."""

    def __init__(self, dataset: Sized, shuffle: bool = True, seed: Optional[int] = None,
                 round_up: bool = True) -> None:
        self.rank, self.world_size, self.seed = _dist_info_and_seed(seed)
        self.dataset = dataset
        self.shuffle = shuffle
        self.epoch = 0
        self.round_up = round_up
        if round_up:
            self.num_samples = math.ceil(len(dataset) / self.world_size)
            self.total_size = self.num_samples * self.world_size
        else:
            self.num_samples = math.ceil((len(dataset) - self.rank) / self.world_size)
            self.total_size = len(dataset)

    def __iter__(self) -> Iterator[int]:
        if self.shuffle:
            generator = torch.Generator()
            generator.manual_seed(self.seed + self.epoch)
            indices = torch.randperm(len(self.dataset), generator=generator).tolist()
        else:
            indices = torch.arange(len(self.dataset)).tolist()
        if self.round_up:
            indices = (indices * int(self.total_size / len(indices) + 1))[:self.total_size]
        return iter(indices[self.rank:self.total_size:self.world_size])

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch


@DATA_SAMPLERS.register_module()
class InfiniteSampler(Sampler):
    """An endless stream of (shuffled) indices split between ranks, for
    iteration-based training."""

    def __init__(self, dataset: Sized, shuffle: bool = True, seed: Optional[int] = None) -> None:
        self.rank, self.world_size, self.seed = _dist_info_and_seed(seed)
        self.dataset = dataset
        self.shuffle = shuffle
        self.size = len(dataset)
        self.indices = self._indices_of_rank()

    def _infinite_indices(self) -> Iterator[int]:
        generator = torch.Generator()
        generator.manual_seed(self.seed)
        while True:
            if self.shuffle:
                yield from torch.randperm(self.size, generator=generator).tolist()
            else:
                yield from torch.arange(self.size).tolist()

    def _indices_of_rank(self) -> Iterator[int]:
        yield from itertools.islice(self._infinite_indices(), self.rank, None, self.world_size)

    def __iter__(self) -> Iterator[int]:
        yield from self.indices

    def __len__(self) -> int:
        return self.size

    def set_epoch(self, epoch: int) -> None:
        """Nothing to do: the stream never restarts."""

"""MMCV's ``DataContainer`` with its ``collate`` and ``scatter`` (CATALOGUE
§7: ``mmcv.parallel``), for legacy data pipelines (mmdet 2.x's
``DefaultFormatBundle`` / ``Collect``) on the bundled engine.

``collate(batch, samples_per_gpu)`` splits the batch into chunks of
``samples_per_gpu`` samples and, per DataContainer field: ``cpu_only`` ->
a list per chunk; ``stack`` -> each sample zero-padded (``padding_value``)
at the end of its last ``pad_dims`` dimensions up to the chunk's largest,
then stacked; otherwise a list of tensors per chunk. Other fields go
through torch's ``default_collate``. ``scatter(inputs, devices)`` gives
each device its chunk (``[-1]``: stay on the CPU).
"""
import functools
from collections.abc import Mapping, Sequence
from typing import List

import torch
import torch.nn.functional as F
from torch.utils.data.dataloader import default_collate


def _tensor_only(method):
    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        if not isinstance(self.data, torch.Tensor):
            raise AttributeError(f'{type(self).__name__} has no attribute {method.__name__} '
                                 f'for type {self.datatype}')
        return method(self, *args, **kwargs)
    return checked


class DataContainer:
    """A field of a sample and how ``collate`` / ``scatter`` treat it."""

    def __init__(self, data, stack: bool = False, padding_value=0, cpu_only: bool = False,
                 pad_dims=2):
        if pad_dims not in (None, 1, 2, 3):
            raise ValueError(f'DataContainer: pad_dims must be None, 1, 2 or 3, got {pad_dims!r}')
        self._data, self._stack, self._padding_value = data, stack, padding_value
        self._cpu_only, self._pad_dims = cpu_only, pad_dims

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self.data!r})'

    def __len__(self) -> int:
        return len(self._data)

    @property
    def data(self):
        return self._data

    @property
    def datatype(self):
        return self.data.type() if isinstance(self.data, torch.Tensor) else type(self.data)

    @property
    def cpu_only(self) -> bool:
        return self._cpu_only

    @property
    def stack(self) -> bool:
        return self._stack

    @property
    def padding_value(self):
        return self._padding_value

    @property
    def pad_dims(self):
        return self._pad_dims

    @_tensor_only
    def size(self, *args, **kwargs) -> torch.Size:
        return self.data.size(*args, **kwargs)

    @_tensor_only
    def dim(self) -> int:
        return self.data.dim()


def collate(batch: Sequence, samples_per_gpu: int = 1):
    if not isinstance(batch, Sequence):
        raise TypeError(f'collate needs a sequence of samples, got {type(batch).__name__}')
    first = batch[0]
    if isinstance(first, DataContainer):
        chunks = [batch[i:i + samples_per_gpu] for i in range(0, len(batch), samples_per_gpu)]
        if first.cpu_only:
            return DataContainer([[s.data for s in chunk] for chunk in chunks], first.stack,
                                 first.padding_value, cpu_only=True)
        if first.stack:
            return DataContainer([_stack(chunk) for chunk in chunks], first.stack,
                                 first.padding_value)
        return DataContainer([[s.data for s in chunk] for chunk in chunks], first.stack,
                             first.padding_value)
    if isinstance(first, Sequence) and not isinstance(first, (str, bytes)):
        return [collate(list(samples), samples_per_gpu) for samples in zip(*batch)]
    if isinstance(first, Mapping):
        return {key: collate([sample[key] for sample in batch], samples_per_gpu)
                for key in first}
    return default_collate(batch)


def _stack(chunk: list) -> torch.Tensor:
    """The chunk's tensors padded at the end of their last ``pad_dims``
    dimensions to the largest of the chunk, then stacked."""
    head = chunk[0]
    if not isinstance(head.data, torch.Tensor):
        raise TypeError(f'a stacked DataContainer must hold a tensor, got {head.datatype}')
    if head.pad_dims is None:
        return default_collate([sample.data for sample in chunk])
    pad_dims, ndim = head.pad_dims, head.dim()
    if ndim <= pad_dims:
        raise ValueError(f'a {ndim}-d tensor cannot be padded over its last {pad_dims} dims')
    for sample in chunk:
        if sample.size()[:ndim - pad_dims] != head.size()[:ndim - pad_dims]:
            raise ValueError('stacked DataContainers must agree on the dims that are not padded: '
                             f'{tuple(head.size())} and {tuple(sample.size())}')
    largest = [max(sample.size(-dim) for sample in chunk) for dim in range(1, pad_dims + 1)]
    padded = []
    for sample in chunk:
        pad = []  # F.pad order: last dim first, (before, after) each
        for dim in range(1, pad_dims + 1):
            pad += [0, largest[dim - 1] - sample.size(-dim)]
        padded.append(F.pad(sample.data, pad, value=sample.padding_value))
    return default_collate(padded)


def scatter(inputs, target_gpus: List[int], dim: int = 0) -> list:
    """One entry per device of ``target_gpus``: tensors moved there
    (``-1``: left on the CPU), a DataContainer's chunks dealt out (a
    ``cpu_only`` one's kept as they are), containers rebuilt around them."""
    def spread(obj):
        if isinstance(obj, torch.Tensor):
            return tuple(_to_devices(obj, target_gpus, dim))
        if isinstance(obj, DataContainer):
            return obj.data if obj.cpu_only else tuple(_deal(obj.data, target_gpus))
        if isinstance(obj, tuple) and obj:
            return list(zip(*map(spread, obj)))
        if isinstance(obj, list) and obj:
            return [list(items) for items in zip(*map(spread, obj))]
        if isinstance(obj, dict) and obj:
            return [type(obj)(items) for items in zip(*map(spread, obj.items()))]
        return [obj for _ in target_gpus]
    return spread(inputs)


def scatter_kwargs(inputs, kwargs, target_gpus: List[int], dim: int = 0):
    inputs = scatter(inputs, target_gpus, dim) if inputs else []
    kwargs = scatter(kwargs, target_gpus, dim) if kwargs else []
    inputs += [() for _ in range(len(kwargs) - len(inputs))]
    kwargs += [{} for _ in range(len(inputs) - len(kwargs))]
    return tuple(inputs), tuple(kwargs)


def _to_devices(tensor: torch.Tensor, target_gpus: List[int], dim: int):
    if target_gpus == [-1]:
        return (tensor.contiguous(), )
    return torch.nn.parallel.comm.scatter(tensor, target_gpus, dim=dim)


def _deal(chunks, target_gpus: List[int]):
    """A DataContainer's chunks (one per device), each on its device."""
    per_device = (len(chunks) - 1) // len(target_gpus) + 1
    return [_on(chunk, target_gpus[index // per_device]) for index, chunk in enumerate(chunks)]


def _on(value, device: int):
    if isinstance(value, list):
        return [_on(item, device) for item in value]
    value = value.contiguous()
    return value if device == -1 else value.cuda(device, non_blocking=True)


def has_data_container(data) -> bool:
    if isinstance(data, DataContainer):
        return True
    if isinstance(data, (list, tuple)):
        return any(has_data_container(item) for item in data)
    if isinstance(data, dict):
        return any(has_data_container(item) for item in data.values())
    return False

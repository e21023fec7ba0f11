"""``InstanceData``: per-instance fields of one sample (boxes, labels,
scores, masks), all of the same length, indexed and concatenated together."""
import itertools
from collections.abc import Sized
from typing import List

import numpy as np
import torch

from .base_data_element import BaseDataElement

_PRIVATE = ('_metainfo_fields', '_data_fields')


def _is_bool_tensor(item) -> bool:
    return isinstance(item, torch.Tensor) and item.dtype == torch.bool


def _select(value, key: str, index: torch.Tensor):
    """The entries of ``value`` at the 1-D ``index`` (bool mask or positions)."""
    if isinstance(value, torch.Tensor):
        return value[index]
    if isinstance(value, np.ndarray):
        return value[index.cpu().numpy()]
    if isinstance(value, (str, list, tuple)) or (hasattr(value, '__getitem__')
                                                 and hasattr(value, 'cat')):
        positions = (torch.nonzero(index).view(-1) if _is_bool_tensor(index) else index)
        positions = positions.cpu().numpy().tolist()
        # `slice(i, None, len)` keeps one entry and the value's own type.
        pieces = ([value[slice(i, None, len(value))] for i in positions]
                  or [value[slice(None, 0, None)]])
        if isinstance(value, (str, list, tuple)):
            selected = pieces[0]
            for piece in pieces[1:]:
                selected = selected + piece
            return selected
        return value.cat(pieces)
    raise ValueError(f'The type of `{key}` is `{type(value)}`, which has no attribute '
                     'of `cat`, so it does not support slice with `bool`')


class InstanceData(BaseDataElement):
    """Every data field has ``len()`` equal to the number of instances.

    ``data[i]``, ``data[slice]``, ``data[list or ndarray or LongTensor]`` and
    ``data[BoolTensor]`` select instances of every field at once;
    ``data['name']`` reads a field; ``InstanceData.cat([...])`` joins.
    """

    def __setattr__(self, name: str, value: Sized) -> None:
        if name in _PRIVATE:
            super().__setattr__(name, value)
            return
        assert isinstance(value, Sized), 'value must contain `__len__` attribute'
        if len(self) > 0:
            assert len(value) == len(self), (
                f'The length of values {len(value)} is not consistent with the length '
                f'of this :obj:`InstanceData` {len(self)}')
        super().__setattr__(name, value)

    __setitem__ = __setattr__

    def __getitem__(self, item) -> 'InstanceData':
        assert isinstance(item, (str, slice, int, list, torch.Tensor, np.ndarray)), \
            f'cannot index InstanceData with {type(item)}'
        if isinstance(item, list):
            item = np.array(item)
        if isinstance(item, np.ndarray):
            # torch indexes with int64; numpy's default int is int32 on Windows.
            item = torch.from_numpy(item.astype(np.int64) if item.dtype == np.int32 else item)
        if isinstance(item, str):
            return getattr(self, item)
        if isinstance(item, torch.Tensor):
            assert item.dtype in (torch.int64, torch.bool), \
                f'index InstanceData with a LongTensor or a BoolTensor, got {item.dtype}'
        if isinstance(item, int):
            if item >= len(self) or item < -len(self):
                raise IndexError(f'Index {item} out of range!')
            item = slice(item, None, len(self))  # keeps the instance dimension

        new_data = type(self)(metainfo=self.metainfo)
        if isinstance(item, torch.Tensor):
            assert item.dim() == 1, 'Only support to get the values along the first dimension.'
            if _is_bool_tensor(item):
                assert len(item) == len(self), (
                    f'The shape of the input(BoolTensor) {len(item)} does not match the '
                    f'shape of the indexed tensor in results_field {len(self)} at first '
                    'dimension.')
            for key, value in self.items():
                new_data[key] = _select(value, key, item)
        else:
            for key, value in self.items():
                new_data[key] = value[item]
        return new_data

    @staticmethod
    def cat(instances_list: List['InstanceData']) -> 'InstanceData':
        """The instances of every element of ``instances_list`` (same keys) in one."""
        assert all(isinstance(results, InstanceData) for results in instances_list)
        assert len(instances_list) > 0
        if len(instances_list) == 1:
            return instances_list[0]
        keys_list = [instances.all_keys() for instances in instances_list]
        assert (len({len(keys) for keys in keys_list}) == 1
                and len(set(itertools.chain(*keys_list))) == len(keys_list[0])), (
            'There are different keys in `instances_list`, which may cause the cat '
            'operation to fail. Please make sure all elements in `instances_list` have '
            'the exact same key.')
        first = instances_list[0]
        new_data = type(first)(metainfo=first.metainfo)
        for key in first.keys():
            values = [results[key] for results in instances_list]
            head = values[0]
            if isinstance(head, torch.Tensor):
                joined = torch.cat(values, dim=0)
            elif isinstance(head, np.ndarray):
                joined = np.concatenate(values, axis=0)
            elif isinstance(head, (str, list, tuple)):
                joined = head[:]
                for value in values[1:]:
                    joined += value
            elif hasattr(head, 'cat'):
                joined = head.cat(values)
            else:
                raise ValueError(f'The type of `{key}` is `{type(head)}` which has no '
                                 'attribute of `cat`')
            new_data[key] = joined
        return new_data

    def __len__(self) -> int:
        return len(self.values()[0]) if self._data_fields else 0

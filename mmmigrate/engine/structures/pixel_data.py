"""``PixelData``: per-pixel fields of one sample (segmentation maps,
heatmaps), each shaped ``(C, H, W)`` with one shared ``H, W``."""
import warnings
from typing import List, Sequence, Union

import numpy as np
import torch

from .base_data_element import BaseDataElement

_PRIVATE = ('_metainfo_fields', '_data_fields')


class PixelData(BaseDataElement):
    """A 2-D value becomes ``(1, H, W)`` with a warning; ``data[h, w]``
    (ints or slices) crops every field."""

    def __setattr__(self, name: str, value: Union[torch.Tensor, np.ndarray]) -> None:
        if name in _PRIVATE:
            super().__setattr__(name, value)
            return
        assert isinstance(value, (torch.Tensor, np.ndarray)), \
            f'Can not set {type(value)}, only support {(torch.Tensor, np.ndarray)}'
        if self.shape:
            assert tuple(value.shape[-2:]) == self.shape, (
                f'The height and width of values {tuple(value.shape[-2:])} is not '
                f'consistent with the shape of this :obj:`PixelData` {self.shape}')
        assert value.ndim in (2, 3), f'The dim of value must be 2 or 3, but got {value.ndim}'
        if value.ndim == 2:
            value = value[None]
            warnings.warn(f'The shape of value will convert from {value.shape[-2:]} to '
                          f'{value.shape}')
        super().__setattr__(name, value)

    def __getitem__(self, item: Sequence[Union[int, slice]]) -> 'PixelData':
        if not isinstance(item, tuple):
            raise TypeError(f'Unsupported type {type(item)} for slicing PixelData')
        assert len(item) == 2, 'Only support to slice height and width'
        index: List[slice] = []
        for axis, part in zip((-2, -1), item):
            if isinstance(part, int):
                index.append(slice(part, None, self.shape[axis]))  # keeps the axis
            elif isinstance(part, slice):
                index.append(part)
            else:
                raise TypeError('The type of element in input must be int or slice, but '
                                f'got {type(part)}')
        full_index = (slice(None),) + tuple(index)
        new_data = type(self)(metainfo=self.metainfo)
        for key, value in self.items():
            setattr(new_data, key, value[full_index])
        return new_data

    @property
    def shape(self):
        """``(H, W)`` of the fields, or None while there are none."""
        return tuple(self.values()[0].shape[-2:]) if self._data_fields else None

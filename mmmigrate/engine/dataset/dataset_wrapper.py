"""Dataset wrappers (``mmengine.dataset.dataset_wrapper``): several
datasets as one (``ConcatDataset``), one dataset repeated
(``RepeatDataset``), rare categories oversampled (``ClassBalancedDataset``)."""
import bisect
import copy
import logging
import math
from collections import defaultdict
from typing import List, Sequence, Tuple, Union

import numpy as np
from torch.utils.data.dataset import ConcatDataset as _TorchConcatDataset

from ..logging import print_log
from ..registry import DATASETS
from .base_dataset import BaseDataset, force_full_init


def _built(dataset) -> BaseDataset:
    if isinstance(dataset, dict):
        return DATASETS.build(dataset)
    if isinstance(dataset, BaseDataset):
        return dataset
    raise TypeError('elements in datasets sequence should be config or `BaseDataset` '
                    f'instance, but got {type(dataset)}')


class _Wrapper:
    """What the three wrappers share: metainfo, lazy initialisation, and
    no subsets (take the subset of the wrapped dataset instead)."""
    _fully_initialized = False

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self._metainfo)

    def _ensure_initialized(self) -> None:
        if not self._fully_initialized:
            print_log('Please call `full_init` method manually to accelerate the speed.',
                      logger='current', level=logging.WARNING)
            self.full_init()

    def get_subset_(self, indices: Union[List[int], int]) -> None:
        name = type(self).__name__
        raise NotImplementedError(f'`{name}` dose not support `get_subset` and `get_subset_` '
                                  'interfaces because this will lead to ambiguous '
                                  'implementation of some methods. If you want to use '
                                  '`get_subset` or `get_subset_` interfaces, please use them '
                                  f'in the wrapped dataset first and then use `{name}`.')

    get_subset = get_subset_


@DATASETS.register_module()
class ConcatDataset(_Wrapper, _TorchConcatDataset):
    """``datasets`` one after the other. Their metainfo must agree, except
    for ``ignore_keys``; the first dataset's is the wrapper's."""

    def __init__(self, datasets: Sequence[Union[BaseDataset, dict]], lazy_init: bool = False,
                 ignore_keys: Union[str, List[str], None] = None):
        self.datasets: List[BaseDataset] = [_built(dataset) for dataset in datasets]
        if ignore_keys is None:
            self.ignore_keys = []
        elif isinstance(ignore_keys, str):
            self.ignore_keys = [ignore_keys]
        elif isinstance(ignore_keys, list):
            self.ignore_keys = ignore_keys
        else:
            raise TypeError(f'ignore_keys should be a list or str, but got {type(ignore_keys)}')
        meta_keys: set = set()
        for dataset in self.datasets:
            meta_keys |= dataset.metainfo.keys()
        self._metainfo = self.datasets[0].metainfo
        for i, dataset in enumerate(self.datasets, 1):
            for key in meta_keys - set(self.ignore_keys):
                if key not in dataset.metainfo:
                    raise ValueError(f'{key} does not in the meta information of the {i}-th '
                                     'dataset')
                first, current = self._metainfo[key], dataset.metainfo[key]
                if type(first) is not type(current):
                    raise TypeError(f'The type {type(current)} of {key} in the {i}-th dataset '
                                    f'should be the same with the first dataset {type(first)}')
                differs = (not np.array_equal(first, current) if isinstance(first, np.ndarray)
                           else first != current)
                if differs:
                    raise ValueError(f'The meta information of the {i}-th dataset does not '
                                     'match meta information of the first dataset')
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        for dataset in self.datasets:
            dataset.full_init()
        _TorchConcatDataset.__init__(self, self.datasets)
        self._fully_initialized = True

    @force_full_init
    def _get_ori_dataset_idx(self, idx: int) -> Tuple[int, int]:
        if idx < 0:
            if -idx > len(self):
                raise ValueError(f'absolute value of index({idx}) should not exceed dataset'
                                 f'length({len(self)}).')
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return dataset_idx, sample_idx

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        dataset_idx, sample_idx = self._get_ori_dataset_idx(idx)
        return self.datasets[dataset_idx].get_data_info(sample_idx)

    @force_full_init
    def __len__(self):
        return _TorchConcatDataset.__len__(self)

    def __getitem__(self, idx):
        self._ensure_initialized()
        dataset_idx, sample_idx = self._get_ori_dataset_idx(idx)
        return self.datasets[dataset_idx][sample_idx]


@DATASETS.register_module()
class RepeatDataset(_Wrapper):
    """``dataset`` repeated ``times`` times (one epoch of the wrapper)."""

    def __init__(self, dataset: Union[BaseDataset, dict], times: int, lazy_init: bool = False):
        self.dataset: BaseDataset = _built(dataset)
        self.times = times
        self._metainfo = self.dataset.metainfo
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        self.dataset.full_init()
        self._ori_len = len(self.dataset)
        self._fully_initialized = True

    @force_full_init
    def _get_ori_dataset_idx(self, idx: int) -> int:
        return idx % self._ori_len

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        return self.dataset.get_data_info(self._get_ori_dataset_idx(idx))

    def __getitem__(self, idx):
        self._ensure_initialized()
        return self.dataset[self._get_ori_dataset_idx(idx)]

    @force_full_init
    def __len__(self):
        return self.times * self._ori_len


@DATASETS.register_module()
class ClassBalancedDataset(_Wrapper):
    """Repeats each sample ``ceil(max(1, sqrt(oversample_thr / f)))`` times,
    ``f`` being the largest-repeat category's fraction of samples among the
    sample's categories (``dataset.get_cat_ids``): LVIS-style balancing."""

    def __init__(self, dataset: Union[BaseDataset, dict], oversample_thr: float,
                 lazy_init: bool = False):
        self.dataset = _built(dataset)
        self.oversample_thr = oversample_thr
        self._metainfo = self.dataset.metainfo
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        self.dataset.full_init()
        factors = self._get_repeat_factors(self.dataset, self.oversample_thr)
        self.repeat_indices = [index for index, factor in enumerate(factors)
                               for _ in range(math.ceil(factor))]
        self._fully_initialized = True

    def _get_repeat_factors(self, dataset: BaseDataset, repeat_thr: float) -> List[float]:
        category_freq: defaultdict = defaultdict(float)
        num_images = len(dataset)
        for idx in range(num_images):
            for cat_id in set(self.dataset.get_cat_ids(idx)):
                category_freq[cat_id] += 1
        for cat_id, count in category_freq.items():
            assert count > 0, f'caterogy {cat_id} does not contain any images'
            category_freq[cat_id] = count / num_images
        category_repeat = {cat_id: max(1.0, math.sqrt(repeat_thr / freq))
                           for cat_id, freq in category_freq.items()}
        factors = []
        for idx in range(num_images):
            cat_ids = set(self.dataset.get_cat_ids(idx))
            factors.append(max({category_repeat[c] for c in cat_ids}) if cat_ids else 1.0)
        return factors

    @force_full_init
    def _get_ori_dataset_idx(self, idx: int) -> int:
        return self.repeat_indices[idx]

    @force_full_init
    def get_cat_ids(self, idx: int) -> List[int]:
        return self.dataset.get_cat_ids(self._get_ori_dataset_idx(idx))

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        return self.dataset.get_data_info(self._get_ori_dataset_idx(idx))

    def __getitem__(self, idx):
        self._ensure_initialized()
        return self.dataset[self._get_ori_dataset_idx(idx)]

    @force_full_init
    def __len__(self):
        return len(self.repeat_indices)

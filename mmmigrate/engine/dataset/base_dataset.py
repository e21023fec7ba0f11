"""``BaseDataset`` (``mmengine.dataset.base_dataset``): the dataset of
MMEngine-era libraries: an annotation file with ``metainfo`` and
``data_list``, per-sample dicts parsed from it, a transform pipeline
(``Compose``), lazy initialisation, and the sample list serialized into one
numpy buffer (so dataloader workers share it instead of copying Python
objects)."""
import copy
import functools
import gc
import logging
import pickle
from collections.abc import Mapping
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

import numpy as np
from torch.utils.data import Dataset

from ..fileio import join_path, list_from_file, load
from ..logging import print_log
from ..registry import TRANSFORMS
from ..utils import is_abs


class Compose:
    """Applies ``transforms`` (callables, or configs built from
    ``TRANSFORMS``) in order; a transform returning None stops it (None)."""

    def __init__(self, transforms: Optional[Sequence[Union[dict, Callable]]]):
        self.transforms: List[Callable] = []
        for transform in transforms or []:
            if isinstance(transform, dict):
                transform = TRANSFORMS.build(transform)
                if not callable(transform):
                    raise TypeError(f'transform should be a callable object, but got '
                                    f'{type(transform)}')
            elif not callable(transform):
                raise TypeError(f'transform must be a callable object or dict, but got '
                                f'{type(transform)}')
            self.transforms.append(transform)

    def __call__(self, data: dict) -> Optional[dict]:
        for transform in self.transforms:
            data = transform(data)
            if data is None:
                return None
        return data

    def __repr__(self) -> str:
        return type(self).__name__ + '(' + ''.join(f'\n    {t}' for t in self.transforms) + '\n)'


def force_full_init(old_func: Callable) -> Any:
    """Decorates a method that needs the annotations: runs ``full_init()``
    first (with a warning) when the object is not fully initialised."""
    @functools.wraps(old_func)
    def wrapper(obj: object, *args, **kwargs):
        if not hasattr(obj, 'full_init'):
            raise AttributeError(f'{type(obj)} does not have full_init method.')
        if not getattr(obj, '_fully_initialized', False):
            print_log(f'Attribute `_fully_initialized` is not defined in {type(obj)} or '
                      f'`type(obj)._fully_initialized is False, `full_init` will be called and '
                      f'{type(obj)}._fully_initialized will be set to True', logger='current',
                      level=logging.WARNING)
            obj.full_init()
            obj._fully_initialized = True
        return old_func(obj, *args, **kwargs)
    return wrapper


def _serialize(data_list: list) -> Tuple[np.ndarray, np.ndarray]:
    """Pickles of the samples concatenated, and the end offset of each."""
    pickles = [np.frombuffer(pickle.dumps(x, protocol=4), dtype=np.uint8) for x in data_list]
    address = np.cumsum(np.asarray([len(x) for x in pickles], dtype=np.int64))
    return np.concatenate(pickles), address


class BaseDataset(Dataset):
    """A dataset read from ``ann_file`` (relative to ``data_root``).

    ``load_data_list`` reads the file (a dict with ``metainfo`` and
    ``data_list``) and ``parse_data_info`` turns each raw entry into one
    sample dict (or a list of them), joining ``data_prefix`` paths;
    ``filter_data`` and ``indices`` (first N, last N or a list) select
    samples. ``__getitem__`` runs ``pipeline`` on a copy of the sample and,
    outside ``test_mode``, fetches a random other sample when the pipeline
    returns None (``max_refetch`` times at most). With ``lazy_init`` the
    annotations are read on first use (``full_init()``).
    """
    METAINFO: dict = dict()
    _fully_initialized: bool = False

    def __init__(self, ann_file: Optional[str] = '',
                 metainfo: Union[Mapping, Any, None] = None, data_root: Optional[str] = '',
                 data_prefix: dict = dict(img_path=''), filter_cfg: Optional[dict] = None,
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 serialize_data: bool = True, pipeline: List[Union[dict, Callable]] = [],
                 test_mode: bool = False, lazy_init: bool = False, max_refetch: int = 1000):
        self.ann_file = ann_file
        self._metainfo = self._load_metainfo(copy.deepcopy(metainfo))
        self.data_root = data_root
        self.data_prefix = copy.copy(data_prefix)
        self.filter_cfg = copy.deepcopy(filter_cfg)
        self._indices = indices
        self.serialize_data = serialize_data
        self.test_mode = test_mode
        self.max_refetch = max_refetch
        self.data_list: List[dict] = []
        self.data_bytes: np.ndarray
        self._join_prefix()
        self.pipeline = Compose(pipeline)
        if not lazy_init:
            self.full_init()

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        """A copy of sample ``idx`` with its ``sample_idx``."""
        if self.serialize_data:
            start = 0 if idx == 0 else self.data_address[idx - 1].item()
            end = self.data_address[idx].item()
            data_info = pickle.loads(memoryview(self.data_bytes[start:end]))
        else:
            data_info = copy.deepcopy(self.data_list[idx])
        data_info['sample_idx'] = idx if idx >= 0 else len(self) + idx
        return data_info

    def full_init(self) -> None:
        """Read, filter, subset and serialize the annotations (once)."""
        if self._fully_initialized:
            return
        self.data_list = self.load_data_list()
        self.data_list = self.filter_data()
        if self._indices is not None:
            self.data_list = self._get_unserialized_subset(self._indices)
        if self.serialize_data:
            self.data_bytes, self.data_address = self._serialize_data()
        self._fully_initialized = True

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self._metainfo)

    def parse_data_info(self, raw_data_info: dict) -> Union[dict, List[dict]]:
        for prefix_key, prefix in self.data_prefix.items():
            assert prefix_key in raw_data_info, (
                f'raw_data_info: {raw_data_info} dose not contain prefix key{prefix_key}, '
                'please check your data_prefix.')
            raw_data_info[prefix_key] = join_path(prefix, raw_data_info[prefix_key])
        return raw_data_info

    def filter_data(self) -> List[dict]:
        """The samples to keep (all; subclasses filter with ``filter_cfg``)."""
        return self.data_list

    def get_cat_ids(self, idx: int) -> List[int]:
        raise NotImplementedError(f'{type(self)} must implement `get_cat_ids` method')

    def __getitem__(self, idx: int) -> dict:
        if not self._fully_initialized:
            print_log('Please call `full_init()` method manually to accelerate the speed.',
                      logger='current', level=logging.WARNING)
            self.full_init()
        if self.test_mode:
            data = self.prepare_data(idx)
            if data is None:
                raise Exception('Test time pipline should not get `None` data_sample')
            return data
        for _ in range(self.max_refetch + 1):
            data = self.prepare_data(idx)
            if data is None:  # e.g. an image the pipeline could not use
                idx = self._rand_another()
                continue
            return data
        raise Exception(f'Cannot find valid image after {self.max_refetch}! Please check your '
                        'image path and pipeline')

    def load_data_list(self) -> List[dict]:
        annotations = load(self.ann_file)
        if not isinstance(annotations, dict):
            raise TypeError('The annotations loaded from annotation file should be a dict, but '
                            f'got {type(annotations)}!')
        if 'data_list' not in annotations or 'metainfo' not in annotations:
            raise ValueError('Annotation must have data_list and metainfo keys')
        for key, value in annotations['metainfo'].items():
            self._metainfo.setdefault(key, value)  # the constructor's metainfo wins
        data_list = []
        for raw_data_info in annotations['data_list']:
            data_info = self.parse_data_info(raw_data_info)
            if isinstance(data_info, dict):
                data_list.append(data_info)
            elif isinstance(data_info, list):
                for item in data_info:
                    if not isinstance(item, dict):
                        raise TypeError(f'data_info must be list of dict, but got {type(item)}')
                data_list.extend(data_info)
            else:
                raise TypeError('data_info should be a dict or list of dict, but got '
                                f'{type(data_info)}')
        return data_list

    @classmethod
    def _load_metainfo(cls, metainfo=None) -> dict:
        """``METAINFO`` updated with ``metainfo``; a string value naming a
        file is read as its list of lines."""
        cls_metainfo = copy.deepcopy(cls.METAINFO)
        if metainfo is None:
            return cls_metainfo
        if not isinstance(metainfo, Mapping) and not hasattr(metainfo, 'items'):
            raise TypeError(f'metainfo should be a Mapping or Config, but got {type(metainfo)}')
        for key, value in metainfo.items():
            if isinstance(value, str):
                try:
                    cls_metainfo[key] = list_from_file(value)
                except (TypeError, FileNotFoundError):
                    print_log(f'{value} is not a meta file, simply parsed as meta information',
                              logger='current', level=logging.WARNING)
                    cls_metainfo[key] = value
            else:
                cls_metainfo[key] = value
        return cls_metainfo

    def _join_prefix(self) -> None:
        if self.ann_file and not is_abs(self.ann_file) and self.data_root:
            self.ann_file = join_path(self.data_root, self.ann_file)
        for key, prefix in self.data_prefix.items():
            if not isinstance(prefix, str):
                raise TypeError(f'prefix should be a string, but got {type(prefix)}')
            if not is_abs(prefix) and self.data_root:
                self.data_prefix[key] = join_path(self.data_root, prefix)

    @force_full_init
    def get_subset_(self, indices: Union[Sequence[int], int]) -> None:
        """Keep only ``indices`` (first N if int >= 0, last -N if < 0, or a list)."""
        if self.serialize_data:
            self.data_bytes, self.data_address = self._get_serialized_subset(indices)
        else:
            self.data_list = self._get_unserialized_subset(indices)

    @force_full_init
    def get_subset(self, indices: Union[Sequence[int], int]) -> 'BaseDataset':
        """A copy holding only ``indices`` (see ``get_subset_``)."""
        sub_dataset = self._copy_without_annotation()
        if self.serialize_data:
            data_bytes, data_address = self._get_serialized_subset(indices)
            sub_dataset.data_bytes = data_bytes.copy()
            sub_dataset.data_address = data_address.copy()
        else:
            sub_dataset.data_list = copy.deepcopy(self._get_unserialized_subset(indices))
        return sub_dataset

    def _get_serialized_subset(self, indices) -> Tuple[np.ndarray, np.ndarray]:
        address = self.data_address
        if isinstance(indices, int):
            if indices >= 0:
                assert indices < len(address), f'{indices} is out of dataset length({len(self)}'
                end = address[indices - 1].item() if indices > 0 else 0
                return self.data_bytes[:end], address[:indices]
            assert -indices <= len(address), f'{indices} is out of dataset length({len(self)}'
            skipped = address[indices - 1]
            start = address[indices - 1].item()
            return self.data_bytes[start:], address[indices:] - skipped
        if isinstance(indices, Sequence):
            pieces, sizes = [], []
            for idx in indices:
                assert len(self) > idx >= -len(self)
                start = 0 if idx == 0 else address[idx - 1].item()
                end = address[idx].item()
                pieces.append(self.data_bytes[start:end])
                sizes.append(end - start)
            if not pieces:
                return np.array([]), np.array([])
            return np.concatenate(pieces), np.cumsum(sizes)
        raise TypeError(f'indices should be a int or sequence of int, but got {type(indices)}')

    def _get_unserialized_subset(self, indices) -> list:
        if isinstance(indices, int):
            return self.data_list[:indices] if indices >= 0 else self.data_list[indices:]
        if isinstance(indices, Sequence):
            return [self.data_list[idx] for idx in indices]
        raise TypeError(f'indices should be a int or sequence of int, but got {type(indices)}')

    def _serialize_data(self) -> Tuple[np.ndarray, np.ndarray]:
        data_bytes, data_address = _serialize(self.data_list)
        self.data_list.clear()
        gc.collect()
        return data_bytes, data_address

    def _rand_another(self) -> int:
        return np.random.randint(0, len(self))

    def prepare_data(self, idx) -> Any:
        return self.pipeline(self.get_data_info(idx))

    @force_full_init
    def __len__(self) -> int:
        return len(self.data_address) if self.serialize_data else len(self.data_list)

    def _copy_without_annotation(self, memo=None) -> 'BaseDataset':
        memo = {} if memo is None else memo
        other = type(self).__new__(type(self))
        memo[id(self)] = other
        for key, value in self.__dict__.items():
            if key not in ('data_list', 'data_address', 'data_bytes'):
                object.__setattr__(other, key, copy.deepcopy(value, memo))
        return other

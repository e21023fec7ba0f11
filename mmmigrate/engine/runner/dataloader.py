"""Building a ``DataLoader`` from a config, as MMEngine's Runner does."""
import copy
from functools import partial
from typing import Optional

from torch.utils.data import DataLoader

from ..registry import DATA_SAMPLERS, DATASETS, FUNCTIONS


class _SlicedDataset:
    """The first ``length`` items of a dataset (``num_batch_per_epoch``)."""

    def __init__(self, dataset, length) -> None:
        self._dataset = dataset
        self._length = length

    def __getattr__(self, name):
        return getattr(self._dataset, name)

    def __getitem__(self, idx):
        return self._dataset[idx]

    def __len__(self):
        return self._length


def _resolve_function(cfg, what: str):
    cfg = dict(cfg)
    kind = cfg.pop('type')
    func = FUNCTIONS.get(kind) if isinstance(kind, str) else kind
    if func is None:
        raise FUNCTIONS.unknown_type_error(kind)
    if not callable(func):
        raise TypeError(f'{what} type must be a function name or a callable, got {kind!r}')
    return partial(func, **cfg)


def build_dataloader(dataloader, seed: Optional[int] = None, diff_rank_seed: bool = False,
                     name: str = 'dataloader') -> DataLoader:
    """Build a ``DataLoader`` from ``dict(dataset=..., sampler=..., batch_size=...,
    num_workers=..., collate_fn=dict(type='pseudo_collate'), ...)``.

    The dataset may be a config (built from ``DATASETS``) or an object;
    ``sampler`` (required) gets ``seed`` unless ``diff_rank_seed``; workers
    are seeded from ``seed``; other keys go to ``DataLoader``.
    """
    from ..dist import get_rank, get_world_size
    from ..dataset.utils import worker_init_fn as default_worker_init_fn
    from .utils import get_batch_size
    if isinstance(dataloader, DataLoader):
        return dataloader
    if not isinstance(dataloader, dict):
        raise TypeError(f'{name} must be a DataLoader or a dict, got {type(dataloader).__name__}')
    cfg = copy.deepcopy(dataloader)
    if 'dataset' not in cfg:
        raise KeyError(f'{name} has no "dataset": write {name}=dict(dataset=dict(type=...), '
                       "sampler=dict(type='DefaultSampler', shuffle=True), batch_size=...)")
    if 'sampler' not in cfg:
        raise KeyError(f'{name} has no "sampler": add sampler=dict(type=\'DefaultSampler\', '
                       'shuffle=True) (or shuffle=False for validation and test)')
    dataset = cfg.pop('dataset')
    if isinstance(dataset, dict):
        dataset = DATASETS.build(dataset)
        if hasattr(dataset, 'full_init'):
            dataset.full_init()
    num_batch_per_epoch = cfg.pop('num_batch_per_epoch', None)
    if num_batch_per_epoch is not None:
        dataset = _SlicedDataset(dataset, num_batch_per_epoch * get_batch_size(cfg) *
                                 get_world_size())
    sampler = cfg.pop('sampler')
    if isinstance(sampler, dict):
        sampler = DATA_SAMPLERS.build(sampler, default_args=dict(
            dataset=dataset, seed=None if diff_rank_seed else seed))
    batch_sampler = cfg.pop('batch_sampler', None)
    if isinstance(batch_sampler, dict):
        batch_sampler = DATA_SAMPLERS.build(batch_sampler, default_args=dict(
            sampler=sampler, batch_size=cfg.pop('batch_size')))
    if 'worker_init_fn' in cfg:
        init_fn = _resolve_function(cfg.pop('worker_init_fn'), 'worker_init_fn')
    elif seed is not None:
        disable_warning = cfg.pop('disable_subprocess_warning', False)
        if not isinstance(disable_warning, bool):
            raise TypeError(f'{name}.disable_subprocess_warning must be a bool')
        init_fn = partial(default_worker_init_fn, num_workers=cfg.get('num_workers'),
                          rank=get_rank(), seed=seed,
                          disable_subprocess_warning=disable_warning)
    else:
        init_fn = None
    collate = cfg.pop('collate_fn', dict(type='pseudo_collate'))
    if isinstance(collate, dict):
        collate = _resolve_function(collate, 'collate_fn')
    elif not callable(collate):
        raise TypeError(f'{name}: collate_fn should be a dict or callable object, but got '
                        f'{collate!r}')
    try:
        return DataLoader(dataset=dataset, sampler=sampler if batch_sampler is None else None,
                          batch_sampler=batch_sampler, collate_fn=collate,
                          worker_init_fn=init_fn, **cfg)
    except TypeError as e:
        raise TypeError(f'{name}: {e} (the remaining keys {sorted(cfg)} are passed to '
                        'torch.utils.data.DataLoader)') from None

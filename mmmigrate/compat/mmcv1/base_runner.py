"""MMCV 1.x's ``BaseRunner``: the state and API legacy scripts and hooks use
on a runner (``model``, ``optimizer``, ``work_dir``, ``logger``, ``meta``,
``timestamp``, ``log_buffer``, ``mode``, ``epoch`` / ``iter`` /
``inner_iter``, ``current_lr()``, ``register_*_hook``). The compat facades
(``EpochBasedRunner`` / ``IterBasedRunner`` in ``compat.runner``) derive
from it and run on the engine's Runner; libraries subclass it.
"""
import logging
import os
import os.path as osp
from typing import Dict, List, Optional, Union

import torch

from .log_buffer import LogBuffer
from .runner_utils import get_time_str
from . import mmengine_module


class BaseRunner:
    """MMCV's runner state. ``train`` / ``val`` / ``run`` /
    ``save_checkpoint`` are the subclasses' (the facades run on the engine)."""

    def __init__(self, model, batch_processor=None, optimizer=None,
                 work_dir: Optional[str] = None, logger: Optional[logging.Logger] = None,
                 meta: Optional[Dict] = None, max_iters: Optional[int] = None,
                 max_epochs: Optional[int] = None) -> None:
        if batch_processor is not None:
            raise TypeError('batch_processor has no equivalent on the engine: move its logic '
                            'into model.train_step(data, optimizer)')
        if max_iters is not None and max_epochs is not None:
            raise ValueError('Only one of `max_epochs` or `max_iters` can be set.')
        if meta is not None and not isinstance(meta, dict):
            raise TypeError(f'meta must be a dict or None, but got {type(meta)}')
        if isinstance(work_dir, str):
            work_dir = osp.abspath(work_dir)
            os.makedirs(work_dir, exist_ok=True)
        elif work_dir is not None:
            raise TypeError('"work_dir" must be a str or None')
        self.model, self.optimizer, self.work_dir = model, optimizer, work_dir
        self.logger = logger or logging.getLogger('mmcv')
        self.meta = meta  # the script's own dict: MMCV kept the same object
        inner = getattr(model, 'module', model)
        self._model_name = type(inner).__name__
        self.mode: Optional[str] = None
        self.timestamp = get_time_str()
        self.log_buffer = LogBuffer()
        self._max_epochs, self._max_iters = max_epochs, max_iters
        self._epoch = self._iter = self._inner_iter = 0

    # -- what MMCV's runner reported ------------------------------------------

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def rank(self) -> int:
        get_rank = mmengine_module('dist').get_rank
        return get_rank()

    @property
    def world_size(self) -> int:
        get_world_size = mmengine_module('dist').get_world_size
        return get_world_size()

    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def iter(self) -> int:
        return self._iter

    @property
    def inner_iter(self) -> int:
        return self._inner_iter

    @property
    def max_epochs(self):
        return self._max_epochs

    @property
    def max_iters(self):
        return self._max_iters

    def current_lr(self) -> Union[List[float], Dict[str, List[float]]]:
        """The lr of every param group (a dict of lists for several optimizers)."""
        return self._per_group(lambda group: group['lr'], 'lr')

    def current_momentum(self) -> Union[List[float], Dict[str, List[float]]]:
        """``momentum``, else ``betas[0]``, else 0 for every param group."""
        return self._per_group(lambda group: group['momentum'] if 'momentum' in group else
                               group['betas'][0] if 'betas' in group else 0, 'momentum')

    def _per_group(self, read, what: str):
        optimizer = self.optimizer
        if isinstance(optimizer, torch.optim.Optimizer):
            return [read(group) for group in optimizer.param_groups]
        if isinstance(optimizer, dict):
            return {name: [read(group) for group in optim.param_groups]
                    for name, optim in optimizer.items()}
        raise RuntimeError(f'{what} is not applicable because optimizer does not exist.')

    # -- what subclasses define -------------------------------------------------

    def train(self, *args, **kwargs):
        raise NotImplementedError(f'{type(self).__name__}.train: the runner facades run the '
                                  'whole workflow in run(data_loaders, workflow)')

    def val(self, *args, **kwargs):
        raise NotImplementedError(f'{type(self).__name__}.val: the runner facades run the '
                                  'whole workflow in run(data_loaders, workflow)')

    def run(self, data_loaders, workflow, **kwargs):
        raise NotImplementedError(f'{type(self).__name__} must define run(data_loaders, '
                                  'workflow)')

    def save_checkpoint(self, out_dir, filename_tmpl, save_optimizer=True, meta=None,
                        create_symlink=True):
        raise NotImplementedError(f'{type(self).__name__} must define save_checkpoint')

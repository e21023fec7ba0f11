"""``EMAHook``: keeps an averaged copy of the model (``model.averaged_model``),
validates/tests with it and saves it in checkpoints as ``ema_state_dict``
(with the averaged weights swapped into ``state_dict``, as MMEngine does)."""
import copy
import itertools
import logging
from typing import Dict, Optional

from ..logging import print_log
from ..registry import HOOKS, MODELS
from .hook import DATA_BATCH, Hook


@HOOKS.register_module()
class EMAHook(Hook):
    """Args: ``ema_type`` (a registered averaged model, default
    ``ExponentialMovingAverage``), ``strict_load``, ``begin_iter`` or
    ``begin_epoch`` (before that the average just copies the weights), and
    the averaged model's own arguments (``momentum``, ``interval``,
    ``update_buffers``, ...)."""

    priority = 'NORMAL'

    def __init__(self, ema_type: str = 'ExponentialMovingAverage', strict_load: bool = False,
                 begin_iter: int = 0, begin_epoch: int = 0, **kwargs):
        # AssertionError, as MMEngine raises.
        if begin_iter and begin_epoch:
            raise AssertionError('EMAHook: `begin_iter` and `begin_epoch` should not be both '
                                 'set')
        if begin_iter < 0:
            raise AssertionError(f'EMAHook: `begin_iter` must larger than 0, got {begin_iter}')
        if begin_epoch < 0:
            raise AssertionError(f'EMAHook: `begin_epoch` must larger than 0, got '
                                 f'{begin_epoch}')
        self.strict_load = strict_load
        self.ema_cfg = dict(type=ema_type, **kwargs)
        self.begin_iter = begin_iter
        self.begin_epoch = begin_epoch
        self.enabled_by_epoch = self.begin_epoch > 0

    def before_run(self, runner) -> None:
        from ..model import is_model_wrapper
        model = runner.model
        self.src_model = model.module if is_model_wrapper(model) else model
        self.ema_model = MODELS.build(self.ema_cfg, default_args=dict(model=self.src_model))

    def before_train(self, runner) -> None:
        if self.enabled_by_epoch and self.begin_epoch > runner.max_epochs:
            raise AssertionError(f'EMAHook: self.begin_epoch ({self.begin_epoch}) should be '
                                 f'smaller than or equal to runner.max_epochs '
                                 f'({runner.max_epochs})')
        if not self.enabled_by_epoch and self.begin_iter > runner.max_iters:
            raise AssertionError(f'EMAHook: self.begin_iter ({self.begin_iter}) should be '
                                 f'smaller than or equal to runner.max_iters ({runner.max_iters})')

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        if self._ema_started(runner):
            self.ema_model.update_parameters(self.src_model)
        else:
            source = self.src_model.state_dict()
            for key, param in self.ema_model.module.state_dict().items():
                param.data.copy_(source[key].data)

    def before_val_epoch(self, runner) -> None:
        self._swap_ema_parameters()

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        self._swap_ema_parameters()

    def before_test_epoch(self, runner) -> None:
        self._swap_ema_parameters()

    def after_test_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        self._swap_ema_parameters()

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['ema_state_dict'] = self.ema_model.state_dict()
        self._swap_ema_state_dict(checkpoint)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        from ..runner.checkpoint import load_state_dict
        if 'ema_state_dict' in checkpoint and runner._resume:
            self._swap_ema_state_dict(checkpoint)
            self.ema_model.load_state_dict(checkpoint['ema_state_dict'], strict=self.strict_load)
            return
        if runner._resume:
            print_log('There is no `ema_state_dict` in checkpoint. `EMAHook` will make a copy '
                      'of `state_dict` as the initial `ema_state_dict`', 'current',
                      logging.WARNING)
        load_state_dict(self.ema_model.module, copy.deepcopy(checkpoint['state_dict']),
                        strict=self.strict_load)

    def _swap_ema_parameters(self) -> None:
        with_buffers = self.ema_model.update_buffers
        averaged = self.ema_model.module
        ema = itertools.chain(averaged.parameters(), averaged.buffers()) if with_buffers \
            else averaged.parameters()
        src = itertools.chain(self.src_model.parameters(), self.src_model.buffers()) \
            if with_buffers else self.src_model.parameters()
        for p_avg, p_src in zip(ema, src):
            tmp = p_avg.data.clone()
            p_avg.data.copy_(p_src.data)
            p_src.data.copy_(tmp)

    @staticmethod
    def _swap_ema_state_dict(checkpoint: dict) -> None:
        model_state, ema_state = checkpoint['state_dict'], checkpoint['ema_state_dict']
        for key in ema_state:
            if key[:7] == 'module.':
                ema_state[key], model_state[key[7:]] = model_state[key[7:]], ema_state[key]

    def _ema_started(self, runner) -> bool:
        if self.enabled_by_epoch:
            return runner.epoch + 1 >= self.begin_epoch
        return runner.iter + 1 >= self.begin_iter

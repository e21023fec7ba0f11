"""The four loops: epoch/iteration-based training, validation and test."""
import bisect
import logging
import math
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from torch.utils.data import DataLoader

from ..hooks.default_train_iter import RUNNER_CACHE_KEY
from ..logging import HistoryBuffer, print_log
from ..registry import LOOPS
from ..structures import BaseDataElement
from ..utils import is_list_of
from .amp import autocast
from .base_loop import BaseLoop
from .utils import calc_dynamic_intervals


def _check_whole_number(name: str, value) -> int:
    if isinstance(value, bool) or int(value) != value:
        raise ValueError(f'train_cfg.{name} must be an integer, got {value!r}')
    if int(value) < 0:
        raise ValueError(f'train_cfg.{name} must not be negative, got {value!r}')
    return int(value)


def _share_dataset_meta(loop, evaluator=None) -> None:
    metainfo = getattr(loop.dataloader.dataset, 'metainfo', None)
    if metainfo is None:
        return
    if evaluator is not None:
        evaluator.dataset_meta = metainfo
    loop.runner.visualizer.dataset_meta = metainfo


class _TrainLoopBase(BaseLoop):
    """What both training loops share: counters and the validation schedule."""

    def __init__(self, runner, dataloader, val_begin: int, val_interval: int,
                 dynamic_intervals: Optional[List[Tuple[int, int]]]) -> None:
        super().__init__(runner, dataloader)
        self._epoch = 0
        self._iter = 0
        self.val_begin = val_begin
        self.val_interval = val_interval
        self.stop_training = False
        _share_dataset_meta(self)
        self.dynamic_milestones, self.dynamic_intervals = calc_dynamic_intervals(
            self.val_interval, dynamic_intervals)

    @property
    def max_epochs(self) -> int:
        return self._max_epochs

    @property
    def max_iters(self) -> int:
        return self._max_iters

    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def iter(self) -> int:
        return self._iter

    def _check_finite_loss(self, outputs) -> None:
        """Stop on a NaN/inf loss (MMEngine trains on): the weights are
        already corrupted and every later step is wasted. With mixed
        precision the gradient scaler skips such steps, so it only warns."""
        loss = outputs.get('loss') if isinstance(outputs, dict) else None
        if not isinstance(loss, torch.Tensor):
            return
        if loss.numel() == 1:
            if math.isfinite(loss.item()):
                return
        elif bool(torch.isfinite(loss).all()):
            return
        from ..optim import AmpOptimWrapper
        where = (f'epoch {self.epoch + 1}, iteration {self.iter + 1}'
                 if isinstance(self, EpochBasedTrainLoop) else f'iteration {self.iter + 1}')
        values = {key: round(float(value.detach().float().mean()), 6)
                  for key, value in outputs.items() if isinstance(value, torch.Tensor)}
        message = (f'the training loss is not finite at {where} ({values}); lower the '
                   'learning rate, add gradient clipping (optim_wrapper.clip_grad) or check '
                   'the data')
        if isinstance(self.runner.optim_wrapper, AmpOptimWrapper):
            print_log(message + '; the mixed-precision scaler skips this step',
                      logger='current', level=logging.WARNING)
            return
        raise FloatingPointError(message)

    def _sync_rng_state(self) -> None:
        # Custom runners derived from an older Runner may lack the method.
        sync = getattr(self.runner, 'sync_rng_state', None)
        if sync is not None:
            sync()

    def _decide_current_val_interval(self, progress: int) -> None:
        step = bisect.bisect(self.dynamic_milestones, progress + 1)
        self.val_interval = self.dynamic_intervals[step - 1]

    def _should_validate(self, progress: int, last: int) -> bool:
        return (self.runner.val_loop is not None and progress >= self.val_begin
                and (progress % self.val_interval == 0 or progress == last))

    def _train_step(self, batch_idx: int, data_batch) -> None:
        runner = self._runner
        # The default hooks' work in one call when they are all there is
        # (hooks.default_train_iter); a runner not built by Runner.__init__
        # or without train_iter_hooks dispatches through its call_hook.
        stages = getattr(runner, '_hooks_by_stage', None)
        fast = stages.get(RUNNER_CACHE_KEY) if type(stages) is dict else False
        if fast is None:
            train_iter_hooks = getattr(runner, 'train_iter_hooks', None)
            fast = train_iter_hooks() if train_iter_hooks is not None else False
        if fast:
            fast.before(runner, self, batch_idx, data_batch)
        else:
            runner.call_hook('before_train_iter', batch_idx=batch_idx, data_batch=data_batch)
        outputs = runner.model.train_step(data_batch, optim_wrapper=runner.optim_wrapper)
        # _check_finite_loss's common case, inline: every Python function
        # an iteration enters costs about 1 us once torch's work has run.
        loss = outputs.get('loss') if type(outputs) is dict or type(outputs) is OrderedDict \
            else None
        loss_value = None
        if type(loss) is torch.Tensor and loss.numel() == 1:
            loss_value = loss.item()
            if not math.isfinite(loss_value):
                self._check_finite_loss(outputs)
        else:
            self._check_finite_loss(outputs)
        if fast:
            fast.after(runner, self, batch_idx, data_batch, outputs, loss_value)
        else:
            runner.call_hook('after_train_iter', batch_idx=batch_idx, data_batch=data_batch,
                             outputs=outputs)
        self._iter += 1


_COUNTERS = ('epoch', 'iter', 'max_epochs', 'max_iters')


def keeps_own_counters(loop_class: type) -> bool:
    """Whether ``loop.<counter>`` of this class is ``loop._<counter>`` for
    all four counters: true for the training loops here and subclasses that
    do not redefine a counter."""
    return issubclass(loop_class, _TrainLoopBase) and all(
        getattr(loop_class, name) is getattr(_TrainLoopBase, name) for name in _COUNTERS)


@LOOPS.register_module()
class EpochBasedTrainLoop(_TrainLoopBase):
    """Train for ``max_epochs``; validate after epoch ``e`` when
    ``e >= val_begin`` and ``e % val_interval == 0``, and after the last
    epoch. ``dynamic_intervals=[(epoch, interval), ...]`` changes the
    interval from those epochs on."""

    def __init__(self, runner, dataloader: Union[DataLoader, Dict], max_epochs: int,
                 val_begin: int = 1, val_interval: int = 1,
                 dynamic_intervals: Optional[List[Tuple[int, int]]] = None) -> None:
        super().__init__(runner, dataloader, val_begin, val_interval, dynamic_intervals)
        self._max_epochs = _check_whole_number('max_epochs', max_epochs)
        self._max_iters = self._max_epochs * len(self.dataloader)

    def run(self) -> torch.nn.Module:
        self.runner.call_hook('before_train')
        while self._epoch < self._max_epochs and not self.stop_training:
            self.run_epoch()
            self._decide_current_val_interval(self.epoch)
            if self._should_validate(self._epoch, self._max_epochs):
                self.runner.val_loop.run()
        self._sync_rng_state()  # the last checkpoint becomes resumable too
        self.runner.call_hook('after_train')
        return self.runner.model

    def run_epoch(self) -> None:
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        self._sync_rng_state()
        # run_iter only forwards to _train_step unless a subclass or the
        # instance redefines it: one Python call fewer per iteration.
        run_iter = self._train_step if type(self).run_iter is EpochBasedTrainLoop.run_iter \
            and 'run_iter' not in vars(self) else self.run_iter
        for idx, data_batch in enumerate(self.dataloader):
            run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1

    def run_iter(self, idx, data_batch: Sequence[dict]) -> None:
        self._train_step(idx, data_batch)


class _InfiniteDataloaderIterator:
    """Restarts the dataloader (telling its sampler the new epoch) whenever
    it runs out."""

    def __init__(self, dataloader: DataLoader) -> None:
        self._dataloader = dataloader
        self._iterator = iter(dataloader)
        self._epoch = 0

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._iterator)
        except StopIteration:
            print_log('Reach the end of the dataloader, it will be restarted and continue to '
                      'iterate. It is recommended to use `InfiniteSampler` to enable the '
                      'dataloader to iterate infinitely.', logger='current',
                      level=logging.WARNING)
            self._epoch += 1
            sampler = getattr(self._dataloader, 'sampler', None)
            batch_sampler = getattr(self._dataloader, 'batch_sampler', None)
            if hasattr(sampler, 'set_epoch'):
                sampler.set_epoch(self._epoch)
            elif hasattr(getattr(batch_sampler, 'sampler', None), 'set_epoch'):
                batch_sampler.sampler.set_epoch(self._epoch)
            self._iterator = iter(self._dataloader)
            return next(self._iterator)


@LOOPS.register_module()
class IterBasedTrainLoop(_TrainLoopBase):
    """Train for ``max_iters``; validate every ``val_interval`` iterations
    (default 1000) from ``val_begin`` on, and after the last one. On resume
    the dataloader is advanced past the batches already seen."""

    def __init__(self, runner, dataloader: Union[DataLoader, Dict], max_iters: int,
                 val_begin: int = 1, val_interval: int = 1000,
                 dynamic_intervals: Optional[List[Tuple[int, int]]] = None) -> None:
        super().__init__(runner, dataloader, val_begin, val_interval, dynamic_intervals)
        self._max_iters = _check_whole_number('max_iters', max_iters)
        self._max_epochs = 1
        self.dataloader_iterator = _InfiniteDataloaderIterator(self.dataloader)

    def run(self) -> torch.nn.Module:
        self.runner.call_hook('before_train')
        self.runner.call_hook('before_train_epoch')
        if self._iter > 0:
            print_log(f'Advance dataloader {self._iter} steps to skip data that has already '
                      'been trained', logger='current', level=logging.WARNING)
            for _ in range(self._iter):
                next(self.dataloader_iterator)
        while self._iter < self._max_iters and not self.stop_training:
            self.runner.model.train()
            self._sync_rng_state()
            self.run_iter(next(self.dataloader_iterator))
            self._decide_current_val_interval(self._iter)
            if self._should_validate(self._iter, self._max_iters):
                self.runner.val_loop.run()
        self._sync_rng_state()  # the last checkpoint becomes resumable too
        self.runner.call_hook('after_train_epoch')
        self.runner.call_hook('after_train')
        return self.runner.model

    def run_iter(self, data_batch: Sequence[dict]) -> None:
        self._train_step(self._iter, data_batch)


class _EvalLoopBase(BaseLoop):
    """Validation and test: run the model on every batch, feed the outputs
    to the evaluator; loss data elements returned by the model are averaged
    into ``<mode>_loss`` metrics."""

    mode = 'val'

    def __init__(self, runner, dataloader, evaluator, fp16: bool = False) -> None:
        super().__init__(runner, dataloader)
        if isinstance(evaluator, (dict, list)):
            self.evaluator = runner.build_evaluator(evaluator)
        else:
            from ..evaluator import Evaluator
            if not isinstance(evaluator, Evaluator):
                raise TypeError(f'{self.mode}_evaluator must be a dict, a list or an Evaluator, '
                                f'got {type(evaluator).__name__}')
            self.evaluator = evaluator
        _share_dataset_meta(self, self.evaluator)
        self.fp16 = fp16
        self.losses: Dict[str, HistoryBuffer] = {}

    def run(self) -> dict:
        mode = self.mode
        self.runner.call_hook(f'before_{mode}')
        self.runner.call_hook(f'before_{mode}_epoch')
        self.runner.model.eval()
        self.losses.clear()
        for idx, data_batch in enumerate(self.dataloader):
            self.run_iter(idx, data_batch)
        metrics = self.evaluator.evaluate(len(self.dataloader.dataset))
        if self.losses:
            metrics.update(_parse_losses(self.losses, mode))
        self.runner.call_hook(f'after_{mode}_epoch', metrics=metrics)
        self.runner.call_hook(f'after_{mode}')
        return metrics

    @torch.no_grad()
    def run_iter(self, idx, data_batch: Sequence[dict]):
        mode = self.mode
        self.runner.call_hook(f'before_{mode}_iter', batch_idx=idx, data_batch=data_batch)
        with autocast(enabled=self.fp16):
            step = self.runner.model.val_step if mode == 'val' else self.runner.model.test_step
            outputs = step(data_batch)
        outputs, self.losses = _update_losses(outputs, self.losses)
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
        self.runner.call_hook(f'after_{mode}_iter', batch_idx=idx, data_batch=data_batch,
                              outputs=outputs)


@LOOPS.register_module()
class ValLoop(_EvalLoopBase):
    """Validation; ``fp16=True`` runs it under autocast."""
    mode = 'val'

    @property
    def val_loss(self) -> Dict[str, HistoryBuffer]:
        return self.losses


@LOOPS.register_module()
class TestLoop(_EvalLoopBase):
    """Test; ``fp16=True`` runs it under autocast."""
    mode = 'test'

    @property
    def test_loss(self) -> Dict[str, HistoryBuffer]:
        return self.losses


def _parse_losses(losses: Dict[str, HistoryBuffer], stage: str) -> Dict[str, float]:
    total = 0
    parsed: Dict[str, float] = {}
    for name, buffer in losses.items():
        parsed[name] = buffer.mean()
        if 'loss' in name:
            total += parsed[name]
    parsed[f'{stage}_loss'] = total
    return parsed


def _update_losses(outputs: list, losses: dict) -> Tuple[list, dict]:
    """Take a trailing ``BaseDataElement(loss=...)`` off the outputs and
    record its values."""
    # len(): the outputs may be a tensor (a model predicting one batch tensor)
    if len(outputs) and isinstance(outputs[-1], BaseDataElement) and \
            outputs[-1].keys() == ['loss']:
        loss = outputs[-1].loss
        outputs = outputs[:-1]
    else:
        loss = {}
    for name, value in loss.items():
        buffer = losses.setdefault(name, HistoryBuffer())
        if isinstance(value, torch.Tensor):
            buffer.update(value.item())
        elif is_list_of(value, torch.Tensor):
            for item in value:
                buffer.update(item.item())
    return outputs, losses

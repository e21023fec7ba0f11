"""MMCV's workflows with val phases on the engine: ``runner.run([train_loader,
val_loader], [('train', 1), ('val', 1)])`` on the legacy runner facades.

MMCV validated inside the workflow, with the model's own ``val_step`` and
no evaluator:

- ``EpochBasedRunner``: a ``('val', n)`` phase runs ``n`` whole epochs of
  the val loader, calling ``model.val_step(data_batch, optimizer)`` under
  ``torch.no_grad`` in eval mode, with the ``before_val_epoch`` /
  ``before_val_iter`` / ``after_val_iter`` / ``after_val_epoch`` hook
  points. The ``log_vars`` of the epoch, averaged weighted by
  ``num_samples`` as MMCV's LogBuffer did, are the ``metrics`` the hooks
  receive (and the logger prints).
- ``IterBasedRunner``: a ``('val', n)`` phase runs ``n`` single batches of
  the val loader (which restarts when it runs out), calling
  ``model.val_step(data_batch)``, with only the iteration hook points; the
  batch index counts from 0 in each phase, as MMCV's ``inner_iter`` did.

Each val phase iterates its loader where MMCV did, so the global random
state (drawn by shuffling samplers and by dropout) advances as it did in
MMCV and training continues with the same numbers.
"""
from typing import Dict, List, Tuple

import torch

from ..engine.model import is_model_wrapper
from ..engine.registry import LOOPS
from ..engine.runner.base_loop import BaseLoop
from ..engine.runner.loops import (EpochBasedTrainLoop, IterBasedTrainLoop,
                                   _InfiniteDataloaderIterator)
from .model import LegacyModel

Workflow = List[Tuple[str, int]]


@LOOPS.register_module()
class LegacyValLoop(BaseLoop):
    """The val phases of an MMCV workflow (no evaluator: the model's
    ``val_step`` output is what MMCV logged)."""

    def __init__(self, runner, dataloader, evaluator=None, by_epoch: bool = True) -> None:
        super().__init__(runner, dataloader)
        self.evaluator = None
        self.by_epoch = by_epoch
        self._batches = None  # IterBasedRunner's endless iterator over the loader

    def run(self) -> Dict[str, float]:
        """One val epoch (EpochBasedRunner.val)."""
        runner = self.runner
        runner.call_hook('before_val')
        runner.model.eval()
        runner.call_hook('before_val_epoch')
        totals: Dict[str, list] = {}
        for index, data_batch in enumerate(self.dataloader):
            outputs = self.run_iter(index, data_batch)
            count = outputs.get('num_samples', 1)
            for key, value in outputs.get('log_vars', {}).items():
                total = totals.setdefault(key, [0.0, 0])
                total[0] += float(value) * count
                total[1] += count
        metrics = {key: value / count for key, (value, count) in totals.items()}
        runner.call_hook('after_val_epoch', metrics=metrics)
        runner.call_hook('after_val')
        return metrics

    def start(self) -> None:
        """Start IterBasedRunner's endless pass over the loader (MMCV made
        it when the run started, next to the train loader's)."""
        self._batches = _InfiniteDataloaderIterator(self.dataloader)

    def run_one(self, index: int) -> None:
        """One val batch (IterBasedRunner.val); ``index`` counts the batches
        of the current phase."""
        self.runner.model.eval()
        self.run_iter(index, next(self._batches))

    @torch.no_grad()
    def run_iter(self, index: int, data_batch) -> dict:
        runner = self.runner
        runner.call_hook('before_val_iter', batch_idx=index, data_batch=data_batch)
        outputs = _legacy_val_step(runner, data_batch, with_optimizer=self.by_epoch)
        facade = getattr(runner, '_mmcv_facade', None)
        if facade is not None and 'log_vars' in outputs:  # MMCV's run_iter, in val mode
            facade.log_buffer.update(outputs['log_vars'], outputs['num_samples'])
        runner.call_hook('after_val_iter', batch_idx=index, data_batch=data_batch,
                         outputs=outputs)
        return outputs


def _legacy_val_step(runner, data_batch, with_optimizer: bool) -> dict:
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    if not isinstance(model, LegacyModel):
        return model.val_step(data_batch)
    optimizer = (runner.optim_wrapper.optimizer,) if with_optimizer else ()
    return model.legacy_val_step(data_batch, *optimizer)


def _run_phases(workflow: Workflow, finished, train_once, val_once) -> None:
    """One round of an MMCV workflow: each phase ``count`` times in turn;
    ``val_once`` gets the index within its phase. A train phase stops early
    once training has ``finished``; the val phases still run, as in MMCV."""
    for mode, count in workflow:
        for index in range(count):
            if mode == 'train':
                if finished():
                    break
                train_once()
            else:
                val_once(index)


@LOOPS.register_module()
class EpochWorkflowLoop(EpochBasedTrainLoop):
    """EpochBasedRunner.run: the workflow's phases in turn until
    ``max_epochs`` train epochs have run."""

    def __init__(self, runner, dataloader, max_epochs: int, workflow: Workflow) -> None:
        super().__init__(runner, dataloader, max_epochs)
        self.workflow = list(workflow)

    def run(self) -> torch.nn.Module:
        runner = self.runner
        runner.call_hook('before_train')
        while self._epoch < self._max_epochs and not self.stop_training:
            _run_phases(self.workflow, lambda: self._epoch >= self._max_epochs,
                        self.run_epoch, lambda index: runner.val_loop.run())
        self._sync_rng_state()  # the last checkpoint becomes resumable too
        runner.call_hook('after_train')
        return runner.model


@LOOPS.register_module()
class IterWorkflowLoop(IterBasedTrainLoop):
    """IterBasedRunner.run: the workflow's phases in turn until
    ``max_iters`` train iterations have run (the val phases of the last
    round still run, as in MMCV)."""

    def __init__(self, runner, dataloader, max_iters: int, workflow: Workflow) -> None:
        super().__init__(runner, dataloader, max_iters)
        self.workflow = list(workflow)

    def run(self) -> torch.nn.Module:
        runner = self.runner
        runner.call_hook('before_train')
        runner.val_loop.start()
        runner.call_hook('before_train_epoch')
        for _ in range(self._iter):  # resumed: skip the batches already trained on
            next(self.dataloader_iterator)
        while self._iter < self._max_iters and not self.stop_training:
            _run_phases(self.workflow, lambda: self._iter >= self._max_iters,
                        self._train_one, runner.val_loop.run_one)
        self._sync_rng_state()  # the last checkpoint becomes resumable too
        runner.call_hook('after_train_epoch')
        runner.call_hook('after_train')
        return runner.model

    def _train_one(self) -> None:
        self.runner.model.train()
        self._sync_rng_state()
        self.run_iter(next(self.dataloader_iterator))

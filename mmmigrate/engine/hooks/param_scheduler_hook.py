"""``ParamSchedulerHook``: steps iteration-based schedulers after every
training iteration, epoch-based ones after every epoch, and metric-driven
ones (ReduceOnPlateau) after every validation."""
from typing import Dict, Optional

from ..registry import HOOKS
from .hook import DATA_BATCH, Hook


def _scheduler_lists(runner) -> list:
    schedulers = runner.param_schedulers
    if schedulers is None:
        return []
    if isinstance(schedulers, list):
        return [schedulers]
    if isinstance(schedulers, dict):
        return list(schedulers.values())
    raise TypeError('runner.param_schedulers should be list of ParamScheduler or a dict '
                    f'containing list of ParamScheduler, but got {type(schedulers).__name__}')


@HOOKS.register_module()
class ParamSchedulerHook(Hook):
    priority = 'LOW'

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        # No schedulers, or one list: the common cases, without the helper
        # call (this runs at every iteration).
        schedulers = runner.param_schedulers
        if schedulers is None:
            return
        for schedulers in [schedulers] if type(schedulers) is list else _scheduler_lists(runner):
            for scheduler in schedulers:
                if not scheduler.by_epoch:
                    scheduler.step()

    def after_train_epoch(self, runner) -> None:
        for schedulers in _scheduler_lists(runner):
            for scheduler in schedulers:
                if scheduler.by_epoch:
                    scheduler.step()

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        if metrics is None:  # the train hooks have counted the step already
            return
        from ..optim import _ParamScheduler
        for schedulers in _scheduler_lists(runner):
            if not all(isinstance(s, _ParamScheduler) for s in schedulers):
                continue  # not built yet (validation outside training)
            for scheduler in schedulers:
                if scheduler.by_epoch and getattr(scheduler, 'need_val_args', False):
                    scheduler.step(metrics)

"""MMCV's timing of learning-rate changes, under a runner facade.

MMCV's ``LrUpdaterHook`` set each iteration's lr before the iteration
(``before_train_iter``), so after an iteration — and after the epoch's last
one, where ``EvalHook`` and the logger hooks log their ``Epoch(val)`` line
with ``runner.current_lr()`` — the lr is still the one that iteration used.
The engine's ``ParamSchedulerHook`` steps an iteration-based schedule after
each iteration instead. The values are the same; only when they appear
differs. Under a facade the iteration-based schedules therefore step before
the iteration that needs them (``IterationScheduleCatchUp``: as many steps
as the schedule is behind ``runner.iter``, so a resumed run catches up too),
and ``LegacyParamSchedulerHook`` leaves the epoch-based ones where the engine
steps them, after the epoch's hooks.
"""
from ..engine.hooks import Hook, ParamSchedulerHook
from ..engine.registry import HOOKS


def _iteration_schedulers(runner):
    schedulers = runner.param_schedulers
    if schedulers is None:
        return []
    lists = schedulers.values() if isinstance(schedulers, dict) else [schedulers]
    return [s for group in lists for s in group if not s.by_epoch]


@HOOKS.register_module()
class LegacyParamSchedulerHook(ParamSchedulerHook):
    """The engine's hook without the step after each iteration (see
    ``IterationScheduleCatchUp``)."""

    def after_train_iter(self, runner, batch_idx=None, data_batch=None, outputs=None) -> None:
        pass


class IterationScheduleCatchUp(Hook):
    """Before each training iteration: the iteration-based schedules stepped
    up to ``runner.iter``."""

    priority = 'VERY_HIGH'

    def before_train_iter(self, runner, batch_idx=None, data_batch=None) -> None:
        for scheduler in _iteration_schedulers(runner):
            while scheduler._global_step < runner.iter:  # the steps it has counted
                scheduler.step()

"""``Hook``: the base class of everything the runner calls at its stages."""
from typing import Dict, Optional, Sequence, Union

from ..utils import is_method_overridden

DATA_BATCH = Optional[Union[dict, tuple, list]]


class Hook:
    """Override the stage methods a hook needs. The train/val/test variants
    of the epoch and iteration stages call ``_before_epoch``,
    ``_after_epoch``, ``_before_iter`` and ``_after_iter`` with a ``mode``,
    so one override can serve all three loops."""

    priority = 'NORMAL'
    stages = ('before_run', 'after_load_checkpoint', 'before_train', 'before_train_epoch',
              'before_train_iter', 'after_train_iter', 'after_train_epoch', 'before_val',
              'before_val_epoch', 'before_val_iter', 'after_val_iter', 'after_val_epoch',
              'after_val', 'before_save_checkpoint', 'after_train', 'before_test',
              'before_test_epoch', 'before_test_iter', 'after_test_iter', 'after_test_epoch',
              'after_test', 'after_run')

    def before_run(self, runner) -> None:
        """Before anything is loaded or initialised."""

    def after_run(self, runner) -> None:
        """At the very end of ``train()``, ``val()`` or ``test()``."""

    def before_train(self, runner) -> None:
        """Before the first training epoch (after loading/resuming)."""

    def after_train(self, runner) -> None:
        """After the last training epoch."""

    def before_val(self, runner) -> None:
        """Before a validation run."""

    def after_val(self, runner) -> None:
        """After a validation run."""

    def before_test(self, runner) -> None:
        """Before a test run."""

    def after_test(self, runner) -> None:
        """After a test run."""

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """May add to or edit ``checkpoint`` before it is written."""

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """After a checkpoint is read, before its weights are applied."""

    def before_train_epoch(self, runner) -> None:
        self._before_epoch(runner, mode='train')

    def before_val_epoch(self, runner) -> None:
        self._before_epoch(runner, mode='val')

    def before_test_epoch(self, runner) -> None:
        self._before_epoch(runner, mode='test')

    def after_train_epoch(self, runner) -> None:
        self._after_epoch(runner, mode='train')

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        self._after_epoch(runner, mode='val')

    def after_test_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        self._after_epoch(runner, mode='test')

    def before_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        self._before_iter(runner, batch_idx=batch_idx, data_batch=data_batch, mode='train')

    def before_val_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        self._before_iter(runner, batch_idx=batch_idx, data_batch=data_batch, mode='val')

    def before_test_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        self._before_iter(runner, batch_idx=batch_idx, data_batch=data_batch, mode='test')

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        self._after_iter(runner, batch_idx=batch_idx, data_batch=data_batch,
                         outputs=outputs, mode='train')

    def after_val_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                       outputs: Optional[Sequence] = None) -> None:
        self._after_iter(runner, batch_idx=batch_idx, data_batch=data_batch,
                         outputs=outputs, mode='val')

    def after_test_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                        outputs: Optional[Sequence] = None) -> None:
        self._after_iter(runner, batch_idx=batch_idx, data_batch=data_batch,
                         outputs=outputs, mode='test')

    def _before_epoch(self, runner, mode: str = 'train') -> None:
        """Shared body of the ``before_*_epoch`` stages."""

    def _after_epoch(self, runner, mode: str = 'train') -> None:
        """Shared body of the ``after_*_epoch`` stages."""

    def _before_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                     mode: str = 'train') -> None:
        """Shared body of the ``before_*_iter`` stages."""

    def _after_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                    outputs: Optional[Union[Sequence, dict]] = None,
                    mode: str = 'train') -> None:
        """Shared body of the ``after_*_iter`` stages."""

    def every_n_epochs(self, runner, n: int, start: int = 0) -> bool:
        dividend = runner.epoch + 1 - start
        return dividend % n == 0 if dividend >= 0 and n > 0 else False

    def every_n_inner_iters(self, batch_idx: int, n: int) -> bool:
        return (batch_idx + 1) % n == 0 if n > 0 else False

    def every_n_train_iters(self, runner, n: int, start: int = 0) -> bool:
        dividend = runner.iter + 1 - start
        return dividend % n == 0 if dividend >= 0 and n > 0 else False

    def end_of_epoch(self, dataloader, batch_idx: int) -> bool:
        return batch_idx + 1 == len(dataloader)

    def is_last_train_epoch(self, runner) -> bool:
        return runner.epoch + 1 == runner.max_epochs

    def is_last_train_iter(self, runner) -> bool:
        return runner.iter + 1 == runner.max_iters

    def get_triggered_stages(self) -> list:
        """The stages at which this hook does something."""
        stages = {stage for stage in Hook.stages if is_method_overridden(stage, Hook, self)}
        shared = {
            '_before_epoch': ('before_train_epoch', 'before_val_epoch', 'before_test_epoch'),
            '_after_epoch': ('after_train_epoch', 'after_val_epoch', 'after_test_epoch'),
            '_before_iter': ('before_train_iter', 'before_val_iter', 'before_test_iter'),
            '_after_iter': ('after_train_iter', 'after_val_iter', 'after_test_iter'),
        }
        for method, method_stages in shared.items():
            if is_method_overridden(method, Hook, self):
                stages.update(method_stages)
        return list(stages)


_SHARED = {
    '_before_epoch': ('before_train_epoch', 'before_val_epoch', 'before_test_epoch'),
    '_after_epoch': ('after_train_epoch', 'after_val_epoch', 'after_test_epoch'),
    '_before_iter': ('before_train_iter', 'before_val_iter', 'before_test_iter'),
    '_after_iter': ('after_train_iter', 'after_val_iter', 'after_test_iter'),
}
_SHARED_OF = {stage: shared for shared, stages in _SHARED.items() for stage in stages}


def _does_something(hook, stage: str) -> bool:
    """False only when ``stage`` resolves to ``Hook``'s own no-op (directly
    or through the shared ``_before_iter``-style method)."""
    if stage in vars(hook) or not isinstance(hook, Hook):
        return True
    if getattr(type(hook), stage, None) is not getattr(Hook, stage):
        return True
    shared = _SHARED_OF.get(stage)
    if shared is None:
        return False
    return shared in vars(hook) or getattr(type(hook), shared) is not getattr(Hook, shared)


def hooks_for_stage(hooks, stage: str) -> list:
    """The hooks, in order, that do something at ``stage``. Names outside
    ``Hook.stages`` (custom loops' extra points) go to every hook that has a
    method of that name."""
    if stage not in Hook.stages:
        return [hook for hook in hooks if hasattr(hook, stage)]
    return [hook for hook in hooks if _does_something(hook, stage)]

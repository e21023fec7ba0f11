"""The default hooks' work at every training iteration, in one call.

``before_train_iter`` and ``after_train_iter`` run at every iteration. On a
small model the generic dispatch costs more than the work it dispatches: a
bound method, a keyword dict and a frame per hook, and the message hub's API
for every scalar. While the hooks of these two stages are exactly default
ones, the training loop calls a ``DefaultTrainIterHooks`` instead of
``Runner.call_hook``; it does the same work, in the same order, on the same
hook objects (their state, such as the timer's clock, stays theirs).

"Exactly default" means: objects of ``RuntimeInfoHook``, ``IterTimerHook``,
``LoggerHook``, ``ParamSchedulerHook`` and ``CheckpointHook`` themselves (not
subclasses), at most one of each, in this (their priority) order, with no
method replaced on the instance. Anything else at these stages (a custom hook,
a subclass, a changed priority order) takes the generic dispatch, and so does
a runner with its own ``call_hook`` or counter properties (``iter``,
``epoch``, ``max_iters``, ``train_dataloader``); ``Runner.train_iter_hooks``
decides.
"""
from typing import Optional

from torch import Tensor

from ..logging import HistoryBuffer, MessageHub
from . import iter_timer_hook  # its clock, looked up at each use
from .checkpoint_hook import CheckpointHook
from .iter_timer_hook import IterTimerHook
from .logger_hook import LoggerHook
from .param_scheduler_hook import ParamSchedulerHook
from .runtime_info_hook import RuntimeInfoHook

# Where ``Runner.train_iter_hooks`` keeps its answer, among the runner's
# per-stage hook lists: forgotten with them whenever the hooks change.
RUNNER_CACHE_KEY = object()

_BEFORE = (RuntimeInfoHook, IterTimerHook)
_AFTER = (RuntimeInfoHook, IterTimerHook, LoggerHook, ParamSchedulerHook, CheckpointHook)
# What the fast path does instead of these methods: replaced on an
# instance, they would be skipped.
_INLINED = ('before_train_iter', 'after_train_iter', '_before_iter', '_after_iter')


def _default_hooks_in_order(hooks, classes) -> Optional[dict]:
    """``{class: hook}`` when ``hooks`` are objects of distinct ``classes``
    themselves, in the order of ``classes``, none with an inlined method
    replaced on it; else None."""
    found = {}
    position = 0
    for hook in hooks:
        cls = type(hook)
        if cls not in classes[position:] or not vars(hook).keys().isdisjoint(_INLINED):
            return None
        position = classes.index(cls, position) + 1
        found[cls] = hook
    return found


def _update_scalar(hub: MessageHub, key: str, value) -> None:
    """``hub.update_scalar(key, value)``. When that would only append a
    float to a plain ``HistoryBuffer`` below its ``max_length``, for a
    resumed key, it is appended here directly."""
    buffer = hub._log_scalars.get(key)
    if type(value) is float and type(buffer) is HistoryBuffer \
            and hub._resumed_keys.get(key) is True \
            and len(buffer._log_history) < buffer.max_length:
        buffer._log_history.append(value)
        buffer._count_history.append(1)
    else:
        hub.update_scalar(key, value)


class DefaultTrainIterHooks:
    """``before(runner, loop, batch_idx, data_batch)`` and ``after(runner,
    loop, batch_idx, data_batch, outputs, loss_value)``, called by the training
    ``loop``: what ``call_hook('before_train_iter', ...)`` and
    ``call_hook('after_train_iter', ...)`` do with these hooks.
    ``loss_value`` is ``outputs['loss'].item()`` when the loop has read it
    already (to check it is finite), else None.

    Scalars go to the hub through ``_update_scalar``."""

    def __init__(self, before: dict, after: dict) -> None:
        self.before_info = before.get(RuntimeInfoHook)
        self.before_timer = before.get(IterTimerHook)
        self.after_info = after.get(RuntimeInfoHook)
        self.after_timer = after.get(IterTimerHook)
        self.logger = after.get(LoggerHook)
        self.scheduler = after.get(ParamSchedulerHook)
        self.checkpoint = after.get(CheckpointHook)
        self._keys: dict = {}  # name -> 'train/<name>'

    @classmethod
    def for_hooks(cls, before_hooks, after_hooks) -> Optional['DefaultTrainIterHooks']:
        """The fast path for these two stages' hook lists, or None."""
        before = _default_hooks_in_order(before_hooks, _BEFORE)
        after = _default_hooks_in_order(after_hooks, _AFTER)
        if before is None or after is None:
            return None
        return cls(before, after)

    def _key(self, name: str) -> str:
        key = self._keys[name] = f'train/{name}'
        return key

    def before(self, runner, loop, batch_idx: int, data_batch) -> None:
        hub = runner.message_hub
        if type(hub) is not MessageHub:  # a subclass may redefine the API
            return runner.call_hook('before_train_iter', batch_idx=batch_idx,
                                    data_batch=data_batch)
        hook = info = self.before_info
        try:
            if info is not None:
                cur_iter = loop._iter if runner._counted_train_loop is loop \
                    and runner._train_loop is loop else runner.iter
                if hub._resumed_keys.get('iter') is True:
                    hub._runtime_info['iter'] = cur_iter
                else:
                    hub.update_info('iter', cur_iter)
                lr_dict = runner.optim_wrapper.get_lr()
                if not isinstance(lr_dict, dict):  # the hook's own error
                    return info.before_train_iter(runner, batch_idx)
                keys = self._keys
                for name, lr in lr_dict.items():
                    _update_scalar(hub, keys.get(name) or self._key(name), lr[0])
            hook = timer = self.before_timer
            if timer is not None:
                # The clock of IterTimerHook's module (tests replace it there).
                _update_scalar(hub, 'train/data_time', iter_timer_hook.time.time() - timer.t)
        except (TypeError, AssertionError) as e:  # as Runner.call_hook says it
            raise (TypeError if isinstance(e, TypeError) else AssertionError)(
                f'{e} in {hook}') from None

    def after(self, runner, loop, batch_idx: int, data_batch, outputs,
              loss_value=None) -> None:
        hub = runner.message_hub
        if type(hub) is not MessageHub:
            return runner.call_hook('after_train_iter', batch_idx=batch_idx,
                                    data_batch=data_batch, outputs=outputs)
        hook = self.after_info
        try:
            if hook is not None and outputs is not None:
                keys = self._keys
                for name, value in outputs.items():
                    key = keys.get(name) or self._key(name)
                    if loss_value is not None and name == 'loss':
                        value = loss_value
                    elif type(value) is Tensor and value.numel() == 1:
                        value = value.item()
                    _update_scalar(hub, key, value)
            # The runner's counters, read from the loop when they are its
            # own (see Runner.iter).
            if runner._counted_train_loop is loop and runner._train_loop is loop:
                cur_iter, epoch, loader = loop._iter, loop._epoch, loop.dataloader
                max_iters = loop._max_iters
            else:
                cur_iter, epoch, loader = runner.iter, runner.epoch, runner.train_dataloader
                max_iters = runner.max_iters
            hook = timer = self.after_timer
            if timer is not None:
                now = iter_timer_hook.time.time()
                iter_time = now - timer.t
                timer.t = now
                _update_scalar(hub, 'train/time', iter_time)
                timer.time_sec_tot += iter_time
                eta = timer.time_sec_tot / (cur_iter - timer.start_iter + 1) * (
                    max_iters - cur_iter - 1)
                if hub._resumed_keys.get('eta') is True:
                    hub._runtime_info['eta'] = eta
                else:
                    hub.update_info('eta', eta)
            hook = logger = self.logger
            if logger is not None:
                # The hook logs only at these iterations (or when it has not
                # seen this epoch's loader yet): it decides the rest itself.
                seen = logger._epoch_length
                if seen[0] is not loader or seen[1] != epoch or batch_idx + 1 == seen[2] \
                        or (batch_idx + 1) % logger.interval == 0 \
                        or (cur_iter + 1) % logger.interval_exp_name == 0:
                    logger.after_train_iter(runner, batch_idx, data_batch, outputs)
            hook = self.scheduler
            if hook is not None:
                schedulers = runner.param_schedulers
                if type(schedulers) is list:
                    for one in schedulers:
                        if not one.by_epoch:
                            one.step()
                elif schedulers is not None:
                    hook.after_train_iter(runner, batch_idx, data_batch, outputs)
            hook = checkpoint = self.checkpoint
            if checkpoint is not None and not checkpoint.by_epoch:
                checkpoint.after_train_iter(runner, batch_idx, data_batch, outputs)
        except (TypeError, AssertionError) as e:
            raise (TypeError if isinstance(e, TypeError) else AssertionError)(
                f'{e} in {hook}') from None

"""``IterTimerHook``: data and iteration times, and the eta."""
import time
from typing import Optional, Sequence, Union

from ..registry import HOOKS
from .hook import DATA_BATCH, Hook


@HOOKS.register_module()
class IterTimerHook(Hook):
    priority = 'NORMAL'

    def __init__(self):
        self.time_sec_tot = 0
        self.time_sec_test_val = 0
        self.start_iter = 0

    def before_train(self, runner) -> None:
        self.start_iter = runner.iter

    def _before_epoch(self, runner, mode: str = 'train') -> None:
        self.t = time.time()

    def _after_epoch(self, runner, mode: str = 'train') -> None:
        self.time_sec_test_val = 0

    # The training stages run every iteration: they do their work here
    # instead of going through Hook's dispatch to _before_iter/_after_iter.
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A subclass customising the shared _before_iter/_after_iter (as
        # MMEngine's IterTimerHook allows) gets Hook's dispatch back.
        if '_before_iter' in vars(cls) and 'before_train_iter' not in vars(cls):
            cls.before_train_iter = Hook.before_train_iter
        if '_after_iter' in vars(cls) and 'after_train_iter' not in vars(cls):
            cls.after_train_iter = Hook.after_train_iter

    def before_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        runner.message_hub.update_scalar('train/data_time', time.time() - self.t)

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        now = time.time()
        iter_time = now - self.t
        self.t = now
        hub = runner.message_hub
        hub.update_scalar('train/time', iter_time)
        self.time_sec_tot += iter_time
        cur_iter = runner.iter
        average = self.time_sec_tot / (cur_iter - self.start_iter + 1)
        hub.update_info('eta', average * (runner.max_iters - cur_iter - 1))

    def _before_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                     mode: str = 'train') -> None:
        if mode == 'train':
            IterTimerHook.before_train_iter(self, runner, batch_idx, data_batch)
        else:
            runner.message_hub.update_scalar(f'{mode}/data_time', time.time() - self.t)

    def _after_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                    outputs: Optional[Union[dict, Sequence]] = None,
                    mode: str = 'train') -> None:
        if mode == 'train':
            IterTimerHook.after_train_iter(self, runner, batch_idx, data_batch, outputs)
            return
        now = time.time()
        iter_time = now - self.t
        self.t = now
        runner.message_hub.update_scalar(f'{mode}/time', iter_time)
        loader = runner.val_dataloader if mode == 'val' else runner.test_dataloader
        self.time_sec_test_val += iter_time
        average = self.time_sec_test_val / (batch_idx + 1)
        runner.message_hub.update_info('eta', average * (len(loader) - batch_idx - 1))

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

    def _before_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                     mode: str = 'train') -> None:
        runner.message_hub.update_scalar(f'{mode}/data_time', time.time() - self.t)

    def _after_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                    outputs: Optional[Union[dict, Sequence]] = None,
                    mode: str = 'train') -> None:
        hub = runner.message_hub
        now = time.time()
        iter_time = now - self.t
        hub.update_scalar(f'{mode}/time', iter_time)
        self.t = now
        if mode == 'train':
            self.time_sec_tot += iter_time
            average = self.time_sec_tot / (runner.iter - self.start_iter + 1)
            hub.update_info('eta', average * (runner.max_iters - runner.iter - 1))
        else:
            loader = runner.val_dataloader if mode == 'val' else runner.test_dataloader
            self.time_sec_test_val += iter_time
            average = self.time_sec_test_val / (batch_idx + 1)
            hub.update_info('eta', average * (len(loader) - batch_idx - 1))

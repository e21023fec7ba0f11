"""``LoggerHook``: writes the log lines built by the runner's
``LogProcessor`` and sends the scalars to the visualizer backends."""
import logging
import os
import os.path as osp
from pathlib import Path
from typing import Dict, Optional, Sequence, Union

from ..fileio import dump
from ..registry import HOOKS
from ..utils import is_seq_of
from .hook import DATA_BATCH, Hook


def _plain(value):
    """JSON-able copy of test results (tensors and arrays become lists)."""
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, 'tolist'):
        return value.tolist()
    return None


@HOOKS.register_module()
class LoggerHook(Hook):
    """Log every ``interval`` iterations (and at the end of an epoch unless
    ``ignore_last``), and after every validation/test.

    ``out_dir`` copies the log files (those ending in ``out_suffix``) there
    after the run; only local paths are supported by the bundled engine.
    ``log_metric_by_epoch`` chooses the x-axis (epoch or iteration) of
    validation metrics in the visualizer.
    """
    priority = 'BELOW_NORMAL'

    def __init__(self, interval: int = 10, ignore_last: bool = True,
                 interval_exp_name: int = 1000, out_dir: Optional[Union[str, Path]] = None,
                 out_suffix: Union[Sequence[str], str] = ('.json', '.log', '.py', 'yaml'),
                 keep_local: bool = True, file_client_args: Optional[dict] = None,
                 log_metric_by_epoch: bool = True, backend_args: Optional[dict] = None):
        # MMEngine's checks and exception types, one per argument.
        if not isinstance(interval, int) or isinstance(interval, bool):
            raise TypeError(f'LoggerHook: interval must be an integer, got {interval!r}')
        if interval <= 0:
            raise ValueError(f'LoggerHook: interval must be greater than 0, got {interval}')
        if not isinstance(ignore_last, bool):
            raise TypeError('LoggerHook: ignore_last must be a boolean')
        if not isinstance(interval_exp_name, int) or isinstance(interval_exp_name, bool):
            raise TypeError('LoggerHook: interval_exp_name must be an integer')
        if interval_exp_name <= 0:
            raise ValueError('LoggerHook: interval_exp_name must be greater than 0')
        if out_dir is not None and not isinstance(out_dir, (str, Path)):
            raise TypeError('LoggerHook: out_dir must be a str or Path object')
        if not isinstance(keep_local, bool):
            raise TypeError('LoggerHook: keep_local must be a boolean')
        if out_dir is None and file_client_args is not None:
            raise ValueError('LoggerHook: file_client_args should be "None" when `out_dir` is '
                             'not specified.')
        if file_client_args is not None:
            from ..logging import print_log
            print_log('"file_client_args" will be deprecated in future. Please use '
                      '"backend_args" instead', logger='current', level=logging.WARNING)
            if backend_args is not None:
                raise ValueError('"file_client_args" and "backend_args" cannot be set at the '
                                 'same time.')
        if not (isinstance(out_suffix, str) or is_seq_of(out_suffix, str)):
            raise TypeError('LoggerHook: `out_suffix` must be a str or a sequence of str')
        self.out_suffix = out_suffix
        self.out_dir = None if out_dir is None else str(out_dir)
        if self.out_dir is not None:  # where the logs are uploaded after the run
            from ..fileio import FileClient, get_file_backend
            self.file_client = FileClient.infer_client(file_client_args, self.out_dir)
            self.file_backend = (self.file_client if file_client_args is not None
                                 else get_file_backend(self.out_dir, backend_args=backend_args))
        self.interval = interval
        self.ignore_last = ignore_last
        self.interval_exp_name = interval_exp_name
        self.keep_local = keep_local
        self.log_metric_by_epoch = log_metric_by_epoch
        self.json_log_path: Optional[str] = None
        self._epoch_length = (None, None, 0)  # (train loader, epoch, its length)

    def before_run(self, runner) -> None:
        if self.out_dir is not None:
            self.out_dir = self.file_backend.join_path(
                self.out_dir, osp.basename(runner.work_dir.rstrip(osp.sep)))
            runner.logger.info(f'Text logs will be saved to {self.out_dir} after the '
                               'training process.')
        self.json_log_path = f'{runner.timestamp}.json'

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        # len(DataLoader) runs several Python calls; it is read once per
        # epoch of each loader instead of every iteration.
        loader, epoch = runner.train_dataloader, runner.epoch
        cached = self._epoch_length
        if cached[0] is not loader or cached[1] != epoch:
            cached = self._epoch_length = (loader, epoch, len(loader))
        length = cached[2]
        end_of_epoch = batch_idx + 1 == length
        # every_n_train_iters / every_n_inner_iters, inline (both intervals
        # are positive): this runs at every iteration.
        if end_of_epoch or (runner.iter + 1) % self.interval_exp_name == 0:
            runner.logger.info(f'Exp name: {runner.experiment_name}')
        if not ((batch_idx + 1) % self.interval == 0
                or end_of_epoch and (not self.ignore_last or length <= self.interval)):
            return
        tag, log_str = runner.log_processor.get_log_after_iter(runner, batch_idx, 'train')
        runner.logger.info(log_str)
        runner.visualizer.add_scalars(tag, step=runner.iter + 1, file_path=self.json_log_path)

    def _after_eval_iter(self, runner, batch_idx: int, mode: str) -> None:
        if self.every_n_inner_iters(batch_idx, self.interval):
            _, log_str = runner.log_processor.get_log_after_iter(runner, batch_idx, mode)
            runner.logger.info(log_str)

    def after_val_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                       outputs: Optional[Sequence] = None) -> None:
        self._after_eval_iter(runner, batch_idx, 'val')

    def after_test_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                        outputs: Optional[Sequence] = None) -> None:
        self._after_eval_iter(runner, batch_idx, 'test')

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        tag, log_str = runner.log_processor.get_log_after_epoch(
            runner, len(runner.val_dataloader), 'val')
        runner.logger.info(log_str)
        training = not (isinstance(runner._train_loop, dict) or runner._train_loop is None)
        if self.log_metric_by_epoch:
            step = runner.epoch if training else 0
        else:
            step = runner.iter if training else 0
        runner.visualizer.add_scalars(tag, step=step, file_path=self.json_log_path)

    def after_test_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        tag, log_str = runner.log_processor.get_log_after_epoch(
            runner, len(runner.test_dataloader), 'test', with_non_scalar=True)
        runner.logger.info(log_str)
        dump(_plain(tag), osp.join(runner.log_dir, self.json_log_path))

    def after_run(self, runner) -> None:
        runner.visualizer.close()
        if self.out_dir is None:
            return
        suffixes = (self.out_suffix, ) if isinstance(self.out_suffix, str) else tuple(
            self.out_suffix)
        copied = []
        for root, _, files in os.walk(runner.log_dir):
            for name in files:
                if not name.endswith(suffixes):
                    continue
                local = osp.join(root, name)
                target = self.file_backend.join_path(self.out_dir,
                                                     osp.relpath(local, runner.log_dir))
                with open(local, encoding='utf-8') as f:
                    self.file_backend.put_text(f.read(), target)
                copied.append(local)
                runner.logger.info(f'The file {local} has been uploaded to {target}.')
        if not self.keep_local:
            for handler in runner.logger.handlers:
                if isinstance(handler, logging.FileHandler):
                    handler.close()
            for local in copied:
                os.remove(local)

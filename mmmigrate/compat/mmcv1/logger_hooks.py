"""MMCV 1.x's logger hooks on the legacy runner facades: ``LoggerHook`` (the
base libraries subclass), ``TextLoggerHook`` and ``TensorboardLoggerHook``.

They read MMCV's ``runner.log_buffer``: every ``interval`` iterations the
buffer averages its window (values weighted by ``num_samples``) and the hook
logs ``output``; after a train epoch it logs what another hook left ready
there (``EvalHook``'s metrics: an ``Epoch(val)`` line). ``TextLoggerHook``
prints MMCV's lines to ``runner.logger`` and appends the same records to
``<work_dir>/<timestamp>.log.json``, floats rounded to 5 digits, as MMCV
wrote them (the first line is ``runner.meta``).
"""
import datetime
import json
import numbers
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, Optional, Union

import numpy as np
import torch

from ..hooks import LegacyHook
from . import mmengine_module


def _master_only(method):
    """Run on rank 0 only, as MMCV's ``master_only`` decorator did."""
    import functools

    @functools.wraps(method)
    def call(*args, **kwargs):
        get_rank = mmengine_module('dist').get_rank
        if get_rank() == 0:
            return method(*args, **kwargs)
    return call


class LoggerHook(LegacyHook):

    def __init__(self, interval: int = 10, ignore_last: bool = True, reset_flag: bool = False,
                 by_epoch: bool = True):
        self.interval = interval
        self.ignore_last = ignore_last
        self.reset_flag = reset_flag
        self.by_epoch = by_epoch

    def log(self, runner):
        raise NotImplementedError(f'{type(self).__name__} must define log(runner)')

    @staticmethod
    def is_scalar(val, include_np: bool = True, include_torch: bool = True) -> bool:
        if isinstance(val, numbers.Number):
            return True
        if include_np and isinstance(val, np.ndarray) and val.ndim == 0:
            return True
        return include_torch and isinstance(val, torch.Tensor) and len(val) == 1

    def get_mode(self, runner) -> str:
        if runner.mode == 'train':
            return 'train' if 'time' in runner.log_buffer.output else 'val'
        if runner.mode == 'val':
            return 'val'
        raise ValueError(f"runner mode should be 'train' or 'val', but got {runner.mode}")

    def get_epoch(self, runner) -> int:
        if runner.mode == 'train':
            return runner.epoch + 1
        if runner.mode == 'val':
            return runner.epoch
        raise ValueError(f"runner mode should be 'train' or 'val', but got {runner.mode}")

    def get_iter(self, runner, inner_iter: bool = False) -> int:
        if self.by_epoch and inner_iter:
            return runner.inner_iter + 1
        return runner.iter + 1

    def get_lr_tags(self, runner) -> Dict[str, float]:
        return _first_of_each(runner.current_lr(), 'learning_rate')

    def get_momentum_tags(self, runner) -> Dict[str, float]:
        return _first_of_each(runner.current_momentum(), 'momentum')

    def get_loggable_tags(self, runner, allow_scalar: bool = True, allow_text: bool = False,
                          add_mode: bool = True, tags_to_skip: tuple = ('time', 'data_time')
                          ) -> Dict:
        tags = {}
        for var, val in runner.log_buffer.output.items():
            if var in tags_to_skip:
                continue
            if self.is_scalar(val) and not allow_scalar:
                continue
            if isinstance(val, str) and not allow_text:
                continue
            if add_mode:
                var = f'{self.get_mode(runner)}/{var}'
            tags[var] = val
        tags.update(self.get_lr_tags(runner))
        tags.update(self.get_momentum_tags(runner))
        return tags

    def before_run(self, runner) -> None:
        # the last logger hook clears what the buffer output after logging it
        for hook in runner.hooks[::-1]:
            if isinstance(hook, LoggerHook):
                hook.reset_flag = True
                break

    def before_epoch(self, runner) -> None:
        runner.log_buffer.clear()

    def after_train_iter(self, runner) -> None:
        if self.by_epoch and self.every_n_inner_iters(runner, self.interval):
            runner.log_buffer.average(self.interval)
        elif not self.by_epoch and self.every_n_iters(runner, self.interval):
            runner.log_buffer.average(self.interval)
        elif self.end_of_epoch(runner) and not self.ignore_last:
            # the last, shorter window of the epoch
            runner.log_buffer.average(self.interval)
        if runner.log_buffer.ready:
            self.log(runner)
            if self.reset_flag:
                runner.log_buffer.clear_output()

    def after_train_epoch(self, runner) -> None:
        if runner.log_buffer.ready:
            self.log(runner)
            if self.reset_flag:
                runner.log_buffer.clear_output()

    def after_val_epoch(self, runner) -> None:
        runner.log_buffer.average()
        self.log(runner)
        if self.reset_flag:
            runner.log_buffer.clear_output()


def _first_of_each(values, tag: str) -> Dict[str, float]:
    if isinstance(values, dict):
        return {f'{tag}/{name}': value[0] for name, value in values.items()}
    return {tag: values[0]}


class TextLoggerHook(LoggerHook):

    def __init__(self, by_epoch: bool = True, interval: int = 10, ignore_last: bool = True,
                 reset_flag: bool = False, interval_exp_name: int = 1000,
                 out_dir: Optional[str] = None,
                 out_suffix: Union[str, tuple] = ('.log.json', '.log', '.py'),
                 keep_local: bool = True, file_client_args: Optional[Dict] = None):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.time_sec_tot = 0
        self.interval_exp_name = interval_exp_name
        if out_dir is None and file_client_args is not None:
            raise ValueError('file_client_args should be "None" when `out_dir` is not specified.')
        if not (out_dir is None or isinstance(out_dir, str) or
                (isinstance(out_dir, tuple) and all(isinstance(d, str) for d in out_dir))):
            raise TypeError(f'out_dir should be "None" or string or tuple of string, but got '
                            f'{out_dir}')
        self.out_dir = out_dir
        self.out_suffix = out_suffix
        self.keep_local = keep_local
        self.file_client_args = file_client_args

    def before_run(self, runner) -> None:
        super().before_run(runner)
        if self.out_dir is not None:
            FileClient = mmengine_module('fileio').FileClient
            self.file_client = FileClient.infer_client(self.file_client_args, self.out_dir)
            basename = osp.basename(runner.work_dir.rstrip(osp.sep))
            self.out_dir = self.file_client.join_path(self.out_dir, basename)
            runner.logger.info(f'Text logs will be saved to {self.out_dir} by '
                               f'{self.file_client.name} after the training process.')
        self.start_iter = runner.iter
        self.json_log_path = osp.join(runner.work_dir, f'{runner.timestamp}.log.json')
        if runner.meta is not None:
            self._dump_log(runner.meta, runner)

    def _get_max_memory(self, runner) -> int:
        import torch.distributed as dist
        device = getattr(runner.model, 'output_device', None)
        memory = torch.cuda.max_memory_allocated(device=device)
        memory_mb = torch.tensor([int(memory) // (1024 * 1024)], dtype=torch.int, device=device)
        if runner.world_size > 1:
            dist.reduce(memory_mb, 0, op=dist.ReduceOp.MAX)
        return memory_mb.item()

    def _log_info(self, log_dict: Dict, runner) -> None:
        if runner.meta is not None and 'exp_name' in runner.meta:
            if self.every_n_iters(runner, self.interval_exp_name) or \
                    (self.by_epoch and self.end_of_epoch(runner)):
                runner.logger.info(f"Exp name: {runner.meta['exp_name']}")
        if log_dict['mode'] == 'train':
            if isinstance(log_dict['lr'], dict):
                lr_str = ' '.join(f'lr_{k}: {v:.3e}' for k, v in log_dict['lr'].items())
            else:
                lr_str = f"lr: {log_dict['lr']:.3e}"
            if self.by_epoch:
                log_str = (f"Epoch [{log_dict['epoch']}]"
                           f"[{log_dict['iter']}/{len(runner.data_loader)}]\t")
            else:
                log_str = f"Iter [{log_dict['iter']}/{runner.max_iters}]\t"
            log_str += f'{lr_str}, '
            if 'time' in log_dict:
                self.time_sec_tot += log_dict['time'] * self.interval
                time_sec_avg = self.time_sec_tot / (runner.iter - self.start_iter + 1)
                eta_sec = time_sec_avg * (runner.max_iters - runner.iter - 1)
                log_str += f'eta: {datetime.timedelta(seconds=int(eta_sec))}, '
                log_str += (f"time: {log_dict['time']:.3f}, "
                            f"data_time: {log_dict['data_time']:.3f}, ")
                if torch.cuda.is_available():
                    log_str += f"memory: {log_dict['memory']}, "
        elif self.by_epoch:
            log_str = f"Epoch({log_dict['mode']}) [{log_dict['epoch']}][{log_dict['iter']}]\t"
        else:
            log_str = f"Iter({log_dict['mode']}) [{log_dict['iter']}]\t"
        items = []
        for name, val in log_dict.items():
            if name in ('mode', 'Epoch', 'iter', 'lr', 'time', 'data_time', 'memory', 'epoch'):
                continue
            items.append(f'{name}: {val:.4f}' if isinstance(val, float) else f'{name}: {val}')
        runner.logger.info(log_str + ', '.join(items))

    def _dump_log(self, log_dict: Dict, runner) -> None:
        record = OrderedDict((key, self._round_float(value)) for key, value in log_dict.items())
        if runner.rank == 0:
            with open(self.json_log_path, 'a+') as file:
                file.write(json.dumps(record, default=_json_default) + '\n')

    def _round_float(self, items):
        if isinstance(items, list):
            return [self._round_float(item) for item in items]
        if isinstance(items, float):
            return round(items, 5)
        return items

    def log(self, runner) -> OrderedDict:
        if 'eval_iter_num' in runner.log_buffer.output:
            cur_iter = runner.log_buffer.output.pop('eval_iter_num')
        else:
            cur_iter = self.get_iter(runner, inner_iter=True)
        log_dict = OrderedDict(mode=self.get_mode(runner), epoch=self.get_epoch(runner),
                               iter=cur_iter)
        cur_lr = runner.current_lr()
        if isinstance(cur_lr, list):
            log_dict['lr'] = cur_lr[0]
        else:
            log_dict['lr'] = {name: lrs[0] for name, lrs in cur_lr.items()}
        if 'time' in runner.log_buffer.output and torch.cuda.is_available():
            log_dict['memory'] = self._get_max_memory(runner)
        log_dict = dict(log_dict, **runner.log_buffer.output)
        self._log_info(log_dict, runner)
        self._dump_log(log_dict, runner)
        return log_dict

    def after_run(self, runner) -> None:
        if self.out_dir is None:
            return
        scandir = mmengine_module('utils').scandir
        for filename in scandir(runner.work_dir, self.out_suffix, True):
            local = osp.join(runner.work_dir, filename)
            remote = self.file_client.join_path(self.out_dir, filename)
            with open(local) as file:
                self.file_client.put_text(file.read(), remote)
            runner.logger.info(f'The file {local} has been uploaded to {remote}.')
            if not self.keep_local:
                os.remove(local)
                runner.logger.info(f'{local} was removed due to the `self.keep_local=False`')


def _json_default(value):
    """What ``mmcv.dump`` wrote for numpy values: plain numbers and lists."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f'{type(value).__name__} is not JSON serializable')


class TensorboardLoggerHook(LoggerHook):

    def __init__(self, log_dir: Optional[str] = None, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, by_epoch: bool = True):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.log_dir = log_dir

    @_master_only
    def before_run(self, runner) -> None:
        super().before_run(runner)
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError:
            raise ImportError('Please run "pip install future tensorboard" to install the '
                              'dependencies to use torch.utils.tensorboard') from None
        if self.log_dir is None:
            self.log_dir = osp.join(runner.work_dir, 'tf_logs')
        self.writer = SummaryWriter(self.log_dir)

    @_master_only
    def log(self, runner) -> None:
        for tag, val in self.get_loggable_tags(runner, allow_text=True).items():
            if isinstance(val, str):
                self.writer.add_text(tag, val, self.get_iter(runner))
            else:
                self.writer.add_scalar(tag, val, self.get_iter(runner))

    @_master_only
    def after_run(self, runner) -> None:
        self.writer.close()

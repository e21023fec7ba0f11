"""MMCV 1.x's ``EvalHook`` / ``DistEvalHook``, which the MMCV-1.x libraries
subclass (mmcls, mmseg, mmdet ``EvalHook``): evaluate the model every
``interval`` epochs or iterations with ``test_fn`` (``single_gpu_test``),
score the results with ``dataloader.dataset.evaluate``, put the metrics
into ``runner.log_buffer.output`` (the logger hooks, which run after it,
log them as an ``Epoch(val)`` line) and keep the best checkpoint
(``save_best``) under ``best_<metric>_<epoch|iter>_<n>.pth``.
"""
import os.path as osp
import warnings
from math import inf
from typing import Callable, List, Optional

import torch.distributed as dist
from torch.nn.modules.batchnorm import _BatchNorm
from torch.utils.data import DataLoader

from ..hooks import LegacyHook
from . import mmengine_module


class EvalHook(LegacyHook):

    rule_map = {'greater': lambda x, y: x > y, 'less': lambda x, y: x < y}
    init_value_map = {'greater': -inf, 'less': inf}
    _default_greater_keys = ['acc', 'top', 'AR@', 'auc', 'precision', 'mAP', 'mDice', 'mIoU',
                             'mAcc', 'aAcc']
    _default_less_keys = ['loss']

    def __init__(self, dataloader: DataLoader, start: Optional[int] = None, interval: int = 1,
                 by_epoch: bool = True, save_best: Optional[str] = None,
                 rule: Optional[str] = None, test_fn: Optional[Callable] = None,
                 greater_keys: Optional[List[str]] = None,
                 less_keys: Optional[List[str]] = None, out_dir: Optional[str] = None,
                 file_client_args: Optional[dict] = None, **eval_kwargs):
        if not isinstance(dataloader, DataLoader):
            raise TypeError(f'dataloader must be a pytorch DataLoader, but got {type(dataloader)}')
        if interval <= 0:
            raise ValueError(f'interval must be a positive number, but got {interval}')
        if not isinstance(by_epoch, bool):
            raise TypeError('``by_epoch`` should be a boolean')
        if start is not None and start < 0:
            raise ValueError(f'The evaluation start epoch {start} is smaller than 0')
        if not (save_best is None or isinstance(save_best, str)):
            raise TypeError(f'"save_best" should be a str or None rather than {type(save_best)}')
        self.dataloader, self.interval, self.start = dataloader, interval, start
        self.by_epoch, self.save_best, self.eval_kwargs = by_epoch, save_best, eval_kwargs
        self.initial_flag = True
        if test_fn is None:
            from .engine_test import single_gpu_test
            test_fn = single_gpu_test
        self.test_fn = test_fn
        self.greater_keys = self._default_greater_keys if greater_keys is None else \
            _as_keys(greater_keys)
        self.less_keys = self._default_less_keys if less_keys is None else _as_keys(less_keys)
        if self.save_best is not None:
            self.best_ckpt_path = None
            self._init_rule(rule, self.save_best)
        self.out_dir = out_dir
        self.file_client_args = file_client_args

    def _init_rule(self, rule: Optional[str], key_indicator: str) -> None:
        """The comparison for ``key_indicator``: ``rule``, else inferred from
        the greater / less keys (exact match first, then substring; case
        does not matter)."""
        if rule not in self.rule_map and rule is not None:
            raise KeyError(f'rule must be greater, less or None, but got {rule}.')
        if rule is None and key_indicator != 'auto':
            key = key_indicator.lower()
            greater = [k.lower() for k in self.greater_keys]
            less = [k.lower() for k in self.less_keys]
            if key in greater:
                rule = 'greater'
            elif key in less:
                rule = 'less'
            elif any(k in key for k in greater):
                rule = 'greater'
            elif any(k in key for k in less):
                rule = 'less'
            else:
                raise ValueError(f'Cannot infer the rule for key {key_indicator}, thus a '
                                 'specific rule must be specified.')
        self.rule, self.key_indicator = rule, key_indicator
        if self.rule is not None:
            self.compare_func = self.rule_map[self.rule]

    def before_run(self, runner):
        FileClient = mmengine_module('fileio').FileClient
        if not self.out_dir:
            self.out_dir = runner.work_dir
        self.file_client = FileClient.infer_client(self.file_client_args, self.out_dir)
        if self.out_dir != runner.work_dir:
            basename = osp.basename(runner.work_dir.rstrip(osp.sep))
            self.out_dir = self.file_client.join_path(self.out_dir, basename)
            runner.logger.info(f'The best checkpoint will be saved to {self.out_dir} by '
                               f'{self.file_client.name}')
        if self.save_best is not None:
            if runner.meta is None:
                warnings.warn('runner.meta is None. Creating an empty one.')
                runner.meta = dict()
            runner.meta.setdefault('hook_msgs', dict())
            self.best_ckpt_path = runner.meta['hook_msgs'].get('best_ckpt', None)

    def before_train_iter(self, runner):
        """With ``start`` at or before a resumed iteration: evaluate first."""
        if self.by_epoch or not self.initial_flag:
            return
        if self.start is not None and runner.iter >= self.start:
            self.after_train_iter(runner)
        self.initial_flag = False

    def before_train_epoch(self, runner):
        """With ``start`` at or before a resumed epoch: evaluate first."""
        if not (self.by_epoch and self.initial_flag):
            return
        if self.start is not None and runner.epoch >= self.start:
            self.after_train_epoch(runner)
        self.initial_flag = False

    def after_train_iter(self, runner):
        if not self.by_epoch and self._should_evaluate(runner):
            # the logger logs the training window first, as MMCV's did
            from .logger_hooks import LoggerHook
            for hook in runner.hooks:
                if isinstance(hook, LoggerHook):
                    hook.after_train_iter(runner)
            runner.log_buffer.clear()
            self._do_evaluate(runner)

    def after_train_epoch(self, runner):
        if self.by_epoch and self._should_evaluate(runner):
            self._do_evaluate(runner)

    def _do_evaluate(self, runner):
        results = self.test_fn(runner.model, self.dataloader)
        runner.log_buffer.output['eval_iter_num'] = len(self.dataloader)
        key_score = self.evaluate(runner, results)
        if self.save_best and key_score:
            self._save_ckpt(runner, key_score)

    def _should_evaluate(self, runner) -> bool:
        if self.by_epoch:
            current, check_time = runner.epoch, self.every_n_epochs
        else:
            current, check_time = runner.iter, self.every_n_iters
        if self.start is None:
            return check_time(runner, self.interval)
        if current + 1 < self.start:
            return False
        return (current + 1 - self.start) % self.interval == 0

    def _save_ckpt(self, runner, key_score) -> None:
        if self.by_epoch:
            current, cur_type, cur_time = f'epoch_{runner.epoch + 1}', 'epoch', runner.epoch + 1
        else:
            current, cur_type, cur_time = f'iter_{runner.iter + 1}', 'iter', runner.iter + 1
        messages = runner.meta['hook_msgs']
        best_score = messages.get('best_score', self.init_value_map[self.rule])
        if not self.compare_func(key_score, best_score):
            return
        messages['best_score'] = best_score = key_score
        if self.best_ckpt_path and self.file_client.isfile(self.best_ckpt_path):
            self.file_client.remove(self.best_ckpt_path)
            runner.logger.info(f'The previous best checkpoint {self.best_ckpt_path} was removed')
        name = f'best_{self.key_indicator}_{current}.pth'
        self.best_ckpt_path = self.file_client.join_path(self.out_dir, name)
        messages['best_ckpt'] = self.best_ckpt_path
        runner.save_checkpoint(self.out_dir, filename_tmpl=name, create_symlink=False)
        runner.logger.info(f'Now best checkpoint is saved as {name}.')
        runner.logger.info(f'Best {self.key_indicator} is {best_score:0.4f} at {cur_time} '
                           f'{cur_type}.')

    def evaluate(self, runner, results):
        """``dataset.evaluate(results)``, logged through the log buffer; the
        ``save_best`` metric's value (None without ``save_best``)."""
        eval_res = self.dataloader.dataset.evaluate(results, logger=runner.logger,
                                                    **self.eval_kwargs)
        for name, value in eval_res.items():
            runner.log_buffer.output[name] = value
        runner.log_buffer.ready = True
        if self.save_best is None:
            return None
        if not eval_res:
            warnings.warn('Since `eval_res` is an empty dict, the behavior to save the best '
                          'checkpoint will be skipped in this evaluation.')
            return None
        if self.key_indicator == 'auto':
            self._init_rule(self.rule, list(eval_res.keys())[0])
        return eval_res[self.key_indicator]


class DistEvalHook(EvalHook):
    """``EvalHook`` over several processes: ``multi_gpu_test`` gathers every
    rank's results on rank 0, which scores and logs them (BatchNorm buffers
    broadcast from rank 0 first, as MMCV did)."""

    def __init__(self, dataloader: DataLoader, start: Optional[int] = None, interval: int = 1,
                 by_epoch: bool = True, save_best: Optional[str] = None,
                 rule: Optional[str] = None, test_fn: Optional[Callable] = None,
                 greater_keys: Optional[List[str]] = None,
                 less_keys: Optional[List[str]] = None, broadcast_bn_buffer: bool = True,
                 tmpdir: Optional[str] = None, gpu_collect: bool = False,
                 out_dir: Optional[str] = None, file_client_args: Optional[dict] = None,
                 **eval_kwargs):
        if test_fn is None:
            from .engine_test import multi_gpu_test
            test_fn = multi_gpu_test
        super().__init__(dataloader, start=start, interval=interval, by_epoch=by_epoch,
                         save_best=save_best, rule=rule, test_fn=test_fn,
                         greater_keys=greater_keys, less_keys=less_keys, out_dir=out_dir,
                         file_client_args=file_client_args, **eval_kwargs)
        self.broadcast_bn_buffer = broadcast_bn_buffer
        self.tmpdir = tmpdir
        self.gpu_collect = gpu_collect

    def _do_evaluate(self, runner):
        if self.broadcast_bn_buffer:
            for module in runner.model.modules():
                if isinstance(module, _BatchNorm) and module.track_running_stats:
                    dist.broadcast(module.running_var, 0)
                    dist.broadcast(module.running_mean, 0)
        tmpdir = self.tmpdir or osp.join(runner.work_dir, '.eval_hook')
        results = self.test_fn(runner.model, self.dataloader, tmpdir=tmpdir,
                               gpu_collect=self.gpu_collect)
        if runner.rank == 0:
            print('\n')
            runner.log_buffer.output['eval_iter_num'] = len(self.dataloader)
            key_score = self.evaluate(runner, results)
            if self.save_best and key_score:
                self._save_ckpt(runner, key_score)


def _as_keys(keys) -> tuple:
    if isinstance(keys, str):
        return (keys,)
    if not (isinstance(keys, (list, tuple)) and all(isinstance(k, str) for k in keys)):
        raise TypeError(f'metric keys must be a str or a sequence of str, got {keys!r}')
    return tuple(keys)

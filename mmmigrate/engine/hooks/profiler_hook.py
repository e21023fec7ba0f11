"""``ProfilerHook``: profiles the first epochs or iterations with
``torch.profiler``."""
import logging
import os
import os.path as osp
import sys
from typing import Callable, Optional, Union

import torch

from ..dist import master_only
from ..registry import HOOKS
from .hook import Hook


def check_kineto() -> bool:
    """Whether torch was built with Kineto (the profiler's tracing library)."""
    try:
        return bool(torch.autograd.kineto_available())
    except AttributeError:
        from ..logging import print_log
        print_log('NO KINETO', logger='current', level=logging.WARNING)
        return False


@HOOKS.register_module()
class ProfilerHook(Hook):
    """Profile the first ``profile_times`` epochs (``by_epoch``, 1 at most)
    or iterations. ``on_trace_ready`` is a callable, ``dict(type='log_trace',
    **table_kwargs)`` (print a summary table) or ``dict(type='tb_trace',
    dir_name=...)`` (TensorBoard traces); ``json_trace_path`` also writes a
    Chrome trace."""
    priority = 'VERY_LOW'

    def __init__(self, *, by_epoch: bool = True, profile_times: int = 1,
                 activity_with_cpu: bool = True, activity_with_cuda: bool = False,
                 schedule: Optional[dict] = None,
                 on_trace_ready: Union[Callable, dict, None] = None,
                 record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False,
                 json_trace_path: Optional[str] = None) -> None:
        from torch import profiler
        if not isinstance(by_epoch, bool):
            raise TypeError('ProfilerHook: `by_epoch` must be a bool')
        if profile_times < 1:
            raise ValueError(f'ProfilerHook: `profile_times` must be >= 1, got {profile_times}')
        if by_epoch and profile_times > 1:
            raise ValueError('ProfilerHook: profile one epoch at most (profile_times=1) with '
                             'by_epoch=True; profiling slows training down')
        self.by_epoch = by_epoch
        self.profile_times = profile_times
        self.activities = []
        if activity_with_cpu:
            self.activities.append(profiler.ProfilerActivity.CPU)
        if activity_with_cuda:
            self.activities.append(profiler.ProfilerActivity.CUDA)
        self.schedule = profiler.schedule(**schedule) if schedule is not None else None
        self.on_trace_ready = on_trace_ready
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.with_stack = with_stack
        self.with_flops = with_flops
        self.json_trace_path = json_trace_path
        self._closed = False

    def before_run(self, runner) -> None:
        limit = runner.max_epochs if self.by_epoch else runner.max_iters
        if limit < self.profile_times:
            raise ValueError(f'ProfilerHook: `profile_times` must not exceed {limit}')
        self.profiler = torch.profiler.profile(
            activities=self.activities, schedule=self.schedule,
            on_trace_ready=self._parse_trace_config(runner), record_shapes=self.record_shapes,
            profile_memory=self.profile_memory, with_stack=self.with_stack,
            with_flops=self.with_flops)
        self.profiler.__enter__()
        runner.logger.info('profiler is profiling...')

    def _parse_trace_config(self, runner):
        if self.on_trace_ready is None or callable(self.on_trace_ready):
            return self.on_trace_ready
        if not isinstance(self.on_trace_ready, dict):
            raise ValueError('ProfilerHook: `on_trace_ready` must be a callable, a dict or None')
        cfg = dict(self.on_trace_ready)
        kind = cfg.pop('type')
        if kind == 'log_trace':
            return lambda prof: print(prof.key_averages().table(**cfg))
        if kind == 'tb_trace':
            cfg['dir_name'] = osp.join(runner.log_dir, cfg.get('dir_name', 'tf_tracing_logs'))
            return torch.profiler.tensorboard_trace_handler(**cfg)
        raise ValueError(f"ProfilerHook: on_trace_ready type must be 'log_trace' or "
                         f"'tb_trace', got {kind!r}")

    def after_train_epoch(self, runner) -> None:
        if not self._closed:
            self._export_chrome_trace(runner)

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if not self._closed:
            self.profiler.step()
        if runner.iter == self.profile_times - 1 and not self.by_epoch:
            self._export_chrome_trace(runner)

    def _export_chrome_trace(self, runner) -> None:
        self._closed = True
        runner.logger.info('profiler may take a few minutes...')
        self.profiler.__exit__(None, None, None)
        if self.json_trace_path is not None:
            self.profiler.export_chrome_trace(self.json_trace_path)


@HOOKS.register_module()
class NPUProfilerHook(Hook):
    """Profiles iterations ``begin``..``end - 1`` on an Ascend NPU with
    ``torch_npu.npu.profile`` (results in ``result_path``), then exits when
    ``exit_after_profiling``. Needs ``torch_npu``: without it, building the
    hook raises ImportError, as in MMEngine."""
    priority = 'VERY_LOW'

    def __init__(self, *, begin: int = 0, end: int = 1, result_path: str = 'cann_profiling',
                 exit_after_profiling: bool = True, use_e2e_profiler: bool = False,
                 ge_profiling_to_std_out: bool = False):
        try:
            import torch_npu
        except ImportError:
            raise ImportError('NPUProfilerHook needs torch_npu (Ascend NPU), which is not '
                              'installed') from None
        if begin >= end:
            raise ValueError('NPUProfilerHook: the iteration to start profiling must be '
                             'smaller than the one to end it')
        self.begin = begin
        self.end = end
        self.result_path = result_path
        self.exit_after_profiling = exit_after_profiling
        if ge_profiling_to_std_out:
            os.environ['GE_PROFILING_TO_STD_OUT'] = '1'
        os.makedirs(self.result_path, exist_ok=True)
        self.profiler = torch_npu.npu.profile(self.result_path,
                                              use_e2e_profiler=use_e2e_profiler)

    @master_only
    def before_run(self, runner) -> None:
        if self.end > runner.max_iters:
            raise ValueError('NPUProfilerHook: the profiling end iteration must not be '
                             'greater than the max iteration')

    @master_only
    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if runner.iter == self.begin:
            self.profiler.__enter__()
            runner.logger.info('NPUProfiler starts profiling...')

    @master_only
    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if runner.iter == self.end - 1:
            runner.logger.info('profiler may take a few minutes to save the profiling result.')
            self.profiler.__exit__(None, None, None)
            if self.exit_after_profiling:
                sys.exit()

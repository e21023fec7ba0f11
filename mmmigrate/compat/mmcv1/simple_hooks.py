"""MMCV 1.x's small hooks with MMCV's arguments and behaviour (MMEngine's
hooks of the same names take other arguments): ``ClosureHook``,
``EmptyCacheHook``, ``IterTimerHook`` (``time`` / ``data_time`` into the log
buffer), ``DistSamplerSeedHook``, ``SyncBuffersHook``, ``EMAHook`` (MMCV's
EMA: buffers ``ema_<param>`` in the model, swapped in around each epoch) and
``ProfilerHook``."""
import os.path as osp
import time
import warnings
from typing import Callable, List, Optional, Union

import torch

from ..hooks import LegacyHook
from .logger_hooks import _master_only


class ClosureHook(LegacyHook):

    def __init__(self, fn_name: str, fn: Callable):
        if not hasattr(self, fn_name):
            raise AttributeError(f'{fn_name} is not a hook point')
        if not callable(fn):
            raise TypeError(f'{fn!r} is not callable')
        setattr(self, fn_name, fn)


class EmptyCacheHook(LegacyHook):

    def __init__(self, before_epoch: bool = False, after_epoch: bool = True,
                 after_iter: bool = False):
        self._before_epoch = before_epoch
        self._after_epoch = after_epoch
        self._after_iter = after_iter

    def after_iter(self, runner):
        if self._after_iter:
            torch.cuda.empty_cache()

    def before_epoch(self, runner):
        if self._before_epoch:
            torch.cuda.empty_cache()

    def after_epoch(self, runner):
        if self._after_epoch:
            torch.cuda.empty_cache()


class IterTimerHook(LegacyHook):

    def before_epoch(self, runner):
        self.t = time.time()

    def before_iter(self, runner):
        runner.log_buffer.update({'data_time': time.time() - self.t})

    def after_iter(self, runner):
        runner.log_buffer.update({'time': time.time() - self.t})
        self.t = time.time()


class DistSamplerSeedHook(LegacyHook):

    def before_epoch(self, runner):
        loader = runner.data_loader
        if hasattr(loader.sampler, 'set_epoch'):
            loader.sampler.set_epoch(runner.epoch)
        elif hasattr(loader.batch_sampler.sampler, 'set_epoch'):
            loader.batch_sampler.sampler.set_epoch(runner.epoch)


class SyncBuffersHook(LegacyHook):

    def __init__(self, distributed: bool = True):
        self.distributed = distributed

    def after_epoch(self, runner):
        if self.distributed:
            from .dist_utils import allreduce_params
            allreduce_params(runner.model.buffers())


class EMAHook(LegacyHook):

    def __init__(self, momentum: float = 0.0002, interval: int = 1, warm_up: int = 100,
                 resume_from: Optional[str] = None):
        if not (isinstance(interval, int) and interval > 0):
            raise ValueError(f'interval must be a positive int, got {interval!r}')
        if not 0 < momentum < 1:
            raise ValueError(f'momentum must be in (0, 1), got {momentum}')
        self.warm_up = warm_up
        self.interval = interval
        self.momentum = momentum**interval
        self.checkpoint = resume_from

    def before_run(self, runner):
        from .registries import is_module_wrapper
        model = runner.model
        if is_module_wrapper(model):
            model = model.module
        self.param_ema_buffer = {}
        self.model_parameters = dict(model.named_parameters(recurse=True))
        for name, value in self.model_parameters.items():
            buffer_name = f"ema_{name.replace('.', '_')}"
            self.param_ema_buffer[name] = buffer_name
            model.register_buffer(buffer_name, value.data.clone())
        self.model_buffers = dict(model.named_buffers(recurse=True))
        if self.checkpoint is not None:
            runner.resume(self.checkpoint)

    def after_train_iter(self, runner):
        step = runner.iter
        momentum = min(self.momentum, (1 + step) / (self.warm_up + step))
        if step % self.interval != 0:
            return
        for name, parameter in self.model_parameters.items():
            buffer = self.model_buffers[self.param_ema_buffer[name]]
            buffer.mul_(1 - momentum).add_(parameter.data, alpha=momentum)

    def after_train_epoch(self, runner):
        self._swap_ema_parameters()

    def before_train_epoch(self, runner):
        self._swap_ema_parameters()

    def _swap_ema_parameters(self):
        for name, value in self.model_parameters.items():
            current = value.data.clone()
            ema = self.model_buffers[self.param_ema_buffer[name]]
            value.data.copy_(ema.data)
            ema.data.copy_(current)


class ProfilerHook(LegacyHook):

    def __init__(self, by_epoch: bool = True, profile_iters: int = 1,
                 activities: List[str] = ['cpu', 'cuda'], schedule: Optional[dict] = None,
                 on_trace_ready: Optional[Union[Callable, dict]] = None,
                 record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False,
                 json_trace_path: Optional[str] = None) -> None:
        from torch import profiler
        if not isinstance(by_epoch, bool):
            raise TypeError('``by_epoch`` should be a boolean.')
        if profile_iters < 1:
            raise ValueError(f'profile_iters should be greater than 0, but got {profile_iters}')
        if not isinstance(activities, list):
            raise ValueError(f'activities should be list, but got {type(activities)}')
        kinds = {'cpu': profiler.ProfilerActivity.CPU, 'cuda': profiler.ProfilerActivity.CUDA}
        for activity in activities:
            if activity.lower() not in kinds:
                raise ValueError(f'activity should be "cpu" or "cuda", but got {activity}')
        self.by_epoch, self.profile_iters = by_epoch, profile_iters
        self.activities = [kinds[activity.lower()] for activity in activities]
        self.schedule = None if schedule is None else profiler.schedule(**schedule)
        self.on_trace_ready = on_trace_ready
        self.record_shapes, self.profile_memory = record_shapes, profile_memory
        self.with_stack, self.with_flops = with_stack, with_flops
        self.json_trace_path = json_trace_path

    def _trace_handler(self, runner):
        if callable(self.on_trace_ready) or self.on_trace_ready is None:
            return self.on_trace_ready
        if not isinstance(self.on_trace_ready, dict):
            raise ValueError('on_trace_ready should be handler, dict or None, but got '
                             f'{type(self.on_trace_ready)}')
        trace_cfg = dict(self.on_trace_ready)
        trace_type = trace_cfg.pop('type')
        if trace_type == 'log_trace':
            return lambda prof: print(prof.key_averages().table(**trace_cfg))
        if trace_type != 'tb_trace':
            raise ValueError(f'trace_type should be "log_trace" or "tb_trace", but got '
                             f'{trace_type}')
        trace_cfg['dir_name'] = osp.join(runner.work_dir,
                                         trace_cfg.get('dir_name', 'tf_tracing_logs'))
        runner.logger.info(f"tracing files of ProfilerHook will be saved to "
                           f"{trace_cfg['dir_name']}.")
        return torch.profiler.tensorboard_trace_handler(**trace_cfg)

    @_master_only
    def before_run(self, runner):
        limit = runner.max_epochs if self.by_epoch else runner.max_iters
        if limit < self.profile_iters:
            raise ValueError(f'self.profile_iters should not be greater than {limit}')
        if self.by_epoch and runner.max_epochs > 1:
            warnings.warn(f'profiler will profile {runner.max_epochs} epochs instead of 1 '
                          'epoch. Since profiler will slow down the training, it is '
                          'recommended to train 1 epoch with ProfilerHook.')
        self.profiler = torch.profiler.profile(
            activities=self.activities, schedule=self.schedule,
            on_trace_ready=self._trace_handler(runner), record_shapes=self.record_shapes,
            profile_memory=self.profile_memory, with_stack=self.with_stack,
            with_flops=self.with_flops)
        self.profiler.__enter__()
        runner.logger.info('profiler is profiling...')

    def _stop(self, runner):
        runner.logger.info('profiler may take a few minutes...')
        self.profiler.__exit__(None, None, None)
        if self.json_trace_path is not None:
            self.profiler.export_chrome_trace(self.json_trace_path)

    @_master_only
    def after_train_epoch(self, runner):
        if self.by_epoch and runner.epoch == self.profile_iters - 1:
            self._stop(runner)

    @_master_only
    def after_train_iter(self, runner):
        self.profiler.step()
        if not self.by_epoch and runner.iter == self.profile_iters - 1:
            self._stop(runner)

"""Hooks (``mmengine.hooks``)."""
from .checkpoint_hook import CheckpointHook
from .ema_hook import EMAHook
from .hook import Hook
from .iter_timer_hook import IterTimerHook
from .logger_hook import LoggerHook
from .misc_hooks import EarlyStoppingHook, EmptyCacheHook, SyncBuffersHook
from .param_scheduler_hook import ParamSchedulerHook
from .priority import Priority, get_priority
from .profiler_hook import ProfilerHook
from .runtime_info_hook import RuntimeInfoHook
from .sampler_seed_hook import DistSamplerSeedHook

__all__ = [
    'CheckpointHook', 'DistSamplerSeedHook', 'EMAHook', 'EarlyStoppingHook',
    'EmptyCacheHook', 'Hook', 'IterTimerHook', 'LoggerHook', 'ParamSchedulerHook',
    'Priority', 'ProfilerHook', 'RuntimeInfoHook', 'SyncBuffersHook', 'get_priority'
]

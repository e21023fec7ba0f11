"""Hooks (``mmengine.hooks``)."""
from .checkpoint_hook import CheckpointHook
from .early_stopping_hook import EarlyStoppingHook
from .ema_hook import EMAHook
from .empty_cache_hook import EmptyCacheHook
from .hook import Hook
from .iter_timer_hook import IterTimerHook
from .logger_hook import LoggerHook
from .naive_visualization_hook import NaiveVisualizationHook
from .param_scheduler_hook import ParamSchedulerHook
from .priority import Priority, get_priority
from .profiler_hook import NPUProfilerHook, ProfilerHook
from .runtime_info_hook import RuntimeInfoHook
from .sampler_seed_hook import DistSamplerSeedHook
from .sync_buffer_hook import SyncBuffersHook
from .test_time_aug_hook import PrepareTTAHook

__all__ = [
    'CheckpointHook', 'DistSamplerSeedHook', 'EMAHook', 'EarlyStoppingHook',
    'EmptyCacheHook', 'Hook', 'IterTimerHook', 'LoggerHook', 'NaiveVisualizationHook',
    'NPUProfilerHook', 'ParamSchedulerHook', 'PrepareTTAHook', 'Priority', 'ProfilerHook',
    'RuntimeInfoHook', 'SyncBuffersHook', 'get_priority'
]

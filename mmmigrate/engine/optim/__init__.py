"""Optimization (``mmengine.optim``): optimizer wrappers, their
constructor, and parameter schedulers."""
from .optimizer import (OPTIM_WRAPPER_CONSTRUCTORS, OPTIMIZERS,
                        AmpOptimWrapper, ApexOptimWrapper, BaseOptimWrapper,
                        DefaultOptimWrapperConstructor, OptimWrapper,
                        OptimWrapperDict, ZeroRedundancyOptimizer,
                        build_optim_wrapper)
from .scheduler import *  # noqa: F401,F403
from .scheduler import __all__ as _scheduler_names

__all__ = [
    'AmpOptimWrapper', 'ApexOptimWrapper', 'BaseOptimWrapper', 'DefaultOptimWrapperConstructor',
    'OPTIMIZERS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'OptimWrapper',
    'OptimWrapperDict', 'ZeroRedundancyOptimizer', 'build_optim_wrapper'
] + list(_scheduler_names)

"""Optimizer wrappers and their construction (``mmengine.optim.optimizer``)."""
from ...registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIMIZERS
from .amp_optimizer_wrapper import AmpOptimWrapper
from .apex_optimizer_wrapper import ApexOptimWrapper
from .base import BaseOptimWrapper
from .builder import TORCH_OPTIMIZERS, build_optim_wrapper
from .default_constructor import DefaultOptimWrapperConstructor
from .optimizer_wrapper import OptimWrapper
from .optimizer_wrapper_dict import OptimWrapperDict
from .zero_optimizer import ZeroRedundancyOptimizer

__all__ = [
    'AmpOptimWrapper', 'ApexOptimWrapper', 'BaseOptimWrapper', 'DefaultOptimWrapperConstructor',
    'OPTIMIZERS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'OptimWrapper',
    'OptimWrapperDict', 'TORCH_OPTIMIZERS', 'ZeroRedundancyOptimizer',
    'build_optim_wrapper'
]

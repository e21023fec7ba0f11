"""Optimizer wrappers and their construction (``mmengine.optim.optimizer``)."""
from ...registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIMIZERS
from .amp_optimizer_wrapper import AmpOptimWrapper
from .base import BaseOptimWrapper
from .builder import TORCH_OPTIMIZERS, build_optim_wrapper
from .default_constructor import DefaultOptimWrapperConstructor
from .optimizer_wrapper import OptimWrapper
from .optimizer_wrapper_dict import OptimWrapperDict

__all__ = [
    'AmpOptimWrapper', 'BaseOptimWrapper', 'DefaultOptimWrapperConstructor',
    'OPTIMIZERS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'OptimWrapper',
    'OptimWrapperDict', 'TORCH_OPTIMIZERS', 'build_optim_wrapper'
]

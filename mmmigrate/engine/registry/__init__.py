"""Registries (``mmengine.registry``)."""
from .build_functions import (BuildError, build_from_cfg,
                              build_model_from_cfg, build_optimizer_from_cfg,
                              build_runner_from_cfg, build_scheduler_from_cfg)
from .default_scope import DefaultScope, init_default_scope
from .registry import ENGINE_SCOPE, Registry, UnknownTypeError
from .root import (DATA_SAMPLERS, DATASETS, EVALUATOR, FUNCTIONS, HOOKS,
                   INFERENCERS, LOG_PROCESSORS, LOOPS, METRICS, MODEL_WRAPPERS,
                   MODELS, OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS,
                   OPTIMIZERS, PARAM_SCHEDULERS, RUNNER_CONSTRUCTORS, RUNNERS,
                   STRATEGIES, TASK_UTILS, TRANSFORMS, VISBACKENDS,
                   VISUALIZERS, WEIGHT_INITIALIZERS)
from .utils import count_registered_modules, traverse_registry_tree

__all__ = [
    'BuildError', 'DATASETS', 'DATA_SAMPLERS', 'DefaultScope', 'ENGINE_SCOPE',
    'EVALUATOR', 'FUNCTIONS', 'HOOKS', 'INFERENCERS', 'LOG_PROCESSORS',
    'LOOPS', 'METRICS', 'MODELS', 'MODEL_WRAPPERS', 'OPTIMIZERS',
    'OPTIM_WRAPPERS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'PARAM_SCHEDULERS',
    'RUNNERS', 'RUNNER_CONSTRUCTORS', 'Registry', 'STRATEGIES', 'TASK_UTILS',
    'TRANSFORMS', 'UnknownTypeError', 'VISBACKENDS', 'VISUALIZERS',
    'WEIGHT_INITIALIZERS', 'build_from_cfg', 'build_model_from_cfg',
    'build_optimizer_from_cfg', 'build_runner_from_cfg',
    'build_scheduler_from_cfg', 'count_registered_modules', 'init_default_scope',
    'traverse_registry_tree'
]

"""The root registries of the training stack, with MMEngine's names.

Each lists the modules that register into it, imported on first lookup, so
``OPTIMIZERS.get('SGD')`` works without importing ``engine.optim`` first.
"""
from .build_functions import (build_model_from_cfg, build_optimizer_from_cfg,
                              build_runner_from_cfg, build_scheduler_from_cfg)
from .registry import ENGINE_SCOPE, Registry

_PKG = __name__.rsplit('.', 2)[0]  # 'mmmigrate.engine'


def _root(name, build_func=None, locations=()):
    return Registry(name, build_func=build_func, scope=ENGINE_SCOPE,
                    locations=[f'{_PKG}.{loc}' for loc in locations])


RUNNERS = _root('runner', build_runner_from_cfg, ['runner'])
RUNNER_CONSTRUCTORS = _root('runner constructor')
LOOPS = _root('loop', locations=['runner'])
HOOKS = _root('hook', locations=['hooks'])
STRATEGIES = _root('strategy')
DATASETS = _root('dataset', locations=['dataset'])
DATA_SAMPLERS = _root('data sampler', locations=['dataset'])
TRANSFORMS = _root('transform', locations=['dataset'])
MODELS = _root('model', build_model_from_cfg, ['model'])
MODEL_WRAPPERS = _root('model_wrapper', locations=['model'])
WEIGHT_INITIALIZERS = _root('weight initializer', locations=['model'])
OPTIMIZERS = _root('optimizer', build_optimizer_from_cfg, ['optim'])
OPTIM_WRAPPERS = _root('optim_wrapper', locations=['optim'])
OPTIM_WRAPPER_CONSTRUCTORS = _root('optimizer wrapper constructor', locations=['optim'])
PARAM_SCHEDULERS = _root('parameter scheduler', build_scheduler_from_cfg, ['optim'])
METRICS = _root('metric', locations=['evaluator'])
EVALUATOR = _root('evaluator', locations=['evaluator'])
TASK_UTILS = _root('task util')
VISUALIZERS = _root('visualizer', locations=['visualization'])
VISBACKENDS = _root('vis_backend', locations=['visualization'])
LOG_PROCESSORS = _root('log_processor', locations=['runner'])
INFERENCERS = _root('inferencer')
FUNCTIONS = _root('function', locations=['dataset'])

"""Models (``mmengine.model``): ``BaseModule``, ``BaseModel``, data
preprocessors, weight initialisation and wrapper helpers."""
from .averaged_model import (BaseAveragedModel, ExponentialMovingAverage,
                             MomentumAnnealingEMA, StochasticWeightAverage)
from .base_model import BaseDataPreprocessor, BaseModel, ImgDataPreprocessor
from .base_module import BaseModule, ModuleDict, ModuleList, Sequential
from .test_time_aug import BaseTTAModel
from .utils import (convert_sync_batchnorm, detect_anomalous_params,
                    merge_dict, revert_sync_batchnorm, stack_batch)
from .weight_init import (BaseInit, Caffe2XavierInit, ConstantInit,
                          KaimingInit, NormalInit, PretrainedInit,
                          TruncNormalInit, UniformInit, XavierInit,
                          bias_init_with_prob, caffe2_xavier_init,
                          constant_init, initialize, kaiming_init,
                          normal_init, trunc_normal_, trunc_normal_init,
                          uniform_init, update_init_info, xavier_init)
from .wrappers import (MMDistributedDataParallel, MMSeparateDistributedDataParallel,
                       is_model_wrapper)

__all__ = [
    'BaseAveragedModel', 'ExponentialMovingAverage', 'MomentumAnnealingEMA',
    'StochasticWeightAverage', 'MMDistributedDataParallel', 'MMFullyShardedDataParallel',
    'MMSeparateDistributedDataParallel',
    'BaseDataPreprocessor', 'BaseInit', 'BaseModel', 'BaseModule', 'BaseTTAModel',
    'Caffe2XavierInit', 'ConstantInit', 'ImgDataPreprocessor', 'KaimingInit',
    'ModuleDict', 'ModuleList', 'NormalInit', 'PretrainedInit', 'Sequential',
    'TruncNormalInit', 'UniformInit', 'XavierInit', 'bias_init_with_prob',
    'caffe2_xavier_init', 'constant_init', 'convert_sync_batchnorm',
    'detect_anomalous_params', 'initialize', 'is_model_wrapper',
    'kaiming_init', 'merge_dict', 'normal_init', 'revert_sync_batchnorm',
    'stack_batch', 'trunc_normal_', 'trunc_normal_init', 'uniform_init',
    'update_init_info', 'xavier_init'
]


def __getattr__(name):
    if name == 'MMFullyShardedDataParallel':  # imported on first use (slow import)
        from .wrappers import MMFullyShardedDataParallel
        return MMFullyShardedDataParallel
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')

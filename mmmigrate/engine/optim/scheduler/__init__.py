"""Parameter schedulers (``mmengine.optim.scheduler``)."""
from .lr_scheduler import (ConstantLR, CosineAnnealingLR, CosineRestartLR,
                           ExponentialLR, LinearLR, MultiStepLR, OneCycleLR,
                           PolyLR, ReduceOnPlateauLR, StepLR)
from .momentum_scheduler import (ConstantMomentum, CosineAnnealingMomentum,
                                 CosineRestartMomentum, ExponentialMomentum,
                                 LinearMomentum, MultiStepMomentum,
                                 PolyMomentum, ReduceOnPlateauMomentum,
                                 StepMomentum)
from .param_scheduler import (INF, ConstantParamScheduler,
                              CosineAnnealingParamScheduler,
                              CosineRestartParamScheduler,
                              ExponentialParamScheduler, LinearParamScheduler,
                              MultiStepParamScheduler, OneCycleParamScheduler,
                              PolyParamScheduler,
                              ReduceOnPlateauParamScheduler,
                              StepParamScheduler, _ParamScheduler)

__all__ = [
    'ConstantLR', 'ConstantMomentum', 'ConstantParamScheduler',
    'CosineAnnealingLR', 'CosineAnnealingMomentum',
    'CosineAnnealingParamScheduler', 'CosineRestartLR', 'CosineRestartMomentum',
    'CosineRestartParamScheduler', 'ExponentialLR', 'ExponentialMomentum',
    'ExponentialParamScheduler', 'INF', 'LinearLR', 'LinearMomentum',
    'LinearParamScheduler', 'MultiStepLR', 'MultiStepMomentum',
    'MultiStepParamScheduler', 'OneCycleLR', 'OneCycleParamScheduler', 'PolyLR',
    'PolyMomentum', 'PolyParamScheduler', 'ReduceOnPlateauLR',
    'ReduceOnPlateauMomentum', 'ReduceOnPlateauParamScheduler', 'StepLR',
    'StepMomentum', 'StepParamScheduler', '_ParamScheduler'
]

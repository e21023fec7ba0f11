"""Momentum schedulers: schedule SGD's ``momentum`` or, for Adam-style
optimizers, ``betas[0]`` (kept in sync through a ``momentum`` group key)."""
from ...registry import PARAM_SCHEDULERS
from .param_scheduler import (ConstantParamScheduler,
                              CosineAnnealingParamScheduler,
                              CosineRestartParamScheduler,
                              ExponentialParamScheduler, LinearParamScheduler,
                              MultiStepParamScheduler, PolyParamScheduler,
                              ReduceOnPlateauParamScheduler,
                              StepParamScheduler)


class MomentumSchedulerMixin:
    """Schedules ``momentum``; with ``betas`` optimizers the scheduled value
    is written back into ``betas[0]`` after every step."""

    def __init__(self, optimizer, *args, **kwargs):
        self.use_betas = False
        if 'momentum' in optimizer.defaults:
            pass
        elif 'betas' in optimizer.defaults:
            self.use_betas = True
            for group in optimizer.param_groups:
                group['momentum'] = group['betas'][0]
        else:
            raise ValueError(f'{type(self).__name__}: optimizer must support momentum when '
                             'using momentum scheduler (it has neither `momentum` nor `betas`)')
        super().__init__(optimizer, 'momentum', *args, **kwargs)

    def _sync_betas(self) -> None:
        if self.use_betas:
            for group in self.optimizer.param_groups:
                group['betas'] = (group['momentum'], group['betas'][1])

    def step(self, *args, **kwargs):
        super().step(*args, **kwargs)
        self._sync_betas()


@PARAM_SCHEDULERS.register_module()
class ConstantMomentum(MomentumSchedulerMixin, ConstantParamScheduler):
    """Momentum × ``factor`` until ``end - 1``."""


@PARAM_SCHEDULERS.register_module()
class CosineAnnealingMomentum(MomentumSchedulerMixin, CosineAnnealingParamScheduler):
    """Cosine-annealed momentum."""


@PARAM_SCHEDULERS.register_module()
class ExponentialMomentum(MomentumSchedulerMixin, ExponentialParamScheduler):
    """Momentum × ``gamma`` every step."""


@PARAM_SCHEDULERS.register_module()
class LinearMomentum(MomentumSchedulerMixin, LinearParamScheduler):
    """Momentum scaled linearly from ``start_factor`` to ``end_factor``."""


@PARAM_SCHEDULERS.register_module()
class MultiStepMomentum(MomentumSchedulerMixin, MultiStepParamScheduler):
    """Momentum × ``gamma`` at each milestone."""


@PARAM_SCHEDULERS.register_module()
class StepMomentum(MomentumSchedulerMixin, StepParamScheduler):
    """Momentum × ``gamma`` every ``step_size`` steps."""


@PARAM_SCHEDULERS.register_module()
class PolyMomentum(MomentumSchedulerMixin, PolyParamScheduler):
    """Polynomially decayed momentum."""


@PARAM_SCHEDULERS.register_module()
class CosineRestartMomentum(MomentumSchedulerMixin, CosineRestartParamScheduler):
    """Cosine-annealed momentum with restarts."""


@PARAM_SCHEDULERS.register_module()
class ReduceOnPlateauMomentum(MomentumSchedulerMixin, ReduceOnPlateauParamScheduler):
    """Momentum reduced when a validation metric stops improving."""

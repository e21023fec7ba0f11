"""MMCV 1.x's ``MomentumUpdaterHook`` and its policies, as MMCV computed
them: ``momentum`` (or ``betas[0]``) set directly from the group's
``initial_momentum``; warmup divides by the ratio (momentum warms down)."""
from typing import Dict, List, Optional, Tuple, Union

from ..hooks import LegacyHook
from .lr_updater import (WARMUPS, _anneal_function, _check_steps, _one_of, _progress,
                         _step_exponent, _target_ratio, annealing_cos, annealing_linear,
                         cyclic_value, for_each_optimizer, format_param, map_values,
                         set_for_iteration)

__all__ = ['MomentumUpdaterHook', 'StepMomentumUpdaterHook',
           'CosineAnnealingMomentumUpdaterHook', 'LinearAnnealingMomentumUpdaterHook',
           'CyclicMomentumUpdaterHook', 'OneCycleMomentumUpdaterHook', 'annealing_cos',
           'annealing_linear', 'format_param']


def _set_group_momentum(group: dict, momentum: float) -> None:
    if 'momentum' in group:
        group['momentum'] = momentum
    elif 'betas' in group:
        group['betas'] = (momentum, group['betas'][1])


class MomentumUpdaterHook(LegacyHook):

    def __init__(self, by_epoch: bool = True, warmup: Optional[str] = None,
                 warmup_iters: int = 0, warmup_ratio: float = 0.9):
        if warmup is not None:
            if warmup not in WARMUPS:
                raise ValueError(f'"{warmup}" is not a supported type for warming up, valid '
                                 'types are "constant" and "linear"')
            if not warmup_iters > 0:
                raise ValueError('"warmup_iters" must be a positive integer')
            if not 0 < warmup_ratio <= 1.0:
                raise ValueError('"warmup_momentum" must be in range (0,1]')
        self.by_epoch = by_epoch
        self.warmup = warmup
        self.warmup_iters = warmup_iters
        self.warmup_ratio = warmup_ratio
        self.base_momentum: Union[list, dict] = []
        self.regular_momentum: Union[list, dict] = []

    def _set_momentum(self, runner, momentum_groups) -> None:
        for_each_optimizer(runner.optimizer, momentum_groups, _set_group_momentum)

    def get_momentum(self, runner, base_momentum) -> float:
        raise NotImplementedError(f'{type(self).__name__} must define get_momentum')

    def get_regular_momentum(self, runner):
        return map_values(self.base_momentum, lambda base: self.get_momentum(runner, base))

    def get_warmup_momentum(self, cur_iters: int):
        if self.warmup == 'constant':
            divisor = self.warmup_ratio
        elif self.warmup == 'linear':
            divisor = 1 - (1 - cur_iters / self.warmup_iters) * (1 - self.warmup_ratio)
        elif self.warmup == 'exp':
            divisor = self.warmup_ratio**(1 - cur_iters / self.warmup_iters)
        else:
            raise ValueError('Expected values of `self.warmup` to be "constant", "linear", or '
                             f'"exp", got {self.warmup}')
        return map_values(self.regular_momentum, lambda momentum: momentum / divisor)

    def before_run(self, runner):
        def initial(optim):
            for group in optim.param_groups:
                group.setdefault('initial_momentum', group['momentum'] if 'momentum' in group
                                 else group['betas'][0])
            return [group['initial_momentum'] for group in optim.param_groups]
        optimizer = runner.optimizer
        self.base_momentum = {name: initial(optim) for name, optim in optimizer.items()} \
            if isinstance(optimizer, dict) else initial(optimizer)

    def before_train_epoch(self, runner):
        if not self.by_epoch:
            return
        self.regular_momentum = self.get_regular_momentum(runner)
        self._set_momentum(runner, self.regular_momentum)

    def before_train_iter(self, runner):
        set_for_iteration(self, runner, 'regular_momentum', self.get_regular_momentum,
                          self.get_warmup_momentum, self._set_momentum)


class StepMomentumUpdaterHook(MomentumUpdaterHook):

    def __init__(self, step: Union[int, List[int]], gamma: float = 0.5,
                 min_momentum: Optional[float] = None, **kwargs):
        _check_steps(step)
        self.step, self.gamma, self.min_momentum = step, gamma, min_momentum
        super().__init__(**kwargs)

    def get_momentum(self, runner, base_momentum: float) -> float:
        progress = runner.epoch if self.by_epoch else runner.iter
        momentum = base_momentum * self.gamma**_step_exponent(self.step, progress)
        return momentum if self.min_momentum is None else max(momentum, self.min_momentum)


class _AnnealingMomentumUpdaterHook(MomentumUpdaterHook):
    """From the base momentum to ``min_momentum`` (or ``base *
    min_momentum_ratio``) over the whole run, along ``anneal``."""

    def __init__(self, min_momentum: Optional[float] = None,
                 min_momentum_ratio: Optional[float] = None, **kwargs):
        _one_of(min_momentum, min_momentum_ratio, 'min_momentum and min_momentum_ratio')
        self.min_momentum, self.min_momentum_ratio = min_momentum, min_momentum_ratio
        super().__init__(**kwargs)

    def get_momentum(self, runner, base_momentum: float) -> float:
        progress, max_progress = _progress(self, runner)
        target = self.min_momentum if self.min_momentum_ratio is None else \
            base_momentum * self.min_momentum_ratio
        return type(self).anneal(base_momentum, target, progress / max_progress)


class CosineAnnealingMomentumUpdaterHook(_AnnealingMomentumUpdaterHook):

    @staticmethod
    def anneal(start: float, end: float, factor: float) -> float:
        return annealing_cos(start, end, factor)


class LinearAnnealingMomentumUpdaterHook(_AnnealingMomentumUpdaterHook):

    @staticmethod
    def anneal(start: float, end: float, factor: float) -> float:
        return annealing_linear(start, end, factor)


class CyclicMomentumUpdaterHook(MomentumUpdaterHook):

    def __init__(self, by_epoch: bool = False,
                 target_ratio: Tuple[float, float] = (0.85 / 0.95, 1.),
                 cyclic_times: int = 1, step_ratio_up: float = 0.4,
                 anneal_strategy: str = 'cos', gamma: float = 1., **kwargs):
        self.target_ratio = _target_ratio(target_ratio)
        if not 0 <= step_ratio_up < 1.0:
            raise ValueError('"step_ratio_up" must be in range [0,1)')
        if by_epoch:
            raise ValueError('currently only support "by_epoch" = False')
        self.cyclic_times, self.step_ratio_up, self.gamma = cyclic_times, step_ratio_up, gamma
        self.momentum_phases: List[list] = []
        self.anneal_func = _anneal_function(anneal_strategy)
        super().__init__(by_epoch, **kwargs)

    def before_run(self, runner):
        super().before_run(runner)
        self.max_iter_per_phase = runner.max_iters // self.cyclic_times
        up = int(self.step_ratio_up * self.max_iter_per_phase)
        self.momentum_phases.append([0, up, 1, self.target_ratio[0]])
        self.momentum_phases.append([up, self.max_iter_per_phase, self.target_ratio[0],
                                     self.target_ratio[1]])

    def get_momentum(self, runner, base_momentum: float) -> float:
        return cyclic_value(self.momentum_phases, runner.iter, self.max_iter_per_phase,
                            self.gamma, base_momentum, self.anneal_func)


class OneCycleMomentumUpdaterHook(MomentumUpdaterHook):

    def __init__(self, base_momentum: Union[float, list, dict] = 0.85,
                 max_momentum: Union[float, list, dict] = 0.95, pct_start: float = 0.3,
                 anneal_strategy: str = 'cos', three_phase: bool = False, **kwargs):
        if kwargs.setdefault('by_epoch', False):
            raise ValueError('currently only support "by_epoch" = False')
        for name, value in (('base_momentum', base_momentum), ('max_momentum', max_momentum)):
            if not isinstance(value, (float, list, dict)):
                raise ValueError(f'{name} must be the type among of float,list or dict.')
        self._base_momentum, self._max_momentum = base_momentum, max_momentum
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f'Expected float between 0 and 1 pct_start, but got {pct_start}')
        self.pct_start = pct_start
        self.anneal_func = _anneal_function(anneal_strategy)
        self.three_phase = three_phase
        self.momentum_phases: List[dict] = []
        super().__init__(**kwargs)

    def before_run(self, runner):
        optimizer = runner.optimizer
        optimizers = optimizer.items() if isinstance(optimizer, dict) else \
            [(type(optimizer).__name__, optimizer)]
        for name, optim in optimizers:
            if 'momentum' not in optim.defaults and 'betas' not in optim.defaults:
                raise ValueError('optimizer must support momentum with option enabled')
            self.use_beta1 = 'betas' in optim.defaults
            for group, low, high in zip(optim.param_groups,
                                        format_param(name, optim, self._base_momentum),
                                        format_param(name, optim, self._max_momentum)):
                if self.use_beta1:
                    group['betas'] = (high, group['betas'][1])
                else:
                    group['momentum'] = high
                group['base_momentum'], group['max_momentum'] = low, high
        total = runner.max_iters
        peak = float(self.pct_start * total) - 1
        if self.three_phase:
            phases = [(peak, 'max_momentum', 'base_momentum'),
                      (float(2 * self.pct_start * total) - 2, 'base_momentum', 'max_momentum'),
                      (total - 1, 'max_momentum', 'max_momentum')]
        else:
            phases = [(peak, 'max_momentum', 'base_momentum'),
                      (total - 1, 'base_momentum', 'max_momentum')]
        self.momentum_phases += [dict(end_iter=end, start_momentum=start, end_momentum=stop)
                                 for end, start, stop in phases]

    def get_momentum(self, runner, param_group: Dict[str, float]) -> float:
        start_iter = 0
        for index, phase in enumerate(self.momentum_phases):
            end_iter = phase['end_iter']
            if runner.iter <= end_iter or index == len(self.momentum_phases) - 1:
                fraction = (runner.iter - start_iter) / (end_iter - start_iter)
                return self.anneal_func(param_group[phase['start_momentum']],
                                        param_group[phase['end_momentum']], fraction)
            start_iter = end_iter
        return 0.

    def get_regular_momentum(self, runner):
        optimizer = runner.optimizer
        if isinstance(optimizer, dict):
            return {name: [self.get_momentum(runner, group) for group in optim.param_groups]
                    for name, optim in optimizer.items()}
        return [self.get_momentum(runner, group) for group in optimizer.param_groups]

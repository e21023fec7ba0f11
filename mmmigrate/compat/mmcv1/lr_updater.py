"""MMCV 1.x's ``LrUpdaterHook`` and its policies, as MMCV computed them:
each lr is set directly from the group's ``initial_lr`` (no chained
factors) before every epoch (``by_epoch``) or iteration, with warmup on
top. Libraries subclass them (mmdet's ``YOLOXLrUpdaterHook`` from
``CosineAnnealingLrUpdaterHook``); a config's ``lr_config`` whose policy the
translator knows becomes the engine's param schedulers instead (the same
values, checked against real MMCV: docs/config.md).
"""
import numbers
from math import cos, pi
from typing import Callable, List, Optional, Union

from ..hooks import LegacyHook

WARMUPS = ('constant', 'linear', 'exp')


def for_each_optimizer(optimizer, values, apply) -> None:
    """``apply(param_group, value)`` over one optimizer or a dict of them."""
    if isinstance(optimizer, dict):
        for name, optim in optimizer.items():
            for group, value in zip(optim.param_groups, values[name]):
                apply(group, value)
    else:
        for group, value in zip(optimizer.param_groups, values):
            apply(group, value)


def map_values(values, function):
    """``function`` over a list of per-group values or a dict of such lists."""
    if isinstance(values, dict):
        return {name: [function(v) for v in group] for name, group in values.items()}
    return [function(v) for v in values]


class LrUpdaterHook(LegacyHook):

    def __init__(self, by_epoch: bool = True, warmup: Optional[str] = None,
                 warmup_iters: int = 0, warmup_ratio: float = 0.1,
                 warmup_by_epoch: bool = False) -> None:
        if warmup is not None:
            if warmup not in WARMUPS:
                raise ValueError(f'"{warmup}" is not a supported type for warming up, valid '
                                 'types are "constant", "linear" and "exp"')
            if not warmup_iters > 0:
                raise ValueError('"warmup_iters" must be a positive integer')
            if not 0 < warmup_ratio <= 1.0:
                raise ValueError('"warmup_ratio" must be in range (0,1]')
        self.by_epoch = by_epoch
        self.warmup = warmup
        self.warmup_iters = warmup_iters
        self.warmup_ratio = warmup_ratio
        self.warmup_by_epoch = warmup_by_epoch
        self.warmup_epochs = None
        if warmup_by_epoch:  # counted in iterations once the epoch length is known
            self.warmup_epochs, self.warmup_iters = warmup_iters, None
        self.base_lr: Union[list, dict] = []
        self.regular_lr: Union[list, dict] = []

    def _set_lr(self, runner, lr_groups) -> None:
        for_each_optimizer(runner.optimizer, lr_groups,
                           lambda group, lr: group.__setitem__('lr', lr))

    def get_lr(self, runner, base_lr: float):
        raise NotImplementedError(f'{type(self).__name__} must define get_lr(runner, base_lr)')

    def get_regular_lr(self, runner):
        return map_values(self.base_lr, lambda base_lr: self.get_lr(runner, base_lr))

    def get_warmup_lr(self, cur_iters: int):
        if self.warmup == 'constant':
            factor = self.warmup_ratio
        elif self.warmup == 'linear':
            factor = 1 - (1 - cur_iters / self.warmup_iters) * (1 - self.warmup_ratio)
        else:  # exp
            factor = self.warmup_ratio ** (1 - cur_iters / self.warmup_iters)
        return map_values(self.regular_lr, lambda lr: lr * factor)

    def before_run(self, runner):
        def initial(optim):
            for group in optim.param_groups:
                group.setdefault('initial_lr', group['lr'])
            return [group['initial_lr'] for group in optim.param_groups]
        optimizer = runner.optimizer
        self.base_lr = {name: initial(optim) for name, optim in optimizer.items()} \
            if isinstance(optimizer, dict) else initial(optimizer)

    def before_train_epoch(self, runner):
        if self.warmup_iters is None:
            self.warmup_iters = self.warmup_epochs * len(runner.data_loader)
        if not self.by_epoch:
            return
        self.regular_lr = self.get_regular_lr(runner)
        self._set_lr(runner, self.regular_lr)

    def before_train_iter(self, runner):
        set_for_iteration(self, runner, 'regular_lr', self.get_regular_lr, self.get_warmup_lr,
                          self._set_lr)


def set_for_iteration(hook, runner, regular: str, get_regular, get_warmup, set_values) -> None:
    """MMCV's ``before_train_iter`` of the lr and momentum updaters: an
    iteration-based hook sets the regular value (kept as ``hook.<regular>``)
    or, during warmup, the warmup value; an epoch-based one sets the warmup
    values over the first ``warmup_iters`` and the regular ones after."""
    cur_iter = runner.iter
    if not hook.by_epoch:
        setattr(hook, regular, get_regular(runner))
        if hook.warmup is None or cur_iter >= hook.warmup_iters:
            set_values(runner, getattr(hook, regular))
        else:
            set_values(runner, get_warmup(cur_iter))
    elif hook.warmup is not None and cur_iter <= hook.warmup_iters:
        if cur_iter == hook.warmup_iters:
            set_values(runner, getattr(hook, regular))
        else:
            set_values(runner, get_warmup(cur_iter))


def _progress(hook, runner):
    """(progress, max progress) in epochs or iterations."""
    if hook.by_epoch:
        return runner.epoch, runner.max_epochs
    return runner.iter, runner.max_iters


def _check_steps(step) -> None:
    if isinstance(step, list):
        if not all(isinstance(s, int) and s > 0 for s in step):
            raise ValueError(f'"step" must hold positive integers, got {step}')
    elif isinstance(step, int):
        if step <= 0:
            raise ValueError(f'"step" must be positive, got {step}')
    else:
        raise TypeError('"step" must be a list or integer')


def _step_exponent(step, progress: int) -> int:
    if isinstance(step, int):
        return progress // step
    for index, milestone in enumerate(step):
        if progress < milestone:
            return index
    return len(step)


def _one_of(value, ratio, names: str) -> None:
    if (value is None) == (ratio is None):
        raise ValueError(f'give exactly one of {names}')


class FixedLrUpdaterHook(LrUpdaterHook):

    def get_lr(self, runner, base_lr):
        return base_lr


class StepLrUpdaterHook(LrUpdaterHook):

    def __init__(self, step: Union[int, List[int]], gamma: float = 0.1,
                 min_lr: Optional[float] = None, **kwargs) -> None:
        _check_steps(step)
        self.step, self.gamma, self.min_lr = step, gamma, min_lr
        super().__init__(**kwargs)

    def get_lr(self, runner, base_lr: float):
        progress = runner.epoch if self.by_epoch else runner.iter
        lr = base_lr * self.gamma**_step_exponent(self.step, progress)
        return lr if self.min_lr is None else max(lr, self.min_lr)


class ExpLrUpdaterHook(LrUpdaterHook):

    def __init__(self, gamma: float, **kwargs) -> None:
        self.gamma = gamma
        super().__init__(**kwargs)

    def get_lr(self, runner, base_lr: float):
        progress = runner.epoch if self.by_epoch else runner.iter
        return base_lr * self.gamma**progress


class PolyLrUpdaterHook(LrUpdaterHook):

    def __init__(self, power: float = 1., min_lr: float = 0., **kwargs) -> None:
        self.power, self.min_lr = power, min_lr
        super().__init__(**kwargs)

    def get_lr(self, runner, base_lr: float):
        progress, max_progress = _progress(self, runner)
        coeff = (1 - progress / max_progress)**self.power
        return (base_lr - self.min_lr) * coeff + self.min_lr


class InvLrUpdaterHook(LrUpdaterHook):

    def __init__(self, gamma: float, power: float = 1., **kwargs) -> None:
        self.gamma, self.power = gamma, power
        super().__init__(**kwargs)

    def get_lr(self, runner, base_lr: float):
        progress = runner.epoch if self.by_epoch else runner.iter
        return base_lr * (1 + self.gamma * progress)**(-self.power)


class _AnnealingLrUpdaterHook(LrUpdaterHook):
    """From the base lr to ``min_lr`` (or ``base_lr * min_lr_ratio``) over
    the whole run, along ``anneal``."""

    def __init__(self, min_lr: Optional[float] = None, min_lr_ratio: Optional[float] = None,
                 **kwargs) -> None:
        _one_of(min_lr, min_lr_ratio, 'min_lr and min_lr_ratio')
        self.min_lr, self.min_lr_ratio = min_lr, min_lr_ratio
        super().__init__(**kwargs)

    def get_lr(self, runner, base_lr: float):
        progress, max_progress = _progress(self, runner)
        target_lr = self.min_lr if self.min_lr_ratio is None else base_lr * self.min_lr_ratio
        return type(self).anneal(base_lr, target_lr, progress / max_progress)


class CosineAnnealingLrUpdaterHook(_AnnealingLrUpdaterHook):

    @staticmethod
    def anneal(start: float, end: float, factor: float) -> float:
        return annealing_cos(start, end, factor)


class FlatCosineAnnealingLrUpdaterHook(LrUpdaterHook):

    def __init__(self, start_percent: float = 0.75, min_lr: Optional[float] = None,
                 min_lr_ratio: Optional[float] = None, **kwargs) -> None:
        _one_of(min_lr, min_lr_ratio, 'min_lr and min_lr_ratio')
        if not isinstance(start_percent, float) or not 0 <= start_percent <= 1:
            raise ValueError('expected float between 0 and 1 start_percent, but got '
                             f'{start_percent}')
        self.start_percent, self.min_lr, self.min_lr_ratio = start_percent, min_lr, min_lr_ratio
        super().__init__(**kwargs)

    def get_lr(self, runner, base_lr: float):
        progress, max_progress = _progress(self, runner)
        start = round(max_progress * self.start_percent)
        target_lr = self.min_lr if self.min_lr_ratio is None else base_lr * self.min_lr_ratio
        if progress - start < 0:
            return base_lr
        return annealing_cos(base_lr, target_lr, (progress - start) / (max_progress - start))


class CosineRestartLrUpdaterHook(LrUpdaterHook):

    def __init__(self, periods: List[int], restart_weights: List[float] = [1],
                 min_lr: Optional[float] = None, min_lr_ratio: Optional[float] = None,
                 **kwargs) -> None:
        _one_of(min_lr, min_lr_ratio, 'min_lr and min_lr_ratio')
        if len(periods) != len(restart_weights):
            raise ValueError('periods and restart_weights should have the same length.')
        self.periods, self.restart_weights = periods, restart_weights
        self.min_lr, self.min_lr_ratio = min_lr, min_lr_ratio
        super().__init__(**kwargs)
        self.cumulative_periods = [sum(periods[:i + 1]) for i in range(len(periods))]

    def get_lr(self, runner, base_lr: float):
        progress = runner.epoch if self.by_epoch else runner.iter
        target_lr = self.min_lr if self.min_lr_ratio is None else base_lr * self.min_lr_ratio
        index = get_position_from_periods(progress, self.cumulative_periods)
        restart = 0 if index == 0 else self.cumulative_periods[index - 1]
        alpha = min((progress - restart) / self.periods[index], 1)
        return annealing_cos(base_lr, target_lr, alpha, self.restart_weights[index])


def get_position_from_periods(iteration: int, cumulative_periods: List[int]):
    """The index of the period ``iteration`` falls in."""
    for index, period in enumerate(cumulative_periods):
        if iteration < period:
            return index
    raise ValueError(f'Current iteration {iteration} exceeds cumulative_periods '
                     f'{cumulative_periods}')


def _anneal_function(strategy: str) -> Callable[[float, float, float], float]:
    if strategy not in ('cos', 'linear'):
        raise ValueError(f'anneal_strategy must be one of "cos" or "linear", instead got '
                         f'{strategy}')
    return annealing_cos if strategy == 'cos' else annealing_linear


def _target_ratio(target_ratio) -> tuple:
    if isinstance(target_ratio, float):
        return (target_ratio, target_ratio / 1e5)
    if isinstance(target_ratio, tuple):
        ratio = (target_ratio[0], target_ratio[0] / 1e5) if len(target_ratio) == 1 \
            else target_ratio
        if len(ratio) != 2:
            raise ValueError('"target_ratio" must be list or tuple of two floats')
        return ratio
    raise ValueError(f'target_ratio should be either float or tuple, got {type(target_ratio)}')


def cyclic_value(phases, iteration: int, max_iter_per_phase: int, gamma: float, base: float,
                 anneal) -> float:
    """The value of MMCV's cyclic policies at ``iteration``."""
    current = iteration % max_iter_per_phase
    scale = gamma**(iteration // max_iter_per_phase)
    for start_iter, end_iter, start_ratio, end_ratio in phases:
        if start_iter <= current < end_iter:
            if start_iter == 0:
                end_ratio = 1 - scale + end_ratio * scale
            else:
                start_ratio = 1 - scale + start_ratio * scale
            return anneal(base * start_ratio, base * end_ratio,
                          (current - start_iter) / (end_iter - start_iter))
    raise RuntimeError(f'iteration {iteration} is in no phase of {phases}')


class CyclicLrUpdaterHook(LrUpdaterHook):

    def __init__(self, by_epoch: bool = False, target_ratio: Union[float, tuple] = (10, 1e-4),
                 cyclic_times: int = 1, step_ratio_up: float = 0.4, anneal_strategy: str = 'cos',
                 gamma: float = 1, **kwargs) -> None:
        self.target_ratio = _target_ratio(target_ratio)
        if not 0 <= step_ratio_up < 1.0:
            raise ValueError('"step_ratio_up" must be in range [0,1)')
        if not 0 < gamma <= 1:
            raise ValueError('"gamma" must be in range (0, 1]')
        if by_epoch:
            raise ValueError('currently only support "by_epoch" = False')
        self.cyclic_times, self.step_ratio_up, self.gamma = cyclic_times, step_ratio_up, gamma
        self.max_iter_per_phase = None
        self.lr_phases: list = []
        self.anneal_func = _anneal_function(anneal_strategy)
        super().__init__(by_epoch, **kwargs)

    def before_run(self, runner):
        super().before_run(runner)
        self.max_iter_per_phase = runner.max_iters // self.cyclic_times
        up = int(self.step_ratio_up * self.max_iter_per_phase)
        self.lr_phases.append([0, up, 1, self.target_ratio[0]])
        self.lr_phases.append([up, self.max_iter_per_phase, self.target_ratio[0],
                               self.target_ratio[1]])

    def get_lr(self, runner, base_lr: float):
        return cyclic_value(self.lr_phases, runner.iter, self.max_iter_per_phase, self.gamma,
                            base_lr, self.anneal_func)


class OneCycleLrUpdaterHook(LrUpdaterHook):

    def __init__(self, max_lr: Union[float, List], total_steps: Optional[int] = None,
                 pct_start: float = 0.3, anneal_strategy: str = 'cos', div_factor: float = 25,
                 final_div_factor: float = 1e4, three_phase: bool = False, **kwargs) -> None:
        if kwargs.setdefault('by_epoch', False):
            raise ValueError('currently only support "by_epoch" = False')
        if not isinstance(max_lr, (numbers.Number, list, dict)):
            raise ValueError('the type of max_lr must be the one of list or dict, but got '
                             f'{type(max_lr)}')
        self._max_lr = max_lr
        if total_steps is not None:
            if not isinstance(total_steps, int):
                raise ValueError(f'the type of total_steps must be int, but got '
                                 f'{type(total_steps)}')
            self.total_steps = total_steps
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f'expected float between 0 and 1 pct_start, but got {pct_start}')
        self.pct_start = pct_start
        self.anneal_func = _anneal_function(anneal_strategy)
        self.div_factor, self.final_div_factor = div_factor, final_div_factor
        self.three_phase = three_phase
        self.lr_phases: list = []
        super().__init__(**kwargs)

    def before_run(self, runner):
        total_steps = getattr(self, 'total_steps', runner.max_iters)
        if total_steps < runner.max_iters:
            raise ValueError('The total steps must be greater than or equal to max iterations '
                             f'{runner.max_iters} of runner, but total steps is {total_steps}.')

        def bases(name, optim):
            values = [lr / self.div_factor for lr in format_param(name, optim, self._max_lr)]
            for group, lr in zip(optim.param_groups, values):
                group.setdefault('initial_lr', lr)
            return values
        optimizer = runner.optimizer
        self.base_lr = {name: bases(name, optim) for name, optim in optimizer.items()} \
            if isinstance(optimizer, dict) else bases(type(optimizer).__name__, optimizer)
        peak = float(self.pct_start * total_steps) - 1
        if self.three_phase:
            self.lr_phases += [[peak, 1, self.div_factor],
                               [float(2 * self.pct_start * total_steps) - 2, self.div_factor, 1],
                               [total_steps - 1, 1, 1 / self.final_div_factor]]
        else:
            self.lr_phases += [[peak, 1, self.div_factor],
                               [total_steps - 1, self.div_factor, 1 / self.final_div_factor]]

    def get_lr(self, runner, base_lr: float):
        start_iter = 0
        for end_iter, start_lr, end_lr in self.lr_phases:
            if runner.iter <= end_iter:
                fraction = (runner.iter - start_iter) / (end_iter - start_iter)
                return self.anneal_func(base_lr * start_lr, base_lr * end_lr, fraction)
            start_iter = end_iter
        raise ValueError(f'iteration {runner.iter} is past the last phase {self.lr_phases}')


class LinearAnnealingLrUpdaterHook(_AnnealingLrUpdaterHook):

    @staticmethod
    def anneal(start: float, end: float, factor: float) -> float:
        return annealing_linear(start, end, factor)


def annealing_cos(start: float, end: float, factor: float, weight: float = 1.) -> float:
    """From ``start`` (factor 0) to ``end`` (factor 1) along half a cosine."""
    cos_out = cos(pi * factor) + 1
    return end + 0.5 * weight * (start - end) * cos_out


def annealing_linear(start: float, end: float, factor: float) -> float:
    return start + (end - start) * factor


def format_param(name, optim, param):
    """A per-group list of ``param`` (a number, a list, or a dict by optimizer name)."""
    if isinstance(param, numbers.Number):
        return [param] * len(optim.param_groups)
    if isinstance(param, (list, tuple)):
        if len(param) != len(optim.param_groups):
            raise ValueError(f'expected {len(optim.param_groups)} values for {name}, got '
                             f'{len(param)}')
        return param
    if name not in param:
        raise KeyError(f'{name} is not found in {param.keys()}')
    return param[name]

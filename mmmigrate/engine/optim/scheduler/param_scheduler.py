"""Parameter schedulers (``mmengine.optim.scheduler``).

A scheduler owns one hyper-parameter (``param_name``, e.g. ``'lr'``) of
every param group of an optimizer (or optimizer wrapper) inside the window
``begin <= step < end``. Schedulers are *chainable*: each step computes the
next value from the group's current value, so several schedulers on the
same parameter compose. ``step()`` is called after ``optimizer.step()``;
the constructor performs step 0.

The arithmetic of every formula (and the order of its operations) follows
MMEngine 0.10.7 exactly: migrated schedules must give bit-identical
learning rates. The instance attributes that make up ``state_dict()`` also
keep MMEngine's names, so scheduler states move between the two engines.
"""
import math
from collections import Counter
from typing import List, Optional, Sequence, Union

from ...logging import print_log
from ...registry import PARAM_SCHEDULERS
from .base import (INF, _check_conversion, _check_factor, _epoch_window_to_iters,
                   _ParamScheduler)

@PARAM_SCHEDULERS.register_module()
class StepParamScheduler(_ParamScheduler):
    """Multiply by ``gamma`` every ``step_size`` steps."""

    def __init__(self, optimizer, param_name: str, step_size: int, gamma: float = 0.1,
                 begin: int = 0, end: int = INF, last_step: int = -1,
                 by_epoch: bool = True, verbose: bool = False):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, param_name, begin, end, last_step, by_epoch, verbose)

    @classmethod
    def build_iter_from_epoch(cls, *args, step_size, begin=0, end=INF, by_epoch=True,
                              epoch_length=None, **kwargs):
        _check_conversion(cls.__name__, by_epoch, epoch_length)
        begin, end = _epoch_window_to_iters(begin, end, epoch_length)
        return cls(*args, step_size=step_size * epoch_length, begin=begin, end=end,
                   by_epoch=False, **kwargs)

    def _get_value(self):
        if self.last_step == 0 or self.last_step % self.step_size != 0:
            return self._current_values()
        return [group[self.param_name] * self.gamma for group in self.optimizer.param_groups]


@PARAM_SCHEDULERS.register_module()
class MultiStepParamScheduler(_ParamScheduler):
    """Multiply by ``gamma`` at each of the ``milestones`` (a repeated
    milestone multiplies once per occurrence)."""

    def __init__(self, optimizer, param_name: str, milestones: List[int], gamma: float = 0.1,
                 last_step: int = -1, begin: int = 0, end: int = INF,
                 by_epoch: bool = True, verbose: bool = False):
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, param_name, begin, end, last_step, by_epoch, verbose)

    @classmethod
    def build_iter_from_epoch(cls, *args, milestones, begin=0, end=INF, by_epoch=True,
                              epoch_length=None, **kwargs):
        _check_conversion(cls.__name__, by_epoch, epoch_length)
        begin, end = _epoch_window_to_iters(begin, end, epoch_length)
        return cls(*args, milestones=[m * epoch_length for m in milestones],
                   begin=begin, end=end, by_epoch=False, **kwargs)

    def _get_value(self):
        if self.last_step not in self.milestones:
            return self._current_values()
        factor = self.gamma**self.milestones[self.last_step]
        return [group[self.param_name] * factor for group in self.optimizer.param_groups]


class _WindowOnlyConversion:
    """``build_iter_from_epoch`` for schedulers whose only epoch-unit
    arguments are ``begin`` and ``end``."""

    @classmethod
    def build_iter_from_epoch(cls, *args, begin=0, end=INF, by_epoch=True,
                              epoch_length=None, **kwargs):
        _check_conversion(cls.__name__, by_epoch, epoch_length)
        begin, end = _epoch_window_to_iters(begin, end, epoch_length)
        return cls(*args, begin=begin, end=end, by_epoch=False, **kwargs)


@PARAM_SCHEDULERS.register_module()
class ConstantParamScheduler(_WindowOnlyConversion, _ParamScheduler):
    """Multiply by ``factor`` at ``begin`` and restore at ``end - 1``."""

    def __init__(self, optimizer, param_name: str, factor: float = 1.0 / 3,
                 begin: int = 0, end: int = INF, last_step: int = -1,
                 by_epoch: bool = True, verbose: bool = False):
        _check_factor(type(self).__name__, 'factor', factor)
        self.factor = factor
        self.total_iters = end - begin - 1
        super().__init__(optimizer, param_name, begin, end, last_step, by_epoch, verbose)

    def _get_value(self):
        if self.last_step == 0:
            return [group[self.param_name] * self.factor for group in self.optimizer.param_groups]
        if self.last_step != self.total_iters:
            return self._current_values()
        return [group[self.param_name] * (1.0 / self.factor)
                for group in self.optimizer.param_groups]


@PARAM_SCHEDULERS.register_module()
class ExponentialParamScheduler(_WindowOnlyConversion, _ParamScheduler):
    """Multiply by ``gamma`` every step after the first."""

    def __init__(self, optimizer, param_name: str, gamma: float,
                 begin: int = 0, end: int = INF, last_step: int = -1,
                 by_epoch: bool = True, verbose: bool = False):
        self.gamma = gamma
        super().__init__(optimizer, param_name, begin, end, last_step, by_epoch, verbose)

    def _get_value(self):
        if self.last_step == 0:
            return self._current_values()
        return [group[self.param_name] * self.gamma for group in self.optimizer.param_groups]


@PARAM_SCHEDULERS.register_module()
class CosineAnnealingParamScheduler(_ParamScheduler):
    """Cosine annealing from the base value to ``eta_min`` (or
    ``base * eta_min_ratio``) over ``T_max`` steps (default ``end - begin``)."""

    def __init__(self, optimizer, param_name: str, T_max: Optional[int] = None,
                 eta_min: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False,
                 eta_min_ratio: Optional[float] = None):
        if eta_min is None and eta_min_ratio is None:
            eta_min = 0.
        if eta_min is not None and eta_min_ratio is not None:
            raise AssertionError(f'{type(self).__name__}: give either `eta_min` or '
                                 '`eta_min_ratio`, not both')
        self.T_max = T_max or (end - begin)
        self.eta_min = eta_min
        self.eta_min_ratio = eta_min_ratio
        super().__init__(optimizer, param_name, begin, end, last_step, by_epoch, verbose)

    @classmethod
    def build_iter_from_epoch(cls, *args, T_max=None, begin=0, end=INF, by_epoch=True,
                              epoch_length=None, **kwargs):
        _check_conversion(cls.__name__, by_epoch, epoch_length)
        if T_max is not None:
            T_max = T_max * epoch_length
        begin, end = _epoch_window_to_iters(begin, end, epoch_length)
        return cls(*args, T_max=T_max, begin=begin, end=end, by_epoch=False, **kwargs)

    def _eta_min(self, base_value):
        return self.eta_min if self.eta_min_ratio is None else base_value * self.eta_min_ratio

    def _get_value(self):
        if self.last_step == 0:
            return self._current_values()
        groups = self.optimizer.param_groups
        if (self.last_step - 1 - self.T_max) % (2 * self.T_max) == 0:
            return [group[self.param_name] + (base - self._eta_min(base)) *
                    (1 - math.cos(math.pi / self.T_max)) / 2
                    for base, group in zip(self.base_values, groups)]
        ratio = ((1 + math.cos(math.pi * self.last_step / self.T_max)) /
                 (1 + math.cos(math.pi * (self.last_step - 1) / self.T_max)))
        return [ratio * (group[self.param_name] - self._eta_min(base)) + self._eta_min(base)
                for base, group in zip(self.base_values, groups)]


@PARAM_SCHEDULERS.register_module()
class LinearParamScheduler(_WindowOnlyConversion, _ParamScheduler):
    """Scale linearly from ``start_factor`` to ``end_factor`` of the value
    over the window (reached at step ``end - 1``)."""

    def __init__(self, optimizer, param_name: str, start_factor: float = 1.0 / 3,
                 end_factor: float = 1.0, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        _check_factor(type(self).__name__, 'start_factor', start_factor)
        _check_factor(type(self).__name__, 'end_factor', end_factor)
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = end - begin - 1
        super().__init__(optimizer, param_name, begin, end, last_step, by_epoch, verbose)

    def _get_value(self):
        if self.last_step == 0:
            return [group[self.param_name] * self.start_factor
                    for group in self.optimizer.param_groups]
        slope = self.end_factor - self.start_factor
        factor = 1. + slope / (self.total_iters * self.start_factor +
                               (self.last_step - 1) * slope)
        return [group[self.param_name] * factor for group in self.optimizer.param_groups]


@PARAM_SCHEDULERS.register_module()
class PolyParamScheduler(_WindowOnlyConversion, _ParamScheduler):
    """Polynomial decay to ``eta_min`` with exponent ``power``, reached at
    step ``end - 1``."""

    def __init__(self, optimizer, param_name: str, eta_min: float = 0, power: float = 1.0,
                 begin: int = 0, end: int = INF, last_step: int = -1,
                 by_epoch: bool = True, verbose: bool = False):
        self.eta_min = eta_min
        self.power = power
        self.total_iters = end - begin - 1
        super().__init__(optimizer, param_name, begin, end, last_step, by_epoch, verbose)

    def _get_value(self):
        if self.last_step == 0:
            return self._current_values()
        decay = (1 - 1 / (self.total_iters - self.last_step + 1))**self.power
        return [(group[self.param_name] - self.eta_min) * decay + self.eta_min
                for group in self.optimizer.param_groups]


def _annealing_cos(start, end, pct):
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _annealing_linear(start, end, pct):
    return (end - start) * pct + start


@PARAM_SCHEDULERS.register_module()
class OneCycleParamScheduler(_ParamScheduler):
    """The 1cycle policy: from ``eta_max / div_factor`` up to ``eta_max``
    during the first ``pct_start`` of ``total_steps``, then down to
    ``initial / final_div_factor`` (``three_phase`` adds a symmetric descent
    before the final annealing). Not chainable; learning rate only."""

    def __init__(self, optimizer, param_name: str, eta_max: Union[float, Sequence[float]] = 0,
                 total_steps: Optional[int] = None, pct_start: float = 0.3,
                 anneal_strategy: str = 'cos', div_factor: float = 25.,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 begin: int = 0, end: int = INF, last_step: int = -1,
                 by_epoch: bool = True, verbose: bool = False):
        cls_name = type(self).__name__
        if param_name != 'lr':
            raise ValueError(f'{cls_name} schedules the learning rate only, got '
                             f'param_name={param_name!r}')
        self.eta_max = eta_max
        self.div_factor = div_factor
        self.final_div_factor = final_div_factor
        if total_steps is not None:
            if not isinstance(total_steps, int) or total_steps <= 0:
                raise ValueError(f'{cls_name}: `total_steps` must be a positive int, '
                                 f'got {total_steps!r}')
            self.total_steps = total_steps
        else:
            self.total_steps = end - begin
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f'{cls_name}: `pct_start` must be a float in [0, 1], '
                             f'got {pct_start!r}')
        if anneal_strategy not in ('cos', 'linear'):
            raise ValueError(f'{cls_name}: `anneal_strategy` must be "cos" or "linear", '
                             f'got {anneal_strategy!r}')
        self.anneal_strategy = anneal_strategy
        self._schedule_phases = self._phases(param_name, pct_start, three_phase)
        max_values = self._format_param(f'max_{param_name}', optimizer, eta_max)
        if last_step == -1:
            for value, group in zip(max_values, optimizer.param_groups):
                group[f'initial_{param_name}'] = value / div_factor
                group[f'max_{param_name}'] = value
                group[f'min_{param_name}'] = group[f'initial_{param_name}'] / final_div_factor
        super().__init__(optimizer, param_name, begin, end, last_step, by_epoch, verbose)

    def _phases(self, name: str, pct_start: float, three_phase: bool) -> list:
        initial, top, low = f'initial_{name}', f'max_{name}', f'min_{name}'
        up_end = float(pct_start * self.total_steps) - 1
        last = self.total_steps - 1

        def phase(end_step, start, end):
            return {'end_step': end_step, f'start_{name}': start, f'end_{name}': end}

        if three_phase:
            return [phase(up_end, initial, top),
                    phase(float(2 * pct_start * self.total_steps) - 2, top, initial),
                    phase(last, initial, low)]
        return [phase(up_end, initial, top), phase(last, top, low)]

    @staticmethod
    def _format_param(name: str, optimizer, param) -> list:
        if isinstance(param, (list, tuple)):
            if len(param) != len(optimizer.param_groups):
                raise ValueError(
                    f'expected {len(optimizer.param_groups)} values for {name}, got '
                    f'{len(param)} (an OptimWrapper with several param groups '
                    'counts its extra base_param_settings group too)')
            return list(param)
        return [param] * len(optimizer.param_groups)

    @classmethod
    def build_iter_from_epoch(cls, *args, begin=0, end=INF, total_steps=None, by_epoch=True,
                              epoch_length=None, **kwargs):
        _check_conversion(cls.__name__, by_epoch, epoch_length)
        begin, end = _epoch_window_to_iters(begin, end, epoch_length)
        if total_steps is not None:
            total_steps = total_steps * epoch_length
        return cls(*args, begin=begin, end=end, total_steps=total_steps, by_epoch=False,
                   **kwargs)

    def state_dict(self) -> dict:
        state = super().state_dict()
        state.pop('anneal_func', None)
        return state

    def _get_value(self):
        step = self.last_step
        if step > self.total_steps:
            raise ValueError(f'{type(self).__name__}: stepped {step + 1} times, but '
                             f'total_steps is {self.total_steps}')
        anneal = _annealing_cos if self.anneal_strategy == 'cos' else _annealing_linear
        start_key, end_key = f'start_{self.param_name}', f'end_{self.param_name}'
        values = []
        for group in self.optimizer.param_groups:
            start_step = 0
            for index, phase in enumerate(self._schedule_phases):
                end_step = phase['end_step']
                if step <= end_step or index == len(self._schedule_phases) - 1:
                    pct = (step - start_step) / (end_step - start_step)
                    values.append(anneal(group[phase[start_key]], group[phase[end_key]], pct))
                    break
                start_step = phase['end_step']
        return values


@PARAM_SCHEDULERS.register_module()
class CosineRestartParamScheduler(_ParamScheduler):
    """Cosine annealing restarted after each of ``periods``, restarting from
    ``base * restart_weights[i]``."""

    def __init__(self, optimizer, param_name: str, periods: List[int],
                 restart_weights: Sequence[float] = (1, ), eta_min: Optional[float] = None,
                 eta_min_ratio: Optional[float] = None, begin: int = 0, end: int = INF,
                 last_step: int = -1, by_epoch: bool = True, verbose: bool = False):
        cls_name = type(self).__name__
        if (eta_min is None) == (eta_min_ratio is None):
            raise AssertionError(f'{cls_name}: give exactly one of `eta_min` and '
                                 '`eta_min_ratio`')
        if len(periods) != len(restart_weights):
            raise AssertionError(f'{cls_name}: `periods` ({len(periods)} entries) and '
                             f'`restart_weights` ({len(restart_weights)}) must have the '
                             'same length')
        self.periods = periods
        self.eta_min = eta_min
        self.eta_min_ratio = eta_min_ratio
        self.restart_weights = restart_weights
        self.cumulative_periods = [sum(periods[:i + 1]) for i in range(len(periods))]
        super().__init__(optimizer, param_name, begin, end, last_step, by_epoch, verbose)

    @classmethod
    def build_iter_from_epoch(cls, *args, periods, begin=0, end=INF, by_epoch=True,
                              epoch_length=None, **kwargs):
        _check_conversion(cls.__name__, by_epoch, epoch_length)
        begin, end = _epoch_window_to_iters(begin, end, epoch_length)
        return cls(*args, periods=[p * epoch_length for p in periods], begin=begin,
                   end=end, by_epoch=False, **kwargs)

    @staticmethod
    def get_position_from_periods(iteration: int, cumulative_periods: List[int]) -> Optional[int]:
        """Index of the first cumulative period that ``iteration`` is below."""
        for index, period in enumerate(cumulative_periods):
            if iteration < period:
                return index
        return None

    def _get_value(self):
        index = self.get_position_from_periods(self.last_step, self.cumulative_periods)
        if index is None:
            return self._current_values()
        weight = self.restart_weights[index]
        step = self.last_step - (0 if index == 0 else self.cumulative_periods[index - 1])
        period = self.periods[index]
        values = []
        for base, group in zip(self.base_values, self.optimizer.param_groups):
            eta_max = base * weight
            eta_min = self.eta_min if self.eta_min_ratio is None else base * self.eta_min_ratio
            if step == 0:
                values.append(eta_max)
            else:
                values.append((1 + math.cos(math.pi * step / period)) /
                              (1 + math.cos(math.pi * (step - 1) / period)) *
                              (group[self.param_name] - eta_min) + eta_min)
        return values


@PARAM_SCHEDULERS.register_module()
class ReduceOnPlateauParamScheduler(_ParamScheduler):
    """Multiply by ``factor`` when the metric ``monitor`` has not improved
    for more than ``patience`` validations (``rule='less'`` or
    ``'greater'``). ``step(metrics)`` is called with validation results;
    ``step()`` without metrics only counts steps. Epoch-based only."""

    need_val_args = True

    def __init__(self, optimizer, param_name: str, monitor: str = 'loss',
                 rule: str = 'less', factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_rule: str = 'rel', cooldown: int = 0,
                 min_value: Union[float, Sequence[float]] = 0., eps: float = 1e-8,
                 begin: int = 0, end: int = INF, last_step: int = -1,
                 by_epoch: bool = True, verbose: bool = False):
        from ..optimizer.base import BaseOptimWrapper
        cls_name = type(self).__name__
        if not by_epoch:
            raise AssertionError(f'{cls_name} supports by_epoch=True only')
        self._attach(optimizer, param_name, begin, end, last_step, by_epoch)
        self.last_step = last_step
        self._global_step = 0
        self.verbose = verbose
        if factor >= 1.0:
            raise ValueError(f'{cls_name}: `factor` must be < 1.0, got {factor}')
        self.factor = factor
        raw = optimizer.optimizer if isinstance(optimizer, BaseOptimWrapper) else optimizer
        if isinstance(min_value, (list, tuple)):
            if len(min_value) != len(raw.param_groups):
                raise ValueError(f'{cls_name}: expected {len(raw.param_groups)} values for '
                                 f'`min_value`, got {len(min_value)}')
            self.min_values = list(min_value)
            # The wrapper's extra base_param_settings group takes the last one.
            if isinstance(optimizer, BaseOptimWrapper) and \
                    optimizer.base_param_settings is not None:
                self.min_values.append(self.min_values[-1])
        else:
            self.min_values = [min_value] * len(optimizer.param_groups)
        self.patience = patience
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.rule_worse = None
        self.best = None
        self.num_bad_epochs = 0
        self.eps = eps
        self.monitor = monitor
        self._init_is_better(rule, threshold, threshold_rule)
        self._reset()
        self._last_value = self._current_values()

    def step(self, metrics: Optional[dict] = None) -> None:
        if metrics is None:
            self._global_step += 1
            return
        if not isinstance(metrics, dict):
            raise TypeError(f'metrics must be a dict, got {type(metrics).__name__}')
        if self.begin <= self._global_step < self.end:
            self.last_step += 1
            if self.monitor not in metrics:
                raise KeyError(f'{type(self).__name__}: monitored metric {self.monitor!r} '
                               f'is not among the validation results {list(metrics)}')
            metric = metrics[self.monitor]
            if self._is_better(metric, self.best):
                self.best = metric
                self.num_bad_epochs = 0
            else:
                self.num_bad_epochs += 1
            if self._in_cooldown():
                self.cooldown_counter -= 1
                self.num_bad_epochs = 0
            if self.num_bad_epochs > self.patience:
                for index, (group, value) in enumerate(
                        zip(self.optimizer.param_groups, self._get_value())):
                    if group[self.param_name] - value > self.eps:
                        group[self.param_name] = value
                        self.print_value(self.verbose, index, value)
                self.cooldown_counter = self.cooldown
                self.num_bad_epochs = 0
        self._last_value = self._current_values()

    def print_value(self, is_verbose: bool, group: int, value: float) -> None:
        if is_verbose:
            unit = 'epoch' if self.by_epoch else 'iter'
            print_log(f'Adjusting parameter value of group {group} to {value:.4e} '
                      f'in {unit} {self.last_step}.', logger='current')

    def _get_value(self):
        values = [float(group[self.param_name]) * self.factor
                  for group in self.optimizer.param_groups]
        return [max(v, low) for v, low in zip(values, self.min_values)]

    def _in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _is_better(self, a, best) -> bool:
        if self.rule == 'less' and self.threshold_rule == 'rel':
            return a < best * (1. - self.threshold)
        if self.rule == 'less' and self.threshold_rule == 'abs':
            return a < best - self.threshold
        if self.rule == 'greater' and self.threshold_rule == 'rel':
            return a > best * (self.threshold + 1.)
        return a > best + self.threshold

    def _init_is_better(self, rule: str, threshold: float, threshold_rule: str) -> None:
        cls_name = type(self).__name__
        if threshold < 0:
            raise ValueError(f'{cls_name}: `threshold` must be >= 0, got {threshold}')
        if rule not in ('less', 'greater'):
            raise ValueError(f'{cls_name}: `rule` must be "less" or "greater", got {rule!r}')
        if threshold_rule not in ('rel', 'abs'):
            raise ValueError(f'{cls_name}: `threshold_rule` must be "rel" or "abs", '
                             f'got {threshold_rule!r}')
        self.rule_worse = INF if rule == 'less' else -INF
        self.rule = rule
        self.threshold = threshold
        self.threshold_rule = threshold_rule

    def _reset(self) -> None:
        self.best = self.rule_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

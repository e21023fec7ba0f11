"""The values the schedule translation passes around (``schedules.py``
translates the policies, ``warmup.py`` wraps warmups around them)."""
from dataclasses import dataclass
from typing import List, Optional, Tuple


@dataclass(frozen=True)
class TrainingShape:
    """What the translation needs to know about the run.

    ``epoch_length`` (iterations per epoch) is rarely known statically; the
    mappings that need it fall back to an approximation and say so.
    ``base_lrs`` / ``base_momentum`` are each param group's starting value,
    needed only where MMCV mixes absolute minima with per-group values."""
    runner: str = 'epoch'
    max_epochs: Optional[int] = None
    max_iters: Optional[int] = None
    epoch_length: Optional[int] = None
    base_lrs: Optional[Tuple[float, ...]] = None
    base_momentum: Optional[float] = None

    @property
    def num_groups(self) -> Optional[int]:
        return None if self.base_lrs is None else len(self.base_lrs)

    def total_iters(self) -> Optional[int]:
        if self.runner == 'iter':
            return self.max_iters
        if self.max_epochs is not None and self.epoch_length is not None:
            return self.max_epochs * self.epoch_length
        return None

    def progress_length(self, by_epoch: bool) -> Optional[int]:
        """MMCV's ``max_progress``: epochs when by_epoch, else iterations."""
        return self.max_epochs if by_epoch else self.total_iters()


class Param:
    """The names that differ between the lr and the momentum flavour."""

    def __init__(self, name: str):
        self.name = name
        self.suffix = 'LR' if name == 'lr' else 'Momentum'
        self.key = 'lr_config' if name == 'lr' else 'momentum_config'
        self.min_key = 'min_lr' if name == 'lr' else 'min_momentum'
        self.min_ratio_key = f'{self.min_key}_ratio'
        self.default_step_gamma = 0.1 if name == 'lr' else 0.5
        self.default_warmup_ratio = 0.1 if name == 'lr' else 0.9

    def sched(self, kind: str, by_epoch: bool, **params) -> dict:
        out = dict(type=f'{kind}{self.suffix}')
        out.update(params)
        out['by_epoch'] = by_epoch
        return out


class ScheduleError(Exception):
    """The schedule cannot be translated; the message says why."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule


@dataclass
class Main:
    schedulers: List[dict]
    by_epoch: bool
    multiplicative: bool  # each step multiplies the current value
    sets_values: bool = False  # computes absolute values (OneCycle)


def scale_at(param: Param, step: int, factor: float, by_epoch: bool) -> dict:
    """A scheduler that multiplies the value by ``factor`` once, at ``step``.

    At step 0 a factor above 1 can only be applied by setting base * factor
    (CosineRestart's restart), so the value must still be the base there."""
    if step >= 1:
        return param.sched('Exponential', by_epoch, gamma=factor, begin=step - 1, end=step + 1)
    if factor <= 1:
        return param.sched('Constant', by_epoch, factor=factor, begin=0, end=1)
    return param.sched('CosineRestart', by_epoch, periods=[1], restart_weights=[factor],
                       eta_min=0.0, begin=0, end=1)


def skip_identity(schedulers: List[dict]) -> List[dict]:
    """Drop one-shot multipliers by exactly 1 (a constant warmup has many)."""
    return [s for s in schedulers
            if not (s['type'].startswith(('Exponential', 'Constant'))
                    and s.get('gamma', s.get('factor')) == 1)]

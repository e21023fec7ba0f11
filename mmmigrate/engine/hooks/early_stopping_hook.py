"""``EarlyStoppingHook``: stops training when a validation metric stalls."""
import warnings
from math import inf, isfinite
from typing import Optional, Tuple

from ..registry import HOOKS
from .hook import Hook


@HOOKS.register_module()
class EarlyStoppingHook(Hook):
    """Stop training when the validation metric ``monitor`` has not improved
    by ``min_delta`` for ``patience`` validations, or crosses
    ``stopping_threshold``, or is not finite (``check_finite``)."""
    priority = 'LOWEST'
    rule_map = {'greater': lambda x, y: x > y, 'less': lambda x, y: x < y}
    _default_greater_keys = ['acc', 'top', 'AR@', 'auc', 'precision', 'mAP', 'mDice',
                             'mIoU', 'mAcc', 'aAcc']
    _default_less_keys = ['loss']

    def __init__(self, monitor: str, rule: Optional[str] = None, min_delta: float = 0.1,
                 strict: bool = False, check_finite: bool = True, patience: int = 5,
                 stopping_threshold: Optional[float] = None):
        self.monitor = monitor
        if rule is not None and rule not in self.rule_map:
            raise ValueError(f"EarlyStoppingHook: rule must be 'greater' or 'less', got {rule!r}")
        self.rule = rule if rule is not None else self._init_rule(monitor)
        self.min_delta = min_delta if self.rule == 'greater' else -1 * min_delta
        self.strict = strict
        self.check_finite = check_finite
        self.patience = patience
        self.stopping_threshold = stopping_threshold
        self.wait_count = 0
        self.best_score = -inf if self.rule == 'greater' else inf

    def _init_rule(self, monitor: str) -> str:
        greater = {key.lower() for key in self._default_greater_keys}
        less = {key.lower() for key in self._default_less_keys}
        lower = monitor.lower()
        if lower in greater:
            return 'greater'
        if lower in less:
            return 'less'
        if any(key in lower for key in greater):
            return 'greater'
        if any(key in lower for key in less):
            return 'less'
        raise ValueError(f'EarlyStoppingHook: cannot infer whether a greater or a smaller '
                         f"{monitor!r} is better; set rule='greater' or 'less'")

    def _check_stop_condition(self, score: float) -> Tuple[bool, str]:
        compare = self.rule_map[self.rule]
        if self.check_finite and not isfinite(score):
            return True, (f'Monitored metric {self.monitor} = {score} is infinite. '
                          f'Previous best value was {self.best_score:.3f}.')
        if self.stopping_threshold is not None and compare(score, self.stopping_threshold):
            self.best_score = score
            return True, (f'Stopping threshold reached: `{self.monitor}` = {score} is '
                          f'{self.rule} than {self.stopping_threshold}.')
        if compare(self.best_score + self.min_delta, score):
            self.wait_count += 1
            if self.wait_count >= self.patience:
                return True, (f'the monitored metric did not improve in the last '
                              f'{self.wait_count} records. best score: {self.best_score:.3f}. ')
            return False, ''
        self.best_score = score
        self.wait_count = 0
        return False, ''

    def before_run(self, runner) -> None:
        if not hasattr(runner.train_loop, 'stop_training'):
            raise AssertionError('`train_loop` should contain `stop_training` variable: '
                                 'EarlyStoppingHook stops training through it')

    def after_val_epoch(self, runner, metrics) -> None:
        if self.monitor not in metrics:
            if self.strict:
                raise RuntimeError(f'Early stopping conditioned on metric `{self.monitor}` is '
                                   f'not available. Available metrics: {list(metrics)}; or '
                                   'set `strict=False` in `EarlyStoppingHook`.')
            warnings.warn(f'Skip early stopping: the evaluation results {list(metrics)} do '
                          f'not include `monitor` ({self.monitor}).')
            return
        stop, message = self._check_stop_condition(metrics[self.monitor])
        if stop:
            runner.train_loop.stop_training = True
            runner.logger.info(message)

"""``_ParamScheduler``, the base of every parameter scheduler: argument
checks, step counting, the optimizer step counter and state handling (see
``param_scheduler.py`` for the schedules)."""
import warnings
import weakref
from functools import wraps

from ...logging import print_log

INF = int(1e9)


def _check_window(cls_name: str, begin, end) -> None:
    if end <= begin:
        raise ValueError(f'{cls_name}: end should be larger than begin (got begin={begin}, '
                         f'end={end}); the scheduler is active for begin <= step < end')


def _check_factor(cls_name: str, key: str, value) -> None:
    if value > 1.0 or value < 0:
        raise ValueError(f'{cls_name}: `{key}` must be between 0 and 1, got {value}')


def _epoch_window_to_iters(begin, end, epoch_length):
    begin = int(begin * epoch_length)
    if end != INF:
        end = int(end * epoch_length)
    return begin, end


def _check_conversion(cls_name: str, by_epoch, epoch_length) -> None:
    # AssertionError, as MMEngine raises.
    if not by_epoch:
        raise AssertionError(f'{cls_name}: only epoch-based schedulers (by_epoch=True) '
                             'can be converted to iteration-based')
    if epoch_length is None or epoch_length <= 0:
        raise AssertionError(f'{cls_name}: `epoch_length` must be a positive integer, '
                             f'got {epoch_length}')


class _ParamScheduler:
    """Base class: window checks, step counting and state handling.

    Subclasses implement ``_get_value()``: the new value of every param
    group at ``self.last_step`` (the number of steps taken inside the
    window, counted from 0).
    """

    def __init__(self,
                 optimizer,
                 param_name: str,
                 begin: int = 0,
                 end: int = INF,
                 last_step: int = -1,
                 by_epoch: bool = True,
                 verbose: bool = False):
        self._attach(optimizer, param_name, begin, end, last_step, by_epoch)
        self.base_values = [group[f'initial_{param_name}'] for group in optimizer.param_groups]
        self.last_step = last_step
        self._global_step = -1
        self.verbose = verbose
        _count_optimizer_steps(optimizer)
        self.step()

    def _attach(self, optimizer, param_name: str, begin, end, last_step, by_epoch) -> None:
        """Validate the arguments every scheduler shares and record the
        value each param group starts from (``initial_<param_name>``)."""
        from torch.optim import Optimizer

        from ..optimizer.base import BaseOptimWrapper
        cls_name = type(self).__name__
        if not isinstance(optimizer, (Optimizer, BaseOptimWrapper)):
            raise TypeError(f'{cls_name}: `optimizer` should be an Optimizer or an '
                            f'OptimWrapper, got {type(optimizer).__name__}')
        self.optimizer = optimizer
        self.param_name = param_name
        _check_window(cls_name, begin, end)
        self.begin = begin
        self.end = end
        self.by_epoch = by_epoch
        if not isinstance(last_step, int) or last_step < -1:
            raise AssertionError(f'{cls_name}: `last_step` must be an int >= -1, got '
                                 f'{last_step!r}')
        initial_key = f'initial_{param_name}'
        for index, group in enumerate(optimizer.param_groups):
            if last_step == -1:
                # The value before any scheduling is the base of the schedule.
                group.setdefault(initial_key, group[param_name])
            elif initial_key not in group:
                raise KeyError(f"{cls_name}: param '{initial_key}' is not specified in "
                               f'param_groups[{index}], which resuming with '
                               f'last_step={last_step} needs')

    @classmethod
    def build_iter_from_epoch(cls, *args, **kwargs):
        raise ValueError(f'{cls.__name__} cannot be converted to iteration-based '
                         '(convert_to_iter_based=True is not supported for it)')

    def state_dict(self) -> dict:
        """Every attribute except the optimizer (MMEngine's layout)."""
        return {k: v for k, v in self.__dict__.items() if k != 'optimizer'}

    def load_state_dict(self, state_dict: dict) -> None:
        self.__dict__.update(state_dict)

    def get_last_value(self) -> list:
        """The values of every param group after the last step."""
        return self._last_value

    def _current_values(self) -> list:
        return [group[self.param_name] for group in self.optimizer.param_groups]

    def _get_value(self) -> list:
        raise NotImplementedError

    def print_value(self, is_verbose: bool, group: int, value: float) -> None:
        if is_verbose:
            print_log(f'Adjusting parameter value of group {group} to {value:.4e}.',
                      logger='current')

    def step(self) -> None:
        """Advance one step; inside the window, write the new values."""
        if self._global_step == 0:
            _warn_if_stepped_before_optimizer(self.optimizer)
        self._global_step += 1
        if self.begin <= self._global_step < self.end:
            self.last_step += 1
            values = self._get_value()
            for index, (group, value) in enumerate(zip(self.optimizer.param_groups, values)):
                group[self.param_name] = value
                self.print_value(self.verbose, index, value)
        self._last_value = self._current_values()


_ORDER_HELP = ('Please make sure to call `optimizer.step()` before `scheduler.step()`. See '
               'more details at '
               'https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate')


def _counted_optimizer(optimizer):
    """The optimizer whose ``step`` calls are counted: for an optimizer
    wrapper, the torch optimizer inside. (MMEngine counts the wrapper's
    ``step``; every wrapper step is one inner step, and the wrapper's
    per-iteration fast path stays on when its methods are untouched.)"""
    from ..optimizer.base import BaseOptimWrapper
    if isinstance(optimizer, BaseOptimWrapper):
        inner = getattr(optimizer, 'optimizer', None)
        if inner is not None and hasattr(inner, 'step'):
            return inner
    return optimizer


def _count_optimizer_steps(optimizer) -> None:
    """Make ``optimizer.step`` count its calls (``optimizer._global_step``),
    so that a scheduler stepped before it can warn, as MMEngine and torch
    do. Wrapping once is enough for every scheduler of the optimizer."""
    optimizer = _counted_optimizer(optimizer)
    optimizer._global_step = -1  # counted anew for each new scheduler, as in MMEngine
    if getattr(optimizer.step, '_with_counter', False):
        return
    # A weak reference and the unbound function: no cycle through the optimizer.
    method = optimizer.step
    owner = weakref.ref(method.__self__)
    function = method.__func__
    del method

    @wraps(function)
    def step(*args, **kwargs):
        instance = owner()
        instance._global_step += 1
        return function(instance, *args, **kwargs)
    step._with_counter = True
    optimizer.step = step
    optimizer._global_step = -1


def _warn_if_stepped_before_optimizer(optimizer) -> None:
    optimizer = _counted_optimizer(optimizer)
    if not getattr(optimizer.step, '_with_counter', False):
        warnings.warn('Seems like `optimizer.step()` has been overridden after parameter '
                      'value scheduler initialization. ' + _ORDER_HELP, UserWarning)
    elif getattr(optimizer, '_global_step', 0) < 0:
        warnings.warn('Detected call of `scheduler.step()` before `optimizer.step()`. '
                      + _ORDER_HELP, UserWarning)

"""MMCV 1.x's ``LogBuffer`` (``runner.log_buffer``): what hooks log between
two logging points.

``update(vars, count)`` appends each value with its count; ``average(n)``
puts into ``output`` the mean of the last ``n`` values of every key,
weighted by their counts (``num_samples``), and marks the buffer ``ready``;
logger hooks print ``output`` and ``clear_output()``; ``clear()`` (at each
epoch start) forgets the history too. Hooks may write into ``output``
directly (``EvalHook`` puts its metrics there and sets ``ready``).
"""
import re
from collections import OrderedDict

import numpy as np

from ...engine.runner.log_processor import MEAN_PATTERN

_AVERAGED = re.compile(MEAN_PATTERN)


def update_hub(hub, key: str, value, count: int = 1) -> None:
    """A value MMCV's LogBuffer would hold, into the engine's message hub
    (``key`` with its ``train/`` or ``val/`` prefix): a key the engine's
    logger averages over its window (losses, times) goes in times its count,
    with the count, so the mean is MMCV's weighted one; another (an
    accuracy) is logged as its latest value, so it goes in as it is."""
    value = value.item() if hasattr(value, 'item') else value
    if _AVERAGED.search(key):
        hub.update_scalar(key, value * count, count)
    else:
        hub.update_scalar(key, value)


class LogBuffer:

    def __init__(self):
        self.val_history = OrderedDict()
        self.n_history = OrderedDict()
        self.output = OrderedDict()
        self.ready = False

    def clear(self) -> None:
        self.val_history.clear()
        self.n_history.clear()
        self.clear_output()

    def clear_output(self) -> None:
        self.output.clear()
        self.ready = False

    def update(self, vars: dict, count: int = 1) -> None:
        if not isinstance(vars, dict):
            raise TypeError(f'log_buffer.update takes a dict of values, got '
                            f'{type(vars).__name__}')
        for key, value in vars.items():
            self.val_history.setdefault(key, []).append(value)
            self.n_history.setdefault(key, []).append(count)

    def average(self, n: int = 0) -> None:
        """The count-weighted mean of the last ``n`` values (all when 0)."""
        if n < 0:
            raise ValueError(f'average(n) needs n >= 0, got {n}')
        for key in self.val_history:
            values = np.array(self.val_history[key][-n:])
            counts = np.array(self.n_history[key][-n:])
            self.output[key] = np.sum(values * counts) / np.sum(counts)
        self.ready = True

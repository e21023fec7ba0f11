"""``TimeCounter``: average run time of a function or a block, logged every
``log_interval`` runs after ``warmup_interval`` runs."""
import time
from typing import Optional, Union

import torch

from ...dist.utils import master_only
from ...logging import MMLogger, print_log


def _synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    elif hasattr(torch, 'musa') and torch.musa.is_available():
        torch.musa.synchronize()


class TimeCounter:
    """A decorator (``@TimeCounter()``) or, with a ``tag``, a context
    manager (``with TimeCounter(tag='x'):``). Instances with the same tag
    are one instance, so counts add up across call sites. ``with_sync``
    waits for the device before reading the clock."""
    instance_dict: dict = dict()

    def __new__(cls, log_interval: int = 1, warmup_interval: int = 1, with_sync: bool = True,
                tag: Optional[str] = None, logger: Optional[MMLogger] = None):
        assert warmup_interval >= 1, 'warmup_interval must be at least 1'
        if tag is not None and tag in cls.instance_dict:
            return cls.instance_dict[tag]
        instance = super().__new__(cls)
        cls.instance_dict[tag] = instance
        instance.log_interval = log_interval
        instance.warmup_interval = warmup_interval
        instance.with_sync = with_sync
        instance.tag = tag
        instance.logger = logger
        instance._count = 0
        instance._pure_inf_time = 0.0
        instance._start_time = 0.0
        return instance

    @master_only
    def __call__(self, fn):
        if self.tag is None:
            self.tag = fn.__name__

        def wrapper(*args, **kwargs):
            self._count += 1
            if self.with_sync:
                _synchronize()
            start = time.perf_counter()
            result = fn(*args, **kwargs)
            if self.with_sync:
                _synchronize()
            self.print_time(time.perf_counter() - start)
            return result
        return wrapper

    @master_only
    def __enter__(self):
        assert self.tag is not None, ('In order to clearly distinguish printing information in '
                                      'different contexts, please specify the tag parameter')
        self._count += 1
        if self.with_sync:
            _synchronize()
        self._start_time = time.perf_counter()

    @master_only
    def __exit__(self, exc_type, exc_val, exc_tb):
        if self.with_sync:
            _synchronize()
        self.print_time(time.perf_counter() - self._start_time)

    def print_time(self, elapsed: Union[int, float]) -> None:
        """Adds ``elapsed`` (after the warm-up) and logs the average."""
        if self._count < self.warmup_interval:
            return
        self._pure_inf_time += elapsed
        if self._count % self.log_interval == 0:
            per_run = 1000 * self._pure_inf_time / (self._count - self.warmup_interval + 1)
            print_log(f'[{self.tag}]-time per run averaged in the past {self._count} runs: '
                      f'{per_run:.1f} ms', self.logger)

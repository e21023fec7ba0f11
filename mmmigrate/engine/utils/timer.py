"""``Timer`` and ``check_time`` (``mmengine.utils`` names)."""
from time import time


class TimerError(Exception):

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class Timer:
    """Seconds since ``start()`` (``since_start``) and since the last check
    (``since_last_check``); a context manager printing the time taken.

    ``Timer(start=True, print_tmpl='{:.3f}')``."""

    def __init__(self, start: bool = True, print_tmpl=None):
        self._is_running = False
        self.print_tmpl = print_tmpl if print_tmpl else '{:.3f}'
        if start:
            self.start()

    @property
    def is_running(self) -> bool:
        return self._is_running

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        print(self.print_tmpl.format(self.since_last_check()))
        self._is_running = False

    def start(self) -> None:
        if not self._is_running:
            self._t_start = time()
            self._is_running = True
        self._t_last = time()

    def since_start(self) -> float:
        if not self._is_running:
            raise TimerError('timer is not running')
        self._t_last = time()
        return self._t_last - self._t_start

    def since_last_check(self) -> float:
        if not self._is_running:
            raise TimerError('timer is not running')
        now = time()
        elapsed, self._t_last = now - self._t_last, now
        return elapsed


_timers = {}


def check_time(timer_id) -> float:
    """Seconds since the previous call with ``timer_id`` (0 on the first)."""
    if timer_id not in _timers:
        _timers[timer_id] = Timer()
        return 0
    return _timers[timer_id].since_last_check()

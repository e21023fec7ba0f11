"""``HistoryBuffer``: the series of one logged scalar and its counts."""
import warnings
from typing import Callable, Optional, Sequence


def numpy_sum(values: list):
    """``numpy.sum`` of a float64 array of ``values``, bit for bit.

    MMEngine keeps the history in numpy arrays, and numpy adds with pairwise
    summation (blocks of up to 128 values over 8 interleaved partial sums),
    which rounds differently from a running sum; Python's own ``sum`` also
    compensates rounding since 3.12. This replays numpy's order so that
    averaged losses and times are the very floats MMEngine logs."""
    n = len(values)
    if n < 8:
        total = 0.0
        for value in values:
            total += value
        return total
    if n <= 128:
        r0, r1, r2, r3, r4, r5, r6, r7 = values[:8]
        end = n - n % 8
        for i in range(8, end, 8):
            r0 += values[i]
            r1 += values[i + 1]
            r2 += values[i + 2]
            r3 += values[i + 3]
            r4 += values[i + 4]
            r5 += values[i + 5]
            r6 += values[i + 6]
            r7 += values[i + 7]
        total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        for i in range(end, n):
            total += values[i]
        return total
    half = n // 2
    half -= half % 8
    return numpy_sum(values[:half]) + numpy_sum(values[half:])


def _flat_list(values) -> list:
    if isinstance(values, (list, tuple)) and all(type(v) in (int, float) for v in values):
        return list(values)
    import numpy as np
    return np.asarray(values).ravel().tolist()


class HistoryBuffer:
    """Keeps the values logged under one key (with a count each) and gives
    window statistics: ``mean``, ``max``, ``min``, ``current``."""

    _statistics_methods: dict = {}

    def __init__(self,
                 log_history: Sequence = (),
                 count_history: Sequence = (),
                 max_length: int = 1000000):
        if len(log_history) != len(count_history):
            raise AssertionError('log_history and count_history must have the same length')
        self.max_length = max_length
        self._set_default_statistics()
        if len(log_history) > max_length:
            warnings.warn(f'history of length {len(log_history)} exceeds '
                          f'max_length={max_length}; the oldest values are dropped')
        # Kept as plain lists (appending is what a training loop does every
        # iteration); arrays and tensors are read flat, as numpy's append
        # reads them.
        self._log_history = _flat_list(log_history)[-max_length:]
        self._count_history = _flat_list(count_history)[-max_length:]

    def _set_default_statistics(self) -> None:
        for name in ('min', 'max', 'current', 'mean'):
            self._statistics_methods.setdefault(name, getattr(HistoryBuffer, name))

    def update(self, log_val, count: int = 1) -> None:
        if not (type(log_val) is float and type(count) is int) and (
                not isinstance(log_val, (int, float)) or not isinstance(count, (int, float))):
            raise TypeError('log_val and count must be numbers, got '
                            f'{type(log_val).__name__} and {type(count).__name__}')
        history = self._log_history
        history.append(log_val)
        self._count_history.append(count)
        if len(history) > self.max_length:
            del history[0]
            del self._count_history[0]

    @property
    def data(self):
        """``(values, counts)`` as numpy arrays (copies)."""
        import numpy as np
        return np.array(self._log_history), np.array(self._count_history)

    @classmethod
    def register_statistics(cls, method: Callable) -> Callable:
        if method.__name__ in cls._statistics_methods:
            raise AssertionError(f'statistics method {method.__name__!r} is already registered')
        cls._statistics_methods[method.__name__] = method
        return method

    def statistics(self, method_name: str, *args, **kwargs):
        if method_name not in self._statistics_methods:
            raise KeyError(f'{method_name!r} is not a registered statistics method '
                           f'(known: {sorted(self._statistics_methods)})')
        return self._statistics_methods[method_name](self, *args, **kwargs)

    def _window(self, values: list, window_size: Optional[int]) -> list:
        if window_size is None:
            return values
        if not isinstance(window_size, int):
            raise TypeError(f'window_size must be an int, got {type(window_size).__name__}')
        return values[-window_size:]

    def mean(self, window_size: Optional[int] = None) -> float:
        if window_size is None:
            counts, values = self._count_history, self._log_history
        elif type(window_size) is int:
            counts = self._count_history[-window_size:]
            values = self._log_history[-window_size:]
        else:  # int subclasses, or a TypeError for anything else
            counts = self._window(self._count_history, window_size)
            values = self._window(self._log_history, window_size)
        total_count = sum(counts)
        if type(total_count) is not int:  # float counts: numpy's order matters
            total_count = numpy_sum(counts)
        return numpy_sum(values) / total_count

    def max(self, window_size: Optional[int] = None):
        return max(self._window(self._log_history, window_size))

    def min(self, window_size: Optional[int] = None):
        return min(self._window(self._log_history, window_size))

    def current(self):
        if not self._log_history:
            raise ValueError('HistoryBuffer is empty: call update() first')
        return self._log_history[-1]

    def to_plain(self) -> dict:
        """The buffer as plain data (what our checkpoints store)."""
        return dict(log_history=list(self._log_history),
                    count_history=list(self._count_history), max_length=self.max_length)

    @classmethod
    def from_plain(cls, state: dict) -> 'HistoryBuffer':
        return cls(state['log_history'], state['count_history'],
                   state.get('max_length', 1000000))

    def __getstate__(self) -> dict:
        return dict(self.__dict__)

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        state.pop('statistics_methods', None)
        self.__dict__.update(state)
        # Buffers pickled by MMEngine hold numpy arrays; keep plain lists.
        self._log_history = [float(v) if hasattr(v, 'item') else v
                             for v in list(self._log_history)]
        self._count_history = [int(v) if hasattr(v, 'item') else v
                               for v in list(self._count_history)]
        self._set_default_statistics()

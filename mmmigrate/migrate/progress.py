"""A one-line progress bar on stderr for long conversions.

Shown by default only when stderr is a terminal and the run has enough
files to take a while; ``--progress`` / ``--no-progress`` force it. It
redraws at most ten times a second, so it costs nothing measurable.
"""
import sys
import time
from typing import Optional, TextIO

WIDTH = 30
AUTO_MINIMUM = 200  # files; smaller runs finish before a bar helps


class Progress:

    def __init__(self, total: int, label: str = 'files', stream: TextIO = None,
                 enabled: Optional[bool] = None):
        self.stream = stream or sys.stderr
        self.total, self.label, self.done = total, label, 0
        if enabled is None:
            enabled = total >= AUTO_MINIMUM and self.stream.isatty()
        self.enabled = enabled and total > 0
        self._drawn_at = 0.0
        self._started = time.monotonic()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._drawn_at >= 0.1 or self.done >= self.total:
            self._drawn_at = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        filled = int(WIDTH * self.done / self.total)
        rate = self.done / max(now - self._started, 1e-9)
        self.stream.write(f'\r[{"#" * filled}{" " * (WIDTH - filled)}] '
                          f'{self.done}/{self.total} {self.label} ({rate:.0f}/s)')
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write('\n')
            self.stream.flush()

"""A text progress bar and loops that draw one (``mmengine.utils`` names):
``ProgressBar``, ``track_progress``, ``track_iter_progress``,
``track_parallel_progress``."""
import sys
from collections.abc import Iterable
from multiprocessing import Pool
from shutil import get_terminal_size
from typing import Callable, Optional, Sequence

from .timer import Timer


class ProgressBar:
    """``[>>>>    ] done/total, N task/s, elapsed: Ts, ETA: Ss`` redrawn on
    ``file`` at each ``update``; without a total, a completed count."""

    def __init__(self, task_num: int = 0, bar_width: int = 50, start: bool = True,
                 file=sys.stdout):
        self.task_num, self.bar_width, self.file = task_num, bar_width, file
        self.completed = 0
        if start:
            self.start()

    @property
    def terminal_width(self) -> int:
        return get_terminal_size()[0]

    def start(self) -> None:
        if self.task_num > 0:
            self.file.write(f'[{" " * self.bar_width}] 0/{self.task_num}, elapsed: 0s, ETA:')
        else:
            self.file.write('completed: 0, elapsed: 0s')
        self.file.flush()
        self.timer = Timer()

    def update(self, num_tasks: int = 1) -> None:
        if num_tasks <= 0:
            raise ValueError(f'ProgressBar.update needs a positive count, got {num_tasks}')
        self.completed += num_tasks
        elapsed = self.timer.since_start()
        rate = self.completed / elapsed if elapsed > 0 else float('inf')
        if self.task_num > 0:
            done = self.completed / float(self.task_num)
            eta = int(elapsed * (1 - done) / done + 0.5)
            text = (f'\r[{{}}] {self.completed}/{self.task_num}, {rate:.1f} task/s, '
                    f'elapsed: {int(elapsed + 0.5)}s, ETA: {eta:5}s')
            width = max(2, min(self.bar_width, int(self.terminal_width - len(text)) + 2,
                               int(self.terminal_width * 0.6)))
            marks = int(width * done)
            self.file.write(text.format('>' * marks + ' ' * (width - marks)))
        else:
            self.file.write(f'completed: {self.completed}, elapsed: {int(elapsed + 0.5)}s,'
                            f' {rate:.1f} tasks/s')
        self.file.flush()


def _tasks_and_count(tasks):
    """(iterable of tasks, how many): a ``(tasks, count)`` tuple or a sequence."""
    if isinstance(tasks, tuple):
        if len(tasks) != 2 or not isinstance(tasks[0], Iterable) or \
                not isinstance(tasks[1], int):
            raise TypeError('a tuple of tasks must be (iterable of tasks, number of tasks)')
        return tasks
    if isinstance(tasks, Sequence):
        return tasks, len(tasks)
    raise TypeError(f'"tasks" must be a tuple object or a sequence object, but got {type(tasks)}')


def track_progress(func: Callable, tasks, bar_width: int = 50, file=sys.stdout, **kwargs):
    """``[func(task, **kwargs) for task in tasks]`` with a progress bar."""
    tasks, count = _tasks_and_count(tasks)
    bar = ProgressBar(count, bar_width, file=file)
    results = []
    for task in tasks:
        results.append(func(task, **kwargs))
        bar.update()
    bar.file.write('\n')
    return results


def track_iter_progress(tasks, bar_width: int = 50, file=sys.stdout):
    """Yield the tasks, drawing a progress bar as they are consumed."""
    tasks, count = _tasks_and_count(tasks)
    bar = ProgressBar(count, bar_width, file=file)
    for task in tasks:
        yield task
        bar.update()
    bar.file.write('\n')


def init_pool(process_num: int, initializer: Optional[Callable] = None,
              initargs: Optional[tuple] = None) -> Pool:
    """A ``multiprocessing.Pool`` of ``process_num`` workers, each first
    running ``initializer(*initargs)``."""
    if initargs is not None and not isinstance(initargs, tuple):
        raise TypeError('"initargs" must be a tuple')
    return Pool(process_num, initializer, initargs or ())


def track_parallel_progress(func: Callable, tasks, nproc: int,
                            initializer: Optional[Callable] = None,
                            initargs: Optional[tuple] = None, bar_width: int = 50,
                            chunksize: int = 1, skip_first: bool = False,
                            keep_order: bool = True, file=sys.stdout):
    """``func`` over the tasks in a pool of ``nproc`` processes, with a
    progress bar; ``skip_first`` leaves each worker's first chunk out of
    the rate (start-up is slow)."""
    tasks, count = _tasks_and_count(tasks)
    if initargs is not None and not isinstance(initargs, tuple):
        raise TypeError('"initargs" must be a tuple')
    pool = init_pool(nproc, initializer, initargs)
    warmup = nproc * chunksize if skip_first else 0
    bar = ProgressBar(count - warmup, bar_width, not skip_first, file=file)
    mapper = pool.imap if keep_order else pool.imap_unordered
    results = []
    for result in mapper(func, tasks, chunksize):
        results.append(result)
        if len(results) < warmup:
            continue
        if len(results) == warmup:
            bar.start()
            continue
        bar.update()
    bar.file.write('\n')
    pool.close()
    pool.join()
    return results

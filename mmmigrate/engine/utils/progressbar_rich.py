"""``track_progress_rich`` (``mmengine.utils.progressbar_rich``): run a
function over tasks, in parallel when asked, with a ``rich`` progress bar
(``rich`` is imported when it is used: ``pip install rich``)."""
from multiprocessing import Pool
from typing import Callable, Iterable, Optional, Sized


class _Worker:
    """``func(*task)`` with the task's index, for ``imap_unordered``."""

    def __init__(self, func) -> None:
        self.func = func

    def __call__(self, inputs):
        inputs, idx = inputs
        if not isinstance(inputs, (tuple, list)):
            inputs = (inputs, )
        return self.func(*inputs), idx


def track_progress_rich(func: Callable, tasks: Iterable = tuple(),
                        task_num: Optional[int] = None, nproc: int = 1, chunksize: int = 1,
                        description: str = 'Processing', color: str = 'blue') -> list:
    """``[func(*task) for task in tasks]`` (a task that is not a tuple or a
    list is the one argument), in ``nproc`` processes when ``nproc > 1``,
    results in the tasks' order. ``task_num`` is needed when ``tasks`` has
    no length."""
    try:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress,
                                   TaskProgressColumn, TextColumn, TimeRemainingColumn)
        from rich.text import Text
    except ImportError:
        raise ImportError('track_progress_rich needs rich: pip install rich') from None
    if not isinstance(tasks, Iterable):
        raise TypeError(f'tasks must be an iterable object, but got {type(tasks)}')
    if isinstance(tasks, Sized):
        if task_num is not None and task_num != len(tasks):
            raise ValueError('task_num does not match the length of tasks')
        task_num = len(tasks)
    elif task_num is None:
        raise ValueError('If tasks is an iterable object, task_num must be set.')
    if nproc <= 0:
        raise ValueError('nproc must be a positive number')

    skip_times = nproc * chunksize if nproc > 1 else 0

    class SkipFirstRemaining(TimeRemainingColumn):
        # The first chunks of a pool finish together: no estimate from them.
        def render(self, task) -> Text:
            if task.completed <= skip_times:
                return Text('-:--:--', style='progress.remaining')
            return super().render(task)

    bar = Progress(TextColumn('{task.description}'), BarColumn(), SkipFirstRemaining(),
                   MofNCompleteColumn(), TaskProgressColumn(show_speed=True))
    worker = _Worker(func)
    task_id = bar.add_task(total=task_num, color=color, description=description)
    indexed = ((task, index) for index, task in enumerate(tasks))
    with bar:
        if nproc == 1:
            results = []
            for task in indexed:
                results.append(worker(task)[0])
                bar.update(task_id, advance=1, refresh=True)
            return results
        results = [None] * task_num
        with Pool(nproc) as pool:
            for result, index in pool.imap_unordered(worker, indexed, chunksize):
                results[index] = result
                bar.update(task_id, advance=1, refresh=True)
    return results

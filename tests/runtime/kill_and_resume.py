"""Kills ``mmmigrate train`` with SIGKILL at chosen points of a run, resumes
each with ``--resume``, and writes what happened as JSON; the test in
test_resume_after_crash.py compares every resumed run with the
uninterrupted one.

    python kill_and_resume.py CONFIG OUT_DIR [--points N]

A point is an *event* of the run: every hook call, every forward pass of
the model (train and val), and every ``os.fsync`` / ``os.replace`` (before
and after the rename), so kills land inside iterations, inside checkpoint
writes, between a checkpoint's rename and the validation after it, and
between the random-state file and ``last_checkpoint``. The uninterrupted
run lists the events; ``N`` points are spread evenly over them, and the
points just after each checkpoint becomes visible are added.

Each run is a child forked from this process, which has made one whole
run first (``warm_up``). Every child appends
``[iteration, loss]`` (float hex) of each training step to
``OUT_DIR/<run>/losses.jsonl``.
"""
import json
import os
import signal
import sys
from pathlib import Path

import torch  # imported once, before forking

from mmmigrate.cli import main as cli
from mmmigrate.engine.logging import MessageHub
from mmmigrate.engine.runner import Runner

sys.path.insert(0, str(Path(__file__).parent))
import toy_project  # noqa: E402


def _instrument(kill_at, events: list, losses_path: Path) -> None:
    """Count events in this (child) process; SIGKILL just before event
    number ``kill_at`` (1-based)."""
    def tick(name: str) -> None:
        events.append(name)
        if len(events) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    call_hook, forward = Runner.call_hook, toy_project.ToyClassifier.forward
    fsync, replace = os.fsync, os.replace

    def counted_call_hook(self, fn_name, **kwargs):
        tick(f'hook:{fn_name}')
        return call_hook(self, fn_name, **kwargs)

    def counted_forward(self, inputs, labels=None, mode='tensor'):
        tick(f'forward:{mode}')
        out = forward(self, inputs, labels, mode)
        if mode == 'loss':
            step = MessageHub.get_current_instance().get_info('iter')
            with open(losses_path, 'a') as f:
                f.write(json.dumps([step, float(out['loss_cls']).hex()]) + '\n')
        return out

    def counted_fsync(fd):
        tick('fsync')
        return fsync(fd)

    def counted_replace(src, dst, **kwargs):
        name = os.path.basename(str(dst))
        tick(f'replace:{name}')
        replace(src, dst, **kwargs)
        tick(f'replaced:{name}')

    Runner.call_hook = counted_call_hook
    toy_project.ToyClassifier.forward = counted_forward
    os.fsync, os.replace = counted_fsync, counted_replace


def run_child(config: str, work_dir: Path, resume: bool, kill_at=None,
              events_file=None) -> int:
    """Train in a forked child; its exit status (negative: killed by that
    signal)."""
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            events = []
            _instrument(kill_at, events, work_dir / 'losses.jsonl')
            args = ['train', config, '--work-dir', str(work_dir)] + (['--resume'] if resume
                                                                     else [])
            try:
                cli.main(args, standalone_mode=False)
                code = 0
            except SystemExit as e:
                code = e.code if isinstance(e.code, int) else 1
            if events_file is not None:
                Path(events_file).write_text(json.dumps(events))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def choose_points(events: list, count: int) -> list:
    """``count`` points spread over the run, plus, for every checkpoint,
    the event right after it became visible and the middle of the span
    from there to the end of the validation that follows."""
    total = len(events)
    points = {1 + round(i * (total - 2) / (count - 1)) for i in range(count)}
    for index, name in enumerate(events):
        if name.startswith('replaced:') and name.endswith('.pth'):
            after = index + 2  # 1-based number of the event after the rename
            end = next((j for j in range(index, total)
                        if events[j] == 'hook:after_val_epoch'), total - 1)
            points.update({after, (after + end + 1) // 2})
    return sorted(p for p in points if 1 <= p < total)


def left_behind(work_dir: Path) -> dict:
    """What a killed run left: the checkpoints that do not load (none
    should), and whether the checkpoint ``last_checkpoint`` names has its
    random-state file."""
    unreadable = []
    for path in sorted(work_dir.glob('*.pth')):
        try:
            torch.load(path, weights_only=True)
        except Exception as e:
            unreadable.append(f'{path.name}: {type(e).__name__}')
    last = work_dir / 'last_checkpoint'
    named = last.read_text().strip() if last.exists() else None
    return dict(unreadable=unreadable, last_checkpoint=named and os.path.basename(named),
                last_has_random_state=named is None or os.path.exists(f'{named}.rng-rank0'))


def warm_up(config: str, work_dir: Path) -> None:
    """One whole run here, before any fork, so that each child starts with
    every lazy import done and trains in a fraction of a second. The toy
    process keeps torch to one thread (``main``), so no thread pool exists
    to be inherited half-made by the children."""
    import logging
    try:
        cli.main(['train', config, '--work-dir', str(work_dir)], standalone_mode=False)
    except SystemExit as e:
        if e.code:
            raise RuntimeError(f'the warm-up run failed with status {e.code}') from None
    for name in list(logging.Logger.manager.loggerDict):  # its log file handlers
        for handler in list(getattr(logging.getLogger(name), 'handlers', [])):
            handler.close()


def main(argv) -> int:
    config, out = argv[1], Path(argv[2])
    count = int(argv[argv.index('--points') + 1]) if '--points' in argv else 20
    torch.set_num_threads(1)  # OpenMP's threads do not survive a fork
    reference = out / 'uninterrupted'
    reference.mkdir(parents=True)
    warm_up(config, out / 'warm_up')
    status = run_child(config, reference, resume=False, events_file=out / 'events.json')
    if status != 0:
        print(f'the uninterrupted run failed with status {status}', file=sys.stderr)
        return 1
    events = json.loads((out / 'events.json').read_text())
    runs = []
    for point in choose_points(events, count):
        work_dir = out / f'killed_at_{point}'
        work_dir.mkdir()
        killed = run_child(config, work_dir, resume=False, kill_at=point)
        left = left_behind(work_dir)
        resumed = run_child(config, work_dir, resume=True)
        runs.append(dict(point=point, event=events[point - 1], killed=killed, resumed=resumed,
                         work_dir=str(work_dir), **left))
    (out / 'runs.json').write_text(json.dumps(dict(events=len(events), runs=runs), indent=1))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))

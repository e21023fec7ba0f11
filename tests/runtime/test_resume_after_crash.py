"""SIGKILL at any moment of a run, then ``mmmigrate train --resume``: the
resumed run ends bitwise equal to the uninterrupted one (parameters,
optimizer state, scheduler state, and every loss it computed), for an
epoch-based and an iteration-based loop. The toy model uses dropout, so the
random state must be resumed too.

kill_and_resume.py makes the runs: ``POINTS`` kill points spread over each
run's events (hook calls, forward passes, fsyncs and renames), plus the
points between each checkpoint becoming visible and the end of the
validation after it."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

HERE = Path(__file__).parent
POINTS = 20
CONFIGS = {'epoch': HERE / 'toy_config.py', 'iter': HERE / 'toy_config_iter.py'}
pytestmark = pytest.mark.slow


@pytest.fixture(scope='module', params=sorted(CONFIGS))
def killed_runs(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f'kill_{request.param}')
    proc = subprocess.run([sys.executable, str(HERE / 'kill_and_resume.py'),
                           str(CONFIGS[request.param]), str(out / 'runs'), '--points',
                           str(POINTS)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads((out / 'runs' / 'runs.json').read_text())
    summary['events_list'] = json.loads((out / 'runs' / 'events.json').read_text())
    summary['reference'] = out / 'runs' / 'uninterrupted'
    return summary


def final_checkpoint(work_dir) -> dict:
    last = (Path(work_dir) / 'last_checkpoint').read_text().strip()
    return torch.load(last, weights_only=True)


def losses(work_dir) -> list:
    return [tuple(json.loads(line))
            for line in (Path(work_dir) / 'losses.jsonl').read_text().splitlines()]


def assert_same(a, b, where: str) -> None:
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), where
        for key in a:
            assert_same(a[key], b[key], f'{where}.{key}')
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f'{where}[{index}]')
    else:
        assert a == b, where


def test_kill_points_cover_the_whole_run(killed_runs):
    events, runs = killed_runs['events_list'], killed_runs['runs']
    points = [run['point'] for run in runs]
    assert len(points) >= POINTS
    assert min(points) <= len(events) * 0.05 and max(points) >= len(events) * 0.95
    assert all(run['killed'] == -9 for run in runs)  # each run really died by SIGKILL
    kinds = {run['event'].split(':')[0] for run in runs}
    assert {'hook', 'forward', 'fsync', 'replace', 'replaced'} <= kinds
    # Between a periodic checkpoint becoming visible and training going on
    # after it (no training step since); among them, inside the validation
    # that follows the save.
    after_save = during_validation = 0
    for run in runs:
        before = events[:run['point'] - 1]
        saved = [i for i, e in enumerate(before) if e.startswith('replaced:') and
                 e.endswith('.pth') and 'best_' not in e]
        since = before[saved[-1]:] if saved else ['forward:loss']
        if 'forward:loss' not in since:
            after_save += 1
            during_validation += ('hook:before_val' in since and
                                  'hook:after_val_epoch' not in since)
    assert after_save >= 10 and during_validation >= 3


def test_every_resumed_run_ends_bitwise_equal_to_the_uninterrupted_one(killed_runs):
    expected = final_checkpoint(killed_runs['reference'])
    for run in killed_runs['runs']:
        where = f'killed at event {run["point"]} ({run["event"]})'
        assert run['resumed'] == 0, where
        actual = final_checkpoint(run['work_dir'])
        assert (actual['meta']['epoch'], actual['meta']['iter']) == (
            expected['meta']['epoch'], expected['meta']['iter']), where
        for key in ('state_dict', 'optimizer', 'param_schedulers'):
            assert_same(actual[key], expected[key], f'{where}: {key}')


def test_every_loss_computed_around_a_kill_is_the_uninterrupted_runs(killed_runs):
    expected = dict(losses(killed_runs['reference']))
    assert len(expected) == len(losses(killed_runs['reference']))  # one loss per iteration
    for run in killed_runs['runs']:
        seen = losses(run['work_dir'])
        assert {step for step, _ in seen} == set(expected), run['point']
        assert all(expected[step] == loss for step, loss in seen), run['point']


def test_a_kill_never_leaves_a_truncated_or_unresumable_checkpoint(killed_runs):
    for run in killed_runs['runs']:
        assert run['unreadable'] == [], run['point']
        assert run['last_has_random_state'], run['point']

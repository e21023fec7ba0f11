"""Kill training with SIGKILL mid-epoch and mid-checkpoint-write; then
``mmmigrate train --resume`` finishes with parameters bitwise equal to an
uninterrupted run, and no checkpoint is ever truncated. The model uses
dropout, so this also checks that the random state is resumed."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import torch

HERE = Path(__file__).parent
CONFIG = HERE / 'toy_config.py'
pytestmark = pytest.mark.slow


def train(work_dir: Path, *options, config: Path = CONFIG) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=f'{HERE}{os.pathsep}{os.environ.get("PYTHONPATH", "")}')
    return subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'train', str(config),
                           '--work-dir', str(work_dir), *options],
                          capture_output=True, text=True, env=env, timeout=300)


def final_weights(work_dir: Path) -> dict:
    last = (work_dir / 'last_checkpoint').read_text().strip()
    assert last.endswith('epoch_4.pth')
    return torch.load(last, weights_only=True)['state_dict']


def all_checkpoints_load(work_dir: Path) -> None:
    for path in work_dir.glob('*.pth'):
        torch.load(path, weights_only=True)  # raises on a truncated file
    assert not list(work_dir.glob('.*.tmp'))


@pytest.fixture(scope='module')
def uninterrupted(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('uninterrupted')
    proc = train(work_dir)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return final_weights(work_dir)


def assert_bitwise_equal(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_sigkill_in_the_middle_of_an_epoch(tmp_path, uninterrupted):
    # 8 iterations per epoch: iteration 19 is in the middle of epoch 3.
    crashed = train(tmp_path, '--cfg-options', 'custom_hooks.0.iteration=19',
                    config=HERE / 'toy_config_crash.py')
    assert crashed.returncode == -signal.SIGKILL
    assert (tmp_path / 'last_checkpoint').read_text().strip().endswith('epoch_2.pth')
    all_checkpoints_load(tmp_path)
    resumed = train(tmp_path, '--resume')
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert_bitwise_equal(final_weights(tmp_path), uninterrupted)


def test_sigkill_while_a_checkpoint_is_written(tmp_path, uninterrupted):
    crashed = train(tmp_path, '--cfg-options', 'custom_hooks.0.save_epoch=3',
                    config=HERE / 'toy_config_crash.py')
    assert crashed.returncode == -signal.SIGKILL
    # The interrupted write left a temporary file, never a truncated epoch_3.pth.
    assert not (tmp_path / 'epoch_3.pth').exists()
    assert list(tmp_path.glob('.epoch_3.pth.*.tmp'))
    assert (tmp_path / 'last_checkpoint').read_text().strip().endswith('epoch_2.pth')
    for path in tmp_path.glob('*.pth'):
        torch.load(path, weights_only=True)
    resumed = train(tmp_path, '--resume')
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    all_checkpoints_load(tmp_path)
    assert_bitwise_equal(final_weights(tmp_path), uninterrupted)

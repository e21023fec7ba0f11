"""Bad input stops with one clear message: from the API (an exception
naming the key) and from `mmmigrate train` (one line, exit code 2)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from mmmigrate.engine.config import Config
from mmmigrate.engine.registry import UnknownTypeError
from mmmigrate.engine.runner import CheckpointMismatchError, Runner

HERE = Path(__file__).parent
BASE = Config.fromfile(HERE / 'toy_config.py')


def runner_from(tmp_path, **overrides):
    import toy_project  # noqa: F401  (registers the toy classes)
    cfg = BASE.copy()
    cfg = Config(cfg.to_dict())
    cfg.work_dir = str(tmp_path)
    for key, value in overrides.items():
        cfg[key] = value
    return Runner.from_cfg(cfg)


def cli_train(tmp_path, *options):
    env = dict(os.environ, PYTHONPATH=f'{HERE}{os.pathsep}{os.environ.get("PYTHONPATH", "")}')
    return subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'train', str(HERE / 'toy_config.py'),
                           '--work-dir', str(tmp_path), *options], capture_output=True, text=True,
                          env=env, timeout=300)


def one_error_line(proc) -> str:
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert 'Traceback' not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith('mmmigrate train: error')]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_unknown_hook(tmp_path):
    with pytest.raises(UnknownTypeError, match="type='LogerHook' is not registered in the 'hook' "
                       "registry.*Did you mean: LoggerHook"):
        runner_from(tmp_path, default_hooks=dict(logger=dict(type='LogerHook')))
    line = one_error_line(cli_train(tmp_path, '--cfg-options', 'default_hooks.logger.type=LogerHook'))
    assert "'LogerHook'" in line and 'LoggerHook' in line


def test_unknown_loop(tmp_path):
    runner = runner_from(tmp_path, train_cfg=dict(type='EpochBasedTrainLop', max_epochs=1))
    with pytest.raises(UnknownTypeError, match="'loop' registry.*EpochBasedTrainLoop"):
        runner.train()


def test_dataloader_without_dataset(tmp_path):
    loader = dict(batch_size=4, sampler=dict(type='DefaultSampler', shuffle=True))
    runner = runner_from(tmp_path, train_dataloader=loader)
    with pytest.raises(KeyError, match='dataloader has no "dataset"'):
        runner.train()


def test_checkpoint_of_another_model(tmp_path):
    other = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))
    path = tmp_path / 'other.pth'
    torch.save({'state_dict': other.state_dict(), 'meta': {}}, path)
    runner = runner_from(tmp_path / 'run', load_from=str(path))
    with pytest.raises(CheckpointMismatchError, match='none of its 2 weights match the model '
                       'ToyClassifier'):
        runner.train()
    line = one_error_line(cli_train(tmp_path / 'cli', '--resume', str(path)))
    assert 'CheckpointMismatchError' in line and 'another model' in line


class _Payload:
    """Unpickling this would run a command: weights_only loading refuses it."""

    def __reduce__(self):
        return (os.system, ('echo pwned',))


@pytest.fixture(scope='module')
def one_epoch(tmp_path_factory):
    """A work dir after one epoch of the toy run."""
    work_dir = tmp_path_factory.mktemp('one_epoch')
    trained = cli_train(work_dir, '--cfg-options', 'train_cfg.max_epochs=1')
    assert trained.returncode == 0, trained.stderr[-2000:]
    return work_dir


def copy_of(work_dir: Path, target: Path) -> Path:
    import shutil
    shutil.copytree(work_dir, target)
    (target / 'last_checkpoint').write_text(str(target / 'epoch_1.pth'))
    return target


@pytest.mark.parametrize('content', [b'not a pickle at all', 'malicious', 'wrong shape'])
def test_a_bad_random_state_file_is_named(tmp_path, one_epoch, content):
    import io
    work_dir = copy_of(one_epoch, tmp_path / 'run')
    sidecar = work_dir / 'epoch_1.pth.rng-rank0'
    assert sidecar.exists()
    if content == 'malicious':
        buffer = io.BytesIO()
        torch.save({'python': _Payload()}, buffer)
        content = buffer.getvalue()
    elif content == 'wrong shape':
        buffer = io.BytesIO()
        torch.save({'python': [3, [1, 2], None], 'torch': torch.zeros(3, dtype=torch.uint8)},
                   buffer)
        content = buffer.getvalue()
    sidecar.write_bytes(content)
    line = one_error_line(cli_train(work_dir, '--resume', '--cfg-options',
                                    'train_cfg.max_epochs=2'))
    assert 'RandomStateError' in line and str(sidecar) in line and 'delete it' in line


def test_resuming_a_checkpoint_without_its_random_state_says_so(tmp_path, one_epoch):
    work_dir = copy_of(one_epoch, tmp_path / 'run')
    sidecar = work_dir / 'epoch_1.pth.rng-rank0'
    sidecar.unlink()
    resumed = cli_train(work_dir, '--resume', '--cfg-options', 'train_cfg.max_epochs=2')
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    output = resumed.stdout + resumed.stderr
    assert f'{sidecar} is missing' in output and 'may differ' in output
    assert (work_dir / 'epoch_2.pth.rng-rank0').exists()


def test_resume_needs_matching_shapes(tmp_path):
    import toy_project
    source = toy_project.ToyClassifier(hidden=8)
    path = tmp_path / 'narrow.pth'
    torch.save({'state_dict': source.state_dict(), 'meta': dict(epoch=1, iter=8),
                'message_hub': dict(log_scalars={}, runtime_info={}, resumed_keys={})}, path)
    runner = runner_from(tmp_path / 'run', load_from=str(path), resume=True)
    with pytest.raises(CheckpointMismatchError, match='other shapes than the model'):
        runner.train()


def test_nan_loss(tmp_path):
    data = dict(type='ToyPoints', nan_at=9)
    loader = dict(BASE.train_dataloader.to_dict(), dataset=data,
                  sampler=dict(type='DefaultSampler', shuffle=False))
    runner = runner_from(tmp_path, train_dataloader=loader)
    with pytest.raises(FloatingPointError, match='not finite at epoch 1, iteration 3'):
        runner.train()


def test_non_finite_element_of_an_unreduced_loss(tmp_path):
    """A custom train_step may return a per-sample loss (which the message
    hub would refuse, so RuntimeInfoHook is left out): any non-finite element
    stops training; an all-finite one (or an empty one) trains."""
    from mmmigrate.engine.model import BaseModel

    class PerSample(BaseModel):
        def __init__(self, losses):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.zeros(1))
            self.losses = losses

        def forward(self, *args, mode='tensor'):
            return self.weight

        def train_step(self, data, optim_wrapper):
            return dict(loss=self.losses.pop(0))

    def train(losses, name):
        runner = Runner(model=PerSample(losses), work_dir=str(tmp_path / name),
                        train_dataloader=dict(dataset=[0, 1, 2],
                                              sampler=dict(type='DefaultSampler', shuffle=False),
                                              batch_size=1, collate_fn=dict(type='default_collate')),
                        train_cfg=dict(by_epoch=True, max_epochs=1),
                        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
                        default_hooks=dict(checkpoint=None, runtime_info=None))
        runner.train()

    train([torch.ones(2), torch.ones(0), torch.ones(3, 1)], 'finite')
    with pytest.raises(FloatingPointError, match='not finite at epoch 1, iteration 2'):
        train([torch.ones(2), torch.tensor([1.0, float('inf')]), torch.ones(2)], 'inf')


def test_missing_config_file_and_bad_option():
    proc = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'train', 'no_such.py'],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and 'does not exist' in proc.stderr


def test_debug_shows_the_traceback(tmp_path):
    proc = cli_train(tmp_path, '--debug', '--cfg-options', 'default_hooks.logger.type=LogerHook')
    assert proc.returncode != 0 and 'Traceback' in proc.stderr

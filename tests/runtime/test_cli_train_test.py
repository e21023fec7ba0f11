"""`mmmigrate train` and `mmmigrate test` on a small project."""
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import torch

HERE = Path(__file__).parent
CONFIG = HERE / 'toy_config.py'
pytestmark = pytest.mark.slow


def cli(*args, cwd=None):
    env = dict(os.environ, PYTHONPATH=f'{HERE}{os.pathsep}{os.environ.get("PYTHONPATH", "")}')
    return subprocess.run([sys.executable, '-m', 'mmmigrate.cli', *args], capture_output=True,
                          text=True, env=env, timeout=300, cwd=cwd)


def test_train_then_test(tmp_path):
    proc = cli('train', str(CONFIG), '--work-dir', str(tmp_path), '--cfg-options',
               'train_cfg.max_epochs=2', 'default_hooks.checkpoint.max_keep_ckpts=1')
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(p.name for p in tmp_path.glob('epoch_*.pth')) == ['epoch_2.pth']
    logs = list(tmp_path.glob('*/*.log'))
    assert len(logs) == 1 and 'Epoch(train) [2][8/8]' in logs[0].read_text()
    assert (tmp_path / 'toy_config.py').exists()  # the config is dumped in the work dir
    scalars = list(tmp_path.glob('*/vis_data/scalars.json'))
    assert scalars and '"toy/acc"' in scalars[0].read_text()

    out = tmp_path / 'preds.pkl'
    proc = cli('test', str(CONFIG), '--checkpoint', str(tmp_path / 'epoch_2.pth'),
               '--work-dir', str(tmp_path / 'test'), '--out', str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.splitlines()[-1].startswith('toy/acc: 0.')  # after the log lines
    with open(out, 'rb') as f:
        assert len(pickle.load(f)) == 12


def test_amp_and_auto_scale_lr(tmp_path):
    proc = cli('train', str(CONFIG), '--work-dir', str(tmp_path), '--amp', '--auto-scale-lr',
               '--cfg-options', 'train_cfg.max_epochs=1')
    assert proc.returncode == 0, proc.stderr[-3000:]
    log = next(tmp_path.glob('*/*.log')).read_text()
    assert 'Scaling the original LR by 2.0' in log
    checkpoint = torch.load(tmp_path / 'epoch_1.pth', weights_only=True)
    assert 'loss_scaler' in checkpoint['optimizer']


def test_work_dir_defaults_to_work_dirs_config_name(tmp_path):
    proc = cli('train', str(CONFIG), '--cfg-options', 'train_cfg.max_epochs=1', cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / 'work_dirs' / 'toy_config' / 'epoch_1.pth').exists()

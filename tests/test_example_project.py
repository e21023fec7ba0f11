"""The README's main job: `mmmigrate convert` the legacy example project
(examples/legacy_project, MMCV 1.x style), then train the result on the
bundled engine. Its per-iteration loss and lr must be those of the legacy
project trained on real MMCV 1.7.2 (tests/fixtures/example, recorded by
record_mmcv_history.sh there with the project's own LossHistoryHook)."""
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEGACY = ROOT / 'examples' / 'legacy_project'
RECORDED = ROOT / 'tests' / 'fixtures' / 'example' / 'mmcv_1.7.2_history.jsonl'
CLI = [sys.executable, '-m', 'mmmigrate.cli']


def _history(path: Path) -> list:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.recorded_numerics
def test_converted_example_trains_as_the_legacy_project_did(tmp_path):
    converted = tmp_path / 'converted'
    out = subprocess.run(CLI + ['convert', str(LEGACY), '--out-dir', str(converted)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    for source in converted.rglob('*.py'):  # nothing of MMCV 1.x is left to import
        assert 'mmcv' not in source.read_text(), source
    work_dir = tmp_path / 'work_dir'
    run = subprocess.run(CLI + ['run', str(converted / 'tools' / 'train.py'),
                                str(converted / 'configs' / 'toy_regression.py'),
                                '--work-dir', str(work_dir)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    ours, legacy = _history(work_dir / 'history.jsonl'), _history(RECORDED)
    assert [(r['epoch'], r['batch'], r['iter']) for r in ours] == \
        [(r['epoch'], r['batch'], r['iter']) for r in legacy]
    # The forward, the loss reduction, clipping and the SGD step are the same
    # arithmetic on both sides: the losses are bitwise equal.
    assert [r['loss'] for r in ours] == [r['loss'] for r in legacy]
    # During warm-up MMCV computes lr = base * (1 - (1 - i/W) * (1 - ratio))
    # directly while LinearLR multiplies chained factors: they differ in the
    # last bit (relative 2e-16), never more.
    for mine, theirs in zip(ours, legacy):
        assert math.isclose(mine['lr'], theirs['lr'], rel_tol=1e-12, abs_tol=0), (mine, theirs)
    assert (work_dir / 'epoch_3.pth').exists()


def test_converting_the_converted_example_changes_nothing(tmp_path):
    converted = tmp_path / 'converted'
    subprocess.run(CLI + ['convert', str(LEGACY), '--out-dir', str(converted)],
                   capture_output=True, check=True, timeout=300)
    again = subprocess.run(CLI + ['convert', str(converted), '--check'],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr


RESUME = '''
import json, sys, torch
from mmmigrate.engine.alias import install_mmengine_alias
install_mmengine_alias(prefer_bundled=True)
import mmmigrate.compat.checkpoint  # the Runner then resumes MMCV checkpoints directly
from mmengine.config import Config
from mmengine.runner import Runner
converted, checkpoint, work_dir = sys.argv[1:4]
sys.path.insert(0, converted)
from toyproj import build_model, build_train_loader
cfg = Config.fromfile(f'{converted}/configs/toy_regression.py')
model = build_model(cfg.model)
runner = Runner(model=model, work_dir=work_dir,
                train_dataloader=build_train_loader(cfg.model.in_channels, 8),
                optim_wrapper=cfg.optim_wrapper, param_scheduler=cfg.param_scheduler,
                train_cfg=cfg.train_cfg, default_hooks=cfg.default_hooks,
                custom_hooks=cfg.custom_hooks, load_from=checkpoint, resume=True, cfg=cfg)
runner.train()
print(json.dumps({name: value.tolist() for name, value in model.state_dict().items()}))
'''


@pytest.mark.recorded_numerics
def test_resuming_the_mmcv_checkpoint_finishes_like_the_uninterrupted_mmcv_run(tmp_path):
    """The legacy project's epoch_1.pth from real MMCV 1.7.2, resumed by the
    converted project on the bundled engine: epochs 2 and 3 have MMCV's
    losses and lr (the lr schedule is replayed to epoch 1: the checkpoint
    holds no scheduler state), and the run ends with MMCV's parameters."""
    converted = tmp_path / 'converted'
    subprocess.run(CLI + ['convert', str(LEGACY), '--out-dir', str(converted)],
                   capture_output=True, check=True, timeout=300)
    work_dir = tmp_path / 'work_dir'
    out = subprocess.run([sys.executable, '-c', RESUME, str(converted),
                          str(RECORDED.with_name('mmcv_1.7.2_epoch_1.pth')), str(work_dir)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    ours = _history(work_dir / 'history.jsonl')
    legacy = [r for r in _history(RECORDED) if r['epoch'] >= 1]
    assert [(r['epoch'], r['iter']) for r in ours] == [(r['epoch'], r['iter']) for r in legacy]
    assert [r['loss'] for r in ours] == [r['loss'] for r in legacy]
    for mine, theirs in zip(ours, legacy):
        assert math.isclose(mine['lr'], theirs['lr'], rel_tol=1e-12, abs_tol=0), (mine, theirs)
    final = json.loads(out.stdout.strip().splitlines()[-1])
    assert final == json.loads(RECORDED.with_name('mmcv_1.7.2_final_params.json').read_text())


def test_mmmigrate_checkpoint_writes_the_mmengine_layout(tmp_path):
    import torch
    target = tmp_path / 'epoch_1.pth'
    out = subprocess.run(CLI + ['checkpoint', str(RECORDED.with_name('mmcv_1.7.2_epoch_1.pth')),
                                str(target)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    converted = torch.load(target, weights_only=True)
    assert {'meta', 'state_dict', 'optimizer', 'message_hub'} <= set(converted)
    assert (converted['meta']['epoch'], converted['meta']['iter']) == (1, 8)
    assert converted['message_hub']['runtime_info'] == dict(epoch=1, iter=8)
    again = subprocess.run(CLI + ['checkpoint', str(target), str(tmp_path / 'x.pth')],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and 'not an MMCV 1.x runner checkpoint' in again.stderr

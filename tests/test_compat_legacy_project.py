"""The legacy example project's own code, unconverted, on the bundled
engine through compat: its model (`LegacyModel`), its MMCV-style hook
(`mmcv.runner.Hook` served by the shim as `LegacyHook`) and its MMCV 1.x
configs (translated at load time). The per-iteration loss and lr its hook
writes must be those of the same project on real MMCV 1.7.2."""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / 'examples' / 'legacy_project'
RECORDED = ROOT / 'tests' / 'fixtures' / 'example' / 'mmcv_1.7.2_history.jsonl'

SCRIPT = '''
import sys, torch
from mmmigrate.compat.mmcv_shim import install_mmcv_shim
assert install_mmcv_shim()
from mmmigrate.compat.config import upgrade_legacy_config
from mmmigrate.compat.model import LegacyModel
from mmengine.config import Config
from mmengine.runner import Runner
project, work_dir = sys.argv[1:3]
sys.path.insert(0, project)
from toyproj import build_model, build_train_loader  # the legacy code, as it is
cfg = Config.fromfile(f'{project}/configs/toy_regression.py')
upgrade_legacy_config(cfg)
torch.manual_seed(0)  # tools/train.py's --seed default
model = LegacyModel(build_model(cfg.model))
runner = Runner(model=model, work_dir=work_dir, train_dataloader=build_train_loader(8, 8),
                optim_wrapper=cfg.optim_wrapper, param_scheduler=cfg.param_scheduler,
                train_cfg=cfg.train_cfg, default_hooks=cfg.default_hooks,
                custom_hooks=cfg.custom_hooks, cfg=cfg)
runner.train()
'''


@pytest.mark.recorded_numerics
def test_legacy_project_runs_unchanged_through_compat(tmp_path):
    work_dir = tmp_path / 'work_dir'
    out = subprocess.run([sys.executable, '-c', SCRIPT, str(PROJECT), str(work_dir)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr[-3000:]
    ours = [json.loads(line) for line in (work_dir / 'history.jsonl').read_text().splitlines()]
    legacy = [json.loads(line) for line in RECORDED.read_text().splitlines()]
    assert [(r['epoch'], r['batch'], r['iter']) for r in ours] == \
        [(r['epoch'], r['batch'], r['iter']) for r in legacy]
    assert [r['loss'] for r in ours] == [r['loss'] for r in legacy]
    for mine, theirs in zip(ours, legacy):  # warm-up lr: last bit (see test_example_project)
        assert math.isclose(mine['lr'], theirs['lr'], rel_tol=1e-12, abs_tol=0)


@pytest.mark.recorded_numerics
def test_legacy_script_unchanged_and_converted_give_mmcvs_trajectory(tmp_path):
    """tools/train.py itself (Config, EpochBasedRunner, MMDataParallel,
    build_optimizer, get_logger, register_training_hooks, run), unchanged,
    through `mmmigrate run --mmcv-shim`; and the project converted by
    `mmmigrate convert`, run as the README runs it. Both give MMCV 1.7.2's
    per-iteration loss (bitwise) and lr, so also each other's, and log what
    MMCV's logger logged."""
    runs = {}
    work_dir = tmp_path / 'unchanged'
    out = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'run', '--mmcv-shim',
                          'tools/train.py', 'configs/toy_regression.py', '--work-dir',
                          str(work_dir)], capture_output=True, text=True, timeout=300,
                         cwd=PROJECT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr[-3000:]
    runs['unchanged'] = work_dir / 'history.jsonl'
    converted, work_dir = tmp_path / 'converted', tmp_path / 'converted_run'
    for command in (['convert', str(PROJECT), '--out-dir', str(converted)],
                    ['run', str(converted / 'tools' / 'train.py'),
                     str(converted / 'configs' / 'toy_regression.py'), '--work-dir',
                     str(work_dir)]):
        out = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', *command],
                             capture_output=True, text=True, timeout=300, cwd=tmp_path,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)))
        assert out.returncode == 0, out.stderr[-3000:]
    runs['converted'] = work_dir / 'history.jsonl'
    legacy = [json.loads(line) for line in RECORDED.read_text().splitlines()]
    histories = {name: [json.loads(line) for line in path.read_text().splitlines()]
                 for name, path in runs.items()}
    for ours in histories.values():
        assert [(r['epoch'], r['iter']) for r in ours] == \
            [(r['epoch'], r['iter']) for r in legacy]
        assert [r['loss'] for r in ours] == [r['loss'] for r in legacy]
        for mine, theirs in zip(ours, legacy):
            assert math.isclose(mine['lr'], theirs['lr'], rel_tol=1e-12, abs_tol=0)
    assert histories['unchanged'] == histories['converted']
    # what the logger printed: the window averages of the losses, the
    # gradient norm and the best loss the project's hook writes to the log
    # buffer. Unchanged, the script's TextLoggerHook is MMCV's: its
    # <timestamp>.log.json holds MMCV's records (timings aside); converted,
    # the engine's logger writes the same values to its scalar file
    mmcv_log = [json.loads(line) for line in RECORDED.with_name('mmcv_1.7.2_log.json')
                .read_text().splitlines()]
    timings = ('time', 'data_time', 'memory')
    unchanged_log = next(runs['unchanged'].parent.glob('*.log.json')).read_text().splitlines()
    records = [json.loads(line) for line in unchanged_log]
    assert [{k: v for k, v in r.items() if k not in timings} for r in records
            if 'mode' in r] == [{k: v for k, v in r.items() if k not in timings}
                                for r in mmcv_log]
    keys = ('loss', 'loss_mse', 'loss_l1', 'grad_norm', 'best_loss', 'lr')
    scalars = next(runs['converted'].parent.glob('*/vis_data/scalars.json'))
    logged = [json.loads(line) for line in scalars.read_text().splitlines()]
    assert [(r['epoch'], round(r[k], 5)) for r in logged for k in keys] == \
        [(r['epoch'], r[k]) for r in mmcv_log for k in keys]


SEED000 = '''
import json, sys
from mmmigrate.compat.mmcv_shim import install_mmcv_shim
assert install_mmcv_shim()
sys.path.insert(0, sys.argv[1])
from record_seed000_script import SCRIPT, run
print(json.dumps(run(SCRIPT)))
'''


@pytest.mark.recorded_numerics
def test_seed000_legacy_sample_runs_unchanged_with_the_shim(tmp_path):
    """Seed 000's MMCV sample (mmcv.runner.Runner, register_training_hooks,
    run) as written: the parameters real MMCV 1.7.2 ended with."""
    fixtures = ROOT / 'tests' / 'fixtures' / 'compat'
    out = subprocess.run([sys.executable, '-c', SEED000, str(fixtures)], capture_output=True,
                         text=True, timeout=300, cwd=tmp_path,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr[-3000:]
    ours = json.loads(out.stdout.strip().splitlines()[-1])
    assert ours == json.loads((fixtures / 'mmcv_seed000_script.json').read_text())


SEED002 = '''
import json
import sys
import torch
import torch.nn as nn
from mmmigrate.compat.mmcv_shim import install_mmcv_shim
assert install_mmcv_shim()
from mmcv.runner import HOOKS, Hook


class ResNet18(nn.Module):  # a small stand-in with the MMCV model contract
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def train_step(self, data, optimizer):
        x, y = data
        loss = nn.functional.cross_entropy(self.fc(x), y)
        return dict(loss=loss, log_vars=dict(loss=loss.item()), num_samples=len(x))


@HOOKS.register_module()
class NumClassCheckHook(Hook):  # mmdet's hook of that name, as a stand-in
    epochs = []

    def before_train_epoch(self, runner):
        self.epochs.append((runner.epoch, runner.optimizer.param_groups[0]['lr']))


torch.manual_seed(0)
trainloader = torch.utils.data.DataLoader(
    list(zip(torch.randn(16, 4), torch.randint(0, 3, (16,)))), batch_size=4)
# seed 002's MMCV sample as written (the `convert` fixture holding it)
sample = sys.argv[1]
exec(compile(open(sample).read(), sample, 'exec'))
print(json.dumps(dict(epochs=NumClassCheckHook.epochs, iter=runner.iter)))
'''


def test_seed002_legacy_sample_runs_unchanged_with_the_shim(tmp_path):
    """Seed 002's MMCV sample (register_training_hooks with lr, optimizer,
    checkpoint, log and custom hook configs) does what it did on real MMCV
    1.7.2 (run there, with the `logger=` MMCV requires among the arguments
    the document elides as `xxx`: the values below): the custom hook runs every epoch,
    `step=[2, 3]` divides the lr by 10 from the third epoch on, and with
    interval 5 the only checkpoint is the last epoch's (MMCV's save_last)."""
    sample = ROOT / 'tests' / 'fixtures' / 'convert' / 'runner' / \
        'seed002_register_training_hooks.in.py'
    out = subprocess.run([sys.executable, '-c', SEED002, str(sample)], capture_output=True,
                         text=True, timeout=300, cwd=tmp_path,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {'epochs': [[0, 0.001], [1, 0.001], [2, 0.0001]], 'iter': 12}
    # latest.pth links to it, as MMCV linked it
    assert sorted(p.name for p in (tmp_path / 'work_dir').glob('*.pth')) == \
        ['epoch_3.pth', 'latest.pth']

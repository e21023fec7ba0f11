"""Legacy MMCV training scripts, unchanged, through the `mmcv` shim
(tests/fixtures/compat/legacy_scripts): each was run as it is on real
MMCV 1.7.2 (record_legacy_scripts.sh; results in <name>.mmcv.json). On the
bundled engine each must end with the same parameters and checkpoints, with
the same loss at every iteration and the same lr to the last bit.

ddp_two_processes runs as two processes (gloo), each under `mmmigrate run
--mmcv-shim`; both must end with MMCV's parameters: the gradients are
averaged across them as MMCV's wrapper averaged them.

fp16_on_cpu: without CUDA, MMCV's GradScaler switched itself off; the
engine's CPU GradScaler multiplies the loss by the static scale 512 and
divides the gradients by it again, exact for a power of two, so the
parameters are still bitwise MMCV's."""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / 'tests' / 'fixtures' / 'compat' / 'legacy_scripts'
CASES = sorted(p.stem for p in SCRIPTS.glob('*.py') if p.stem != 'common')
RUN = '''
import sys
from mmmigrate.compat.mmcv_shim import install_mmcv_shim
assert install_mmcv_shim()
sys.path.insert(0, '.')
exec(compile(open(sys.argv[1]).read(), sys.argv[1], 'exec'), {'__name__': '__main__'})
'''


def _command(case: str) -> list:
    if case.startswith('ddp_'):  # two processes, each through `mmmigrate run --mmcv-shim`
        return [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
                f'--master_port={_free_port()}', '-m', 'mmmigrate.cli', 'run', '--mmcv-shim',
                f'{case}.py']
    return [sys.executable, '-c', RUN, f'{case}.py']


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.recorded_numerics
@pytest.mark.parametrize('case', CASES)
def test_legacy_script_matches_its_mmcv_run(case):
    out = subprocess.run(_command(case), capture_output=True, text=True, timeout=300,
                         cwd=SCRIPTS, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    # the first lines too: a failing process of a two-process run reports there
    assert out.returncode == 0, out.stderr[:3000] + '\n...\n' + out.stderr[-3000:]
    ours = json.loads(out.stdout.strip().splitlines()[-1])
    legacy = json.loads((SCRIPTS / f'{case}.mmcv.json').read_text())
    assert ours['params'] == legacy['params']  # the same arithmetic: bitwise
    assert ours['checkpoints'] == legacy['checkpoints']  # latest.pth linked too
    assert [row[:2] for row in ours['history']] == [row[:2] for row in legacy['history']]
    for mine, theirs in zip(ours['history'], legacy['history']):
        # MMCV computes each lr directly, the schedulers chain factors
        assert math.isclose(mine[2], theirs[2], rel_tol=1e-12, abs_tol=0), (mine, theirs)
    # the val phases of a workflow: the same hook points, epoch, iteration,
    # batch index, mode and val_step outputs, in the same order
    assert ours.get('validation') == legacy.get('validation')
    # ddp_*: the second process's losses and parameters
    assert ours.get('rank1') == legacy.get('rank1')


def _facade_run(runner_cls, workflow, max_length, val_loader=None, **kwargs):
    """A facade run of the scripts' model in this process: (facade, hook rows)."""
    import torch
    from torch.utils.data import DataLoader

    from mmmigrate.compat.hooks import LegacyHook
    from mmmigrate.compat.runner import EpochBasedRunner

    class Metrics(LegacyHook):
        def __init__(self):
            self.rows = []

        def after_val_iter(self, runner):
            self.rows.append((runner.outputs['log_vars']['loss'],
                              runner.outputs['num_samples']))

    class Regressor(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(4, 1)

        def train_step(self, data, optimizer=None):
            x, y = data
            loss = ((self.linear(x).squeeze(1) - y) ** 2).mean()
            return dict(loss=loss, log_vars=dict(loss=loss.item()), num_samples=len(x))

        def val_step(self, data, optimizer=None):
            return self.train_step(data)

    torch.manual_seed(0)
    x = torch.randn(10, 4)
    loader = DataLoader(list(zip(x, x.sum(1))), batch_size=4)  # batches of 4, 4 and 2
    model = Regressor()
    length = 'max_epochs' if runner_cls is EpochBasedRunner else 'max_iters'
    facade = runner_cls(model, optimizer=torch.optim.SGD(model.parameters(), lr=0.01),
                        work_dir=kwargs.pop('work_dir'), **{length: max_length})
    facade.register_training_hooks(lr_config=None, optimizer_config=dict(grad_clip=None))
    hook = Metrics()
    facade.register_hook(hook)
    facade.run([loader, val_loader or loader], workflow)
    return facade, hook.rows


def test_val_epoch_metrics_are_mmcvs_sample_weighted_mean(tmp_path):
    """MMCV's LogBuffer averaged a val epoch's log_vars weighted by
    num_samples; the facade hands that mean to after_val_epoch as metrics,
    and the logger prints it."""
    from mmmigrate.compat.runner import EpochBasedRunner
    facade, rows = _facade_run(EpochBasedRunner, [('train', 1), ('val', 1)], 2,
                               work_dir=str(tmp_path))
    assert [n for _, n in rows] == [4, 4, 2, 4, 4, 2]
    last_epoch = rows[3:]
    weighted = sum(v * n for v, n in last_epoch) / sum(n for _, n in last_epoch)
    logged = facade._engine.message_hub.get_scalar('val/loss').current()
    assert math.isclose(logged, weighted, rel_tol=1e-12)
    assert not math.isclose(logged, sum(v for v, _ in last_epoch) / 3, rel_tol=1e-9)


@pytest.mark.parametrize('workflow,error', [
    ([('train', 1), ('test', 1)], 'runner has no method named "test"'),
    ([('train', 1)], 'give one loader per phase'),
    ([('val', 1), ('val', 1)], 'one train phase'),
])
def test_workflows_mmcv_would_refuse_are_refused(workflow, error, tmp_path):
    from mmmigrate.compat.runner import EpochBasedRunner
    with pytest.raises((ValueError, NotImplementedError), match=error):
        _facade_run(EpochBasedRunner, workflow, 1, work_dir=str(tmp_path))

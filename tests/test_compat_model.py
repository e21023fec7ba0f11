"""Legacy MMCV models unchanged on the bundled engine (`mmmigrate.compat.
LegacyModel`). Each case of tests/fixtures/compat/legacy_models.py was
trained on real MMCV 1.7.2 (record_mmcv_runs.py there; results in
mmcv_<case>.json); here the same model object trains in the engine's
Runner, with the optimizer settings the config translator makes of the
case's lr_config / optimizer_config."""
import json
import math
import sys
from pathlib import Path

import pytest
import torch

from mmmigrate.compat.model import LegacyModel
from mmmigrate.engine.hooks import Hook
from mmmigrate.engine.optim import OptimWrapper
from mmmigrate.engine.runner import Runner
from mmmigrate.migrate.translate import BuiltOptimizer, translate_config

FIXTURES = Path(__file__).resolve().parent / 'fixtures' / 'compat'
sys.path.insert(0, str(FIXTURES))
from legacy_models import build  # noqa: E402


class Recorder(Hook):
    def __init__(self):
        self.rows = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        lr = runner.optim_wrapper.get_lr()
        lr = lr['lr'][0] if 'lr' in lr else {k.rsplit('.', 1)[0]: v[0]
                                             for k, v in sorted(lr.items())}
        # the adapter logs log_vars itself (weighted); MMCV's output dict is here
        self.rows.append(dict(iter=runner.iter, lr=lr,
                              log_vars=dict(runner.model.last_outputs['log_vars'])))


def _run(case: str, tmp_path: Path) -> tuple:
    model, optimizer, loader, settings = build(case)
    recorder = Recorder()
    if isinstance(optimizer, dict):  # several: an OptimWrapperDict of the same objects
        new = dict(optim_wrapper={n: OptimWrapper(o) for n, o in optimizer.items()},
                   train_cfg=dict(by_epoch=True, max_epochs=settings['max_epochs']))
    else:
        legacy = dict(optimizer=BuiltOptimizer('optimizer'),
                      runner=dict(type='EpochBasedRunner', max_epochs=settings['max_epochs']))
        legacy.update({k: v for k, v in settings.items() if k.endswith('_config') and v})
        new = translate_config(legacy).new
        new['optim_wrapper']['optimizer'] = optimizer
    runner = Runner(model=LegacyModel(model), work_dir=str(tmp_path), train_dataloader=loader,
                    optim_wrapper=new['optim_wrapper'],
                    param_scheduler=new.get('param_scheduler'), train_cfg=new['train_cfg'],
                    default_hooks=dict(checkpoint=None), custom_hooks=[recorder])
    runner.train()
    return recorder.rows, {k: v.tolist() for k, v in model.state_dict().items()}


def _close(a, b, rel):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], rel) for k in a)
    return math.isclose(a, b, rel_tol=rel, abs_tol=0)


@pytest.mark.recorded_numerics
@pytest.mark.parametrize('case', ['seed_toy', 'gan'])
def test_legacy_model_trains_as_on_mmcv(case, tmp_path):
    history, params = _run(case, tmp_path)
    recorded = json.loads((FIXTURES / f'mmcv_{case}.json').read_text())
    assert [r['iter'] for r in history] == [r['iter'] for r in recorded['history']]
    for ours, theirs in zip(history, recorded['history']):
        # the model computes its own losses: the same arithmetic, bitwise
        assert ours['log_vars'] == theirs['log_vars'], (ours, theirs)
        # MMCV computes step lr directly, MultiStepLR multiplies: last bit
        assert _close(ours['lr'], theirs['lr'], 1e-12), (ours, theirs)
    assert params == recorded['params']


def test_a_module_without_the_contract_is_refused():
    with pytest.raises(TypeError, match='MMCV model contract'):
        LegacyModel(torch.nn.Linear(1, 1))


def test_log_vars_are_averaged_as_mmcv_log_buffer_did(tmp_path):
    """Batches of 4, 4 and 2 samples: MMCV's LogBuffer.average weighted each
    iteration's value by its num_samples; so does the engine's logged mean of
    a loss. A key the engine logs as its latest value (an accuracy) is that
    value, not multiplied by the samples (mmseg's decode.acc_seg)."""
    from torch.utils.data import DataLoader

    class Constant(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def train_step(self, data, optimizer=None):
            loss = (self.w - 1).pow(2).sum()
            return dict(loss=loss, log_vars=dict(loss_samples=float(len(data)),
                                                 acc=10.0 * len(data)),
                        num_samples=len(data))

    runner = Runner(model=LegacyModel(Constant()), work_dir=str(tmp_path),
                    train_dataloader=DataLoader(torch.zeros(10, 1), batch_size=4),
                    optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
                    train_cfg=dict(by_epoch=True, max_epochs=1),
                    default_hooks=dict(checkpoint=None))
    runner.train()
    logged = runner.message_hub.get_scalar('train/loss_samples')
    # (4*4 + 4*4 + 2*2) / (4 + 4 + 2), as LogBuffer.average(3); a plain mean would be 10/3
    assert logged.mean(3) == 36 / 10
    assert runner.message_hub.get_scalar('train/acc').current() == 20.0

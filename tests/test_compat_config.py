"""MMCV 1.x configs at run time (`mmmigrate.compat.config`): `mmmigrate
train legacy.py` trains exactly as `mmmigrate config legacy.py -o new.py`
followed by `mmmigrate train new.py` does (the same translator, applied to
loaded values instead of source text)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mmmigrate.compat.config import LegacyConfigError, upgrade_legacy_config
from mmmigrate.engine.config import Config

ROOT = Path(__file__).resolve().parents[1]
LEGACY = ROOT / 'tests' / 'fixtures' / 'compat' / 'toy_classification_legacy.py'
CLI = [sys.executable, '-m', 'mmmigrate.cli']


def _scalars(work_dir: Path) -> list:
    files = sorted(work_dir.rglob('scalars.json'))
    assert files, f'no scalars.json under {work_dir}'
    rows = [json.loads(line) for line in files[-1].read_text().splitlines()]
    return [{k: v for k, v in row.items() if 'time' not in k and k != 'eta'} for row in rows]


def test_runtime_translation_trains_as_the_static_conversion(tmp_path):
    converted = tmp_path / 'converted.py'
    out = subprocess.run(CLI + ['config', str(LEGACY), '-o', str(converted)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    runs = {}
    for name, config in (('runtime', LEGACY), ('static', converted)):
        work_dir = tmp_path / name
        out = subprocess.run(CLI + ['train', str(config), '--work-dir', str(work_dir)],
                             capture_output=True, text=True, cwd=ROOT, timeout=300)
        assert out.returncode == 0, out.stderr[-3000:]
        runs[name] = (_scalars(work_dir), out.stderr)
    assert runs['runtime'][0] == runs['static'][0]
    assert len(runs['runtime'][0]) >= 8  # 19 iterations x 4 epochs, logged every 5
    assert 'MMCV 1.x config: ' in runs['runtime'][1]  # the translation is reported once
    assert runs['runtime'][1].count('MMCV 1.x config: ') == 1


def test_an_mmengine_config_is_left_alone():
    cfg = Config(dict(optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
                      train_cfg=dict(by_epoch=True, max_epochs=1)))
    assert upgrade_legacy_config(cfg) == []
    assert cfg.to_dict() == dict(optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
                                 train_cfg=dict(by_epoch=True, max_epochs=1))


def test_an_untranslatable_key_stops_with_its_name():
    cfg = Config(dict(optimizer=dict(type='SGD', lr=0.1),
                      optimizer_config=dict(type='MyOwnOptimizerHook')))
    with pytest.raises(LegacyConfigError, match='optimizer_config.*optimizer-hook-custom'):
        upgrade_legacy_config(cfg)


@pytest.mark.parametrize('given,expected', [
    (None, dict(type='LegacyDistributedDataParallel', broadcast_buffers=False,
                find_unused_parameters=True)),
    ('MMDistributedDataParallel', dict(type='LegacyDistributedDataParallel',
                                       broadcast_buffers=False, find_unused_parameters=True)),
    (dict(type='MyWrapper'), dict(type='MyWrapper')),  # the user's own stays
])
def test_a_legacy_model_gets_mmcvs_distributed_wrapper(given, expected):
    from mmmigrate.compat.config import use_legacy_wrapper
    cfg = Config(dict(model=dict(type='LegacyModel', module=dict(type='X')),
                      find_unused_parameters=True))
    if given is not None:
        cfg['model_wrapper_cfg'] = given
    use_legacy_wrapper(cfg)
    assert cfg.to_dict()['model_wrapper_cfg'] == expected
    plain = Config(dict(model=dict(type='ToyModel')))
    use_legacy_wrapper(plain)
    assert 'model_wrapper_cfg' not in plain


LEGACY_BASE = ("optimizer = dict(type='SGD', lr=0.1, momentum=0.9)\n"
               "lr_config = dict(policy='step', step=[8, 11])\n"
               "runner = dict(type='EpochBasedRunner', max_epochs=24)\n")


def test_a_converted_childs_param_scheduler_beats_its_legacy_bases_lr_config(tmp_path):
    (tmp_path / 'base.py').write_text(LEGACY_BASE)
    (tmp_path / 'child.py').write_text(
        "_base_ = './base.py'\n"
        "param_scheduler = [dict(type='MultiStepLR', milestones=[16, 23], by_epoch=True)]\n")
    cfg = Config.fromfile(str(tmp_path / 'child.py'))
    upgrade_legacy_config(cfg)
    assert cfg.param_scheduler == [dict(type='MultiStepLR', milestones=[16, 23], by_epoch=True)]
    assert 'lr_config' not in cfg
    assert cfg.optim_wrapper['optimizer'] == dict(type='SGD', lr=0.1, momentum=0.9)


def test_a_legacy_childs_lr_config_replaces_its_converted_bases_schedule(tmp_path):
    (tmp_path / 'base.py').write_text(
        "optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9))\n"
        "param_scheduler = [dict(type='MultiStepLR', milestones=[8, 11], by_epoch=True)]\n"
        "train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=24)\n")
    (tmp_path / 'child.py').write_text("_base_ = './base.py'\n"
                                       "lr_config = dict(policy='step', step=[16, 23])\n")
    cfg = Config.fromfile(str(tmp_path / 'child.py'))
    upgrade_legacy_config(cfg)
    assert [s.get('milestones') for s in cfg.param_scheduler] == [[16, 23]]

"""``mmmigrate verify``: its two trajectories are the real libraries' (the
legacy one equals what real MMCV 1.7.2 recorded in the 460 golden runs; the
MMEngine one equals the bundled engine's own Runner, itself held bitwise to
real MMEngine), and its verdicts follow from them."""
import copy
import json

import pytest
from click.testing import CliRunner

from mmmigrate.cli import main
from mmmigrate.migrate.translate.schedules import translate_schedules
from mmmigrate.verify.trajectory import Run, engine_trajectory, legacy_trajectory

from .schedule_harness import GOLDEN, load_golden, max_relative_difference, run_schedule, \
    shape_of

CASES = load_golden() if GOLDEN.exists() else []
needs_golden = pytest.mark.skipif(not CASES, reason=f'golden data not found at {GOLDEN}')


def _run_of(case) -> Run:
    lr = case['lr']
    return Run(by_epoch=case['runner'] == 'epoch', max_epochs=case['E'], max_iters=case['T'],
               epoch_length=case['L'],
               base_lrs=(lr * 0.1, lr * 0.1, lr, lr) if case['paramwise'] else (lr, ),
               base_momentum=case['momentum'],
               optimizer='adam' if case.get('optim') == 'adamw' else 'sgd')


def _legacy_config(value):
    if value is None:
        return None
    value = dict(value)
    if isinstance(value.get('target_ratio'), list):  # as the golden recorder passed it
        value['target_ratio'] = tuple(value['target_ratio'])
    return value


@needs_golden
def test_legacy_trajectory_is_what_real_mmcv_recorded_in_every_golden_run():
    wrong = []
    for case in CASES:
        lr, momentum = legacy_trajectory(_legacy_config(case['lr_config']),
                                         _legacy_config(case['momentum_config']), _run_of(case))
        if lr != case['mmcv_lr'] or momentum != case['mmcv_momentum']:
            wrong.append((case['name'], max_relative_difference(lr, case['mmcv_lr']),
                          max_relative_difference(momentum, case['mmcv_momentum'])))
    assert len(CASES) == 460 and not wrong, wrong


# Every policy family of the golden set, and the three schedules MMEngine
# cannot express (their translation keeps a deviation).
SAMPLE = ['ep/fixed/E/nowu', 'it/step_list/E(default)/lin_i7', 'mom/mom_onecycle',
          'mom/mom_cos_it_I', 'mom/mom_onecycle_frac', 'pw/step_minlr', 'pw/restart_abs']


@needs_golden
@pytest.mark.parametrize('name', SAMPLE + sorted({c['name'] for c in CASES
                                                   if c['name'].startswith('ep/')})[::40])
def test_engine_trajectory_is_the_engine_runners(name, tmp_path):
    case = next(c for c in CASES if c['name'] == name)
    schedulers, _ = translate_schedules(copy.deepcopy(case['lr_config']),
                                        copy.deepcopy(case['momentum_config']), shape_of(case))
    assert schedulers is not None
    assert engine_trajectory(schedulers, _run_of(case)) == run_schedule(case, schedulers,
                                                                        tmp_path)


LEGACY = """\
optimizer = dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001)
optimizer_config = dict(grad_clip=None)
lr_config = dict(policy='step', warmup='linear', warmup_iters=50, warmup_ratio=0.001,
                 step=[8, 11])
runner = dict(type='EpochBasedRunner', max_epochs=12)
checkpoint_config = dict(interval=1)
log_config = dict(interval=50, hooks=[dict(type='TextLoggerHook')])
model = dict(type='X')
"""
# As MMEngine's migration guide writes this schedule: the warmup's
# LinearLR reaches 1 one iteration before MMCV's warmup ended.
GUIDE_PORT = """\
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', begin=0, end=12, by_epoch=True, milestones=[8, 11], gamma=0.1)]
train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=1)
default_hooks = dict(checkpoint=dict(type='CheckpointHook', interval=1),
                     logger=dict(type='LoggerHook', interval=50))
model = dict(type='X')
"""


def _verify(*args):
    return CliRunner().invoke(main, ['verify', *map(str, args)])


def test_a_config_verifies_identical_to_its_conversion(tmp_path):
    legacy = tmp_path / 'legacy.py'
    legacy.write_text(LEGACY)
    result = _verify(legacy, '--iters-per-epoch', '20')
    assert result.exit_code == 0, result.output
    assert 'identical training semantics' in result.output


def test_the_migration_guides_warmup_differs_from_the_first_warmup_iteration(tmp_path):
    (tmp_path / 'legacy.py').write_text(LEGACY)
    (tmp_path / 'port.py').write_text(GUIDE_PORT)
    result = _verify(tmp_path / 'legacy.py', tmp_path / 'port.py', '--iters-per-epoch', '20',
                     '--report', 'json')
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    rows = {row['field']: row for row in report['fields']}
    assert not report['identical'] and not rows['lr']['same']
    assert [name for name, row in rows.items() if not row['same']] == ['lr']
    # MMCV's warmup factor at step i is 1 - (1 - i/50) * 0.999; LinearLR's
    # ramp is divided by end - begin - 1 = 49 steps: they part at step 1.
    assert rows['lr']['first_difference'] == 1
    mmcv = [1 - (1 - i / 50) * 0.999 for i in range(50)]
    engine = [0.001 + 0.999 * min(i, 49) / 49 for i in range(50)]
    assert rows['lr']['max_relative_deviation'] == pytest.approx(
        max((e - m) / m for e, m in zip(engine, mmcv)), rel=1e-6)


def test_a_changed_field_is_reported_with_both_values(tmp_path):
    (tmp_path / 'legacy.py').write_text(LEGACY)
    port = GUIDE_PORT.replace("end=50),", "end=51),").replace(
        'optimizer=dict(', 'clip_grad=dict(max_norm=35), optimizer=dict(')
    (tmp_path / 'port.py').write_text(port)
    result = _verify(tmp_path / 'legacy.py', tmp_path / 'port.py', '--report', 'json')
    rows = {row['field']: row for row in json.loads(result.output)['fields']}
    assert result.exit_code == 1
    assert [name for name, row in rows.items() if not row['same']] == ['clip_grad']
    assert rows['clip_grad']['legacy'] is None and rows['clip_grad']['new'] == {'max_norm': 35}


@pytest.mark.parametrize('text, expected', [
    ('lr_config = dict(policy="nosuch")\noptimizer = dict(type="SGD", lr=0.1)\n'
     'runner = dict(type="EpochBasedRunner", max_epochs=1)\nmodel = dict(type="X")\n',
     "lr policy 'Nosuch' is not one of MMCV 1.7.2's"),
    ('lr_config = dict(policy="step", step=[STEP])\noptimizer = dict(type="SGD", lr=0.1)\n'
     'runner = dict(type="EpochBasedRunner", max_epochs=1)\nmodel = dict(type="X")\n',
     'lr_config.step[0] cannot be evaluated'),
    ('optimizer = dict(type="SGD", lr=0.1\n', 'legacy.py'),
])
def test_a_config_that_cannot_be_compared_is_exit_status_2_naming_it(tmp_path, text, expected):
    (tmp_path / 'legacy.py').write_text(text)
    result = _verify(tmp_path / 'legacy.py')
    assert result.exit_code == 2
    assert expected in result.output and 'legacy.py' in result.output
    assert 'Traceback' not in result.output


def test_a_missing_file_is_exit_status_2(tmp_path):
    result = _verify(tmp_path / 'nowhere.py')
    assert result.exit_code == 2 and 'nowhere.py' in result.output


def test_a_tree_is_paired_by_relative_path_and_one_bad_config_does_not_stop_it(tmp_path):
    legacy, new = tmp_path / 'legacy', tmp_path / 'new'
    for folder in (legacy / 'det', legacy / '_base_', new / 'det'):
        folder.mkdir(parents=True)
    (legacy / '_base_' / 'schedule.py').write_text('lr_config = dict(policy="nosuch")\n')
    (legacy / 'det' / 'a.py').write_text(LEGACY)
    (new / 'det' / 'a.py').write_text(GUIDE_PORT)
    (legacy / 'det' / 'b.py').write_text(LEGACY)
    (legacy / 'det' / 'c.py').write_text(LEGACY)
    (new / 'det' / 'c.py').write_text(GUIDE_PORT.replace('end=50),', 'end=51),'))
    result = _verify(legacy, new, '--iters-per-epoch', '20')
    lines = result.output.splitlines()
    assert result.exit_code == 2, result.output
    assert lines[0].split() == ['different', 'det/a.py', 'lr', '(from', 'iteration', '1)']
    assert lines[1].startswith('error      det/b.py') and 'no such config' in lines[1]
    assert lines[2].split() == ['identical', 'det/c.py']
    assert lines[-1] == '3 configs: 1 identical, 1 different, 1 could not be compared'
    assert '_base_' not in result.output

    (legacy / 'det' / 'b.py').unlink()
    result = _verify(legacy, new, '--iters-per-epoch', '20', '--report', 'json')
    assert result.exit_code == 1
    assert [entry['identical'] for entry in json.loads(result.output)] == [False, True]
    assert _verify(legacy / 'det', '--iters-per-epoch', '20').exit_code == 0  # conversions

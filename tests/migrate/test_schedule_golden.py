"""Every case measured on real MMCV 1.7.2 (spec/golden): the translated
``param_scheduler``, run on the bundled engine, uses the same lr and
momentum at every optimizer step — or the translation flags the case as
impossible, with the deviation that is really left."""
import copy

import pytest

from mmmigrate.migrate.translate.schedules import translate_schedules

from .schedule_harness import GOLDEN, load_golden, max_relative_difference, run_schedule, \
    shape_of

if not GOLDEN.exists():
    pytest.skip(f'golden data not found at {GOLDEN}', allow_module_level=True)

CASES = load_golden()
# SCHEDULES.md §0: what no list of built-in MMEngine schedulers can express.
IMPOSSIBLE = {
    'mom/mom_onecycle_frac': ('onecycle-momentum-fraction', 'mmcv_momentum'),
    'pw/step_minlr': ('step-min_lr-groups', 'mmcv_lr'),
    'pw/restart_abs': ('restart-min-groups', 'mmcv_lr'),
}


def _translate(case):
    return translate_schedules(copy.deepcopy(case['lr_config']),
                               copy.deepcopy(case['momentum_config']), shape_of(case))


@pytest.mark.parametrize('case', [c for c in CASES if c['name'] not in IMPOSSIBLE],
                         ids=lambda c: c['name'])
def test_translated_schedule_reproduces_mmcv(case, tmp_path):
    schedulers, findings = _translate(case)
    assert schedulers is not None, [f.message for f in findings]
    lr, momentum = run_schedule(case, schedulers, tmp_path)
    assert max_relative_difference(lr, case['mmcv_lr']) <= 1e-9
    assert max_relative_difference(momentum, case['mmcv_momentum']) <= 1e-9
    assert not [f for f in findings if f.deviation], findings


@pytest.mark.parametrize('name', sorted(IMPOSSIBLE))
def test_impossible_case_is_flagged_with_the_deviation_left(name, tmp_path):
    case = next(c for c in CASES if c['name'] == name)
    rule, measured_key = IMPOSSIBLE[name]
    schedulers, findings = _translate(case)
    flagged = [f for f in findings if f.rule == rule]
    assert len(flagged) == 1 and flagged[0].severity == 'warning'
    lr, momentum = run_schedule(case, schedulers, tmp_path)
    got = momentum if measured_key == 'mmcv_momentum' else lr
    deviation = max(abs(a - b) for row_a, row_b in zip(got, case[measured_key])
                    for a, b in zip(row_a, row_b))
    assert deviation > 1e-4  # really not exact
    assert flagged[0].deviation == pytest.approx(deviation, rel=1e-9)

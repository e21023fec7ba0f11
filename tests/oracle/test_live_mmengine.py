"""Live differential tests: run every scenario suite on real MMEngine 0.10.7
(in its oracle venv) and on our engine in the same test run, and check
that the committed fixtures are still what the oracle produces."""
import json
import sys

import torch

import pytest

import oracle_env
import scenarios
from compare import scheduler_mismatches

pytestmark = [pytest.mark.oracle, pytest.mark.slow]


_ORACLE_RESULTS = {}


def oracle_result(python, suite: str) -> dict:
    """Each suite runs once on the oracle per test session."""
    if suite not in _ORACLE_RESULTS:
        _ORACLE_RESULTS[suite] = oracle_env.run_on_mmengine(suite, python)
    return _ORACLE_RESULTS[suite]


@pytest.mark.parametrize('suite', scenarios.SUITES)
def test_suite_matches_live_mmengine(mmengine_python, suite):
    oracle = oracle_result(mmengine_python, suite)
    ours = scenarios.run_suite('mmmigrate.engine', suite)
    assert sorted(ours) == sorted(oracle)
    if suite == 'schedulers':
        bad = {name: scheduler_mismatches(oracle[name], ours[name]) for name in oracle}
        assert {k: v for k, v in bad.items() if v} == {}
    else:
        for name in oracle:
            assert ours[name] == oracle[name], name


@pytest.mark.recorded_numerics
@pytest.mark.parametrize('suite', scenarios.SUITES)
def test_committed_fixture_is_current(mmengine_python, suite):
    oracle = oracle_result(mmengine_python, suite)
    assert json.loads(oracle_env.fixture_path(suite).read_text()) == oracle, (
        f'tests/fixtures/oracle/mmengine_{suite}.json is stale: re-record it with '
        'python tests/oracle/oracle_env.py')


@pytest.mark.recorded_numerics
def test_our_checkpoint_resumes_on_mmengine_to_the_same_parameters(mmengine_python, tmp_path):
    ours = str(tmp_path / 'ours')
    oracle_env.run_scenario_process(sys.executable, 'mmmigrate.engine', [
        '--suite', 'interop', '--interop-dir', ours, '--interop-stop-after', '3'])
    checkpoint = tmp_path / 'ours' / 'epoch_3.pth'
    # Our checkpoints hold plain data: torch's weights-only loader accepts them.
    assert 'message_hub' in torch.load(checkpoint, weights_only=True)
    resumed = oracle_env.run_scenario_process(mmengine_python, 'mmengine', [
        '--suite', 'interop', '--interop-dir', str(tmp_path / 'mme'),
        '--resume-from', str(checkpoint)])
    assert resumed == json.loads(oracle_env.fixture_path('interop').read_text())['uninterrupted']

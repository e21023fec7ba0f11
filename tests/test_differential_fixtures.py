"""Our engine against results recorded on real MMEngine 0.10.7.

The fixtures under tests/fixtures/oracle/ were produced by running
tests/oracle/scenarios.py in the oracle venv (tests/oracle/oracle_env.py);
here the same scenarios run on mmmigrate.engine. The live variant of these
checks is tests/oracle/test_live_mmengine.py.
"""
import json

import pytest

import oracle_env
import scenarios
from compare import scheduler_mismatches

ENGINE = 'mmmigrate.engine'
pytestmark = pytest.mark.recorded_numerics


def recorded(suite: str) -> dict:
    return json.loads(oracle_env.fixture_path(suite).read_text())


@pytest.fixture(scope='module')
def engine():
    backend = scenarios.load_backend(ENGINE)
    backend.logging.MMLogger.get_instance('differential-tests', log_level='ERROR')
    return backend


SCHEDULER_CASES = {case['name']: case for case in scenarios.scheduler_cases()}


def test_scheduler_fixture_covers_every_generated_case():
    assert sorted(recorded('schedulers')) == sorted(SCHEDULER_CASES)
    assert len(SCHEDULER_CASES) >= 150


@pytest.mark.parametrize('name', sorted(SCHEDULER_CASES))
def test_scheduler_values_match_mmengine_at_every_step(engine, name):
    expected = recorded('schedulers')[name]
    try:
        actual = scenarios.run_scheduler_case(engine, SCHEDULER_CASES[name])
    except Exception as e:
        actual = {'error': type(e).__name__}
    assert scheduler_mismatches(expected, actual) == []


@pytest.mark.parametrize('name', sorted(scenarios.PARAMWISE_CASES))
def test_paramwise_groups_match_mmengine(engine, name):
    assert scenarios.suite_paramwise(engine)[name] == recorded('paramwise')[name]


@pytest.mark.parametrize('name', sorted(scenarios.TRAINING_CASES))
def test_twenty_training_steps_match_mmengine_bitwise(engine, name):
    actual = scenarios.run_training_case(engine, name, scenarios.TRAINING_CASES[name])
    expected = recorded('training')[name]
    assert actual['loss'] == expected['loss']
    assert actual['log_vars'] == expected['log_vars']
    assert actual['lr'] == expected['lr']
    assert actual['grad_norm'] == expected['grad_norm']
    assert actual['params'] == expected['params']


def test_parse_losses_matches_mmengine(engine):
    assert scenarios.suite_parse_losses(engine) == recorded('parse_losses')


@pytest.mark.parametrize('suite', ['config', 'model'])
def test_config_loading_initializers_and_preprocessors_match_mmengine(engine, suite):
    actual = scenarios.SUITE_FUNCTIONS[suite](engine)
    expected = recorded(suite)
    assert sorted(actual) == sorted(expected)
    for key in expected:
        assert actual[key] == expected[key], key



@pytest.mark.parametrize('case', scenarios.RUNNER_CASES)
def test_runner_matches_mmengine_bitwise(engine, case, tmp_path):
    """Same config and seed: loss, lr and momentum at every iteration, the
    validation and checkpoint events, the best checkpoint and the final
    parameters are identical to real MMEngine."""
    actual = scenarios.run_runner_case(engine, case, str(tmp_path))
    expected = recorded('runner')[case]
    assert sorted(actual) == sorted(expected)
    for key in ('loss', 'lr', 'momentum', 'grad_norm', 'val', 'saves', 'files', 'best_score',
                'params'):
        assert actual[key] == expected[key], key


@pytest.mark.parametrize('case', scenarios.LOGGING_CASES)
def test_log_lines_and_scalar_files_match_mmengine(engine, case, tmp_path):
    """The progress lines of the text log (clock-dependent fields masked)
    and the JSON scalar files are those real MMEngine writes, for custom
    window statistics, the iteration layout with hierarchical keys, the
    last iteration of an epoch and a test run."""
    actual = scenarios.run_logging_case(engine, case, str(tmp_path))
    assert actual == recorded('logging')[case]


def test_history_buffer_statistics_match_mmengine(engine):
    """Window means over numpy-summed histories are the very floats MMEngine
    computes (a running sum differs in the last bits from 8 values on)."""
    assert scenarios.history_statistics(engine) == recorded('logging')['history_statistics']


def test_mmengine_checkpoint_resumes_on_our_engine_to_the_same_parameters(engine, tmp_path):
    """A checkpoint written by real MMEngine (run stopped after 3 of 6
    epochs) resumes on our engine, loaded weights-only, and finishes with
    the parameters of MMEngine's uninterrupted run."""
    resumed = scenarios.run_interop(engine, str(tmp_path), 6,
                                    resume_from=str(oracle_env.INTEROP_CHECKPOINT))
    assert resumed == recorded('interop')['uninterrupted']

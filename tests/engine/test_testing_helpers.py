"""The engine's ``mmengine.testing`` (RunnerTestCase, assert_allclose) and
small public helpers MMEngine's own tests and the MMEngine-era libraries
import (``is_installed``, ``get_metric_value``, ``is_musa_available``, the
registries at top level, ``runner.priority``)."""
import os

import pytest
import torch

import mmmigrate.engine as engine
from mmmigrate.engine.device import is_musa_available
from mmmigrate.engine.evaluator import get_metric_value
from mmmigrate.engine.registry import MODELS
from mmmigrate.engine.runner.priority import Priority, get_priority
from mmmigrate.engine.testing import RunnerTestCase, assert_allclose
from mmmigrate.engine.testing.runner_test_case import ToyModel
from mmmigrate.engine.utils import is_installed


class _Case(RunnerTestCase):
    def runTest(self):  # unittest needs a method to name the case
        pass


def test_runner_test_case_builds_runners_that_train_and_cleans_up():
    case = _Case()
    case.setUp()
    try:
        assert MODELS.get('ToyModel') is ToyModel
        runner = case.build_runner(case.epoch_based_cfg)
        runner.train()
        assert runner.epoch == 2 and runner.iter == 8  # 12 samples, batch 3
        assert runner.experiment_name.startswith('runTest_')
        runner = case.build_runner(case.iter_based_cfg)
        runner.train()
        assert runner.iter == 12
        assert any(name.endswith('.pth') for name in os.listdir(case.temp_dir.name))
        work_dir = case.temp_dir.name
    finally:
        case.tearDown()
    assert 'ToyModel' not in MODELS.module_dict and not os.path.exists(work_dir)


def test_assert_allclose_takes_tensors_and_numbers_and_fails_when_far():
    assert_allclose(torch.tensor([1.0, 2.0]), [1.0, 2.0 + 1e-7])
    with pytest.raises(AssertionError):
        assert_allclose(torch.tensor([1.0]), [1.1])


def test_is_installed_by_distribution_or_module():
    assert is_installed('torch') and is_installed('pytest')
    assert not is_installed('no_such_package_mmmigrate') and not is_installed('no_such.sub')


def test_get_metric_value_by_key_or_last_part():
    metrics = {'accuracy/top1': 0.5, 'accuracy/top5': 0.9, 'loss': 1.0, 'a/x': 1, 'b/x': 2}
    assert get_metric_value('loss', metrics) == 1.0
    assert get_metric_value('top1', metrics) == 0.5
    with pytest.raises(ValueError, match='can not match'):
        get_metric_value('top10', metrics)
    with pytest.raises(ValueError, match='ambiguous'):
        get_metric_value('x', metrics)


def test_small_public_names_mmengine_has():
    assert engine.PARAM_SCHEDULERS is not None and engine.HOOKS is not None
    assert 'PARAM_SCHEDULERS' in engine.__all__
    assert get_priority('LOW') == Priority.LOW.value == 70
    assert is_musa_available() is False  # no torch_musa here


def test_registry_census_walks_each_tree_from_its_root(tmp_path):
    from mmmigrate.engine.registry import Registry, count_registered_modules, \
        traverse_registry_tree
    dogs = Registry('dogs', scope='dogs')
    hounds = Registry('dogs', parent=dogs, scope='hound')
    mid = Registry('dogs', parent=hounds, scope='mid_hound')
    Registry('dogs', parent=dogs, scope='samoyed')

    @dogs.register_module()
    class GoldenRetriever:
        pass

    tree = traverse_registry_tree(mid, verbose=False)
    assert [info['scope'] for info in tree] == ['dogs', 'hound', 'mid_hound', 'samoyed']
    assert tree[0]['num_modules'] == 1 and tree == traverse_registry_tree(dogs, verbose=False)
    census = count_registered_modules(str(tmp_path), verbose=False)
    assert (tmp_path / 'modules_statistic_results.json').exists()
    assert census['registries']['HOOKS'][0]['num_modules'] == len(engine.HOOKS.module_dict)


def test_import_mmengine_names_every_public_name_of_its_five_packages():
    assert engine.ManagerMixin is not None and engine.Config is not None
    assert {'dump', 'print_log', 'Registry', 'is_installed'} <= set(engine.__all__)

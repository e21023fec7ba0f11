"""mmmigrate.compat.evaluation: MMCV 1.x's EvalHook scoring as MMEngine
validation (what `mmmigrate convert` gives the Runner for an EvalHook). The
whole path, against a run recorded on MMCV 1.7.2, is the runnable fixture
runner/runnable_train_api (tests/migrate/test_convert_models_and_runners.py)."""
import pytest
import torch
from torch.utils.data import DataLoader

from mmmigrate.compat.evaluation import DatasetMetric, PredictValLoop
from mmmigrate.engine.model import BaseModel
from mmmigrate.engine.runner import Runner


class Scored:
    """A dataset as MMCV 1.x libraries wrote them: evaluate(results, ...)."""

    def __init__(self, size=5):
        self.targets = torch.arange(size, dtype=torch.float32)
        self.calls = []

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        return dict(x=self.targets[index])

    def evaluate(self, results, logger=None, metric='l1'):
        self.calls.append(dict(results=[float(r) for r in results], metric=metric))
        return {metric: float((torch.stack(list(results)) - self.targets).abs().mean())}


def test_the_hooks_own_arguments_do_not_reach_evaluate():
    metric = DatasetMetric(Scored(), interval=2, by_epoch=True, save_best='l1', rule='less',
                           metric='l2')
    assert metric.eval_kwargs == dict(metric='l2')


def test_a_config_evaluator_with_a_type_is_refused_with_what_to_do():
    with pytest.raises(TypeError, match="type='CocoMetric'.*val_evaluator to the Runner"):
        DatasetMetric(Scored(), type='CocoMetric')


def test_a_dataset_without_evaluate_is_refused():
    with pytest.raises(TypeError, match='list has no evaluate'):
        DatasetMetric([1, 2, 3])


def test_the_collect_arguments_of_dist_eval_hook_and_of_a_converted_config():
    assert DatasetMetric(Scored(), gpu_collect=True, tmpdir='/tmp/x').collect_device == 'gpu'
    metric = DatasetMetric(Scored(), gpu_collect=True, collect_device='cpu', prefix='val')
    assert (metric.collect_device, metric.prefix) == ('cpu', 'val')


class Shift(BaseModel):
    """forward(mode='predict') adds 1; val_step (the legacy val workflow's
    losses) must not be what validation scores."""

    def __init__(self):
        super().__init__()
        self.bias = torch.nn.Parameter(torch.ones(()))

    def forward(self, x, mode='tensor'):
        if mode == 'loss':
            return dict(loss=(x + self.bias).sum())
        return list(x + self.bias)

    def val_step(self, data):
        raise AssertionError('PredictValLoop runs test_step, as single_gpu_test ran forward')


def test_validation_scores_the_predictions_with_dataset_evaluate(tmp_path):
    dataset = Scored()
    runner = Runner(model=Shift(), work_dir=str(tmp_path),
                    val_dataloader=DataLoader(dataset, batch_size=2),
                    val_cfg=dict(type=PredictValLoop),
                    val_evaluator=[DatasetMetric(dataset, interval=1, metric='l1')])
    metrics = runner.val()
    assert dataset.calls == [dict(results=[1.0, 2.0, 3.0, 4.0, 5.0], metric='l1')]
    assert metrics == {'l1': 1.0}

"""``mmengine.testing.RunnerTestCase``: a ``unittest.TestCase`` that hands
each test two complete runner configs (epoch based and iteration based) over
a toy model, dataset and metric, builds runners from them, and leaves no
global state behind (loggers, visualizers, message hubs, default scopes,
the toy registrations, a process group).

The toy parts are public (tests import ``ToyModel`` from here) and behave as
MMEngine 0.10.7's: a two-layer linear model whose loss is ``(labels -
outputs).sum()``, twelve random 2-d inputs labelled 1, a metric that reports
``acc=1``.
"""
import copy
import logging
import os
import shutil
import tempfile
import time
from unittest import TestCase
from uuid import uuid4

import torch
import torch.nn as nn
from torch.utils.data import Dataset

from .. import hooks as _hooks  # noqa: F401  (registers the hooks the configs name)
from .. import optim as _optim  # noqa: F401  (registers the optimizers and schedulers)
from ..config import Config
from ..dist import is_distributed
from ..evaluator import BaseMetric
from ..logging import MessageHub, MMLogger
from ..model import BaseModel
from ..registry import DATASETS, METRICS, MODELS, DefaultScope
from ..runner import Runner
from ..visualization import Visualizer


class ToyModel(BaseModel):
    """inputs (N, 2) -> linear1 -> linear2 -> (N, 1)."""

    def __init__(self, data_preprocessor=None):
        super().__init__(data_preprocessor=data_preprocessor)
        self.linear1 = nn.Linear(2, 2)
        self.linear2 = nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        # a batch may come as a list of samples rather than a stacked tensor
        inputs = torch.stack(inputs) if isinstance(inputs, list) else inputs
        if isinstance(data_samples, list):
            data_samples = torch.stack(data_samples)
        outputs = self.linear2(self.linear1(inputs))
        if mode == 'loss':
            return dict(loss=(data_samples - outputs).sum())
        return outputs  # 'tensor' and 'predict'


class ToyDataset(Dataset):
    """Twelve random 2-d inputs (drawn once, when the class is defined),
    each labelled 1."""
    METAINFO = dict()  # type: ignore
    data = torch.randn(12, 2)
    label = torch.ones(12)

    @property
    def metainfo(self):
        return self.METAINFO

    def __len__(self):
        return self.data.size(0)

    def __getitem__(self, index):
        return dict(inputs=self.data[index], data_samples=self.label[index])


class ToyMetric(BaseMetric):
    """Reports ``acc=1`` whatever it is given."""

    def __init__(self, collect_device='cpu', dummy_metrics=None):
        super().__init__(collect_device=collect_device)
        self.dummy_metrics = dummy_metrics

    def process(self, data_batch, predictions):
        self.results.append({'acc': 1})

    def compute_metrics(self, results):
        return dict(acc=1)


def _loader(sampler: str, shuffle: bool) -> dict:
    return dict(dataset=dict(type='ToyDataset'), sampler=dict(type=sampler, shuffle=shuffle),
                batch_size=3, num_workers=0)


class RunnerTestCase(TestCase):
    """Builds runners over the toy parts; see the module docstring.

    ``self.epoch_based_cfg``: 2 epochs of 4 iterations, validation after each.
    ``self.iter_based_cfg``: 12 iterations from an infinite sampler, a
    checkpoint at the last. Both write into a temporary ``work_dir``.
    """
    # what setup_dist_env exports; each call takes the next port
    dist_cfg = dict(MASTER_ADDR='127.0.0.1', MASTER_PORT=29600, RANK='0', WORLD_SIZE='1',
                    LOCAL_RANK='0')

    def setUp(self) -> None:
        self.temp_dir = tempfile.TemporaryDirectory()
        MODELS.register_module(module=ToyModel, force=True)
        METRICS.register_module(module=ToyMetric, force=True)
        DATASETS.register_module(module=ToyDataset, force=True)
        self.epoch_based_cfg = Config(dict(
            work_dir=self.temp_dir.name,
            model=dict(type='ToyModel'),
            train_dataloader=_loader('DefaultSampler', True),
            val_dataloader=_loader('DefaultSampler', False),
            val_evaluator=[dict(type='ToyMetric')],
            test_dataloader=_loader('DefaultSampler', False),
            test_evaluator=[dict(type='ToyMetric')],
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
            train_cfg=dict(by_epoch=True, max_epochs=2, val_interval=1),
            val_cfg=dict(),
            test_cfg=dict(),
            default_hooks=dict(logger=dict(type='LoggerHook', interval=1)),
            custom_hooks=[],
            env_cfg=dict(dist_cfg=dict(backend='nccl')),
            experiment_name='test1'))
        self.iter_based_cfg: Config = copy.deepcopy(self.epoch_based_cfg)
        self.iter_based_cfg.train_dataloader = _loader('InfiniteSampler', True)
        self.iter_based_cfg.log_processor = dict(by_epoch=False)
        self.iter_based_cfg.train_cfg = dict(by_epoch=False, max_iters=12)
        self.iter_based_cfg.default_hooks = dict(
            logger=dict(type='LoggerHook', interval=1),
            checkpoint=dict(type='CheckpointHook', interval=12, by_epoch=False))

    def tearDown(self):
        # the runner's global instances are named after the experiment:
        # forget them all, so the next test starts clean
        logging.shutdown()
        for manager in (MMLogger, Visualizer, DefaultScope, MessageHub):
            manager._instance_dict.clear()
        for registry, name in ((MODELS, 'ToyModel'), (METRICS, 'ToyMetric'),
                               (DATASETS, 'ToyDataset')):
            registry.module_dict.pop(name, None)
        self.temp_dir.cleanup()
        if is_distributed():
            torch.distributed.destroy_process_group()

    def build_runner(self, cfg: Config) -> Runner:
        """``Runner.from_cfg(cfg)`` under an experiment name of its own."""
        cfg.experiment_name = self.experiment_name
        return Runner.from_cfg(cfg)

    @property
    def experiment_name(self) -> str:
        """Unique per call: the test's name, the time and a uuid."""
        return f'{self._testMethodName}_{time.time()} + {uuid4()}'

    def setup_dist_env(self) -> None:
        """Export a one-process distributed environment on a fresh port."""
        self.dist_cfg['MASTER_PORT'] += 1
        for key, value in self.dist_cfg.items():
            os.environ[key] = str(value)

    def clear_work_dir(self) -> None:
        """Empty the work dir (its log handlers closed first)."""
        logging.shutdown()
        for name in os.listdir(self.temp_dir.name):
            path = os.path.join(self.temp_dir.name, name)
            if os.path.isfile(path):
                os.remove(path)
            else:
                shutil.rmtree(path)

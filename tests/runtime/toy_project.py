"""A small MMEngine-style project (model, dataset, metric, a crash hook)
that the runtime tests train through ``mmmigrate train``."""
import os
import signal

import torch
import torch.nn as nn

from mmmigrate.engine.evaluator import BaseMetric
from mmmigrate.engine.hooks import Hook
from mmmigrate.engine.model import BaseModel
from mmmigrate.engine.registry import DATASETS, HOOKS, METRICS, MODELS


@MODELS.register_module(force=True)
class ToyClassifier(BaseModel):
    def __init__(self, hidden=16, dropout=0.3):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, hidden), nn.BatchNorm1d(hidden), nn.ReLU(),
                                 nn.Dropout(dropout), nn.Linear(hidden, 2))

    def forward(self, inputs, labels=None, mode='tensor'):
        logits = self.net(inputs)
        if mode == 'loss':
            return dict(loss_cls=nn.functional.cross_entropy(logits, labels))
        if mode == 'predict':
            return [dict(pred=p.argmax().item(), label=y.item()) for p, y in zip(logits, labels)]
        return logits


@DATASETS.register_module(force=True)
class ToyPoints:
    def __init__(self, size=32, seed=0, nan_at=None):
        g = torch.Generator().manual_seed(seed)
        self.inputs = torch.randn(size, 4, generator=g)
        self.labels = (self.inputs[:, 0] + self.inputs[:, 1] > 0).long()
        if nan_at is not None:
            self.inputs[nan_at] = float('nan')
        self.metainfo = dict(classes=('a', 'b'))

    def __len__(self):
        return len(self.inputs)

    def __getitem__(self, idx):
        return dict(inputs=self.inputs[idx], labels=self.labels[idx])


@METRICS.register_module(force=True)
class ToyAccuracy(BaseMetric):
    default_prefix = 'toy'

    def process(self, data_batch, data_samples):
        self.results.extend(float(s['pred'] == s['label']) for s in data_samples)

    def compute_metrics(self, results):
        return dict(acc=sum(results) / len(results))


@HOOKS.register_module(force=True)
class CrashHook(Hook):
    """Kills the process with SIGKILL at ``iteration`` (after its step), or
    while the checkpoint of epoch ``save_epoch`` is being written."""
    priority = 'LOWEST'

    def __init__(self, iteration=None, save_epoch=None):
        self.iteration = iteration
        self.save_epoch = save_epoch

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), signal.SIGKILL)

    def before_save_checkpoint(self, runner, checkpoint):
        if checkpoint['meta']['epoch'] == self.save_epoch and 'optimizer' in checkpoint:
            # The data is written to a temporary file; die before it is synced
            # and renamed over the target.
            def die(fd):
                os.kill(os.getpid(), signal.SIGKILL)
            os.fsync = die

"""A small MMEngine-style project (model, dataset, metric)
that the runtime tests train through ``mmmigrate train``."""
import torch
import torch.nn as nn

from mmmigrate.engine.evaluator import BaseMetric
from mmmigrate.engine.model import BaseModel
from mmmigrate.engine.registry import DATASETS, METRICS, MODELS


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

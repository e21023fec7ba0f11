"""The code of a small MMEngine-style project: a classifier, its dataset and
its metric, registered where the config can find them by name.

The config imports this module through ``custom_imports`` (run from the
repository root, as OpenMMLab's tools are run from theirs)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmmigrate.engine.evaluator import BaseMetric
from mmmigrate.engine.model import BaseModel
from mmmigrate.engine.registry import DATASETS, METRICS, MODELS


@MODELS.register_module()
class RingClassifier(BaseModel):
    """An MLP that tells which of ``num_classes`` rings a 2-D point lies on."""

    def __init__(self, num_classes: int = 3, hidden: int = 32):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(),
                                 nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, num_classes))

    def forward(self, points, labels=None, mode='tensor'):
        logits = self.mlp(points)
        if mode == 'loss':
            return dict(loss_cls=F.cross_entropy(logits, labels))
        if mode == 'predict':
            return [dict(pred=int(p), label=int(y)) for p, y in zip(logits.argmax(1), labels)]
        return logits


@DATASETS.register_module()
class NoisyRings:
    """``size`` points on concentric rings of radius 1, 2, 3... with
    Gaussian noise; a sample is ``dict(points=..., labels=...)``."""

    def __init__(self, size: int = 600, num_classes: int = 3, noise: float = 0.25,
                 seed: int = 0):
        g = torch.Generator().manual_seed(seed)
        self.labels = torch.randint(num_classes, (size, ), generator=g)
        angle = torch.rand(size, generator=g) * 2 * math.pi
        radius = self.labels.float() + 1 + noise * torch.randn(size, generator=g)
        self.points = torch.stack([radius * angle.cos(), radius * angle.sin()], dim=1)
        self.metainfo = dict(classes=tuple(f'ring{i + 1}' for i in range(num_classes)))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        return dict(points=self.points[index], labels=self.labels[index])


@METRICS.register_module()
class Accuracy(BaseMetric):
    """Share of correct predictions, reported as ``rings/accuracy``."""
    default_prefix = 'rings'

    def process(self, data_batch, data_samples):
        self.results.extend(s['pred'] == s['label'] for s in data_samples)

    def compute_metrics(self, results):
        return dict(accuracy=100.0 * sum(results) / len(results))

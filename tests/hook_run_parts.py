"""The smallest Runner setup that exercises every train and val hook point:
a one-weight model, a metric and a 6-sample loader (3 batches of 2). Shared
by the tests that run converted and legacy hooks."""
import torch

from mmmigrate.engine.evaluator import BaseMetric
from mmmigrate.engine.model import BaseModel
from mmmigrate.engine.runner import Runner


class Model(BaseModel):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, x, y, mode='tensor'):
        out = self.linear(x)
        if mode == 'loss':
            return dict(loss=((out - y) ** 2).mean())
        return [dict(pred=out, y=y)]


class Metric(BaseMetric):
    def process(self, data_batch, data_samples):
        self.results.append(1)

    def compute_metrics(self, results):
        return dict(accuracy=1.0)


def train_with_hooks(hooks, work_dir, max_epochs: int = 2) -> Runner:
    """Train 2 epochs (3 iterations each, validating after each) with ``hooks``."""
    data = [(torch.ones(1), torch.ones(1))] * 6
    loader = dict(dataset=data, batch_size=2,
                  sampler=dict(type='DefaultSampler', shuffle=False),
                  collate_fn=dict(type='default_collate'))
    runner = Runner(model=Model(), work_dir=str(work_dir), train_dataloader=loader,
                    val_dataloader=loader, val_evaluator=dict(type=Metric),
                    train_cfg=dict(by_epoch=True, max_epochs=max_epochs), val_cfg=dict(),
                    optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
                    custom_hooks=list(hooks), default_hooks=dict(checkpoint=None))
    runner.train()
    return runner

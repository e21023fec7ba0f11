"""MMCV-style hooks unchanged on the bundled engine (`mmmigrate.compat.
hooks.LegacyHook`, what the mmcv shim serves as `mmcv.runner.Hook`): MMCV's
signatures, its generic points called from the train and val ones, its
helpers, and the runner attributes MMCV hooks read."""
import torch

from mmmigrate.compat.hooks import LegacyHook
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
        return [out]


class Metric(BaseMetric):
    def process(self, data_batch, data_samples):
        self.results.append(1)

    def compute_metrics(self, results):
        return dict(accuracy=1.0)


class Counter(LegacyHook):
    """Written as for MMCV 1.x: one `runner` argument everywhere."""

    def __init__(self):
        self.calls = []

    def before_iter(self, runner):  # MMCV called it for train and val iterations
        self.calls.append(('before_iter', runner.mode, runner.inner_iter))

    def after_train_iter(self, runner):
        if self.every_n_iters(runner, 2):
            runner.log_buffer.update({'seen': runner.iter + 1}, 2)
        self.calls.append(('lr', runner.optimizer.param_groups[0]['lr']))
        self.calls.append(('end', self.end_of_epoch(runner)))

    def after_epoch(self, runner):
        self.calls.append(('after_epoch', runner.mode, self.is_last_epoch(runner)))


def test_legacy_hook_points_helpers_and_runner_attributes(tmp_path):
    data = [(torch.ones(1), torch.ones(1))] * 6
    loader = dict(dataset=data, batch_size=2, sampler=dict(type='DefaultSampler', shuffle=False),
                  collate_fn=dict(type='default_collate'))
    hook = Counter()
    runner = Runner(model=Model(), work_dir=str(tmp_path), train_dataloader=loader,
                    val_dataloader=loader, val_evaluator=dict(type=Metric),
                    train_cfg=dict(by_epoch=True, max_epochs=2), val_cfg=dict(),
                    optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
                    custom_hooks=[hook], default_hooks=dict(checkpoint=None))
    runner.train()
    before = [c for c in hook.calls if c[0] == 'before_iter']
    assert before == [('before_iter', mode, i) for _ in range(2)
                      for mode in ('train', 'val') for i in range(3)]
    # as in MMCV, the epoch counter moves on before the val phase that follows
    assert [c for c in hook.calls if c[0] == 'after_epoch'] == [
        ('after_epoch', 'train', False), ('after_epoch', 'val', True),
        ('after_epoch', 'train', True), ('after_epoch', 'val', False)]
    assert [c[1] for c in hook.calls if c[0] == 'end'] == [False, False, True] * 2
    assert {c[1] for c in hook.calls if c[0] == 'lr'} == {0.01}
    seen = runner.message_hub.get_scalar('train/seen')
    # MMCV's LogBuffer.average: sum(value * count) / sum(count) = (2*2 + 4*2 + 6*2) / 6
    assert seen.mean() == 4.0
    assert seen.mean(1) == 6.0

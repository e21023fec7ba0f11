"""MMCV 1.x's lr / momentum updater hooks, registered as objects on a runner
and trained with: ``python updater_hooks_script.py [--shim]`` prints, per
case, the lr and momentum of every param group at every iteration. Run on
real MMCV 1.7.2 and on the shim (the compat hooks on the engine's runner
facades) by ``test_updater_hooks.py``."""
import json
import logging
import sys
import time

CASES = [
    ('EpochBasedRunner', 'FixedLrUpdaterHook', {}),
    ('EpochBasedRunner', 'StepLrUpdaterHook', dict(step=[2, 3], gamma=0.5)),
    ('EpochBasedRunner', 'StepLrUpdaterHook', dict(step=1, gamma=0.3, min_lr=0.02,
                                                   warmup='linear', warmup_iters=4)),
    ('EpochBasedRunner', 'ExpLrUpdaterHook', dict(gamma=0.7, warmup='exp', warmup_iters=3,
                                                  warmup_ratio=0.2)),
    ('EpochBasedRunner', 'PolyLrUpdaterHook', dict(power=0.9, min_lr=1e-4,
                                                   warmup='constant', warmup_iters=2,
                                                   warmup_ratio=0.5)),
    ('EpochBasedRunner', 'InvLrUpdaterHook', dict(gamma=0.3, power=0.5)),
    ('EpochBasedRunner', 'CosineAnnealingLrUpdaterHook', dict(
        min_lr_ratio=0.01, warmup='linear', warmup_iters=1, warmup_by_epoch=True)),
    ('IterBasedRunner', 'CosineAnnealingLrUpdaterHook', dict(by_epoch=False, min_lr=1e-3)),
    ('EpochBasedRunner', 'FlatCosineAnnealingLrUpdaterHook', dict(start_percent=0.5,
                                                                  min_lr=1e-3)),
    ('IterBasedRunner', 'CosineRestartLrUpdaterHook', dict(
        by_epoch=False, periods=[5, 9], restart_weights=[1, 0.5], min_lr=1e-3)),
    ('IterBasedRunner', 'CyclicLrUpdaterHook', dict(target_ratio=(10, 1e-4), cyclic_times=2,
                                                    step_ratio_up=0.4, gamma=0.8)),
    ('IterBasedRunner', 'OneCycleLrUpdaterHook', dict(max_lr=[0.5, 0.2], pct_start=0.25,
                                                      three_phase=True)),
    ('IterBasedRunner', 'LinearAnnealingLrUpdaterHook', dict(by_epoch=False,
                                                             min_lr_ratio=0.1)),
    ('EpochBasedRunner', 'StepMomentumUpdaterHook', dict(step=[1, 3], gamma=0.8,
                                                         warmup='linear', warmup_iters=3)),
    ('EpochBasedRunner', 'CosineAnnealingMomentumUpdaterHook', dict(min_momentum=0.5)),
    ('IterBasedRunner', 'LinearAnnealingMomentumUpdaterHook', dict(by_epoch=False,
                                                                   min_momentum_ratio=0.5)),
    ('IterBasedRunner', 'CyclicMomentumUpdaterHook', dict(cyclic_times=2)),
    ('IterBasedRunner', 'OneCycleMomentumUpdaterHook', dict(pct_start=0.3)),
]


def run_case(runner_type, hook_name, kwargs, work_dir):
    import torch
    from mmcv.runner import EpochBasedRunner, Hook, IterBasedRunner
    from mmcv.runner.hooks import lr_updater, momentum_updater

    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)

        def train_step(self, data, optimizer=None):
            loss = (self.a(data) + self.b(data)).pow(2).mean()
            return dict(loss=loss, log_vars=dict(loss=loss.item()), num_samples=len(data))

    class Record(Hook):
        rows = []

        def after_train_iter(self, runner):
            groups = runner.optimizer.param_groups
            self.rows.append([runner.iter, [g['lr'] for g in groups],
                              [g['momentum'] for g in groups]])

    torch.manual_seed(0)
    model = Model()
    optimizer = torch.optim.SGD([dict(params=model.a.parameters(), lr=0.1),
                                 dict(params=model.b.parameters(), lr=0.05)],
                                lr=0.1, momentum=0.9)
    loader = torch.utils.data.DataLoader(torch.randn(10, 2), batch_size=2)  # 5 batches
    runner_cls = EpochBasedRunner if runner_type == 'EpochBasedRunner' else IterBasedRunner
    length = dict(max_epochs=4) if runner_type == 'EpochBasedRunner' else dict(max_iters=14)
    runner = runner_cls(model, optimizer=optimizer, work_dir=work_dir,
                        logger=logging.getLogger('updater'), **length)
    runner.register_training_hooks(lr_config=None, optimizer_config=dict(grad_clip=None))
    module = lr_updater if 'Lr' in hook_name else momentum_updater
    runner.register_hook(getattr(module, hook_name)(**kwargs), priority='VERY_HIGH')
    record = Record()
    Record.rows = []
    runner.register_hook(record, priority='LOWEST')
    runner.run([loader], [('train', 1)])
    return Record.rows


if __name__ == '__main__':
    import tempfile
    if '--shim' in sys.argv:
        from mmmigrate.compat.mmcv_shim import install_mmcv_shim
        assert install_mmcv_shim()
    time.sleep = lambda seconds: None  # MMCV's runners sleep 2 s per epoch
    results = []
    for case in CASES:
        with tempfile.TemporaryDirectory() as work_dir:
            results.append(run_case(*case, work_dir))
    print(json.dumps(results))

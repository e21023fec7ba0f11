"""MMCV-style hooks unchanged on the bundled engine (`mmmigrate.compat.
hooks.LegacyHook`, what the mmcv shim serves as `mmcv.runner.Hook`): MMCV's
signatures, its generic points called from the train and val ones, its
helpers, and the runner attributes MMCV hooks read."""
from mmmigrate.compat.hooks import LegacyHook

from hook_run_parts import train_with_hooks


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
    hook = Counter()
    runner = train_with_hooks([hook], tmp_path)
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


def test_runner_facade_registers_hooks_by_object_and_by_config(tmp_path):
    """MMCV's register_hook(hook, priority) and register_hook_from_cfg(cfg)
    on the EpochBasedRunner facade: both hooks run, in priority order."""
    import sys
    from pathlib import Path

    from mmmigrate.compat.runner import EpochBasedRunner
    from mmmigrate.engine.registry import HOOKS

    sys.path.insert(0, str(Path(__file__).parent / 'fixtures' / 'compat'))
    from legacy_models import build

    order = []

    @HOOKS.register_module(force=True)
    class FromConfig(LegacyHook):
        def after_train_iter(self, runner):
            order.append('from_cfg')

    class ByObject(LegacyHook):
        def after_train_iter(self, runner):
            order.append('object')

    model, optimizer, loader, settings = build('seed_toy')
    runner = EpochBasedRunner(model, optimizer=optimizer, work_dir=str(tmp_path), max_epochs=1)
    runner.register_training_hooks(**{k: v for k, v in settings.items() if k != 'max_epochs'})
    runner.register_hook(ByObject(), priority='LOW')
    runner.register_hook_from_cfg(dict(type='FromConfig', priority='HIGH'))
    runner.run([loader], [('train', 1)])
    assert runner.iter == 25 and runner.epoch == 1
    assert order[:4] == ['from_cfg', 'object', 'from_cfg', 'object']


def test_an_optimizer_hook_object_sets_the_optim_wrapper(tmp_path):
    """MMCV scripts also register optimizer hooks as objects
    (runner.register_hook(OptimizerHook(grad_clip=...))): its settings go to
    the optim wrapper, as if given as optimizer_config."""
    import sys
    from pathlib import Path

    from mmmigrate.compat.optimizer_hooks import Fp16OptimizerHook, OptimizerHook
    from mmmigrate.compat.runner import EpochBasedRunner

    sys.path.insert(0, str(Path(__file__).parent / 'fixtures' / 'compat'))
    from legacy_models import build

    assert Fp16OptimizerHook(loss_scale=256.).config() == dict(
        type='Fp16OptimizerHook', coalesce=True, bucket_size_mb=-1, loss_scale=256.,
        distributed=True, detect_anomalous_params=False)
    model, optimizer, loader, settings = build('seed_toy')
    runner = EpochBasedRunner(model, optimizer=optimizer, work_dir=str(tmp_path), max_epochs=1)
    runner.register_training_hooks(lr_config=settings['lr_config'])
    runner.register_hook(OptimizerHook(grad_clip=dict(max_norm=0.25)))
    runner.run([loader], [('train', 1)])
    wrapper = runner._engine.optim_wrapper
    assert type(wrapper).__name__ == 'OptimWrapper'
    assert wrapper.clip_grad_kwargs == dict(max_norm=0.25)
    assert runner._engine.message_hub.get_scalar('train/grad_norm') is not None


def test_build_runner_gives_the_facade_the_config_names(tmp_path):
    """mmdet 2.x's train_detector: build_runner(cfg.runner, default_args=...)."""
    import logging
    import sys
    from pathlib import Path

    import pytest

    from mmmigrate.compat.runner import IterBasedRunner, build_runner

    sys.path.insert(0, str(Path(__file__).parent / 'fixtures' / 'compat'))
    from legacy_models import build

    model, optimizer, loader, settings = build('seed_toy')
    runner = build_runner(dict(type='IterBasedRunner', max_iters=4), default_args=dict(
        model=model, optimizer=optimizer, work_dir=str(tmp_path),
        logger=logging.getLogger('t'), meta=dict()))
    assert isinstance(runner, IterBasedRunner) and runner.max_iters == 4
    runner.register_training_hooks(lr_config=settings['lr_config'],
                                   optimizer_config=dict(grad_clip=None))
    runner.run([loader], [('train', 1)])
    assert runner.iter == 4
    with pytest.raises(ValueError, match="runner type 'MyRunner' is a custom runner"):
        build_runner(dict(type='MyRunner'), default_args=dict(model=model))


class ReadsLearningRates(LegacyHook):
    """MMCV's LoggerHook and many libraries' hooks read these two."""

    def __init__(self):
        self.seen = []

    def after_train_iter(self, runner):
        self.seen.append((runner.current_lr(), runner.current_momentum()))


def test_current_lr_and_momentum_are_mmcvs(tmp_path):
    hook = ReadsLearningRates()
    train_with_hooks([hook], tmp_path)
    # SGD without momentum: MMCV reported the group's momentum, 0
    assert hook.seen == [([0.01], [0])] * 6


def test_an_lr_policy_a_library_registered_runs_as_mmcv_built_it(tmp_path):
    """lr_config=dict(policy='Halving') builds HalvingLrUpdaterHook from
    HOOKS, as MMCV's register_lr_hook did (mmdet's YOLOX policy), and it
    sets the lr: MMCV's own policies go through the translator instead."""
    import sys
    from pathlib import Path

    from mmmigrate.compat.mmcv1.lr_updater import LrUpdaterHook
    from mmmigrate.compat.runner import EpochBasedRunner
    from mmmigrate.engine.registry import HOOKS

    sys.path.insert(0, str(Path(__file__).parent / 'fixtures' / 'compat'))
    from legacy_models import build

    @HOOKS.register_module(force=True)
    class HalvingLrUpdaterHook(LrUpdaterHook):
        def get_lr(self, runner, base_lr):
            return base_lr * 0.5 ** runner.epoch

    model, optimizer, loader, settings = build('seed_toy')
    runner = EpochBasedRunner(model, optimizer=optimizer, work_dir=str(tmp_path), max_epochs=3)
    hook = ReadsLearningRates()
    runner.register_training_hooks(lr_config=dict(policy='Halving'),
                                   optimizer_config=dict(grad_clip=None))
    runner.register_hook(hook)
    runner.run([loader], [('train', 1)])
    base = optimizer.param_groups[0]['initial_lr']
    per_epoch = len(hook.seen) // 3
    assert [lrs[0][0] for lrs in hook.seen[::per_epoch]] == [base, base * 0.5, base * 0.25]

"""Behaviour of individual hooks and loop options on the toy project."""
import json
from pathlib import Path

import pytest
import torch

from mmmigrate.engine.config import Config
from mmmigrate.engine.hooks import Hook
from mmmigrate.engine.runner import Runner

HERE = Path(__file__).parent


def make_runner(tmp_path, **overrides) -> Runner:
    import toy_project  # noqa: F401
    cfg = Config(Config.fromfile(HERE / 'toy_config.py').to_dict())
    cfg.work_dir = str(tmp_path)
    for key, value in overrides.items():
        cfg[key] = value
    return Runner.from_cfg(cfg)


class ValEpochs(Hook):
    def __init__(self):
        self.epochs = []

    def after_val_epoch(self, runner, metrics=None):
        self.epochs.append(runner.epoch)


def val_epochs(runner) -> list:
    # from_cfg deep-copies the config, hook instances included
    return next(h for h in runner.hooks if isinstance(h, ValEpochs)).epochs


def test_dynamic_val_intervals(tmp_path):
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=6, val_interval=1,
                                                  dynamic_intervals=[(3, 2)]),
                         custom_hooks=[ValEpochs()])
    runner.train()
    assert val_epochs(runner) == [1, 2, 4, 6]


def test_val_begin_counts_like_mmengine_not_mmcv(tmp_path):
    # MMCV's evaluation.start=3, interval=2 validated at 3, 5, 7; MMEngine's
    # val_begin=3 validates at epochs >= 3 that are multiples of 2, and at the end.
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=7, val_begin=3,
                                                  val_interval=2), custom_hooks=[ValEpochs()])
    runner.train()
    assert val_epochs(runner) == [4, 6, 7]


def test_early_stopping(tmp_path):
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=20),
                         custom_hooks=[dict(type='EarlyStoppingHook', monitor='toy/acc',
                                            patience=1, min_delta=1.0)])
    runner.train()
    assert runner.epoch == 2  # no epoch can improve accuracy by a whole 1.0


def test_checkpoint_hook_iteration_interval_save_begin_and_template(tmp_path):
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=2),
                         default_hooks=dict(checkpoint=dict(
                             type='CheckpointHook', by_epoch=False, interval=3, save_begin=5,
                             filename_tmpl='step{:03d}.pth', save_last=False)))
    runner.train()
    # Every 3 iterations counted from save_begin=5 (inclusive), of 16.
    assert sorted(p.name for p in tmp_path.glob('*.pth')) == [
        'step005.pth', 'step008.pth', 'step011.pth', 'step014.pth']


def test_published_checkpoint_keeps_only_the_published_keys(tmp_path):
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=1),
                         default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1,
                                                            published_keys=['meta', 'state_dict'])))
    runner.train()
    published = [p for p in tmp_path.glob('epoch_1-*.pth')]
    assert len(published) == 1
    assert set(torch.load(published[0], weights_only=True)) == {'meta', 'state_dict'}


def test_checkpoint_hook_rejects_mmcv_only_arguments():
    from mmmigrate.engine.hooks import CheckpointHook
    with pytest.raises(TypeError, match='create_symlink'):
        CheckpointHook(interval=1, create_symlink=True)


def test_profiler_hook_writes_a_chrome_trace(tmp_path):
    trace = tmp_path / 'trace.json'
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=1),
                         custom_hooks=[dict(type='ProfilerHook', json_trace_path=str(trace),
                                            on_trace_ready=dict(type='log_trace',
                                                                row_limit=3))])
    runner.train()
    assert json.loads(trace.read_text())['traceEvents']


def test_empty_cache_and_sync_buffers_hooks_are_harmless_on_one_cpu(tmp_path):
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=1),
                         custom_hooks=[dict(type='EmptyCacheHook', after_iter=True),
                                       dict(type='SyncBuffersHook')])
    runner.train()
    assert runner.epoch == 1


def test_logs_eta_and_scalars(tmp_path):
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=1))
    runner.train()
    log = (Path(runner.log_dir) / f'{runner.timestamp}.log').read_text()
    assert 'Epoch(train) [1][4/8]  lr: ' in log and 'eta: ' in log and 'loss_cls: ' in log
    lines = (Path(runner.log_dir) / 'vis_data' / 'scalars.json').read_text().splitlines()
    first = json.loads(lines[0])
    assert {'lr', 'loss', 'loss_cls', 'epoch', 'iter', 'step'} <= set(first)
    assert runner.message_hub.get_info('eta') is not None


def test_tensorboard_backend_explains_a_missing_package(tmp_path):
    pytest.importorskip('numpy')
    try:
        import tensorboard  # noqa: F401
        pytest.skip('tensorboard is installed')
    except ImportError:
        pass
    with pytest.raises(ImportError, match='pip install tensorboard'):
        make_runner(tmp_path, visualizer=dict(type='Visualizer',
                                              vis_backends=[dict(type='TensorboardVisBackend')]))


def test_hooks_run_in_priority_order(tmp_path):
    runner = make_runner(tmp_path, custom_hooks=[dict(type='EMAHook', priority='HIGHEST'),
                                                 dict(type='EarlyStoppingHook',
                                                      monitor='toy/acc')])
    names = [type(h).__name__ for h in runner.hooks]
    assert names == ['EMAHook', 'RuntimeInfoHook', 'IterTimerHook', 'DistSamplerSeedHook',
                     'LoggerHook', 'ParamSchedulerHook', 'CheckpointHook', 'EarlyStoppingHook']
    assert 'before_train_epoch:' in runner.get_hooks_info()


def test_iter_timer_subclass_customising_the_shared_iteration_methods(tmp_path):
    """MMEngine's IterTimerHook does its work in _before_iter/_after_iter; a
    subclass overriding them is called for training iterations too, and its
    super() call still records the times."""
    from mmmigrate.engine.hooks import IterTimerHook

    class CountingTimer(IterTimerHook):
        def __init__(self):
            super().__init__()
            self.calls = []

        def _before_iter(self, runner, batch_idx, data_batch=None, mode='train'):
            self.calls.append(('before', mode))
            super()._before_iter(runner, batch_idx, data_batch, mode)

        def _after_iter(self, runner, batch_idx, data_batch=None, outputs=None, mode='train'):
            self.calls.append(('after', mode))
            super()._after_iter(runner, batch_idx, data_batch, outputs, mode)

    timer = CountingTimer()
    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=1),
                         default_hooks=dict(timer=timer, checkpoint=None))
    runner.train()
    timer = next(h for h in runner.hooks if isinstance(h, CountingTimer))
    assert timer.calls.count(('before', 'train')) == 8
    assert timer.calls.count(('after', 'train')) == 8
    assert len(runner.message_hub.get_scalar('train/time').data[0]) == 8
    assert 'eta' in runner.message_hub.runtime_info


class RecordCounters(Hook):
    def __init__(self):
        self.seen = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.seen.append((runner.epoch, runner.iter, runner.max_epochs, runner.max_iters,
                          runner.train_dataloader is runner.train_loop.dataloader))


def recorded_counters(runner) -> list:
    return next(h for h in runner.hooks if isinstance(h, RecordCounters)).seen


def test_runner_counters_follow_the_train_loop(tmp_path):
    """Hooks read epoch/iter/max_* through the runner: from the built-in
    loop, from a subclass that redefines a counter, and from a loop put in
    place of the first one."""
    from mmmigrate.engine.runner import EpochBasedTrainLoop

    runner = make_runner(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=2),
                         custom_hooks=[RecordCounters()], default_hooks=dict(checkpoint=None))
    runner.train()
    assert recorded_counters(runner) == [(e, e * 8 + i, 2, 16, True)
                                         for e in range(2) for i in range(8)]

    class ShiftedIterLoop(EpochBasedTrainLoop):
        @property
        def iter(self):
            return self._iter + 100

    runner = make_runner(tmp_path / 'shifted', custom_hooks=[RecordCounters()],
                         train_cfg=dict(type=ShiftedIterLoop, max_epochs=1),
                         default_hooks=dict(checkpoint=None))
    runner.train()
    assert [seen[1] for seen in recorded_counters(runner)] == list(range(100, 108))

    first = runner.train_loop
    second = EpochBasedTrainLoop(runner, first.dataloader, max_epochs=3)
    second._epoch, second._iter = 2, 16
    assert (runner.epoch, runner.iter, runner.max_epochs) == (1, 108, 1)
    runner._train_loop = second
    assert (runner.epoch, runner.iter, runner.max_epochs, runner.max_iters) == (2, 16, 3, 24)
    assert runner.train_dataloader is first.dataloader

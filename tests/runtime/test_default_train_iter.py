"""The default hooks' per-iteration fast path (hooks/default_train_iter.py)
does what ``call_hook`` does with the same hooks, and gives way to it
whenever anything else is there."""
import itertools
import json
import math
import time
from collections import OrderedDict
from pathlib import Path

import pytest
import torch

from mmmigrate.engine.config import Config
from mmmigrate.engine.hooks import Hook, LoggerHook, RuntimeInfoHook
from mmmigrate.engine.hooks.default_train_iter import DefaultTrainIterHooks
from mmmigrate.engine.logging import HistoryBuffer, MessageHub
from mmmigrate.engine.runner import EpochBasedTrainLoop, Runner

HERE = Path(__file__).parent


class DispatchingRunner(Runner):
    """A runner whose call_hook is its own (doing what Runner's does): the
    loops then dispatch every stage through it."""

    def call_hook(self, fn_name, **kwargs):
        super().call_hook(fn_name, **kwargs)


def toy_cfg(work_dir, **overrides) -> Config:
    import toy_project  # noqa: F401
    cfg = Config(Config.fromfile(HERE / 'toy_config.py').to_dict())
    cfg.work_dir = str(work_dir)
    for key, value in overrides.items():
        cfg[key] = value
    return cfg


def train_with_fake_clock(monkeypatch, runner_class, work_dir, **overrides):
    # Times, the eta and the log timestamps then depend only on the order of
    # the clock readings, which both dispatch routes must share.
    ticks = itertools.count()
    monkeypatch.setattr(time, 'time', lambda: 1.7e9 + 0.125 * next(ticks))
    runner = runner_class.from_cfg(toy_cfg(work_dir, **overrides))
    runner.train()
    return runner


def observed(runner, work_dir: Path) -> dict:
    hub = runner.message_hub
    log_file, = work_dir.glob('*/*.log')
    scalars_file, = work_dir.glob('*/vis_data/scalars.json')
    return dict(
        scalars={key: tuple(v.tolist() for v in buffer.data)
                 for key, buffer in hub.log_scalars.items()},
        info={key: value.replace(str(work_dir), '<work_dir>') if isinstance(value, str)
              else value for key, value in hub.runtime_info.items() if key != 'cfg'},
        resumed=dict(hub._resumed_keys),
        log=[line.split(' - ', 1)[1].replace(str(work_dir), '<work_dir>')
             for line in log_file.read_text().splitlines()
             if 'Epoch(' in line or 'Iter(' in line or 'Exp name' in line
             or 'Saving checkpoint' in line],
        json=[json.loads(line) for line in scalars_file.read_text().splitlines()],
        checkpoints=sorted(p.name for p in work_dir.glob('*.pth')),
        params={k: v.clone() for k, v in runner.model.state_dict().items()})


TRAIN_SETUPS = {
    'epochs': dict(),
    # epochs shorter than the log interval: logged at each epoch's end
    'short_epochs': dict(
        train_dataloader=dict(dataset=dict(type='ToyPoints', size=30), batch_size=16,
                              sampler=dict(type='DefaultSampler', shuffle=True),
                              collate_fn=dict(type='default_collate')),
        default_hooks=dict(logger=dict(type='LoggerHook', interval=10))),
    'iterations': dict(
        train_cfg=dict(by_epoch=False, max_iters=21, val_interval=10),
        param_scheduler=[dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
                              end=6),
                         dict(type='CosineAnnealingLR', T_max=21, by_epoch=False)],
        log_processor=dict(by_epoch=False),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=4,
                                           max_keep_ckpts=2, save_best='toy/acc'),
                           logger=dict(type='LoggerHook', interval=3, interval_exp_name=5))),
}


@pytest.mark.parametrize('setup', sorted(TRAIN_SETUPS))
def test_fast_path_does_what_call_hook_does(tmp_path, monkeypatch, setup):
    overrides = TRAIN_SETUPS[setup]
    fast = train_with_fake_clock(monkeypatch, Runner, tmp_path / 'fast', **overrides)
    assert isinstance(fast.train_iter_hooks(), DefaultTrainIterHooks)
    dispatched = train_with_fake_clock(monkeypatch, DispatchingRunner, tmp_path / 'dispatched',
                                       **overrides)
    assert dispatched.train_iter_hooks() is False

    got, expected = observed(fast, tmp_path / 'fast'), observed(dispatched,
                                                               tmp_path / 'dispatched')
    assert list(got['scalars']) == list(expected['scalars'])  # the same keys, in order
    for key in expected['scalars']:
        assert got['scalars'][key] == expected['scalars'][key], key
    assert got['info'] == expected['info']
    assert got['resumed'] == expected['resumed']
    assert got['log'] == expected['log'] and len(got['log']) > 5
    assert got['json'] == expected['json']
    assert got['checkpoints'] == expected['checkpoints']
    for name, value in expected['params'].items():
        assert torch.equal(got['params'][name], value), name


class AfterIterHook(Hook):
    def __init__(self):
        self.calls = 0

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.calls += 1


class QuietLogger(LoggerHook):
    pass


def runner_for(tmp_path, runner_class=Runner, **overrides) -> Runner:
    return runner_class.from_cfg(toy_cfg(tmp_path, **overrides))


def test_any_other_hook_at_an_iteration_stage_gets_call_hook(tmp_path):
    runner = runner_for(tmp_path, custom_hooks=[AfterIterHook()])
    assert runner.train_iter_hooks() is False
    runner.train()
    hook, = [h for h in runner.hooks if isinstance(h, AfterIterHook)]
    assert hook.calls == 32


def test_hooks_without_iteration_stages_keep_the_fast_path(tmp_path):
    runner = runner_for(tmp_path, custom_hooks=[dict(type='EarlyStoppingHook', monitor='toy/acc')])
    assert isinstance(runner.train_iter_hooks(), DefaultTrainIterHooks)


@pytest.mark.parametrize('change', ['subclass', 'instance_method', 'priority', 'runner_property'])
def test_anything_but_the_default_hooks_gets_call_hook(tmp_path, change):
    if change == 'subclass':
        runner = runner_for(tmp_path, default_hooks=dict(logger=QuietLogger()))
    elif change == 'priority':  # the logger before the timer
        runner = runner_for(tmp_path, default_hooks=dict(
            logger=dict(type='LoggerHook', priority='ABOVE_NORMAL')))
    elif change == 'instance_method':
        logger = LoggerHook()
        logger.after_train_iter = lambda runner, batch_idx, data_batch=None, outputs=None: None
        runner = runner_for(tmp_path, default_hooks=dict(logger=logger))
    else:
        class CountingRunner(Runner):
            @property
            def iter(self):
                return super().iter
        runner = runner_for(tmp_path, CountingRunner)
    assert runner.train_iter_hooks() is False


def test_a_hook_registered_during_training_is_called_from_then_on(tmp_path):
    late = AfterIterHook()

    class Registrar(Hook):
        def before_train_epoch(self, runner):
            if runner.epoch == 2:
                runner.register_hook(late)

    runner = runner_for(tmp_path, custom_hooks=[Registrar()])
    assert isinstance(runner.train_iter_hooks(), DefaultTrainIterHooks)
    runner.train()
    assert late.calls == 16  # epochs 3 and 4
    assert runner.train_iter_hooks() is False


def test_a_loop_redefining_run_iter_is_still_called(tmp_path):
    calls = []

    class CountingLoop(EpochBasedTrainLoop):
        def run_iter(self, idx, data_batch):
            calls.append(idx)
            super().run_iter(idx, data_batch)

    runner = runner_for(tmp_path, train_cfg=dict(type=CountingLoop, max_epochs=1))
    runner.train()
    assert calls == list(range(8))


def test_keys_logged_as_not_resumed_still_raise(tmp_path):
    runner = runner_for(tmp_path)
    runner.message_hub.update_scalar('train/loss', 1.0, resumed=False)
    with pytest.raises(AssertionError, match="'train/loss' was registered with resumed=False"):
        runner.train()


def test_full_buffers_drop_their_oldest_values(tmp_path):
    runner = runner_for(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=1))
    runner.message_hub.log_scalars['train/loss'] = HistoryBuffer(max_length=3)
    runner.train()
    history, counts = (v.tolist() for v in runner.message_hub.get_scalar('train/loss').data)
    assert len(history) == 3 and counts == [1, 1, 1]
    assert len(runner.message_hub.get_scalar('train/loss_cls').data[0]) == 8
    assert history == runner.message_hub.get_scalar('train/loss_cls').data[0][-3:].tolist()


def test_a_message_hub_subclass_gets_its_own_methods_called(tmp_path):
    class CountingHub(MessageHub):
        updates = 0

        def update_scalar(self, key, value, count=1, resumed=True):
            CountingHub.updates += 1
            super().update_scalar(key, value, count, resumed)

    runner = runner_for(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=1))
    runner.message_hub = CountingHub('counting')
    runner.train()
    # lr, data_time, loss, loss_cls and time at each of 8 iterations
    assert CountingHub.updates >= 8 * 5
    assert len(runner.message_hub.get_scalar('train/loss_cls').data[0]) == 8


def test_a_lr_that_is_not_a_dict_is_the_hooks_error(tmp_path):
    runner = runner_for(tmp_path)

    class NoDictLr(Hook):
        def before_train(self, runner):
            runner.optim_wrapper.get_lr = lambda: [0.1]

    runner.register_hook(NoDictLr())
    assert isinstance(runner.train_iter_hooks(), DefaultTrainIterHooks)
    with pytest.raises(AssertionError, match='optim_wrapper.get_lr\\(\\). should return a dict'):
        runner.train()


def test_a_nan_loss_stops_before_it_is_logged(tmp_path):
    runner = runner_for(tmp_path, train_dataloader=dict(
        dataset=dict(type='ToyPoints', nan_at=list(range(32))), batch_size=4,
        sampler=dict(type='DefaultSampler', shuffle=False), collate_fn=dict(
            type='default_collate')))
    with pytest.raises(FloatingPointError, match='not finite at epoch 1, iteration 1'):
        runner.train()
    assert 'train/loss' not in runner.message_hub.log_scalars
    assert not math.isnan(runner.message_hub.get_scalar('train/lr').current())


def test_the_runtime_info_hook_alone(tmp_path):
    runner = runner_for(tmp_path, train_cfg=dict(by_epoch=True, max_epochs=1), default_hooks=dict(
        timer=None, logger=None, param_scheduler=None, checkpoint=None))
    fast = runner.train_iter_hooks()
    assert isinstance(fast, DefaultTrainIterHooks)
    assert isinstance(fast.before_info, RuntimeInfoHook) and fast.logger is None
    runner.train()
    hub = runner.message_hub
    assert len(hub.get_scalar('train/loss').data[0]) == 8
    assert 'train/time' not in hub.log_scalars and 'eta' not in hub.runtime_info
    assert hub.get_info('iter') == 7


class OffsetLoop(EpochBasedTrainLoop):
    """A loop whose iteration counter is not its ``_iter``."""

    @property
    def iter(self):
        return self._iter + 100


def test_a_loop_with_its_own_counters_is_read_through_the_runner(tmp_path, monkeypatch):
    overrides = dict(train_cfg=dict(type=OffsetLoop, max_epochs=1))
    fast = train_with_fake_clock(monkeypatch, Runner, tmp_path / 'fast', **overrides)
    assert isinstance(fast.train_iter_hooks(), DefaultTrainIterHooks)
    dispatched = train_with_fake_clock(monkeypatch, DispatchingRunner, tmp_path / 'dispatched',
                                       **overrides)
    assert fast.message_hub.get_info('iter') == dispatched.message_hub.get_info('iter') == 107
    assert fast.message_hub.get_info('eta') == dispatched.message_hub.get_info('eta')


@pytest.mark.parametrize('runner_class', [Runner, DispatchingRunner])
def test_a_hooks_type_error_names_the_hook(tmp_path, runner_class):
    runner = runner_for(tmp_path, runner_class, train_cfg=dict(by_epoch=True, max_epochs=1))

    class VectorOutput(Hook):
        def before_train(self, runner):
            runner.model.train_step = lambda data, optim_wrapper: dict(
                loss=torch.tensor(1.0), accuracy=torch.ones(3))

    runner.register_hook(VectorOutput())
    with pytest.raises(AssertionError, match=r'expected a number or a one-element tensor, got '
                                        r'tensor\(\[1., 1., 1.\]\) in <\S+RuntimeInfoHook object'):
        runner.train()


def test_a_lr_dict_of_another_dict_type_is_logged_like_a_dict(tmp_path, monkeypatch):
    class OrderedLr(Hook):
        def before_train(self, runner):
            get_lr = runner.optim_wrapper.get_lr
            runner.optim_wrapper.get_lr = lambda: OrderedDict(get_lr())

    overrides = dict(train_cfg=dict(by_epoch=True, max_epochs=1), custom_hooks=[OrderedLr()])
    fast = train_with_fake_clock(monkeypatch, Runner, tmp_path / 'fast', **overrides)
    assert isinstance(fast.train_iter_hooks(), DefaultTrainIterHooks)
    dispatched = train_with_fake_clock(monkeypatch, DispatchingRunner, tmp_path / 'dispatched',
                                       **overrides)
    for key in ('train/lr', 'train/data_time', 'train/time'):
        assert len(fast.message_hub.get_scalar(key).data[0]) == 8, key
        assert [v.tolist() for v in fast.message_hub.get_scalar(key).data] == \
            [v.tolist() for v in dispatched.message_hub.get_scalar(key).data], key

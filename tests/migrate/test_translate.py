"""The pure translator, as the compat layer will call it at run time."""
import copy

from mmmigrate.migrate.translate import Opaque, TrainingShape, translate_config, \
    translate_schedules

LEGACY = dict(
    model=dict(type='Classifier'),
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9,
                   paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=10.0)})),
    optimizer_config=dict(grad_clip=dict(max_norm=5)),
    lr_config=dict(policy='CosineAnnealing', min_lr=1e-4, by_epoch=False, warmup='linear',
                   warmup_iters=2),
    runner=dict(type='IterBasedRunner', max_iters=100),
    checkpoint_config=dict(interval=50),
    log_config=dict(interval=10, hooks=[dict(type='TextLoggerHook')]),
    data=dict(samples_per_gpu=4, workers_per_gpu=0, train=dict(type='Toy')))


def test_the_input_is_not_modified():
    config = copy.deepcopy(LEGACY)
    translate_config(config)
    assert config == LEGACY


def test_concrete_values_translate_to_every_new_key():
    translation = translate_config(LEGACY)
    assert set(translation.removed) == set(LEGACY) - {'model'}
    new = translation.new
    assert new['optim_wrapper']['clip_grad'] == dict(max_norm=5)
    assert new['train_cfg'] == dict(type='IterBasedTrainLoop', max_iters=100)
    assert new['default_hooks']['checkpoint'] == dict(type='CheckpointHook', interval=50,
                                                      by_epoch=False)
    assert new['log_processor']['by_epoch'] is False
    assert new['train_dataloader']['batch_size'] == 4
    # warmup over an iteration-based cosine with a floor: the exact sandwich
    types = [s['type'] for s in new['param_scheduler']]
    assert 'CosineAnnealingLR' in types and types.count('ExponentialLR') == 3


def test_an_opaque_value_becomes_a_finding_not_a_guess():
    config = dict(LEGACY, lr_config=dict(policy='step', step=Opaque('compute_steps()')))
    translation = translate_config(config)
    assert 'lr_config' not in translation.removed
    assert 'param_scheduler' not in translation.new
    [finding] = [f for f in translation.findings if f.rule == 'schedule-opaque']
    assert finding.severity == 'error' and 'step' in finding.message


def test_iter_runner_resolves_by_epoch_like_mmcv():
    shape = TrainingShape(runner='iter', max_iters=100)
    lr_schedule, _ = translate_schedules(dict(policy='step', step=[50]), None, shape)
    assert lr_schedule == [dict(type='MultiStepLR', milestones=[50], gamma=0.1,
                                by_epoch=False)]
    momentum, findings = translate_schedules(
        None, dict(policy='step', step=[50]), shape)
    assert momentum == [] and [f.rule for f in findings] == ['momentum-frozen']


def test_step_with_a_floor_that_never_clips_is_a_plain_step_schedule():
    shape = TrainingShape(max_epochs=10, base_lrs=(0.1, ))
    for floor in (0.0, -1.0):
        schedule, findings = translate_schedules(
            dict(policy='step', step=2, gamma=0.5, min_lr=floor), None, shape)
        assert schedule == [dict(type='StepLR', step_size=2, gamma=0.5, by_epoch=True)]
    # an integer step that does clip: one multiplier per milestone until the floor
    schedule, _ = translate_schedules(dict(policy='step', step=2, gamma=0.5, min_lr=0.02),
                                      None, TrainingShape(base_lrs=(0.1, )))
    assert [s['milestones'] for s in schedule] == [[2], [4], [6]]
    assert schedule[-1]['gamma'] == 0.02 / 0.025


def test_dynamic_intervals_validate_at_mmdet_2s_epochs():
    """mmdet 2.28's EvalHook decides the interval before epoch e (0-based)
    from bisect(milestones, e + 1) and validates when (e + 1) % interval
    == 0; the engine's loop decides after it, from the epochs done. The
    converted milestones must give the same validation epochs."""
    import bisect
    legacy = dict(runner=dict(type='EpochBasedRunner', max_epochs=32),
                  evaluation=dict(interval=10, dynamic_intervals=[(15, 1), (22, 4)]))
    loop = translate_config(legacy).new['train_cfg']
    assert loop['dynamic_intervals'] == [(16, 1), (23, 4)]

    def mmdet_epochs():
        milestones, intervals = [0, 15, 22], [10, 1, 4]
        for e in range(32):
            interval = intervals[bisect.bisect(milestones, e + 1) - 1]
            if (e + 1) % interval == 0:
                yield e + 1

    def engine_epochs():
        milestones = [0] + [m for m, _ in loop['dynamic_intervals']]
        intervals = [loop['val_interval']] + [i for _, i in loop['dynamic_intervals']]
        for done in range(1, 33):  # the engine's EpochBasedTrainLoop after each epoch
            interval = intervals[bisect.bisect(milestones, done + 1) - 1]
            if done % interval == 0 or done == 32:  # (MMEngine also validates the last)
                yield done

    assert list(engine_epochs()) == list(mmdet_epochs())

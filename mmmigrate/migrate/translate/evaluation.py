"""The ``evaluation`` key of an MMCV 1.x config in MMEngine terms; a part
of ``translate_config`` (``ctx`` is its translation context)."""


def translate_evaluation(ctx) -> None:
    """``evaluation`` (MMCV's EvalHook arguments) -> train_cfg's cadence,
    val_cfg / test_cfg, the evaluators and the checkpoint hook's save_best."""
    evaluation = ctx.take('evaluation')
    if evaluation is None:
        return
    if not isinstance(evaluation, dict):
        ctx.find('evaluation-opaque', 'error', 'evaluation',
                 'evaluation is not a dict literal; set val_cfg/val_evaluator by hand')
        return
    evaluation = dict(evaluation)
    interval = evaluation.pop('interval', 1)
    start = evaluation.pop('start', None)
    evaluation.pop('by_epoch', None)
    loop = ctx.new.setdefault('train_cfg', {})
    loop['val_interval'] = interval
    dynamic = evaluation.pop('dynamic_intervals', None)
    if dynamic is not None:
        _translate_dynamic_intervals(ctx, loop, dynamic)
    if start is None:
        _check_final_validation(ctx, loop, interval)
    else:
        if isinstance(interval, int) and isinstance(start, int) and (interval == 1 or
                                                                     start % interval == 0):
            loop['val_begin'] = start
        else:
            loop['val_begin'] = start
            length = loop.get('max_epochs', loop.get('max_iters'))
            if isinstance(length, int) and isinstance(start, int) and isinstance(interval, int):
                mmcv = list(range(start, length + 1, interval))
                ours = [e for e in range(1, length + 1)
                        if e >= start and (e % interval == 0 or e == length)]
                stake = f' ({mmcv} in MMCV, {ours} here)'
            else:
                stake = ''
            ctx.find('evaluation-start-shift', 'warning', 'evaluation.start',
                     f'MMCV validated at {start}, {start}+{interval}, ...; MMEngine '
                     f'validates at multiples of {interval} from val_begin on and after the '
                     f'last one, so validation happens at other points{stake}; training '
                     'itself is the same')
    checkpoint = {}
    for key in ('save_best', 'rule', 'greater_keys', 'less_keys'):
        if key in evaluation:
            checkpoint[key] = evaluation.pop(key)
    if checkpoint:
        ctx.default_hooks().setdefault('checkpoint', {}).update(checkpoint)
    evaluator = {}
    if evaluation.pop('gpu_collect', False):
        evaluator['collect_device'] = 'gpu'
    if 'tmpdir' in evaluation:
        evaluator['collect_dir'] = evaluation.pop('tmpdir')
    if evaluation.pop('broadcast_bn_buffer', True) is not False:
        ctx.find('evaluation-bn-broadcast', 'info', 'evaluation',
                 'MMEngine does not broadcast BatchNorm buffers before validation; add '
                 "custom_hooks=[dict(type='SyncBuffersHook')] in distributed training")
    evaluator.update(evaluation)  # metric and the other dataset.evaluate() arguments
    ctx.new['val_cfg'] = dict(type='ValLoop')
    ctx.new['test_cfg'] = dict(type='TestLoop')
    ctx.new['val_evaluator'] = evaluator
    ctx.new['test_evaluator'] = dict(evaluator)
    ctx.find('evaluator-type', 'warning', 'evaluation',
             'MMCV passed these arguments to dataset.evaluate(); MMEngine needs a metric '
             "class: set val_evaluator.type (e.g. mmdet's CocoMetric)")


def _check_final_validation(ctx, loop: dict, interval) -> None:
    """MMCV's EvalHook validates at multiples of ``interval``; MMEngine's
    train loops also validate after the last epoch / iteration, from
    ``val_begin`` on. An interval longer than the training never validated
    in MMCV: ``val_begin`` past the end keeps it so."""
    converted = ctx.config.get('train_cfg')
    if isinstance(converted, dict) and 'val_interval' in converted:
        return  # a converted file above this one set the cadence; it wins (merged later)
    length = loop.get('max_epochs', loop.get('max_iters'))
    if not (isinstance(length, int) and isinstance(interval, int)) or interval <= 0 \
            or isinstance(length, bool) or 'dynamic_intervals' in loop:
        return
    unit = 'epoch' if 'max_epochs' in loop else 'iteration'
    if interval > length:
        loop['val_begin'] = interval
        ctx.find('val-never', 'info', 'evaluation',
                 f'evaluation.interval ({interval}) is longer than the training ({length} '
                 f'{unit}s): MMCV never validated; val_begin={interval} keeps it so '
                 '(MMEngine would validate after the last one)')
    elif length % interval:
        ctx.find('val-after-last', 'warning', 'evaluation',
                 f'MMEngine also validates after the last {unit} ({length}); MMCV validated '
                 f'only at multiples of {interval}: one more validation (and save_best '
                 'check) at the end, training itself is the same')


def _translate_dynamic_intervals(ctx, loop: dict, dynamic) -> None:
    """mmdet 2.x's EvalHook(dynamic_intervals=[(milestone, interval)]) picks
    the interval before each epoch / iteration from ``bisect(milestones,
    progress + 1)`` with ``progress`` counting the ones done before it;
    MMEngine's loop picks it after, from the count including it. The same
    validation points need every milestone one later."""
    pairs = dynamic if isinstance(dynamic, (list, tuple)) else None
    if pairs is None or not all(isinstance(p, (list, tuple)) and len(p) == 2 and
                                isinstance(p[0], int) and not isinstance(p[0], bool)
                                for p in pairs):
        ctx.find('evaluation-opaque', 'error', 'evaluation',
                 'evaluation.dynamic_intervals is not a literal list of (milestone, '
                 'interval) pairs; set train_cfg.dynamic_intervals by hand (each milestone '
                 'one later than in mmdet 2.x)')
        return
    loop['dynamic_intervals'] = [(milestone + 1, interval) for milestone, interval in pairs]
    ctx.find('dynamic-intervals-shifted', 'info', 'evaluation',
             'dynamic_intervals move to train_cfg with each milestone one later: MMEngine '
             'decides the interval after an epoch/iteration, mmdet 2.x before it, so the '
             'validations happen at the same points')

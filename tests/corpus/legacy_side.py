"""The legacy side of the corpus judge; runs in the MMCV 1.7.2 oracle venv
and imports nothing of the project.

For every config path given (one per line on stdin) it loads the file with
real ``mmcv.Config.fromfile`` and, where that works, writes the training
fields the judge compares: the lr and momentum of every param group at every
iteration (driven by MMCV's own LrUpdaterHook / MomentumUpdaterHook on a real
runner), the optimizer and its wrapper settings, and the iterations or
epochs at which validation and checkpoints happen. mmedit's spelling
(``total_iters``, ``optimizers``: its train API runs an IterBasedRunner for
``total_iters`` with one optimizer per sub-module) is read as that API does.

    python legacy_side.py OUT_DIR ITERS_PER_EPOCH RESULT_JSON < paths
"""
import copy
import logging
import tempfile

import numpy as np

from side_common import main, model_for, plain, record, several_optimizers

import mmcv  # noqa: E402  (after side_common, which silences its warnings)
from mmcv.runner import EpochBasedRunner, IterBasedRunner, build_optimizer  # noqa: E402


def optimizer_of(cfg):
    return cfg.get('optimizer', cfg.get('optimizers'))


def _split(optimizer):
    """(optimizer without paramwise_cfg / constructor, paramwise, constructor),
    as MMCV's builder takes them apart."""
    if not isinstance(optimizer, dict):
        return optimizer, None, None
    optimizer = copy.deepcopy(dict(optimizer))
    if several_optimizers(optimizer):
        parts = {name: _split(value) for name, value in optimizer.items()}
        paramwise = {n: p[1] for n, p in parts.items()}
        return ({n: p[0] for n, p in parts.items()},
                paramwise if any(v is not None for v in paramwise.values()) else None, None)
    return optimizer, optimizer.pop('paramwise_cfg', None), optimizer.pop('constructor', None)


def training_fields(cfg) -> dict:
    runner = cfg.get('runner')
    if runner is None and cfg.get('total_epochs') is not None:
        runner = dict(type='EpochBasedRunner', max_epochs=cfg.total_epochs)
    if runner is None and cfg.get('total_iters') is not None:
        runner = dict(type='IterBasedRunner', max_iters=cfg.total_iters)
    runner = dict(runner or {})
    by_epoch = runner.get('type', 'EpochBasedRunner') != 'IterBasedRunner'
    length = runner.get('max_epochs') if by_epoch else runner.get('max_iters')
    optimizer, paramwise, constructor = _split(optimizer_of(cfg))
    opt_hook = dict(cfg.get('optimizer_config') or {})
    fp16 = cfg.get('fp16')
    hook_type = opt_hook.get('type', 'OptimizerHook')
    amp = None
    if fp16 is not None or 'Fp16' in hook_type:
        amp = dict(loss_scale=(fp16 or opt_hook).get('loss_scale', 512.0))
    accumulate = opt_hook.get('cumulative_iters', 1) if 'Cumulative' in hook_type else 1
    evaluation = cfg.get('evaluation')
    checkpoint = cfg.get('checkpoint_config')
    if checkpoint is not None and not by_epoch:  # IterBasedRunner.register_training_hooks
        checkpoint = dict(checkpoint, by_epoch=checkpoint.get('by_epoch', False))
    log = cfg.get('log_config')
    fields = dict(
        by_epoch=by_epoch, length=length, optimizer=optimizer, paramwise=paramwise,
        constructor=constructor, clip_grad=opt_hook.get('grad_clip'), amp=amp,
        accumulate=accumulate,
        log_interval=(log or {}).get('interval', 10) if log is not None else None)
    if length is not None:
        fields['val_at'] = _eval_points(evaluation, by_epoch, length)
        fields['checkpoint_at'] = _checkpoint_points(checkpoint, by_epoch, length)
        if checkpoint is not None:
            fields['max_keep_ckpts'] = checkpoint.get('max_keep_ckpts', -1)
        if evaluation is not None and evaluation.get('save_best') is not None:
            fields['save_best'] = [evaluation['save_best'], evaluation.get('rule')]
    return plain(fields)


def _eval_points(evaluation, runner_by_epoch, length):
    """1-based epochs (or iterations) after which MMCV's EvalHook validates
    (``EvalHook._should_evaluate``); the libraries set ``by_epoch`` from the
    runner type."""
    if evaluation is None:
        return None
    interval, start = evaluation.get('interval', 1), evaluation.get('start')
    by_epoch = evaluation.get('by_epoch', runner_by_epoch)
    points = []
    for p in range(1, length + 1):
        if start is None:
            hit = interval > 0 and p % interval == 0
        elif p < start:
            hit = False
        else:
            hit = (p - start) % interval == 0
        if hit:
            points.append(p)
    return [by_epoch, points]


def _checkpoint_points(checkpoint, runner_by_epoch, length):
    if checkpoint is None:
        return None
    interval = checkpoint.get('interval', -1)
    by_epoch = checkpoint.get('by_epoch', True)
    if by_epoch != runner_by_epoch:
        return [by_epoch, 'never' if by_epoch else 'per-iteration-in-epoch-runner']
    save_last = checkpoint.get('save_last', True)
    points = [p for p in range(1, length + 1)
              if (interval > 0 and p % interval == 0) or (save_last and p == length)]
    return [by_epoch, points]


def schedule(cfg, fields, out, iters_per_epoch: int) -> str:
    """Runs MMCV's lr/momentum updater hooks on a real runner and saves lr and
    momentum per iteration and param group in ``out`` (.npy)."""
    optimizer_cfg = copy.deepcopy(optimizer_of(cfg))
    if several_optimizers(optimizer_cfg):  # mmedit's build_optimizers: one per sub-module
        model = model_for(sorted(optimizer_cfg))
        optimizer = {name: build_optimizer(getattr(model, name), optimizer_cfg[name])
                     for name in sorted(optimizer_cfg)}
        groups = [g for name in sorted(optimizer) for g in optimizer[name].param_groups]
    else:
        model = model_for(())
        optimizer = build_optimizer(model, optimizer_cfg)
        groups = optimizer.param_groups
    logger = logging.getLogger('legacy-judge')
    logger.setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as work_dir:
        if fields['by_epoch']:
            runner = EpochBasedRunner(model, optimizer=optimizer, work_dir=work_dir,
                                      logger=logger, max_epochs=fields['length'])
            total = fields['length'] * iters_per_epoch
            runner._max_iters = total  # EpochBasedRunner.run sets it from the loader
        else:
            runner = IterBasedRunner(model, optimizer=optimizer, work_dir=work_dir,
                                     logger=logger, max_iters=fields['length'])
            total = fields['length']
        lr_config = copy.deepcopy(cfg.get('lr_config'))
        if lr_config is not None and not fields['by_epoch']:
            lr_config.setdefault('by_epoch', False)  # IterBasedRunner.register_training_hooks
        runner.register_lr_hook(lr_config)
        runner.register_momentum_hook(copy.deepcopy(cfg.get('momentum_config')))
        runner.data_loader = range(iters_per_epoch)
        values = np.empty((total, 2, len(groups)))
        runner.call_hook('before_run')
        if not fields['by_epoch']:
            runner.call_hook('before_epoch')
        for it in range(total):
            runner._iter = it
            runner._inner_iter = it % iters_per_epoch
            if fields['by_epoch'] and runner._inner_iter == 0:
                runner._epoch = it // iters_per_epoch
                runner.call_hook('before_train_epoch')
            elif not fields['by_epoch']:
                runner._epoch = it // iters_per_epoch
            runner.call_hook('before_train_iter')
            record(values, it, groups)
    np.save(out, values)
    return str(out)


if __name__ == '__main__':
    main('legacy', lambda path: mmcv.Config.fromfile(path, import_custom_modules=False),
         training_fields, optimizer_of, schedule)

"""The MMEngine side of the corpus judge; runs in the MMEngine 0.10.7 oracle
venv and imports nothing of the project.

For every converted config path given (one per line on stdin) it loads the
file with real ``mmengine.Config.fromfile`` and writes the same training
fields as ``legacy_side.py``: lr and momentum per iteration and param group
from MMEngine's own param schedulers (built and stepped as the Runner and
ParamSchedulerHook do), optimizer, wrapper, and when validation and
checkpoints happen. An ``optim_wrapper`` of several wrappers without a
constructor is built one wrapper per sub-module, as the libraries'
multi-optimizer constructors do (MMEngine itself ships none).

    python engine_side.py OUT_DIR ITERS_PER_EPOCH RESULT_JSON < paths
"""
import copy

import numpy as np

from side_common import main, model_for, plain, record

from mmengine.config import Config  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmengine.registry import PARAM_SCHEDULERS  # noqa: E402


def _wrappers(cfg) -> dict:
    """{name: wrapper config} of several optimizers, or {} for one."""
    wrapper = dict(cfg.get('optim_wrapper') or {})
    if 'optimizer' in wrapper or 'constructor' in wrapper:
        return {}
    return {name: dict(value) for name, value in wrapper.items()
            if isinstance(value, dict) and 'optimizer' in value}


def optimizer_of(cfg):
    several = _wrappers(cfg)
    if several:
        return {name: value['optimizer'] for name, value in several.items()}
    return (cfg.get('optim_wrapper') or {}).get('optimizer')


def training_fields(cfg) -> dict:
    loop = dict(cfg.get('train_cfg') or {})
    by_epoch = loop.get('type', 'EpochBasedTrainLoop') != 'IterBasedTrainLoop' \
        and 'max_iters' not in loop
    length = loop.get('max_epochs') if by_epoch else loop.get('max_iters')
    wrapper = dict(cfg.get('optim_wrapper') or {})
    several = _wrappers(cfg)
    paramwise = wrapper.get('paramwise_cfg')
    if several:
        per_name = {name: value.get('paramwise_cfg') for name, value in several.items()}
        paramwise = per_name if any(v is not None for v in per_name.values()) else None
    amp = None
    if wrapper.get('type') == 'AmpOptimWrapper':
        amp = dict(loss_scale=wrapper.get('loss_scale', 'dynamic'))
    hooks = cfg.get('default_hooks') or {}
    logger = hooks.get('logger', dict(interval=10))
    checkpoint = hooks.get('checkpoint', dict(type='CheckpointHook', interval=1))
    fields = dict(
        by_epoch=by_epoch, length=length, optimizer=copy.deepcopy(optimizer_of(cfg)),
        paramwise=paramwise, constructor=wrapper.get('constructor'),
        clip_grad=wrapper.get('clip_grad'), amp=amp,
        accumulate=wrapper.get('accumulative_counts', 1),
        log_interval=(logger or {}).get('interval', 10) if logger is not None else None)
    if length is not None:
        validates = cfg.get('val_evaluator') is not None or cfg.get('val_cfg') is not None
        fields['val_at'] = _val_points(loop, by_epoch, length) if validates else None
        fields['checkpoint_at'] = _checkpoint_points(checkpoint, by_epoch, length)
        if checkpoint is not None:
            fields['max_keep_ckpts'] = checkpoint.get('max_keep_ckpts', -1)
            if checkpoint.get('save_best') is not None:
                fields['save_best'] = [checkpoint['save_best'], checkpoint.get('rule')]
    return plain(fields)


def _val_points(loop, by_epoch, length):
    """1-based epochs (iterations) after which the train loop validates
    (EpochBasedTrainLoop.run / IterBasedTrainLoop.run)."""
    interval, begin = loop.get('val_interval', 1), loop.get('val_begin', 1)
    return [by_epoch, [p for p in range(1, length + 1)
                       if p >= begin and (p % interval == 0 or p == length)]]


def _checkpoint_points(checkpoint, loop_by_epoch, length):
    if checkpoint is None:
        return None
    interval, begin = checkpoint.get('interval', -1), checkpoint.get('save_begin', 0)
    by_epoch = checkpoint.get('by_epoch', True)
    if by_epoch != loop_by_epoch:
        return [by_epoch, 'never' if by_epoch else 'per-iteration-in-epoch-runner']
    save_last = checkpoint.get('save_last', True)
    points = [p for p in range(1, length + 1)
              if (interval > 0 and p - begin >= 0 and (p - begin) % interval == 0)
              or (save_last and p == length)]
    return [by_epoch, points]


def _build_wrapper(model, wrapper_cfg):
    wrapper_cfg = copy.deepcopy(dict(wrapper_cfg))
    if wrapper_cfg.get('type') == 'AmpOptimWrapper':  # needs CUDA; the lr does not
        wrapper_cfg['type'] = 'OptimWrapper'
        wrapper_cfg.pop('loss_scale', None)
        wrapper_cfg.pop('dtype', None)
    return build_optim_wrapper(model, wrapper_cfg)


def schedule(cfg, fields, out, iters_per_epoch: int) -> str:
    several = _wrappers(cfg)
    if several:
        model = model_for(sorted(several))
        wrappers = [_build_wrapper(getattr(model, name), several[name])
                    for name in sorted(several)]
    else:
        wrappers = [_build_wrapper(model_for(()), cfg.optim_wrapper)]
    by_epoch, length = fields['by_epoch'], fields['length']
    total = length * iters_per_epoch if by_epoch else length
    schedulers = []
    items = cfg.get('param_scheduler') or []
    for wrapper in wrappers:  # Runner.build_param_scheduler: the same list for each
        for item in (items if isinstance(items, (list, tuple)) else [items]):
            item = copy.deepcopy(dict(item))
            item.setdefault('end', length if item.get('by_epoch', True) and by_epoch
                            else total)
            schedulers.append(PARAM_SCHEDULERS.build(
                item, default_args=dict(optimizer=wrapper, epoch_length=iters_per_epoch)))
    groups = [g for wrapper in wrappers for g in wrapper.optimizer.param_groups]
    values = np.empty((total, 2, len(groups)))
    for it in range(total):
        record(values, it, groups)
        for scheduler in schedulers:
            if not scheduler.by_epoch:
                scheduler.step()
        if by_epoch and (it + 1) % iters_per_epoch == 0:
            for scheduler in schedulers:
                if scheduler.by_epoch:
                    scheduler.step()
    np.save(out, values)
    return str(out)


if __name__ == '__main__':
    main('engine', lambda path: Config.fromfile(path, import_custom_modules=False),
         training_fields, optimizer_of, schedule)

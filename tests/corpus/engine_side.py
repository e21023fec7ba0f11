"""The MMEngine side of the corpus judge; runs in the MMEngine 0.10.7 oracle
venv and imports nothing of the project.

For every converted config path given (one per line on stdin) it loads the
file with real ``mmengine.Config.fromfile`` and writes the same training
fields as ``legacy_side.py``: lr and momentum per iteration and param group
from MMEngine's own param schedulers (built and stepped as the Runner and
ParamSchedulerHook do), optimizer, wrapper, and when validation and
checkpoints happen.

    python engine_side.py OUT_DIR ITERS_PER_EPOCH RESULT_JSON < paths
"""
import copy
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import torch.nn as nn

warnings.filterwarnings('ignore')
from mmengine.config import Config  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmengine.registry import PARAM_SCHEDULERS  # noqa: E402


class TinyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2))
        self.head = nn.Linear(2, 1)


def _plain(value):
    return json.loads(json.dumps(value, default=repr))


def training_fields(cfg) -> dict:
    loop = dict(cfg.get('train_cfg') or {})
    by_epoch = loop.get('type', 'EpochBasedTrainLoop') != 'IterBasedTrainLoop' \
        and 'max_iters' not in loop
    length = loop.get('max_epochs') if by_epoch else loop.get('max_iters')
    wrapper = dict(cfg.get('optim_wrapper') or {})
    optimizer = copy.deepcopy(wrapper.get('optimizer'))
    amp = None
    if wrapper.get('type') == 'AmpOptimWrapper':
        amp = dict(loss_scale=wrapper.get('loss_scale', 'dynamic'))
    hooks = cfg.get('default_hooks') or {}
    logger = hooks.get('logger', dict(interval=10))
    checkpoint = hooks.get('checkpoint', dict(type='CheckpointHook', interval=1))
    fields = dict(
        by_epoch=by_epoch, length=length, optimizer=optimizer,
        paramwise=wrapper.get('paramwise_cfg'), constructor=wrapper.get('constructor'),
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
    return _plain(fields)


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


def schedule(cfg, fields, out: Path, iters_per_epoch: int) -> str:
    wrapper_cfg = copy.deepcopy(dict(cfg.optim_wrapper))
    if wrapper_cfg.get('type') == 'AmpOptimWrapper':  # needs CUDA; the lr does not
        wrapper_cfg['type'] = 'OptimWrapper'
        wrapper_cfg.pop('loss_scale', None)
        wrapper_cfg.pop('dtype', None)
    wrapper = build_optim_wrapper(TinyModel(), wrapper_cfg)
    by_epoch, length = fields['by_epoch'], fields['length']
    total = length * iters_per_epoch if by_epoch else length
    max_iters = total
    schedulers = []
    items = cfg.get('param_scheduler') or []
    for item in (items if isinstance(items, (list, tuple)) else [items]):
        item = copy.deepcopy(dict(item))
        item.setdefault('end', length if item.get('by_epoch', True) and by_epoch
                        else max_iters)
        schedulers.append(PARAM_SCHEDULERS.build(
            item, default_args=dict(optimizer=wrapper, epoch_length=iters_per_epoch)))
    groups = wrapper.optimizer.param_groups
    values = np.empty((total, 2, len(groups)))
    for it in range(total):
        for g, group in enumerate(groups):
            values[it, 0, g] = group['lr']
            values[it, 1, g] = group['betas'][0] if 'betas' in group \
                else group.get('momentum', 0.0)
        for scheduler in schedulers:
            if not scheduler.by_epoch:
                scheduler.step()
        if by_epoch and (it + 1) % iters_per_epoch == 0:
            for scheduler in schedulers:
                if scheduler.by_epoch:
                    scheduler.step()
    np.save(out, values)
    return str(out)


def main():
    out_dir, iters_per_epoch, result_file = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    results = {}
    for n, path in enumerate(line.strip() for line in sys.stdin if line.strip()):
        try:
            cfg = Config.fromfile(path, import_custom_modules=False)
        except BaseException as e:  # noqa: BLE001 - the judge counts these
            results[path] = dict(load_error=f'{type(e).__name__}: {e}'[:300])
            continue
        entry = results[path] = {}
        try:
            entry['fields'] = fields = training_fields(cfg)
        except Exception as e:  # noqa: BLE001
            entry['fields_error'] = f'{type(e).__name__}: {e}'[:300]
            continue
        optimizer = (cfg.get('optim_wrapper') or {}).get('optimizer')
        if fields['length'] is None or not isinstance(optimizer, dict) \
                or 'type' not in optimizer:
            continue
        try:
            entry['schedule'] = schedule(cfg, fields, out_dir / f'engine-{Path(result_file).stem}-{n}.npy',
                                         iters_per_epoch)
        except Exception as e:  # noqa: BLE001
            entry['schedule_error'] = f'{type(e).__name__}: {e}'[:300]
    with open(result_file, 'w') as f:  # the libraries print to stdout
        json.dump(results, f)


if __name__ == '__main__':
    main()

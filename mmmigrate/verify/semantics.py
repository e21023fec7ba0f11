"""What a config means for training, in MMEngine's terms, for comparison.

An MMEngine config is read as it is. An MMCV 1.x config is first read
through the config translation (``migrate.translate``, the one every other
command uses) for everything but its lr and momentum schedules: those are
kept as ``lr_config`` / ``momentum_config`` and replayed through MMCV's own
updater formulas (``trajectory.legacy_trajectory``), so that the proof of a
schedule never rests on the translation it checks.

Values a config leaves out get MMEngine's defaults (``val_interval`` 1, no
clipping, one accumulation step, ...), so that writing a default out and
leaving it out compare equal.
"""
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

from ..migrate.translate import translate_config
from ..migrate.translate.config import param_group_bases
from .trajectory import Run

# The fields compared, in the order the report lists them, with what each
# one covers (the report's help text).
FIELDS = {
    'optimizer': 'optimizer type and arguments',
    'paramwise_cfg': 'per-parameter lr / decay multipliers',
    'clip_grad': 'gradient clipping',
    'amp': 'mixed precision and loss scale',
    'accumulative_counts': 'gradient accumulation',
    'train_loop': 'epoch- or iteration-based, and its length',
    'validation': 'when validation runs',
    'checkpoint': 'when checkpoints are saved',
    'logging': 'how often the logger writes',
    'randomness': 'seed and determinism',
}


class VerifyError(Exception):
    """A config cannot be compared; the message says which and why."""


@dataclass
class Semantics:
    """One side of the comparison. ``schedule`` is ``('mmcv', lr_config,
    momentum_config)`` or ``('mmengine', param_scheduler)``."""
    fields: Dict[str, Any]
    run: Run
    schedule: Tuple
    notes: list = field(default_factory=list)


def _type_name(value) -> Any:
    """``'SGD'`` for ``'SGD'``, ``'torch.optim.SGD'`` or a class: pure-Python
    configs name types by import path."""
    if isinstance(value, str):
        return value.rsplit('.', 1)[-1]
    if isinstance(value, type):
        return value.__name__
    return value


def _plain(value):
    """Config values as plain data: tuples as lists, types by name."""
    if isinstance(value, dict):
        return {str(k): _type_name(v) if k == 'type' else _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _dict(value) -> dict:
    return _plain(value) if isinstance(value, dict) else {}


def from_mmengine(config: dict, iters_per_epoch: int, notes: Optional[list] = None) -> Semantics:
    """The semantics of a config in MMEngine form."""
    wrapper = _dict(config.get('optim_wrapper'))
    optimizer = _dict(wrapper.get('optimizer'))
    loop = _dict(config.get('train_cfg'))
    by_epoch = loop.get('type') != 'IterBasedTrainLoop' and loop.get('by_epoch', True) \
        and 'max_iters' not in loop
    if by_epoch:
        train_loop = dict(by_epoch=True, max_epochs=loop.get('max_epochs'))
        validation = dict(val_begin=loop.get('val_begin', 1),
                          val_interval=loop.get('val_interval', 1))
    else:
        train_loop = dict(by_epoch=False, max_iters=loop.get('max_iters'))
        validation = dict(val_begin=loop.get('val_begin', 1),
                          val_interval=loop.get('val_interval', 1000))
    hooks = _dict(config.get('default_hooks'))
    checkpoint = hooks.get('checkpoint', dict(type='CheckpointHook', interval=1))
    if isinstance(checkpoint, dict):
        checkpoint = {k: v for k, v in checkpoint.items() if k not in ('type', 'out_dir')}
        checkpoint.setdefault('interval', -1)
        checkpoint.setdefault('by_epoch', True)
    logger = hooks.get('logger', dict(type='LoggerHook', interval=10))
    if isinstance(logger, dict):
        logger = dict(interval=logger.get('interval', 10))
    randomness = _dict(config.get('randomness'))
    randomness.setdefault('seed', None)
    randomness.setdefault('deterministic', False)
    amp = None
    wrapper_type = wrapper.get('type', 'OptimWrapper')
    if wrapper_type == 'AmpOptimWrapper':
        amp = dict(loss_scale=wrapper.get('loss_scale', 'dynamic'),
                   dtype=wrapper.get('dtype'))
    fields = dict(
        optimizer=optimizer or None,
        paramwise_cfg=wrapper.get('paramwise_cfg'),
        clip_grad=wrapper.get('clip_grad'),
        amp=amp,
        accumulative_counts=wrapper.get('accumulative_counts', 1),
        train_loop=train_loop,
        validation=validation,
        checkpoint=checkpoint,
        logging=logger,
        randomness=randomness,
    )
    run = _run(optimizer, wrapper.get('paramwise_cfg'), train_loop, iters_per_epoch)
    return Semantics(fields, run, ('mmengine', config.get('param_scheduler')), notes or [])


def from_mmcv(config: dict, iters_per_epoch: int) -> Semantics:
    """The semantics of an MMCV 1.x config: its translation for the fields,
    its own lr / momentum configs for the schedules."""
    new, translation = converted(config)
    errors = [f for f in translation.findings if f.severity == 'error'
              and not f.key.startswith(('lr_config', 'momentum_config'))]
    if errors:
        raise VerifyError('; '.join(f'{f.key}: {f.message}' for f in errors))
    semantics = from_mmengine(new, iters_per_epoch,
                              [f'{f.key}: {f.message}' for f in translation.findings
                               if f.severity == 'warning'])
    semantics.schedule = ('mmcv', _plain_schedule(config.get('lr_config')),
                          _plain_schedule(config.get('momentum_config')))
    return semantics


def converted(config: dict):
    """(the merged config as ``mmmigrate config`` converts it, the
    translation): legacy keys replaced by their MMEngine keys."""
    translation = translate_config(config)
    new = {k: v for k, v in config.items() if k not in translation.removed}
    new.update(translation.new)
    return new, translation


def _plain_schedule(value) -> Optional[dict]:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise VerifyError(f'the schedule {value!r} is not a dict')
    value = dict(value)
    if isinstance(value.get('target_ratio'), list):  # MMCV reads a pair
        value['target_ratio'] = tuple(value['target_ratio'])
    return value


def _run(optimizer: dict, paramwise_cfg, train_loop: dict, iters_per_epoch: int) -> Run:
    base_lrs, momentum = param_group_bases(dict(optimizer, paramwise_cfg=paramwise_cfg)
                                           if paramwise_cfg else optimizer)
    if not base_lrs:
        raise VerifyError('the optimizer has no literal lr to schedule')
    adam = 'adam' in str(optimizer.get('type', '')).lower()
    if momentum is None:
        momentum = 0.9 if adam else 0.0
    return Run(by_epoch=train_loop['by_epoch'], max_epochs=train_loop.get('max_epochs'),
               max_iters=train_loop.get('max_iters'), epoch_length=iters_per_epoch,
               base_lrs=tuple(base_lrs), base_momentum=momentum,
               optimizer='adam' if adam else 'sgd')

"""MMCV 1.x checkpoints -> the MMEngine layout (CATALOGUE §6).

An MMCV checkpoint holds ``meta``, ``state_dict`` and ``optimizer``. MMEngine
also needs a ``message_hub`` state to resume (and would restart every
learning-rate schedule without ``param_schedulers``). What changes:

- ``meta.epoch`` / ``meta.iter``: kept for epoch-based runs (both libraries
  store ``epoch + 1`` and the finished iterations). An IterBasedRunner
  saved ``iter_N.pth`` before counting iteration N, so its ``meta.iter`` is
  ``N - 1``: it becomes ``N``, as MMEngine writes it, and ``epoch`` 0.
- ``meta.hook_msgs`` (last / best checkpoint, best score) go to the message
  hub's runtime information; ``meta.CLASSES`` becomes
  ``meta.dataset_meta.classes``; the fp16 loss-scaler state moves into
  ``optimizer.loss_scaler``, where ``AmpOptimWrapper`` keeps it.
- ``meta.replay_param_schedulers`` asks the Runner resuming from the result
  to replay the learning-rate schedule up to the saved position, so the lr
  continues where MMCV stopped instead of restarting.

Weights and optimizer state are copied as they are (same torch layout).
Importing this module lets the engine's Runner resume MMCV checkpoints
directly (it adds the conversion to the Runner's checkpoint upgraders).
"""
from typing import Any, Dict, Optional

from ..engine.runner.checkpoint import CHECKPOINT_UPGRADERS, REPLAY_SCHEDULES


def is_mmcv_checkpoint(checkpoint: Any) -> bool:
    """A checkpoint MMCV 1.x wrote (not yet converted)."""
    return isinstance(checkpoint, dict) and isinstance(checkpoint.get('meta'), dict) and \
        'mmcv_version' in checkpoint['meta'] and 'message_hub' not in checkpoint


def convert_mmcv_checkpoint(checkpoint: Dict[str, Any], by_epoch: bool = True) -> dict:
    """The MMEngine layout of an MMCV checkpoint (the input is not changed).
    ``by_epoch=False`` for checkpoints of an IterBasedRunner."""
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get('meta'), dict):
        raise ValueError('not an MMCV runner checkpoint: it has no meta dict (a bare state '
                         'dict loads with load_from, it cannot be resumed)')
    meta = dict(checkpoint['meta'])
    if 'epoch' not in meta or 'iter' not in meta:
        raise ValueError('the checkpoint meta has no epoch/iter: it was not saved by an MMCV '
                         'runner and cannot be resumed (load_from loads its weights)')
    hook_msgs = meta.pop('hook_msgs', None) or {}
    fp16 = meta.pop('fp16', None) or {}
    if by_epoch:
        epoch, iteration = meta['epoch'], meta['iter']
    else:
        epoch, iteration = 0, meta['iter'] + 1
    meta['epoch'], meta['iter'] = epoch, iteration
    if 'CLASSES' in meta:
        meta['dataset_meta'] = dict(classes=meta.pop('CLASSES'))
    meta[REPLAY_SCHEDULES] = True
    runtime_info = dict(epoch=epoch, iter=iteration)
    for key in ('last_ckpt', 'best_score', 'best_ckpt'):
        if key in hook_msgs:
            runtime_info[key] = hook_msgs[key]
    converted = dict(meta=meta, state_dict=checkpoint.get('state_dict', {}),
                     message_hub=dict(log_scalars={}, runtime_info=runtime_info,
                                      resumed_keys={key: True for key in runtime_info}))
    optimizer = checkpoint.get('optimizer')
    if optimizer is not None:
        if 'loss_scaler' in fp16:
            optimizer = dict(optimizer, loss_scaler=fp16['loss_scaler'])
        converted['optimizer'] = optimizer
    return converted


def upgrade_mmcv_checkpoint(checkpoint: Any, by_epoch: bool) -> Optional[dict]:
    """MMEngine layout of an MMCV 1.x checkpoint"""
    return convert_mmcv_checkpoint(checkpoint, by_epoch) if is_mmcv_checkpoint(checkpoint) \
        else None


# where the engine stood when a runner facade saved (its meta holds MMCV's
# epoch / iter, which an IterBasedRunner counted differently)
ENGINE_POSITION = 'engine_position'


def restore_engine_position(checkpoint: Any, by_epoch: bool) -> Optional[dict]:
    """position as the engine counted it (a runner facade saved it)"""
    # the engine's own epoch / iter in meta; the script's seed and config out
    # of it (MMCV's resume neither re-seeded nor re-read the config)
    if not (isinstance(checkpoint, dict) and ENGINE_POSITION in checkpoint):
        return None
    meta = {key: value for key, value in checkpoint['meta'].items()
            if key not in ('seed', 'config')}
    meta.update(checkpoint[ENGINE_POSITION])
    return dict(checkpoint, meta=meta)


for _upgrade in (upgrade_mmcv_checkpoint, restore_engine_position):
    if _upgrade not in CHECKPOINT_UPGRADERS:
        CHECKPOINT_UPGRADERS.append(_upgrade)

"""``mmcv.runner.checkpoint``: saving as MMCV 1.x saved (``meta`` with
``mmcv_version``, ``time`` and the model's ``CLASSES``; ``state_dict``;
``optimizer``); loading is MMEngine's (``load_checkpoint``,
``CheckpointLoader`` and the ``load_from_*`` schemes, which read MMCV's
checkpoints), under MMCV's names."""
import io
import os
import time
from typing import Optional

import torch
from torch.optim import Optimizer

from ..mmcv_shim import _served_version
from .registries import is_module_wrapper
from . import mmengine_module

ENV_MMCV_HOME = 'MMCV_HOME'
ENV_XDG_CACHE_HOME = 'XDG_CACHE_HOME'
DEFAULT_CACHE_DIR = '~/.cache'


def _get_mmcv_home() -> str:
    home = os.path.expanduser(os.getenv(ENV_MMCV_HOME, os.path.join(
        os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), 'mmcv')))
    os.makedirs(home, exist_ok=True)
    return home


def _engine_checkpoint():
    return mmengine_module('runner.checkpoint')


def get_state_dict(module, destination=None, prefix='', keep_vars=False):
    return _engine_checkpoint().get_state_dict(module, destination, prefix, keep_vars)


def weights_to_cpu(state_dict):
    return _engine_checkpoint().weights_to_cpu(state_dict)


def save_checkpoint(model: torch.nn.Module, filename: str,
                    optimizer: Optional[Optimizer] = None, meta: Optional[dict] = None,
                    file_client_args: Optional[dict] = None) -> None:
    """MMCV's checkpoint file: ``meta`` (plus ``mmcv_version``, ``time`` and
    ``CLASSES``), ``state_dict`` on the CPU, ``optimizer`` (a dict of them for
    several)."""
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        raise TypeError(f'meta must be a dict or None, but got {type(meta)}')
    meta.update(mmcv_version=_served_version()[0], time=time.asctime())
    if is_module_wrapper(model):
        model = model.module
    if getattr(model, 'CLASSES', None) is not None:
        meta.update(CLASSES=model.CLASSES)
    checkpoint = {'meta': meta, 'state_dict': weights_to_cpu(get_state_dict(model))}
    if isinstance(optimizer, Optimizer):
        checkpoint['optimizer'] = optimizer.state_dict()
    elif isinstance(optimizer, dict):
        checkpoint['optimizer'] = {name: optim.state_dict() for name, optim in optimizer.items()}
    FileClient = mmengine_module('fileio').FileClient
    client = FileClient.infer_client(file_client_args, filename)
    with io.BytesIO() as buffer:
        torch.save(checkpoint, buffer)
        client.put(buffer.getvalue(), filename)


def __getattr__(name: str):
    """The loading side: MMEngine's functions of the same name."""
    if name.startswith('__'):
        raise AttributeError(name)
    engine = _engine_checkpoint()
    if hasattr(engine, name):
        return getattr(engine, name)
    from . import model_zoo  # the bundled engine loads local and engine checkpoints only
    try:
        return getattr(model_zoo, name)
    except AttributeError:
        raise AttributeError(f'mmengine.runner.checkpoint has no {name}') from None

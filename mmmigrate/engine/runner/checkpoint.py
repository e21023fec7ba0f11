"""Loading weights into models (``mmengine.runner.checkpoint``)."""
import logging
import os.path as osp
import re
from collections import OrderedDict, namedtuple

import torch

from ..dist import get_dist_info
from ..logging import print_log
from ..utils import apply_to


class _IncompatibleKeys(namedtuple('IncompatibleKeys', ['missing_keys', 'unexpected_keys'])):

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return '<All keys matched successfully>'
        return super().__repr__()

    __str__ = __repr__


def load_state_dict(module, state_dict, strict: bool = False, logger=None) -> None:
    """Load ``state_dict`` into ``module`` (unwrapping model wrappers at any
    depth). Mismatched keys are reported (an error with ``strict``); the
    ``num_batches_tracked`` of BN layers may be missing."""
    from ..model.wrappers.utils import is_model_wrapper
    unexpected_keys, missing_keys, err_msg = [], [], []
    metadata = getattr(state_dict, '_metadata', None)
    state_dict = state_dict.copy()
    if metadata is not None:
        state_dict._metadata = metadata

    def load(module, local_state_dict, prefix=''):
        if is_model_wrapper(module):
            module = module.module
        local_metadata = {} if metadata is None else metadata.get(prefix[:-1], {})
        module._load_from_state_dict(local_state_dict, prefix, local_metadata, True,
                                     missing_keys, unexpected_keys, err_msg)
        for name, child in module._modules.items():
            if child is not None:
                child_prefix = prefix + name + '.'
                load(child, {k: v for k, v in local_state_dict.items()
                             if k.startswith(child_prefix)}, child_prefix)
        incompatible = _IncompatibleKeys(missing_keys, unexpected_keys)
        for hook in getattr(module, '_load_state_dict_post_hooks', {}).values():
            hook(module, incompatible)

    load(module, state_dict)
    missing_keys = [key for key in missing_keys if 'num_batches_tracked' not in key]
    if unexpected_keys:
        err_msg.append(f'unexpected key in source state_dict: {", ".join(unexpected_keys)}\n')
    if missing_keys:
        err_msg.append(f'missing keys in source state_dict: {", ".join(missing_keys)}\n')
    rank, _ = get_dist_info()
    if err_msg and rank == 0:
        err_msg.insert(0, 'The model and loaded state dict do not match exactly\n')
        text = '\n'.join(err_msg)
        if strict:
            raise RuntimeError(text)
        print_log(text, logger=logger, level=logging.WARNING)


def _torch_load(filename, map_location, weights_only: bool):
    try:
        return torch.load(filename, map_location=map_location, weights_only=weights_only)
    except Exception as e:
        if weights_only and type(e).__name__ == 'UnpicklingError':
            raise RuntimeError(
                f'{filename}: the checkpoint holds objects that a weights-only load refuses '
                f'({e}). If you trust the file, load it with weights_only=False.') from e
        raise


def _load_checkpoint(filename, map_location=None, logger=None, weights_only: bool = True):
    """Read a checkpoint file (``http(s)://`` URLs are downloaded to torch's
    cache). ``weights_only=True`` refuses pickled code objects."""
    filename = str(filename)
    if filename.startswith(('http://', 'https://')):
        return torch.hub.load_state_dict_from_url(filename, map_location=map_location,
                                                  weights_only=weights_only)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    return _torch_load(filename, map_location, weights_only)


def _load_checkpoint_with_prefix(prefix: str, filename, map_location=None):
    """The weights under ``prefix`` (e.g. ``'backbone.'``) with it removed."""
    checkpoint = _load_checkpoint(filename, map_location=map_location)
    state_dict = checkpoint.get('state_dict', checkpoint)
    if not prefix.endswith('.'):
        prefix += '.'
    selected = {k[len(prefix):]: v for k, v in state_dict.items() if k.startswith(prefix)}
    if not selected:
        raise KeyError(f'{filename}: no weights start with {prefix!r}')
    return selected


def _load_checkpoint_to_model(model, checkpoint, strict=False, logger=None,
                              revise_keys=((r'^module\.', ''), )):
    state_dict = checkpoint.get('state_dict', checkpoint)
    metadata = getattr(state_dict, '_metadata', OrderedDict())
    state_dict = OrderedDict(state_dict)
    for pattern, replacement in revise_keys:
        state_dict = OrderedDict((re.sub(pattern, replacement, k), v)
                                 for k, v in state_dict.items())
    state_dict._metadata = metadata
    load_state_dict(model, state_dict, strict, logger)
    return checkpoint


def load_checkpoint(model, filename, map_location=None, strict: bool = False, logger=None,
                    revise_keys=((r'^module\.', ''), ), weights_only: bool = True):
    """Load a checkpoint into ``model`` and return the whole checkpoint dict.

    ``revise_keys`` is a list of ``(regex, replacement)`` applied to every
    weight name (by default the ``module.`` prefix of wrapped models is
    stripped). ``weights_only=False`` allows checkpoints holding arbitrary
    pickled objects — only for files you trust.
    """
    checkpoint = _load_checkpoint(filename, map_location, logger, weights_only=weights_only)
    if not isinstance(checkpoint, dict):
        raise RuntimeError(f'{filename}: no state_dict found in the checkpoint')
    return _load_checkpoint_to_model(model, checkpoint, strict, logger, revise_keys)


def weights_to_cpu(state_dict):
    """A copy of ``state_dict`` with every tensor on the CPU."""
    metadata = getattr(state_dict, '_metadata', OrderedDict())
    state_dict = apply_to(state_dict, lambda x: hasattr(x, 'cpu'), lambda x: x.cpu())
    state_dict._metadata = metadata
    return state_dict


def get_state_dict(module, destination=None, prefix: str = '', keep_vars: bool = False):
    """``module.state_dict()`` of the unwrapped model."""
    from ..model.wrappers.utils import is_model_wrapper
    while is_model_wrapper(module):
        module = module.module
    return module.state_dict(destination=destination, prefix=prefix, keep_vars=keep_vars)

"""Loading weights into models (``mmengine.runner.checkpoint``)."""
import logging
import os
import os.path as osp
import re
import tempfile
from collections import OrderedDict, namedtuple

import torch

from ..dist import get_dist_info
from ..logging import print_log
from ..utils import apply_to
from .checkpoint_loaders import (CheckpointLoader, get_deprecated_model_names,
                                 get_external_models, get_mmcls_models, get_torchvision_models,
                                 load_from_ceph, load_from_http, load_from_local, load_from_mmcls,
                                 load_from_openmmlab, load_from_pavi, load_from_torchvision)

# The loaders are part of this module's interface (mmengine.runner.checkpoint).
__all__ = ['CheckpointLoader', 'find_latest_checkpoint', 'get_deprecated_model_names',
           'get_external_models', 'get_mmcls_models', 'get_state_dict',
           'get_torchvision_models', 'load_checkpoint', 'load_from_ceph', 'load_from_http',
           'load_from_local', 'load_from_mmcls', 'load_from_openmmlab', 'load_from_pavi',
           'load_from_torchvision', 'load_state_dict', 'save_checkpoint', 'weights_to_cpu']


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


# Callables turning a checkpoint of another layout into this engine's before a
# resume: ``upgrade(checkpoint, by_epoch) -> dict`` or None when the checkpoint
# is not theirs. mmmigrate's compat layer adds the MMCV 1.x one.
CHECKPOINT_UPGRADERS: list = []
# meta key of a checkpoint without scheduler state whose lr schedules the
# Runner rebuilds by replaying them to the saved position
REPLAY_SCHEDULES = 'replay_param_schedulers'

def _load_checkpoint(filename, map_location=None, logger=None, weights_only: bool = True):
    """Read a checkpoint (a local path, or a URL downloaded to torch's
    cache). ``weights_only=True`` refuses pickled code objects; checkpoints
    written by real MMEngine still load (their message-hub buffers are
    mapped onto ours)."""
    return CheckpointLoader.load_checkpoint(filename, map_location, logger, weights_only)


def _load_checkpoint_with_prefix(prefix: str, filename, map_location=None):
    """The weights under ``prefix`` (e.g. ``'backbone.'``) with it removed."""
    checkpoint = _load_checkpoint(filename, map_location=map_location)
    state_dict = checkpoint.get('state_dict', checkpoint)
    if not prefix.endswith('.'):
        prefix += '.'
    selected = {k[len(prefix):]: v for k, v in state_dict.items() if k.startswith(prefix)}
    if not selected:
        raise AssertionError(f'{prefix} is not in the pretrained model {filename}: no weights '
                             'start with it')
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
    """``module.state_dict()`` with every model wrapper (DDP, DataParallel,
    ...) unwrapped, also wrappers nested inside the model, so the keys have
    no ``module.`` parts."""
    from ..model.wrappers.utils import is_model_wrapper
    if is_model_wrapper(module):
        module = module.module
    if destination is None:
        destination = OrderedDict()
        destination._metadata = OrderedDict()
    destination._metadata[prefix[:-1]] = local_metadata = dict(version=module._version)
    module._save_to_state_dict(destination, prefix, keep_vars)
    for name, child in module._modules.items():
        if child is not None:
            get_state_dict(child, destination, prefix + name + '.', keep_vars=keep_vars)
    for hook in module._state_dict_hooks.values():
        result = hook(module, destination, prefix, local_metadata)
        if result is not None:
            destination = result
    return destination


def new_file_mode(path: str) -> int:
    """The mode ``open(path, 'w')`` would leave: an existing file keeps its
    own; a new one gets 0o666 less the process umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    # Linux shows the umask in /proc; setting it to read it back elsewhere
    # would briefly change it for every thread of the process.
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash never leaves a truncated
    file there: write a temporary file in the same directory, flush and
    fsync it, then rename it over ``path``. The file gets the mode a plain
    ``open(path, 'wb')`` would give it (``new_file_mode``)."""
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    mode = new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f'.{osp.basename(path)}.', suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as f:
            os.fchmod(f.fileno(), mode)  # mkstemp makes it 0o600
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
    fsync_directory(directory)


def fsync_directory(directory: str) -> None:
    """Make the renames in ``directory`` durable (where the OS allows)."""
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def atomic_write_text(path: str, text: str) -> None:
    atomic_write_bytes(path, text.encode('utf-8'))


def save_checkpoint(checkpoint: dict, filename: str, file_client_args=None,
                    backend_args=None) -> None:
    """``torch.save`` ``checkpoint`` to ``filename``: a local file is
    written atomically (a crash never leaves half a file); a remote one
    (``s3://...``, or ``backend_args`` / MMCV-style ``file_client_args``)
    goes through its storage backend."""
    import io
    if file_client_args is not None and backend_args is not None:
        raise ValueError('"file_client_args" and "backend_args" cannot be set at the same time.')
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    filename = str(filename)
    if file_client_args is not None:
        from ..fileio import FileClient
        backend = FileClient.infer_client(file_client_args, filename)
    else:
        from ..fileio import get_file_backend
        backend = get_file_backend(filename, backend_args=backend_args)
    from ..fileio import LocalBackend
    if isinstance(backend, LocalBackend) or isinstance(getattr(backend, 'client', None),
                                                       LocalBackend):
        atomic_write_bytes(osp.expanduser(filename), buffer.getvalue())
    else:
        backend.put(buffer.getvalue(), filename)


def find_latest_checkpoint(path: str):
    """The checkpoint named in ``path/last_checkpoint``, or None."""
    save_file = osp.join(path, 'last_checkpoint')
    if not osp.exists(save_file):
        print_log('Did not find last_checkpoint to be resumed.', logger='current')
        return None
    with open(save_file) as f:
        return f.read().strip()

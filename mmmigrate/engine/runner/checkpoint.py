"""Loading weights into models (``mmengine.runner.checkpoint``)."""
import logging
import os
import os.path as osp
import pickle
import re
import tempfile
from collections import OrderedDict, namedtuple
from contextlib import contextmanager

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


# Callables turning a checkpoint of another layout into this engine's before a
# resume: ``upgrade(checkpoint, by_epoch) -> dict`` or None when the checkpoint
# is not theirs. mmmigrate's compat layer adds the MMCV 1.x one.
CHECKPOINT_UPGRADERS: list = []
# meta key of a checkpoint without scheduler state whose lr schedules the
# Runner rebuilds by replaying them to the saved position
REPLAY_SCHEDULES = 'replay_param_schedulers'

_STATISTICS = ('min', 'max', 'current', 'mean')


def _history_buffer_getattr(obj, name: str):
    """Stands in for ``getattr`` while unpickling: MMEngine pickles its
    HistoryBuffer's statistics methods as ``getattr(HistoryBuffer, 'mean')``;
    nothing else may be looked up."""
    from ..logging.history_buffer import HistoryBuffer
    if obj is HistoryBuffer and name in _STATISTICS:
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(f'refusing getattr({obj!r}, {name!r}) in a checkpoint')


def _mmengine_pickle_globals() -> list:
    """What a weights-only load must accept to read a checkpoint written by
    real MMEngine: its HistoryBuffer (mapped onto ours) with the numpy
    arrays inside."""
    from ..logging.history_buffer import HistoryBuffer
    allowed = [(HistoryBuffer, 'mmengine.logging.history_buffer.HistoryBuffer'),
               (_history_buffer_getattr, 'builtins.getattr')]
    try:
        import numpy as np
    except ImportError:
        return allowed
    core = getattr(np, '_core', None) or np.core
    allowed += [core.multiarray._reconstruct, np.ndarray, np.dtype,
                (core.multiarray._reconstruct, 'numpy.core.multiarray._reconstruct')]
    allowed += [type(np.dtype(name)) for name in ('float64', 'float32', 'int64', 'int32')]
    allowed += [core.multiarray.scalar]
    return allowed


@contextmanager
def _accept_mmengine_objects():
    with torch.serialization.safe_globals(_mmengine_pickle_globals()):
        yield


def _torch_load(filename, map_location, weights_only: bool):
    try:
        with _accept_mmengine_objects():
            return torch.load(filename, map_location=map_location, weights_only=weights_only)
    except Exception as e:
        if weights_only and type(e).__name__ == 'UnpicklingError':
            raise RuntimeError(
                f'{filename}: the checkpoint holds objects that a weights-only load refuses '
                f'({e}). If you trust the file, load it with weights_only=False.') from e
        raise


class CheckpointLoader:
    """Checkpoint readers by path prefix; ``register_scheme`` adds one."""

    _schemes: dict = {}

    @classmethod
    def register_scheme(cls, prefixes, loader=None, force: bool = False):
        if isinstance(prefixes, str):
            prefixes = [prefixes]

        def register(func):
            for prefix in prefixes:
                if prefix in cls._schemes and not force:
                    raise KeyError(f'{prefix} is already registered as a loader backend, add '
                                   '"force=True" if you want to override it')
                cls._schemes[prefix] = func
            # longer prefixes first, so 'https://' wins over a shorter one
            cls._schemes = dict(sorted(cls._schemes.items(), key=lambda x: -len(x[0])))
            return func

        return register(loader) if loader is not None else register

    @classmethod
    def _get_checkpoint_loader(cls, path: str):
        for prefix, loader in cls._schemes.items():
            if re.match(prefix, path) is not None:
                return loader
        return _load_local

    @classmethod
    def load_checkpoint(cls, filename, map_location=None, logger='current',
                        weights_only: bool = True):
        loader = cls._get_checkpoint_loader(str(filename))
        return loader(str(filename), map_location, weights_only=weights_only)


def _load_local(filename, map_location, weights_only: bool = True):
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint {filename} does not exist')
    return _torch_load(filename, map_location, weights_only)


@CheckpointLoader.register_scheme(prefixes=('http://', 'https://'))
def _load_from_http(filename, map_location=None, weights_only: bool = True):
    return torch.hub.load_state_dict_from_url(filename, map_location=map_location,
                                              weights_only=weights_only)


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
    """``torch.save`` ``checkpoint`` to ``filename`` atomically (local paths)."""
    import io
    if file_client_args is not None or backend_args is not None:
        raise ValueError('save_checkpoint: remote storage (file_client_args/backend_args) is '
                         'not supported by the bundled engine')
    buffer = io.BytesIO()
    torch.save(checkpoint, buffer)
    atomic_write_bytes(str(filename), buffer.getvalue())


def find_latest_checkpoint(path: str):
    """The checkpoint named in ``path/last_checkpoint``, or None."""
    save_file = osp.join(path, 'last_checkpoint')
    if not osp.exists(save_file):
        print_log('Did not find last_checkpoint to be resumed.', logger='current')
        return None
    with open(save_file) as f:
        return f.read().strip()

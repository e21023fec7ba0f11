"""Reading checkpoints by path prefix (``CheckpointLoader``) and the
loaders MMEngine registers: local files, ``http(s)://``, ``pavi://``,
``s3://`` / ``petrel://``, ``torchvision://``, ``open-mmlab://`` and
``mmcls://``. Checkpoints are read with torch's weights-only unpickler by
default; the objects real MMEngine pickles into checkpoints are accepted."""
import inspect
import io
import logging
import os
import os.path as osp
import pickle
import re
import tempfile
from collections import OrderedDict
from contextlib import contextmanager

import torch

from ..dist import get_dist_info
from ..logging import print_log

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
        return load_from_local

    @classmethod
    def load_checkpoint(cls, filename, map_location=None, logger='current',
                        weights_only: bool = True):
        """The checkpoint at ``filename``, read by the loader of its prefix.
        ``weights_only`` reaches the loaders that take it (ours do; a
        user's ``loader(filename, map_location)`` need not)."""
        filename = str(filename)
        loader = cls._get_checkpoint_loader(filename)
        print_log(f'Loads checkpoint by {loader.__name__[10:]} backend from path: '
                  f'{filename}', logger=logger or 'current', level=logging.DEBUG)
        if 'weights_only' in inspect.signature(loader).parameters:
            return loader(filename, map_location, weights_only=weights_only)
        return loader(filename, map_location)


def load_from_local(filename, map_location=None, weights_only: bool = True):
    """A local checkpoint (``~`` expanded)."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return _torch_load(filename, map_location, weights_only)


@CheckpointLoader.register_scheme(prefixes=('http://', 'https://'))
def load_from_http(filename, map_location=None, model_dir=None, weights_only: bool = True,
                   progress: bool = None):
    """Downloaded into torch's hub cache (``model_dir``): once per machine,
    rank 0 first and the other ranks after a barrier."""
    rank, world_size = get_dist_info()

    def fetch():
        return torch.hub.load_state_dict_from_url(filename, model_dir=model_dir,
                                                  map_location=map_location,
                                                  weights_only=weights_only)
    checkpoint = fetch() if rank == 0 else None
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            checkpoint = fetch()
    return checkpoint


@CheckpointLoader.register_scheme(prefixes='pavi://')
def load_from_pavi(filename, map_location=None, weights_only: bool = True):
    """A checkpoint of the PAVI model cloud (needs ``pavi``)."""
    assert filename.startswith('pavi://'), \
        f'Expected filename startswith `pavi://`, but get {filename}'
    try:
        from pavi import modelcloud
    except ImportError:
        raise ImportError('Please install pavi to load checkpoint from modelcloud.') from None
    model = modelcloud.get(filename[7:])
    with tempfile.TemporaryDirectory() as folder:
        path = osp.join(folder, model.name)
        model.download(path)
        return _torch_load(path, map_location, weights_only)


@CheckpointLoader.register_scheme(prefixes=[r'(\S+\:)?s3://', r'(\S+\:)?petrel://'])
def load_from_ceph(filename, map_location=None, backend: str = 'petrel',
                   weights_only: bool = True):
    """A checkpoint in object storage (``s3://``; needs ``petrel_client``)."""
    from ..fileio import get_file_backend
    file_backend = get_file_backend(filename, backend_args={'backend': backend})
    with io.BytesIO(file_backend.get(filename)) as buffer:
        return _torch_load(buffer, map_location, weights_only)


def _get_mmengine_home() -> str:
    home = osp.expanduser(os.getenv('MMENGINE_HOME', osp.join(
        os.getenv('XDG_CACHE_HOME', '~/.cache'), 'mmengine')))
    os.makedirs(home, exist_ok=True)
    return home


def get_torchvision_models() -> dict:
    """``name.<weights>`` (and ``name.default``) -> URL of every torchvision
    weight set."""
    import torchvision
    urls = {}
    for model in torchvision.models.list_models(torchvision.models):
        weights = torchvision.models.get_model_weights(model)
        if not hasattr(weights, 'DEFAULT'):
            continue
        key = weights.__name__.replace('_Weights', '').lower()
        urls[f'{key}.default'] = weights.DEFAULT.url
        for weight in weights:
            urls[f'{key}.{weight.name.lower()}'] = weight.url
    return urls


def zoo_index(name: str) -> dict:
    """The OpenMMLab model-zoo index ``name`` (``openmmlab.json``,
    ``mmcls.json``, ``deprecated.json``) that an installed MMEngine (or
    MMCV) ships; the bundled engine does not carry these URL tables."""
    import importlib.util
    import json
    for package, folder in (('mmengine', 'hub'), ('mmcv', 'model_zoo')):
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        for root in (spec.submodule_search_locations or []) if spec else []:
            # MMEngine ships openmmlab.json, MMCV open_mmlab.json: either spelling
            for candidate in dict.fromkeys((name, name.replace('openmmlab', 'open_mmlab'),
                                            name.replace('open_mmlab', 'openmmlab'))):
                path = osp.join(root, folder, candidate)
                if osp.isfile(path):
                    with open(path, encoding='utf-8') as file:
                        return json.load(file)
    raise FileNotFoundError(f'the OpenMMLab model-zoo index {name} is not installed (MMEngine '
                            "ships it): pip install mmengine, or give the checkpoint's URL")


def get_external_models() -> dict:
    """The model zoo's names -> URLs, with ``$MMENGINE_HOME/open_mmlab.json``'s on top."""
    urls = zoo_index('openmmlab.json')
    external = osp.join(_get_mmengine_home(), 'open_mmlab.json')
    if osp.exists(external):
        from ..fileio import load
        urls.update(load(external))
    return urls


def get_mmcls_models() -> dict:
    return zoo_index('mmcls.json')


def get_deprecated_model_names() -> dict:
    return zoo_index('deprecated.json')


@CheckpointLoader.register_scheme(prefixes=('modelzoo://', 'torchvision://'))
def load_from_torchvision(filename, map_location=None, weights_only: bool = True):
    """``torchvision://resnet50`` (or ``resnet50.imagenet1k_v1``): torchvision's weights."""
    if filename.startswith('modelzoo://'):
        print_log('The URL scheme of "modelzoo://" is deprecated, please use "torchvision://" '
                  'instead', logger='current', level=logging.WARNING)
        name = filename[11:]
    else:
        name = filename[14:]
    urls = get_torchvision_models()
    return load_from_http(urls.get(name) or urls[f'{name}.default'],
                          map_location=map_location, weights_only=weights_only)


@CheckpointLoader.register_scheme(prefixes=('open-mmlab://', 'openmmlab://'))
def load_from_openmmlab(filename, map_location=None, weights_only: bool = True):
    """``open-mmlab://name``: a checkpoint of the OpenMMLab model zoo."""
    prefix = 'open-mmlab://' if filename.startswith('open-mmlab://') else 'openmmlab://'
    name = filename[len(prefix):]
    deprecated = get_deprecated_model_names()
    if name in deprecated:
        print_log(f'{prefix}{name} is deprecated in favor of {prefix}{deprecated[name]}',
                  logger='current', level=logging.WARNING)
        name = deprecated[name]
    url = get_external_models()[name]
    if url.startswith(('http://', 'https://')):
        return load_from_http(url, map_location=map_location, weights_only=weights_only)
    return load_from_local(osp.join(_get_mmengine_home(), url), map_location, weights_only)


@CheckpointLoader.register_scheme(prefixes='mmcls://')
def load_from_mmcls(filename, map_location=None, weights_only: bool = True):
    """An mmcls classifier's checkpoint as its backbone's (``backbone.``
    keys, without the prefix)."""
    checkpoint = load_from_http(get_mmcls_models()[filename[8:]], map_location=map_location,
                                weights_only=weights_only)
    state_dict = checkpoint.get('state_dict', checkpoint)
    return dict(state_dict=OrderedDict((key[9:], value) for key, value in state_dict.items()
                                       if key.startswith('backbone.')))

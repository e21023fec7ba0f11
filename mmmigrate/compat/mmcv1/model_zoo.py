"""``mmcv.runner.checkpoint``'s loaders by URL scheme, for the bundled engine
(a real MMEngine, when installed, serves its own): local files, ``http(s)://``,
``torchvision://`` (torchvision's weight enums), ``open-mmlab://`` /
``mmcls://`` (the model-zoo index: ``$MMCV_HOME/open_mmlab.json``, else the
one MMEngine ships), ``pavi://`` and ``s3://`` (their services' packages)."""
import io
import json
import os.path as osp
import warnings
from typing import Callable, Optional, Union

import torch

from ...engine.runner.checkpoint_loaders import zoo_index as _zoo_index
from .checkpoint import _get_mmcv_home


def _torch_load(source, map_location):
    return torch.load(source, map_location=map_location, weights_only=False)


def load_from_local(filename: str, map_location: Union[str, Callable, None] = None):
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return _torch_load(filename, map_location)


def load_from_http(filename: str, map_location=None, model_dir: Optional[str] = None):
    """Downloaded once per machine (rank 0 first, the others after a barrier)."""
    import torch.distributed as dist

    def fetch():
        return torch.hub.load_state_dict_from_url(filename, model_dir=model_dir,
                                                  map_location=map_location)
    distributed = dist.is_available() and dist.is_initialized()
    rank = dist.get_rank() if distributed else 0
    checkpoint = fetch() if rank == 0 else None
    if distributed and dist.get_world_size() > 1:
        dist.barrier()
        if rank > 0:
            checkpoint = fetch()
    return checkpoint


def load_from_pavi(filename: str, map_location=None):
    if not filename.startswith('pavi://'):
        raise ValueError(f'Expected filename startswith `pavi://`, but get {filename}')
    try:
        from pavi import modelcloud
    except ImportError:
        raise ImportError('Please install pavi to load checkpoint from modelcloud.') from None
    import tempfile
    model = modelcloud.get(filename[7:])
    with tempfile.TemporaryDirectory() as folder:
        path = osp.join(folder, model.name)
        model.download(path)
        return _torch_load(path, map_location)


def load_from_ceph(filename: str, map_location=None, backend: str = 'petrel'):
    if backend not in ('ceph', 'petrel'):
        raise ValueError(f'Load from Backend {backend} is not supported.')
    try:
        from petrel_client import client
    except ImportError:
        raise ImportError('Please install petrel_client to load checkpoints from s3://')
    with io.BytesIO(client.Client().Get(filename)) as buffer:
        return _torch_load(buffer, map_location)


def get_torchvision_models() -> dict:
    """``name`` / ``name.<weights>`` -> URL for every torchvision model."""
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


def get_external_models() -> dict:
    urls = _zoo_index('open_mmlab.json')
    external = osp.join(_get_mmcv_home(), 'open_mmlab.json')
    if osp.exists(external):
        with open(external, encoding='utf-8') as file:
            urls.update(json.load(file))
    return urls


def get_mmcls_models() -> dict:
    return _zoo_index('mmcls.json')


def get_deprecated_model_names() -> dict:
    return _zoo_index('deprecated.json')


def load_from_torchvision(filename: str, map_location=None):
    if filename.startswith('modelzoo://'):
        warnings.warn('The URL scheme of "modelzoo://" is deprecated, please use '
                      '"torchvision://" instead', DeprecationWarning)
        name = filename[11:]
    else:
        name = filename[14:]
    name = name.lower().replace('_weights', '')
    urls = get_torchvision_models()
    return load_from_http(urls.get(name) or urls[f'{name}.default'], map_location=map_location)


def load_from_openmmlab(filename: str, map_location=None):
    prefix = 'open-mmlab://' if filename.startswith('open-mmlab://') else 'openmmlab://'
    name = filename[len(prefix):]
    deprecated = get_deprecated_model_names()
    if name in deprecated:
        warnings.warn(f'{prefix}{name} is deprecated in favor of {prefix}{deprecated[name]}',
                      DeprecationWarning)
        name = deprecated[name]
    url = get_external_models()[name]
    if url.startswith(('http://', 'https://')):
        return load_from_http(url, map_location=map_location)
    return load_from_local(osp.join(_get_mmcv_home(), url), map_location=map_location)


def load_from_mmcls(filename: str, map_location=None):
    """An mmcls classifier's checkpoint as a backbone's: ``backbone.`` keys
    without the prefix."""
    from collections import OrderedDict
    checkpoint = load_from_http(get_mmcls_models()[filename[8:]], map_location=map_location)
    state_dict = checkpoint.get('state_dict', checkpoint)
    return dict(state_dict=OrderedDict((key[9:], value) for key, value in state_dict.items()
                                       if key.startswith('backbone.')))



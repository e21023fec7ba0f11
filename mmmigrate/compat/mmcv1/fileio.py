"""``mmcv.fileio`` names MMEngine moved or the bundled engine lacks: the
storage backends (a service's backend says which package to install when
it is missing, as MMCV's did), the JSON default, the handler table."""
import numpy as np
from . import mmengine_module


def _engine_fileio():
    return mmengine_module('fileio')


def _missing_service(name: str, package: str):
    def __init__(self, *args, **kwargs):
        raise ImportError(f'Please install {package} to enable {name}.')
    return type(name, (_engine_fileio().BaseStorageBackend,), {
        '__init__': __init__, '__doc__': f'MMCV\'s {name}: needs {package}.',
        'get': None, 'get_text': None})


_SERVICES = {'PetrelBackend': 'petrel_client', 'MemcachedBackend': 'memcached',
             'LmdbBackend': 'lmdb', 'CephBackend': 'ceph'}


def set_default(obj):
    """What ``json.dump`` cannot write, as MMCV's JSON handler wrote it."""
    if isinstance(obj, (set, range)):
        return list(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f'{type(obj)} is unsupported for json dump')


def __getattr__(name: str):
    if name.startswith('__'):
        raise AttributeError(name)
    if name == 'file_handlers':
        return mmengine_module('fileio.io').file_handlers \
            if hasattr(mmengine_module('fileio.io'), 'file_handlers') \
            else mmengine_module('fileio.handlers').file_handlers
    fileio = _engine_fileio()
    if name != 'CephBackend' and hasattr(fileio, name):
        return getattr(fileio, name)
    if name in _SERVICES:
        return _missing_service(name, _SERVICES[name])
    raise AttributeError(f'mmengine.fileio has no {name}')

"""The storage backends by name and by URI prefix, and ``register_backend``
(``mmengine.fileio.backends.registry_utils``)."""
import inspect
from typing import Optional, Type, Union

from .base import BaseStorageBackend
from .http_backend import HTTPBackend
from .lmdb_backend import LmdbBackend
from .local_backend import LocalBackend
from .memcached_backend import MemcachedBackend
from .petrel_backend import PetrelBackend

backends: dict = {}
prefix_to_backends: dict = {}


def _register_backend(name: str, backend: Type[BaseStorageBackend], force: bool = False,
                      prefixes: Union[str, list, tuple, None] = None) -> None:
    if not isinstance(name, str):
        raise TypeError(f'the backend name should be a string, but got {type(name)}')
    if not inspect.isclass(backend):
        raise TypeError(f'backend should be a class, but got {type(backend)}')
    if not issubclass(backend, BaseStorageBackend):
        raise TypeError(f'backend {backend} is not a subclass of BaseStorageBackend')
    if name in backends and not force:
        raise ValueError(f'{name} is already registered as a storage backend, add '
                         '"force=True" if you want to override it')
    if prefixes is not None:
        if isinstance(prefixes, str):
            prefixes = [prefixes]
        assert isinstance(prefixes, (list, tuple)), 'prefixes must be a str, list or tuple'
        for prefix in prefixes:
            if prefix in prefix_to_backends and not force:
                raise ValueError(f'{prefix} is already registered as a storage backend, add '
                                 '"force=True" if you want to override it')
    backends[name] = backend
    for prefix in prefixes or []:
        prefix_to_backends[prefix] = backend


def register_backend(name: str, backend: Optional[Type[BaseStorageBackend]] = None,
                     force: bool = False, prefixes: Union[str, list, tuple, None] = None):
    """Register a ``BaseStorageBackend`` subclass under ``name`` (and the
    URI ``prefixes`` it serves, e.g. ``'s3'``); usable as a decorator."""
    if backend is not None:
        _register_backend(name, backend, force=force, prefixes=prefixes)
        return None

    def register(backend_cls):
        _register_backend(name, backend_cls, force=force, prefixes=prefixes)
        return backend_cls
    return register


register_backend('local', LocalBackend, prefixes='')
register_backend('memcached', MemcachedBackend)
register_backend('lmdb', LmdbBackend)
# `petrel` is a prefix PetrelBackend accepts (and maps to `s3`).
register_backend('petrel', PetrelBackend, prefixes=['petrel', 's3'])
register_backend('http', HTTPBackend, prefixes=['http', 'https'])

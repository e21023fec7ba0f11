"""``FileClient`` (MMCV 1.x, deprecated in MMEngine but still there): one
client object per set of arguments, delegating to a storage backend named
(``backend='disk'``) or inferred from a URI prefix (``http://...``)."""
import logging
from pathlib import Path
from typing import Optional, Union

from ..logging import print_log
from .backends import (BaseStorageBackend, HTTPBackend, LmdbBackend, LocalBackend,
                       MemcachedBackend, PetrelBackend)


class HardDiskBackend(LocalBackend):
    """MMCV's name for the local backend."""


class FileClient:
    _backends = {'disk': HardDiskBackend, 'memcached': MemcachedBackend,
                 'lmdb': LmdbBackend, 'petrel': PetrelBackend, 'http': HTTPBackend}
    _prefix_to_backends = {'s3': PetrelBackend, 'petrel': PetrelBackend,
                           'http': HTTPBackend, 'https': HTTPBackend}
    _instances: dict = {}

    def __new__(cls, backend: Optional[str] = None, prefix: Optional[str] = None, **kwargs):
        print_log('"FileClient" will be deprecated in future. Please use the io functions of '
                  'mmengine.fileio', logger='current', level=logging.WARNING)
        return cls._instance(backend, prefix, **kwargs)

    @classmethod
    def _instance(cls, backend: Optional[str] = None, prefix: Optional[str] = None,
                  **kwargs) -> 'FileClient':
        """The client for these arguments (one per set of arguments)."""
        if backend is None and prefix is None:
            backend = 'disk'
        for kind, name, known in (('Backend', backend, cls._backends),
                                  ('prefix', prefix, cls._prefix_to_backends)):
            if name is not None and name not in known:
                raise ValueError(f'{kind} {name} is not supported. Currently supported ones '
                                 f'are {list(known)}')
        key = ':'.join([str(backend), str(prefix)] + [f'{k}:{v}' for k, v in kwargs.items()])
        instance = cls._instances.get(key)
        if instance is None:
            instance = object.__new__(cls)
            backend_cls = cls._backends[backend] if backend is not None \
                else cls._prefix_to_backends[prefix]
            instance.client = backend_cls(**kwargs)
            cls._instances[key] = instance
        return instance

    @property
    def name(self) -> str:
        return self.client.name

    @property
    def allow_symlink(self) -> bool:
        return self.client.allow_symlink

    @staticmethod
    def parse_uri_prefix(uri: Union[str, Path]) -> Optional[str]:
        """``'s3'`` for ``'s3://bucket/file'`` (``'s3'`` also for
        ``'cluster:s3://...'``), None for a plain path."""
        if not isinstance(uri, (str, Path)):
            raise TypeError(f'uri must be a str or Path, got {type(uri).__name__}')
        uri = str(uri)
        if '://' not in uri:
            return None
        prefix = uri.split('://')[0]
        return prefix.split(':')[-1]

    @classmethod
    def infer_client(cls, file_client_args: Optional[dict] = None,
                     uri: Optional[Union[str, Path]] = None) -> 'FileClient':
        if file_client_args is None and uri is None:
            raise ValueError('infer_client needs file_client_args or a uri')
        if file_client_args is None:
            return cls(prefix=cls.parse_uri_prefix(uri))
        return cls(**file_client_args)

    @classmethod
    def register_backend(cls, name: str, backend=None, force: bool = False, prefixes=None):
        """Register a ``BaseStorageBackend`` subclass under ``name`` (and
        URI ``prefixes``); usable as a decorator."""
        def register(backend_cls):
            if not isinstance(backend_cls, type) or \
                    not issubclass(backend_cls, BaseStorageBackend):
                raise TypeError(f'backend {backend_cls} is not a subclass of BaseStorageBackend')
            if not isinstance(name, str):
                raise TypeError(f'the backend name should be a string, got {type(name)}')
            if name in cls._backends and not force:
                raise KeyError(f'{name} is already registered as a storage backend, add '
                               '"force=True" if you want to override it')
            cls._backends[name] = backend_cls
            cls._instances.clear()  # clients of the old backend are stale
            for prefix in [prefixes] if isinstance(prefixes, str) else (prefixes or []):
                if prefix in cls._prefix_to_backends and not force:
                    raise KeyError(f'{prefix} is already registered as a storage backend, add '
                                   '"force=True" if you want to override it')
                cls._prefix_to_backends[prefix] = backend_cls
            return backend_cls
        return register if backend is None else register(backend)

    # what the backend does
    def get(self, filepath):
        return self.client.get(filepath)

    def get_text(self, filepath, encoding: str = 'utf-8') -> str:
        return self.client.get_text(filepath, encoding)

    def put(self, obj: bytes, filepath) -> None:
        self.client.put(obj, filepath)

    def put_text(self, obj: str, filepath) -> None:
        self.client.put_text(obj, filepath)

    def remove(self, filepath) -> None:
        self.client.remove(filepath)

    def exists(self, filepath) -> bool:
        return self.client.exists(filepath)

    def isdir(self, filepath) -> bool:
        return self.client.isdir(filepath)

    def isfile(self, filepath) -> bool:
        return self.client.isfile(filepath)

    def join_path(self, filepath, *filepaths) -> str:
        return self.client.join_path(filepath, *filepaths)

    def get_local_path(self, filepath):
        return self.client.get_local_path(str(filepath))

    def list_dir_or_file(self, dir_path, list_dir: bool = True, list_file: bool = True,
                         suffix=None, recursive: bool = False):
        return self.client.list_dir_or_file(dir_path, list_dir, list_file, suffix, recursive)

"""Storage backends (``mmengine.fileio.backends``): the local disk,
HTTP(S), and the object stores (Petrel/S3, memcached, LMDB) whose client
libraries must be installed to use them."""
from .base import BaseStorageBackend
from .http_backend import HTTPBackend
from .lmdb_backend import LmdbBackend
from .local_backend import LocalBackend
from .memcached_backend import MemcachedBackend
from .petrel_backend import PetrelBackend
from .registry_utils import backends, prefix_to_backends, register_backend

__all__ = ['BaseStorageBackend', 'HTTPBackend', 'LmdbBackend', 'LocalBackend',
           'MemcachedBackend', 'PetrelBackend', 'backends', 'prefix_to_backends',
           'register_backend']

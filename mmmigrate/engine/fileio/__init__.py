"""File access and serialisation (``mmengine.fileio``): the io functions
(local disk, HTTP(S) for reading), ``load`` / ``dump`` with their format
handlers, ``FileClient`` and the text-file parsers."""
from .backends import BaseStorageBackend, HardDiskBackend, HTTPBackend, LocalBackend
from .file_client import FileClient
from .handlers import (BaseFileHandler, JsonHandler, PickleHandler, YamlHandler,
                       register_handler)
from .io import (dump, exists, get, get_local_path, get_text, isdir, isfile, join_path,
                 list_dir_or_file, load, put, put_text, remove)
from .parse import dict_from_file, list_from_file

__all__ = ['BaseFileHandler', 'BaseStorageBackend', 'FileClient', 'HTTPBackend',
           'HardDiskBackend', 'JsonHandler', 'LocalBackend', 'PickleHandler', 'YamlHandler',
           'dict_from_file', 'dump', 'exists', 'get', 'get_local_path', 'get_text', 'isdir',
           'isfile', 'join_path', 'list_dir_or_file', 'list_from_file', 'load', 'put',
           'put_text', 'register_handler', 'remove']

"""Storage backends: the local disk and read-only HTTP(S). MMEngine's
object-store backends (Petrel, memcached, LMDB) need their client
libraries; asking for one says so."""
import os
import os.path as osp
import tempfile
from abc import ABCMeta, abstractmethod
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Tuple, Union
from urllib.request import urlopen

from ..utils import mkdir_or_exist


class BaseStorageBackend(metaclass=ABCMeta):
    """Reads (and, where it can, writes) files named by path or URI."""
    _allow_symlink = False

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def allow_symlink(self) -> bool:
        return self._allow_symlink

    @abstractmethod
    def get(self, filepath):
        """The file's bytes."""

    @abstractmethod
    def get_text(self, filepath, encoding: str = 'utf-8'):
        """The file's text."""


class LocalBackend(BaseStorageBackend):
    """Files on the local disk."""
    _allow_symlink = True

    def get(self, filepath) -> bytes:
        with open(filepath, 'rb') as f:
            return f.read()

    def get_text(self, filepath, encoding: str = 'utf-8') -> str:
        with open(filepath, encoding=encoding) as f:
            return f.read()

    def put(self, obj: bytes, filepath) -> None:
        mkdir_or_exist(osp.dirname(filepath))
        with open(filepath, 'wb') as f:
            f.write(obj)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        mkdir_or_exist(osp.dirname(filepath))
        with open(filepath, 'w', encoding=encoding) as f:
            f.write(obj)

    def remove(self, filepath) -> None:
        if osp.isdir(filepath):
            raise IsADirectoryError(f'{filepath} is a directory; use rmtree')
        os.remove(filepath)

    def exists(self, filepath) -> bool:
        return osp.exists(filepath)

    def isdir(self, filepath) -> bool:
        return osp.isdir(filepath)

    def isfile(self, filepath) -> bool:
        return osp.isfile(filepath)

    def join_path(self, filepath, *filepaths) -> str:
        return osp.join(filepath, *filepaths)

    @contextmanager
    def get_local_path(self, filepath) -> Iterator[Union[str, Path]]:
        yield filepath

    def list_dir_or_file(self, dir_path, list_dir: bool = True, list_file: bool = True,
                         suffix: Optional[Union[str, Tuple[str]]] = None,
                         recursive: bool = False) -> Iterator[str]:
        """Paths relative to ``dir_path``; ``suffix`` filters files only."""
        if list_dir and suffix is not None:
            raise TypeError('`suffix` should be None when `list_dir` is True')
        if suffix is not None and not isinstance(suffix, (str, tuple)):
            raise TypeError('`suffix` must be a string or tuple of strings')
        root = str(dir_path)

        def walk(folder):
            for entry in os.scandir(folder):
                relative = osp.relpath(entry.path, root)
                if not entry.name.startswith('.') and entry.is_file():
                    if list_file and (suffix is None or relative.endswith(suffix)):
                        yield relative
                elif osp.isdir(entry.path):
                    if list_dir:
                        yield relative
                    if recursive:
                        yield from walk(entry.path)
        return walk(root)


class HardDiskBackend(LocalBackend):
    """MMCV's name for the local backend."""


class HTTPBackend(BaseStorageBackend):
    """Reads ``http://`` / ``https://`` URLs."""

    def get(self, filepath) -> bytes:
        with urlopen(filepath) as response:
            return response.read()

    def get_text(self, filepath, encoding: str = 'utf-8') -> str:
        return self.get(filepath).decode(encoding)

    @contextmanager
    def get_local_path(self, filepath) -> Iterator[str]:
        """The URL's content in a temporary file, deleted afterwards."""
        handle, path = tempfile.mkstemp()
        try:
            with os.fdopen(handle, 'wb') as f:
                f.write(self.get(filepath))
            yield path
        finally:
            os.remove(path)


UNAVAILABLE = ('petrel', 's3', 'memcached', 'lmdb')

"""``PetrelBackend``: object storage (``s3://``, ``petrel://``) through the
Petrel SDK (``petrel_client``), as used on SenseTime/Shanghai AI Lab
clusters."""
import os
import os.path as osp
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from shutil import SameFileError
from typing import Iterator, Optional, Tuple, Union

from ...utils import has_method, mkdir_or_exist
from .base import BaseStorageBackend


class PetrelBackend(BaseStorageBackend):
    """Needs ``petrel_client``: without it, building the backend raises
    ImportError, as in MMEngine. ``path_mapping`` rewrites path prefixes
    (``{'data/': 's3://bucket/data/'}``); ``petrel://`` means ``s3://``."""

    def __init__(self, path_mapping: Optional[dict] = None, enable_mc: bool = True,
                 conf_path: Optional[str] = None):
        try:
            from petrel_client import client
        except ImportError:
            raise ImportError('Please install petrel_client to enable PetrelBackend.') from None
        self._client = client.Client(conf_path=conf_path, enable_mc=enable_mc)
        assert isinstance(path_mapping, dict) or path_mapping is None
        self.path_mapping = path_mapping

    def _map_path(self, filepath) -> str:
        filepath = str(filepath)
        for old, new in (self.path_mapping or {}).items():
            filepath = filepath.replace(old, new, 1)
        return filepath

    def _format_path(self, filepath: str) -> str:
        return re.sub(r'\\+', '/', filepath)  # Windows separators

    def _replace_prefix(self, filepath) -> str:
        return str(filepath).replace('petrel://', 's3://')

    def _path(self, filepath) -> str:
        return self._replace_prefix(self._format_path(self._map_path(filepath)))

    def _require(self, *methods: str) -> None:
        missing = [m for m in methods if not has_method(self._client, m)]
        if missing:
            raise NotImplementedError(f'Current version of Petrel Python SDK has not supported '
                                      f'the {", ".join(missing)} method(s), please use a '
                                      'higher version or dev branch instead.')

    def get(self, filepath) -> bytes:
        return self._client.Get(self._path(filepath))

    def get_text(self, filepath, encoding: str = 'utf-8') -> str:
        return str(self.get(filepath), encoding=encoding)

    def put(self, obj: bytes, filepath) -> None:
        self._client.put(self._path(filepath), obj)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        self.put(bytes(obj, encoding=encoding), filepath)

    def exists(self, filepath) -> bool:
        self._require('contains', 'isdir')
        path = self._path(filepath)
        return self._client.contains(path) or self._client.isdir(path)

    def isdir(self, filepath) -> bool:
        self._require('isdir')
        return self._client.isdir(self._path(filepath))

    def isfile(self, filepath) -> bool:
        self._require('contains')
        return self._client.contains(self._path(filepath))

    def join_path(self, filepath, *filepaths) -> str:
        first = self._format_path(self._map_path(filepath))
        first = first[:-1] if first.endswith('/') else first
        rest = [self._format_path(self._map_path(p)).lstrip('/') for p in filepaths]
        return '/'.join([first] + rest)

    @contextmanager
    def get_local_path(self, filepath) -> Iterator[str]:
        """The object in a temporary local file, deleted afterwards."""
        assert self.isfile(filepath)
        f = tempfile.NamedTemporaryFile(delete=False)
        try:
            f.write(self.get(filepath))
            f.close()
            yield f.name
        finally:
            os.remove(f.name)

    def copyfile(self, src, dst) -> str:
        src = self._format_path(self._map_path(src))
        dst = self._format_path(self._map_path(dst))
        if self.isdir(dst):
            dst = self.join_path(dst, src.split('/')[-1])
        if src == dst:
            raise SameFileError('src and dst should not be same')
        self.put(self.get(src), dst)
        return dst

    def copytree(self, src, dst) -> str:
        src = self._format_path(self._map_path(src))
        dst = self._format_path(self._map_path(dst))
        if self.exists(dst):
            raise FileExistsError('dst should not exist')
        for path in self.list_dir_or_file(src, list_dir=False, recursive=True):
            self.put(self.get(self.join_path(src, path)), self.join_path(dst, path))
        return dst

    def copyfile_from_local(self, src, dst) -> str:
        dst = self._format_path(self._map_path(dst))
        if self.isdir(dst):
            dst = self.join_path(dst, osp.basename(src))
        with open(src, 'rb') as f:
            self.put(f.read(), dst)
        return dst

    def copytree_from_local(self, src, dst) -> str:
        dst = self._format_path(self._map_path(dst))
        if self.exists(dst):
            raise FileExistsError('dst should not exist')
        src = str(src)
        for folder, _, files in os.walk(src):
            for name in files:
                local = osp.join(folder, name)
                self.copyfile_from_local(local, self.join_path(dst, local.replace(src, '')))
        return dst

    def copyfile_to_local(self, src, dst) -> Union[str, Path]:
        if osp.isdir(dst):
            dst = osp.join(dst, osp.basename(src)) if isinstance(dst, str) \
                else Path(dst) / osp.basename(src)
        with open(dst, 'wb') as f:
            f.write(self.get(src))
        return dst

    def copytree_to_local(self, src, dst) -> Union[str, Path]:
        for path in self.list_dir_or_file(src, list_dir=False, recursive=True):
            local = osp.join(dst, path)
            mkdir_or_exist(osp.dirname(local))
            with open(local, 'wb') as f:
                f.write(self.get(self.join_path(src, path)))
        return dst

    def remove(self, filepath) -> None:
        self._require('delete')
        if not self.exists(filepath):
            raise FileNotFoundError(f'filepath {filepath} does not exist')
        if self.isdir(filepath):
            raise IsADirectoryError('filepath should be a file')
        self._client.delete(self._path(filepath))

    def rmtree(self, dir_path) -> None:
        for path in self.list_dir_or_file(dir_path, list_dir=False, recursive=True):
            self.remove(self.join_path(dir_path, path))

    def copy_if_symlink_fails(self, src, dst) -> bool:
        """Object storage has no links: always copies (returns False)."""
        if self.isfile(src):
            self.copyfile(src, dst)
        else:
            self.copytree(src, dst)
        return False

    def list_dir_or_file(self, dir_path, list_dir: bool = True, list_file: bool = True,
                         suffix: Optional[Union[str, Tuple[str]]] = None,
                         recursive: bool = False) -> Iterator[str]:
        self._require('list')
        dir_path = self._path(dir_path)
        if list_dir and suffix is not None:
            raise TypeError('`list_dir` should be False when `suffix` is not None')
        if suffix is not None and not isinstance(suffix, (str, tuple)):
            raise TypeError('`suffix` must be a string or tuple of strings')
        dir_path = dir_path if dir_path.endswith('/') else dir_path + '/'
        root = dir_path

        def walk(folder):
            for path in self._client.list(folder):
                if path.endswith('/'):  # a folder
                    next_folder = self.join_path(folder, path)
                    if list_dir:
                        yield next_folder[len(root):-1]
                    if recursive:
                        yield from walk(next_folder)
                else:
                    relative = self.join_path(folder, path)[len(root):]
                    if (suffix is None or relative.endswith(suffix)) and list_file:
                        yield relative
        return walk(dir_path)

    def generate_presigned_url(self, url: str, client_method: str = 'get_object',
                               expires_in: int = 3600) -> str:
        """A time-limited URL for the object (``client_method``
        'get_object' or 'put_object')."""
        return self._client.generate_presigned_url(url, client_method, expires_in)

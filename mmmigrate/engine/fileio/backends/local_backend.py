"""``LocalBackend``: files on the local disk."""
import os
import os.path as osp
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional, Tuple, Union

from ...utils import mkdir_or_exist
from .base import BaseStorageBackend


class LocalBackend(BaseStorageBackend):
    """Paths on the local file system (``str`` or ``Path``)."""
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

    def copyfile(self, src, dst):
        """Copy file ``src`` to ``dst`` (a file, or a folder to copy into)."""
        return shutil.copy(src, dst)

    def copytree(self, src, dst):
        """Copy folder ``src`` to ``dst``, which must not exist."""
        return shutil.copytree(src, dst)

    copyfile_from_local = copyfile
    copytree_from_local = copytree
    copyfile_to_local = copyfile
    copytree_to_local = copytree

    def remove(self, filepath) -> None:
        if not osp.exists(filepath):
            raise FileNotFoundError(f'filepath {filepath} does not exist')
        if osp.isdir(filepath):
            raise IsADirectoryError('filepath should be a file')
        os.remove(filepath)

    def rmtree(self, dir_path) -> None:
        shutil.rmtree(dir_path)

    def copy_if_symlink_fails(self, src, dst) -> bool:
        """Link ``dst`` to ``src``; where links are not allowed, copy.
        Returns whether a link was made."""
        try:
            os.symlink(src, dst)
            return True
        except Exception:
            if self.isfile(src):
                self.copyfile(src, dst)
            else:
                self.copytree(src, dst)
            return False

    def list_dir_or_file(self, dir_path, list_dir: bool = True, list_file: bool = True,
                         suffix: Optional[Union[str, Tuple[str]]] = None,
                         recursive: bool = False) -> Iterator[str]:
        """Paths relative to ``dir_path`` (hidden files skipped); ``suffix``
        filters files, and needs ``list_dir=False``."""
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

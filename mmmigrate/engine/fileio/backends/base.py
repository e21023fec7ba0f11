"""``BaseStorageBackend``: what every storage backend provides."""
from abc import ABCMeta, abstractmethod


class BaseStorageBackend(metaclass=ABCMeta):
    """Reads (and, where it can, writes) files named by path or URI.
    ``get`` and ``get_text`` are required; the rest is backend-specific."""
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

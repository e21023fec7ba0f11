"""``HTTPBackend``: reads ``http://`` and ``https://`` URLs."""
import os
import tempfile
from contextlib import contextmanager
from typing import Iterator
from urllib.request import urlopen

from .base import BaseStorageBackend


class HTTPBackend(BaseStorageBackend):
    """Read-only: ``get``, ``get_text`` and ``get_local_path``."""

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

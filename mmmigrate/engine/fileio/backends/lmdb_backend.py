"""``LmdbBackend``: reads values of an LMDB database by key."""
from pathlib import Path
from typing import Union

from .base import BaseStorageBackend


class LmdbBackend(BaseStorageBackend):
    """Keys are the "file paths"; needs the ``lmdb`` package (ImportError
    without it, as in MMEngine). The database opens on first read."""

    def __init__(self, db_path, readonly: bool = True, lock: bool = False,
                 readahead: bool = False, **kwargs):
        try:
            import lmdb
        except ImportError:
            raise ImportError('Please run "pip install lmdb" to enable LmdbBackend.') from None
        self._lmdb = lmdb
        self.db_path = str(db_path)
        self.readonly = readonly
        self.lock = lock
        self.readahead = readahead
        self.kwargs = kwargs
        self._client = None

    def get(self, filepath: Union[str, Path]) -> bytes:
        if self._client is None:
            self._client = self._get_client()
        with self._client.begin(write=False) as txn:
            return txn.get(str(filepath).encode('ascii'))

    def get_text(self, filepath, encoding=None):
        raise NotImplementedError

    def _get_client(self):
        return self._lmdb.open(self.db_path, readonly=self.readonly, lock=self.lock,
                         readahead=self.readahead, **self.kwargs)

    def __del__(self):
        if getattr(self, '_client', None) is not None:
            self._client.close()

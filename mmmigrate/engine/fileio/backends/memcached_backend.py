"""``MemcachedBackend``: reads through a memcached client (``mc``)."""
from .base import BaseStorageBackend


class MemcachedBackend(BaseStorageBackend):
    """Needs the ``mc`` package (a cluster's memcached client); without it,
    building the backend raises ImportError, as in MMEngine."""

    def __init__(self, server_list_cfg: str, client_cfg: str, sys_path=None):
        if sys_path is not None:
            import sys
            sys.path.append(sys_path)
        try:
            import mc
        except ImportError:
            raise ImportError('Please install memcached to enable MemcachedBackend.') from None
        self.server_list_cfg = server_list_cfg
        self.client_cfg = client_cfg
        self._client = mc.MemcachedClient.GetInstance(self.server_list_cfg, self.client_cfg)
        self._mc_buffer = mc.pyvector()

    def get(self, filepath):
        import mc
        self._client.Get(str(filepath), self._mc_buffer)
        return mc.ConvertBuffer(self._mc_buffer)

    def get_text(self, filepath, encoding=None):
        raise NotImplementedError

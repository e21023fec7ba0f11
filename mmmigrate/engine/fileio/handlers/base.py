"""``BaseFileHandler``: reads and writes one file format."""
from abc import ABCMeta, abstractmethod


class BaseFileHandler(metaclass=ABCMeta):
    """Reads and writes one format; ``str_like`` says whether it works on
    text (True) or bytes."""
    str_like = True

    @abstractmethod
    def load_from_fileobj(self, file, **kwargs):
        """The object read from an open file."""

    @abstractmethod
    def dump_to_fileobj(self, obj, file, **kwargs):
        """Write ``obj`` to an open file."""

    @abstractmethod
    def dump_to_str(self, obj, **kwargs):
        """``obj`` serialised (str or bytes)."""

    def load_from_path(self, filepath, mode: str = 'r', **kwargs):
        with open(filepath, mode) as f:
            return self.load_from_fileobj(f, **kwargs)

    def dump_to_path(self, obj, filepath, mode: str = 'w', **kwargs):
        with open(filepath, mode) as f:
            self.dump_to_fileobj(obj, f, **kwargs)

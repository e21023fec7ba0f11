"""File format handlers behind ``load`` / ``dump`` (json, yaml, pickle),
and ``register_handler`` for more formats."""
import json
import pickle
from abc import ABCMeta, abstractmethod

from ..utils import is_list_of


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


def _json_default(obj):
    """Sets, ranges and numpy values as plain JSON."""
    if isinstance(obj, (set, range)):
        return list(obj)
    if type(obj).__module__ == 'numpy':
        return obj.tolist() if hasattr(obj, 'ndim') and obj.ndim else obj.item()
    raise TypeError(f'{type(obj)} is unsupported for json dump')


class JsonHandler(BaseFileHandler):

    def load_from_fileobj(self, file, **kwargs):
        return json.load(file, **kwargs)

    def dump_to_fileobj(self, obj, file, **kwargs):
        kwargs.setdefault('default', _json_default)
        json.dump(obj, file, **kwargs)

    def dump_to_str(self, obj, **kwargs):
        kwargs.setdefault('default', _json_default)
        return json.dumps(obj, **kwargs)


def _plain(obj):
    """Tuples become lists so that safe YAML can represent them."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


class YamlHandler(BaseFileHandler):
    """Safe YAML only (MMEngine's loader also builds arbitrary Python
    objects from tags; a config or result file has no need of that)."""

    def load_from_fileobj(self, file, **kwargs):
        import yaml
        return yaml.safe_load(file)

    def dump_to_fileobj(self, obj, file, **kwargs):
        import yaml
        kwargs.setdefault('sort_keys', False)
        yaml.safe_dump(_plain(obj), file, **kwargs)

    def dump_to_str(self, obj, **kwargs):
        import yaml
        kwargs.setdefault('sort_keys', False)
        return yaml.safe_dump(_plain(obj), **kwargs)


class PickleHandler(BaseFileHandler):
    str_like = False

    def load_from_fileobj(self, file, **kwargs):
        return pickle.load(file, **kwargs)

    def load_from_path(self, filepath, **kwargs):
        return super().load_from_path(filepath, mode='rb', **kwargs)

    def dump_to_fileobj(self, obj, file, **kwargs):
        kwargs.setdefault('protocol', 2)
        pickle.dump(obj, file, **kwargs)

    def dump_to_str(self, obj, **kwargs):
        kwargs.setdefault('protocol', 2)
        return pickle.dumps(obj, **kwargs)

    def dump_to_path(self, obj, filepath, **kwargs):
        super().dump_to_path(obj, filepath, mode='wb', **kwargs)


file_handlers = {'json': JsonHandler(), 'yaml': YamlHandler(), 'yml': YamlHandler(),
                 'pickle': PickleHandler(), 'pkl': PickleHandler()}


def _register_handler(handler: BaseFileHandler, file_formats) -> None:
    if not isinstance(handler, BaseFileHandler):
        raise TypeError(f'handler must be a child of BaseFileHandler, not {type(handler)}')
    if isinstance(file_formats, str):
        file_formats = [file_formats]
    if not is_list_of(file_formats, str):
        raise TypeError('file_formats must be a str or a list of str')
    for extension in file_formats:
        file_handlers[extension] = handler


def register_handler(file_formats, **kwargs):
    """Class decorator: an instance of the class (built with ``kwargs``)
    handles ``file_formats`` (a str or a list of them)."""
    def register(cls):
        _register_handler(cls(**kwargs), file_formats)
        return cls
    return register

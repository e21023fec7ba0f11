"""The handlers by file extension, and ``register_handler``."""
from ...utils import is_list_of
from .base import BaseFileHandler
from .json_handler import JsonHandler
from .pickle_handler import PickleHandler
from .yaml_handler import YamlHandler

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

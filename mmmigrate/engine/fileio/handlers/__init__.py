"""File format handlers behind ``load`` / ``dump`` (json, yaml, pickle),
and ``register_handler`` for more formats (``mmengine.fileio.handlers``)."""
from .base import BaseFileHandler
from .json_handler import JsonHandler
from .pickle_handler import PickleHandler
from .registry_utils import file_handlers, register_handler
from .yaml_handler import YamlHandler

__all__ = ['BaseFileHandler', 'JsonHandler', 'PickleHandler', 'YamlHandler', 'file_handlers',
           'register_handler']

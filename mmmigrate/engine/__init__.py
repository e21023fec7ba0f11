"""mmmigrate.engine: an MMEngine-compatible training engine.

Sub-packages mirror MMEngine's public paths (``config``, ``registry``,
``model``, ``optim``, ``logging``, ``dist``, ``dataset``, ...). Importing
this package loads only the torch-free parts (config, registry, logging,
fileio, utils), as ``import mmengine`` does; ``mmmigrate.engine.model`` and
``mmmigrate.engine.optim`` bring in torch.
"""
from .config import Config, ConfigDict, DictAction
from .fileio import dump, load
from .logging import MessageHub, MMLogger, print_log
from .registry import *  # noqa: F401,F403  (import mmengine exposes every registry)
from .registry import __all__ as _registry_names
from .utils import (digit_version, import_modules_from_strings, is_list_of,
                    is_seq_of, is_str, is_tuple_of, mkdir_or_exist)

__version__ = '0.10.7'  # the MMEngine API version this engine follows

__all__ = [
    'Config', 'ConfigDict', 'DictAction', 'MMLogger', 'MessageHub', 'digit_version', 'dump',
    'import_modules_from_strings', 'is_list_of', 'is_seq_of', 'is_str', 'is_tuple_of', 'load',
    'mkdir_or_exist', 'print_log', *_registry_names
]

"""Configs (``mmengine.config``)."""
from .config import Config, DictAction
from .config_dict import ConfigDict
from .errors import (ConfigError, ConfigEvaluationError, ConfigFileNotFoundError,
                     ConfigFormatError, ConfigKeyError, ConfigSyntaxError, ConfigTypeError)
from .lazy_parsing import read_base

__all__ = [
    'Config', 'ConfigDict', 'ConfigError', 'ConfigEvaluationError',
    'ConfigFileNotFoundError', 'ConfigFormatError', 'ConfigKeyError', 'ConfigSyntaxError',
    'ConfigTypeError', 'DictAction', 'read_base'
]

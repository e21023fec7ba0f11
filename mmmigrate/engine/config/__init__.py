"""Configs (``mmengine.config``)."""
from .config import Config, DictAction
from .config_dict import ConfigDict
from .errors import (ConfigError, ConfigEvaluationError,
                     ConfigFileNotFoundError, ConfigKeyError,
                     ConfigSyntaxError, ConfigTypeError)

__all__ = [
    'Config', 'ConfigDict', 'ConfigError', 'ConfigEvaluationError',
    'ConfigFileNotFoundError', 'ConfigKeyError', 'ConfigSyntaxError',
    'ConfigTypeError', 'DictAction'
]

"""Config errors. Each names the file (and line when known) and what to do;
they also subclass the builtin exception MMEngine raises in the same case."""


class ConfigError(Exception):
    """Base class of every error raised while reading a config."""

    def __init__(self, message: str, filename: str = None, lineno: int = None):
        where = f'{filename}:{lineno}: ' if filename and lineno else (
            f'{filename}: ' if filename else '')
        super().__init__(where + message)
        self.filename = filename
        self.lineno = lineno

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ''


class ConfigFileNotFoundError(ConfigError, FileNotFoundError):
    """A config file or one of its ``_base_`` files does not exist."""


class ConfigSyntaxError(ConfigError, SyntaxError):
    """A Python config does not parse."""


class ConfigKeyError(ConfigError, KeyError):
    """A reserved, duplicated or missing key."""


class ConfigTypeError(ConfigError, TypeError):
    """A value of the wrong type (e.g. a dict merged onto a list)."""


class ConfigFormatError(ConfigError, OSError):
    """A file type that is not a config (``.xml``): MMEngine raises IOError."""


class ConfigParsingError(ConfigError, RuntimeError):
    """A pure-Python config uses an import it may not use."""


class ConfigEvaluationError(ConfigError, RuntimeError):
    """Executing a Python config raised an exception."""

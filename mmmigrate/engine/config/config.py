"""``Config``: a loaded configuration (``mmengine.config.Config``)."""
import copy
import os
import os.path as osp
import tempfile
from argparse import Action
from pathlib import Path
from typing import Any, Optional, Union

from .config_dict import ConfigDict, lazy_to_string, merge_dicts
from .errors import ConfigError, ConfigFormatError, ConfigKeyError, ConfigTypeError
from .formatting import format_config
from .lazy_parsing import is_lazy_config, read_base, read_lazy_config
from .mmengine_api import ConfigFileHelpers, add_args

__all__ = ['Config', 'DictAction', 'add_args', 'read_base']
from .parsing import RESERVED_KEYS, SUFFIXES
from .parsing import import_custom_modules as _import_custom_modules
from .parsing import read_config_file


class Config(ConfigFileHelpers):
    """A config: its values (a ``ConfigDict``), the file it came from and
    the text of that file and its bases.

    Attribute and item access go to the values: ``cfg.model``,
    ``cfg['optim_wrapper']``, ``cfg.get('resume', False)``.
    """

    def __init__(self,
                 cfg_dict: Optional[dict] = None,
                 cfg_text: Optional[str] = None,
                 filename: Optional[Union[str, Path]] = None,
                 env_variables: Optional[dict] = None,
                 format_python_code: bool = True):
        filename = str(filename) if isinstance(filename, Path) else filename
        if cfg_dict is None:
            cfg_dict = {}
        elif not isinstance(cfg_dict, dict):
            raise TypeError(f'cfg_dict must be a dict, got {type(cfg_dict).__name__}')
        for key in cfg_dict:
            if key in RESERVED_KEYS:
                raise ConfigKeyError(f'{key} is reserved for config file; rename the key',
                                     filename)
        if not isinstance(cfg_dict, ConfigDict):
            cfg_dict = ConfigDict(cfg_dict)
        if cfg_text:
            text = cfg_text
        elif filename and osp.isfile(filename):
            with open(filename, encoding='utf-8') as f:
                text = f.read()
        else:
            text = ''
        object.__setattr__(self, '_cfg_dict', cfg_dict)
        object.__setattr__(self, '_filename', filename)
        object.__setattr__(self, '_text', text)
        object.__setattr__(self, '_env_variables', dict(env_variables or {}))
        object.__setattr__(self, '_format_python_code', format_python_code)
        object.__setattr__(self, '_imported_names', set())
        object.__setattr__(self, '_key_depths', {})

    # -- construction -------------------------------------------------
    @staticmethod
    def fromfile(filename: Union[str, Path],
                 use_predefined_variables: bool = True,
                 import_custom_modules: bool = True,
                 use_environment_variables: bool = True,
                 lazy_import: Optional[bool] = None,
                 format_python_code: bool = True) -> 'Config':
        """Load a .py / .json / .yaml config with its ``_base_`` chain.

        ``{{ fileDirname }}``-style variables, ``{{$ENV:default}}``,
        ``{{_base_.key}}`` and (in Python configs) ``_base_.key`` references
        are resolved; ``custom_imports`` are imported.
        """
        filename = str(filename)
        if filename.endswith('.py') and _looks_lazy(filename):
            if lazy_import is False:
                raise ConfigError('this is a pure-Python config (`with read_base():`); load it '
                                  'with lazy_import=None or True', filename)
            return Config._fromfile_lazy(filename, format_python_code)
        parsed = read_config_file(filename, use_predefined_variables, use_environment_variables)
        if import_custom_modules and parsed.cfg.get('custom_imports'):
            _import_custom_modules(parsed.cfg['custom_imports'], filename)
        cfg = Config(parsed.cfg, cfg_text=parsed.text, filename=filename,
                     env_variables=parsed.env_variables,
                     format_python_code=format_python_code)
        object.__setattr__(cfg, '_key_depths', parsed.key_depths)
        return cfg

    @staticmethod
    def _fromfile_lazy(filename: str, format_python_code: bool) -> 'Config':
        cfg_dict, imported_names = read_lazy_config(filename)
        with open(filename, encoding='utf-8') as f:
            text = f.read()
        cfg = Config(cfg_dict, cfg_text=text, filename=filename,
                     format_python_code=format_python_code)
        object.__setattr__(cfg, '_imported_names', imported_names)
        return cfg

    @staticmethod
    def fromstring(cfg_str: str, file_format: str) -> 'Config':
        """Load a config from text in the given format ('.py', '.json', '.yaml')."""
        if file_format not in SUFFIXES:
            raise ConfigFormatError(f'file_format must be one of {SUFFIXES}, got '
                                    f'{file_format!r}')
        with tempfile.NamedTemporaryFile('w', encoding='utf-8', suffix=file_format,
                                         delete=False) as f:
            f.write(cfg_str)
        try:
            cfg = Config.fromfile(f.name)
        finally:
            os.remove(f.name)
        object.__setattr__(cfg, '_filename', None)
        return cfg

    # -- properties ---------------------------------------------------
    @property
    def filename(self) -> Optional[str]:
        return self._filename

    def key_depth(self, key: str) -> Optional[int]:
        """How far up the ``_base_`` chain the value of top-level ``key`` was
        written when the file was loaded: 0 in the file itself, 1 in one of
        its bases, ...; None when unknown (not loaded from a file). An addition of
        the bundled engine: ``mmmigrate.compat`` reads half-converted trees
        with it."""
        return self.__dict__.get('_key_depths', {}).get(key)

    @property
    def text(self) -> str:
        return self._text

    @property
    def env_variables(self) -> dict:
        return self._env_variables

    @property
    def pretty_text(self) -> str:
        """The values as Python source that loads back equal."""
        return format_config(self.to_dict())

    def to_dict(self, keep_imported: bool = False) -> dict:
        """A deep copy of the values as plain dicts and lists. The names
        bound by imports of a pure-Python config are left out unless
        ``keep_imported``; lazily imported values become their import path
        (``'torch.optim.SGD'``), as in MMEngine."""
        return lazy_to_string(self._to_lazy_dict(keep_imported))

    def _to_lazy_dict(self, keep_imported: bool = False) -> dict:
        """``to_dict`` with the lazily imported values kept as they are."""
        values = self._cfg_dict._to_lazy_dict()
        if not keep_imported:
            for name in self.__dict__.get('_imported_names', ()):
                values.pop(name, None)
        return values

    # -- mutation -----------------------------------------------------
    def merge_from_dict(self, options: dict, allow_list_keys: bool = True) -> None:
        """Merge ``{'a.b.c': value}`` options (as given by ``--cfg-options``)
        into the config; with ``allow_list_keys`` a digit component indexes a
        list (``'train_dataloader.dataset.pipeline.0.scale'``)."""
        nested: dict = {}
        for full_key, value in options.items():
            node = nested
            *parents, last = full_key.split('.')
            for part in parents:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise ConfigKeyError(f'option {full_key!r} conflicts with another option')
            node[last] = value
        try:
            merged = merge_dicts(nested, self._cfg_dict, allow_list_keys=allow_list_keys)
        except (TypeError, IndexError) as e:
            error = ConfigTypeError if isinstance(e, TypeError) else ConfigKeyError
            raise error(f'cannot apply options {options!r}: {e}', self._filename) from None
        object.__setattr__(self, '_cfg_dict', ConfigDict(merged))

    # -- output -------------------------------------------------------
    def dump(self, file: Optional[Union[str, Path]] = None):
        """Write the config to ``file`` (.py, .json, .yaml or .yml); without
        a file, return the text in the format of the source file."""
        from ..fileio import dump as dump_file
        if file is None:
            if self._filename is None or self._filename.endswith('.py'):
                return self.pretty_text
            return dump_file(self.to_dict(), file_format=self._filename.rsplit('.', 1)[-1])
        file = str(file)
        if file.endswith('.py'):
            with open(file, 'w', encoding='utf-8') as f:
                f.write(self.pretty_text)
        else:
            dump_file(self.to_dict(), file)

    # -- dict-like access -----------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name == '_cfg_dict':  # not set yet (e.g. while unpickling)
            raise AttributeError(name)
        return getattr(self._cfg_dict, name)

    def __getitem__(self, name):
        return self._cfg_dict[name]

    def __setattr__(self, name, value):
        self._cfg_dict[name] = value

    def __setitem__(self, name, value):
        self._cfg_dict[name] = value

    def __delitem__(self, name):
        del self._cfg_dict[name]

    def __contains__(self, name) -> bool:
        return name in self._cfg_dict

    def __iter__(self):
        return iter(self._cfg_dict)

    def __len__(self) -> int:
        return len(self._cfg_dict)

    def __eq__(self, other) -> bool:
        if isinstance(other, Config):
            return self.to_dict() == other.to_dict()
        return isinstance(other, dict) and self.to_dict() == other

    def __repr__(self) -> str:
        return f'Config (path: {self._filename}): {dict(self._cfg_dict)!r}'

    _STATE = ('_cfg_dict', '_filename', '_text', '_env_variables', '_format_python_code',
              '_imported_names', '_key_depths')

    def __getstate__(self):
        return tuple(self.__dict__.get(name) for name in self._STATE)

    def __setstate__(self, state):
        defaults = (None, None, '', {}, True, set(), {})
        state = tuple(state) + defaults[len(state):]  # older pickles: fewer fields
        for name, value in zip(self._STATE, state):
            object.__setattr__(self, name, value)

    def __copy__(self):
        other = Config.__new__(Config)
        other.__setstate__(self.__getstate__())
        object.__setattr__(other, '_cfg_dict', self._cfg_dict.copy())
        return other

    copy = __copy__

    def __deepcopy__(self, memo):
        other = Config.__new__(Config)
        memo[id(self)] = other
        other.__setstate__(copy.deepcopy(self.__getstate__(), memo))
        return other


class DictAction(Action):
    """argparse action for ``--cfg-options key=value [key=value ...]``.

    Values are parsed as int, float, bool (``true``/``false``), ``None``,
    lists (``a,b`` or ``[a,b]``) and tuples (``(a,b)``), nesting allowed:
    ``key="[(1,2),(3,4)]"``.
    """

    @staticmethod
    def _parse_int_float_bool(val: str):
        for cast in (int, float):
            try:
                return cast(val)
            except ValueError:
                pass
        if val.lower() in ('true', 'false'):
            return val.lower() == 'true'
        if val == 'None':
            return None
        return val

    @staticmethod
    def _parse_iterable(val: str):
        def next_comma(text: str) -> int:
            depth = 0
            for index, char in enumerate(text):
                if char in '([':
                    depth += 1
                elif char in ')]':
                    depth -= 1
                elif char == ',' and depth == 0:
                    return index
            return len(text)

        if val.count('(') != val.count(')') or val.count('[') != val.count(']'):
            raise AssertionError(f'unbalanced brackets in {val!r}')  # as MMEngine raises
        val = val.strip('\'"').replace(' ', '')
        is_tuple = False
        if val.startswith('(') and val.endswith(')'):
            is_tuple, val = True, val[1:-1]
        elif val.startswith('[') and val.endswith(']'):
            val = val[1:-1]
        elif next_comma(val) == len(val):
            # No top-level comma: a single value (also 'f(a,b)'-like text).
            return DictAction._parse_int_float_bool(val)
        values = []
        while val:
            comma = next_comma(val)
            values.append(DictAction._parse_iterable(val[:comma]))
            val = val[comma + 1:]
        return tuple(values) if is_tuple else values

    def __call__(self, parser, namespace, values, option_string=None):
        options = copy.copy(getattr(namespace, self.dest, None) or {})
        for item in values or []:
            if '=' not in item:
                parser.error(f'{option_string}: expected key=value, got {item!r}')
            key, val = item.split('=', maxsplit=1)
            options[key] = self._parse_iterable(val)
        setattr(namespace, self.dest, options)


def _looks_lazy(filename: str) -> bool:
    """Whether a Python config is a pure-Python (``read_base``) one, as
    MMEngine decides (``is_lazy_config``)."""
    import ast
    try:
        with open(filename, encoding='utf-8') as f:
            text = f.read()
    except OSError:
        return False  # the regular reader reports it
    if 'import' not in text and 'with' not in text:
        return False
    try:
        return is_lazy_config(ast.parse(text, filename))
    except SyntaxError:
        return False


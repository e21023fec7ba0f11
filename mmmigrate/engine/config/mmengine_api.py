"""The static helpers of MMEngine's ``Config`` that libraries and tests call
directly (``Config._file2dict``, ``Config._substitute_predefined_vars``,
``Config.diff``, ``Config.auto_argparser``, ...), as a mixin of ``Config``.
Each is a thin layer over the readers in ``parsing.py``."""
import ast
import difflib
import os.path as osp
from argparse import ArgumentParser
from typing import Optional, Tuple

from .config_dict import ConfigDict
from .parsing import (placeholder_base_vars, read_config_file, resolve_base_vars,
                      resolve_external_path, substitute_env_vars, substitute_predefined_vars)


def _rewrite(filename, temp_config_name, transform) -> object:
    """Write ``transform(text)``'s text to ``temp_config_name``; return its
    second element."""
    with open(filename, encoding='utf-8') as f:
        text, extra = transform(f.read())
    with open(temp_config_name, 'w', encoding='utf-8') as f:
        f.write(text)
    return extra


def add_args(parser: ArgumentParser, cfg: dict, prefix: str = '') -> ArgumentParser:
    """An ``--<prefix><key>`` argument for each value of ``cfg`` (nested
    dicts as ``--a.b``), typed by the value; lists take ``nargs='+'``."""
    for key, value in cfg.items():
        name = '--' + prefix + key
        if isinstance(value, str):
            parser.add_argument(name)
        elif isinstance(value, bool):
            parser.add_argument(name, action='store_true')
        elif isinstance(value, (int, float)):
            parser.add_argument(name, type=type(value))
        elif isinstance(value, dict):
            add_args(parser, value, prefix + key + '.')
        elif isinstance(value, (list, tuple)) and value:
            parser.add_argument(name, type=type(value[0]), nargs='+')
        else:
            from ..logging import print_log
            print_log(f'cannot parse key {prefix + key} of type {type(value)}',
                      logger='current')
    return parser


class ConfigFileHelpers:
    """MMEngine's file-level steps of reading a config, one at a time."""

    @staticmethod
    def _validate_py_syntax(filename) -> None:
        with open(filename, encoding='utf-8') as f:
            text = f.read()
        try:
            ast.parse(text)
        except SyntaxError as e:
            raise SyntaxError(f'There are syntax errors in config file {filename}: {e}') from e

    @staticmethod
    def _substitute_predefined_vars(filename, temp_config_name) -> None:
        _rewrite(filename, temp_config_name,
                 lambda text: (substitute_predefined_vars(text, str(filename)), None))

    @staticmethod
    def _substitute_env_variables(filename, temp_config_name) -> dict:
        """``{{$NAME:default}}`` replaced; returns the variables used."""
        return _rewrite(filename, temp_config_name,
                        lambda text: substitute_env_vars(text, str(filename)))

    @staticmethod
    def _pre_substitute_base_vars(filename, temp_config_name) -> dict:
        """``{{_base_.key}}`` replaced by placeholder strings; returns
        ``{placeholder: key}``."""
        return _rewrite(filename, temp_config_name, placeholder_base_vars)

    @staticmethod
    def _substitute_base_vars(cfg, base_var_dict: dict, base_cfg: dict):
        """The placeholders in ``cfg`` replaced by the base values they name."""
        return resolve_base_vars(cfg, base_var_dict, base_cfg, None)

    @staticmethod
    def _get_cfg_path(cfg_path: str, filename: str) -> Tuple[str, Optional[str]]:
        """``(path, scope)`` of a ``_base_`` entry: ``package::path`` inside
        the installed package (scope: the package), else relative to
        ``filename`` (scope None)."""
        if '::' in cfg_path:
            return resolve_external_path(cfg_path, filename, None), cfg_path.split('::')[0]
        return osp.join(osp.dirname(filename), cfg_path), None

    @staticmethod
    def _file2dict(filename: str, use_predefined_variables: bool = True,
                   use_environment_variables: bool = True,
                   lazy_import: Optional[bool] = None) -> Tuple[dict, str, dict]:
        """``(values, text of the file and its bases, environment variables used)``."""
        parsed = read_config_file(str(filename), use_predefined_variables,
                                  use_environment_variables)
        return ConfigDict(parsed.cfg), parsed.text, parsed.env_variables

    @staticmethod
    def _dict_to_config_dict(cfg, scope: Optional[str] = None, has_scope: bool = True):
        """Dicts (in lists and tuples too) as ConfigDicts; with ``scope``,
        the outermost dicts that have a ``type`` get ``_scope_=scope``
        unless they name one."""
        if isinstance(cfg, dict):
            cfg = ConfigDict(cfg)
            if has_scope and 'type' in cfg:
                has_scope = False
                if scope is not None and cfg.get('_scope_') is None:
                    cfg._scope_ = scope
            for key, value in dict.items(cfg):
                dict.__setitem__(cfg, key, ConfigFileHelpers._dict_to_config_dict(
                    value, scope, has_scope))
            return cfg
        if type(cfg) in (list, tuple):
            return type(cfg)(ConfigFileHelpers._dict_to_config_dict(item, scope, has_scope)
                             for item in cfg)
        return cfg

    @staticmethod
    def diff(cfg1, cfg2) -> str:
        """A unified diff of the two configs' ``pretty_text`` (configs or
        file names)."""
        from .config import Config
        cfg1 = Config.fromfile(cfg1) if isinstance(cfg1, str) else cfg1
        cfg2 = Config.fromfile(cfg2) if isinstance(cfg2, str) else cfg2
        lines = difflib.unified_diff(cfg1.pretty_text.split('\n'), cfg2.pretty_text.split('\n'))
        return ''.join(line + '\n' for line in lines) + '\n'

    @staticmethod
    def auto_argparser(description=None):
        """``(parser, cfg)``: a parser whose first argument is the config
        file, with an option for each of that config's values."""
        from .config import Config
        partial = ArgumentParser(description=description)
        partial.add_argument('config', help='config file path')
        cfg_file = partial.parse_known_args()[0].config
        cfg = Config.fromfile(cfg_file)
        parser = ArgumentParser(description=description)
        parser.add_argument('config', help='config file path')
        add_args(parser, cfg)
        return parser, cfg

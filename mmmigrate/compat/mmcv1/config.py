"""``mmcv.utils.config``'s module-level names beside ``Config`` /
``ConfigDict`` / ``DictAction`` (those are MMEngine's: the same file
format, ``_base_`` inheritance and ``--cfg-options`` parsing)."""
from collections import abc
from . import mmengine_module

BASE_KEY = '_base_'
DELETE_KEY = '_delete_'
DEPRECATION_KEY = '_deprecation_'
RESERVED_KEYS = ['filename', 'text', 'pretty_text']


def add_args(parser, cfg, prefix=''):
    """An argparse option per config leaf, typed by its value (MMCV's)."""
    for key, value in cfg.items():
        option = '--' + prefix + key
        if isinstance(value, str):
            parser.add_argument(option)
        elif isinstance(value, bool):  # before int: a bool is an int
            parser.add_argument(option, action='store_true')
        elif isinstance(value, int):
            parser.add_argument(option, type=int)
        elif isinstance(value, float):
            parser.add_argument(option, type=float)
        elif isinstance(value, dict):
            add_args(parser, value, prefix + key + '.')
        elif isinstance(value, abc.Iterable):
            parser.add_argument(option, type=type(value[0]), nargs='+')
        else:
            print(f'cannot parse key {prefix + key} of type {type(value)}')
    return parser


def format_legacy_config(cfg_dict: dict) -> str:
    """``Config.pretty_text`` as MMCV 1.7.2 wrote it: the keys in their
    order, ``dict(...)`` for identifier keys (``{...}`` otherwise), lists of
    dicts one per line, then yapf with MMCV's style (when yapf is installed:
    MMCV 2.x requires it)."""
    text = _format_dict(cfg_dict, outest_level=True)
    try:
        from yapf.yapflib.yapf_api import FormatCode
    except ImportError:
        return text
    style = dict(based_on_style='pep8', blank_line_before_nested_class_or_def=True,
                 split_before_expression_after_opening_paren=True)
    return FormatCode(text, style_config=style)[0]


_INDENT = 4


def _indent(text: str, spaces: int) -> str:
    first, *rest = text.split('\n')
    return '\n'.join([first] + [' ' * spaces + line for line in rest])


def _key(key, use_mapping: bool) -> str:
    if use_mapping:
        return f"'{key}': " if isinstance(key, str) else f'{key}: '
    return f'{key}='


def _format_value(key, value, use_mapping: bool) -> str:
    value_text = f"'{value}'" if isinstance(value, str) else str(value)
    return _indent(_key(key, use_mapping) + value_text, _INDENT)


def _format_list(key, value: list, use_mapping: bool) -> str:
    if not all(isinstance(item, dict) for item in value):
        return _format_value(key, value, use_mapping)
    items = '\n'.join(f'dict({_indent(_format_dict(item), _INDENT)}),'
                      for item in value).rstrip(',')
    return _indent(_key(key, use_mapping) + '[\n' + items, _INDENT) + ']'


def _format_dict(values: dict, outest_level: bool = False) -> str:
    use_mapping = any(not str(key).isidentifier() for key in values)
    lines = []
    for index, (key, value) in enumerate(values.items()):
        end = '' if outest_level or index == len(values) - 1 else ','
        if isinstance(value, dict):
            lines.append(_indent(f'{_key(key, use_mapping)}dict(\n{_format_dict(value)}',
                                 _INDENT) + ')' + end)
        elif isinstance(value, list):
            lines.append(_format_list(key, value, use_mapping) + end)
        else:
            lines.append(_format_value(key, value, use_mapping) + end)
    text = '\n'.join(lines)
    return '{' + text + '}' if use_mapping else text


def _legacy_config_class():
    base = mmengine_module('config').Config

    class Config(base):
        """MMCV 1.x's ``Config`` (``mmcv.Config``): MMEngine's loading
        (``_base_``, ``custom_imports``, ``--cfg-options``), with MMCV's
        ``pretty_text`` and ``dump``, which libraries write into checkpoints
        (``meta['config']``) and work dirs."""

        @classmethod
        def fromfile(cls, filename, *args, **kwargs):
            loaded = base.fromfile(filename, *args, **kwargs)
            if isinstance(loaded, cls):
                return loaded
            legacy = cls(loaded.to_dict(), cfg_text=loaded.text, filename=loaded.filename)
            for name, value in vars(loaded).items():  # what the loader recorded beside
                legacy.__dict__.setdefault(name, value)
            return legacy

        @property
        def pretty_text(self) -> str:
            return format_legacy_config(self.to_dict())

        def dump(self, file=None):
            filename = self.filename
            if file is None and (filename is None or str(filename).endswith('.py')):
                return self.pretty_text
            if file is not None and str(file).endswith('.py'):
                with open(file, 'w', encoding='utf-8') as out:
                    out.write(self.pretty_text)
                return None
            return super().dump(file)

    Config.__module__ = __name__
    return Config


Config = _legacy_config_class()

"""Render a config dict as Python source (``Config.pretty_text``).

The output is meant to be read and to load back equal: short values stay on
one line, long ones break one item per line; dicts whose keys are all
identifiers use ``dict(k=v)``, others ``{'k': v}``; keys are sorted, as
MMEngine sorts them. Classes and functions
(``type=torch.optim.SGD``), also when imported lazily by a ``read_base``
config, are written as their dotted import path, which
registries resolve, so the dumped file does not need the imports. Other
objects without a literal form are written as the string of their repr.
"""
import math

from .lazy import LazyAttr, LazyObject

INDENT = 4
WIDTH = 79


def _scalar(value) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "float('nan')"
        if math.isinf(value):
            return "float('inf')" if value > 0 else "float('-inf')"
        return repr(value)
    if value is None or isinstance(value, (bool, int, str, bytes)):
        return repr(value)
    if isinstance(value, (LazyObject, LazyAttr)):  # an import of a read_base config
        return repr(f'{value.module}.{value}')
    if isinstance(value, type) or callable(value):
        module = getattr(value, '__module__', None)
        qualname = getattr(value, '__qualname__', None)
        if module and qualname and '<' not in qualname:
            return repr(f'{module}.{qualname}')
    if hasattr(value, 'dtype') and type(value).__name__ == 'dtype':  # torch.float16
        return repr(str(value))
    text = repr(value)
    try:
        compile(text, '<config>', 'eval')
    except SyntaxError:
        # An object without a literal form (e.g. a hook instance passed in a
        # config): keep the file valid Python; the value itself cannot be
        # written down.
        return repr(text)
    return text


def _keys_are_identifiers(d: dict) -> bool:
    import keyword
    return all(isinstance(k, str) and k.isidentifier() and not keyword.iskeyword(k) for k in d)


def _sorted_items(d: dict) -> list:
    # MMEngine writes the keys of every dict sorted (as strings).
    return sorted(d.items(), key=lambda item: str(item[0]))


def _items(value):
    """(open, close, [rendered items], is_dict_call) for containers."""
    if isinstance(value, dict):
        items = _sorted_items(value)
        if _keys_are_identifiers(value):
            return 'dict(', ')', [(f'{k}=', v) for k, v in items]
        return '{', '}', [(f'{_scalar(k)}: ', v) for k, v in items]
    if isinstance(value, tuple):
        return '(', ')', [('', v) for v in value]
    return '[', ']', [('', v) for v in value]


def format_value(value, depth: int = 0, column: int = 0) -> str:
    """Python source for ``value``, nested ``depth`` levels deep and starting
    at text column ``column`` (used to decide whether it fits on one line)."""
    if not isinstance(value, (dict, list, tuple)):
        return _scalar(value)
    opening, closing, items = _items(value)
    one_line = ', '.join(prefix + format_value(v) for prefix, v in items)
    if isinstance(value, tuple) and len(value) == 1:
        one_line += ','
    candidate = f'{opening}{one_line}{closing}'
    if '\n' not in candidate and column + len(candidate) <= WIDTH:
        return candidate
    pad = ' ' * (INDENT * (depth + 1))
    lines = [f'{pad}{prefix}{format_value(v, depth + 1, len(pad) + len(prefix))},'
             for prefix, v in items]
    return opening + '\n' + '\n'.join(lines) + '\n' + ' ' * (INDENT * depth) + closing


def format_config(cfg: dict) -> str:
    """Python source assigning every top-level key of ``cfg``."""
    lines = []
    for key, value in _sorted_items(cfg):
        if not (isinstance(key, str) and key.isidentifier()):
            raise ValueError(f'top-level config key {key!r} is not a Python identifier')
        lines.append(f'{key} = {format_value(value, 0, len(key) + 3)}')
    return '\n'.join(lines) + '\n'

"""Value trees -> Python source, laid out like MMEngine-era configs:
``dict(key=value, ...)`` on one line when it fits, otherwise one entry per
line with four-space indents; lists of dicts one dict per line."""
from .translate.values import Folded, Opaque, variable_of

LINE_WIDTH = 79


def render_assignment(name: str, value, variables=frozenset()) -> str:
    """``name = value``; values read through a variable in ``variables``
    (names the output file still defines) are written as that name."""
    return f'{name} = {render(value, len(name) + 3, 0, variables)}'


def render(value, column: int = 0, indent: int = 0, variables=frozenset(),
           _memo=None) -> str:
    if _memo is None:
        _memo = {}
    flat = _flat(value, variables, _memo)
    if flat is not None and column + len(flat) <= LINE_WIDTH and '\n' not in flat:
        return flat
    inner = ' ' * (indent + 4)
    if isinstance(value, dict) and _identifier_keys(value):
        parts = [f'{inner}{k}='
                 f'{render(v, len(inner) + len(k) + 1, indent + 4, variables, _memo)}'
                 for k, v in value.items()]
        return 'dict(\n' + ',\n'.join(parts) + ')'
    if isinstance(value, dict):
        parts = [f'{inner}{render(k)}: '
                 f'{render(v, len(inner) + len(repr(k)) + 2, indent + 4, variables, _memo)}'
                 for k, v in value.items()]
        return '{\n' + ',\n'.join(parts) + '\n' + ' ' * indent + '}'
    if isinstance(value, (list, tuple)):
        open_, close = ('[', ']') if isinstance(value, list) else ('(', ')')
        parts = [f'{inner}{render(v, len(inner), indent + 4, variables, _memo)}'
                 for v in value]
        trailing = ',' if isinstance(value, tuple) and len(value) == 1 else ''
        return open_ + '\n' + ',\n'.join(parts) + trailing + '\n' + ' ' * indent + close
    return flat if flat is not None else repr(value)


def _identifier_keys(value: dict) -> bool:
    return all(isinstance(k, str) and k.isidentifier() and k not in ('True', 'False', 'None')
               for k in value)


def _flat(value, variables=frozenset(), memo=None):
    """One-line text of ``value``; ``memo`` keeps each container's text, so
    laying out a deep tree renders every subtree once."""
    if memo is not None and isinstance(value, (dict, list, tuple)):
        key = id(value)
        if key not in memo:
            memo[key] = _flat_uncached(value, variables, memo)
        return memo[key]
    return _flat_uncached(value, variables, memo)


def _flat_uncached(value, variables, memo):
    if variable_of(value) in variables:
        return variable_of(value)
    if isinstance(value, Folded) and not value.names <= variables:
        return repr(value.value)  # its names are not defined where it is written
    if isinstance(value, Opaque):
        return value.source
    if isinstance(value, bool) or value is None:
        return repr(value)
    if value is Ellipsis:
        return '...'
    if isinstance(value, float):
        spelling = getattr(value, 'spelling', None)  # as the source wrote it
        return spelling if spelling is not None else _float(float(value))
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, str):
        return repr(str(value))
    if isinstance(value, dict):
        if _identifier_keys(value):
            return 'dict(' + ', '.join(f'{k}={_flat(v, variables, memo)}'
                                       for k, v in value.items()) + ')'
        return '{' + ', '.join(f'{_flat(k)}: {_flat(v, variables, memo)}'
                               for k, v in value.items()) + '}'
    if isinstance(value, list):
        return '[' + ', '.join(_flat(v, variables, memo) for v in value) + ']'
    if isinstance(value, tuple):
        body = ', '.join(_flat(v, variables, memo) for v in value)
        return f'({body},)' if len(value) == 1 else f'({body})'
    return repr(value)


def _float(value: float) -> str:
    if value != value or value in (float('inf'), float('-inf')):
        return f"float('{value}')"
    text = repr(value)
    # 1e-05 reads better as 1e-5; both parse to the same float.
    if 'e-0' in text:
        text = text.replace('e-0', 'e-')
    return text

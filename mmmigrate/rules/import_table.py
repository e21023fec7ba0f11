"""Where each name MMCV 1.x exported lives now (``rules/imports.yaml``):
read by the ``convert`` codemod and by the compat layer's ``mmcv`` shim.
No libcst, no torch."""
import functools
from typing import Dict, Tuple

from . import load_pack


@functools.lru_cache(maxsize=None)
def _tables() -> Dict[str, dict]:
    return load_pack('imports')['modules']


def lookup(module: str, name: str) -> Tuple[str, dict]:
    """(kind, entry) for ``name`` imported from ``module``: kind is 'keep',
    'move' or 'removed'; modules outside MMCV's tables are kept."""
    tables = _tables()
    table_name = max((key for key in tables if module == key or module.startswith(key + '.')),
                     key=len, default=None)
    if table_name is None:
        return 'keep', {}
    table = tables[table_name]
    entry = table['names'].get(name)
    if entry is None:
        if table['unlisted'] == 'keep':
            return 'keep', {}
        return 'removed', {'removed': f'{module} is gone in MMCV 2.x and {name} has no known '
                                      'equivalent'}
    if entry.get('keep'):
        return 'keep', entry
    if 'removed' in entry:
        return 'removed', entry
    return 'move', entry

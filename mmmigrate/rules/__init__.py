"""Migration knowledge as data: YAML rule packs and their loader.

Imports nothing else of mmmigrate (see DESIGN.md, "Boundaries").

A pack is a YAML mapping shipped next to this file (``config.yaml`` for
``mmmigrate config``). Users can extend a pack: every ``*.yaml`` file in the
directories listed in ``MMMIGRATE_RULES`` (``os.pathsep``-separated) whose
name matches the pack's is merged over it, table by table.
"""
import functools
import os
from pathlib import Path

import yaml

_HERE = Path(__file__).resolve().parent


class RulePackError(ValueError):
    """A rule pack is missing, unreadable or malformed."""


@functools.lru_cache(maxsize=None)
def load_pack(name: str) -> dict:
    """The rule pack ``name`` (e.g. ``'config'``), with user extensions."""
    paths = [_HERE / f'{name}.yaml']
    for folder in filter(None, os.environ.get('MMMIGRATE_RULES', '').split(os.pathsep)):
        extra = Path(folder) / f'{name}.yaml'
        if extra.exists():
            paths.append(extra)
    pack: dict = {}
    for path in paths:
        try:
            data = yaml.safe_load(path.read_text(encoding='utf-8'))
        except FileNotFoundError:
            raise RulePackError(f'rule pack {name!r} not found at {path}') from None
        except yaml.YAMLError as e:
            raise RulePackError(f'{path}: not valid YAML: {e}') from None
        if not isinstance(data, dict):
            raise RulePackError(f'{path}: a rule pack must be a mapping of tables')
        for table, value in data.items():
            if isinstance(value, dict) and isinstance(pack.get(table), dict):
                pack[table] = {**pack[table], **value}
            else:
                pack[table] = value
    return pack

"""One ``mmmigrate verify`` comparison: a legacy config against an MMEngine
config, or against its own conversion when no second config is given.

Both files are read by the static config reader (``migrate.reader``), as
``mmmigrate config`` reads them: nothing in them is executed.
"""
from pathlib import Path
from typing import Optional, Tuple

from ..migrate.reader import ConfigReadError, ConfigTree
from ..migrate.translate.values import Folded, Opaque, SpelledFloat
from .compare import Comparison, compare
from .semantics import Semantics, VerifyError, converted, from_mmcv, from_mmengine
from .trajectory import build_legacy_hooks

# What an unset --iters-per-epoch means (the CLI's help states it).
DEFAULT_ITERS_PER_EPOCH = 100
CONVERSION = '(its conversion by mmmigrate config)'


def _values(value):
    """The reader's value tree as plain values (a float's spelling, a
    folded string's expression are for rewriting, not for comparing)."""
    if isinstance(value, SpelledFloat):
        return float(value)
    if isinstance(value, Folded):
        return value.value or value.source
    if isinstance(value, dict):
        return {k: _values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_values(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_values(v) for v in value)
    return value


def _opaque_in(value, where: str):
    if isinstance(value, Opaque) and not isinstance(value, Folded):
        return where
    if isinstance(value, dict):
        for key, item in value.items():
            found = _opaque_in(item, f'{where}.{key}')
            if found:
                return found
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _opaque_in(item, f'{where}[{index}]')
            if found:
                return found
    return None


def _read(tree: ConfigTree, path: Path) -> dict:
    try:
        return _values(tree.merged(path))
    except ConfigReadError as e:
        raise VerifyError(str(e)) from None


def _schedule_keys_literal(config: dict, path: Path, keys) -> None:
    for key in keys:
        where = _opaque_in(config.get(key), key)
        if where:
            raise VerifyError(f'{path}: {where} cannot be evaluated without running the config; '
                              'write it as a literal to verify it')


def read_sides(legacy_path: Path, new_path: Optional[Path] = None,
               iters_per_epoch: int = DEFAULT_ITERS_PER_EPOCH,
               tree: Optional[ConfigTree] = None) -> Tuple[Semantics, Semantics, str]:
    """(legacy semantics, new semantics, the new side's label).
    ``VerifyError`` names the file and what keeps it from being compared."""
    tree = tree or ConfigTree()
    legacy_config = _read(tree, legacy_path)
    _schedule_keys_literal(legacy_config, legacy_path, ('lr_config', 'momentum_config'))
    try:
        legacy = from_mmcv(legacy_config, iters_per_epoch)
        build_legacy_hooks(*legacy.schedule[1:])  # an unknown policy is an error here
    except (VerifyError, ValueError, TypeError) as e:
        raise VerifyError(f'{legacy_path}: {e}') from None
    if new_path is None:
        return legacy, _converted(legacy_config, iters_per_epoch, legacy_path), CONVERSION
    new_config = _read(tree, new_path)
    _schedule_keys_literal(new_config, new_path, ('param_scheduler', ))
    try:
        new = from_mmengine(new_config, iters_per_epoch)
    except VerifyError as e:
        raise VerifyError(f'{new_path}: {e}') from None
    return legacy, new, str(new_path)


def verify_pair(legacy_path: Path, new_path: Optional[Path] = None,
                iters_per_epoch: int = DEFAULT_ITERS_PER_EPOCH,
                tree: Optional[ConfigTree] = None) -> Tuple[Comparison, str]:
    """(the comparison, the new side's label); ``VerifyError`` as
    ``read_sides`` raises it, or when a schedule cannot be built."""
    legacy, new, label = read_sides(legacy_path, new_path, iters_per_epoch, tree)
    try:
        return compare(legacy, new), label
    except (ValueError, TypeError, KeyError, AssertionError) as e:
        where = new_path if new_path is not None else legacy_path
        raise VerifyError(f'{where}: the schedule cannot be built: {e}') from None


def _converted(legacy_config: dict, iters_per_epoch: int, path: Path) -> Semantics:
    """The MMEngine side as ``mmmigrate config`` would write it."""
    config, translation = converted(legacy_config)
    if 'lr_config' in config or 'momentum_config' in config:
        kept = [f.message for f in translation.findings if f.severity == 'error']
        raise VerifyError(f'{path}: its schedule is not converted: ' + '; '.join(kept))
    return from_mmengine(config, iters_per_epoch)

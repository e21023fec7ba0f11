"""What the ``mmcv`` shim serves (``mmcv1_names.yaml``: MMCV 1.7.2's public
names, recorded from the real library) and where each name comes from
(``mmcv_shim.yaml``). Pure data lookups: no torch, no imports of the targets.
"""
import functools
from typing import Dict, List, Optional, Tuple

from . import load_pack


@functools.lru_cache(maxsize=None)
def legacy_names() -> Dict[str, Dict[str, str]]:
    """``{module: {name: origin module}}`` for every MMCV 1.7.2 module the
    shim covers."""
    return load_pack('mmcv1_names')['modules']


@functools.lru_cache(maxsize=None)
def _shim() -> dict:
    return load_pack('mmcv_shim')


def served_version() -> str:
    return str(_shim()['served_version'])


def install_hint() -> str:
    return _shim()['install_hint']


def is_legacy_module(module: str) -> bool:
    return module in legacy_names()


def needs_mmcv2(module: str) -> bool:
    """A module only MMCV 2.x provides (cnn bricks, image, ops, ...)."""
    return any(module == prefix or module.startswith(prefix + '.')
               for prefix in _shim()['needs_mmcv2'])


def origin_of(module: str, name: str) -> Optional[str]:
    """The module where MMCV 1.7.2 defined ``module.name`` (None: not one of
    its public names)."""
    return legacy_names().get(module, {}).get(name)


@functools.lru_cache(maxsize=None)
def _origins_by_name() -> Dict[str, set]:
    origins: Dict[str, set] = {}
    for names in legacy_names().values():
        for name, origin in names.items():
            origins.setdefault(name, set()).add(origin)
    return origins


def unique_origin(name: str) -> Optional[str]:
    """The one module of MMCV 1.7.2 that defined a public ``name`` (None
    when none or several did): what ``from <module> import name`` found
    when ``<module>`` only imported it (``POSITIONAL_ENCODING`` in
    ``mmcv.cnn.bricks.transformer``)."""
    origins = _origins_by_name().get(name, set())
    return next(iter(origins)) if len(origins) == 1 else None


def candidates(module: str, name: str) -> List[Tuple[str, str]]:
    """Where the shim looks for ``module.name``, in order, as ``(python
    module, attribute)`` pairs: the ``serve`` entry, then the compat module
    implementing ``module``."""
    found = []
    entry = _shim()['serve'].get(module, {}).get(name)
    if entry is not None:
        target, _, attribute = entry.partition(':')
        found.append((target, attribute or name))
    implementation = _shim()['implemented_by'].get(module)
    if implementation is not None:
        found.append((implementation, name))
    return found


@functools.lru_cache(maxsize=None)
def _mmcv2_removed() -> Tuple[frozenset, Dict[str, frozenset]]:
    data = load_pack('mmcv2_removed')
    return frozenset(data['modules']), {module: frozenset(names)
                                        for module, names in data['names'].items()}


def gone_in_mmcv2(module: str, name: Optional[str] = None) -> bool:
    """Whether importing ``module`` (or ``name`` from it) fails with MMCV 2.x
    installed: MMCV 1.7.2 had it, MMCV 2.2.0 removed it
    (``mmcv2_removed.yaml``, recorded from mmcv-lite 2.2.0)."""
    modules, names = _mmcv2_removed()
    parts = module.split('.')
    if any('.'.join(parts[:k]) in modules for k in range(2, len(parts) + 1)):
        return True
    if name is None:
        return False
    if name in names.get(module, ()):
        return True
    # a name the module only imported (POSITIONAL_ENCODING in
    # mmcv.cnn.bricks.transformer): gone where its one origin is gone
    origin = unique_origin(name) if origin_of(module, name) is None else None
    return origin is not None and origin != module and gone_in_mmcv2(origin, name)

"""``mmmigrate.compat.mmcv``: MMCV 1.7.2's module tree under mmmigrate's
name, serving the same objects as the ``mmcv`` shim without installing it.

``mmmigrate convert`` routes the legacy names MMEngine has no drop-in for
(``from mmcv.parallel import MMDataParallel, collate``, ``from mmcv.runner
import EpochBasedRunner``) here: ``from mmmigrate.compat.mmcv.parallel
import MMDataParallel, collate``. Converted code then imports no module MMCV
2.x lacks, keeps working on the compat layer, and a reader sees at the import
which names still lean on it.

``mmmigrate.compat.mmcv.<path>.<name>`` is, in order:

1. ``mmcv.<path>.<name>`` of an installed MMCV that has it (MMCV 1.x: all of
   them; MMCV 2.x: what it kept);
2. what the shim serves for it (``rules/mmcv_shim.yaml``), where the shim's
   own lookups of ``mmcv.*`` modules come back here, so ``mmcv`` itself is
   never replaced.
"""
import importlib
import importlib.abc
import importlib.machinery
import sys
import types

from ..rules import shim_table
from . import mmcv_shim

PACKAGE = __name__.rpartition('.')[0] + '.mmcv'  # mmmigrate.compat.mmcv


def legacy_name(mirror: str) -> str:
    """``mmmigrate.compat.mmcv.runner`` -> ``mmcv.runner``."""
    return 'mmcv' + mirror[len(PACKAGE):]


def import_legacy(module: str) -> types.ModuleType:
    """The mirror of MMCV 1.x module ``module`` (``mmcv.runner``)."""
    return importlib.import_module(PACKAGE + module[len('mmcv'):])


def _installed(module: str, name: str):
    """``module.name`` from an installed MMCV (or the shim, when a program
    installed it); ``AttributeError`` when it has no such name."""
    try:
        real = importlib.import_module(module)
    except Exception:  # not there, or a broken MMCV install: compat serves instead
        raise AttributeError(name) from None
    return getattr(real, name)


def attribute(mirror: str, name: str):
    module = legacy_name(mirror)
    if name.startswith('__') and name != '__version__':
        raise AttributeError(f'module {mirror!r} has no attribute {name!r}')
    try:
        return _installed(module, name)
    except AttributeError:
        pass
    try:
        return mmcv_shim.serve(module, name, import_legacy)
    except AttributeError:
        raise AttributeError(f'module {mirror!r} has no attribute {name!r} (nor had '
                             f'{module} in MMCV 1.7.2)') from None


class MirrorModule(types.ModuleType):
    """A module of the mirror: attributes are served on first use, then kept."""

    def __getattr__(self, name: str):
        value = attribute(self.__name__, name)
        setattr(self, name, value)
        return value


class _MirrorLoader(importlib.abc.Loader):

    def create_module(self, spec):
        module = MirrorModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        """Nothing to run: attributes are resolved on first use."""


class MirrorFinder(importlib.abc.MetaPathFinder):
    """Finds ``mmmigrate.compat.mmcv.<path>`` for every module of MMCV 1.7.2."""

    def find_spec(self, fullname: str, path=None, target=None):
        if not fullname.startswith(PACKAGE + '.'):
            return None
        if not shim_table.is_legacy_module(legacy_name(fullname)):
            return None
        return importlib.machinery.ModuleSpec(fullname, _MirrorLoader(), is_package=True)


def install_finder() -> None:
    """Find the mirror's modules; and, as the shim does, serve ``mmengine``
    from the bundled engine where no real MMEngine is installed (the names
    that moved are served from their MMEngine homes)."""
    from ..engine.alias import install_mmengine_alias, is_alias_active
    if not any(isinstance(finder, MirrorFinder) for finder in sys.meta_path):
        sys.meta_path.append(MirrorFinder())
    if not is_alias_active() and 'mmengine' not in sys.modules:
        install_mmengine_alias()

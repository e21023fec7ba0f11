"""Serve ``import mmengine`` (and ``mmengine.*``) from the bundled engine.

By default the alias is a fallback: ``mmengine`` is served only when
Python's normal import machinery finds no ``mmengine``, so an installed
MMEngine is never shadowed. ``prefer_bundled=True`` (or the environment variable
``MMMIGRATE_ENGINE=bundled``) puts the bundled engine first, for users who
ask for it explicitly.

Used by ``mmmigrate train``/``test``/``run``; from Python::

    from mmmigrate.engine.alias import install_mmengine_alias
    install_mmengine_alias()
    from mmengine.runner import Runner   # the bundled Runner if MMEngine is absent
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from typing import Optional

ALIAS = 'mmengine'
TARGET = __name__.rsplit('.', 1)[0]  # 'mmmigrate.engine'
ENV_SWITCH = 'MMMIGRATE_ENGINE'


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        """The target module is already executed."""


class MMEngineAliasFinder(importlib.abc.MetaPathFinder):
    """Maps ``mmengine[.sub]`` onto ``mmmigrate.engine[.sub]``: both names
    then refer to the same module objects, so classes are identical.

    It sits first on ``sys.meta_path`` (submodules must not be found a
    second time through the alias package's ``__path__``) but, unless
    ``prefer_bundled``, declines ``mmengine`` when a real one is installed.
    """

    def __init__(self, prefer_bundled: bool = False):
        self.prefer_bundled = prefer_bundled

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname == ALIAS:
            if not self.prefer_bundled and real_mmengine_installed():
                return None
        elif fullname.startswith(ALIAS + '.'):
            if not is_alias_active():
                return None
        else:
            return None
        target_name = TARGET + fullname[len(ALIAS):]
        if importlib.util.find_spec(target_name) is None:
            raise ModuleNotFoundError(
                f'{fullname} is not provided by the bundled engine ({target_name} does not '
                'exist); install MMEngine for it, or use the bundled equivalent',
                name=fullname)
        target_spec = importlib.util.find_spec(target_name)
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(target_name),
            is_package=target_spec.submodule_search_locations is not None)


_finder: Optional[MMEngineAliasFinder] = None


def real_mmengine_installed() -> bool:
    """Whether a real MMEngine is importable (ignoring the alias)."""
    if ALIAS in sys.modules and not is_alias_active():
        return True
    finders = [f for f in sys.meta_path if not isinstance(f, MMEngineAliasFinder)]
    for finder in finders:
        find = getattr(finder, 'find_spec', None)
        if find is not None and find(ALIAS, None) is not None:
            return True
    return False


def is_alias_active() -> bool:
    module = sys.modules.get(ALIAS)
    return module is not None and module.__name__ == TARGET


def install_mmengine_alias(prefer_bundled: Optional[bool] = None) -> bool:
    """Install the alias; returns whether ``import mmengine`` now gives the
    bundled engine. ``prefer_bundled`` defaults to the environment variable
    ``MMMIGRATE_ENGINE=bundled``."""
    global _finder
    if prefer_bundled is None:
        prefer_bundled = os.environ.get(ENV_SWITCH, '').lower() == 'bundled'
    if prefer_bundled and ALIAS in sys.modules and not is_alias_active():
        raise RuntimeError('the real mmengine is already imported in this process; ask for the '
                           'bundled engine before anything imports mmengine')
    if _finder is not None and _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    _finder = MMEngineAliasFinder(prefer_bundled)
    sys.meta_path.insert(0, _finder)
    return is_alias_active() or prefer_bundled or not real_mmengine_installed()


def uninstall_mmengine_alias() -> None:
    """Remove the alias and forget the ``mmengine`` modules it served."""
    if _finder is not None and _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for name in [n for n in sys.modules if n == ALIAS or n.startswith(ALIAS + '.')]:
        if sys.modules[name].__name__.startswith(TARGET):
            del sys.modules[name]

"""The ``mmcv`` import shim: legacy ``import mmcv.runner`` / ``from
mmcv.utils import Config`` resolve to the engine's equivalents when MMCV 1.x
is not installed.

The table is ``rules/imports.yaml`` (one source of truth with ``mmmigrate
convert``): a name that moved (``mmcv.runner.get_dist_info`` ->
``mmengine.dist.get_dist_info``) is served from its new home through the
``mmengine`` alias (the real MMEngine when installed, else the bundled
engine); a name with no drop-in replacement (``EpochBasedRunner``,
``OptimizerHook``) raises an ImportError saying what to use instead.

- With MMCV 1.x installed, nothing is installed: a working MMCV is never
  replaced.
- With MMCV 2.x installed, only the packages MMCV 2.x lacks
  (``mmcv.runner``, ``mmcv.parallel``, ``mmcv.fileio``, ...) are served;
  ``mmcv`` itself and what it still has (image ops, ``mmcv.cnn``) are the
  real ones.
- Some legacy names come from the compat layer instead (``COMPAT``):
  ``mmcv.runner.Hook`` is ``LegacyHook`` (hooks written for MMCV keep their
  signatures and runner attributes), ``EpochBasedRunner`` /
  ``IterBasedRunner`` / ``Runner`` are facades over the engine's Runner,
  and ``build_optimizer``, ``get_logger``, ``MMDataParallel`` /
  ``MMDistributedDataParallel``, ``DataContainer`` / ``collate`` /
  ``scatter``, ``auto_fp16`` / ``force_fp32`` behave as MMCV's did; the
  optimizer hooks (``OptimizerHook``, ``Fp16OptimizerHook``, ...) carry
  their settings to the runner facades.
- Without any MMCV, ``mmcv`` is a shim package too; names MMCV 2.x still
  has (``mmcv.imread``, ``mmcv.cnn.ConvModule``) say that MMCV 2.x provides
  them.

``install_mmcv_shim()`` from Python, or ``MMMIGRATE_MMCV_SHIM=1`` for
``mmmigrate run`` / ``train`` / ``test``.
"""
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types
from typing import Optional

from ..rules.import_table import lookup

ENV_SWITCH = 'MMMIGRATE_MMCV_SHIM'
# packages MMCV 2.x removed: served even when MMCV 2.x is installed
GONE = ('mmcv.runner', 'mmcv.parallel', 'mmcv.fileio', 'mmcv.engine', 'mmcv.device')
# legacy classes the shim serves from the compat layer rather than the
# import table's new home: MMCV-style subclasses of these keep working
_HOOK = ('mmmigrate.compat.hooks', 'LegacyHook')
_FP16 = {name: ('mmmigrate.compat.fp16', name) for name in ('auto_fp16', 'force_fp32')}
_RUNNERS = {name: ('mmmigrate.compat.runner', name)
            for name in ('EpochBasedRunner', 'IterBasedRunner', 'Runner', 'build_runner')}
_BUILD_OPTIMIZER = {'build_optimizer': ('mmmigrate.compat.runner', 'build_optimizer')}
_GET_LOGGER = {'get_logger': ('mmmigrate.compat.runner', 'get_logger')}
_DATA_CONTAINER = ('mmmigrate.compat.data_container', 'DataContainer')
_OPTIMIZER_HOOKS = {name: ('mmmigrate.compat.optimizer_hooks', name)
                    for name in ('OptimizerHook', 'GradientCumulativeOptimizerHook',
                                 'Fp16OptimizerHook', 'GradientCumulativeFp16OptimizerHook')}
COMPAT = {
    'mmcv.runner': {'Hook': _HOOK, **_FP16, **_RUNNERS, **_BUILD_OPTIMIZER, **_OPTIMIZER_HOOKS},
    'mmcv.runner.hooks': {'Hook': _HOOK, **_OPTIMIZER_HOOKS},
    'mmcv.runner.hooks.optimizer': _OPTIMIZER_HOOKS,
    'mmcv.runner.hooks.hook': {'Hook': _HOOK},
    'mmcv.runner.fp16_utils': _FP16,
    'mmcv.runner.epoch_based_runner': _RUNNERS,
    'mmcv.runner.iter_based_runner': _RUNNERS,
    'mmcv.runner.optimizer': _BUILD_OPTIMIZER,
    'mmcv.runner.optimizer.builder': _BUILD_OPTIMIZER,
    'mmcv.parallel': {name: ('mmmigrate.compat.parallel', name)
                      for name in ('MMDataParallel', 'MMDistributedDataParallel',
                                   'DataContainer', 'collate', 'scatter', 'scatter_kwargs')},
    'mmcv.parallel.data_container': {'DataContainer': _DATA_CONTAINER},
    'mmcv.parallel.collate': {'collate': ('mmmigrate.compat.data_container', 'collate')},
    'mmcv.parallel.scatter_gather': {
        name: ('mmmigrate.compat.data_container', name) for name in ('scatter', 'scatter_kwargs')},
    'mmcv.utils': _GET_LOGGER,
    'mmcv.utils.logging': _GET_LOGGER,
}


class ShimModule(types.ModuleType):
    """A legacy MMCV module whose attributes come from the import table."""

    def __getattr__(self, name: str):
        if name.startswith('__'):
            raise AttributeError(name)
        if name in COMPAT.get(self.__name__, {}):
            module, attribute = COMPAT[self.__name__][name]
            value = getattr(importlib.import_module(module), attribute)
            setattr(self, name, value)
            return value
        kind, entry = lookup(self.__name__, name)
        if kind == 'move':
            target = importlib.import_module(entry['to'])
            value = getattr(target, entry.get('name', name))
            setattr(self, name, value)  # found once
            return value
        if kind == 'removed':
            raise ImportError(f'{self.__name__}.{name} has no drop-in replacement in the '
                              f'MMEngine stack: {entry["removed"]} (mmmigrate compat shim)',
                              name=self.__name__)
        raise ImportError(f'{self.__name__}.{name} is still part of MMCV 2.x: install '
                          f'mmcv>=2 for it (the mmmigrate shim serves what MMCV 2.x removed)',
                          name=self.__name__)


class _ShimLoader(importlib.abc.Loader):
    def create_module(self, spec):
        module = ShimModule(spec.name)
        module.__path__ = []  # a package: deep paths (mmcv.runner.hooks.lr_updater) import
        module.__mmmigrate_shim__ = True
        return module

    def exec_module(self, module):
        """Nothing to run: attributes are resolved on first use."""


class MMCVShimFinder(importlib.abc.MetaPathFinder):

    def __init__(self, whole_package: bool):
        self.whole_package = whole_package  # no MMCV at all: serve `mmcv` too

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname != 'mmcv' and not fullname.startswith('mmcv.'):
            return None
        if not self.whole_package and not fullname.startswith(GONE):
            return None  # the installed MMCV 2.x provides it
        return self._spec(fullname)

    @staticmethod
    def _spec(fullname: str):
        return importlib.machinery.ModuleSpec(fullname, _ShimLoader(), is_package=True)


_finder: Optional[MMCVShimFinder] = None


def installed_mmcv_version() -> Optional[str]:
    """The version of a real MMCV, or None (without importing it)."""
    finders = [f for f in sys.meta_path if not isinstance(f, MMCVShimFinder)]
    if not any(getattr(f, 'find_spec', lambda *a: None)('mmcv', None) for f in finders):
        return None
    try:
        from importlib.metadata import version
        return version('mmcv')
    except Exception:  # found but without metadata (a source checkout)
        return 'unknown'


def install_mmcv_shim() -> bool:
    """Serve legacy ``mmcv`` imports from the engine; returns False (and does
    nothing) when MMCV 1.x is installed."""
    global _finder
    version = installed_mmcv_version()
    if version is not None and version.startswith('1.'):
        return False
    from ..engine.alias import install_mmengine_alias
    install_mmengine_alias()
    if _finder is not None and _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    _finder = MMCVShimFinder(whole_package=version is None)
    sys.meta_path.insert(0, _finder)
    return True


def install_mmcv_shim_if_asked() -> bool:
    """``install_mmcv_shim()`` when ``MMMIGRATE_MMCV_SHIM`` is set."""
    if os.environ.get(ENV_SWITCH, '').lower() in ('1', 'true', 'yes', 'on'):
        return install_mmcv_shim()
    return False

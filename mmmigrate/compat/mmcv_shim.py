"""The ``mmcv`` import shim: MMCV 1.x code (``from mmcv.runner import
EpochBasedRunner``, ``from mmcv import Config``, ``import mmcls``) runs on
the engine without MMCV 1.x.

What it serves is data: ``rules/mmcv1_names.yaml`` lists every public name of
MMCV 1.7.2 (recorded from the real library), ``rules/mmcv_shim.yaml`` says
where each comes from (``rules/shim_table.py`` reads both):

- With MMCV 1.x installed, nothing is installed: a working MMCV is never
  replaced.
- With MMCV 2.x installed (``mmcv-lite`` or full), the shim composes with
  it: MMCV 2.x keeps serving every module and name it has (cnn bricks,
  image, transforms, ops); each of its modules that MMCV 1.7.2 also had gets
  a fallback for the 1.x names 2.x removed (``mmcv.Config``,
  ``mmcv.utils.Registry``, ``mmcv.cnn.constant_init``, ``NORM_LAYERS``),
  and the 1.x modules 2.x lacks (``mmcv.runner``, ``mmcv.parallel``,
  ``mmcv.utils.config``, ``mmcv.cnn.utils.weight_init``) are shim modules.
- Without any MMCV, ``mmcv`` itself is a shim package; the names only MMCV
  2.x provides (``mmcv.imread``, ``mmcv.cnn.ConvModule``) fail with an
  error saying which package to install.
- ``mmcv.__version__`` is ``1.7.0`` while the shim serves, the newest
  version every library of the family accepts at import (mmpose 0.29 and
  mmaction2 0.24 assert at most 1.7.0); the behaviour is MMCV 1.7.2's,
  whose runner and hooks differ from 1.7.0's only in trifles
  (``rules/mmcv_shim.yaml``). The installed MMCV 2.x's version stays
  readable as ``mmcv.__installed_version__``.

A legacy name is served as the compat layer's MMCV-1.x object where MMCV 1.x
code needs MMCV's behaviour (``mmcv.runner.Hook``, ``EvalHook``,
``LrUpdaterHook``, the runner facades, ``DefaultOptimizerConstructor``,
legacy registries), else from its new home in the ``mmengine`` alias (the
real MMEngine when installed, else the bundled engine), as
``rules/imports.yaml`` says (one source of truth with ``mmmigrate convert``).

``install_mmcv_shim()`` from Python, or ``MMMIGRATE_MMCV_SHIM=1`` for
``mmmigrate run`` / ``train`` / ``test``.
"""
import importlib
import importlib.abc
import importlib.machinery
import os
import sys
import types
from typing import Optional

from ..rules import shim_table
from ..rules.import_table import lookup

ENV_SWITCH = 'MMMIGRATE_MMCV_SHIM'
VERSION_MODULES = ('mmcv', 'mmcv.version')


class ShimMissingError(ImportError):
    """A name of MMCV 1.7.2 the shim cannot serve here (what to do instead is
    in the message)."""


def resolve(module: str, name: str, import_legacy=importlib.import_module):
    """The object the shim serves as ``module.name`` (a public name of MMCV
    1.7.2's ``module``). ``import_legacy`` imports an ``mmcv.*`` module
    (``mmmigrate.compat.mmcv`` passes one that never touches ``mmcv``)."""
    for target, attribute in shim_table.candidates(module, name):
        implementation = importlib.import_module(target)
        if hasattr(implementation, attribute):
            return getattr(implementation, attribute)
    origin = shim_table.origin_of(module, name)
    if origin is not None and origin != module:
        # where MMCV defined it: a real MMCV 2.x module, or a shim module
        try:
            return getattr(import_legacy(origin), name)
        except ShimMissingError as error:  # said of the name the user imported
            raise ShimMissingError(str(error).replace(f'{origin}.{name}', f'{module}.{name}'),
                                   name=module) from None
    if shim_table.is_legacy_module(f'{module}.{name}'):  # a subpackage (mmcv.device.mlu)
        return import_legacy(f'{module}.{name}')
    kind, entry = lookup(module, name)
    if kind == 'move':
        return getattr(importlib.import_module(entry['to']), entry.get('name', name))
    if shim_table.needs_mmcv2(module) or kind == 'keep':
        raise ShimMissingError(
            f'{module}.{name} is part of MMCV 2.x, which is not installed: '
            f'{shim_table.install_hint()} (the mmmigrate shim adds the MMCV 1.x names '
            'MMCV 2.x removed)', name=module)
    raise ShimMissingError(f'{module}.{name} has no drop-in replacement in the MMEngine '
                           f'stack: {entry["removed"]} (mmmigrate compat shim)', name=module)


def serve(module: str, name: str, import_legacy=importlib.import_module):
    """``module.name`` as MMCV 1.7.2 code sees it: a legacy name, a legacy
    submodule, or an AttributeError (MMCV 1.7.2 had no such name either)."""
    if name.startswith('__') and name != '__version__':
        raise AttributeError(f'module {module!r} has no attribute {name!r}')
    if module in VERSION_MODULES and name in ('__version__', 'version_info'):
        return _served_version()[name == 'version_info']
    if shim_table.origin_of(module, name) is not None:
        return resolve(module, name, import_legacy)
    submodule = f'{module}.{name}'
    if shim_table.is_legacy_module(submodule):
        return import_legacy(submodule)
    # not public in MMCV 1.7.2, yet libraries import some (`_BatchNorm`,
    # `_load_checkpoint`): served when the tables know where it went
    for target, attribute in shim_table.candidates(module, name):
        implementation = importlib.import_module(target)
        if hasattr(implementation, attribute):
            return getattr(implementation, attribute)
    kind, entry = lookup(module, name)
    if kind == 'move':
        return getattr(importlib.import_module(entry['to']), entry.get('name', name))
    origin = shim_table.unique_origin(name)  # a module that only imported it
    if origin is not None and module.startswith(origin.rsplit('.', 2)[0]):
        return resolve(origin, name, import_legacy)
    raise AttributeError(f'module {module!r} has no attribute {name!r} (nor had MMCV 1.7.2)')


def _served_version():
    version = shim_table.served_version()
    return version, tuple(int(part) for part in version.split('.'))


class ShimModule(types.ModuleType):
    """A module of MMCV 1.x that no installed MMCV provides: every attribute
    is served (and kept once found)."""

    def __getattr__(self, name: str):
        value = serve(self.__name__, name)
        setattr(self, name, value)
        return value


class _ShimLoader(importlib.abc.Loader):
    def create_module(self, spec):
        module = ShimModule(spec.name)
        module.__path__ = []  # a package: deep paths (mmcv.runner.hooks.lr_updater) import
        module.__mmmigrate_shim__ = True
        return module

    def exec_module(self, module):
        """Nothing to run: attributes are resolved on first use."""


class _ComposingLoader(importlib.abc.Loader):
    """Runs a real MMCV 2.x module, then gives it the 1.x names it lacks."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):  # get_code, get_source, ... as the real loader has them
        return getattr(self._real, name)

    def create_module(self, spec):
        return self._real.create_module(spec)

    def exec_module(self, module):
        self._real.exec_module(module)
        compose(module)


def compose(module: types.ModuleType) -> None:
    """Give a real MMCV 2.x module a fallback for MMCV 1.7.2's names (a
    module ``__getattr__``: attributes it has are untouched)."""
    name = module.__name__
    if name in VERSION_MODULES:
        module.__installed_version__ = getattr(module, '__version__', None)
        module.__version__, module.version_info = _served_version()
    own = module.__dict__.get('__getattr__')

    def __getattr__(attribute: str):
        if own is not None:
            try:
                return own(attribute)
            except AttributeError:
                pass
        return serve(name, attribute)

    module.__getattr__ = __getattr__


class MMCVShimFinder(importlib.abc.MetaPathFinder):

    def __init__(self, whole_package: bool):
        self.whole_package = whole_package  # no MMCV at all: serve `mmcv` too

    def find_spec(self, fullname: str, path=None, target=None):
        if fullname != 'mmcv' and not fullname.startswith('mmcv.'):
            return None
        if self.whole_package:  # no MMCV: MMCV 1.7.2's modules, and 2.x's saying so
            known = fullname == 'mmcv' or shim_table.is_legacy_module(fullname) or \
                shim_table.needs_mmcv2(fullname)
            return self._spec(fullname) if known else None
        real = self._real_spec(fullname, path, target)
        if real is not None:
            if real.loader is not None and (fullname == 'mmcv' or
                                            shim_table.is_legacy_module(fullname)):
                real.loader = _ComposingLoader(real.loader)
            return real
        if shim_table.is_legacy_module(fullname):  # removed by MMCV 2.x (mmcv.runner)
            return self._spec(fullname)
        return None  # not in MMCV 1.7.2 nor in the installed MMCV 2.x

    def _real_spec(self, fullname, path, target):
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, MMCVShimFinder):
                continue
            find_spec = getattr(finder, 'find_spec', None)
            spec = find_spec(fullname, path, target) if find_spec else None
            if spec is not None:
                return spec
        return None

    @staticmethod
    def _spec(fullname: str):
        return importlib.machinery.ModuleSpec(fullname, _ShimLoader(), is_package=True)


_finder: Optional[MMCVShimFinder] = None


def installed_mmcv_version() -> Optional[str]:
    """The version of a real MMCV, or None (without importing it)."""
    finders = [f for f in sys.meta_path if not isinstance(f, MMCVShimFinder)]
    if not any(getattr(f, 'find_spec', lambda *a: None)('mmcv', None) for f in finders):
        return None
    from importlib.metadata import PackageNotFoundError, version
    for distribution in ('mmcv', 'mmcv-lite', 'mmcv-full'):
        try:
            return version(distribution)
        except PackageNotFoundError:
            continue
    return 'unknown'  # found but without metadata (a source checkout)


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
    for name, module in list(sys.modules.items()):  # imported before the shim
        if (name in VERSION_MODULES or shim_table.is_legacy_module(name)) and \
                not isinstance(module, ShimModule) and module is not None:
            compose(module)
    return True


def install_mmcv_shim_if_asked() -> bool:
    """``install_mmcv_shim()`` when ``MMMIGRATE_MMCV_SHIM`` is set."""
    if os.environ.get(ENV_SWITCH, '').lower() in ('1', 'true', 'yes', 'on'):
        return install_mmcv_shim()
    return False

"""Reading a pure-Python config (MMEngine's "lazy import" configs, which
MMEngine-era libraries ship as ``<package>/configs/...``)::

    from mmengine.config import read_base
    with read_base():
        from .._base_.models.resnet18_cifar import *     # a base config
    from torch.optim import SGD                          # -> LazyObject
    optim_wrapper = dict(optimizer=dict(type=SGD, lr=0.1))

The imports inside ``with read_base():`` name base config files (relative to
this file, or ``package.path.to.config`` inside an installed package); their
variables are read first and bound in this config's namespace, as ConfigDicts
that the config may change in place. Every other import of a non-standard
module binds a ``LazyObject`` instead of importing anything; a ConfigDict
imports it when the value is read. Then the file is executed.
"""
import ast
import os.path as osp
import sys
import traceback
from typing import Dict, Optional, Set, Tuple

from .config_dict import ConfigDict
from .errors import (ConfigError, ConfigEvaluationError, ConfigFileNotFoundError,
                     ConfigParsingError, ConfigSyntaxError)
from .lazy import LazyObject

# Imports of these run as written (the config module itself provides
# `read_base`).
_CONFIG_MODULES = ('mmengine.config', 'mmmigrate.engine.config')


def read_base():
    """Marks the base-config imports of a pure-Python config (``with
    read_base(): from .base import *``). Only meaningful while a config is
    read; the reader never runs it."""
    import contextlib
    return contextlib.nullcontext()


def is_lazy_config(tree: ast.Module) -> bool:
    """Whether MMEngine reads this Python config as a pure-Python one. As
    MMEngine decides, the first of these met (breadth first, so top-level
    statements in order) settles it: a ``_base_ = ...`` assignment (no), a
    ``with`` statement (yes), a relative import or an import of a module
    outside the standard library (yes; ``from mmengine import Config``
    excepted)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) \
                and node.targets[0].id == '_base_':
            return False
        if isinstance(node, ast.With):
            return True
        if isinstance(node, ast.ImportFrom):
            if node.level:
                return True
            if node.module == 'mmengine' and [a.name for a in node.names] == ['Config']:
                continue
            if isinstance(node.module, str) and not _is_standard_module(node.module):
                return True
        if isinstance(node, ast.Import) and any(not _is_standard_module(alias.name)
                                                for alias in node.names):
            return True
    return False


def _is_read_base(node: ast.With) -> bool:
    return len(node.items) == 1 and isinstance(node.items[0].context_expr, ast.Call) \
        and getattr(node.items[0].context_expr.func, 'id', None) == 'read_base'


def _is_standard_module(module: str) -> bool:
    if module.startswith('.'):
        return False
    if module.startswith(_CONFIG_MODULES):
        return True
    return module.split('.')[0] in sys.stdlib_module_names


def base_config_path(module: str, filename: str, lineno: int) -> str:
    """The file a ``with read_base():`` import names."""
    level = len(module) - len(module.lstrip('.'))
    if level:
        parts = module[level:].split('.') if module[level:] else []
        path = osp.join(osp.dirname(filename), *(['..'] * (level - 1)), *parts) + '.py'
    else:
        parts = module.split('.')
        if len(parts) == 1:
            raise ConfigError(f'`with read_base():` imports {module!r}, a package: import a '
                              'config module inside it, e.g. `from '
                              'mmdet.configs.retinanet.retinanet_r50_fpn_1x_coco import *`',
                              filename, lineno)
        import importlib.util
        spec = importlib.util.find_spec(parts[0])
        if spec is None or not spec.submodule_search_locations:
            raise ConfigFileNotFoundError(
                f'`with read_base():` imports from {module!r}, but the package {parts[0]!r} '
                'is not installed', filename, lineno)
        path = osp.join(list(spec.submodule_search_locations)[0], *parts[1:]) + '.py'
    path = osp.normpath(path)
    if not osp.isfile(path):
        raise ConfigFileNotFoundError(
            f'base config {module!r} of `with read_base():` not found (looked for {path})',
            filename, lineno)
    return path


class ImportTransformer(ast.NodeTransformer):
    """Rewrites the imports of a pure-Python config.

    ``from <base config> import ...`` (a module of ``base_dict``) binds the
    base's variables in ``global_dict`` and disappears; imports of standard
    modules stay; ``from mmengine.config import ...`` binds this engine's
    names; any other ``from x import y [as z]`` and ``import x.y as z``
    becomes ``z = LazyObject(...)``. Plain ``import x.y`` of other modules is
    left to ``gather_absolute_imports``. ``imported_obj``: the names bound."""

    def __init__(self, global_dict: dict, base_dict: Optional[dict] = None,
                 filename: Optional[str] = None):
        self.global_dict = global_dict
        self.base_dict = base_dict if base_dict is not None else {}
        self.filename = filename
        self.imported_obj: Set[str] = set()

    def _lazy(self, name: str, node: ast.stmt, *args) -> ast.Assign:
        location = f'{self.filename}, line {node.lineno}'
        call = ast.Call(func=ast.Name('LazyObject', ast.Load()),
                        args=[ast.Constant(arg) if not isinstance(arg, list)
                              else ast.List([ast.Constant(a) for a in arg], ast.Load())
                              for arg in args],
                        keywords=[ast.keyword('location', ast.Constant(location))])
        self.imported_obj.add(name)
        return ast.copy_location(ast.Assign([ast.Name(name, ast.Store())], call), node)

    def visit_ImportFrom(self, node: ast.ImportFrom):
        module = '.' * node.level + (node.module or '')
        if module in self.base_dict:
            base = self.base_dict[module]
            for alias in node.names:
                if alias.name == '*':
                    self.global_dict.update(base)
                else:
                    self.global_dict[alias.asname or alias.name] = base[alias.name]
            return None
        if module.startswith(_CONFIG_MODULES):
            # `from mmengine.config import read_base`: bound from this
            # engine, which need not be importable as `mmengine`.
            from .. import config as config_package
            for alias in node.names:
                if alias.name == '*' or not hasattr(config_package, alias.name):
                    raise ConfigError(f'cannot import name {alias.name!r} from {module}',
                                      self.filename, node.lineno)
                self.imported_obj.add(alias.asname or alias.name)
                self.global_dict[alias.asname or alias.name] = getattr(config_package,
                                                                       alias.name)
            return None
        if any(alias.name == '*' for alias in node.names):
            raise ConfigParsingError('Illegal syntax in config! `from xxx import *` is not '
                                     f'allowed outside `with read_base():` (here: from {module})',
                                     self.filename, node.lineno)
        if _is_standard_module(module):
            self.imported_obj.update(a.asname or a.name for a in node.names)
            return node
        return [self._lazy(alias.asname or alias.name, node, module, alias.name)
                for alias in node.names]

    def visit_Import(self, node: ast.Import):
        kept, assigns = [], []
        for alias in node.names:
            if alias.asname is None:
                kept.append(alias)  # left for gather_absolute_imports
                continue
            self.imported_obj.add(alias.asname)
            if _is_standard_module(alias.name):
                kept.append(alias)
            else:
                assigns.append(self._lazy(alias.asname, node, alias.name))
        if kept:
            assigns.insert(0, ast.copy_location(ast.Import(kept), node))
        return assigns


def gather_absolute_imports(tree: ast.Module, filename: Optional[str] = None):
    """Top-level ``import x.y`` of non-standard modules become one
    ``x = LazyObject(['x.y', ...])`` per package (building it imports them
    all). Returns ``(tree, names bound)``."""
    packages: Dict[str, list] = {}
    first_node: Dict[str, ast.stmt] = {}
    body = []
    for node in tree.body:
        if not isinstance(node, ast.Import):
            body.append(node)
            continue
        kept = []
        for alias in node.names:
            if _is_standard_module(alias.name) or alias.asname is not None:
                kept.append(alias)
            else:
                package = alias.name.split('.')[0]
                packages.setdefault(package, []).append(alias.name)
                first_node.setdefault(package, node)
        if kept:
            body.append(ast.copy_location(ast.Import(kept), node))
    for package, modules in packages.items():
        call = ast.Call(func=ast.Name('LazyObject', ast.Load()),
                        args=[ast.List([ast.Constant(m) for m in modules], ast.Load())],
                        keywords=[ast.keyword('location', ast.Constant(
                            f'{filename}, line {first_node[package].lineno}'))])
        body.insert(0, ast.copy_location(ast.Assign([ast.Name(package, ast.Store())], call),
                                         first_node[package]))
    tree.body = body
    return tree, set(packages)


def read_lazy_config(filename: str, _chain: Tuple[str, ...] = ()) -> Tuple[Dict, Set[str]]:
    """The variables of a pure-Python config (bases included) and the names
    its imports bound (which ``Config.to_dict`` leaves out)."""
    filename = osp.abspath(filename)
    if filename in _chain:
        raise ConfigError('base configs form a cycle: '
                          + ' -> '.join(list(_chain[_chain.index(filename):]) + [filename]),
                          filename)
    with open(filename, encoding='utf-8') as f:
        text = f.read()
    try:
        tree = ast.parse(text, filename)
    except SyntaxError as e:
        raise ConfigSyntaxError(f'invalid Python: {e.msg}', filename, e.lineno) from None

    namespace: dict = {}
    imported: Set[str] = set()
    body = []
    for node in tree.body:
        if not (isinstance(node, ast.With) and _is_read_base(node)):
            body.append(node)
            continue
        for stmt in node.body:
            if not isinstance(stmt, ast.ImportFrom):
                raise ConfigError('only `from <base config> import ...` may appear inside '
                                  '`with read_base():`', filename, stmt.lineno)
            module = '.' * stmt.level + (stmt.module or '')
            if not stmt.module:
                raise ConfigError('`from . import x` is not allowed in `with read_base():`; '
                                  'name the config module', filename, stmt.lineno)
            path = base_config_path(module, filename, stmt.lineno)
            base_cfg, base_imported = read_lazy_config(path, _chain + (filename, ))
            imported |= base_imported
            for alias in stmt.names:
                if alias.name == '*':
                    namespace.update(base_cfg)
                elif alias.name not in base_cfg:
                    raise ConfigError(f'{alias.name!r} is not defined in base config {path}',
                                      filename, stmt.lineno)
                else:
                    namespace[alias.asname or alias.name] = base_cfg[alias.name]
    tree.body = body
    namespace.update({'LazyObject': LazyObject, '__file__': filename})
    transformer = ImportTransformer(namespace, filename=filename)
    tree = transformer.visit(tree)
    tree, absolute = gather_absolute_imports(tree, filename)
    tree = ast.fix_missing_locations(tree)
    imported |= transformer.imported_obj | absolute

    try:
        exec(compile(tree, filename, 'exec'), namespace)
    except Exception as e:
        line: Optional[int] = None
        for frame in reversed(traceback.extract_tb(e.__traceback__)):
            if frame.filename == filename:
                line = frame.lineno
                break
        raise ConfigEvaluationError(f'executing the config raised {type(e).__name__}: {e}',
                                    filename, line) from e
    cfg = {key: _to_config_dicts(value) for key, value in namespace.items()
           if not key.startswith('__') and key != 'LazyObject'}
    return cfg, imported


def _to_config_dicts(value):
    # Dicts become ConfigDicts without building lazy values.
    if isinstance(value, dict):
        out = ConfigDict()
        for key, item in dict.items(value):
            dict.__setitem__(out, key, _to_config_dicts(item))
        return out
    if type(value) in (list, tuple):
        return type(value)(_to_config_dicts(item) for item in value)
    return value

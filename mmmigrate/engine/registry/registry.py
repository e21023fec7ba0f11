"""``Registry``: maps names to classes or functions so configs can say
``type='SGD'``. Registries form trees (a downstream package creates a child
with ``parent=MODELS, scope='mmdet'``) and lookups fall back to ancestors."""
import difflib
import inspect
import sys
from contextlib import contextmanager
from importlib import import_module
from typing import Callable, Dict, List, Optional, Tuple, Union

from ..utils import get_object_from_string, is_seq_of
from .default_scope import DefaultScope

# Scope of this engine's root registries. Converted code and configs say
# `mmengine`, so the bundled engine answers to that scope name.
ENGINE_SCOPE = 'mmengine'


class UnknownTypeError(KeyError):
    """Raised when a config names a type that no registry in reach holds."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ''


class Registry:
    """A name → object table with scopes, parents and lazy import locations.

    Args:
        name: what the registry holds, e.g. ``'optimizer'`` (used in errors).
        build_func: how ``build`` turns a config into an object; defaults to
            the parent's, then to ``build_from_cfg``.
        parent: the registry to fall back to for names this one lacks.
        scope: the package the registry belongs to; inferred from the module
            that creates it when omitted.
        locations: modules imported on the first lookup, so that their
            ``register_module`` calls have run.
    """

    def __init__(self,
                 name: str,
                 build_func: Optional[Callable] = None,
                 parent: Optional['Registry'] = None,
                 scope: Optional[str] = None,
                 locations: Optional[List[str]] = None):
        from .build_functions import build_from_cfg
        self._name = name
        self._module_dict: Dict[str, Callable] = {}
        self._children: Dict[str, 'Registry'] = {}
        self._locations = list(locations or [])
        self._imported = False
        if scope is not None and not isinstance(scope, str):
            raise AssertionError(f'scope must be a str, got {scope!r}')
        self._scope = scope if scope is not None else self.infer_scope()
        self.parent: Optional['Registry'] = None
        if parent is not None:
            if not isinstance(parent, Registry):  # AssertionError, as MMEngine raises
                raise AssertionError(f'parent must be a Registry, got {type(parent).__name__}')
            parent._add_child(self)
            self.parent = parent
        if build_func is not None:
            self.build_func = build_func
        elif self.parent is not None:
            self.build_func = self.parent.build_func
        else:
            self.build_func = build_from_cfg

    @staticmethod
    def infer_scope() -> str:
        """The top-level package of the module that creates the registry."""
        module = inspect.getmodule(sys._getframe(2))
        return module.__name__.split('.')[0] if module is not None else ENGINE_SCOPE

    @staticmethod
    def split_scope_key(key: str) -> Tuple[Optional[str], str]:
        """``'mmdet.ResNet'`` → ``('mmdet', 'ResNet')``; no dot → ``(None, key)``."""
        scope, dot, rest = key.partition('.')
        return (scope, rest) if dot else (None, key)

    @property
    def name(self) -> str:
        return self._name

    @property
    def scope(self) -> str:
        return self._scope

    @property
    def module_dict(self) -> Dict[str, Callable]:
        return self._module_dict

    @property
    def children(self) -> Dict[str, 'Registry']:
        return self._children

    @property
    def root(self) -> 'Registry':
        return self._get_root_registry()

    def __len__(self) -> int:
        return len(self._module_dict)

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __repr__(self) -> str:
        lines = [f'Registry of {self._name} (scope {self._scope!r}, {len(self)} entries)']
        for key, obj in sorted(self._module_dict.items()):
            lines.append(f'  {key}: {getattr(obj, "__module__", "?")}.'
                         f'{getattr(obj, "__qualname__", obj)}')
        return '\n'.join(lines)

    def _get_root_registry(self) -> 'Registry':
        root = self
        while root.parent is not None:
            root = root.parent
        return root

    def _search_child(self, scope: str) -> Optional['Registry']:
        if self._scope == scope:
            return self
        for child in self._children.values():
            found = child._search_child(scope)
            if found is not None:
                return found
        return None

    def _add_child(self, registry: 'Registry') -> None:
        if registry.scope in self._children:
            raise KeyError(f'scope {registry.scope!r} already has a child '
                           f'registry under the {self._name!r} registry')
        self._children[registry.scope] = registry

    def import_from_location(self) -> None:
        """Import the ``locations`` modules once, so their classes register."""
        if self._imported:
            return
        self._imported = True
        for location in self._locations:
            import_module(location)

    @staticmethod
    def _import_scope_registry(scope: str) -> None:
        """Let a downstream package (``<scope>.registry``) attach its child
        registries. Our own scope is never imported: it would pull in the
        real MMEngine when that is installed."""
        if scope == ENGINE_SCOPE:
            return
        try:
            import_module(f'{scope}.registry')
        except ImportError:
            pass

    def get(self, key: str) -> Optional[Callable]:
        """Look ``key`` up here, then in ancestors; ``'scope.Name'`` looks in
        the registry of that scope; a dotted import path is resolved last.
        Returns None when nothing matches."""
        if not isinstance(key, str):
            raise TypeError(f'registry keys are str, got {type(key).__name__}')
        self.import_from_location()
        scope, real_key = self.split_scope_key(key)
        obj = None
        if scope is None or scope == self._scope:
            registry = self
            while registry is not None and obj is None:
                registry.import_from_location()
                obj = registry._module_dict.get(real_key)
                if scope is not None:
                    break
                registry = registry.parent
        else:
            self._import_scope_registry(scope)
            if scope in self._children:
                obj = self._children[scope].get(real_key)
            else:
                root = self._get_root_registry()
                if scope == root._scope or scope in root._children:
                    obj = root.get(key)
        if obj is None and '.' in key:
            try:
                obj = get_object_from_string(key)
            except Exception:
                obj = None
        return obj

    def registered_names(self) -> List[str]:
        """All names reachable from this registry (own and ancestors')."""
        names, registry = [], self
        while registry is not None:
            registry.import_from_location()
            names.extend(n for n in registry._module_dict if n not in names)
            registry = registry.parent
        return names

    def unknown_type_error(self, key: str) -> UnknownTypeError:
        """The error for a config naming ``key``, with the closest names."""
        names = self.registered_names()
        close = difflib.get_close_matches(key.split('.')[-1], names, n=3, cutoff=0.5)
        hint = f' Did you mean: {", ".join(close)}?' if close else ''
        return UnknownTypeError(
            f'{key} is not in the {self._scope}::{self._name} registry: '
            f"type={key!r} is not registered in the '{self._name}' registry "
            f"(scope '{self._scope}').{hint} Register it with "
            f'@<REGISTRY>.register_module() and make sure its module is '
            f'imported (for example through `custom_imports` in the config).')

    @contextmanager
    def switch_scope_and_registry(self, scope: Optional[str]):
        """Yield the registry to build in: the one of the default scope (or
        of ``scope`` while inside the block) when the tree has it, else self."""
        with DefaultScope.overwrite_default_scope(scope):
            default_scope = DefaultScope.get_current_instance()
            registry = self
            if default_scope is not None:
                scope_name = default_scope.scope_name
                self._import_scope_registry(scope_name)
                found = self._get_root_registry()._search_child(scope_name)
                if found is not None:
                    registry = found
            yield registry

    def build(self, cfg: dict, *args, **kwargs):
        """Build an object from ``cfg`` with this registry's build function."""
        return self.build_func(cfg, *args, **kwargs, registry=self)

    def _register_module(self, module, module_name=None, force: bool = False) -> None:
        if not callable(module):
            raise TypeError(f'module must be Callable, but got {type(module)}: only '
                            'callables can be registered')
        if module_name is None:
            module_name = module.__name__
        names = [module_name] if isinstance(module_name, str) else list(module_name)
        for name in names:
            if not force and name in self._module_dict:
                existing = self._module_dict[name]
                raise KeyError(f'{name} is already registered in {self._name} at '
                               f'{existing.__module__}; pass force=True to replace it')
            self._module_dict[name] = module

    def register_module(self,
                        name: Optional[Union[str, List[str]]] = None,
                        force: bool = False,
                        module: Optional[Callable] = None):
        """Register a class or function, as a decorator
        (``@REG.register_module()``) or a call (``REG.register_module(module=C)``).
        ``name`` may be a str or a list of aliases; ``force`` replaces an
        existing entry."""
        if not isinstance(force, bool):
            raise TypeError(f'force must be a boolean, but got {type(force)}')
        if not (name is None or isinstance(name, str) or is_seq_of(name, str)):
            raise TypeError('name must be None, an instance of str, or a sequence of str, but '
                            f'got {type(name)}')
        if module is not None:
            self._register_module(module, name, force)
            return module

        def _register(module):
            self._register_module(module, name, force)
            return module

        return _register

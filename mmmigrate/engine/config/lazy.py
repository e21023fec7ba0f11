"""``LazyObject`` and ``LazyAttr`` (``mmengine.config.lazy``): what an
``import`` in a pure-Python (``read_base``) config becomes. Nothing is
imported while the config is read; a ``ConfigDict`` builds (imports) the
object when the value is read, and ``Config.to_dict()`` keeps it lazy."""
import importlib
from typing import Any, Optional, Union


class LazyObject:
    """``LazyObject('torch.optim', 'SGD')`` stands for ``from torch.optim
    import SGD``; ``LazyObject('mmdet')`` for ``import mmdet as ...``;
    ``LazyObject(['mmdet.models', 'mmdet.apis'])`` for ``import
    mmdet.models, mmdet.apis`` (building imports them all and gives
    ``mmdet``). Attributes chain into ``LazyAttr``."""

    def __init__(self, module: Union[str, list, tuple], imported: Optional[str] = None,
                 location: Optional[str] = None):
        if not isinstance(module, str) and not (
                isinstance(module, (list, tuple)) and all(isinstance(m, str) for m in module)):
            raise TypeError(f'module should be `str`, `list`, or `tuple`, got {type(module)}')
        if imported is not None and not isinstance(imported, str):
            raise TypeError(f'imported should be `str` or None, got {type(imported)}')
        self._module = module
        self._imported = imported
        self.location = location

    def build(self) -> Any:
        """Import the module (and take the name) now."""
        if isinstance(self._module, str):
            try:
                module = importlib.import_module(self._module)
            except Exception as e:
                raise type(e)(f'Failed to import {self._module} in {self.location} for {e}')
            if self._imported is None:
                return module
            if not hasattr(module, self._imported):
                raise ImportError(f'Failed to import {self._imported} from {self._module} in '
                                  f'{self.location}')
            return getattr(module, self._imported)
        try:
            for name in self._module:
                importlib.import_module(name)
            return importlib.import_module(self._module[0].split('.')[0])
        except Exception as e:
            raise type(e)(f'Failed to import {self.module} in {self.location} for {e}')

    @property
    def module(self) -> str:
        if isinstance(self._module, str):
            return self._module
        return self._module[0].split('.')[0]

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f'{self} is imported lazily in a config and cannot be called there; '
                           'build the config value first')

    def __deepcopy__(self, memo):
        return LazyObject(self._module, self._imported, self.location)

    def __getattr__(self, name: str) -> 'LazyAttr':
        if name.startswith('__') or name in ('_module', '_imported', 'location'):
            raise AttributeError(name)  # copy/pickle probes, and unset fields
        location = self.location.split(', line')[0] if self.location is not None else None
        return LazyAttr(name, self, location)

    def __str__(self) -> str:
        return self._imported if self._imported is not None else self.module

    __repr__ = __str__

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, state):
        self.__dict__ = state


class LazyAttr:
    """An attribute of a ``LazyObject`` (``torch.optim.SGD`` after
    ``import torch``), itself lazy."""

    def __init__(self, name: str, source: Union[LazyObject, 'LazyAttr'], location=None):
        self.name = name
        self.source = source
        if isinstance(source, LazyObject):
            if isinstance(source._module, str):
                self._module = (source._module if source._imported is None
                                else f'{source._module}.{source}')
            else:
                self._module = str(source)
        else:
            self._module = f'{source._module}.{source.name}'
        self.location = location

    @property
    def module(self) -> str:
        return self._module

    def __call__(self, *args, **kwargs: Any) -> Any:
        raise RuntimeError(f'{self._module}.{self.name} is imported lazily in a config and '
                           'cannot be called there; build the config value first')

    def __getattr__(self, name: str) -> 'LazyAttr':
        if name.startswith('__') or name in ('name', 'source', '_module', 'location'):
            raise AttributeError(name)
        return LazyAttr(name, self)

    def __deepcopy__(self, memo):
        return LazyAttr(self.name, self.source)

    def build(self) -> Any:
        obj = self.source.build()
        try:
            return getattr(obj, self.name)
        except AttributeError:
            raise ImportError(f'Failed to import {self.module}.{self.name} in '
                              f'{self.location}') from None

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__

    def __getstate__(self):
        return self.__dict__

    def __setstate__(self, state):
        self.__dict__ = state


def is_lazy(value) -> bool:
    return isinstance(value, (LazyObject, LazyAttr))

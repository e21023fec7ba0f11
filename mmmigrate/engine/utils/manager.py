"""Named global instances (``ManagerMixin``), as MMEngine's ``MessageHub``,
``MMLogger`` and ``DefaultScope`` use them: ``get_instance(name)`` creates or
returns the instance of that name, ``get_current_instance()`` the newest one."""
import inspect
import threading
import warnings
from typing import TypeVar
from collections import OrderedDict

_lock = threading.RLock()
T = TypeVar('T')  # MMEngine's name for the managed type


class ManagerMeta(type):
    """Gives every managed class its own instance table and checks that its
    constructor takes a ``name``."""

    def __init__(cls, *args):
        cls._instance_dict = OrderedDict()
        params = inspect.getfullargspec(cls).args or []
        if 'name' not in params:
            raise TypeError(f'{cls.__name__} must accept a `name` argument '
                            'to be managed by ManagerMixin')
        super().__init__(*args)


class ManagerMixin(metaclass=ManagerMeta):
    """Mixin that keeps every instance of a class reachable by name."""

    def __init__(self, name: str = '', **kwargs):
        if not isinstance(name, str) or not name:
            raise ValueError('name must be a non-empty string')
        self._instance_name = name

    @classmethod
    def get_instance(cls, name: str, **kwargs):
        """Return the instance called ``name``, creating it with ``kwargs``
        the first time."""
        if not isinstance(name, str):
            raise TypeError(f'name must be a str, got {type(name).__name__}')
        with _lock:
            instances = cls._instance_dict
            if name not in instances:
                instances[name] = cls(name=name, **kwargs)
            elif kwargs:
                warnings.warn(
                    f'{cls.__name__} instance {name!r} already exists; '
                    'the extra arguments of get_instance are ignored')
            return instances[name]

    @classmethod
    def get_current_instance(cls):
        """Return the most recently created instance."""
        with _lock:
            if not cls._instance_dict:
                raise RuntimeError(
                    f'Call {cls.__name__}.get_instance(name=...) before '
                    f'{cls.__name__}.get_current_instance()')
            return cls._instance_dict[next(reversed(cls._instance_dict))]

    @classmethod
    def check_instance_created(cls, name: str) -> bool:
        return name in cls._instance_dict

    @property
    def instance_name(self) -> str:
        return self._instance_name

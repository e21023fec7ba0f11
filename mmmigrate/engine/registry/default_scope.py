"""``DefaultScope``: which package's registries ``build`` looks in first
(``default_scope='mmdet'`` in a config makes ``type='RetinaNet'`` resolve in
mmdet's child registry)."""
import copy
import itertools
import logging
from contextlib import contextmanager
from typing import Optional

from ..utils.manager import ManagerMixin, _lock

_overwrite_ids = itertools.count()


class DefaultScope(ManagerMixin):

    def __init__(self, name: str, scope_name: str):
        super().__init__(name)
        if not isinstance(scope_name, str):
            raise TypeError(f'scope_name must be a str, got {scope_name!r}')
        self._scope_name = scope_name

    @property
    def scope_name(self) -> str:
        return self._scope_name

    @classmethod
    def get_current_instance(cls) -> Optional['DefaultScope']:
        with _lock:
            return super().get_current_instance() if cls._instance_dict else None

    @classmethod
    @contextmanager
    def overwrite_default_scope(cls, scope_name: Optional[str]):
        """Make ``scope_name`` the default scope inside the ``with`` block."""
        if scope_name is None:
            yield
            return
        saved = copy.copy(cls._instance_dict)
        cls.get_instance(f'overwrite-{next(_overwrite_ids)}', scope_name=scope_name)
        try:
            yield
        finally:
            cls._instance_dict = saved


def init_default_scope(scope: str) -> None:
    """Set the default scope to ``scope`` (a no-op when it already is)."""
    current = DefaultScope.get_current_instance()
    if current is None or not DefaultScope.check_instance_created(scope):
        DefaultScope.get_instance(scope, scope_name=scope)
    elif current.scope_name != scope:
        from ..logging import print_log
        print_log(f'The current default scope "{current.scope_name}" is not "{scope}", '
                  f'`init_default_scope` will force set the current default scope to '
                  f'"{scope}".', logger='current', level=logging.WARNING)
        DefaultScope.get_instance(f'{scope}-{next(_overwrite_ids)}', scope_name=scope)

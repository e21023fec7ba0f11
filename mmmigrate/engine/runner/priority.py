"""``mmengine.runner.priority``: where MMEngine keeps hook priorities (the
engine defines them beside the hooks, ``hooks/priority.py``)."""
from ..hooks.priority import Priority, get_priority

__all__ = ['Priority', 'get_priority']

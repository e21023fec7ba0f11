"""Hook priorities: lower values run first (``mmengine.runner.Priority``)."""
from enum import Enum
from typing import Union


class Priority(Enum):
    HIGHEST = 0
    VERY_HIGH = 10
    HIGH = 30
    ABOVE_NORMAL = 40
    NORMAL = 50
    BELOW_NORMAL = 60
    LOW = 70
    VERY_LOW = 90
    LOWEST = 100


def get_priority(priority: Union[int, str, Priority]) -> int:
    """The numeric value of a priority given as int (0-100), name or enum."""
    if isinstance(priority, bool):
        raise TypeError('priority must be an integer or Priority enum value (or its name), got '
                        f'{priority!r}')
    if isinstance(priority, int):
        if not 0 <= priority <= 100:
            raise ValueError(f'priority must be between 0 and 100, got {priority}')
        return priority
    if isinstance(priority, Priority):
        return priority.value
    if isinstance(priority, str):
        try:
            return Priority[priority.upper()].value
        except KeyError:
            raise ValueError(f'unknown priority {priority!r}; use one of '
                             f'{[p.name for p in Priority]} or an int 0-100') from None
    raise TypeError('priority must be an integer or Priority enum value (or its name), got '
                        f'{priority!r}')

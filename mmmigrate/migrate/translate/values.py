"""The value trees the translator works on, and the findings it returns.

A legacy config value is read into plain dicts, lists, tuples and literals.
Anything that cannot be evaluated without running the config (a call, a
name bound to a function, an f-string, ...) becomes an :class:`Opaque` leaf
holding its source text: it is carried over unchanged where it is only
copied, and a decision that needs its value becomes a finding."""
from dataclasses import dataclass, field
from typing import Any, List, Optional


@dataclass(frozen=True)
class Opaque:
    """An expression the translator cannot evaluate statically."""
    source: str
    line: Optional[int] = field(default=None, compare=False)

    def __repr__(self) -> str:
        return self.source


@dataclass(frozen=True)
class Folded(Opaque):
    """A string expression of names the reader knows
    (``data_root + 'train.json'``, ``f'cycle_{domain}'``): carried over as
    written, and written out as its value where the names are not defined
    (a key moved to a config that combines bases)."""
    value: str = field(default='', compare=False)
    names: frozenset = field(default=frozenset(), compare=False)


class BuiltOptimizer(Opaque):
    """An optimizer object a training script built itself (``optimizer=``
    of an MMCV runner): MMEngine accepts it as ``optim_wrapper.optimizer``."""


def is_opaque(value: Any) -> bool:
    """True when ``value`` or anything inside it is an :class:`Opaque` leaf."""
    if isinstance(value, Opaque):
        return True
    if isinstance(value, dict):
        return any(is_opaque(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_opaque(v) for v in value)
    return False


class _Named:
    """Mixin for a value read through a variable (``max_epochs=max_epochs``):
    it behaves as the value, and the writer prints the variable's name
    again where the variable is still defined."""
    variable: str = ''


class NamedInt(_Named, int):
    pass


class NamedFloat(_Named, float):
    pass


class NamedStr(_Named, str):
    pass


class NamedList(_Named, list):
    pass


class NamedDict(_Named, dict):
    pass


class NamedTuple(_Named, tuple):
    pass


_NAMED_TYPES = {int: NamedInt, float: NamedFloat, str: NamedStr, list: NamedList,
                dict: NamedDict, tuple: NamedTuple}


class SpelledFloat(float):
    """A float read from source that remembers how it was written
    (``1e-4``), so a rewrite writes it back that way, not as ``0.0001``.
    Arithmetic on it gives a plain float."""
    spelling: str = ''


_NAMED_TYPES[SpelledFloat] = NamedFloat


def named(value, variable: str):
    """``value`` marked as read from ``variable``, so that an unchanged copy
    is written as the name again (``pipeline=train_pipeline``). A
    translator that changes a container builds a new one (``dict(value)``),
    which carries no name."""
    kind = _NAMED_TYPES.get(type(value))
    if kind is None:
        return value
    out = kind(value)
    out.variable = variable
    return out


def variable_of(value) -> str:
    return value.variable if isinstance(value, _Named) else ''


def merge(base, child, has_delete: bool = True):
    """MMCV's Config merge of a child value over a base value
    (``has_delete=False``: the child holds no ``_delete_``, skip looking)."""
    if isinstance(base, dict) and isinstance(child, dict):
        if child.get('_delete_'):
            return {k: v for k, v in child.items() if k != '_delete_'}
        out = dict(base)
        for key, value in child.items():
            if key in base:
                out[key] = merge(base[key], value, has_delete)
            else:
                out[key] = strip_delete(value) if has_delete else value
        return out
    return strip_delete(child) if has_delete else child


def strip_delete(value):
    if isinstance(value, dict):
        return {k: strip_delete(v) for k, v in value.items() if k != '_delete_'}
    return value


SEVERITIES = ('info', 'warning', 'error')


@dataclass
class Finding:
    """One change the tool made, or one thing it could not carry over.

    ``rule`` is a stable id (documented in docs/config.md) that users can
    grep for and suppress; ``key`` is the legacy config key concerned;
    ``deviation`` is the largest difference the output leaves in a
    trained quantity, where one was measured (e.g. absolute lr)."""
    rule: str
    severity: str
    key: str
    message: str
    line: Optional[int] = None
    deviation: Optional[float] = None
    file: Optional[str] = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f'severity must be one of {SEVERITIES}, got {self.severity!r}')

    def as_dict(self) -> dict:
        out = dict(rule=self.rule, severity=self.severity, key=self.key,
                   message=self.message)
        for name in ('file', 'line', 'deviation'):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out


@dataclass
class Translation:
    """New config keys (in the order they should appear), legacy keys that
    they replace, and the findings made on the way."""
    new: dict = field(default_factory=dict)
    removed: List[str] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)

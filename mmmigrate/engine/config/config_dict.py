"""``ConfigDict``: a dict whose keys are also attributes, recursively."""
import copy
from collections import OrderedDict

from .lazy import LazyAttr, LazyObject

DELETE_KEY = '_delete_'


class ConfigDict(dict):
    """A ``dict`` with attribute access (``cfg.model.type``). Plain dicts
    assigned into it (also inside lists and tuples) become ConfigDicts;
    other dict subclasses are kept as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    @classmethod
    def _hook(cls, item):
        if type(item) in (dict, OrderedDict):
            return cls(item)
        if isinstance(item, (list, tuple)) and type(item) in (list, tuple):
            return type(item)(cls._hook(elem) for elem in item)
        return item

    def __setitem__(self, key, value):
        super().__setitem__(key, self._hook(value))

    @staticmethod
    def build_lazy(value):
        """A lazily imported value (of a ``read_base`` config) imported now;
        any other value as it is. Reading a ConfigDict goes through this,
        so it never hands out a ``LazyObject``; ``to_dict()`` keeps them."""
        if isinstance(value, (LazyObject, LazyAttr)):
            return value.build()
        return value

    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        if isinstance(value, (LazyObject, LazyAttr)):
            return value.build()
        return value

    def values(self) -> list:
        return [self.build_lazy(value) for value in dict.values(self)]

    def items(self) -> list:
        return [(key, self.build_lazy(value)) for key, value in dict.items(self)]

    def __eq__(self, other) -> bool:
        # As MMEngine compares: two ConfigDicts by their plain form (lazy
        # imports as import paths), a dict by the values read (built).
        if isinstance(other, ConfigDict):
            return other.to_dict() == self.to_dict()
        if isinstance(other, dict):
            return dict(self.items()) == other
        return False

    def __ne__(self, other) -> bool:
        return not self == other

    __hash__ = None

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute '{name}'") from None

    def __setattr__(self, name, value):
        self[name] = value

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return list(super().__dir__()) + [k for k in self if isinstance(k, str)]

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def get(self, key, default=None):
        return self.build_lazy(super().get(key, default))

    def pop(self, key, default=None):
        return self.build_lazy(super().pop(key, default))

    def update(self, *args, **kwargs) -> None:
        """Update recursively: a dict value merges into an existing dict
        value instead of replacing it (MMEngine's ConfigDict semantics)."""
        if len(args) > 1:
            raise TypeError('update accepts at most one positional argument')
        other = dict(*args, **kwargs)
        for key, value in dict.items(other):
            if key in self and isinstance(self[key], dict) and isinstance(value, dict):
                self[key].update(value)
            else:
                self[key] = value

    def __copy__(self):
        other = type(self)()
        dict.update(other, self)
        return other

    copy = __copy__

    def __deepcopy__(self, memo):
        other = type(self)()
        memo[id(self)] = other
        for key, value in dict.items(self):
            dict.__setitem__(other, copy.deepcopy(key, memo), copy.deepcopy(value, memo))
        return other

    def __reduce_ex__(self, proto):
        return (type(self), (dict(self), ))

    def to_dict(self) -> dict:
        """A deep copy made of plain dicts, lists and tuples; a lazily
        imported value becomes its import path (``'torch.optim.SGD'``)."""
        return lazy_to_string(to_plain(self))

    def _to_lazy_dict(self) -> dict:
        """``to_dict`` with lazily imported values kept as they are."""
        return to_plain(self)

    def merge(self, other: dict) -> None:
        """Merge ``other`` into this dict; ``_delete_=True`` in a sub-dict of
        ``other`` replaces instead of merging."""
        merged = merge_dicts(copy.deepcopy(dict(other)), copy.deepcopy(dict(self)))
        self.clear()
        for key, value in merged.items():
            self[key] = value


def to_plain(value):
    """Convert ConfigDicts (recursively) to plain dicts (lazily imported
    values stay lazy)."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in dict.items(value)}
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return type(value)(to_plain(v) for v in value)
    return value


def lazy_to_string(value):
    """Lazily imported values (in plain dicts, lists, tuples) as their
    import paths."""
    if isinstance(value, dict):
        return {k: lazy_to_string(v) for k, v in value.items()}
    if type(value) in (list, tuple):
        return type(value)(lazy_to_string(v) for v in value)
    if isinstance(value, (LazyObject, LazyAttr)):
        return f'{value.module}.{value}'
    return value


def merge_dicts(a: dict, b, allow_list_keys: bool = False):
    """Return ``b`` updated with ``a`` recursively (``a`` wins).

    A dict in ``a`` with ``_delete_=True`` replaces the value in ``b`` instead
    of merging into it. With ``allow_list_keys``, digit keys of ``a`` index
    into a list in ``b`` (``{'1': dict(lr=0.1)}`` merges into item 1).
    """
    out = list(b) if isinstance(b, list) else dict(b)
    for key, value in dict.items(a):
        if allow_list_keys and isinstance(out, list) and str(key).isdigit():
            index = int(key)
            if index >= len(out):
                raise IndexError(f'index {index} is out of range for a list of '
                                 f'length {len(out)}: {out!r}')
            out[index] = (merge_dicts(value, out[index], allow_list_keys)
                          if isinstance(value, dict) and isinstance(out[index], (dict, list))
                          else value)
        elif isinstance(value, dict):
            value = dict(value)
            # MMEngine reads `_delete_` only where the key exists in `b`; a
            # new key keeps its dict (and any `_delete_` in it) as written.
            if key in out and not value.pop(DELETE_KEY, False):
                allowed = (dict, list) if allow_list_keys else dict
                if not isinstance(out[key], allowed):
                    raise TypeError(
                        f'{key}={value!r} is a dict in the child config but '
                        f'{type(out[key]).__name__} in the base config; set '
                        f'`{DELETE_KEY}=True` in the child to replace it')
                out[key] = merge_dicts(value, out[key], allow_list_keys)
            else:
                out[key] = value
        else:
            out[key] = value
    return out


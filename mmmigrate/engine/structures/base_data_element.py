"""``BaseDataElement``: a sample's data (tensors, annotations, predictions)
plus its meta information, moved between devices as a unit."""
import copy
from typing import Any, Iterator, Optional, Tuple

_PRIVATE = ('_metainfo_fields', '_data_fields')


class BaseDataElement:
    """Holds two kinds of fields, set as attributes:

    - *metainfo* (``metainfo=dict(img_shape=..., ...)``): facts about the
      sample, never moved or converted;
    - *data* (keyword arguments or attribute assignment): tensors and other
      values that ``to()``, ``cpu()``, ``cuda()``, ``detach()``,
      ``numpy()`` and ``to_tensor()`` convert.
    A name belongs to one kind only.
    """

    def __init__(self, *, metainfo: Optional[dict] = None, **kwargs) -> None:
        self._metainfo_fields: set = set()
        self._data_fields: set = set()
        if metainfo is not None:
            self.set_metainfo(metainfo)
        if kwargs:
            self.set_data(kwargs)

    def set_metainfo(self, metainfo: dict) -> None:
        assert isinstance(metainfo, dict), f'metainfo must be a dict, got {type(metainfo)}'
        for key, value in copy.deepcopy(metainfo).items():
            self.set_field(name=key, value=value, field_type='metainfo')

    def set_data(self, data: dict) -> None:
        assert isinstance(data, dict), f'data must be a dict, got {type(data)}'
        for key, value in data.items():
            setattr(self, key, value)  # through property setters when defined

    def update(self, instance: 'BaseDataElement') -> None:
        assert isinstance(instance, BaseDataElement), \
            f'update() needs a BaseDataElement, got {type(instance)}'
        self.set_metainfo(dict(instance.metainfo_items()))
        self.set_data(dict(instance.items()))

    def new(self, *, metainfo: Optional[dict] = None, **kwargs) -> 'BaseDataElement':
        """A new element of the same type: ``metainfo`` (or else this
        element's metainfo) and ``kwargs`` as data (or else this element's)."""
        new = type(self)()
        new.set_metainfo(metainfo if metainfo is not None else dict(self.metainfo_items()))
        new.set_data(kwargs if kwargs else dict(self.items()))
        return new

    def clone(self) -> 'BaseDataElement':
        clone = type(self)()
        clone.set_metainfo(dict(self.metainfo_items()))
        clone.set_data(dict(self.items()))
        return clone

    def keys(self) -> list:
        # A property `foo` stores its value in the data field `_foo`.
        hidden = {'_' + key for key in self._data_fields
                  if isinstance(getattr(type(self), key, None), property)}
        return list(self._data_fields - hidden)

    def metainfo_keys(self) -> list:
        return list(self._metainfo_fields)

    def values(self) -> list:
        return [getattr(self, k) for k in self.keys()]

    def metainfo_values(self) -> list:
        return [getattr(self, k) for k in self.metainfo_keys()]

    def all_keys(self) -> list:
        return self.metainfo_keys() + self.keys()

    def all_values(self) -> list:
        return self.metainfo_values() + self.values()

    def all_items(self) -> Iterator[Tuple[str, Any]]:
        for key in self.all_keys():
            yield key, getattr(self, key)

    def items(self) -> Iterator[Tuple[str, Any]]:
        for key in self.keys():
            yield key, getattr(self, key)

    def metainfo_items(self) -> Iterator[Tuple[str, Any]]:
        for key in self.metainfo_keys():
            yield key, getattr(self, key)

    @property
    def metainfo(self) -> dict:
        return dict(self.metainfo_items())

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _PRIVATE:
            if hasattr(self, name):
                raise AttributeError(f'{name} is a private attribute and cannot be changed')
            object.__setattr__(self, name, value)
        else:
            self.set_field(name=name, value=value, field_type='data')

    def __delattr__(self, item: str) -> None:
        if item in _PRIVATE:
            raise AttributeError(f'{item} is a private attribute and cannot be deleted')
        object.__delattr__(self, item)
        self._metainfo_fields.discard(item)
        self._data_fields.discard(item)

    __delitem__ = __delattr__

    def get(self, key: str, default=None) -> Any:
        return getattr(self, key, default)

    def pop(self, *args) -> Any:
        assert len(args) < 3, 'pop() takes at most 2 arguments'
        name = args[0]
        for fields in (self._metainfo_fields, self._data_fields):
            if name in fields:
                fields.remove(name)
                return self.__dict__.pop(*args)
        if len(args) == 2:
            return args[1]
        raise KeyError(f'{name} is not contained in metainfo or data')

    def __contains__(self, item: str) -> bool:
        return item in self._data_fields or item in self._metainfo_fields

    def set_field(self, value: Any, name: str, dtype=None, field_type: str = 'data') -> None:
        assert field_type in ('metainfo', 'data'), \
            f'field_type must be "metainfo" or "data", got {field_type!r}'
        if dtype is not None:
            assert isinstance(value, dtype), f'{name} must be a {dtype}, got {type(value)}'
        if field_type == 'metainfo':
            if name in self._data_fields:
                raise AttributeError(f'cannot make {name} a metainfo field: it is a data field')
            self._metainfo_fields.add(name)
        else:
            if name in self._metainfo_fields:
                raise AttributeError(f'cannot make {name} a data field: it is a metainfo field')
            self._data_fields.add(name)
        object.__setattr__(self, name, value)

    def _convert(self, convert, applies) -> 'BaseDataElement':
        # Fields that `applies` rejects are carried over unchanged.
        new = self.new()
        for key, value in self.items():
            if applies(value):
                new.set_data({key: convert(value)})
        return new

    def _convert_tensors(self, convert) -> 'BaseDataElement':
        import torch
        return self._convert(convert, lambda v: isinstance(v, (torch.Tensor, BaseDataElement)))

    def to(self, *args, **kwargs) -> 'BaseDataElement':
        return self._convert(lambda v: v.to(*args, **kwargs), lambda v: hasattr(v, 'to'))

    def cpu(self) -> 'BaseDataElement':
        return self._convert_tensors(lambda v: v.cpu())

    def cuda(self) -> 'BaseDataElement':
        return self._convert_tensors(lambda v: v.cuda())

    def npu(self) -> 'BaseDataElement':
        return self._convert_tensors(lambda v: v.npu())

    def mlu(self) -> 'BaseDataElement':
        return self._convert_tensors(lambda v: v.mlu())

    def musa(self) -> 'BaseDataElement':
        return self._convert_tensors(lambda v: v.musa())

    def detach(self) -> 'BaseDataElement':
        return self._convert_tensors(lambda v: v.detach())

    def numpy(self) -> 'BaseDataElement':
        return self._convert_tensors(lambda v: v.detach().cpu().numpy())

    def to_tensor(self) -> 'BaseDataElement':
        import numpy as np
        import torch

        def convert(v):
            return v.to_tensor() if isinstance(v, BaseDataElement) else torch.from_numpy(v)
        return self._convert(convert, lambda v: isinstance(v, (np.ndarray, BaseDataElement)))

    def to_dict(self) -> dict:
        return {k: v.to_dict() if isinstance(v, BaseDataElement) else v
                for k, v in self.all_items()}

    def __repr__(self) -> str:
        return _dump(self)


def _indent(text: str, spaces: int) -> str:
    """Indents every line of ``text`` but the first."""
    first, *rest = text.split('\n')
    return '\n'.join([first] + [' ' * spaces + line for line in rest])


def _dump(obj: Any) -> str:
    # MMEngine's layout: a blank line before each section header, one
    # `key: value` line per field, nested elements indented by four.
    if isinstance(obj, dict):
        return ''.join(f'\n{key}: {_indent(_dump(value), 4)}' for key, value in obj.items())
    if isinstance(obj, BaseDataElement):
        body = ('\n\n    META INFORMATION' + _indent(_dump(dict(obj.metainfo_items())), 4)
                + '\n\n    DATA FIELDS' + _indent(_dump(dict(obj.items())), 4))
        return f'<{type(obj).__name__}({body}\n) at {hex(id(obj))}>'
    return repr(obj)

"""Small type checks and helpers with MMEngine's names (``mmengine.utils``)."""
import importlib
import os
import os.path as osp
import re
from collections import abc
from contextlib import nullcontext
from typing import Any, Callable, Optional, Type

# The context manager that does nothing. ``OptimWrapper.optim_context``
# returns this very object when it has nothing to enter, so that a caller
# on the per-iteration path can skip the ``with`` (nullcontext's
# ``__enter__`` and ``__exit__`` are two Python calls).
NO_CONTEXT = nullcontext()


def is_str(x) -> bool:
    return isinstance(x, str)


def is_seq_of(seq: Any, expected_type, seq_type: Optional[Type] = None) -> bool:
    """True when ``seq`` is a sequence (of ``seq_type`` if given) whose items
    are all instances of ``expected_type``."""
    exp_seq_type = abc.Sequence if seq_type is None else seq_type
    if not isinstance(seq, exp_seq_type):
        return False
    return all(isinstance(item, expected_type) for item in seq)


def is_list_of(seq, expected_type) -> bool:
    return is_seq_of(seq, expected_type, seq_type=list)


def is_tuple_of(seq, expected_type) -> bool:
    return is_seq_of(seq, expected_type, seq_type=tuple)


def iter_cast(inputs, dst_type, return_type=None):
    if not isinstance(inputs, abc.Iterable):
        raise TypeError('inputs must be an iterable object')
    if not isinstance(dst_type, type):
        raise TypeError('"dst_type" must be a valid type')
    out = map(dst_type, inputs)
    return out if return_type is None else return_type(out)


def list_cast(inputs, dst_type):
    return iter_cast(inputs, dst_type, return_type=list)


def tuple_cast(inputs, dst_type):
    return iter_cast(inputs, dst_type, return_type=tuple)


def slice_list(in_list, lens):
    if isinstance(lens, int):
        if len(in_list) % lens != 0:
            raise ValueError('list length must be divisible by lens')
        lens = [lens] * (len(in_list) // lens)
    if sum(lens) != len(in_list):
        raise ValueError('sum of lens and list length does not match')
    out, start = [], 0
    for n in lens:
        out.append(in_list[start:start + n])
        start += n
    return out


def concat_list(in_list):
    return [item for sub in in_list for item in sub]


def digit_version(version_str: str, length: int = 4) -> tuple:
    """A comparable tuple for a PEP 440 version string such as '2.13.0+cpu'
    or '1.0rc1' (pre-releases sort before the release)."""
    match = re.match(r'^\s*v?(\d+(?:\.\d+)*)(?:(a|b|rc)(\d*))?', version_str)
    if not match:
        raise ValueError(f'cannot parse version {version_str!r}')
    numbers = [int(x) for x in match.group(1).split('.')][:length]
    numbers += [0] * (length - len(numbers))
    pre_rank = {'a': -3, 'b': -2, 'rc': -1}
    if match.group(2):
        numbers += [pre_rank[match.group(2)], int(match.group(3) or 0)]
    else:
        numbers += [0, 0]
    return tuple(numbers)


def import_modules_from_strings(imports, allow_failed_imports=False):
    """Import each module named in ``imports`` (a str or a list of str) and
    return the module objects (``None`` for failures that are allowed)."""
    if not imports:
        return None
    single = isinstance(imports, str)
    if single:
        imports = [imports]
    if not isinstance(imports, list):
        raise TypeError(
            f'custom_imports must be a str or a list of str, got {type(imports).__name__}')
    modules = []
    for name in imports:
        if not isinstance(name, str):
            raise TypeError(f'{name!r} is of type {type(name).__name__}, expected a module name (str)')
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            if not allow_failed_imports:
                raise
            import warnings
            warnings.warn(f'{name} failed to import and is ignored.', UserWarning)
            modules.append(None)
    return modules[0] if single else modules


def mkdir_or_exist(dir_name: str, mode: int = 0o777) -> None:
    if dir_name == '':
        return
    os.makedirs(osp.expanduser(dir_name), mode=mode, exist_ok=True)


def check_file_exist(filename: str, msg_tmpl: str = 'file "{}" does not exist'):
    if not osp.isfile(filename):
        raise FileNotFoundError(msg_tmpl.format(filename))


def is_filepath(x) -> bool:
    return isinstance(x, (str, os.PathLike))


def has_method(obj: object, method: str) -> bool:
    return hasattr(obj, method) and callable(getattr(obj, method))


def is_method_overridden(method: str, base_class: type, derived_class) -> bool:
    """Whether ``derived_class`` (a class or an instance) overrides
    ``base_class.method``."""
    if not isinstance(derived_class, type):
        derived_class = derived_class.__class__
    return getattr(derived_class, method) is not getattr(base_class, method)


def apply_to(data: Any, expr: Callable, apply_func: Callable):
    """Apply ``apply_func`` to every leaf of nested dicts/lists/tuples for
    which ``expr(leaf)`` is true, keeping the container types."""
    if isinstance(data, dict):
        out = type(data)()
        for key, value in data.items():
            out[key] = apply_to(value, expr, apply_func)
        return out
    if isinstance(data, tuple) and hasattr(data, '_fields'):
        return type(data)(*(apply_to(v, expr, apply_func) for v in data))
    if isinstance(data, (tuple, list)):
        return type(data)(apply_to(v, expr, apply_func) for v in data)
    if expr(data):
        return apply_func(data)
    return data


def get_object_from_string(obj_name: str):
    """Resolve a dotted path such as ``'torch.optim.SGD'`` to the object, or
    return None when it does not resolve."""
    parts = iter(obj_name.split('.'))
    module_name = next(parts)
    module = None
    while True:
        try:
            module = importlib.import_module(module_name)
            part = next(parts)
            module_name = f'{module_name}.{part}'
        except StopIteration:
            return module
        except ImportError:
            break
    if module is None:
        return None
    obj = module
    try:
        obj = getattr(obj, part)
        for part in parts:
            obj = getattr(obj, part)
    except AttributeError:
        return None
    return obj


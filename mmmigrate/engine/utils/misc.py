"""Small type checks, casts and decorators (``mmengine.utils.misc``):
``is_seq_of`` and friends, ``to_ntuple``, ``deprecated_api_warning``,
``check_prerequisites`` / ``requires_package`` / ``requires_executable``."""
import functools
import importlib
import shutil
import warnings
from collections import abc
from importlib import import_module
from inspect import getfullargspec
from itertools import repeat
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


def to_ntuple(n: int) -> Callable:
    """A function turning a scalar into an ``n``-tuple of it (iterables are
    returned as they are)."""
    def parse(x):
        return x if isinstance(x, abc.Iterable) else tuple(repeat(x, n))
    return parse


to_1tuple, to_2tuple, to_3tuple, to_4tuple = (to_ntuple(n) for n in (1, 2, 3, 4))


def deprecated_api_warning(name_dict: dict, cls_name: Optional[str] = None) -> Callable:
    """Decorate a function whose keyword arguments were renamed
    (``{old: new}``): a call with an old keyword warns (DeprecationWarning)
    and passes the value under the new one; giving both is an error. An old
    name passed positionally only warns."""
    def decorate(function):
        spec = getfullargspec(function)
        label = f'{cls_name}.{function.__name__}' if cls_name else function.__name__

        @functools.wraps(function)
        def call(*args, **kwargs):
            positional = spec.args[:len(args)]
            for old, new in name_dict.items():
                if old in positional or old in kwargs:
                    warnings.warn(f'"{old}" is deprecated in `{label}`, please use "{new}" '
                                  'instead', DeprecationWarning)
                if old in kwargs:
                    if new in kwargs:
                        raise ValueError(f'`{label}` got both the deprecated argument '
                                         f'`{old}` and its new name `{new}`: pass only '
                                         f'`{new}`')
                    kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)
        return call
    return decorate


def check_prerequisites(prerequisites, checker: Callable,
                        msg_tmpl: str = 'Prerequisites "{}" are required in method "{}" but '
                                        'not found, please install them first.') -> Callable:
    """Decorate a function so that it first checks ``prerequisites`` (a
    str or a list) with ``checker``; missing ones are printed and raise
    RuntimeError."""
    wanted = [prerequisites] if isinstance(prerequisites, str) else list(prerequisites)

    def decorate(function):
        @functools.wraps(function)
        def call(*args, **kwargs):
            missing = [item for item in wanted if not checker(item)]
            if missing:
                print(msg_tmpl.format(', '.join(missing), function.__name__))
                raise RuntimeError('Prerequisites not meet.')
            return function(*args, **kwargs)
        return call
    return decorate


def _importable(package: str) -> bool:
    try:
        import_module(package)
    except ImportError:
        return False
    return True


def requires_package(prerequisites) -> Callable:
    """``check_prerequisites`` for Python packages."""
    return check_prerequisites(prerequisites, checker=_importable)


def requires_executable(prerequisites) -> Callable:
    """``check_prerequisites`` for programs on the PATH."""
    return check_prerequisites(prerequisites, checker=lambda cmd: shutil.which(cmd) is not None)


def deprecated_function(since: str, removed_in: str, instructions: str) -> Callable:
    """Decorate a function that will be removed: calling it warns
    (DeprecationWarning) and its docstring gains a deprecation note."""
    def decorate(function):
        message = (f"'{function.__module__}.{function.__name__}' is deprecated in version "
                   f"{since} and will be removed in version {removed_in}. Please "
                   f"{instructions}.")

        @functools.wraps(function)
        def call(*args, **kwargs):
            import logging

            from ..logging import print_log
            print_log(message, logger='current', level=logging.WARNING)
            return function(*args, **kwargs)
        note = f'.. deprecated:: {since}\n    {message}'
        call.__doc__ = f'{function.__doc__ or ""}\n\n{note}\n' if function.__doc__ else note
        return call
    return decorate

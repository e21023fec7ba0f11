"""Decorators and small helpers legacy code imports from ``mmengine.utils``:
``to_ntuple`` and friends, ``deprecated_api_warning``,
``check_prerequisites`` / ``requires_package`` / ``requires_executable``,
``get_git_hash``."""
import functools
import os
import shutil
import subprocess
import warnings
from collections import abc
from importlib import import_module
from inspect import getfullargspec
from itertools import repeat
from typing import Callable, Optional


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


def get_git_hash(fallback: str = 'unknown', digits: Optional[int] = None) -> str:
    """The commit the current directory's git repository is at ('' outside
    a repository), or ``fallback`` when git is not installed; ``digits``
    keeps its first digits."""
    if digits is not None and not isinstance(digits, int):
        raise TypeError('digits must be None or an integer')
    try:
        env = {k: v for k, v in os.environ.items() if k in ('PATH', 'HOME', 'SYSTEMROOT')}
        out = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True,
                             env=dict(env, LANG='C', LC_ALL='C', LANGUAGE='C')).stdout
    except OSError:
        return fallback
    sha = out.strip().decode('ascii')
    return sha[:digits] if digits is not None else sha


def is_installed(package: str) -> bool:
    """Whether ``package`` is installed: a distribution of that name, else
    a module of that name that exists as a file (a namespace folder alone
    does not count)."""
    import importlib.metadata
    import importlib.util
    try:
        importlib.metadata.distribution(package)
        return True
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):  # a parent package missing, or a bad name
        return False
    return spec is not None and spec.origin is not None

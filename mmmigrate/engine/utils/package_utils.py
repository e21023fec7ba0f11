"""Installed-package helpers (``mmengine.utils.package_utils``)."""
import os.path as osp
import subprocess


def package2module(package: str) -> str:
    """The top-level module a distribution installs (``mmcv-full`` -> ``mmcv``)."""
    import importlib.metadata
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        raise ValueError(f'can not infer the module name of {package}: not installed') from None
    top_level = (dist.read_text('top_level.txt') or '').split()
    if not top_level:
        raise ValueError(f'can not infer the module name of {package}')
    return top_level[0]


def call_command(cmd: list) -> None:
    """Run ``cmd``; a failing command raises ``subprocess.CalledProcessError``."""
    subprocess.check_call(cmd)


def install_package(package: str) -> None:
    """``pip install package`` with this interpreter, unless it is installed."""
    import sys
    if not is_installed(package):
        call_command([sys.executable, '-m', 'pip', 'install', package])


def get_installed_path(package: str) -> str:
    """The folder ``package`` (a distribution or module name) is installed
    in; a distribution whose module has another name (``mmcv-full`` holds
    ``mmcv``) is looked up through its top-level module."""
    import importlib.metadata
    import importlib.util
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        dist = None
    if dist is not None:
        location = str(dist.locate_file(''))
        if osp.exists(osp.join(location, package)):
            return osp.join(location, package)
        top_level = (dist.read_text('top_level.txt') or '').split()
        if top_level:
            return osp.join(location, top_level[0])
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f'package {package!r} is not installed')
    if spec.submodule_search_locations:
        return list(spec.submodule_search_locations)[0]
    return osp.dirname(spec.origin)


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

"""Small MMCV 1.x helpers MMCV 2.x and MMEngine dropped or renamed."""
import logging
import os.path as osp
from multiprocessing import Pool

from ..mmcv_shim import _served_version
from . import mmengine_module

__version__, version_info = _served_version()


def parse_version_info(version_str: str) -> tuple:
    """MMCV 1.x's: ``'1.3.0'`` -> ``(1, 3, 0)``, ``'2.0.0rc1'`` -> ``(2, 0, 0, 'rc1')``."""
    parts = []
    for part in version_str.split('.'):
        if part.isdigit():
            parts.append(int(part))
        elif 'rc' in part:
            number, _, candidate = part.partition('rc')
            parts.extend([int(number), f'rc{candidate}'])
    return tuple(parts)


def find_vcs_root(path, markers=('.git',)):
    """The nearest folder at or above ``path`` holding one of ``markers``."""
    if osp.isfile(path):
        path = osp.dirname(path)
    previous, current = None, osp.abspath(osp.expanduser(path))
    while current != previous:
        if any(osp.exists(osp.join(current, marker)) for marker in markers):
            return current
        previous, current = current, osp.split(current)[0]
    return None


def init_pool(process_num, initializer=None, initargs=None):
    if initializer is None:
        return Pool(process_num)
    if initargs is None:
        return Pool(process_num, initializer)
    if not isinstance(initargs, tuple):
        raise TypeError('"initargs" must be a tuple')
    return Pool(process_num, initializer, initargs)


def revert_sync_batchnorm(module):
    """``mmcv.cnn.utils.revert_sync_batchnorm``: MMEngine's."""
    revert = mmengine_module('model').revert_sync_batchnorm
    return revert(module)


rfsearch_logger = logging.getLogger('mmcv')  # mmcv.cnn.rfsearch.search's module logger

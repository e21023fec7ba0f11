"""MMCV 1.7.2's modules, served by the compat layer without touching
``mmcv``: ``from mmmigrate.compat.mmcv.runner import EpochBasedRunner``.
See ``mmmigrate/compat/mmcv_mirror.py``; ``mmmigrate convert`` writes these
imports for the legacy names MMEngine has no drop-in for."""
from ..mmcv_mirror import attribute as _attribute
from ..mmcv_mirror import install_finder as _install_finder

_install_finder()


def __getattr__(name: str):
    value = _attribute(__name__, name)
    globals()[name] = value
    return value

"""Helpers for configs that live in installed packages
(``mmengine.config.utils``): ``_base_ = 'mmdet::path/to/cfg.py'`` and
``Config.fromfile('mmdet::path/to/cfg.py')`` read the package's
``.mim/configs`` folder (what OpenMMLab wheels ship)."""
import ast
import os.path as osp
import re
import warnings
from typing import Tuple

from ..utils.path import check_file_exist
from .errors import ConfigParsingError
from .lazy_parsing import ImportTransformer
from .lazy_parsing import gather_absolute_imports as _gather_abs_import_lazyobj

__all__ = ['ConfigParsingError', 'ImportTransformer', 'MODULE2PACKAGE', 'PKG2PROJECT',
           'RemoveAssignFromAST',
           '_gather_abs_import_lazyobj', '_get_cfg_metainfo', '_get_external_cfg_base_path',
           '_get_external_cfg_path', '_get_package_and_cfg_path']

# The import name of each OpenMMLab package -> its distribution name.
MODULE2PACKAGE = {
    'mmcls': 'mmcls', 'mmdet': 'mmdet', 'mmdet3d': 'mmdet3d', 'mmseg': 'mmsegmentation',
    'mmaction': 'mmaction2', 'mmtrack': 'mmtrack', 'mmpose': 'mmpose', 'mmedit': 'mmedit',
    'mmocr': 'mmocr', 'mmgen': 'mmgen', 'mmfewshot': 'mmfewshot', 'mmrazor': 'mmrazor',
    'mmflow': 'mmflow', 'mmhuman3d': 'mmhuman3d', 'mmrotate': 'mmrotate',
    'mmselfsup': 'mmselfsup', 'mmyolo': 'mmyolo', 'mmpretrain': 'mmpretrain',
    'mmagic': 'mmagic',
}
PKG2PROJECT = MODULE2PACKAGE


class RemoveAssignFromAST(ast.NodeTransformer):
    """Removes the assignments to ``key`` (``_base_ = ...``) from a module."""

    def __init__(self, key: str):
        self.key = key

    def visit_Assign(self, node):
        if isinstance(node.targets[0], ast.Name) and node.targets[0].id == self.key:
            return None
        return node


def _get_cfg_metainfo(package_path: str, cfg_path: str) -> dict:
    """The entry of ``cfg_path`` in the package's ``.mim/model-index.yml``."""
    from ..fileio import load
    meta_index = load(osp.join(package_path, '.mim', 'model-index.yml'))
    models = {}
    for meta_path in meta_index['Import']:
        for model_cfg in load(osp.join(package_path, '.mim', meta_path))['Models']:
            if 'Config' not in model_cfg:
                warnings.warn(f'There is not `Config` define in {model_cfg}')
                continue
            models.setdefault(model_cfg['Config'].partition('/')[-1], model_cfg)
    if cfg_path not in models:
        raise ValueError(f'Expected configs: {models.keys()}, but got {cfg_path}')
    return models[cfg_path]


def _get_external_cfg_path(package_path: str, cfg_file: str) -> str:
    """The config file of model ``cfg_file`` (as the model index names it)."""
    cfg_file = cfg_file.split('.')[0]
    cfg_path = osp.join(package_path, _get_cfg_metainfo(package_path, cfg_file)['Config'])
    check_file_exist(cfg_path)
    return cfg_path


def _get_external_cfg_base_path(package_path: str, cfg_name: str) -> str:
    """``<package>/.mim/configs/<cfg_name>``, which must exist."""
    cfg_path = osp.join(package_path, '.mim', 'configs', cfg_name)
    check_file_exist(cfg_path)
    return cfg_path


def _get_package_and_cfg_path(cfg_path: str) -> Tuple[str, str]:
    """``'mmdet::path/cfg.py'`` -> ``('mmdet', 'path/cfg.py')`` (the
    distribution name of the package, and the path inside its configs)."""
    if re.match(r'\w*::\w*/\w*', cfg_path) is None:
        raise ValueError('an external config is named as `package::relative/path.py`, e.g. '
                         f'`mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py`; got {cfg_path!r}')
    parts = cfg_path.split('::')
    if len(parts) > 2:
        raise ValueError('`::` separates the package from the config path and may appear '
                         f'once, but appears {len(parts) - 1} times in {cfg_path!r}')
    package, path = parts
    if package not in MODULE2PACKAGE:
        raise AssertionError(f'configs of {package!r} cannot be loaded: known packages are '
                             f'{sorted(MODULE2PACKAGE)}')
    return MODULE2PACKAGE[package], path

"""Configs and models of installed OpenMMLab packages by name
(``mmengine.hub``): ``get_config('mmdet::faster_rcnn/faster-rcnn_r50_fpn_1x_coco.py')``
reads the config the package ships (in its ``.mim`` folder) and
``get_model`` builds its model, with the published weights when
``pretrained``."""
import importlib
import os.path as osp

from ..config import Config
from ..config.utils import (MODULE2PACKAGE, _get_cfg_metainfo, _get_external_cfg_base_path,
                            _get_package_and_cfg_path)
from ..registry import MODELS, DefaultScope
from ..runner import load_checkpoint
from ..utils import get_installed_path


def get_config(cfg_path: str, pretrained: bool = False) -> Config:
    """The config ``package::path`` of an installed package. A config of
    the package's model index is found by its name there (and with
    ``pretrained`` its ``Weights`` URL is kept as ``cfg.model_path``);
    another (a base config) by its path under ``.mim/configs``."""
    package = cfg_path.split('::')[0]
    if package not in MODULE2PACKAGE:
        raise AssertionError(f'mmengine does not support to load {package} config, known '
                             f'packages: {sorted(MODULE2PACKAGE)}')
    package_path = get_installed_path(MODULE2PACKAGE[package])
    _, relative = _get_package_and_cfg_path(cfg_path)
    try:
        cfg_meta = _get_cfg_metainfo(package_path, relative)
    except ValueError:  # not in the model index: a base config
        return Config.fromfile(_get_external_cfg_base_path(package_path, relative))
    cfg = Config.fromfile(osp.join(package_path, '.mim', cfg_meta['Config']))
    if pretrained:
        assert 'Weights' in cfg_meta, ('Cannot find `Weights` in cfg_file.metafile.yml, please '
                                       'check the metafile')
        cfg.model_path = cfg_meta['Weights']
    return cfg


def get_model(cfg_path: str, pretrained: bool = False, **kwargs):
    """The model of config ``package::path`` (``get_config``), built in the
    package's scope (its modules registered first); with ``pretrained`` its
    published weights are loaded (and ``init_weights`` will not overwrite
    them). ``kwargs`` are default arguments of the model."""
    package = cfg_path.split('::')[0]
    with DefaultScope.overwrite_default_scope(package):
        cfg = get_config(cfg_path, pretrained)
        if 'data_preprocessor' in cfg:
            cfg.model.data_preprocessor = cfg.data_preprocessor
        importlib.import_module(f'{package}.utils').register_all_modules()
        model = MODELS.build(cfg.model, default_args=kwargs)
        if pretrained:
            load_checkpoint(model, cfg.model_path)
            model._is_init = True  # the loaded weights are the initialisation
        return model

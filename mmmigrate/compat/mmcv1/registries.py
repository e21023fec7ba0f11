"""MMCV 1.x's registries, as MMCV 1.x code registers into them and builds
from them, composed with MMCV 2.x:

- the brick registries of ``mmcv.cnn`` (``CONV_LAYERS``, ``NORM_LAYERS``,
  ``ATTENTION``, ...) are children of MMEngine's ``MODELS`` that forward
  what is registered into ``MODELS``, where MMCV 2.x's builders
  (``build_norm_layer``, ``build_conv_layer``) look (``BrickRegistry``).
- ``HOOKS``, ``OPTIMIZERS`` and ``MODULE_WRAPPERS`` are the bundled
  engine's, which runs legacy training (the runner facades build the hooks a
  config names from ``HOOKS``);
- ``OPTIMIZER_BUILDERS`` and ``RUNNERS`` / ``RUNNER_BUILDERS`` are roots of
  their own: MMCV's optimizer constructors return an optimizer (MMEngine's
  return an optim wrapper), and its runners are the compat facades.
- ``Registry`` / ``build_from_cfg`` are MMCV's on MMEngine's ``Registry``
  class, so a library's registries are valid children of MMEngine's and
  MMCV's roots, whichever engine is installed.

``mmengine`` here is the alias: the real MMEngine when installed (MMCV 2.x
registers its bricks there), else the bundled engine.
"""
import torch.nn as nn

from ...engine.registry import HOOKS, MODEL_WRAPPERS, OPTIMIZERS  # noqa: F401  (served)
from . import mmengine_module


def _mmengine_models():
    return mmengine_module('registry').MODELS


MODELS = _mmengine_models()

MODULE_WRAPPERS = MODEL_WRAPPERS


def _legacy_registry_class():
    base = mmengine_module('registry').Registry

    class Registry(base):
        """MMCV 1.x's ``Registry`` (``mmcv.utils.Registry``) on MMEngine's: a
        library's registries (``Registry('models', parent=MMCV_MODELS)``)
        are children of MMEngine's roots, so a name is looked up in the
        library's registry, then its parents. MMEngine would also import
        ``<scope>.utils.register_all_modules`` on the first lookup of a
        registry named after a known package (``mmcls``, ``mmdet``), which
        MMCV-1.x libraries do not have: a registry without ``locations``
        imports nothing, as MMCV's did."""

        def import_from_location(self) -> None:
            if self._locations:
                super().import_from_location()
            else:
                self._imported = True

    Registry.__module__ = __name__
    return Registry


Registry = _legacy_registry_class()


class BrickRegistry(Registry):
    """One of MMCV's brick registries (``NORM_LAYERS``, ...): a child of
    MMEngine's ``MODELS`` that also registers what it gets into ``MODELS``,
    where MMCV 2.x's builders look (``build_norm_layer``), unless ``MODELS``
    already has that name (a library's own ``MultiheadAttention``: found
    through the library's registry, a child of this one). Each is its own
    parent, so a library can make children of several with one scope
    (mmocr's ``ACTIVATION_LAYERS`` and ``UPSAMPLE_LAYERS``)."""

    def _register_module(self, module, module_name=None, force: bool = False) -> None:
        super()._register_module(module, module_name, force)
        names = module_name if isinstance(module_name, (list, tuple)) else \
            [module_name or module.__name__]
        for name in names:
            if name not in self.parent.module_dict:
                self.parent._register_module(module, name)


def _brick(name: str) -> 'BrickRegistry':
    return BrickRegistry(name, parent=MODELS, scope=f'mmcv_{name.replace(" ", "_")}')


CONV_LAYERS = _brick('conv layer')
NORM_LAYERS = _brick('norm layer')
ACTIVATION_LAYERS = _brick('activation layer')
PADDING_LAYERS = _brick('padding layer')
UPSAMPLE_LAYERS = _brick('upsample layer')
PLUGIN_LAYERS = _brick('plugin layer')
DROPOUT_LAYERS = _brick('drop out layers')
POSITIONAL_ENCODING = _brick('position encoding')
ATTENTION = _brick('attention')
FEEDFORWARD_NETWORK = _brick('feed-forward Network')
TRANSFORMER_LAYER = _brick('transformerLayer')
TRANSFORMER_LAYER_SEQUENCE = _brick('transformer-layers sequence')
# MMCV's own roots (libraries make children of them: mmseg's OPTIMIZER_BUILDERS)
OPTIMIZER_BUILDERS = Registry('optimizer builder', scope='mmcv')
RUNNERS = Registry('runner', scope='mmcv')
RUNNER_BUILDERS = Registry('runner builder', scope='mmcv')


def build_from_cfg(cfg, registry, default_args=None):
    """MMCV 1.x's ``build_from_cfg``: ``cfg['type']`` (a name looked up in
    ``registry``, or a class / function) called with the other keys and the
    ``default_args`` ``cfg`` lacks. Any registry with ``get`` serves: MMCV's
    roots here, a library's, MMEngine's or the bundled engine's."""
    if not isinstance(cfg, dict):
        raise TypeError(f'cfg must be a dict, but got {type(cfg)}')
    if 'type' not in cfg and (default_args is None or 'type' not in default_args):
        raise KeyError('`cfg` or `default_args` must contain the key "type", but got '
                       f'{cfg}\n{default_args}')
    if not (default_args is None or isinstance(default_args, dict)):
        raise TypeError(f'default_args must be a dict or None, but got {type(default_args)}')
    args = dict(cfg)
    for name, value in (default_args or {}).items():
        args.setdefault(name, value)
    obj_type = args.pop('type')
    if isinstance(obj_type, str):
        obj_cls = registry.get(obj_type)
        if obj_cls is None:
            raise KeyError(f'{obj_type} is not in the {registry.name} registry')
    elif callable(obj_type):
        obj_cls = obj_type
    else:
        raise TypeError(f'type must be a str or valid type, but got {type(obj_type)}')
    try:
        return obj_cls(**args)
    except Exception as error:  # MMCV named the class that failed
        raise type(error)(f'{obj_cls.__name__}: {error}') from error


def build_model_from_cfg(cfg, registry, default_args=None):
    """MMCV's ``mmcv.cnn.build_model_from_cfg``: a list of configs builds an
    ``nn.Sequential``."""
    if isinstance(cfg, list):
        return nn.Sequential(*[build_from_cfg(c, registry, default_args) for c in cfg])
    return build_from_cfg(cfg, registry, default_args)


def is_module_wrapper(module: nn.Module) -> bool:
    """MMCV's check: an instance of a registered module wrapper (MMCV's own
    data-parallel wrappers and torch's included)."""
    from ..parallel import MMDataParallel
    registered = [cls for cls in MODULE_WRAPPERS.module_dict.values() if isinstance(cls, type)]
    wrappers = (nn.DataParallel, nn.parallel.DistributedDataParallel, MMDataParallel,
                *registered)
    return isinstance(module, wrappers)

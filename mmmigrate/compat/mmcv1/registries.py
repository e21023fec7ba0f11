"""MMCV 1.x's registries, as MMCV 1.x code registers into them and builds
from them, composed with MMCV 2.x:

- the brick registries of ``mmcv.cnn`` (``CONV_LAYERS``, ``NORM_LAYERS``,
  ...) are MMEngine's ``MODELS``, where MMCV 2.x's builders
  (``build_norm_layer``, ``build_conv_layer``) look: a layer a library
  registers is found by them. ``ATTENTION`` is a root of its own (with
  ``MODELS`` as parent, so a lookup still finds MMCV 2.x's attention
  modules): libraries register attention classes under names MMCV 2.x
  already uses in ``MODELS`` (``MultiheadAttention``).
- ``HOOKS``, ``OPTIMIZERS`` and ``MODULE_WRAPPERS`` are the bundled
  engine's, which runs legacy training (the runner facades build the hooks a
  config names from ``HOOKS``);
- ``OPTIMIZER_BUILDERS`` and ``RUNNERS`` / ``RUNNER_BUILDERS`` are roots of
  their own: MMCV's optimizer constructors return an optimizer (MMEngine's
  return an optim wrapper), and its runners are the compat facades.

``mmengine`` here is the alias: the real MMEngine when installed (MMCV 2.x
registers its bricks there), else the bundled engine.
"""
import torch.nn as nn

from ...engine.registry import HOOKS, MODEL_WRAPPERS, OPTIMIZERS  # noqa: F401  (served)
from ...engine.registry import Registry as _BundledRegistry
from . import mmengine_module


def _mmengine_models():
    return mmengine_module('registry').MODELS


MODELS = _mmengine_models()
CONV_LAYERS = NORM_LAYERS = ACTIVATION_LAYERS = PADDING_LAYERS = MODELS
UPSAMPLE_LAYERS = PLUGIN_LAYERS = DROPOUT_LAYERS = POSITIONAL_ENCODING = MODELS
FEEDFORWARD_NETWORK = TRANSFORMER_LAYER = TRANSFORMER_LAYER_SEQUENCE = MODELS
ATTENTION = type(MODELS)('attention', parent=MODELS, scope='mmcv')

OPTIMIZER_BUILDERS = _BundledRegistry('optimizer builder', scope='mmcv')
RUNNERS = _BundledRegistry('runner', scope='mmcv')
RUNNER_BUILDERS = _BundledRegistry('runner builder', scope='mmcv')
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


def build_model_from_cfg(cfg, registry, default_args=None):
    """MMCV's ``mmcv.cnn.build_model_from_cfg``: a list of configs builds an
    ``nn.Sequential``."""
    build_from_cfg = mmengine_module('registry').build_from_cfg
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

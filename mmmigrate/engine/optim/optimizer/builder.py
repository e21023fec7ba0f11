"""``build_optim_wrapper`` and the registration of torch's optimizers."""
import copy
import importlib
import inspect
from typing import List

import torch
import torch.nn as nn

from ...registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIMIZERS


def register_torch_optimizers() -> List[str]:
    """Register every ``torch.optim.Optimizer`` subclass under its name
    (``Adafactor`` as ``TorchAdafactor``, as MMEngine does)."""
    names = []
    for name in dir(torch.optim):
        if name.startswith('__'):
            continue
        obj = getattr(torch.optim, name)
        if inspect.isclass(obj) and issubclass(obj, torch.optim.Optimizer):
            OPTIMIZERS.register_module(name='TorchAdafactor' if name == 'Adafactor' else name,
                                       module=obj)
            names.append(name)
    return names


TORCH_OPTIMIZERS = register_torch_optimizers()


def _optional_module(name: str):
    """The module ``name`` if it is installed, else None (found before it is
    imported: most of these packages are absent, and a failed import of a
    missing one is not free)."""
    import importlib.util
    try:
        if importlib.util.find_spec(name) is None:
            return None
        return importlib.import_module(name)
    except ImportError:
        return None


def _optimizer_classes(module, names=None) -> list:
    names = dir(module) if names is None else names
    return [(name, getattr(module, name)) for name in names
            if inspect.isclass(getattr(module, name, None))
            and issubclass(getattr(module, name), torch.optim.Optimizer)]


def register_torch_npu_optimizers() -> List[str]:
    """``torch_npu.optim``'s optimizers (Ascend NPU), where installed."""
    if _optional_module('torch_npu') is None:
        return []
    npu_optim = _optional_module('torch_npu.optim')
    names = []
    for name, cls in _optimizer_classes(npu_optim):
        if name.startswith('Npu') and name not in OPTIMIZERS:
            OPTIMIZERS.register_module(module=cls)
            names.append(name)
    return names


def register_dadaptation_optimizers() -> List[str]:
    """``dadaptation``'s DAdaptAdaGrad, DAdaptAdam and DAdaptSGD, where installed."""
    dadaptation = _optional_module('dadaptation')
    if dadaptation is None:
        return []
    found = _optimizer_classes(dadaptation, ['DAdaptAdaGrad', 'DAdaptAdam', 'DAdaptSGD'])
    for _, cls in found:
        OPTIMIZERS.register_module(module=cls)
    return [name for name, _ in found]


def register_lion_optimizers() -> List[str]:
    """``lion_pytorch.Lion``, where installed."""
    lion = _optional_module('lion_pytorch')
    if lion is None:
        return []
    OPTIMIZERS.register_module(module=lion.Lion)
    return ['Lion']


def register_sophia_optimizers() -> List[str]:
    """The optimizers of the ``Sophia`` package, where installed."""
    sophia = _optional_module('Sophia')
    if sophia is None:
        return []
    found = _optimizer_classes(sophia)
    for _, cls in found:
        OPTIMIZERS.register_module(module=cls)
    return [name for name, _ in found]


def register_bitsandbytes_optimizers() -> List[str]:
    """``bitsandbytes.optim``'s optimizers, where installed; a name torch
    already uses gets a ``bnb_`` prefix (``bnb_Adagrad``)."""
    bnb = _optional_module('bitsandbytes')
    if bnb is None:
        return []
    names = []
    for name, cls in sorted(_optimizer_classes(bnb.optim)):
        if name in OPTIMIZERS:
            name = f'bnb_{name}'
        OPTIMIZERS.register_module(module=cls, name=name)
        names.append(name)
    return names


def register_transformers_optimizers() -> List[str]:
    """``transformers.Adafactor`` as ``Adafactor``, where installed."""
    transformers = _optional_module('transformers')
    if transformers is None:
        return []
    OPTIMIZERS.register_module(name='Adafactor', module=transformers.Adafactor)
    return ['Adafactor']


NPU_OPTIMIZERS = register_torch_npu_optimizers()
DADAPTATION_OPTIMIZERS = register_dadaptation_optimizers()
LION_OPTIMIZERS = register_lion_optimizers()
SOPHIA_OPTIMIZERS = register_sophia_optimizers()
BITSANDBYTES_OPTIMIZERS = register_bitsandbytes_optimizers()
TRANSFORMERS_OPTIMIZERS = register_transformers_optimizers()


def build_optim_wrapper(model: nn.Module, cfg: dict):
    """Build an optimizer wrapper for ``model`` from an ``optim_wrapper``
    config: ``constructor`` (default ``DefaultOptimWrapperConstructor``) and
    ``paramwise_cfg`` are taken out, the rest goes to the constructor."""
    if not isinstance(cfg, dict):
        raise TypeError(f'optim_wrapper must be a dict, got {type(cfg).__name__}')
    optim_wrapper_cfg = copy.deepcopy(cfg)
    constructor_type = optim_wrapper_cfg.pop('constructor', 'DefaultOptimWrapperConstructor')
    paramwise_cfg = optim_wrapper_cfg.pop('paramwise_cfg', None)
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(type=constructor_type, optim_wrapper_cfg=optim_wrapper_cfg,
             paramwise_cfg=paramwise_cfg))
    return constructor(model)

"""MMCV 1.x's optimizer building (``mmcv.runner.optimizer``): a constructor
from ``OPTIMIZER_BUILDERS`` turns the model and the optimizer config into a
torch optimizer (MMEngine's constructors return an optim wrapper instead).
``DefaultOptimizerConstructor`` applies MMCV's ``paramwise_cfg`` rules —
``custom_keys`` (longest key first), ``bias_lr_mult``, ``bias_decay_mult``,
``norm_decay_mult``, ``dwconv_decay_mult``, ``dcn_offset_lr_mult``,
``bypass_duplicate`` — one param group per parameter, as MMCV built them.
Libraries subclass it (mmseg's layer-decay constructors override
``add_params``).
"""
import copy
import importlib.util
import inspect
import warnings
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
from torch.nn import GroupNorm, LayerNorm
from torch.nn.modules.batchnorm import _BatchNorm
from torch.nn.modules.instancenorm import _InstanceNorm

from ...engine import optim as _engine_optim  # noqa: F401  (registers torch's optimizers first)
from .registries import OPTIMIZER_BUILDERS, OPTIMIZERS, build_from_cfg


def register_torch_optimizers() -> List[str]:
    """The names of torch's optimizers, registered in ``OPTIMIZERS``."""
    names = []
    for name in dir(torch.optim):
        value = getattr(torch.optim, name)
        if inspect.isclass(value) and issubclass(value, torch.optim.Optimizer):
            if name not in OPTIMIZERS.module_dict:
                OPTIMIZERS.register_module(module=value)
            names.append(name)
    return names


def register_torch_npu_optimizers(torch_optimizers) -> List[str]:
    """No NPU build of torch here: nothing to register."""
    return []


TORCH_OPTIMIZERS = register_torch_optimizers()


def _build(cfg: dict, registry, default_args=None):
    return build_from_cfg(cfg, registry, default_args)


def _deformable_convolutions() -> tuple:
    """MMCV's deformable convolution classes when a compiled MMCV provides them."""
    try:
        spec = importlib.util.find_spec('mmcv._ext')
    except (ImportError, ValueError):
        return ()
    if spec is None or not spec.has_location:  # absent, or the shim's placeholder
        return ()
    from mmcv.ops import DeformConv2d, ModulatedDeformConv2d
    return (DeformConv2d, ModulatedDeformConv2d)


@OPTIMIZER_BUILDERS.register_module()
class DefaultOptimizerConstructor:

    def __init__(self, optimizer_cfg: Dict, paramwise_cfg: Optional[Dict] = None):
        if not isinstance(optimizer_cfg, dict):
            raise TypeError(f'optimizer_cfg should be a dict, but got {type(optimizer_cfg)}')
        self.optimizer_cfg = optimizer_cfg
        self.paramwise_cfg = {} if paramwise_cfg is None else paramwise_cfg
        self.base_lr = optimizer_cfg.get('lr', None)
        self.base_wd = optimizer_cfg.get('weight_decay', None)
        self._validate_cfg()

    def _validate_cfg(self) -> None:
        if not isinstance(self.paramwise_cfg, dict):
            raise TypeError('paramwise_cfg should be None or a dict, but got '
                            f'{type(self.paramwise_cfg)}')
        custom_keys = self.paramwise_cfg.get('custom_keys')
        if custom_keys is not None:
            if not isinstance(custom_keys, dict):
                raise TypeError(f'If specified, custom_keys must be a dict, but got '
                                f'{type(custom_keys)}')
            if self.base_wd is None and any('decay_mult' in v for v in custom_keys.values()):
                raise ValueError('base_wd should not be None')
        decay_mults = ('bias_decay_mult', 'norm_decay_mult', 'dwconv_decay_mult')
        if any(key in self.paramwise_cfg for key in decay_mults) and self.base_wd is None:
            raise ValueError('base_wd should not be None')

    def _is_in(self, param_group: Dict, param_group_list: List) -> bool:
        seen = set()
        for group in param_group_list:
            seen.update(group['params'])
        return not set(param_group['params']).isdisjoint(seen)

    def add_params(self, params: List[Dict], module: nn.Module, prefix: str = '',
                   is_dcn_module: Union[int, float, None] = None) -> None:
        """One param group per parameter of ``module`` and its children, with
        the lr and weight decay ``paramwise_cfg`` gives it."""
        cfg = self.paramwise_cfg
        custom_keys = cfg.get('custom_keys', {})
        sorted_keys = sorted(sorted(custom_keys.keys()), key=len, reverse=True)
        bias_lr_mult = cfg.get('bias_lr_mult', 1.)
        bias_decay_mult = cfg.get('bias_decay_mult', 1.)
        norm_decay_mult = cfg.get('norm_decay_mult', 1.)
        dwconv_decay_mult = cfg.get('dwconv_decay_mult', 1.)
        bypass_duplicate = cfg.get('bypass_duplicate', False)
        dcn_offset_lr_mult = cfg.get('dcn_offset_lr_mult', 1.)
        is_norm = isinstance(module, (_BatchNorm, _InstanceNorm, GroupNorm, LayerNorm))
        is_dwconv = isinstance(module, torch.nn.Conv2d) and \
            module.in_channels == module.groups
        for name, param in module.named_parameters(recurse=False):
            group = {'params': [param]}
            if not param.requires_grad:
                params.append(group)
                continue
            if bypass_duplicate and self._is_in(group, params):
                warnings.warn(f'{prefix} is duplicate. It is skipped since '
                              f'bypass_duplicate={bypass_duplicate}')
                continue
            key = next((k for k in sorted_keys if k in f'{prefix}.{name}'), None)
            if key is not None:
                group['lr'] = self.base_lr * custom_keys[key].get('lr_mult', 1.)
                if self.base_wd is not None:
                    group['weight_decay'] = self.base_wd * \
                        custom_keys[key].get('decay_mult', 1.)
            else:
                if name == 'bias' and not (is_norm or is_dcn_module):
                    group['lr'] = self.base_lr * bias_lr_mult
                if prefix.find('conv_offset') != -1 and is_dcn_module and \
                        isinstance(module, torch.nn.Conv2d):
                    group['lr'] = self.base_lr * dcn_offset_lr_mult
                if self.base_wd is not None:
                    if is_norm:
                        group['weight_decay'] = self.base_wd * norm_decay_mult
                    elif is_dwconv:
                        group['weight_decay'] = self.base_wd * dwconv_decay_mult
                    elif name == 'bias' and not is_dcn_module:
                        group['weight_decay'] = self.base_wd * bias_decay_mult
            params.append(group)
        deformable = _deformable_convolutions()
        is_dcn_module = isinstance(module, deformable) if deformable else False
        for child_name, child in module.named_children():
            child_prefix = f'{prefix}.{child_name}' if prefix else child_name
            self.add_params(params, child, prefix=child_prefix, is_dcn_module=is_dcn_module)

    def __call__(self, model: nn.Module):
        if hasattr(model, 'module'):
            model = model.module
        optimizer_cfg = self.optimizer_cfg.copy()
        if not self.paramwise_cfg:
            optimizer_cfg['params'] = model.parameters()
            return _build(optimizer_cfg, OPTIMIZERS)
        params: List[Dict] = []
        self.add_params(params, model)
        optimizer_cfg['params'] = params
        return _build(optimizer_cfg, OPTIMIZERS)


def build_optimizer_constructor(cfg: Dict):
    return _build(cfg, OPTIMIZER_BUILDERS)


def build_optimizer(model, cfg: Dict):
    """A torch optimizer for ``model`` from an MMCV optimizer config
    (``constructor`` and ``paramwise_cfg`` included)."""
    optimizer_cfg = copy.deepcopy(_plain(cfg))
    constructor = optimizer_cfg.pop('constructor', 'DefaultOptimizerConstructor')
    paramwise_cfg = optimizer_cfg.pop('paramwise_cfg', None)
    return build_optimizer_constructor(dict(type=constructor, optimizer_cfg=optimizer_cfg,
                                            paramwise_cfg=paramwise_cfg))(model)


def _plain(value):
    to_dict = getattr(value, 'to_dict', None)
    return to_dict() if callable(to_dict) else dict(value)

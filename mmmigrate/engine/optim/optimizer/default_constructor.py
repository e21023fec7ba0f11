"""``DefaultOptimWrapperConstructor``: builds the optimizer (with per-
parameter options from ``paramwise_cfg``) and its wrapper from a config."""
import inspect
import logging
from typing import List, Optional

import torch.nn as nn

from ...logging import print_log
from ...registry import (OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS,
                         OPTIMIZERS)
from ...utils.dl_utils import NORM_LAYERS

PARAMWISE_KEYS = ('custom_keys', 'bias_lr_mult', 'bias_decay_mult', 'norm_decay_mult',
                  'dwconv_decay_mult', 'flat_decay_mult', 'dcn_offset_lr_mult',
                  'bypass_duplicate')
_DCN_CLASS_NAMES = ('DeformConv2d', 'ModulatedDeformConv2d')


def _is_dcn(module: nn.Module) -> bool:
    # mmcv's deformable convolutions, recognised by class name so that mmcv
    # is never imported.
    return any(cls.__name__ in _DCN_CLASS_NAMES and cls.__module__.startswith('mmcv')
               for cls in type(module).__mro__)


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class DefaultOptimWrapperConstructor:
    """Build an optim wrapper from ``optim_wrapper_cfg`` (which holds
    ``optimizer=dict(type=..., lr=...)`` and the wrapper's own arguments).

    ``paramwise_cfg`` sets options per parameter, with MMEngine's precedence:

    - ``custom_keys={'name substring': dict(lr_mult=, decay_mult=, ...)}``:
      the longest matching key (ties alphabetical) wins and no other rule
      applies; every key of the entry is also copied into the param group.
    - otherwise ``bias_lr_mult`` (biases except norm and DCN ones),
      ``dcn_offset_lr_mult``, then the first of ``norm_decay_mult`` (norm
      layers), ``bias_decay_mult``, ``dwconv_decay_mult`` (depth-wise
      convolutions), ``flat_decay_mult`` (other 1-D parameters).
    - ``bypass_duplicate`` skips parameters shared between modules.
    Parameters with ``requires_grad=False`` are left out of the optimizer.
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: Optional[dict] = None):
        if not isinstance(optim_wrapper_cfg, dict):
            raise TypeError('optim_wrapper must be a dict, got '
                            f'{type(optim_wrapper_cfg).__name__}')
        if 'optimizer' not in optim_wrapper_cfg:  # AssertionError, as MMEngine raises
            raise AssertionError('`optim_wrapper_cfg` must contain "optimizer" config: write '
                                 "optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01))")
        self.optim_wrapper_cfg = optim_wrapper_cfg.copy()
        self.optimizer_cfg = self.optim_wrapper_cfg.pop('optimizer')
        self.paramwise_cfg = {} if paramwise_cfg is None else paramwise_cfg
        self.base_lr = self.optimizer_cfg.get('lr', None)
        self.base_wd = self.optimizer_cfg.get('weight_decay', None)
        self._validate_cfg()

    def _validate_cfg(self) -> None:
        if not isinstance(self.paramwise_cfg, dict):
            raise TypeError('optim_wrapper.paramwise_cfg must be None or a dict, got '
                            f'{type(self.paramwise_cfg).__name__}')
        unknown = sorted(set(self.paramwise_cfg) - set(PARAMWISE_KEYS))
        if unknown:
            print_log(f'optim_wrapper.paramwise_cfg keys {unknown} are not used by '
                      f'DefaultOptimWrapperConstructor (known: {", ".join(PARAMWISE_KEYS)})',
                      logger='current', level=logging.WARNING)
        custom_keys = self.paramwise_cfg.get('custom_keys', {})
        if not isinstance(custom_keys, dict):
            raise TypeError('optim_wrapper.paramwise_cfg.custom_keys must be a dict, got '
                            f'{type(custom_keys).__name__}')
        if self.base_wd is None:
            for key, options in custom_keys.items():
                if 'decay_mult' in options:
                    raise ValueError(
                        f'optim_wrapper.paramwise_cfg.custom_keys[{key!r}].decay_mult needs '
                        'optimizer.weight_decay to be set')
            for key in ('bias_decay_mult', 'norm_decay_mult', 'dwconv_decay_mult'):
                if key in self.paramwise_cfg:
                    raise ValueError(f'optim_wrapper.paramwise_cfg.{key} needs '
                                     'optimizer.weight_decay to be set')

    @staticmethod
    def _is_in(param_group: dict, param_group_list: List[dict]) -> bool:
        params = set(param_group['params'])
        return any(not params.isdisjoint(group['params']) for group in param_group_list)

    def add_params(self, params: List[dict], module: nn.Module, prefix: str = '',
                   is_dcn_module=None) -> None:
        """Append one param group per parameter of ``module`` (recursively)."""
        cfg = self.paramwise_cfg
        custom_keys = cfg.get('custom_keys', {})
        sorted_keys = sorted(sorted(custom_keys), key=len, reverse=True)
        bias_lr_mult = cfg.get('bias_lr_mult', None)
        bias_decay_mult = cfg.get('bias_decay_mult', None)
        norm_decay_mult = cfg.get('norm_decay_mult', None)
        dwconv_decay_mult = cfg.get('dwconv_decay_mult', None)
        flat_decay_mult = cfg.get('flat_decay_mult', None)
        bypass_duplicate = cfg.get('bypass_duplicate', False)
        dcn_offset_lr_mult = cfg.get('dcn_offset_lr_mult', None)

        is_norm = isinstance(module, NORM_LAYERS)
        is_dwconv = isinstance(module, nn.Conv2d) and module.in_channels == module.groups

        for name, param in module.named_parameters(recurse=False):
            group = {'params': [param]}
            if bypass_duplicate and self._is_in(group, params):
                print_log(f'{prefix} is duplicate. It is skipped since '
                          f'bypass_duplicate={bypass_duplicate}',
                          logger='current', level=logging.WARNING)
                continue
            if not param.requires_grad:
                print_log(f'{prefix}.{name} is skipped since its '
                          f'requires_grad={param.requires_grad}',
                          logger='current', level=logging.WARNING)
                continue
            full_name = f'{prefix}.{name}'
            matched = next((key for key in sorted_keys if key in full_name), None)
            if matched is not None:
                options = custom_keys[matched]
                group['lr'] = self.base_lr * options.get('lr_mult', 1.)
                if self.base_wd is not None:
                    group['weight_decay'] = self.base_wd * options.get('decay_mult', 1.)
                group.update(options)
            else:
                if name == 'bias' and not (is_norm or is_dcn_module) and bias_lr_mult is not None:
                    group['lr'] = self.base_lr * bias_lr_mult
                if (prefix.find('conv_offset') != -1 and is_dcn_module
                        and dcn_offset_lr_mult is not None and isinstance(module, nn.Conv2d)):
                    group['lr'] = self.base_lr * dcn_offset_lr_mult
                if self.base_wd is not None:
                    if is_norm and norm_decay_mult is not None:
                        group['weight_decay'] = self.base_wd * norm_decay_mult
                    elif name == 'bias' and not is_dcn_module and bias_decay_mult is not None:
                        group['weight_decay'] = self.base_wd * bias_decay_mult
                    elif is_dwconv and dwconv_decay_mult is not None:
                        group['weight_decay'] = self.base_wd * dwconv_decay_mult
                    elif (param.ndim == 1 and not is_dcn_module
                          and flat_decay_mult is not None):
                        group['weight_decay'] = self.base_wd * flat_decay_mult
            params.append(group)
            shown = f'{prefix}.{name}' if prefix else name
            for key, value in group.items():
                if key != 'params':
                    print_log(f'paramwise_options -- {shown}:{key}={value}', logger='current')

        is_dcn_module = _is_dcn(module)
        for child_name, child in module.named_children():
            child_prefix = f'{prefix}.{child_name}' if prefix else child_name
            self.add_params(params, child, prefix=child_prefix, is_dcn_module=is_dcn_module)

    def __call__(self, model: nn.Module):
        if hasattr(model, 'module'):
            model = model.module
        optim_wrapper_cfg = self.optim_wrapper_cfg.copy()
        optim_wrapper_cfg.setdefault('type', 'OptimWrapper')
        optimizer_cfg = self.optimizer_cfg.copy()
        optimizer_cls = optimizer_cfg['type']
        if isinstance(optimizer_cls, str):
            with OPTIMIZERS.switch_scope_and_registry(None) as registry:
                found = registry.get(optimizer_cls)
            if found is None:
                raise OPTIMIZERS.unknown_type_error(optimizer_cls)
            optimizer_cls = found
        # Some optimizers name their first argument differently (e.g.
        # colossalai's HybridAdam takes `model_params`).
        first_arg = next(iter(inspect.signature(optimizer_cls).parameters))
        if not self.paramwise_cfg:
            optimizer_cfg[first_arg] = model.parameters()
        else:
            params: List[dict] = []
            self.add_params(params, model)
            optimizer_cfg[first_arg] = params
        optimizer = OPTIMIZERS.build(optimizer_cfg)
        return OPTIM_WRAPPERS.build(optim_wrapper_cfg, default_args=dict(optimizer=optimizer))

"""``mmcv.runner.fp16_utils``: ``auto_fp16`` / ``force_fp32`` are the compat
layer's (``compat.fp16``); the helpers around them as MMCV 1.7.2 had them
on torch >= 1.6 (``wrap_fp16_model`` only sets ``fp16_enabled``: autocast
does the casting)."""
from collections import abc
from typing import Callable, List

import numpy as np
import torch
import torch.nn as nn

from ..fp16 import auto_fp16, force_fp32  # noqa: F401  (served)
from .dist_utils import allreduce_grads  # noqa: F401  (served)


def cast_tensor_type(inputs, src_type: torch.dtype, dst_type: torch.dtype):
    """Every tensor of ``src_type`` in ``inputs`` (nested) cast to ``dst_type``."""
    if isinstance(inputs, (nn.Module, str, np.ndarray)):
        return inputs
    if isinstance(inputs, torch.Tensor):
        return inputs.to(dst_type) if inputs.dtype == src_type else inputs
    if isinstance(inputs, abc.Mapping):
        return type(inputs)({k: cast_tensor_type(v, src_type, dst_type)
                             for k, v in inputs.items()})
    if isinstance(inputs, abc.Iterable):
        return type(inputs)(cast_tensor_type(item, src_type, dst_type) for item in inputs)
    return inputs


def wrap_fp16_model(model: nn.Module) -> None:
    for module in model.modules():
        if hasattr(module, 'fp16_enabled'):
            module.fp16_enabled = True


def patch_norm_fp32(module: nn.Module) -> nn.Module:
    """Normalization layers back to fp32 (GroupNorm's forward casts its input)."""
    if isinstance(module, (nn.modules.batchnorm._BatchNorm, nn.GroupNorm)):
        module.float()
        if isinstance(module, nn.GroupNorm):
            module.forward = patch_forward_method(module.forward, torch.half, torch.float)
    for child in module.children():
        patch_norm_fp32(child)
    return module


def patch_forward_method(func: Callable, src_type: torch.dtype, dst_type: torch.dtype,
                         convert_output: bool = True) -> Callable:
    def new_forward(*args, **kwargs):
        output = func(*cast_tensor_type(args, src_type, dst_type),
                      **cast_tensor_type(kwargs, src_type, dst_type))
        return cast_tensor_type(output, dst_type, src_type) if convert_output else output
    return new_forward


class LossScaler:
    """MMCV's loss scaler: ``dynamic`` halves the scale on an overflow and
    doubles it after ``scale_window`` clean iterations; ``static`` keeps it."""

    def __init__(self, init_scale: float = 2**32, mode: str = 'dynamic',
                 scale_factor: float = 2., scale_window: int = 1000):
        if mode not in ('dynamic', 'static'):
            raise ValueError('mode can only be dynamic or static')
        self.cur_scale = init_scale
        self.cur_iter = 0
        self.mode = mode
        self.last_overflow_iter = -1
        self.scale_factor = scale_factor
        self.scale_window = scale_window

    def has_overflow(self, params: List[nn.Parameter]) -> bool:
        if self.mode != 'dynamic':
            return False
        return any(p.grad is not None and LossScaler._has_inf_or_nan(p.grad.data)
                   for p in params)

    @staticmethod
    def _has_inf_or_nan(x: torch.Tensor) -> bool:
        try:
            total = float(x.float().sum())
        except RuntimeError as error:
            if 'value cannot be converted' not in error.args[0]:
                raise
            return True
        return total in (float('inf'), -float('inf')) or total != total

    def update_scale(self, overflow: bool) -> None:
        if self.mode != 'dynamic':
            return
        if overflow:
            self.cur_scale = max(self.cur_scale / self.scale_factor, 1)
            self.last_overflow_iter = self.cur_iter
        elif (self.cur_iter - self.last_overflow_iter) % self.scale_window == 0:
            self.cur_scale *= self.scale_factor
        self.cur_iter += 1

    def state_dict(self) -> dict:
        return dict(cur_scale=self.cur_scale, cur_iter=self.cur_iter, mode=self.mode,
                    last_overflow_iter=self.last_overflow_iter,
                    scale_factor=self.scale_factor, scale_window=self.scale_window)

    def load_state_dict(self, state_dict: dict) -> None:
        for key in ('cur_scale', 'cur_iter', 'mode', 'last_overflow_iter', 'scale_factor',
                    'scale_window'):
            setattr(self, key, state_dict[key])

    @property
    def loss_scale(self):
        return self.cur_scale

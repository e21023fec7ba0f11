"""``AmpOptimWrapper``: mixed-precision training with a gradient scaler."""
from contextlib import contextmanager
from typing import Union

import torch
import torch.nn as nn

from ...device import get_device
from ...registry import OPTIM_WRAPPERS
from .optimizer_wrapper import OptimWrapper


@OPTIM_WRAPPERS.register_module()
class AmpOptimWrapper(OptimWrapper):
    """``OptimWrapper`` that runs the forward under ``autocast`` and scales
    the loss with a ``torch.amp.GradScaler``.

    Args:
        loss_scale: ``'dynamic'`` (default), a number for a static scale
            (the scale is reset to it after every step; steps with inf/nan
            gradients are still skipped), or a dict of ``GradScaler``
            arguments. MMEngine rejects an int (``512``) with a TypeError;
            here it means the same static scale as ``512.``.
        dtype: autocast dtype: ``'float16'``, ``'bfloat16'``, ... or a
            ``torch.dtype``; default float16 on CUDA, bfloat16 on CPU.
        use_fsdp: use FSDP's sharded gradient scaler.

    Unlike MMEngine 0.10.7, which refuses to build without CUDA, this
    wrapper also runs on CPU.
    """

    valid_dtypes = ('float16', 'bfloat16', 'float32', 'float64')

    def __init__(self, loss_scale: Union[str, float, dict] = 'dynamic',
                 dtype: Union[str, torch.dtype, None] = None, use_fsdp: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self._scale_update_param = None
        device = get_device()
        if use_fsdp:
            from torch.distributed.fsdp.sharded_grad_scaler import ShardedGradScaler

            def scaler_type(**kw):
                return ShardedGradScaler(device, **kw)
        else:
            def scaler_type(**kw):
                return torch.amp.GradScaler(device, **kw)
        if loss_scale == 'dynamic':
            self.loss_scaler = scaler_type()
        elif isinstance(loss_scale, (int, float)) and not isinstance(loss_scale, bool):
            self._scale_update_param = float(loss_scale)
            self.loss_scaler = scaler_type(init_scale=float(loss_scale))
        elif isinstance(loss_scale, dict):
            self.loss_scaler = scaler_type(**loss_scale)
        else:
            raise TypeError("AmpOptimWrapper: `loss_scale` must be 'dynamic', a number "
                            f'(e.g. 512.) or a dict of GradScaler arguments, got {loss_scale!r}')
        if isinstance(dtype, str):
            if dtype not in self.valid_dtypes:
                raise ValueError(f'AmpOptimWrapper: `dtype` must be one of '
                                 f'{self.valid_dtypes}, got {dtype!r}')
            dtype = getattr(torch, dtype)
        if dtype is not None and not isinstance(dtype, torch.dtype):
            raise TypeError(f'AmpOptimWrapper: `dtype` must be None, a str or a torch.dtype, '
                            f'got {dtype!r}')
        self.cast_dtype = dtype

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        self.loss_scaler.scale(loss).backward(**kwargs)
        self._inner_count += 1

    def step(self, **kwargs) -> None:
        if self.clip_grad_kwargs:
            self.loss_scaler.unscale_(self.optimizer)
            self._clip_grad()
        self.loss_scaler.step(self.optimizer, **kwargs)
        self.loss_scaler.update(self._scale_update_param)

    def state_dict(self) -> dict:
        state = super().state_dict()
        state['loss_scaler'] = self.loss_scaler.state_dict()
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        if 'loss_scaler' in state_dict:
            self.loss_scaler.load_state_dict(state_dict.pop('loss_scaler'))
        if 'base_param_settings' in state_dict:
            self.base_param_settings = state_dict.pop('base_param_settings')
        self.optimizer.load_state_dict(state_dict)

    @contextmanager
    def optim_context(self, model: nn.Module):
        from ...runner.amp import autocast
        with super().optim_context(model), autocast(dtype=self.cast_dtype):
            yield

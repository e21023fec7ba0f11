"""``ApexOptimWrapper``: mixed precision through NVIDIA Apex's ``amp``.

Apex needs CUDA and is rarely installed; without it, building the wrapper
fails with an AssertionError that says so, as in MMEngine."""
from contextlib import contextmanager
from typing import Optional, Union

import torch
import torch.nn as nn

from ...registry import OPTIM_WRAPPERS
from .optimizer_wrapper import OptimWrapper

try:
    import apex.amp as apex_amp
except ImportError:
    apex_amp = None


@OPTIM_WRAPPERS.register_module()
class ApexOptimWrapper(OptimWrapper):
    """The arguments are ``apex.amp.initialize``'s; the model and optimizer
    are initialised by Apex the first time ``optim_context`` is entered, and
    the loss is scaled with ``apex.amp.scale_loss``."""

    def __init__(self, opt_level: str = 'O1', loss_scale: Union[float, str, None] = 'dynamic',
                 enabled: Optional[bool] = True, cast_model_type: Optional[torch.dtype] = None,
                 patch_torch_functions: Optional[bool] = None,
                 keep_batchnorm_fp32: Union[bool, str, None] = None,
                 master_weights: Optional[bool] = None,
                 cast_model_outputs: Optional[torch.dtype] = None, num_losses: int = 1,
                 verbosity: int = 1, min_loss_scale: Optional[float] = None,
                 max_loss_scale: Optional[float] = 2.**24, **kwargs):
        if apex_amp is None:
            raise AssertionError('ApexOptimWrapper needs NVIDIA Apex, which is not installed: '
                                 'see https://github.com/NVIDIA/apex#linux, or use '
                                 'AmpOptimWrapper (torch.amp) instead.')
        super().__init__(**kwargs)
        self._amp_kwargs = dict(
            opt_level=opt_level, loss_scale=loss_scale, enabled=enabled,
            cast_model_type=cast_model_type, patch_torch_functions=patch_torch_functions,
            keep_batchnorm_fp32=keep_batchnorm_fp32, master_weights=master_weights,
            cast_model_outputs=cast_model_outputs, num_losses=num_losses,
            verbosity=verbosity, min_loss_scale=min_loss_scale, max_loss_scale=max_loss_scale)
        for name, value in self._amp_kwargs.items():
            setattr(self, name, value)
        self._apex_amp_state_dict = None

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        with apex_amp.scale_loss(loss, self.optimizer) as scaled_loss:
            scaled_loss.backward(**kwargs)
        self._inner_count += 1

    def state_dict(self) -> dict:
        state_dict = self.optimizer.state_dict()
        state_dict['apex_amp'] = apex_amp.state_dict()
        return state_dict

    def load_state_dict(self, state_dict: dict) -> None:
        # Apex's state can only be loaded after `amp.initialize`: keep it
        # until `optim_context` has run.
        if 'apex_amp' in state_dict:
            if hasattr(self.optimizer, '_amp_stash'):
                apex_amp.load_state_dict(state_dict.pop('apex_amp'))
            else:
                self._apex_amp_state_dict = state_dict.pop('apex_amp')
        self.optimizer.load_state_dict(state_dict)

    @contextmanager
    def optim_context(self, model: nn.Module):
        with super().optim_context(model):
            if not hasattr(self.optimizer, '_amp_stash'):
                from ...model import is_model_wrapper
                if is_model_wrapper(model):
                    model = model.module
                model, self.optimizer = apex_amp.initialize(model, self.optimizer,
                                                            **self._amp_kwargs)
                if self._apex_amp_state_dict is not None:
                    apex_amp.load_state_dict(self._apex_amp_state_dict)
                    self._apex_amp_state_dict = None
            yield

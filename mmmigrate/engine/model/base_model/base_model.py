"""``BaseModel``: the model contract of the engine — ``forward(..., mode)``
and the ``train_step`` / ``val_step`` / ``test_step`` the loops call."""
from abc import abstractmethod
from collections import OrderedDict
from typing import Dict, Optional, Tuple, Union

import torch
import torch.nn as nn

from ...registry import MODELS
from ...utils import is_list_of
from ...utils.misc import NO_CONTEXT
from ..utils import call_module, forward_with_batch, forwards_directly
from ..base_module import BaseModule
from .data_preprocessor import BaseDataPreprocessor


def _sum_losses(values: list):
    """``sum(values)`` as MMEngine computes it, minus the leading ``0 +``:
    that is one more tensor op and autograd node per step, and adding an
    int 0 changes no value (only the sign of a zero loss, -0.0)."""
    if not values:
        return 0
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total


class BaseModel(BaseModule):
    """Subclasses implement ``forward(inputs, data_samples=None, mode='tensor')``
    returning a dict of losses for ``mode='loss'``, a list of predictions
    for ``'predict'`` and raw tensors for ``'tensor'``.

    ``train_step`` runs preprocessing and the forward inside
    ``optim_wrapper.optim_context`` (autocast, DDP no_sync), reduces the
    losses with ``parse_losses`` and calls ``optim_wrapper.update_params``.
    """

    def __init__(self, data_preprocessor: Optional[Union[dict, nn.Module]] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg)
        if data_preprocessor is None:
            data_preprocessor = dict(type='BaseDataPreprocessor')
        if isinstance(data_preprocessor, nn.Module):
            self.data_preprocessor = data_preprocessor
        elif isinstance(data_preprocessor, dict):
            self.data_preprocessor = MODELS.build(data_preprocessor)
        else:
            raise TypeError('data_preprocessor should be a `dict` or `nn.Module` instance, but '
                            f'got {type(data_preprocessor).__name__}')

    def train_step(self, data: Union[dict, tuple, list], optim_wrapper) -> Dict[str, torch.Tensor]:
        """One optimisation step; returns the ``log_vars`` of ``parse_losses``."""
        context = optim_wrapper.optim_context(self)
        preprocessor = self.data_preprocessor
        if context is NO_CONTEXT and forwards_directly(self, preprocessor):
            # The common case, without the helper calls of the general path
            # below (call_module, forward_with_batch, the `with`): every
            # Python call an iteration makes costs about 1 us once torch's
            # work has run. The same calls happen in the same order.
            data = preprocessor.forward(data, True)
            kind = type(data)
            if kind is list or kind is tuple:
                losses = self.forward(*data, mode='loss')
            elif kind is dict:
                losses = self.forward(**data, mode='loss')
            else:
                losses = self._run_forward(data, mode='loss')  # says what is wrong
        else:
            with context:
                data = call_module(preprocessor, data, True)
                losses = self._run_forward(data, mode='loss')
        parsed_losses, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(parsed_losses)
        return log_vars

    def val_step(self, data: Union[tuple, dict, list]) -> list:
        """Predictions for a validation batch (``mode='predict'``)."""
        data = call_module(self.data_preprocessor, data, False)
        return self._run_forward(data, mode='predict')

    def test_step(self, data: Union[dict, tuple, list]) -> list:
        """Predictions for a test batch (``mode='predict'``)."""
        data = call_module(self.data_preprocessor, data, False)
        return self._run_forward(data, mode='predict')

    def parse_losses(self, losses: Dict[str, torch.Tensor]
                     ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """Reduce the forward's loss dict: each tensor to its mean, each list
        of tensors to the sum of their means. The total is the sum of the
        entries whose key contains ``'loss'``; it comes first in
        ``log_vars`` under ``'loss'`` — unless the model itself returned a
        ``'loss'`` key, whose reduced value then replaces it in ``log_vars``
        (the returned total is unaffected). Values are not averaged across
        ranks."""
        # Built in one pass: 'loss' is placed first, and a 'loss' returned by
        # the model then replaces the total in place (as MMEngine's
        # OrderedDict of [('loss', total), *reduced] ends up).
        if len(losses) == 1:  # the common case: one tensor under 'loss'
            value = losses.get('loss')
            if type(value) is torch.Tensor:
                total = value.mean()
                return total, OrderedDict(loss=total)
        log_vars = OrderedDict(loss=None)
        total = None
        for name, value in losses.items():
            if isinstance(value, torch.Tensor):
                reduced = value.mean()
            elif is_list_of(value, torch.Tensor):
                reduced = _sum_losses([item.mean() for item in value])
            else:
                raise TypeError(f'loss {name!r} returned by the model is a '
                                f'{type(value).__name__}; losses must be tensors or lists '
                                'of tensors')
            log_vars[name] = reduced
            if 'loss' in name:
                total = reduced if total is None else total + reduced
        if total is None:
            total = 0
        if 'loss' not in losses:
            log_vars['loss'] = total
        return total, log_vars

    def to(self, *args, **kwargs) -> nn.Module:
        device = torch._C._nn._parse_to(*args, **kwargs)[0]
        if device is not None:
            self._set_device(torch.device(device))
        return super().to(*args, **kwargs)

    def cuda(self, device: Optional[Union[int, str, torch.device]] = None) -> nn.Module:
        if device is None or isinstance(device, int):
            device = torch.device('cuda', index=device)
        self._set_device(torch.device(device))
        return super().cuda(device)

    def cpu(self, *args, **kwargs) -> nn.Module:
        self._set_device(torch.device('cpu'))
        return super().cpu()

    def _set_device(self, device: torch.device) -> None:
        for module in self.modules():
            if isinstance(module, BaseDataPreprocessor):
                module._device = device

    @abstractmethod
    def forward(self, inputs: torch.Tensor, data_samples: Optional[list] = None,
                mode: str = 'tensor') -> Union[Dict[str, torch.Tensor], list]:
        """``mode`` is ``'loss'``, ``'predict'`` or ``'tensor'``."""

    # forward with a dict as keyword arguments, a list/tuple as positional
    # arguments, and ``mode``
    _run_forward = forward_with_batch

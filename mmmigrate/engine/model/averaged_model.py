"""Averaged copies of a model for ``EMAHook``: ``ExponentialMovingAverage``,
``MomentumAnnealingEMA`` and ``StochasticWeightAverage``."""
import logging
from abc import abstractmethod
from copy import deepcopy
from typing import Optional

import torch
import torch.nn as nn
from torch import Tensor

from ..logging import print_log
from ..registry import MODELS


class BaseAveragedModel(nn.Module):
    """Holds ``module``, a frozen deep copy of the model, and a ``steps``
    buffer. ``update_parameters(model)`` copies the weights on the first
    call and then averages every ``interval`` calls with ``avg_func``;
    buffers are copied unless ``update_buffers`` averages them too."""

    def __init__(self, model: nn.Module, interval: int = 1,
                 device: Optional[torch.device] = None, update_buffers: bool = False) -> None:
        super().__init__()
        self.module = deepcopy(model).requires_grad_(False)
        self.interval = interval
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer('steps', torch.tensor(0, dtype=torch.long, device=device))
        self.update_buffers = update_buffers
        self.avg_parameters = (self.module.state_dict() if update_buffers
                               else dict(self.module.named_parameters()))

    @abstractmethod
    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: int) -> None:
        """Update ``averaged_param`` in place."""

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model: nn.Module) -> None:
        source = model.state_dict() if self.update_buffers else dict(model.named_parameters())
        if self.steps == 0:
            for key, p_avg in self.avg_parameters.items():
                p_avg.data.copy_(source[key].data)
        elif self.steps % self.interval == 0:
            for key, p_avg in self.avg_parameters.items():
                if p_avg.dtype.is_floating_point:
                    self.avg_func(p_avg.data, source[key].data.to(p_avg.device), self.steps)
        if not self.update_buffers:
            for b_avg, b_src in zip(self.module.buffers(), model.buffers()):
                b_avg.data.copy_(b_src.data.to(b_avg.device))
        self.steps += 1


@MODELS.register_module()
class StochasticWeightAverage(BaseAveragedModel):
    """The running mean of the weights (SWA)."""

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: int) -> None:
        averaged_param.add_(source_param - averaged_param,
                            alpha=1 / float(steps // self.interval + 1))


@MODELS.register_module()
class ExponentialMovingAverage(BaseAveragedModel):
    """``avg = (1 - momentum) * avg + momentum * weight``; note MMEngine's
    ``momentum`` is the weight of the *new* value (typically 0.0002)."""

    def __init__(self, model: nn.Module, momentum: float = 0.0002, interval: int = 1,
                 device: Optional[torch.device] = None, update_buffers: bool = False) -> None:
        super().__init__(model, interval, device, update_buffers)
        if not 0.0 < momentum < 1.0:
            raise AssertionError(f'{type(self).__name__}: momentum must be in range (0.0, 1.0) '
                                 f'but got {momentum}')
        if momentum > 0.5:
            print_log('The value of momentum in EMA is usually a small number, which is '
                      'different from the conventional notion of momentum but got '
                      f'{momentum}. Please make sure the value is correct.',
                      logger='current', level=logging.WARNING)
        self.momentum = momentum

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: int) -> None:
        averaged_param.lerp_(source_param, self.momentum)


@MODELS.register_module()
class MomentumAnnealingEMA(ExponentialMovingAverage):
    """EMA whose momentum starts at ``gamma / (gamma + steps)`` and anneals
    down to ``momentum``."""

    def __init__(self, model: nn.Module, momentum: float = 0.0002, gamma: int = 100,
                 interval: int = 1, device: Optional[torch.device] = None,
                 update_buffers: bool = False) -> None:
        super().__init__(model=model, momentum=momentum, interval=interval, device=device,
                         update_buffers=update_buffers)
        if gamma <= 0:
            raise AssertionError(f'MomentumAnnealingEMA: gamma must be greater than 0, but got '
                                 f'{gamma}')
        self.gamma = gamma

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: int) -> None:
        momentum = max(self.momentum, self.gamma / (self.gamma + self.steps.item()))
        averaged_param.lerp_(source_param, momentum)

"""``BaseOptimWrapper``: what every optimizer wrapper shares."""
from abc import ABCMeta, abstractmethod
from typing import Dict, List

import torch


class BaseOptimWrapper(metaclass=ABCMeta):
    """Wraps a torch optimizer.

    With more than one param group the wrapper adds a pseudo group,
    ``base_param_settings`` (the optimizer defaults), to ``param_groups``:
    schedulers step it too, so ``get_lr()['base_lr']`` reports the schedule
    of the un-multiplied base learning rate. It is saved in ``state_dict``
    and removed again on load, as MMEngine does.
    """

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.base_param_settings = self._make_base_param_settings(optimizer)

    @staticmethod
    def _make_base_param_settings(optimizer):
        if len(optimizer.param_groups) <= 1:
            return None
        settings = {'params': torch.tensor([0.0], dtype=torch.float)}
        settings.update(**optimizer.defaults)
        return settings

    @abstractmethod
    def update_params(self, *args, **kwargs):
        """Back-propagate, step and zero the gradients as configured."""

    @abstractmethod
    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        """Back-propagate ``loss``."""

    @abstractmethod
    def zero_grad(self, **kwargs) -> None:
        """Zero the gradients."""

    @abstractmethod
    def step(self, **kwargs):
        """Update the parameters."""

    def state_dict(self) -> dict:
        state = self.optimizer.state_dict()
        if self.base_param_settings is not None:
            state['base_param_settings'] = self.base_param_settings
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        base = state_dict.pop('base_param_settings', None)
        if base is not None:
            self.base_param_settings = base
        self.optimizer.load_state_dict(state_dict)

    @property
    def param_groups(self) -> List[dict]:
        if self.base_param_settings is not None:
            return self.optimizer.param_groups + [self.base_param_settings]
        return self.optimizer.param_groups

    @property
    def defaults(self) -> dict:
        return self.optimizer.defaults

    def get_lr(self) -> Dict[str, List[float]]:
        """``{'lr': [per group]}``, plus ``'base_lr'`` with several groups."""
        result = {}
        if self.base_param_settings is not None:
            result['base_lr'] = [self.base_param_settings['lr']]
        # a loop, not a comprehension: one Python call fewer per iteration
        lrs = result['lr'] = []
        for group in self.optimizer.param_groups:
            lrs.append(group['lr'])
        return result

    def get_momentum(self) -> Dict[str, List[float]]:
        """``{'momentum': [per group]}``: SGD momentum, Adam ``betas[0]``, else 0."""
        momentum = []
        for group in self.optimizer.param_groups:
            if 'momentum' in group:
                momentum.append(group['momentum'])
            elif 'betas' in group:
                momentum.append(group['betas'][0])
            else:
                momentum.append(0)
        return dict(momentum=momentum)

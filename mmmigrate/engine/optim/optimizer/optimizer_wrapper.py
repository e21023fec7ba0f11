"""``OptimWrapper``: backward, gradient accumulation, clipping and the
optimizer step behind one ``update_params(loss)`` call."""
import logging
from typing import Dict, Optional

import torch
import torch.nn as nn

from ...logging import MessageHub, print_log
from ...registry import OPTIM_WRAPPERS
from ...utils.dl_utils import has_batch_norm
from ...utils.misc import NO_CONTEXT
from .base import BaseOptimWrapper

_CLIP_FUNCTIONS = {
    'norm': (torch.nn.utils.clip_grad_norm_, 'grad_norm'),
    'value': (torch.nn.utils.clip_grad_value_, 'grad_value'),
}


# What OptimWrapper.update_params calls, in this order.
_UPDATE_STEPS = ('scale_loss', 'backward', 'should_update', 'step', 'zero_grad')


@OPTIM_WRAPPERS.register_module()
class OptimWrapper(BaseOptimWrapper):
    """Optimizer wrapper with gradient accumulation and clipping.

    Args:
        optimizer: the torch optimizer.
        accumulative_counts: step once every this many ``update_params``
            calls, dividing each loss by the count (the last window of a run
            that does not divide evenly is divided by its own, shorter length
            once ``initialize_count_status`` has told the wrapper the total).
        clip_grad: ``dict(max_norm=..., norm_type=2)`` for
            ``clip_grad_norm_`` or ``dict(type='value', clip_value=...)`` for
            ``clip_grad_value_``; the norm is logged as ``train/grad_norm``.
    """

    def __init__(self, optimizer, accumulative_counts: int = 1,
                 clip_grad: Optional[dict] = None):
        if not isinstance(accumulative_counts, int) or isinstance(accumulative_counts, bool) \
                or accumulative_counts < 1:
            raise ValueError('OptimWrapper: `accumulative_counts` must be a positive int '
                             f'(1 = no accumulation), got {accumulative_counts!r}')
        self._accumulative_counts = accumulative_counts
        self.optimizer = optimizer
        if clip_grad is not None:
            if not isinstance(clip_grad, dict) or not clip_grad:
                raise ValueError('OptimWrapper: `clip_grad` must be None or a non-empty '
                                 'dict of clip_grad_norm_/clip_grad_value_ arguments, got '
                                 f'{clip_grad!r}')
            clip_grad = dict(clip_grad)
            clip_type = clip_grad.pop('type', 'norm')
            if clip_type not in _CLIP_FUNCTIONS:
                raise ValueError('OptimWrapper: `clip_grad.type` must be "norm" or "value", '
                                 f'got {clip_type!r}')
            if not clip_grad:
                raise ValueError('OptimWrapper: `clip_grad` needs arguments besides type, '
                                 'e.g. max_norm=35 or clip_value=1.0')
            self.clip_func, self.grad_name = _CLIP_FUNCTIONS[clip_type]
        self.clip_grad_kwargs = clip_grad
        self.message_hub = MessageHub.get_current_instance()
        self._inner_count = 0
        self._max_counts = -1
        self._remainder_counts = -1
        self.base_param_settings = self._make_base_param_settings(optimizer)

    def update_params(self, loss: torch.Tensor, step_kwargs: Optional[Dict] = None,
                      zero_kwargs: Optional[Dict] = None) -> None:
        """Scale ``loss`` for accumulation, back-propagate it, and — when the
        accumulation window is complete — clip, step and zero the grads."""
        cls = type(self)
        if cls.scale_loss is _SCALE_LOSS and cls.backward is _BACKWARD \
                and cls.should_update is _SHOULD_UPDATE and cls.step is _STEP \
                and cls.zero_grad is _ZERO_GRAD and vars(self).keys().isdisjoint(_UPDATE_STEPS):
            # None of the five methods is redefined (in a subclass or on the
            # instance): their work, inline. This runs every iteration, and
            # each Python call costs about 1 us once torch's work has run.
            if self._accumulative_counts != 1:
                loss = self.scale_loss(loss)
            loss.backward()
            count = self._inner_count = self._inner_count + 1
            if count % self._accumulative_counts == 0 or count == self._max_counts:
                if self.clip_grad_kwargs:
                    self._clip_grad()
                self.optimizer.step(**(step_kwargs or {}))
                self.optimizer.zero_grad(**(zero_kwargs or {}))
            return
        loss = self.scale_loss(loss)
        self.backward(loss)
        if self.should_update():
            self.step(**(step_kwargs or {}))
            self.zero_grad(**(zero_kwargs or {}))

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        loss.backward(**kwargs)
        self._inner_count += 1

    def zero_grad(self, **kwargs) -> None:
        self.optimizer.zero_grad(**kwargs)

    def step(self, **kwargs) -> None:
        if self.clip_grad_kwargs:
            self._clip_grad()
        self.optimizer.step(**kwargs)

    def optim_context(self, model: nn.Module):
        """Skip DDP's gradient all-reduce on backwards that will not step."""
        if not self.should_sync() and hasattr(model, 'no_sync'):
            return model.no_sync()
        return NO_CONTEXT

    def _clip_grad(self) -> None:
        params = [p for group in self.optimizer.param_groups for p in group['params']
                  if p.requires_grad and p.grad is not None]
        if params:
            result = self.clip_func(params, **self.clip_grad_kwargs)
            if result is not None:  # clip_grad_value_ returns None
                self.message_hub.update_scalar(f'train/{self.grad_name}', float(result))

    def initialize_count_status(self, model: nn.Module, init_counts: int, max_counts: int) -> None:
        """Tell the wrapper where training starts and ends (in iterations),
        so that the last, shorter accumulation window is scaled right."""
        self._inner_count = init_counts
        self._max_counts = max_counts
        if self._inner_count % self._accumulative_counts != 0:
            print_log('Resumed iteration number is not divisible by '
                      '`accumulative_counts`: the gradients of some iterations '
                      'are lost and the result may differ slightly.',
                      logger='current', level=logging.WARNING)
        if has_batch_norm(model) and self._accumulative_counts > 1:
            print_log('Gradient accumulation may slightly decrease performance '
                      'because the model has BatchNorm layers.',
                      logger='current', level=logging.WARNING)
        self._remainder_counts = self._max_counts % self._accumulative_counts

    def should_update(self) -> bool:
        return (self._inner_count % self._accumulative_counts == 0
                or self._inner_count == self._max_counts)

    def should_sync(self) -> bool:
        return ((self._inner_count + 1) % self._accumulative_counts == 0
                or (self._inner_count + 1) == self._max_counts)

    def scale_loss(self, loss: torch.Tensor) -> torch.Tensor:
        if self._accumulative_counts == 1:
            # MMEngine divides by 1; x / 1 is x exactly, so skip the extra op.
            return loss
        if self._max_counts == -1:
            loss_factor = self._accumulative_counts
        elif self._inner_count < self._max_counts - self._remainder_counts:
            loss_factor = self._accumulative_counts
        else:
            loss_factor = self._remainder_counts
        if loss_factor <= 0:
            raise RuntimeError(
                'OptimWrapper: the loss scale factor became 0: '
                f'initialize_count_status was given init_counts={self._inner_count} '
                f'beyond max_counts={self._max_counts}')
        return loss / loss_factor

    @property
    def inner_count(self) -> int:
        return self._inner_count

    def __repr__(self) -> str:
        return (f'Type: {type(self).__name__}\n'
                f'_accumulative_counts: {self._accumulative_counts}\n'
                f'optimizer: \n{self.optimizer!r}\n')


_SCALE_LOSS, _BACKWARD, _SHOULD_UPDATE, _STEP, _ZERO_GRAD = (
    getattr(OptimWrapper, name) for name in _UPDATE_STEPS)

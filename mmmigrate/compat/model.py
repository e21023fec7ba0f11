"""Legacy MMCV 1.x models on the bundled engine, unchanged.

``LegacyModel`` is a ``BaseModel`` around a module with the MMCV contract
(CATALOGUE §4.1): ``train_step(data, optimizer)`` returning ``loss`` /
``log_vars`` / ``num_samples``, ``val_step``, ``forward(..., return_loss=)``.

- A model whose ``train_step`` leaves the update to MMCV's ``OptimizerHook``
  (it returns ``loss``) is stepped as that hook did: ``zero_grad`` first,
  then backward on the model's own loss (its reduction untouched), clipping
  and the step, all through the engine's optim wrapper (so ``clip_grad``,
  accumulation and AMP settings of the converted config apply).
- A model that steps its optimizers itself (GAN style: no ``loss`` in what
  it returns) receives the raw torch optimizers, a dict of them for an
  ``OptimWrapperDict``, exactly what MMCV's runner passed.
- ``log_vars`` are returned for logging (MMCV's LogBuffer weighted them by
  ``num_samples`` over the logging interval; the engine logs a plain window
  mean: the same numbers while batches have equal size).
- ``val_step`` / ``test_step`` return ``forward(**data, return_loss=False)``.
"""
from typing import Union

import torch.nn as nn

from ..engine.model import BaseModel
from ..engine.optim import OptimWrapperDict
from ..engine.registry import MODELS


@MODELS.register_module()
class LegacyModel(BaseModel):
    """``model=dict(type='LegacyModel', module=dict(type='MyMMCVModel', ...))``
    in a config, or ``LegacyModel(my_mmcv_model)`` in code."""

    def __init__(self, module: Union[nn.Module, dict], data_preprocessor=None,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.last_outputs = None
        self.module = MODELS.build(module) if isinstance(module, dict) else module
        if not hasattr(self.module, 'train_step'):
            raise TypeError(f'{type(self.module).__name__} has no train_step(data, optimizer): '
                            'it does not follow the MMCV model contract')

    def train_step(self, data, optim_wrapper):
        data = self.data_preprocessor(data, True)
        outputs = self.module.train_step(data, _raw_optimizers(optim_wrapper))
        if not isinstance(outputs, dict):
            raise TypeError(f'{type(self.module).__name__}.train_step returned '
                            f'{type(outputs).__name__}; the MMCV contract is a dict with '
                            'loss, log_vars and num_samples')
        self.last_outputs = outputs  # what legacy hooks read as runner.outputs
        if 'loss' in outputs:
            if isinstance(optim_wrapper, OptimWrapperDict):
                raise TypeError('train_step returned a loss to back-propagate but there are '
                                'several optimizers: MMCV\'s OptimizerHook stepped one')
            if optim_wrapper._accumulative_counts == 1:
                optim_wrapper.zero_grad()  # OptimizerHook's order: zero_grad first
            optim_wrapper.update_params(outputs['loss'])
        return dict(outputs.get('log_vars', {}))

    def val_step(self, data):
        return self._predict(data)

    def test_step(self, data):
        return self._predict(data)

    def _predict(self, data):
        data = self.data_preprocessor(data, False)
        if isinstance(data, dict):
            return self.module(**data, return_loss=False)
        return self.module(*data, return_loss=False)

    def forward(self, *args, mode: str = 'tensor', **kwargs):
        return self.module(*args, return_loss=mode == 'loss', **kwargs)


def _raw_optimizers(optim_wrapper):
    if isinstance(optim_wrapper, OptimWrapperDict):
        return {name: wrapper.optimizer for name, wrapper in optim_wrapper.items()}
    return optim_wrapper.optimizer

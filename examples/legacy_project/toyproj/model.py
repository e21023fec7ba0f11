from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.runner import BaseModule, auto_fp16
from mmcv.utils import Registry

MODELS = Registry('models')


def build_model(cfg):
    return MODELS.build(cfg)


@MODELS.register_module()
class ToyRegressor(BaseModule):
    """A two-layer regressor following MMCV's model contract."""

    def __init__(self, in_channels=8, hidden=16, init_cfg=None):
        super().__init__(init_cfg)
        self.fp16_enabled = False
        self.body = nn.Sequential(
            nn.Linear(in_channels, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    @auto_fp16(apply_to=('x', ))
    def forward(self, x, y=None, return_loss=True):
        if return_loss:
            return self.forward_train(x, y)
        return self.forward_test(x)

    def forward_train(self, x, y):
        pred = self.body(x).squeeze(1)
        # the L1 term is summed over the batch on purpose: its scale must survive migration
        return dict(loss_mse=F.mse_loss(pred, y), loss_l1=0.01 * (pred - y).abs().sum())

    def forward_test(self, x):
        return list(self.body(x).squeeze(1))

    def _parse_losses(self, losses):
        log_vars = OrderedDict()
        for name, value in losses.items():
            log_vars[name] = value.mean()
        loss = sum(value for key, value in log_vars.items() if 'loss' in key)
        log_vars['loss'] = loss
        for name in log_vars:
            log_vars[name] = log_vars[name].item()
        return loss, log_vars

    def train_step(self, data, optimizer=None):
        losses = self(**data)
        loss, log_vars = self._parse_losses(losses)
        return dict(loss=loss, log_vars=log_vars, num_samples=len(data['x']))

    def val_step(self, data, optimizer=None):
        return self(**data, return_loss=False)

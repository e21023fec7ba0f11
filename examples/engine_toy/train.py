"""Train a toy model from a config with mmmigrate.engine's core parts:
Config, the MODELS registry, BaseModel, build_optim_wrapper (paramwise
options, clipping, accumulation) and parameter schedulers.

    python examples/engine_toy/train.py [--cfg-options optim_wrapper.optimizer.lr=0.1]

The loop below is what the engine's Runner (and MMEngine's) does for an
epoch-based run: schedulers with by_epoch=False step after every iteration,
the others after every epoch.
"""
import argparse
import os.path as osp

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

from mmmigrate.engine.config import Config, DictAction
from mmmigrate.engine.dataset import default_collate
from mmmigrate.engine.logging import MessageHub
from mmmigrate.engine.model import BaseModel
from mmmigrate.engine.optim import build_optim_wrapper
from mmmigrate.engine.registry import MODELS, PARAM_SCHEDULERS


@MODELS.register_module()
class ToyRegressor(BaseModel):
    def __init__(self, hidden: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, inputs, targets=None, mode='tensor'):
        predictions = self.net(inputs).squeeze(1)
        if mode == 'loss':
            return dict(loss_mse=(predictions - targets) ** 2)
        return predictions


def make_dataloader(num_samples: int, batch_size: int, seed: int) -> DataLoader:
    generator = torch.Generator().manual_seed(seed)
    inputs = torch.randn(num_samples, 4, generator=generator)
    targets = inputs @ torch.tensor([1.0, -2.0, 0.5, 3.0]) + 0.1
    return DataLoader(TensorDataset(inputs, targets), batch_size=batch_size,
                      collate_fn=default_collate)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', nargs='?', default=osp.join(osp.dirname(__file__), 'config.py'))
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={})
    args = parser.parse_args()

    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    torch.manual_seed(cfg.data.seed)
    hub = MessageHub.get_instance('engine_toy')
    model = MODELS.build(cfg.model)
    model.init_weights()
    loader = make_dataloader(**cfg.data)
    max_epochs = cfg.train_cfg.max_epochs
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    optim_wrapper.initialize_count_status(model, 0, max_epochs * len(loader))
    max_iters = max_epochs * len(loader)
    schedulers = []
    for scheduler_cfg in cfg.param_scheduler:
        # As the Runner does: a scheduler without `end` lasts the whole run.
        scheduler_cfg = dict(scheduler_cfg)
        scheduler_cfg.setdefault('end', max_epochs if scheduler_cfg.get('by_epoch', True)
                                 else max_iters)
        schedulers.append(PARAM_SCHEDULERS.build(
            scheduler_cfg, default_args=dict(optimizer=optim_wrapper, epoch_length=len(loader))))

    for epoch in range(max_epochs):
        losses = []
        for inputs, targets in loader:
            log_vars = model.train_step((inputs, targets), optim_wrapper)
            losses.append(log_vars['loss'].item())
            for scheduler in schedulers:
                if not scheduler.by_epoch:
                    scheduler.step()
        for scheduler in schedulers:
            if scheduler.by_epoch:
                scheduler.step()
        grad_norm = hub.get_scalar('train/grad_norm').current()
        print(f'epoch {epoch + 1}/{max_epochs}  loss {sum(losses) / len(losses):.4f}  '
              f'lr {optim_wrapper.get_lr()["lr"][0]:.5f}  grad_norm {grad_norm:.3f}')


if __name__ == '__main__':
    main()

"""Runs a ``param_scheduler`` on the bundled engine with the set-up that
produced ``spec/golden/mmcv_lr_schedules.json.gz`` and records the lr and
momentum every ``optimizer.step()`` used."""
import gzip
import json
from pathlib import Path

import torch
import torch.nn as nn

from mmmigrate.engine.hooks import Hook
from mmmigrate.engine.model import BaseModel
from mmmigrate.engine.runner import Runner
from mmmigrate.migrate.translate.schedules import TrainingShape

GOLDEN = Path(__file__).resolve().parents[2].parent / 'shared' / 'spec' / 'golden' \
    / 'mmcv_lr_schedules.json.gz'


def load_golden() -> list:
    with gzip.open(GOLDEN, 'rt') as f:
        return json.load(f)


def shape_of(case: dict) -> TrainingShape:
    lr = case['lr']
    return TrainingShape(
        runner=case['runner'],
        max_epochs=case['E'] if case['runner'] == 'epoch' else None,
        max_iters=case['T'] if case['runner'] == 'iter' else None,
        epoch_length=case['L'],
        base_lrs=(lr * 0.1, lr * 0.1, lr, lr) if case['paramwise'] else (lr, ),
        base_momentum=case['momentum'])


class _TwoLayer(BaseModel):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Linear(1, 1)
        self.head = nn.Linear(1, 1)

    def forward(self, x, y, mode='loss'):
        # The golden runs let this loss blow up at large lrs (MMCV trains
        # on through inf); the schedule does not depend on the weights, so
        # the loss is scaled to 0 to keep the engine's NaN guard quiet.
        return dict(loss=(self.head(self.backbone(x)) - y).pow(2).sum() * 0.0)


class _Recorder(Hook):
    priority = 'LOWEST'

    def __init__(self):
        self.lr, self.momentum = [], []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        groups = runner.optim_wrapper.optimizer.param_groups
        self.lr.append([g['lr'] for g in groups])
        self.momentum.append([g['betas'][0] if 'betas' in g else g['momentum'] for g in groups])


class _Batches(torch.utils.data.Dataset):
    def __init__(self, length):
        self.length = length

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        return dict(x=torch.ones(1), y=torch.ones(1))


def run_schedule(case: dict, param_scheduler: list, work_dir) -> tuple:
    """(lr per step, momentum per step), each a list of per-group lists."""
    torch.manual_seed(0)
    model = _TwoLayer()
    if case.get('optim') == 'adamw':
        optimizer = dict(type='AdamW', lr=case['lr'], betas=(case['momentum'], 0.99),
                         weight_decay=0.01)
    else:
        optimizer = dict(type='SGD', lr=case['lr'], momentum=case['momentum'])
    optim_wrapper = dict(optimizer=optimizer)
    if case['paramwise']:
        optim_wrapper['paramwise_cfg'] = dict(custom_keys={'backbone': dict(lr_mult=0.1)})
    if case['runner'] == 'epoch':
        train_cfg = dict(by_epoch=True, max_epochs=case['E'], val_interval=10**9)
    else:
        train_cfg = dict(by_epoch=False, max_iters=case['T'], val_interval=10**9)
    loader = dict(dataset=_Batches(case['L']), batch_size=1, num_workers=0,
                  sampler=dict(type='DefaultSampler', shuffle=False),
                  collate_fn=dict(type='default_collate'))
    recorder = _Recorder()
    runner = Runner(model=model, work_dir=str(work_dir), train_dataloader=loader,
                    train_cfg=train_cfg, optim_wrapper=optim_wrapper,
                    param_scheduler=param_scheduler or None,
                    default_hooks=dict(checkpoint=None, logger=None),
                    custom_hooks=[recorder], log_level='WARNING',
                    experiment_name=f'sched_{abs(hash(case["name"]))}')
    runner.logger.setLevel('ERROR')
    runner.train()
    return recorder.lr, recorder.momentum


def max_relative_difference(measured: list, expected: list) -> float:
    worst = 0.0
    if len(measured) != len(expected):
        return float('inf')
    for got_row, want_row in zip(measured, expected):
        if len(got_row) != len(want_row):
            return float('inf')
        for got, want in zip(got_row, want_row):
            worst = max(worst, abs(got - want) / max(abs(want), 1e-300))
    return worst

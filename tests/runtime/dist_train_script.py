"""Trains under torchrun (``launcher='pytorch'``, gloo on CPU) and writes
what each rank ended with; driven by test_distributed.py.

    torchrun --nproc_per_node 2 dist_train_script.py MODE OUT_DIR
"""
import json
import os
import sys

import torch
import torch.nn as nn

from mmmigrate.engine.dist import get_rank
from mmmigrate.engine.evaluator import BaseMetric
from mmmigrate.engine.hooks import Hook
from mmmigrate.engine.model import BaseModel, MMSeparateDistributedDataParallel
from mmmigrate.engine.optim import OptimWrapper, OptimWrapperDict
from mmmigrate.engine.registry import MODEL_WRAPPERS
from mmmigrate.engine.runner import Runner


class Regressor(BaseModel):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 8)
        self.fc2 = nn.Linear(8, 1)

    def forward(self, inputs, targets=None, mode='tensor'):
        out = self.fc2(torch.tanh(self.fc1(inputs))).squeeze(1)
        if mode == 'loss':
            return dict(loss=(out - targets) ** 2)
        return [o for o in out]


class BNRegressor(Regressor):
    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm1d(3)

    def forward(self, inputs, targets=None, mode='tensor'):
        return super().forward(self.bn(inputs), targets, mode)


class SquaredError(BaseMetric):
    """Per-sample squared errors, gathered from every rank."""
    default_prefix = 'toy'

    def process(self, data_batch, data_samples):
        for pred, target in zip(data_samples, data_batch['targets']):
            self.results.append(round(float((pred - target) ** 2), 5))

    def compute_metrics(self, results):
        return dict(count=len(results), sse=round(sum(results), 4))


class TwoPartModel(BaseModel):
    """A GAN-shaped model: two parts, each with its own optimizer."""

    def __init__(self):
        super().__init__()
        self.first = nn.Linear(3, 1)
        self.second = nn.Linear(3, 1)

    def train_step(self, data, optim_wrapper):
        data = self.data_preprocessor(data, True)
        loss_a = ((self.first(data['inputs']).squeeze(1) - data['targets']) ** 2).mean()
        optim_wrapper['first'].update_params(loss_a)
        loss_b = ((self.second(data['inputs']).squeeze(1) + data['targets']) ** 2).mean()
        optim_wrapper['second'].update_params(loss_b)
        return dict(loss_a=loss_a, loss_b=loss_b)

    def forward(self, inputs, targets=None, mode='tensor'):
        return self.first(inputs)


class CustomModel(BaseModel):
    """Seed 000's CustomModel, which optimises twice per batch."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 1)

    def forward(self, data, mode='tensor'):
        out = self.fc(data['inputs']).squeeze(1)
        return ((out - data['targets']) ** 2).mean()


@MODEL_WRAPPERS.register_module(force=True)
class CustomDistributedDataParallel(MMSeparateDistributedDataParallel):
    def train_step(self, data, optim_wrapper):
        # seed typo: self.data_preprocessor and self(...) - the wrapper holds the
        # model as self.module (MMSeparateDistributedDataParallel has no
        # preprocessor and no forward of its own).
        data = self.module.data_preprocessor(data, training=True)
        loss = self.module(data, mode='loss')
        optim_wrapper.update_params(loss)
        data = self.module.data_preprocessor(data, training=False)
        loss = self.module(data, mode='loss')
        optim_wrapper.update_params(loss)
        return dict(loss=loss)


class IndexRecorder(Hook):
    def __init__(self):
        self.indices = []

    def before_train_epoch(self, runner):
        self.indices.append(list(iter(runner.train_dataloader.sampler)))


def dataset(size=16):
    g = torch.Generator().manual_seed(3)
    inputs = torch.randn(size, 3, generator=g)
    targets = inputs.sum(1)
    return [dict(inputs=inputs[i], targets=targets[i]) for i in range(size)]


def run(mode: str, out_dir: str, world_batch: int = 4):
    world_size = int(os.environ.get('WORLD_SIZE', 1))
    loader = dict(dataset=dataset(), batch_size=world_batch // world_size,
                  sampler=dict(type='DefaultSampler', shuffle=True),
                  collate_fn=dict(type='default_collate'))
    recorder = IndexRecorder()
    common = dict(work_dir=os.path.join(out_dir, 'work'), train_dataloader=loader,
                  train_cfg=dict(by_epoch=True, max_epochs=3),
                  launcher='pytorch' if world_size > 1 else 'none',
                  env_cfg=dict(dist_cfg=dict(backend='gloo')), randomness=dict(seed=0),
                  default_hooks=dict(checkpoint=None, logger=dict(type='LoggerHook', interval=4)),
                  custom_hooks=[recorder])
    torch.manual_seed(0)
    if mode == 'ddp':
        model = Regressor()
        # 7 validation samples: DefaultSampler pads rank 1; the metric must
        # still see each sample once.
        val_loader = dict(dataset=dataset(7), batch_size=2, collate_fn=dict(type='default_collate'),
                          sampler=dict(type='DefaultSampler', shuffle=False))
        runner = Runner(model=model, optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05)),
                        val_dataloader=val_loader, val_cfg=dict(), val_evaluator=[SquaredError()],
                        **common)
    elif mode == 'bn_sync':
        model = BNRegressor()
        common['custom_hooks'].append(dict(type='SyncBuffersHook'))
        runner = Runner(model=model, optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05)),
                        **common)
    elif mode == 'separate':
        model = TwoPartModel()
        optim_wrapper = OptimWrapperDict(
            first=OptimWrapper(torch.optim.SGD(model.first.parameters(), lr=0.05)),
            second=OptimWrapper(torch.optim.SGD(model.second.parameters(), lr=0.05)))
        cfg = dict(model_wrapper_cfg='MMSeparateDistributedDataParallel')
        runner = Runner(model=model, optim_wrapper=optim_wrapper, cfg=cfg, **common)
    elif mode == 'fsdp':
        model = Regressor()
        cfg = dict(model_wrapper_cfg=dict(type='MMFullyShardedDataParallel'))
        runner = Runner(model=model, optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05)),
                        cfg=cfg, **common)
    else:
        model = CustomModel()
        cfg = dict(model_wrapper_cfg=dict(type='CustomDistributedDataParallel'))
        runner = Runner(model=model, optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05)),
                        cfg=cfg, **common)
    runner.train()
    if mode == 'fsdp':
        from torch.distributed.fsdp import FullyShardedDataParallel as FSDP
        from torch.distributed.fsdp import StateDictType
        with FSDP.state_dict_type(runner.model, StateDictType.FULL_STATE_DICT):
            state = runner.model.state_dict()
        model = Regressor()
        model.load_state_dict(state)
    metrics = {k: v for k, v in runner.message_hub.runtime_info.items() if k.startswith('val/')}
    metrics.update({k: v.current() for k, v in runner.message_hub.log_scalars.items()
                    if k.startswith('val/')})
    result = dict(wrapper=type(runner.model).__name__, indices=recorder.indices, metrics=metrics,
                  # MMSeparateDistributedDataParallel wraps the children in place.
                  params={k.replace('.module.', '.'): v.double().flatten().tolist()
                          for k, v in model.state_dict().items()})
    with open(os.path.join(out_dir, f'rank{get_rank()}.json'), 'w') as f:
        json.dump(result, f)


if __name__ == '__main__':
    run(sys.argv[1], sys.argv[2])
    if torch.distributed.is_initialized():
        # Leave together: a gloo rank that exits while the other still holds
        # the group aborts.
        torch.distributed.barrier()
        torch.distributed.destroy_process_group()
        # gloo's worker threads sometimes abort during interpreter teardown
        # (after everything here is done); end the process directly.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

"""Differential scenarios: the same code run on real MMEngine 0.10.7 and on
``mmmigrate.engine``; each suite returns JSON-able results.

Run standalone (this is how the oracle side is recorded)::

    python tests/oracle/scenarios.py --backend mmengine --suite schedulers

Inside the test-suite the same functions run in-process with
``backend='mmmigrate.engine'``. The file imports nothing of the project,
so it runs in the oracle's virtual environment unchanged.
"""
import argparse
import importlib
import json
import os
import random
import re
import sys
import tempfile
import warnings

import torch
import torch.nn as nn

SUITES = ('schedulers', 'paramwise', 'training', 'parse_losses', 'config', 'model', 'runner',
          'logging')


def load_backend(name: str):
    """Import the engine under test: 'mmengine' or 'mmmigrate.engine'."""
    modules = {}
    for part in ('config', 'dataset', 'evaluator', 'hooks', 'logging', 'model', 'optim',
                 'registry', 'runner'):
        modules[part] = importlib.import_module(f'{name}.{part}')
    return argparse.Namespace(**modules)


def fhex(value) -> str:
    """Exact text of a float (bitwise comparisons)."""
    return float(value).hex()


def tensor_hex(tensor) -> list:
    return [fhex(v) for v in tensor.detach().double().flatten().tolist()]


def _fresh_message_hub(E, name):
    """A new MessageHub, made the current one (optimizer wrappers log the
    grad norm into the current hub)."""
    import uuid
    return E.logging.MessageHub.get_instance(f'{name}-{uuid.uuid4().hex}')


# --------------------------------------------------------------- schedulers
class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Linear(2, 2)
        self.head = nn.Linear(2, 1)


def scheduler_cases() -> list:
    """Deterministic set of >150 scheduler configurations."""
    rng = random.Random(20261123)
    cases = []

    def add(name, schedulers, epochs=6, epoch_len=5, optim='sgd', groups=1,
            metrics=None):
        cases.append(dict(name=name, schedulers=schedulers, epochs=epochs, epoch_len=epoch_len,
                          optim=optim, groups=groups, metrics=metrics))

    kinds = ['LR', 'Momentum']
    for by_epoch in (True, False):
        unit = 6 if by_epoch else 30
        tag = 'ep' if by_epoch else 'it'
        for kind in kinds:
            prefix = kind
            base = [
                ('Constant', dict(factor=0.5, end=unit // 3)),
                ('Constant', dict(factor=0.25, begin=1, end=unit - 1)),
                ('Linear', dict(start_factor=0.1, end=unit // 2)),
                ('Linear', dict(start_factor=0.5, end_factor=0.2, begin=1, end=unit)),
                ('Step', dict(step_size=2, gamma=0.5)),
                ('Step', dict(step_size=3, gamma=0.1, begin=1, end=unit - 1)),
                ('MultiStep', dict(milestones=[1, unit // 2, unit // 2], gamma=0.5)),
                ('MultiStep', dict(milestones=[2, 4], gamma=0.3, begin=1)),
                ('Exponential', dict(gamma=0.9)),
                ('Exponential', dict(gamma=0.8, begin=2, end=unit - 1)),
                ('CosineAnnealing', dict(T_max=unit, eta_min=0.001 if kind == 'LR' else 0.5)),
                ('CosineAnnealing', dict(T_max=unit // 2, eta_min_ratio=0.1)),
                ('CosineAnnealing', dict(begin=1, end=unit - 1)),
                ('Poly', dict(power=2.0, eta_min=0.0001 if kind == 'LR' else 0.5, end=unit)),
                ('Poly', dict(power=0.9, begin=2, end=unit + 1)),
                ('CosineRestart', dict(periods=[unit // 3, unit - unit // 3],
                                       restart_weights=[1, 0.5], eta_min=0.0)),
                ('CosineRestart', dict(periods=[2, 2, unit], restart_weights=[1, 0.8, 0.3],
                                       eta_min_ratio=0.05)),
            ]
            for index, (sched, args) in enumerate(base):
                cfg = dict(type=f'{sched}{prefix}', by_epoch=by_epoch, **args)
                optim = 'adamw' if kind == 'Momentum' and index % 3 == 0 else 'sgd'
                add(f'{tag}_{sched}{prefix}_{index}', [cfg], optim=optim,
                    groups=1 + index % 2)
    # OneCycle (learning rate only).
    for by_epoch in (True, False):
        total = 6 if by_epoch else 30
        for strategy in ('cos', 'linear'):
            for three in (False, True):
                for pct in (0.3, 0.25):
                    add(f'onecycle_{by_epoch}_{strategy}_{three}_{pct}',
                        [dict(type='OneCycleLR', eta_max=0.5, total_steps=total, pct_start=pct,
                              anneal_strategy=strategy, three_phase=three, by_epoch=by_epoch,
                              div_factor=20., final_div_factor=100.)])
    # With several param groups the wrapper's base_param_settings group needs
    # a value too: 4 parameter groups + 1.
    add('onecycle_list_eta_max', [dict(type='OneCycleLR', eta_max=[0.5, 0.45, 0.4, 0.35, 0.3],
                                       total_steps=30, by_epoch=False)], groups=2)
    add('onecycle_list_eta_max_without_base_group',
        [dict(type='OneCycleLR', eta_max=[0.5, 0.45, 0.4, 0.35], total_steps=30,
              by_epoch=False)], groups=2)
    # ReduceOnPlateau.
    metrics = [1.0, 0.9, 0.95, 0.96, 0.97, 0.85, 0.86, 0.87, 0.88]
    for kind in kinds:
        for rule, thr_rule, patience in (('less', 'rel', 1), ('less', 'abs', 0),
                                         ('greater', 'rel', 1), ('greater', 'abs', 2)):
            add(f'plateau_{kind}_{rule}_{thr_rule}_{patience}',
                [dict(type=f'ReduceOnPlateau{kind}', monitor='loss', rule=rule,
                      threshold_rule=thr_rule, patience=patience, factor=0.5,
                      cooldown=1, min_value=0.01)],
                epochs=9, metrics=metrics, groups=1 + patience % 2)
    # Generic schedulers on another parameter.
    add('generic_weight_decay_step', [dict(type='StepParamScheduler', param_name='weight_decay',
                                           step_size=2, gamma=0.5)])
    add('generic_lr_cosine_iter', [dict(type='CosineAnnealingParamScheduler', param_name='lr',
                                        by_epoch=False, T_max=30)])
    # Chains: warmup + main policy, mixed units.
    mains = [
        dict(type='MultiStepLR', milestones=[3, 5], gamma=0.1, by_epoch=True),
        dict(type='CosineAnnealingLR', T_max=6, eta_min=0.0, by_epoch=True),
        dict(type='CosineAnnealingLR', T_max=6, eta_min=0.01, by_epoch=True),
        dict(type='PolyLR', power=0.9, eta_min=0.001, begin=0, end=31, by_epoch=False),
        dict(type='CosineAnnealingLR', eta_min=0.001, begin=7, end=30, T_max=23, by_epoch=False),
        dict(type='ExponentialLR', gamma=0.95, by_epoch=False),
        dict(type='StepLR', step_size=2, gamma=0.5, by_epoch=True),
    ]
    warmups = [
        dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=8),
        dict(type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=4),
        dict(type='ConstantLR', factor=0.1, by_epoch=False, begin=0, end=8),
        dict(type='LinearLR', start_factor=0.2, by_epoch=True, begin=0, end=2),
    ]
    for i, main in enumerate(mains):
        for j, warm in enumerate(warmups):
            add(f'chain_{i}_{j}', [warm, main], groups=1 + (i + j) % 2,
                optim='adamw' if (i + j) % 4 == 0 else 'sgd')
    # Momentum and lr together.
    add('lr_and_momentum', [dict(type='CosineAnnealingLR', T_max=6, by_epoch=True),
                            dict(type='CosineAnnealingMomentum', T_max=6, eta_min=0.85,
                                 by_epoch=True)])
    # convert_to_iter_based.
    conv = [
        dict(type='MultiStepLR', milestones=[2, 4], gamma=0.5),
        dict(type='StepLR', step_size=2, gamma=0.5),
        dict(type='CosineAnnealingLR', T_max=6, eta_min=0.001),
        dict(type='CosineAnnealingLR', begin=1, end=6, eta_min_ratio=0.1),
        dict(type='LinearLR', start_factor=0.25, begin=0, end=2),
        dict(type='ConstantLR', factor=0.5, begin=0, end=1),
        dict(type='ExponentialLR', gamma=0.9, begin=1, end=5),
        dict(type='PolyLR', power=1.5, eta_min=0.0, begin=0, end=6),
        dict(type='OneCycleLR', eta_max=0.4, total_steps=6),
        dict(type='CosineRestartLR', periods=[2, 4], restart_weights=[1, 0.5], eta_min=0.0),
        dict(type='CosineAnnealingMomentum', T_max=6, eta_min=0.8),
        dict(type='MultiStepMomentum', milestones=[1, 3], gamma=0.9),
    ]
    for i, cfg in enumerate(conv):
        for epoch_len in (3, 5, 7):
            add(f'convert_{i}_{cfg["type"]}_{epoch_len}',
                [dict(cfg, convert_to_iter_based=True)], epoch_len=epoch_len)
    # Random chains.
    generators = [
        lambda: dict(type='LinearLR', start_factor=round(rng.uniform(0.05, 0.9), 3),
                     by_epoch=False, begin=0, end=rng.randint(2, 12)),
        lambda: dict(type='MultiStepLR', by_epoch=rng.random() < 0.5,
                     milestones=sorted(rng.sample(range(1, 6), 2)), gamma=0.5),
        lambda: dict(type='CosineAnnealingLR', by_epoch=False, begin=rng.randint(0, 5),
                     end=rng.randint(20, 35), eta_min=rng.choice([0.0, 0.001])),
        lambda: dict(type='ExponentialLR', gamma=round(rng.uniform(0.8, 0.99), 3),
                     by_epoch=rng.random() < 0.5, begin=rng.randint(0, 3)),
        lambda: dict(type='PolyLR', power=round(rng.uniform(0.5, 2.0), 2), eta_min=0.0,
                     by_epoch=False, begin=rng.randint(0, 4), end=rng.randint(25, 31)),
    ]
    for k in range(30):
        chain = [rng.choice(generators)() for _ in range(rng.randint(2, 3))]
        add(f'random_chain_{k}', chain, epochs=rng.randint(4, 7), epoch_len=rng.randint(3, 7),
            groups=rng.randint(1, 2), optim=rng.choice(['sgd', 'adamw']))
    return cases


def _build_optim_wrapper(E, optim: str, groups: int):
    torch.manual_seed(0)
    model = TwoLayer()
    if optim == 'sgd':
        optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)
    else:
        optimizer = dict(type='AdamW', lr=0.1, betas=(0.9, 0.99), weight_decay=0.01)
    cfg = dict(type='OptimWrapper', optimizer=optimizer)
    if groups > 1:
        cfg['paramwise_cfg'] = dict(custom_keys={'backbone': dict(lr_mult=0.1)})
    return E.optim.build_optim_wrapper(model, cfg)


def _group_values(optim_wrapper, key: str) -> list:
    values = []
    for group in optim_wrapper.param_groups:
        if key == 'momentum' and 'momentum' not in group:
            values.append(group['betas'][0])
        else:
            values.append(group[key])
    return values


def run_scheduler_case(E, case: dict) -> dict:
    optim_wrapper = _build_optim_wrapper(E, case['optim'], case['groups'])
    epoch_len = case['epoch_len']
    schedulers = [E.registry.PARAM_SCHEDULERS.build(
        dict(cfg), default_args=dict(optimizer=optim_wrapper, epoch_length=epoch_len))
        for cfg in case['schedulers']]
    record = {'lr': [], 'momentum': [], 'weight_decay': []}
    for epoch in range(case['epochs']):
        for _ in range(epoch_len):
            for key in record:
                record[key].append([fhex(v) for v in _group_values(optim_wrapper, key)])
            optim_wrapper.optimizer.step()
            for scheduler in schedulers:
                if not scheduler.by_epoch:
                    scheduler.step()
        for scheduler in schedulers:
            if scheduler.by_epoch:
                scheduler.step()
        if case['metrics'] is not None:
            for scheduler in schedulers:
                if scheduler.by_epoch and getattr(scheduler, 'need_val_args', False):
                    scheduler.step({'loss': case['metrics'][epoch]})
    record['last_step'] = [s.last_step for s in schedulers]
    return record


def suite_schedulers(E) -> dict:
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for case in scheduler_cases():
            try:
                results[case['name']] = run_scheduler_case(E, case)
            except Exception as e:  # the oracle's refusals are results too
                results[case['name']] = {'error': type(e).__name__}
    return results


# ---------------------------------------------------------------- paramwise
class ParamwiseNet(nn.Module):
    """Conv, BN, depth-wise conv, bias, embedding, norms, a frozen and a
    shared parameter."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, bias=True)
        self.bn = nn.BatchNorm2d(8)
        self.dwconv = nn.Conv2d(8, 8, 3, groups=8, bias=True)
        self.pwconv = nn.Conv2d(8, 4, 1, bias=False)
        self.gn = nn.GroupNorm(2, 4)
        self.embed = nn.Embedding(10, 4)
        self.ln = nn.LayerNorm(4)
        self.backbone = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 4))
        self.head = nn.Linear(4, 2)
        self.frozen = nn.Linear(2, 2)
        self.frozen.weight.requires_grad_(False)
        self.shared = self.head  # the same parameters under a second name
        self.scale = nn.Parameter(torch.ones(4))


PARAMWISE_CASES = {
    'none': None,
    'bias_lr_mult': dict(bias_lr_mult=2.0),
    'bias_decay_mult': dict(bias_decay_mult=0.0),
    'norm_decay_mult': dict(norm_decay_mult=0.0),
    'dwconv_decay_mult': dict(dwconv_decay_mult=0.5),
    'flat_decay_mult': dict(flat_decay_mult=0.0),
    'dcn_offset_lr_mult': dict(dcn_offset_lr_mult=0.1),
    'bypass_duplicate': dict(bypass_duplicate=True),
    'custom_keys': dict(custom_keys={'backbone': dict(lr_mult=0.1),
                                     'backbone.0': dict(lr_mult=0.5, decay_mult=0.0),
                                     'head': dict(decay_mult=2.0, momentum=0.5)}),
    'custom_keys_embed': dict(custom_keys={'embed': dict(lr_mult=0.0, decay_mult=0.0),
                                           '.scale': dict(lr_mult=3.0)}),
    'all_mults': dict(bias_lr_mult=2.0, bias_decay_mult=0.5, norm_decay_mult=0.0,
                      dwconv_decay_mult=0.1, flat_decay_mult=0.3, bypass_duplicate=True),
    'custom_and_mults': dict(custom_keys={'conv': dict(lr_mult=0.2)}, bias_lr_mult=2.0,
                             norm_decay_mult=0.0, dwconv_decay_mult=0.1),
    'dw_bias_precedence': dict(bias_decay_mult=0.0, dwconv_decay_mult=0.5),
}


def suite_paramwise(E) -> dict:
    results = {}
    for name, paramwise_cfg in PARAMWISE_CASES.items():
        torch.manual_seed(0)
        model = ParamwiseNet()
        names = {id(p): n for n, p in model.named_parameters(remove_duplicate=False)}
        cfg = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
        if paramwise_cfg is not None:
            cfg['paramwise_cfg'] = paramwise_cfg
        optim_wrapper = E.optim.build_optim_wrapper(model, cfg)
        groups = []
        for group in optim_wrapper.optimizer.param_groups:
            entry = {k: (fhex(v) if isinstance(v, float) else v)
                     for k, v in sorted(group.items()) if k != 'params'}
            entry['params'] = [names[id(p)] for p in group['params']]
            groups.append(entry)
        results[name] = groups
    return results


# ----------------------------------------------------------------- training
def _toy_model_class(E):
    class ToyModel(E.model.BaseModel):
        def __init__(self):
            super().__init__()
            self.backbone = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8))
            self.bn = nn.BatchNorm1d(8)
            self.head = nn.Linear(8, 2)

        def forward(self, inputs, labels=None, mode='tensor'):
            out = self.head(self.bn(self.backbone(inputs)).relu())
            if mode == 'loss':
                return dict(loss_mse=((out - labels)**2).sum(dim=1),
                            loss_aux=[out.abs().mean() * 0.1, out.pow(2).mean() * 0.01],
                            acc=(out.argmax(1) == 0).float().mean())
            return out
    return ToyModel


TRAINING_CASES = {
    'plain_sgd': dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9)),
    'accum3_clipnorm_paramwise': dict(
        optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-3),
        accumulative_counts=3, clip_grad=dict(max_norm=0.5, norm_type=2),
        paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)}, norm_decay_mult=0.0,
                           bias_lr_mult=2.0)),
    'accum4_remainder_adamw': dict(
        optimizer=dict(type='AdamW', lr=0.01, weight_decay=0.05), accumulative_counts=4,
        clip_grad=dict(max_norm=1.0)),
    'clip_value': dict(optimizer=dict(type='SGD', lr=0.1), clip_grad=dict(type='value',
                                                                         clip_value=0.05)),
    'accum7_tuple_data': dict(optimizer=dict(type='SGD', lr=0.02, nesterov=True, momentum=0.9),
                              accumulative_counts=7),
}


def run_training_case(E, name: str, cfg: dict, steps: int = 20) -> dict:
    hub = _fresh_message_hub(E, f'training-{name}')
    torch.manual_seed(1234)
    model = _toy_model_class(E)()
    optim_wrapper = E.optim.build_optim_wrapper(model, dict(cfg))
    optim_wrapper.initialize_count_status(model, 0, steps)
    schedulers = [
        E.registry.PARAM_SCHEDULERS.build(
            dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=5),
            default_args=dict(optimizer=optim_wrapper)),
        E.registry.PARAM_SCHEDULERS.build(
            dict(type='MultiStepLR', milestones=[12], gamma=0.5, by_epoch=False),
            default_args=dict(optimizer=optim_wrapper)),
    ]
    generator = torch.Generator().manual_seed(99)
    record = {'loss': [], 'log_vars': [], 'grad_norm': [], 'lr': []}
    for step in range(steps):
        inputs = torch.randn(6, 4, generator=generator)
        labels = torch.randn(6, 2, generator=generator)
        data = (inputs, labels) if name.endswith('tuple_data') else dict(inputs=inputs,
                                                                           labels=labels)
        record['lr'].append([fhex(g['lr']) for g in optim_wrapper.param_groups])
        log_vars = model.train_step(data, optim_wrapper)
        record['loss'].append(fhex(log_vars['loss']))
        record['log_vars'].append({k: fhex(v) for k, v in log_vars.items()})
        for scheduler in schedulers:
            scheduler.step()
    if 'train/grad_norm' in hub.log_scalars:
        record['grad_norm'] = [fhex(v) for v in hub.get_scalar('train/grad_norm').data[0]]
    record['params'] = {k: tensor_hex(v) for k, v in model.state_dict().items()}
    return record


def suite_training(E) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        return {name: run_training_case(E, name, cfg) for name, cfg in TRAINING_CASES.items()}


# ------------------------------------------------------------- parse_losses
def parse_losses_cases() -> dict:
    g = torch.Generator().manual_seed(7)

    def t(*shape):
        return torch.rand(*shape, generator=g)

    return {
        'single_tensor': {'loss': t(4)},
        'tensors_mixed_keys': {'loss_cls': t(4, 3), 'loss_bbox': t(5), 'acc': t(1),
                               'my_loss_extra': t(2, 2), 'not_a_l0ss': t(3)},
        'list_values': {'loss_rpn': [t(3), t(2, 2), t(1)], 'loss_cls': t(2)},
        'model_returns_loss_key': {'loss': t(3), 'loss_b': t(2)},
        'scalar_tensors': {'loss_a': torch.tensor(1.5), 'loss_b': torch.tensor(2.25),
                           'top1': torch.tensor(0.5)},
        'no_loss_keys': {'acc': t(3), 'recall': t(2)},
        'float_value_error': {'loss': 1.0},
        'tuple_value_error': {'loss': (t(1), t(1))},
        'list_with_float_error': {'loss': [t(1), 2.0]},
    }


def suite_parse_losses(E) -> dict:
    class Bare(E.model.BaseModel):
        def forward(self, *args, **kwargs):
            return {}

    model = Bare()
    results = {}
    for name, losses in parse_losses_cases().items():
        try:
            loss, log_vars = model.parse_losses(losses)
        except Exception as e:
            results[name] = {'error': type(e).__name__}
            continue
        results[name] = {'loss': fhex(loss), 'keys': list(log_vars),
                         'values': [fhex(v) for v in log_vars.values()]}
    return results


# ------------------------------------------------------------------- config
CONFIG_FILES = {
    'base/model.py': ("model = dict(type='Net', depth=50, norm_cfg=dict(type='BN', "
                      "requires_grad=True), widths=[64, 128])\n"),
    'base/schedule.py': ("optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.02, "
                         "momentum=0.9, weight_decay=1e-4))\n"
                         "param_scheduler = [dict(type='LinearLR', start_factor=0.001, "
                         "by_epoch=False, begin=0, end=500), dict(type='MultiStepLR', "
                         "milestones=[8, 11])]\ntrain_cfg = dict(max_epochs=12)\n"),
    'base/runtime.yaml': ("default_scope: mmengine\nlog_level: INFO\nenv_cfg:\n"
                          "  cudnn_benchmark: false\n  dist_cfg: {backend: nccl}\n"),
    'base/data.json': ('{"train_dataloader": {"batch_size": 2, "num_workers": 2, '
                       '"sampler": {"type": "DefaultSampler", "shuffle": true}}}'),
    'child.py': ("_base_ = ['./base/model.py', './base/schedule.py', './base/runtime.yaml', "
                 "'./base/data.json']\n"
                 "model = dict(depth=101, norm_cfg=dict(_delete_=True, type='GN', "
                 "num_groups=32))\n"
                 "optim_wrapper = dict(optimizer=dict(lr=0.01))\n"
                 "lr_copy = {{_base_.optim_wrapper.optimizer.lr}}\n"
                 "depth_ref = _base_.model.depth * 2\n"
                 "widths = _base_.model.widths + [256]\n"
                 "work_dir = '{{ fileDirname }}/work/{{ fileBasenameNoExtension }}'\n"
                 "ext = '{{ fileExtname }}'\n"
                 "import os\n"
                 "def helper(x):\n    return x\n"
                 "computed = helper(3) * 2\n"
                 "train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=100)\n"),
    'grandchild.py': ("_base_ = './child.py'\n"
                      "param_scheduler = [dict(type='CosineAnnealingLR', T_max=12)]\n"
                      "env_cfg = dict(dist_cfg=dict(backend='gloo'))\n"),
    'yaml_child.yaml': ("_base_: ./base/model.py\nmodel:\n  depth: 18\n"
                        "extra: [1, 2, {a: 3}]\n"),
    'env_vars.py': "data_root = '{{$MMMIGRATE_TEST_ROOT:/default/root}}'\nx = 1\n",
}

CONFIG_OPTIONS = [
    ('grandchild.py', {'model.depth': 152, 'optim_wrapper.optimizer.lr': 0.5,
                       'param_scheduler.0.T_max': 20, 'new_key.sub': [1, 2]}),
    ('child.py', {'param_scheduler.1.milestones': [9, 10], 'train_cfg.max_iters': 7}),
]

DICT_ACTION_ARGS = ['a=1', 'b=2.5', 'c=true', 'd=None', 'e=x,y', 'f=[1,2,(3,4)]',
                    'g=(a,[b,c])', "h='[1, 2]'", 'i=False', 'j=str']


def _jsonable(value, root=None):
    if isinstance(value, dict):
        return {str(k): _jsonable(v, root) for k, v in value.items()}
    if isinstance(value, tuple):
        return {'__tuple__': [_jsonable(v, root) for v in value]}
    if isinstance(value, list):
        return [_jsonable(v, root) for v in value]
    if isinstance(value, float):
        return {'__float__': fhex(value)}
    if isinstance(value, str) and root:
        return value.replace(root, '<root>')
    return value


def suite_config(E) -> dict:
    with tempfile.TemporaryDirectory(prefix='mmmigrate-oracle-cfg-') as root:
        return _suite_config_in(E, root)


def _suite_config_in(E, root: str) -> dict:
    results = {}
    for rel, text in CONFIG_FILES.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)
    Config = E.config.Config
    for rel in CONFIG_FILES:
        if rel.startswith('base/'):
            continue
        cfg = Config.fromfile(os.path.join(root, rel))
        results[rel] = _jsonable(cfg.to_dict(), root)
    os.environ['MMMIGRATE_TEST_ROOT'] = '/from/env'
    results['env_vars_set'] = _jsonable(Config.fromfile(os.path.join(root, 'env_vars.py'))
                                        .to_dict())
    del os.environ['MMMIGRATE_TEST_ROOT']
    for index, (rel, options) in enumerate(CONFIG_OPTIONS):
        cfg = Config.fromfile(os.path.join(root, rel))
        cfg.merge_from_dict(options)
        results[f'merge_{index}'] = _jsonable(cfg.to_dict(), root)
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=E.config.DictAction)
    results['dict_action'] = _jsonable(vars(parser.parse_args(
        ['--cfg-options'] + DICT_ACTION_ARGS))['cfg_options'])
    # dump and reload in every format
    cfg = Config.fromfile(os.path.join(root, 'grandchild.py'))
    for ext in ('py', 'json', 'yaml'):
        out = os.path.join(root, f'dumped.{ext}')
        cfg.dump(out)
        results[f'dump_reload_{ext}'] = _jsonable(Config.fromfile(out).to_dict(), root)
    # keys and attribute access
    results['attr_access'] = [cfg.model.norm_cfg.type, cfg['train_cfg']['max_iters'],
                              cfg.get('missing', 'default'), 'model' in cfg,
                              sorted(cfg.keys())]
    return results


# -------------------------------------------------------------------- model
INIT_CASES = {
    'constant_layer': dict(type='Constant', val=0.5, bias=0.1, layer='Linear'),
    'normal_conv': dict(type='Normal', std=0.02, layer=['Conv2d']),
    'xavier_uniform': dict(type='Xavier', gain=2, distribution='uniform', layer='Linear'),
    'kaiming_both': dict(type='Kaiming', layer=['Conv2d', 'Linear'], mode='fan_in'),
    'uniform_bias_prob': dict(type='Uniform', a=-0.1, b=0.1, bias_prob=0.01, layer='Linear'),
    'trunc_normal': dict(type='TruncNormal', std=0.5, a=-0.6, b=0.6, layer='Conv2d'),
    'caffe2_xavier': dict(type='Caffe2Xavier', layer='Conv2d'),
    'override_by_name': dict(type='Constant', val=1.0, layer='Conv2d',
                             override=dict(name='head', type='Normal', std=0.1)),
    'override_name_only': dict(type='Xavier', layer='Linear', override=dict(name='conv')),
    'list_cfg': [dict(type='Constant', val=2.0, layer='Conv2d'),
                 dict(type='Kaiming', layer='Linear', distribution='uniform')],
}


def _init_net_class(E):
    class Child(E.model.BaseModule):
        def __init__(self):
            super().__init__(init_cfg=dict(type='Constant', val=3.0, layer='Linear'))
            self.fc = nn.Linear(3, 3)

    class Net(E.model.BaseModule):
        def __init__(self, init_cfg=None):
            super().__init__(init_cfg)
            self.conv = nn.Conv2d(2, 3, 3)
            self.head = nn.Linear(3, 2)
            self.child = Child()
            self.seq = E.model.Sequential(nn.Linear(2, 2), init_cfg=dict(
                type='Constant', val=-1.0, layer='Linear'))
    return Net


def suite_model(E) -> dict:
    results = {}
    Net = _init_net_class(E)
    for name, init_cfg in INIT_CASES.items():
        torch.manual_seed(0)
        net = Net(init_cfg)
        net.init_weights()
        results[f'init_{name}'] = {k: tensor_hex(v) for k, v in net.state_dict().items()}
    # Pretrained is applied after the children's own init (MMEngine order).
    with tempfile.TemporaryDirectory() as tmp:
        torch.manual_seed(1)
        donor = Net()
        for param in donor.parameters():
            nn.init.constant_(param, 5.0)
        path = os.path.join(tmp, 'pretrained.pth')
        torch.save({'state_dict': donor.state_dict()}, path)
        torch.save({'state_dict': {f'backbone.{k}': v for k, v in donor.state_dict().items()}},
                   os.path.join(tmp, 'prefixed.pth'))
        for name, cfg in {
            'pretrained_last': [dict(type='Pretrained', checkpoint=path),
                                dict(type='Constant', val=1.0, layer='Conv2d')],
            'pretrained_prefix': dict(type='Pretrained', prefix='backbone',
                                      checkpoint=os.path.join(tmp, 'prefixed.pth')),
        }.items():
            torch.manual_seed(0)
            net = Net(cfg)
            net.init_weights()
            results[f'init_{name}'] = {k: tensor_hex(v) for k, v in net.state_dict().items()}
    results['bias_init_with_prob'] = [fhex(E.model.bias_init_with_prob(p))
                                      for p in (0.01, 0.1, 0.5, 0.9, 1e-4)]

    g = torch.Generator().manual_seed(3)
    images = [torch.randint(0, 256, (3, 5, 7), generator=g, dtype=torch.uint8),
              torch.randint(0, 256, (3, 6, 4), generator=g, dtype=torch.uint8)]
    preprocessors = {
        'img_norm_bgr_pad': dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
                                 bgr_to_rgb=True, pad_size_divisor=4, pad_value=1),
        'img_plain': dict(),
        'img_rgb_to_bgr_pad32': dict(rgb_to_bgr=True, pad_size_divisor=32),
        'img_gray_mean': dict(mean=[127.5], std=[127.5]),
    }
    for name, kwargs in preprocessors.items():
        pre = E.model.ImgDataPreprocessor(**kwargs)
        out = pre(dict(inputs=[img.clone() for img in images]), training=True)
        results[f'{name}_list'] = dict(shape=list(out['inputs'].shape),
                                       values=tensor_hex(out['inputs']),
                                       data_samples=out['data_samples'])
        batch = torch.stack([images[0], images[0]])
        out = pre(dict(inputs=batch.clone(), data_samples=['a', 'b']))
        results[f'{name}_nchw'] = dict(shape=list(out['inputs'].shape),
                                       values=tensor_hex(out['inputs']),
                                       data_samples=out['data_samples'])
    dataset = importlib.import_module(f'{E.model.__name__.rsplit(".", 1)[0]}.dataset')
    samples = [dict(inputs=torch.full((2, ), float(i)), meta=dict(id=i, name=f's{i}'),
                    pair=(i, [i, i + 1])) for i in range(3)]
    for fn in ('pseudo_collate', 'default_collate'):
        batch = getattr(dataset, fn)(samples)
        results[fn] = _describe(batch)
    return results


def _describe(value):
    """A JSON description of a collated batch: container types and leaves."""
    if isinstance(value, torch.Tensor):
        return {'tensor': list(value.shape), 'values': tensor_hex(value)}
    if isinstance(value, dict):
        return {'dict': {k: _describe(v) for k, v in value.items()}}
    if isinstance(value, (list, tuple)):
        return {type(value).__name__: [_describe(v) for v in value]}
    return value


# ------------------------------------------------------------------- runner
class ToyDataset:
    """Fixed random regression data (its own generator: the global RNG is
    left to the runner)."""

    def __init__(self, size=24, seed=5):
        g = torch.Generator().manual_seed(seed)
        self.inputs = torch.randn(size, 4, generator=g)
        self.labels = (self.inputs @ torch.tensor([1.0, -2.0, 0.5, 0.0]) > 0).float()
        self.metainfo = dict(classes=('neg', 'pos'))

    def __len__(self):
        return len(self.inputs)

    def __getitem__(self, idx):
        return dict(inputs=self.inputs[idx], labels=self.labels[idx])


def _runner_classes(E):
    class RunnerToyModel(E.model.BaseModel):
        def __init__(self, dropout=0.2):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(),
                                     nn.Dropout(dropout), nn.Linear(16, 1))

        def forward(self, inputs, labels=None, mode='tensor'):
            logits = self.net(inputs).squeeze(1)
            if mode == 'loss':
                return dict(loss_bce=nn.functional.binary_cross_entropy_with_logits(
                    logits, labels, reduction='none'))
            if mode == 'predict':
                return [dict(pred=l, label=y) for l, y in zip(logits, labels)]
            return logits

    class ToyAccuracy(E.evaluator.BaseMetric):
        default_prefix = 'toy'

        def process(self, data_batch, data_samples):
            for sample in data_samples:
                self.results.append(((sample['pred'] > 0).float() == sample['label']).item())

        def compute_metrics(self, results):
            return dict(acc=sum(results) / len(results))

    class Recorder(E.hooks.Hook):
        priority = 'LOWEST'

        def __init__(self, record):
            self.record = record

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            wrapper = runner.optim_wrapper
            self.record['lr'].append([fhex(v) for v in wrapper.get_lr()['lr']])
            self.record['momentum'].append([fhex(v) for v in
                                            wrapper.get_momentum()['momentum']])

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            self.record['loss'].append(fhex(outputs['loss']))

        def after_val_epoch(self, runner, metrics=None):
            self.record['val'].append(dict(epoch=runner.epoch, iter=runner.iter,
                                           metrics={k: fhex(v) for k, v in metrics.items()}))

        def before_save_checkpoint(self, runner, checkpoint):
            self.record['saves'].append(dict(epoch=checkpoint['meta']['epoch'],
                                             iter=checkpoint['meta']['iter']))

    return RunnerToyModel, ToyAccuracy, Recorder


def _runner_cfg(case: str, work_dir: str, E) -> dict:
    Model, Metric, _ = _runner_classes_cache(E)
    loader = dict(dataset=ToyDataset(), batch_size=4, num_workers=0,
                  sampler=dict(type='DefaultSampler', shuffle=True),
                  collate_fn=dict(type='default_collate'))
    val_loader = dict(dataset=ToyDataset(size=10, seed=6), batch_size=3, num_workers=0,
                      sampler=dict(type='DefaultSampler', shuffle=False),
                      collate_fn=dict(type='default_collate'))
    cfg = dict(
        model=dict(type=Model), work_dir=work_dir, train_dataloader=loader,
        train_cfg=dict(by_epoch=True, max_epochs=6, val_interval=2),
        val_dataloader=val_loader, val_cfg=dict(), val_evaluator=dict(type=Metric),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)),
        param_scheduler=[dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=5),
                         dict(type='CosineAnnealingLR', T_max=6, eta_min=0.001, by_epoch=True)],
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=2,
                                           save_best='toy/acc'),
                           logger=dict(type='LoggerHook', interval=3)),
        randomness=dict(seed=2024), experiment_name=f'scenario_{case}',
        env_cfg=dict(dist_cfg=dict(backend='gloo')))
    if case == 'iter_loop':
        cfg['train_dataloader']['sampler'] = dict(type='InfiniteSampler', shuffle=True)
        cfg['train_cfg'] = dict(by_epoch=False, max_iters=20, val_interval=7)
        cfg['param_scheduler'] = [
            dict(type='LinearLR', start_factor=0.2, by_epoch=False, begin=0, end=4),
            dict(type='MultiStepLR', milestones=[10, 15], gamma=0.5, by_epoch=False)]
        cfg['default_hooks']['checkpoint'] = dict(type='CheckpointHook', interval=6,
                                                  by_epoch=False, max_keep_ckpts=2,
                                                  save_best='toy/acc', rule='greater')
        cfg['log_processor'] = dict(by_epoch=False)
    elif case == 'accum_clip_adamw':
        cfg['optim_wrapper'] = dict(optimizer=dict(type='AdamW', lr=0.01, weight_decay=0.05),
                                    accumulative_counts=3, clip_grad=dict(max_norm=0.5),
                                    paramwise_cfg=dict(norm_decay_mult=0.0,
                                                       bias_decay_mult=0.0))
        cfg['param_scheduler'] = [
            dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=8),
            dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=True, begin=1, T_max=5),
            dict(type='CosineAnnealingMomentum', eta_min=0.85, by_epoch=False, T_max=36)]
    elif case == 'ema':
        cfg['custom_hooks'] = [dict(type='EMAHook', momentum=0.1, begin_iter=4)]
    elif case == 'onecycle_val_every_epoch':
        cfg['train_cfg'] = dict(type='EpochBasedTrainLoop', max_epochs=4, val_begin=2,
                                val_interval=1)
        cfg['param_scheduler'] = dict(type='OneCycleLR', eta_max=0.5, total_steps=24,
                                      by_epoch=False)
        cfg['default_hooks']['checkpoint'] = dict(type='CheckpointHook', interval=2,
                                                  save_best='auto')
    return cfg


_CLASSES = {}


def _runner_classes_cache(E):
    if id(E) not in _CLASSES:
        _CLASSES[id(E)] = _runner_classes(E)
    return _CLASSES[id(E)]


RUNNER_CASES = ('epoch_val_best_keep', 'iter_loop', 'accum_clip_adamw', 'ema',
                'onecycle_val_every_epoch')


def run_runner_case(E, case: str, work_dir: str) -> dict:
    _, _, Recorder = _runner_classes_cache(E)
    record = dict(lr=[], momentum=[], loss=[], val=[], saves=[])
    cfg = _runner_cfg(case, work_dir, E)
    cfg.setdefault('custom_hooks', []).append(Recorder(record))
    runner = E.runner.Runner(**cfg)
    runner.train()
    inner = runner.model.module if hasattr(runner.model, 'module') else runner.model
    record['params'] = {k: tensor_hex(v) for k, v in inner.state_dict().items()}
    record['files'] = sorted(f for f in os.listdir(work_dir) if f.endswith('.pth'))
    record['best_score'] = runner.message_hub.get_info('best_score')
    record['grad_norm'] = ([fhex(v) for v in runner.message_hub.get_scalar(
        'train/grad_norm').data[0]] if 'train/grad_norm' in runner.message_hub.log_scalars
        else [])
    if record['best_score'] is not None:
        record['best_score'] = fhex(record['best_score'])
    return record


def run_interop(E, work_dir: str, stop_after: int, resume_from=None) -> dict:
    """A deterministic 6-epoch run (no dropout) stopped after ``stop_after``
    epochs, optionally resumed from another engine's checkpoint; returns
    the final parameters."""
    Model, _, _ = _runner_classes_cache(E)

    class StopAfter(E.hooks.Hook):
        priority = 'LOWEST'

        def after_train_epoch(self, runner):
            if runner.epoch + 1 == stop_after:
                runner.train_loop.stop_training = True

    cfg = _runner_cfg('epoch_val_best_keep', work_dir, E)
    cfg['model'] = dict(type=Model, dropout=0.0)
    cfg['experiment_name'] = f'interop_{stop_after}_{resume_from is not None}'
    cfg['custom_hooks'] = [StopAfter()]
    if resume_from is not None:
        cfg.update(load_from=resume_from, resume=True)
    runner = E.runner.Runner(**cfg)
    runner.train()
    inner = runner.model.module if hasattr(runner.model, 'module') else runner.model
    return dict(params={k: tensor_hex(v) for k, v in inner.state_dict().items()},
                epoch=runner.epoch, iter=runner.iter,
                lr=[fhex(v) for v in runner.optim_wrapper.get_lr()['lr']])


def suite_runner(E) -> dict:
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for case in RUNNER_CASES:
            with tempfile.TemporaryDirectory() as work_dir:
                results[case] = run_runner_case(E, case, work_dir)
    return results


# ------------------------------------------------------------------ logging
LOGGING_CASES = ('epoch_custom_statistics', 'iter_hierarchy', 'last_iteration_and_test')


def _logging_cfg(case: str, work_dir: str, E) -> dict:
    cfg = _runner_cfg('epoch_val_best_keep', work_dir, E)
    cfg['experiment_name'] = f'logging_{case}'
    cfg['default_hooks'] = dict(checkpoint=None, logger=dict(type='LoggerHook', interval=4))
    cfg['train_cfg'] = dict(by_epoch=True, max_epochs=4, val_interval=2)
    if case == 'epoch_custom_statistics':
        cfg['log_processor'] = dict(custom_cfg=[
            dict(data_src='loss', method_name='max', window_size='epoch', log_name='loss_max'),
            dict(data_src='loss', method_name='mean', window_size='global',
                 log_name='loss_global'),
            dict(data_src='lr', method_name='min', window_size=3, log_name='lr_min')])
    elif case == 'iter_hierarchy':
        cfg['train_dataloader']['sampler'] = dict(type='InfiniteSampler', shuffle=True)
        cfg['train_cfg'] = dict(by_epoch=False, max_iters=14, val_interval=5)
        cfg['log_processor'] = dict(by_epoch=False, log_with_hierarchy=True, window_size=3,
                                    num_digits=6)
        cfg['default_hooks']['logger'] = dict(type='LoggerHook', interval=3, ignore_last=False)
    else:
        cfg['train_cfg'] = dict(by_epoch=True, max_epochs=2)
        cfg['default_hooks']['logger'] = dict(type='LoggerHook', interval=4, ignore_last=False)
        cfg['test_dataloader'] = cfg['val_dataloader']
        cfg['test_cfg'] = dict()
        cfg['test_evaluator'] = cfg['val_evaluator']
    return cfg


def _normalized_log_line(line: str) -> str:
    """A progress line without what depends on the clock."""
    line = line.split(' - INFO - ', 1)[-1]
    line = re.sub(r'eta: \S+', 'eta: *', line)
    return re.sub(r'time: [0-9.]+', 'time: *', line)


def _json_lines(path: str) -> list:
    """The scalars of a JSON-lines file, without the timings."""
    records = []
    with open(path) as f:
        for line in f:
            record = json.loads(line)
            records.append({k: v for k, v in record.items() if not k.endswith('time')})
    return records


def run_logging_case(E, case: str, work_dir: str) -> dict:
    """The progress lines of the text log and the scalar files of one run."""
    runner = E.runner.Runner(**_logging_cfg(case, work_dir, E))
    runner.train()
    if case == 'last_iteration_and_test':
        runner.test()
    log_dir = runner.log_dir
    stamp = os.path.basename(log_dir)
    with open(os.path.join(log_dir, f'{stamp}.log')) as f:
        lines = [_normalized_log_line(line.rstrip('\n')) for line in f
                 if re.search(r' - INFO - (Epoch|Iter)\(', line)]
    result = dict(log_lines=lines,
                  scalars=_json_lines(os.path.join(log_dir, 'vis_data', 'scalars.json')),
                  timestamped_scalars=_json_lines(
                      os.path.join(log_dir, 'vis_data', f'{stamp}.json')))
    test_json = os.path.join(log_dir, f'{stamp}.json')
    if os.path.exists(test_json):  # the test metrics, one JSON document
        with open(test_json) as f:
            result['test_json'] = {k: v for k, v in json.load(f).items()
                                   if not k.endswith('time')}
    return result


def history_statistics(E) -> dict:
    """Window statistics of HistoryBuffers filled with seeded values of
    mixed magnitude (numpy's pairwise summation rounds differently from a
    running sum from 8 values on, and splits blocks above 128)."""
    rng = random.Random(7)
    results = {}
    for length in (3, 8, 10, 57, 130, 300, 1000):
        buffer = E.logging.HistoryBuffer()
        for _ in range(length):
            value = rng.random() * rng.choice((1.0, 1e-3, 1e3, -1.0))
            buffer.update(value, rng.choice((1, 1, 2)))
        results[str(length)] = {
            str(window): [float(buffer.mean(window)), float(buffer.max(window)),
                          float(buffer.min(window))]
            for window in (None, 10, 20, 129)}
        results[str(length)]['current'] = float(buffer.current())
    return results


def suite_logging(E) -> dict:
    results = {'history_statistics': history_statistics(E)}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for case in LOGGING_CASES:
            with tempfile.TemporaryDirectory() as work_dir:
                results[case] = run_logging_case(E, case, work_dir)
    return results


SUITE_FUNCTIONS = {
    'schedulers': suite_schedulers,
    'paramwise': suite_paramwise,
    'training': suite_training,
    'parse_losses': suite_parse_losses,
    'config': suite_config,
    'model': suite_model,
    'runner': suite_runner,
    'logging': suite_logging,
}


def run_suite(backend: str, suite: str) -> dict:
    E = load_backend(backend)
    if not E.logging.MMLogger.check_instance_created('oracle-scenarios'):
        E.logging.MMLogger.get_instance('oracle-scenarios', log_level='ERROR')
    return SUITE_FUNCTIONS[suite](E)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--backend', required=True, help="'mmengine' or 'mmmigrate.engine'")
    parser.add_argument('--suite', required=True, choices=SUITES + ('interop', ))
    parser.add_argument('--out', help='write JSON here instead of stdout')
    parser.add_argument('--interop-dir', help='with --suite interop: work dir of the run')
    parser.add_argument('--interop-stop-after', type=int, default=6)
    parser.add_argument('--resume-from', help='with --suite interop: checkpoint to resume')
    args = parser.parse_args(argv)
    if args.suite == 'interop':
        E = load_backend(args.backend)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            result = run_interop(E, args.interop_dir, args.interop_stop_after, args.resume_from)
    else:
        result = run_suite(args.backend, args.suite)
    text = json.dumps(result, indent=1, sort_keys=True)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text + '\n')
    else:
        sys.stdout.write(text + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())

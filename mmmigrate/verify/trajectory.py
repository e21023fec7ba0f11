"""The lr and momentum of every param group at every optimizer step, as each
side of a migration sets them — without a model or data.

- the legacy side: MMCV 1.x's lr / momentum updater hooks
  (``mmmigrate.compat.mmcv1``), called in the order MMCV 1.7.2's
  ``EpochBasedRunner`` or ``IterBasedRunner`` calls them;
- the MMEngine side: the bundled engine's param schedulers, built as its
  ``Runner`` builds them (``end`` defaulting to the loop's length,
  ``epoch_length`` for ``convert_to_iter_based``) and stepped as its
  ``ParamSchedulerHook`` steps them.

Both act on the param groups of a stand-in optimizer: plain dicts on the
legacy side, a torch optimizer whose ``step`` does nothing on the engine
side (its schedulers only accept an optimizer). A row is recorded where the
real optimizer would step: after the ``before_train_iter`` hooks.
"""
from dataclasses import dataclass
from typing import List, Optional, Tuple

Rows = List[List[float]]  # one row per optimizer step, one value per param group


@dataclass(frozen=True)
class Run:
    """What the schedules depend on: the loop, its length and the starting
    values of each param group. ``optimizer`` is ``'sgd'`` (``momentum``)
    or ``'adam'`` (``betas[0]`` is the momentum, as MMCV and MMEngine
    schedule it)."""
    by_epoch: bool
    max_epochs: Optional[int]
    max_iters: Optional[int]
    epoch_length: int
    base_lrs: Tuple[float, ...]
    base_momentum: float = 0.9
    optimizer: str = 'sgd'

    @property
    def total_iters(self) -> int:
        return self.max_epochs * self.epoch_length if self.by_epoch else self.max_iters

    def fresh_groups(self) -> List[dict]:
        groups = []
        for lr in self.base_lrs:
            group = dict(lr=lr)
            if self.optimizer == 'adam':
                group['betas'] = (self.base_momentum, 0.999)
            else:
                group['momentum'] = self.base_momentum
            groups.append(group)
        return groups


def _momentum(group: dict) -> float:
    return group['betas'][0] if 'betas' in group else group['momentum']


def _record(groups, lr: Rows, momentum: Rows) -> None:
    lr.append([group['lr'] for group in groups])
    momentum.append([_momentum(group) for group in groups])


# -- MMCV 1.x ---------------------------------------------------------------

class _LegacyOptimizer:
    def __init__(self, groups: List[dict]):
        self.param_groups = groups
        # OneCycle's momentum hook asks which of the two the optimizer has.
        self.defaults = {key: value for key, value in groups[0].items() if key != 'lr'}


class _LegacyRunner:
    """The attributes MMCV's updater hooks read."""

    def __init__(self, run: Run):
        self.optimizer = _LegacyOptimizer(run.fresh_groups())
        self.data_loader = range(run.epoch_length)
        self.epoch = 0
        self.iter = 0
        self.inner_iter = 0
        self.max_epochs = run.max_epochs if run.by_epoch else None
        self.max_iters = run.total_iters


def build_legacy_hooks(lr_config: Optional[dict], momentum_config: Optional[dict],
                       hook_modules=None) -> list:
    """The updater hooks MMCV's ``register_lr_hook`` /
    ``register_momentum_hook`` build, lr first (priority VERY_HIGH before
    HIGH). A policy is title-cased when written all in lower case.
    ``hook_modules`` is the (lr, momentum) pair of modules holding the hook
    classes: ours by default, real MMCV's for the recorded references."""
    if hook_modules is None:
        from ..compat.mmcv1 import lr_updater, momentum_updater
    else:
        lr_updater, momentum_updater = hook_modules
    hooks = []
    for config, kind, module in ((lr_config, 'Lr', lr_updater),
                                 (momentum_config, 'Momentum', momentum_updater)):
        if config is None:
            continue
        args = dict(config)
        policy = str(args.pop('policy'))
        if policy == policy.lower():
            policy = policy.title()
        hook_class = getattr(module, f'{policy}{kind}UpdaterHook', None)
        if hook_class is None:
            raise ValueError(f'{kind.lower()} policy {policy!r} is not one of MMCV 1.7.2\'s')
        hooks.append(hook_class(**args))
    return hooks


def legacy_trajectory(lr_config: Optional[dict], momentum_config: Optional[dict],
                      run: Run, hook_modules=None) -> Tuple[Rows, Rows]:
    """(lr rows, momentum rows) under MMCV 1.7.2's runners.

    ``EpochBasedRunner`` calls ``before_train_epoch`` at every epoch;
    ``IterBasedRunner`` never does (it calls ``before_epoch`` once), so an
    epoch-based schedule there never sets a value — as in MMCV."""
    if not run.by_epoch and lr_config is not None:
        # IterBasedRunner.register_training_hooks: lr (not momentum) schedules
        # default to iterations there.
        lr_config = dict(lr_config)
        lr_config.setdefault('by_epoch', False)
    hooks = build_legacy_hooks(lr_config, momentum_config, hook_modules)
    runner = _LegacyRunner(run)
    groups = runner.optimizer.param_groups
    lr: Rows = []
    momentum: Rows = []
    for hook in hooks:
        hook.before_run(runner)
    if run.by_epoch:
        for epoch in range(run.max_epochs):
            runner.epoch = epoch
            for hook in hooks:
                hook.before_train_epoch(runner)
            for inner in range(run.epoch_length):
                runner.inner_iter = inner
                for hook in hooks:
                    hook.before_train_iter(runner)
                _record(groups, lr, momentum)
                runner.iter += 1
    else:
        for step in range(run.max_iters):
            runner.epoch, runner.inner_iter = divmod(step, run.epoch_length)
            for hook in hooks:
                hook.before_train_iter(runner)
            _record(groups, lr, momentum)
            runner.iter += 1
    return lr, momentum


# -- MMEngine -----------------------------------------------------------------

def engine_trajectory(param_scheduler, run: Run,
                      engine: str = 'mmmigrate.engine') -> Tuple[Rows, Rows]:
    """(lr rows, momentum rows) under the training loops of ``engine``: the
    bundled one by default, real ``'mmengine'`` for the recorded references."""
    import copy
    import importlib

    import torch

    ParamSchedulerHook = importlib.import_module(f'{engine}.hooks').ParamSchedulerHook
    OptimWrapper = importlib.import_module(f'{engine}.optim').OptimWrapper
    PARAM_SCHEDULERS = importlib.import_module(f'{engine}.registry').PARAM_SCHEDULERS

    class _NoStep(torch.optim.SGD if run.optimizer == 'sgd' else torch.optim.Adam):
        def step(self, closure=None):  # counted by the schedulers, nothing to update
            return None

    # One one-element parameter per group: the schedulers read only the groups.
    groups = [dict(group, params=[torch.nn.Parameter(torch.zeros(1))])
              for group in run.fresh_groups()]
    optimizer = _NoStep(groups)
    wrapper = OptimWrapper(optimizer)
    schedulers = []
    items = param_scheduler if isinstance(param_scheduler, (list, tuple)) else \
        [param_scheduler] if param_scheduler else []
    # The loop's counters, as the Runner reads them (an iteration-based loop
    # has max_epochs 1).
    loop_max_epochs = run.max_epochs if run.by_epoch else 1
    for item in items:
        item = copy.deepcopy(dict(item))
        item.setdefault('end', loop_max_epochs if item.get('by_epoch', True)
                        else run.total_iters)
        schedulers.append(PARAM_SCHEDULERS.build(item, default_args=dict(
            optimizer=wrapper, epoch_length=run.epoch_length)))

    class _Runner:
        param_schedulers = schedulers

    hook = ParamSchedulerHook()
    runner = _Runner()
    lr: Rows = []
    momentum: Rows = []
    for step in range(run.total_iters):
        _record(optimizer.param_groups, lr, momentum)
        optimizer.step()
        hook.after_train_iter(runner, step % run.epoch_length)
        if run.by_epoch and (step + 1) % run.epoch_length == 0:
            hook.after_train_epoch(runner)
    return lr, momentum

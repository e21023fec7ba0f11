"""MMCV 1.x runner code unchanged: ``EpochBasedRunner`` / ``IterBasedRunner``
facades over the engine's Runner, and the helpers legacy training scripts
call around them (``build_optimizer``, ``get_logger``; the model wrappers
are in ``compat.parallel``).
The ``mmcv`` shim serves them under their MMCV names.

A facade collects what the script gives it (model, optimizer, work dir,
``register_training_hooks(...)``, ``register_hook``, ``resume`` /
``load_checkpoint``) and builds the engine's Runner in ``run(data_loaders,
workflow)``: the hook configs go through the config translator, exactly as
``mmmigrate convert`` translates the same script (one source of truth); an
MMCV-contract model is wrapped in ``LegacyModel`` and hooks in MMCV style
run through ``LegacyHook``.
"""
import logging
from typing import List, Optional

from ..engine.optim import OptimWrapper, build_optim_wrapper
from ..engine.runner.rng_state import capture_rng_state, restore_rng_state
from ..migrate.translate import BuiltOptimizer, translate_config
from . import checkpoint  # noqa: F401  (resume() accepts MMCV checkpoints)
from . import workflow as _workflow  # noqa: F401  (registers the workflow loops)
from .model import LegacyModel, mmcv_contract
from .optimizer_hooks import OptimizerHook
from .parallel import MMDataParallel

HOOK_ARGUMENTS = ('lr_config', 'optimizer_config', 'checkpoint_config', 'log_config',
                  'momentum_config', 'timer_config', 'custom_hooks_config')


def _plain(value):
    """Config objects (ConfigDict) as plain dicts and lists, for the translator."""
    to_dict = getattr(value, 'to_dict', None)
    if callable(to_dict):
        return to_dict()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


class EpochBasedRunner:
    """MMCV's ``EpochBasedRunner`` API, run by the engine's Runner."""

    loop = 'EpochBasedRunner'

    def __init__(self, model, batch_processor=None, optimizer=None, work_dir=None,
                 logger=None, meta=None, max_iters=None, max_epochs=None):
        if batch_processor is not None:
            raise TypeError('batch_processor has no equivalent on the engine: move its logic '
                            'into model.train_step(data, optimizer)')
        if max_iters is not None and max_epochs is not None:
            raise ValueError('Only one of `max_epochs` or `max_iters` can be set.')
        self.model, self.optimizer, self.work_dir = model, optimizer, work_dir
        self.logger = logger or logging.getLogger('mmcv')
        self.meta = dict(meta or {})
        self._max_epochs, self._max_iters = max_epochs, max_iters
        self._legacy: dict = {}
        self._hooks: List[tuple] = []  # (hook, priority)
        self._load_from: Optional[str] = None
        self._resume = False
        self._engine = None  # the engine's Runner, once run() has built it

    # -- what scripts call before run() --------------------------------------

    def register_training_hooks(self, lr_config, optimizer_config=None,
                                checkpoint_config=None, log_config=None,
                                momentum_config=None, timer_config=dict(type='IterTimerHook'),
                                custom_hooks_config=None):
        given = dict(zip(HOOK_ARGUMENTS, (lr_config, optimizer_config, checkpoint_config,
                                          log_config, momentum_config, timer_config,
                                          custom_hooks_config)))
        for key, value in given.items():
            if value is None or key == 'timer_config':  # the engine times iterations itself
                continue
            if isinstance(value, OptimizerHook):  # built as mmdet's train_detector built it
                value = value.config()
            self._legacy['custom_hooks' if key == 'custom_hooks_config' else key] = \
                _plain(value)

    def register_hook(self, hook, priority='NORMAL'):
        if isinstance(hook, OptimizerHook):  # the optim wrapper does its work
            self._legacy['optimizer_config'] = hook.config()
            return
        self._hooks.append((hook, priority))

    def register_hook_from_cfg(self, hook_cfg):
        hook_cfg = _plain(hook_cfg)
        self._hooks.append((hook_cfg, hook_cfg.pop('priority', 'NORMAL')))

    def resume(self, checkpoint, resume_optimizer=True, map_location='default'):
        self._load_from, self._resume = checkpoint, True

    def load_checkpoint(self, filename, map_location='cpu', strict=False,
                        revise_keys=[(r'^module\.', '')]):
        self._load_from, self._resume = filename, False

    # -- run ------------------------------------------------------------------

    def run(self, data_loaders, workflow, max_epochs=None, **kwargs):
        from ..engine.runner import Runner
        phases = _check_workflow(data_loaders, workflow)
        if max_epochs is not None:
            self._max_epochs = max_epochs
        translation = translate_config(self._legacy_config())
        errors = [f for f in translation.findings if f.severity == 'error']
        if errors:
            raise ValueError('these runner settings cannot run on the engine: ' +
                             '; '.join(f'{f.key}: {f.message}' for f in errors))
        new = translation.new
        default_hooks = dict(new.get('default_hooks') or {})
        if 'checkpoint_config' not in self._legacy:
            default_hooks['checkpoint'] = None  # MMCV registered no CheckpointHook then
        model = self.model.module if isinstance(self.model, MMDataParallel) else self.model
        if mmcv_contract(model):
            model = LegacyModel(model)
        train_cfg, validation = new['train_cfg'], {}
        if 'val' in phases:  # MMCV validated inside the workflow, with model.val_step
            by_epoch = self.loop == 'EpochBasedRunner'
            length = 'max_epochs' if by_epoch else 'max_iters'
            train_cfg = dict(type='EpochWorkflowLoop' if by_epoch else 'IterWorkflowLoop',
                             workflow=list(workflow), **{length: train_cfg[length]})
            validation = dict(val_dataloader=data_loaders[phases.index('val')],
                              val_cfg=dict(type='LegacyValLoop', by_epoch=by_epoch),
                              val_evaluator=[])  # none: the loop logs what val_step gives
        # MMCV's runner never seeded: the script's random state carries on
        random_state = capture_rng_state()
        runner = Runner(
            model=model, work_dir=self.work_dir,
            train_dataloader=data_loaders[phases.index('train')],
            optim_wrapper=self._optim_wrapper(new), param_scheduler=new.get('param_scheduler'),
            train_cfg=train_cfg, **validation, default_hooks=default_hooks,
            custom_hooks=self._legacy.get('custom_hooks'),
            log_processor=new.get('log_processor'), visualizer=new.get('visualizer'),
            load_from=self._load_from, resume=self._resume)
        restore_rng_state(random_state)
        for hook, priority in self._hooks:
            runner.register_hook(hook, priority)
        self._engine = runner
        runner.train()

    def _legacy_config(self) -> dict:
        legacy = dict(self._legacy)
        runner = dict(type=self.loop)
        if self._max_epochs is not None:
            runner['max_epochs'] = self._max_epochs
        if self._max_iters is not None:
            runner['max_iters'] = self._max_iters
        legacy['runner'] = runner
        if not isinstance(self.optimizer, dict):
            legacy['optimizer'] = BuiltOptimizer('optimizer')
        return legacy

    def _optim_wrapper(self, new: dict):
        if isinstance(self.optimizer, dict):  # several: the model steps them itself
            return {name: OptimWrapper(optimizer) for name, optimizer in self.optimizer.items()}
        wrapper = dict(new['optim_wrapper'])
        wrapper['optimizer'] = self.optimizer
        return wrapper

    # -- what hooks and scripts read afterwards ------------------------------

    @property
    def epoch(self):
        return self._engine.epoch if self._engine else 0

    @property
    def iter(self):
        return self._engine.iter if self._engine else 0

    @property
    def max_epochs(self):
        return self._max_epochs

    @property
    def max_iters(self):
        return self._max_iters


class IterBasedRunner(EpochBasedRunner):
    loop = 'IterBasedRunner'


Runner = EpochBasedRunner  # MMCV's deprecated alias
FACADES = {'EpochBasedRunner': EpochBasedRunner, 'IterBasedRunner': IterBasedRunner,
           'Runner': EpochBasedRunner}


def build_runner(cfg, default_args: Optional[dict] = None):
    """MMCV's ``build_runner(cfg.runner, default_args=dict(model=...,
    optimizer=..., work_dir=..., logger=..., meta=...))``, as mmdet 2.x's
    ``train_detector`` calls it: the facade of the runner type the config
    names."""
    cfg = dict(_plain(cfg))
    runner_type = cfg.pop('type', 'EpochBasedRunner')
    constructor = cfg.pop('constructor', 'DefaultRunnerConstructor')
    if constructor != 'DefaultRunnerConstructor':
        raise ValueError(f'runner constructor {constructor!r} is custom: the compat layer '
                         'builds EpochBasedRunner / IterBasedRunner only; convert the script '
                         '(mmmigrate convert) and build the engine\'s Runner')
    if runner_type not in FACADES:
        raise ValueError(f'runner type {runner_type!r} is a custom runner: the compat layer '
                         f'runs {sorted(FACADES)}; port it to a Runner subclass (RUNNERS) and '
                         'name it in runner_type')
    return FACADES[runner_type](**cfg, **(default_args or {}))


def _check_workflow(data_loaders, workflow) -> List[str]:
    """The phases of a workflow MMCV would have run: one loader per phase,
    one ``train`` phase and at most one ``val`` phase."""
    phases = [phase for phase, _ in workflow]
    if len(data_loaders) != len(workflow):
        raise ValueError(f'run() got {len(data_loaders)} data loaders for a workflow of '
                         f'{len(workflow)} phases {workflow}: give one loader per phase')
    unknown = [phase for phase in phases if phase not in ('train', 'val')]
    if unknown:
        raise ValueError(f'runner has no method named "{unknown[0]}" to run a workflow: '
                         "phases are 'train' and 'val'")
    if phases.count('train') != 1 or phases.count('val') > 1:
        raise NotImplementedError(f'workflow {workflow}: the facade runs one train phase and '
                                  'at most one val phase')
    return phases


def build_optimizer(model, cfg):
    """MMCV's ``build_optimizer``: a torch optimizer built from an optimizer
    config. Plain configs build the same optimizer as MMCV;
    ``paramwise_cfg`` follows MMEngine's rules, whose defaults differ from
    MMCV's (CATALOGUE §5.2)."""
    cfg = _plain(cfg)
    model = model.module if isinstance(model, MMDataParallel) else model
    wrapper_cfg = dict(optimizer=dict(cfg))
    for key in ('paramwise_cfg', 'constructor'):
        if key in wrapper_cfg['optimizer']:
            wrapper_cfg[key] = wrapper_cfg['optimizer'].pop(key)
    return build_optim_wrapper(model, wrapper_cfg).optimizer


def get_logger(name, log_file=None, log_level=logging.INFO, file_mode='w'):
    """MMCV's ``get_logger``: a logging.Logger writing to the console (and
    ``log_file``)."""
    logger = logging.getLogger(name)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter('%(asctime)s - %(name)s - %(levelname)s - '
                                               '%(message)s'))
        logger.addHandler(handler)
        if log_file is not None:
            logger.addHandler(logging.FileHandler(log_file, file_mode))
    logger.setLevel(log_level)
    return logger

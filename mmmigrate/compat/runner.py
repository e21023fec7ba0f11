"""MMCV 1.x runner code unchanged: ``EpochBasedRunner`` / ``IterBasedRunner``
facades over the engine's Runner, with MMCV's ``BaseRunner`` state
(``compat.mmcv1.base_runner``). The ``mmcv`` shim serves them under their
MMCV names, and ``build_runner`` builds them from ``RUNNERS``.

A facade collects what the script gives it (model, optimizer, work dir,
``register_training_hooks(...)``, ``register_hook``, ``resume`` /
``load_checkpoint``) and builds the engine's Runner in ``run(data_loaders,
workflow)``:

- the optimization settings (``lr_config``, ``momentum_config``,
  ``optimizer_config``, ``checkpoint_config``, custom hooks) go through the
  config translator, exactly as ``mmmigrate convert`` translates the same
  script (one source of truth);
- logging is MMCV's: ``log_config``'s logger hooks and the ``IterTimerHook``
  are MMCV's own (``compat.mmcv1``), on MMCV's ``runner.log_buffer``, into
  which the model's ``log_vars`` go weighted by ``num_samples``. So a
  ``TextLoggerHook`` prints MMCV's lines and writes ``<timestamp>.log.json``,
  and what ``EvalHook`` leaves in ``log_buffer.output`` is logged as an
  ``Epoch(val)`` line. The engine's param-scheduler and checkpoint hooks run
  after the logger hooks, and an iteration's lr is set before it, as MMCV
  set it (``compat.scheduler_timing``), so a logged lr is the one the
  iteration used;
- checkpoints carry MMCV's ``meta`` (the script's ``meta``, ``epoch`` /
  ``iter`` as MMCV counted them, ``mmcv_version``, ``time``, the model's
  ``CLASSES``, and ``hook_msgs.last_ckpt``; the engine's own position beside
  it, for resuming) and ``latest.pth`` links to the last one;
- an MMCV-contract model is wrapped in ``LegacyModel``; hooks in MMCV style
  run through ``LegacyHook`` and see MMCV's runner (``LegacyRunnerView``).
"""
import os
import os.path as osp
import time
from typing import List, Optional

from ..engine.hooks import Hook
from ..engine.optim import OptimWrapper
from ..engine.runner import Runner as EngineRunner
from ..engine.runner.rng_state import capture_rng_state, restore_rng_state
from ..migrate.translate import BuiltOptimizer, translate_config
from .checkpoint import ENGINE_POSITION  # (importing it lets resume() take MMCV checkpoints)
from . import workflow as _workflow  # noqa: F401  (registers the workflow loops)
from .hooks import LegacyHook
from .mmcv1.base_runner import BaseRunner
from .mmcv1.logging import get_logger  # noqa: F401  (MMCV's, where scripts found it)
from .mmcv1.optimizer import build_optimizer  # noqa: F401
from .mmcv1.registries import RUNNERS
from .model import LegacyModel, mmcv_contract
from .optimizer_hooks import OptimizerHook
from .scheduler_timing import IterationScheduleCatchUp
from .parallel import MMDataParallel

TRANSLATED = ('lr_config', 'optimizer_config', 'checkpoint_config', 'momentum_config',
              'custom_hooks_config')
# after MMCV's logger hooks (VERY_LOW, 90), so that what they log is what the
# iteration used; the checkpoint after the scheduler step, as the engine saves it
SCHEDULER_PRIORITY, CHECKPOINT_PRIORITY, BRIDGE_PRIORITY = 95, 96, 97


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


@RUNNERS.register_module()
class EpochBasedRunner(BaseRunner):
    """MMCV's ``EpochBasedRunner`` API, run by the engine's Runner."""

    loop = 'EpochBasedRunner'

    def __init__(self, model, batch_processor=None, optimizer=None, work_dir=None,
                 logger=None, meta=None, max_iters=None, max_epochs=None):
        super().__init__(model, batch_processor, optimizer, work_dir, logger, meta,
                         max_iters, max_epochs)
        self._legacy: dict = {}
        self._checkpoint_meta: dict = {}
        self._hooks: List[tuple] = []  # (hook, priority)
        self._load_from: Optional[str] = None
        self._resume = False
        self._engine = None  # the engine's Runner, once run() has built it
        self._start_iter = 0
        self._train_count = 1  # iterations of a train phase (IterBasedRunner's inner_iter)

    # -- what scripts call before run() --------------------------------------

    def register_training_hooks(self, lr_config, optimizer_config=None,
                                checkpoint_config=None, log_config=None,
                                momentum_config=None, timer_config=dict(type='IterTimerHook'),
                                custom_hooks_config=None):
        lr_config = self._updater_hook(lr_config, 'Lr', 'VERY_HIGH')
        momentum_config = self._updater_hook(momentum_config, 'Momentum', 'HIGH')
        given = dict(zip(TRANSLATED, (lr_config, optimizer_config, checkpoint_config,
                                      momentum_config, custom_hooks_config)))
        for key, value in given.items():
            if value is None:
                continue
            if isinstance(value, OptimizerHook):  # built as mmdet's train_detector built it
                value = value.config()
            value = _plain(value)
            if key == 'checkpoint_config':  # CheckpointHook(meta=...) went into the files
                value = dict(value)
                self._checkpoint_meta = dict(value.pop('meta', None) or {})
            self._legacy['custom_hooks' if key == 'custom_hooks_config' else key] = value
        self.register_timer_hook(timer_config)
        self.register_logger_hooks(log_config)

    def _updater_hook(self, config, kind: str, priority: str):
        """An lr / momentum config MMCV's own policies cover stays for the
        translator; a hook object, or a policy a library registered
        (mmdet's ``YOLOX``), is built and registered as MMCV did."""
        from .mmcv1 import lr_updater, momentum_updater
        if config is None:
            return None
        if isinstance(config, Hook):
            self.register_hook(config, priority=priority)
            return None
        config = dict(_plain(config))
        policy = config.get('policy')
        if not isinstance(policy, str):
            return config  # the translator says what is wrong
        policy = policy.title() if policy == policy.lower() else policy
        hook_type = f'{policy}{kind}UpdaterHook'
        module = lr_updater if kind == 'Lr' else momentum_updater
        if hasattr(module, hook_type):
            return config
        from ..engine.registry import HOOKS
        args = {key: value for key, value in config.items() if key != 'policy'}
        self.register_hook(HOOKS.build(dict(args, type=hook_type)), priority=priority)
        return None

    def register_timer_hook(self, timer_config) -> None:
        from .mmcv1.simple_hooks import IterTimerHook
        if timer_config is None:
            return
        hook = timer_config if isinstance(timer_config, Hook) else \
            _build_legacy_hook(dict(_plain(timer_config)), {'IterTimerHook': IterTimerHook})
        self.register_hook(hook, priority='LOW')

    def register_logger_hooks(self, log_config) -> None:
        """MMCV's own logger hooks, each with ``log_config``'s interval."""
        if log_config is None:
            return
        from .mmcv1 import logger_hooks, service_loggers
        known = {name: getattr(module, name) for module in (logger_hooks, service_loggers)
                 for name in dir(module) if name.endswith('LoggerHook')}
        log_config = _plain(log_config)
        for info in log_config.get('hooks', []):
            info = dict(info)
            info.setdefault('interval', log_config.get('interval', 10))
            self.register_hook(_build_legacy_hook(info, known), priority='VERY_LOW')

    def register_hook(self, hook, priority='NORMAL'):
        if isinstance(hook, OptimizerHook):  # the optim wrapper does its work
            self._legacy['optimizer_config'] = hook.config()
            return
        self._hooks.append((hook, priority))

    def register_hook_from_cfg(self, hook_cfg):
        hook_cfg = _plain(hook_cfg)
        self._hooks.append((hook_cfg, hook_cfg.pop('priority', 'NORMAL')))

    def resume(self, checkpoint, resume_optimizer=True, map_location='default'):
        """Resumed in ``run()``; the checkpoint's ``hook_msgs`` (best score,
        last checkpoint) go into ``meta`` now, as MMCV's resume put them."""
        from ..engine.runner.checkpoint import _load_checkpoint
        self._load_from, self._resume = checkpoint, True
        hook_msgs = (_load_checkpoint(checkpoint, map_location='cpu').get('meta') or {}) \
            .get('hook_msgs', {})
        if self.meta is None:
            self.meta = {}
        self.meta.setdefault('hook_msgs', {}).update(hook_msgs)

    def load_checkpoint(self, filename, map_location='cpu', strict=False,
                        revise_keys=[(r'^module\.', '')]):
        self._load_from, self._resume = filename, False

    # -- run ------------------------------------------------------------------

    def run(self, data_loaders, workflow, max_epochs=None, **kwargs):
        phases = _check_workflow(data_loaders, workflow)
        if max_epochs is not None:
            self._max_epochs = max_epochs
        translation = translate_config(self._legacy_config())
        errors = [f for f in translation.findings if f.severity == 'error']
        if errors:
            raise ValueError('these runner settings cannot run on the engine: ' +
                             '; '.join(f'{f.key}: {f.message}' for f in errors))
        new = translation.new
        default_hooks = self._default_hooks(new)
        model = self.model.module if isinstance(self.model, MMDataParallel) else self.model
        if mmcv_contract(model):
            model = LegacyModel(model)
            model.log_buffer = self.log_buffer  # run_iter's log_buffer.update, as MMCV's
        train_cfg, validation = new['train_cfg'], {}
        self._train_count = dict(workflow)['train']
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
        runner = _FacadeEngineRunner(
            model=model, work_dir=self.work_dir or osp.abspath('work_dirs'),
            train_dataloader=data_loaders[phases.index('train')],
            optim_wrapper=self._optim_wrapper(new), param_scheduler=new.get('param_scheduler'),
            train_cfg=train_cfg, **validation, default_hooks=default_hooks,
            custom_hooks=self._legacy.get('custom_hooks'),
            load_from=self._load_from, resume=self._resume)
        restore_rng_state(random_state)
        runner._mmcv_facade = self
        for hook, priority in self._hooks:
            runner.register_hook(hook, priority)
        runner.register_hook(_FacadeBridge(self), priority=BRIDGE_PRIORITY)
        runner.register_hook(IterationScheduleCatchUp())
        self._engine = runner
        self._start_iter = runner.iter
        runner.train()

    def _default_hooks(self, new: dict) -> dict:
        hooks = dict(new.get('default_hooks') or {})
        hooks['logger'] = None  # MMCV's logger hooks log (register_logger_hooks)
        hooks['param_scheduler'] = dict(type='LegacyParamSchedulerHook',
                                        priority=SCHEDULER_PRIORITY)
        if 'checkpoint_config' not in self._legacy:
            hooks['checkpoint'] = None  # MMCV registered no CheckpointHook then
        elif hooks.get('checkpoint') is not None:
            hooks['checkpoint'] = dict(hooks['checkpoint'], priority=CHECKPOINT_PRIORITY)
        return hooks

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

    # -- MMCV's runner state, as hooks and scripts read it --------------------

    def counters(self, mode: str, batch_idx=None) -> tuple:
        """(epoch, iter, inner_iter) as MMCV's runner counted them."""
        engine = self._engine
        if engine is None:
            return self._epoch, self._iter, self._inner_iter
        inner = batch_idx if batch_idx is not None else 0
        return engine.epoch, engine.iter, inner

    @property
    def epoch(self):
        return self._engine.epoch if self._engine else self._epoch

    @property
    def iter(self):
        return self._engine.iter if self._engine else self._iter

    @property
    def hooks(self):
        return self._engine.hooks if self._engine else [hook for hook, _ in self._hooks]

    def save_checkpoint(self, out_dir, filename_tmpl='epoch_{}.pth', save_optimizer=True,
                        meta=None, create_symlink=True):
        """MMCV's signature (``EvalHook`` keeps its best checkpoint through it);
        the engine writes the file, with MMCV's meta."""
        if meta is not None and not isinstance(meta, dict):
            raise TypeError(f'meta should be a dict or None, but got {type(meta)}')
        number = self.epoch + 1 if self.loop == 'EpochBasedRunner' else self.iter + 1
        filename = filename_tmpl.format(number)
        self._engine.save_checkpoint(out_dir, filename, save_optimizer=save_optimizer,
                                     meta=dict(meta or {}),
                                     by_epoch=self.loop == 'EpochBasedRunner')
        if create_symlink:
            _link_latest(out_dir, filename)


@RUNNERS.register_module()
class IterBasedRunner(EpochBasedRunner):
    loop = 'IterBasedRunner'

    def counters(self, mode: str, batch_idx=None) -> tuple:
        """MMCV's IterBasedRunner: ``epoch`` counts the passes its IterLoader
        finished before the current batch was fetched; ``inner_iter`` counts
        the iterations of the current workflow phase."""
        engine = self._engine
        if engine is None:
            return self._epoch, self._iter, self._inner_iter
        loader_length = len(engine.train_dataloader)
        epoch = max(engine.iter - 1, 0) // loader_length
        if mode == 'train':
            inner = (engine.iter - self._start_iter) % self._train_count
        else:
            inner = batch_idx if batch_idx is not None else 0
        return epoch, engine.iter, inner

    @property
    def epoch(self):
        return self.counters('train')[0]


RUNNERS.register_module(name='Runner', module=EpochBasedRunner)  # MMCV's deprecated alias
Runner = EpochBasedRunner


def build_runner(cfg, default_args: Optional[dict] = None):
    """MMCV's ``build_runner(cfg.runner, default_args=dict(model=...,
    optimizer=..., work_dir=..., logger=..., meta=...))``, as mmdet 2.x's
    ``train_detector`` calls it."""
    cfg = dict(_plain(cfg))
    runner_type = cfg.get('type', 'EpochBasedRunner')
    if isinstance(runner_type, str) and runner_type not in RUNNERS.module_dict:
        raise ValueError(f'runner type {runner_type!r} is a custom runner: the compat layer '
                         f'runs {sorted(RUNNERS.module_dict)} (and runners registered in '
                         "mmcv.runner.RUNNERS); port it to a Runner subclass (RUNNERS) and "
                         'name it in runner_type')
    from .mmcv1.runner_builder import build_runner as build
    return build(cfg, default_args)


def _build_legacy_hook(cfg: dict, known: dict):
    """A hook of ``log_config`` / ``timer_config``: MMCV's own class of that
    name, else one a library registered in ``HOOKS``."""
    from ..engine.registry import HOOKS
    cfg = dict(cfg)
    kind = cfg.pop('type')
    if isinstance(kind, str) and kind in known:
        return known[kind](**cfg)
    return HOOKS.build(dict(cfg, type=kind))


def _link_latest(out_dir: str, filename: str) -> None:
    """``latest.pth`` -> the checkpoint just written, as MMCV linked it."""
    link = osp.join(out_dir, 'latest.pth')
    if osp.lexists(link):
        os.remove(link)
    os.symlink(filename, link)


class _FacadeEngineRunner(EngineRunner):
    """The engine's Runner under a facade. MMCV's runner wrote no config into
    the work dir (the script dumps its own, ``cfg.dump``); the engine's would
    be the empty config it was built without."""

    def dump_config(self) -> None:
        pass


class _FacadeBridge(Hook):
    """An engine hook of the facade's run: MMCV's meta into every checkpoint
    the engine writes, and ``latest.pth`` / ``hook_msgs.last_ckpt`` after it,
    as MMCV's ``CheckpointHook`` and runner left them."""

    def __init__(self, facade: EpochBasedRunner):
        self.facade = facade
        self._last = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        facade = self.facade
        engine_meta = checkpoint.get('meta', {})
        checkpoint[ENGINE_POSITION] = dict(epoch=engine_meta.get('epoch'),
                                           iter=engine_meta.get('iter'))
        meta = dict(facade._checkpoint_meta)
        meta.update(facade.meta or {})
        # MMCV's: the epoch after the current one (an IterBasedRunner's loader
        # passes), and the iterations counted before this one's end
        meta.update(epoch=facade.counters('train')[0] + 1, iter=runner.iter)
        from .mmcv_shim import _served_version
        meta.update(mmcv_version=_served_version()[0], time=time.asctime())
        model = getattr(facade.model, 'module', facade.model)
        if getattr(model, 'CLASSES', None) is not None:
            meta.update(CLASSES=model.CLASSES)
        checkpoint['meta'] = meta

    def before_train(self, runner) -> None:
        # a resumed run's hub names the checkpoint it resumed from: not one
        # this run wrote (its folder may be another run's)
        self._last = runner.message_hub.get_info('last_ckpt')

    def after_train_iter(self, runner, batch_idx=None, data_batch=None, outputs=None) -> None:
        self._checkpoint_written(runner)

    def after_train_epoch(self, runner) -> None:
        self._checkpoint_written(runner)

    def _checkpoint_written(self, runner) -> None:
        path = runner.message_hub.get_info('last_ckpt')
        if path is None or path == self._last:
            return
        self._last = path
        if runner.rank == 0:
            _link_latest(osp.dirname(path), osp.basename(path))
        meta = self.facade.meta
        if meta is not None:
            meta.setdefault('hook_msgs', {})['last_ckpt'] = path


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


__all__ = ['EpochBasedRunner', 'IterBasedRunner', 'Runner', 'build_runner', 'build_optimizer',
           'get_logger', 'LegacyHook']

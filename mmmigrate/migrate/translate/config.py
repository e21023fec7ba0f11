"""A whole legacy (MMCV 1.x) config -> MMEngine config keys.

:func:`translate_config` takes the *merged* legacy config (the file with its
``_base_`` chain applied, as a value tree) and returns the MMEngine keys
that replace the legacy ones, with findings. It is pure: the codemod feeds
it values read statically, the compat layer concrete values at run time.

Where MMCV's behaviour came from the *absence* of a key (no
``checkpoint_config``: no checkpoints; no ``log_config``: no logger), the
MMEngine default hook is switched off explicitly — but only for a config
that can train on its own (it has a model and an optimizer), never for a
partial ``_base_`` file.
"""
from typing import List

from ...rules import load_pack
from .evaluation import translate_evaluation
from .hooks import translate_checkpoint, translate_custom_hooks, translate_logging
from .schedules import TrainingShape, translate_schedules
from .values import BuiltOptimizer, Finding, Opaque, Translation, merge

# Keys only MMCV-era configs have; a file holding one of them is legacy.
LEGACY_KEYS = ('optimizer', 'optimizer_config', 'fp16', 'lr_config', 'momentum_config',
               'runner', 'total_epochs', 'workflow', 'evaluation', 'checkpoint_config',
               'log_config', 'dist_params', 'mp_start_method', 'opencv_num_threads',
               'cudnn_benchmark', 'resume_from', 'auto_resume', 'seed', 'deterministic',
               'data', 'gpu_ids', 'gpus', 'device', 'total_iters', 'optimizers')
# The order new keys are written in, as MMEngine-era configs lay them out.
NEW_KEY_ORDER = ('model', 'train_dataloader', 'val_dataloader', 'test_dataloader',
                 'val_evaluator', 'test_evaluator', 'optim_wrapper', 'param_scheduler',
                 'train_cfg', 'val_cfg', 'test_cfg', 'default_hooks', 'custom_hooks',
                 'log_processor', 'visualizer', 'env_cfg', 'randomness', 'load_from',
                 'resume', 'runner_type', 'model_wrapper_cfg')

# The legacy keys each new key is made from (the writer puts a new key where
# the first of them was; the converter keeps fan-in keys apart).
NEW_KEY_SOURCES = {
    'optim_wrapper': ('optimizer', 'optimizers', 'optimizer_config', 'fp16'),
    'param_scheduler': ('lr_config', 'momentum_config'),
    'train_cfg': ('runner', 'total_epochs', 'total_iters', 'evaluation'),
    'val_cfg': ('evaluation', ), 'test_cfg': ('evaluation', ),
    'val_evaluator': ('evaluation', ), 'test_evaluator': ('evaluation', ),
    'default_hooks': ('checkpoint_config', 'log_config', 'evaluation'),
    'log_processor': ('log_config', ), 'visualizer': ('log_config', ),
    'env_cfg': ('dist_params', 'cudnn_benchmark', 'mp_start_method', 'opencv_num_threads'),
    'randomness': ('seed', 'deterministic'),
    'load_from': ('resume_from', 'load_from'), 'resume': ('resume_from', 'auto_resume'),
    'train_dataloader': ('data', ), 'val_dataloader': ('data', ),
    'test_dataloader': ('data', ), 'model': ('model', 'train_cfg', 'test_cfg'),
    'runner_type': ('runner', ), 'model_wrapper_cfg': ('optimizer_config', ),
}


def contributes(legacy_key: str, value, new_key: str) -> bool:
    """Whether the legacy ``value`` of ``legacy_key`` feeds ``new_key``."""
    if legacy_key not in NEW_KEY_SOURCES.get(new_key, ()):
        return False
    if new_key == 'model' and legacy_key != 'model':
        return _is_model_setting({legacy_key: value}, legacy_key)
    if (legacy_key, new_key) == ('evaluation', 'default_hooks'):
        return isinstance(value, dict) and any(
            k in value for k in ('save_best', 'rule', 'greater_keys', 'less_keys'))
    return True


def is_legacy(config: dict) -> bool:
    return any(key in config for key in LEGACY_KEYS) or _has_model_loop_collision(config)


def legacy_sources(config: dict, new_key: str) -> List[str]:
    """The keys of one legacy file (not merged) that ``new_key`` is made
    from: its legacy keys, and top-level model settings."""
    found = [k for k in NEW_KEY_SOURCES.get(new_key, ()) if k in LEGACY_KEYS and k in config
             and contributes(k, config[k], new_key)]
    if new_key == 'model' and _has_model_loop_collision(config):
        found += [k for k in ('train_cfg', 'test_cfg') if _is_model_setting(config, k)]
    return found


def _has_model_loop_collision(config: dict) -> bool:
    """Old mmdet configs put the *model's* train_cfg/test_cfg at top level;
    MMEngine reads those names as loop configs."""
    if not any(k in config for k in LEGACY_KEYS):
        return False
    return any(_is_model_setting(config, key) for key in ('train_cfg', 'test_cfg'))


def _is_model_setting(config: dict, key: str) -> bool:
    if key not in config:
        return False
    value = config[key]
    return value is None or isinstance(value, dict) and not {
        'type', 'by_epoch', 'max_epochs', 'max_iters', 'val_interval', 'fp16'} & set(value)


class _Context:
    def __init__(self, config: dict):
        self.config = config
        self.rules = load_pack('config')
        self.findings: List[Finding] = []
        self.new: dict = {}
        self.removed: List[str] = []
        self.over_converted: set = set()  # new keys a child's legacy keys change on a base

    def find(self, rule, severity, key, message, deviation=None):
        self.findings.append(Finding(rule, severity, key, message, deviation=deviation))

    def take(self, key):
        if key in self.config:
            if key not in self.removed:
                self.removed.append(key)
            return self.config[key]
        return None

    @property
    def complete(self) -> bool:
        """Whether this config can train on its own (not a partial base)."""
        return 'model' in self.config and 'optimizer' in self.config

    @property
    def runner_kind(self) -> str:
        runner = self.config.get('runner')
        if isinstance(runner, dict) and runner.get('type') == 'IterBasedRunner':
            return 'iter'
        loop = self.config.get('train_cfg')  # a runner converted by an earlier run
        if runner is None and isinstance(loop, dict) and (
                loop.get('type') == 'IterBasedTrainLoop' or 'max_iters' in loop):
            return 'iter'
        return 'epoch'

    def default_hooks(self) -> dict:
        return self.new.setdefault('default_hooks', {})


def translate_config(config: dict) -> Translation:
    """The MMEngine keys replacing the legacy ones in the merged ``config``
    (which is not modified: every translator copies what it changes)."""
    ctx = _Context(dict(config))
    _read_library_spellings(ctx)
    _translate_model_collision(ctx)
    _translate_data(ctx)
    _translate_optimizer(ctx)
    _translate_runner(ctx)
    _translate_schedules(ctx)
    translate_evaluation(ctx)
    translate_checkpoint(ctx)
    translate_logging(ctx)
    if is_legacy(ctx.config):
        translate_custom_hooks(ctx)
    _translate_environment(ctx)
    _translate_loading(ctx)
    workflow = ctx.config.get('workflow')
    if isinstance(workflow, (list, tuple)) and any(
            isinstance(step, (list, tuple)) and step and step[0] == 'val' for step in workflow):
        ctx.find('workflow-val', 'warning', 'workflow',
                 "workflow ('val', n) epochs ran val_step and logged its losses; MMEngine "
                 'has no such phase: validation runs the ValLoop with val_evaluator')
    for key in ctx.rules['removed_keys']:
        if ctx.take(key) is not None and key != 'total_epochs':
            ctx.find('key-removed', 'info', key,
                     f'{key} is not read by MMEngine; removed' +
                     (' (validation cadence now comes from train_cfg.val_interval)'
                      if key == 'workflow' else ''))
    for finding in ctx.findings:
        # Never lose a value: a key whose meaning could not be carried over
        # stays, next to its error finding.
        legacy_key = finding.key.split('.')[0]  # 'log_config.hooks' is about log_config
        if finding.severity == 'error' and legacy_key in ctx.removed:
            ctx.removed.remove(legacy_key)
    for key, value in ctx.new.items():
        # Keys already in MMEngine form (written by an earlier conversion of a
        # child file) override what the remaining legacy keys give.
        existing = ctx.config.get(key)
        if isinstance(value, dict) and isinstance(existing, dict) and key not in ctx.removed:
            # ... except where a child's legacy keys change a converted base's
            ctx.new[key] = (merge(existing, value) if key in ctx.over_converted
                            else merge(value, existing))
    ordered = {key: ctx.new[key] for key in NEW_KEY_ORDER if key in ctx.new}
    ordered.update((k, v) for k, v in ctx.new.items() if k not in ordered)
    return Translation(ordered, ctx.removed, ctx.findings)


# -- model -----------------------------------------------------------------

def _read_library_spellings(ctx: _Context) -> None:
    """mmedit / mmgen 0.x spell the runner and the optimizer their own way:
    their train API builds ``IterBasedRunner`` and runs it for
    ``total_iters``, and builds one optimizer per sub-module from
    ``optimizers``. Read as ``runner`` / ``optimizer`` when the config does
    not say those (nor has a loop already)."""
    loop = ctx.config.get('train_cfg')
    converted = isinstance(loop, dict) and ('type' in loop or 'max_iters' in loop)
    if 'total_iters' in ctx.config and 'runner' not in ctx.config and \
            'total_epochs' not in ctx.config and not converted:
        ctx.config['runner'] = dict(type='IterBasedRunner',
                                    max_iters=ctx.take('total_iters'))
    if 'optimizers' in ctx.config and 'optimizer' not in ctx.config and \
            'optim_wrapper' not in ctx.config:
        ctx.config['optimizer'] = ctx.take('optimizers')


def _translate_model_collision(ctx: _Context) -> None:
    if not _has_model_loop_collision(ctx.config):
        return
    moved = {}
    for key in ('train_cfg', 'test_cfg'):
        if _is_model_setting(ctx.config, key):
            moved[key] = ctx.take(key)
    ctx.new['model'] = moved
    ctx.find('model-cfg-moved', 'info', next(iter(moved)),
             f'top-level {" and ".join(moved)} were model settings in MMCV-era configs; '
             'they move into model (MMEngine reads the top-level names as loop configs)')


# -- optimisation ------------------------------------------------------------

def _translate_optimizer(ctx: _Context) -> None:
    if 'optimizer' in ctx.config and ctx.config['optimizer'] is None:
        # kept as written (an error finding keeps the key): there is nothing
        # to carry over, and removing it would bring a base's optimizer back
        ctx.find('optimizer-none', 'error', 'optimizer',
                 'optimizer = None: MMCV built no optimizer from this config; MMEngine needs '
                 'optim_wrapper.optimizer — write it, or remove this line')
    optimizer = ctx.take('optimizer')
    hook = ctx.take('optimizer_config')
    fp16 = ctx.take('fp16')
    # A child's fp16 / optimizer_config over a base already converted: they
    # change the optim_wrapper that base wrote.
    onto_converted = 'optimizer' not in ctx.config and 'optim_wrapper' in ctx.config and (
        isinstance(fp16, dict) or isinstance(hook, dict))
    if optimizer is None and not onto_converted:
        # Converted together with the optimizer they belong to; on their
        # own (a custom hook kept after conversion) they stay as they are.
        for key in ('optimizer_config', 'fp16'):
            if key in ctx.removed:
                ctx.removed.remove(key)
        if (hook is not None or fp16 is not None) and 'optim_wrapper' not in ctx.config:
            ctx.find('optimizer-missing', 'warning', 'optimizer_config',
                     'optimizer_config/fp16 without an optimizer in this config chain: '
                     'they are converted where the optimizer is defined')
        return
    if onto_converted:
        optimizer, wrapper = {}, {}
        ctx.over_converted.add('optim_wrapper')
    elif isinstance(optimizer, BuiltOptimizer):
        # a training script's optimizer object: MMEngine takes it as it is
        optimizer, wrapper = {}, dict(type='OptimWrapper', optimizer=optimizer)
    elif isinstance(optimizer, Opaque) or not isinstance(optimizer, dict):
        ctx.find('optimizer-opaque', 'error', 'optimizer',
                 'optimizer is not a dict literal; write optim_wrapper by hand')
        for key in ('optimizer_config', 'fp16'):
            if key in ctx.removed:  # they go into the same optim_wrapper: kept with it
                ctx.find('optimizer-opaque', 'error', key,
                         f'{key} is kept: it goes into optim_wrapper together with optimizer, '
                         'which is not a dict literal')
        return
    else:
        optimizer = dict(optimizer)
        wrapper = dict(type='OptimWrapper', optimizer=optimizer)
    if 'type' not in optimizer and optimizer and all(isinstance(v, dict) for v in
                                                     optimizer.values()):
        ctx.new['optim_wrapper'] = {name: _one_wrapper(value)
                                    for name, value in optimizer.items()}
        ctx.find('optimizer-multiple', 'warning', 'optimizer',
                 'several optimizers: MMEngine needs a constructor that builds an '
                 'OptimWrapperDict (e.g. your library\'s MultiOptimWrapperConstructor); '
                 'add optim_wrapper.constructor')
        return
    paramwise = optimizer.pop('paramwise_cfg', None)
    constructor = optimizer.pop('constructor', None)
    hook = dict(hook) if isinstance(hook, dict) else ({} if hook is None else hook)
    if not isinstance(hook, dict):
        ctx.find('optimizer-config-opaque', 'error', 'optimizer_config',
                 'optimizer_config is not a dict literal; convert it by hand')
        hook = {}
    hook_type = hook.pop('type', 'OptimizerHook')
    known = ctx.rules['optimizer_hooks'].get(hook_type)
    if known is None:
        ctx.find('optimizer-hook-custom', 'error', 'optimizer_config',
                 f'optimizer_config type {hook_type!r} is a custom optimizer hook; MMEngine '
                 'optimises in model.train_step: port its logic to an OptimWrapper subclass '
                 'and remove optimizer_config (kept for reference)')
        ctx.removed.remove('optimizer_config')
    elif not (onto_converted and known['wrapper'] == 'OptimWrapper'):
        wrapper['type'] = known['wrapper']  # (over a converted base, its type stays)
    grad_clip = hook.pop('grad_clip', None)
    if grad_clip is not None:
        wrapper['clip_grad'] = grad_clip
    cumulative = hook.pop('cumulative_iters', None)
    if cumulative not in (None, 1):
        wrapper['accumulative_counts'] = cumulative
    if hook.pop('detect_anomalous_params', False):
        ctx.new['model_wrapper_cfg'] = dict(type='MMDistributedDataParallel',
                                            detect_anomalous_params=True)
    amp = known is not None and known['wrapper'] == 'AmpOptimWrapper'
    loss_scale = hook.pop('loss_scale', None)
    if isinstance(fp16, dict):
        amp = True
        loss_scale = fp16.get('loss_scale', loss_scale)
        unknown = sorted(map(str, set(fp16) - {'loss_scale'}))
        if unknown:
            ctx.find('fp16-unknown-args', 'warning', 'fp16',
                     f'{", ".join(unknown)} not accepted by MMCV\'s fp16 (it takes only '
                     'loss_scale; MMCV raised a TypeError); not carried over')
    if amp:
        wrapper['type'] = 'AmpOptimWrapper'
        # MMCV's default is a static 512; MMEngine's would be 'dynamic'.
        wrapper['loss_scale'] = 512.0 if loss_scale is None else loss_scale
        dropped = [k for k in ctx.rules['fp16_dropped'] if hook.pop(k, None) is not None]
        if dropped:
            ctx.find('fp16-args-dropped', 'info', 'optimizer_config',
                     f'{", ".join(dropped)} have no meaning for AmpOptimWrapper; dropped')
        ctx.find('fp16-autocast-scope', 'info', 'fp16',
                 'AmpOptimWrapper autocasts the whole forward (MMCV only @auto_fp16 '
                 'methods) and needs a CUDA device')
    if hook:
        ctx.find('optimizer-config-unknown-args', 'warning', 'optimizer_config',
                 f'{", ".join(sorted(hook))} not carried over; check them')
    if constructor is not None:
        renamed = ctx.rules['optimizer_constructors'].get(constructor, constructor)
        wrapper['constructor'] = renamed
        if renamed == constructor:
            ctx.find('optimizer-constructor-custom', 'warning', 'optimizer.constructor',
                     f'{constructor} must become an optim wrapper constructor (it now '
                     'receives optim_wrapper_cfg and returns an OptimWrapper)')
    if paramwise is not None:
        wrapper['paramwise_cfg'] = paramwise
        ctx.find('paramwise-semantics', 'info', 'optimizer.paramwise_cfg',
                 'MMEngine drops frozen parameters from the optimizer and gives custom_keys '
                 'precedence over dwconv/bias multipliers differently (CATALOGUE §5.2); '
                 'check the param groups if you resume an MMCV optimizer state')
    ctx.new['optim_wrapper'] = wrapper


def _one_wrapper(optimizer: dict) -> dict:
    """One optimizer of several: MMCV's builder took paramwise_cfg out of the
    optimizer's dict, MMEngine's constructor reads it from the wrapper's."""
    optimizer = dict(optimizer)
    wrapper = dict(type='OptimWrapper', optimizer=optimizer)
    for key in ('paramwise_cfg', 'constructor'):
        if key in optimizer:
            wrapper[key] = optimizer.pop(key)
    return wrapper


def _shape(ctx: _Context) -> TrainingShape:
    runner = ctx.config.get('runner')
    runner = runner if isinstance(runner, dict) else {}
    max_epochs = runner.get('max_epochs', ctx.config.get('total_epochs'))
    max_iters = runner.get('max_iters')
    loop = ctx.config.get('train_cfg')
    if not runner and max_epochs is None and isinstance(loop, dict):
        # the runner was converted by an earlier run (its lr_config was kept):
        # the loop it became gives the same length
        max_epochs, max_iters = loop.get('max_epochs'), loop.get('max_iters')
    optimizer = ctx.config.get('optimizer')
    optimizer = optimizer if isinstance(optimizer, dict) else {}
    if 'type' not in optimizer and optimizer and all(isinstance(v, dict)
                                                     for v in optimizer.values()):
        # one optimizer per sub-module: the schedule applies to each; their
        # values are known when they agree
        parts = [param_group_bases(part) for part in optimizer.values()]
        base_lrs = parts[0][0] if all(p[0] == parts[0][0] for p in parts) else None
        momentum = parts[0][1] if all(p[1] == parts[0][1] for p in parts) else None
    else:
        base_lrs, momentum = param_group_bases(optimizer)
    return TrainingShape(
        runner=ctx.runner_kind,
        max_epochs=max_epochs if isinstance(max_epochs, int) else None,
        max_iters=max_iters if isinstance(max_iters, int) else None,
        base_lrs=base_lrs,
        base_momentum=momentum if isinstance(momentum, (int, float)) else None)


def param_group_bases(optimizer: dict) -> tuple:
    """(the param groups' base lrs, base momentum) one optimizer gives."""
    lr = optimizer.get('lr')
    base_lrs = None
    if isinstance(lr, (int, float)):
        lrs = [lr]
        paramwise = optimizer.get('paramwise_cfg')
        if isinstance(paramwise, dict):
            for options in (paramwise.get('custom_keys') or {}).values():
                if isinstance(options, dict) and isinstance(options.get('lr_mult'),
                                                            (int, float)):
                    lrs.append(lr * options['lr_mult'])
            if isinstance(paramwise.get('bias_lr_mult'), (int, float)):
                lrs.append(lr * paramwise['bias_lr_mult'])
        # the optimizer's own lr last: where one base must be chosen, it is
        base_lrs = tuple(sorted(set(lrs), key=lambda v: v == lr))
    momentum = optimizer.get('momentum')
    betas = optimizer.get('betas')
    if momentum is None and isinstance(betas, (list, tuple)) and betas:
        momentum = betas[0]
    return base_lrs, momentum


def _translate_schedules(ctx: _Context) -> None:
    lr_config = ctx.take('lr_config')
    momentum_config = ctx.take('momentum_config')
    if lr_config is None and momentum_config is None:
        return
    schedulers, findings = translate_schedules(lr_config, momentum_config, _shape(ctx))
    ctx.findings.extend(findings)
    if schedulers is None:
        # Keep the legacy keys: the user converts them with the finding's help.
        failed = {f.key for f in findings if f.severity == 'error'}
        for key, value in (('lr_config', lr_config), ('momentum_config', momentum_config)):
            if value is None:
                continue
            ctx.removed.remove(key)
            if key not in failed:
                ctx.find('schedule-kept-with-other', 'warning', key,
                         f'{key} is kept as it is: it and {" and ".join(sorted(failed))} make '
                         'one param_scheduler list, which is written once both convert')
        return
    ctx.new['param_scheduler'] = schedulers


# -- loops and evaluation ---------------------------------------------------

def _translate_runner(ctx: _Context) -> None:
    runner = ctx.take('runner')
    total_epochs = ctx.take('total_epochs')
    if runner is None and total_epochs is None:
        return
    runner = dict(runner) if isinstance(runner, dict) else {}
    runner_type = runner.pop('type', 'EpochBasedRunner')
    if runner_type == 'IterBasedRunner':
        loop = dict(type='IterBasedTrainLoop', max_iters=runner.pop('max_iters', None))
    else:
        loop = dict(type='EpochBasedTrainLoop',
                    max_epochs=runner.pop('max_epochs', total_epochs))
        if runner_type != 'EpochBasedRunner':
            ctx.new['runner_type'] = runner_type
            ctx.find('runner-custom', 'warning', 'runner',
                     f'custom runner {runner_type!r} becomes runner_type; it must subclass '
                     "MMEngine's Runner (convert its code with mmmigrate convert)")
    runner.pop('max_epochs', None)
    if runner:
        ctx.find('runner-unknown-args', 'warning', 'runner',
                 f'{", ".join(sorted(runner))} not carried over')
    if loop.get('max_epochs', loop.get('max_iters')) is None:
        ctx.find('runner-no-length', 'error', 'runner',
                 'the runner has no max_epochs/max_iters (or is not a dict literal); set '
                 'train_cfg by hand')
        return
    ctx.new['train_cfg'] = loop


# -- environment and resuming ---------------------------------------------

def _translate_environment(ctx: _Context) -> None:
    env = {}
    dist_params = ctx.take('dist_params')
    if dist_params is not None:
        env['dist_cfg'] = dist_params
    mp = {}
    for key in ('mp_start_method', 'opencv_num_threads'):
        value = ctx.take(key)
        if value is not None:
            mp[key] = value
    if mp:
        env['mp_cfg'] = mp
    benchmark = ctx.take('cudnn_benchmark')
    if benchmark is not None:
        env = dict(cudnn_benchmark=benchmark, **env)
    if env:
        ctx.new['env_cfg'] = env
    randomness = {}
    for key in ('seed', 'deterministic'):
        value = ctx.take(key)
        if value is not None:
            randomness[key] = value
    if randomness:
        ctx.new['randomness'] = randomness


def _translate_loading(ctx: _Context) -> None:
    resume_from = ctx.take('resume_from')
    auto_resume = ctx.take('auto_resume')
    if resume_from is not None:
        ctx.new['load_from'] = resume_from
        ctx.new['resume'] = True
    elif auto_resume:
        ctx.new['resume'] = True
        ctx.find('auto-resume', 'warning', 'auto_resume',
                 'MMEngine resumes from work_dir/last_checkpoint, which MMCV never wrote: '
                 'an MMCV work_dir is not found and training restarts from scratch')


# -- data ------------------------------------------------------------------

def _translate_data(ctx: _Context) -> None:
    data = ctx.take('data')
    if data is None:
        return
    if not isinstance(data, dict):
        ctx.find('data-opaque', 'error', 'data',
                 'data is not a dict literal; write the *_dataloader keys by hand')
        ctx.removed.remove('data')
        return
    data = dict(data)
    batch = _pop_first(data, ctx.rules['data_batch_keys'])
    workers = _pop_first(data, ctx.rules['data_worker_keys'])
    persistent = data.pop('persistent_workers', None)
    overrides = {split: data.pop(f'{split}_dataloader', None) or {}
                 for split in ('train', 'val', 'test')}
    for split in ('train', 'val', 'test'):
        if split not in data:
            continue
        loader = {}
        if split == 'train':
            loader['batch_size'] = batch
            loader['num_workers'] = workers
        else:
            loader['batch_size'] = 1  # mmdet 2.x's val/test default
            loader['num_workers'] = workers
        if persistent is not None:
            loader['persistent_workers'] = persistent
        if split != 'train':
            loader['drop_last'] = False
        override = dict(overrides[split]) if isinstance(overrides[split], dict) else {}
        override_batch = _pop_first(override, ctx.rules['data_batch_keys'])
        if override_batch is not None:
            loader['batch_size'] = override_batch
        override_workers = _pop_first(override, ctx.rules['data_worker_keys'])
        if override_workers is not None:
            loader['num_workers'] = override_workers
        shuffle = override.pop('shuffle', split == 'train')
        loader.update(override)
        loader = {k: v for k, v in loader.items() if v is not None}
        loader['sampler'] = dict(type='DefaultSampler', shuffle=shuffle)
        loader['dataset'] = data.pop(split)
        ctx.new[f'{split}_dataloader'] = loader
    if data:
        ctx.find('data-unknown-args', 'warning', 'data',
                 f'{", ".join(sorted(map(str, data)))} not carried over')
    ctx.find('data-pipelines', 'info', 'data',
             'dataset configs and pipelines are copied as they are; MMEngine-era datasets '
             'and transforms (Pack*Inputs, data_preprocessor) come from your library')
    if batch is not None:
        ctx.find('data-batch-per-process', 'info', 'data',
                 'batch_size is per process in MMEngine; MMCV non-distributed DataParallel '
                 'used samples_per_gpu times the number of GPUs')


def _pop_first(config: dict, keys):
    """The value of the first of ``keys`` in ``config``; all are removed."""
    found = None
    for key in keys:
        value = config.pop(key, None)
        if found is None:
            found = value
    return found


def minimal_override(base, child):
    """What a child file must assign so that MMEngine's merge of ``base``
    with it gives ``child``: for dicts only the keys that changed (with
    ``_delete_=True`` when a key must disappear), otherwise the value."""
    if not (isinstance(base, dict) and isinstance(child, dict)):
        return child
    if any(key not in child for key in base):
        return dict(_delete_=True, **child)
    out = {}
    for key, value in child.items():
        if key not in base:
            out[key] = value
        elif base[key] != value:
            out[key] = minimal_override(base[key], value)
    return out


__all__ = ['translate_config', 'is_legacy', 'minimal_override', 'LEGACY_KEYS']

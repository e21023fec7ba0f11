"""The hook keys of an MMCV 1.x config (``checkpoint_config``,
``log_config``, ``custom_hooks``) in MMEngine terms; a part of
``translate_config`` (``ctx`` is its translation context)."""
from .values import is_opaque


def translate_checkpoint(ctx) -> None:
    config = ctx.take('checkpoint_config')
    hooks = ctx.default_hooks()
    if config is None and ctx.complete and hooks.get('checkpoint'):
        # evaluation.save_best without checkpoint_config: MMCV's EvalHook kept
        # the best checkpoints and nothing else.
        best = dict(type='CheckpointHook', interval=-1, save_last=False)
        if ctx.runner_kind == 'iter':
            best['by_epoch'] = False
        best.update(hooks['checkpoint'])
        hooks['checkpoint'] = best
        return
    if config is None:
        if ctx.complete and 'checkpoint' not in hooks:
            hooks['checkpoint'] = None
            ctx.find('checkpoint-absent', 'info', 'checkpoint_config',
                     'no checkpoint_config: MMCV saved no checkpoints, so the default '
                     'CheckpointHook is switched off')
        elif not hooks:
            del ctx.new['default_hooks']
        return
    if not isinstance(config, dict):
        ctx.find('checkpoint-opaque', 'error', 'checkpoint_config',
                 'checkpoint_config is not a dict literal; convert it by hand')
        return
    config = dict(config)
    hook = dict(type='CheckpointHook')
    kept = ctx.rules['checkpoint_kept']
    # MMCV's class default is -1 (only the last one, via save_last).
    hook['interval'] = config.pop('interval', -1)
    for key in kept:
        if key in config:
            hook[key] = config.pop(key)
    if ctx.runner_kind == 'iter':
        hook.setdefault('by_epoch', False)  # IterBasedRunner forced it
    if config:
        ctx.find('checkpoint-args-dropped', 'warning', 'checkpoint_config',
                 f'{", ".join(sorted(config))} would make MMEngine fail at the first save '
                 '(TypeError); dropped')
    hook.update(hooks.get('checkpoint') or {})
    hooks['checkpoint'] = hook


def translate_logging(ctx) -> None:
    config = ctx.take('log_config')
    hooks = ctx.default_hooks()
    if config is None:
        if ctx.complete:
            hooks['logger'] = None
            ctx.find('logger-absent', 'info', 'log_config',
                     'no log_config: MMCV logged nothing, so the default LoggerHook is '
                     'switched off')
        if not hooks:
            del ctx.new['default_hooks']
        return
    if not isinstance(config, dict):
        ctx.find('log-config-opaque', 'error', 'log_config',
                 'log_config is not a dict literal; convert it by hand')
        return
    interval = config.get('interval', 10)
    hooks['logger'] = dict(type='LoggerHook', interval=interval)
    by_epoch = ctx.runner_kind != 'iter'
    backends = []
    table = ctx.rules['logger_hooks']
    for item in config.get('hooks') or []:
        if not isinstance(item, dict) or not isinstance(item.get('type'), str):
            ctx.find('logger-hook-opaque', 'error', 'log_config.hooks',
                     f'{item!r} is not a literal hook config; add its vis backend by hand')
            continue
        item = dict(item)
        kind = item.pop('type')
        if 'by_epoch' in item:
            by_epoch = item['by_epoch']
        rule = table.get(kind)
        if rule is None:
            ctx.find('logger-hook-unknown', 'warning', 'log_config.hooks',
                     f'{kind} has no MMEngine vis backend; dropped')
            continue
        dropped = [k for k in rule.get('drop', []) if k in item]
        for key in dropped:
            item.pop(key)
        backends.append(dict(type=rule['backend'], **item))
        noteworthy = [k for k in dropped if k not in ('by_epoch', 'interval', 'ignore_last',
                                                      'reset_flag')]
        if noteworthy:
            ctx.find('logger-args-dropped', 'info', 'log_config.hooks',
                     f'{kind}: {", ".join(noteworthy)} not supported by {rule["backend"]}; '
                     'dropped')
    ctx.new['log_processor'] = dict(type='LogProcessor', window_size=interval,
                                    by_epoch=by_epoch)
    if backends:
        ctx.new['visualizer'] = dict(type='Visualizer', vis_backends=backends)


def translate_custom_hooks(ctx) -> None:
    """Legacy hook types in ``custom_hooks`` (of a legacy config only)."""
    hooks = ctx.config.get('custom_hooks')
    if not isinstance(hooks, list):
        return
    converted, changed = [], False
    for item in hooks:
        if not isinstance(item, dict) or is_opaque(item.get('type')):
            converted.append(item)
            continue
        item = dict(item)
        kind = item.get('type')
        arguments = ctx.rules['hook_arguments'].get(kind) or {}
        dropped = [k for k in arguments.get('drop', []) if k in item]
        for key in dropped:
            item.pop(key)
            changed = True
        if dropped:
            ctx.find('hook-args-dropped', 'warning', 'custom_hooks',
                     f'{kind}: {", ".join(dropped)} have no MMEngine equivalent; dropped')
        if kind in ctx.rules['hook_priorities'] and 'priority' not in item:
            item['priority'] = 'NORMAL'  # MMCV registered custom hooks at NORMAL
            changed = True
        converted.append(item)
    if changed:
        ctx.take('custom_hooks')
        ctx.new['custom_hooks'] = converted

"""MMCV 1.x configs at run time: ``mmmigrate train legacy_cfg.py``.

The loaded config's values go through the same translator that
``mmmigrate config`` applies to the source text (one source of truth): the
legacy keys are replaced by the MMEngine keys they become, and the findings
are logged once. A finding of severity ``error`` means a key could not be
translated (a custom optimizer hook, say): running on would silently train
differently, so loading stops and names it.

A config whose model is a ``LegacyModel`` gets MMCV's distributed wrapper
(``use_legacy_wrapper``).
"""
from typing import Callable, List, Optional

from ..migrate.translate import Finding, is_legacy, translate_config


class LegacyConfigError(ValueError):
    """A legacy config the translator cannot carry over."""


def upgrade_legacy_config(cfg, log: Optional[Callable[[str], None]] = None) -> List[Finding]:
    """Translate ``cfg`` (an engine ``Config``) in place when it holds MMCV
    1.x keys; returns the findings (empty for an MMEngine-style config)."""
    values = cfg.to_dict()
    if not is_legacy(values):
        return []
    for key in _legacy_keys_replaced_nearer(cfg, values):
        values.pop(key)
        cfg.pop(key)
    translation = translate_config(values)
    errors = [f for f in translation.findings if f.severity == 'error']
    if errors:
        raise LegacyConfigError(
            'this MMCV 1.x config cannot run as it is:\n' +
            '\n'.join(f'  {f.key}: [{f.rule}] {f.message}' for f in errors) +
            '\nconvert it with `mmmigrate config` and finish those keys by hand')
    for key in translation.removed:
        if key in cfg:
            cfg.pop(key)
    for key, value in translation.new.items():
        cfg[key] = value
    if log is not None:
        log(f'MMCV 1.x config: {", ".join(translation.removed)} translated to '
            f'{", ".join(translation.new)} (as `mmmigrate config` would write them)')
        for finding in translation.findings:
            if finding.severity != 'info':
                log(f'  {finding.key}: [{finding.rule}] {finding.message}')
    return translation.findings


def _legacy_keys_replaced_nearer(cfg, values: dict) -> List[str]:
    """A half-converted tree: a file converted already (its
    ``param_scheduler`` written) over a base still legacy (its
    ``lr_config``). The merged values hold both; the one written nearer the
    config wins, as the files say: the base's ``lr_config`` and
    ``momentum_config`` are not read. (A legacy key nearer than the
    converted one is translated and replaces it, as in ``mmmigrate config``.)"""
    depth_of = getattr(cfg, 'key_depth', None)
    if depth_of is None or 'param_scheduler' not in values:
        return []
    new = depth_of('param_scheduler')
    return [key for key in ('lr_config', 'momentum_config') if key in values
            and new is not None and (depth_of(key) or 0) > new]


def use_legacy_wrapper(cfg) -> None:
    """A ``LegacyModel`` trained on several processes is wrapped as MMCV's
    training scripts wrapped it: ``model_wrapper_cfg`` becomes
    ``LegacyDistributedDataParallel`` (``broadcast_buffers=False``, the
    config's ``find_unused_parameters``), whose step runs the module's own
    ``train_step`` through DDP. A wrapper the config names itself is kept."""
    model = cfg.get('model')
    if not isinstance(model, dict) or model.get('type') != 'LegacyModel':
        return
    wrapper = cfg.get('model_wrapper_cfg') or {}
    wrapper = dict(type=wrapper) if isinstance(wrapper, str) else dict(wrapper)
    if wrapper.get('type', 'MMDistributedDataParallel') != 'MMDistributedDataParallel':
        return
    wrapper['type'] = 'LegacyDistributedDataParallel'
    wrapper.setdefault('broadcast_buffers', False)
    wrapper.setdefault('find_unused_parameters', cfg.get('find_unused_parameters', False))
    cfg['model_wrapper_cfg'] = wrapper


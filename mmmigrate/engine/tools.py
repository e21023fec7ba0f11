"""What OpenMMLab's ``tools/train.py`` and ``tools/test.py`` do to a config
before running it, as functions (used by ``mmmigrate train`` / ``test``)."""
import os.path as osp
from typing import Optional

from .config import Config


def load_config(path: str, cfg_options: Optional[dict] = None,
                launcher: str = 'none', work_dir: Optional[str] = None,
                upgrade=None) -> Config:
    """Load ``path``, let ``upgrade(cfg)`` rewrite it (the CLI passes the
    compat layer's legacy-config translation), merge ``--cfg-options``, set
    the launcher and the work dir (command line > config >
    ``./work_dirs/<config name>``)."""
    cfg = Config.fromfile(path)
    if upgrade is not None:
        upgrade(cfg)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.launcher = launcher
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(path))[0])
    return cfg


def apply_train_options(cfg: Config, resume: Optional[str] = None, amp: bool = False,
                        auto_scale_lr: bool = False) -> Config:
    """``resume``: ``'auto'`` (the work dir's last checkpoint) or a path.
    ``amp``: train with ``AmpOptimWrapper`` and a dynamic loss scale.
    ``auto_scale_lr``: enable ``auto_scale_lr`` (it must be in the config)."""
    if amp:
        optim_wrapper = cfg.get('optim_wrapper')
        if optim_wrapper is None:
            raise KeyError('--amp needs an optim_wrapper in the config')
        if optim_wrapper.get('type', 'OptimWrapper') != 'AmpOptimWrapper':
            optim_wrapper.type = 'AmpOptimWrapper'
            optim_wrapper.loss_scale = 'dynamic'
    if auto_scale_lr:
        if 'auto_scale_lr' not in cfg or 'base_batch_size' not in cfg.auto_scale_lr:
            raise KeyError('--auto-scale-lr needs auto_scale_lr=dict(base_batch_size=...) in '
                           'the config')
        cfg.auto_scale_lr.enable = True
    if resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif resume is not None:
        cfg.resume = True
        cfg.load_from = resume
    return cfg


def apply_test_options(cfg: Config, checkpoint: str, out: Optional[str] = None) -> Config:
    """Load ``checkpoint`` before testing; ``out`` also dumps every
    prediction to that .pkl file."""
    cfg.load_from = checkpoint
    if out is not None:
        dump = dict(type='DumpResults', out_file_path=out)
        evaluator = cfg.get('test_evaluator')
        if evaluator is None:
            cfg.test_evaluator = [dump]
        elif isinstance(evaluator, (list, tuple)):
            cfg.test_evaluator = list(evaluator) + [dump]
        elif 'metrics' in evaluator:
            metrics = evaluator.metrics
            evaluator.metrics = (list(metrics) if isinstance(metrics, (list, tuple))
                                 else [metrics]) + [dump]
        else:
            cfg.test_evaluator = [evaluator, dump]
    return cfg


def build_runner(cfg: Config):
    """``Runner.from_cfg(cfg)``, or the custom runner named by ``runner_type``."""
    from .registry import RUNNERS
    from .runner import Runner
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)

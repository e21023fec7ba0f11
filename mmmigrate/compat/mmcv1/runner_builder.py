"""``mmcv.runner.builder``: ``build_runner(cfg.runner, default_args)`` builds
the runner the config names from ``RUNNERS`` (the compat facades, and runners
libraries register) through a runner constructor (``RUNNER_BUILDERS``)."""
from typing import Optional

from .registries import RUNNER_BUILDERS, RUNNERS, build_from_cfg


@RUNNER_BUILDERS.register_module()
class DefaultRunnerConstructor:

    def __init__(self, runner_cfg: dict, default_args: Optional[dict] = None):
        if not isinstance(runner_cfg, dict):
            raise TypeError(f'runner_cfg should be a dict, but got {type(runner_cfg)}')
        self.runner_cfg = runner_cfg
        self.default_args = default_args

    def __call__(self):
        return build_from_cfg(self.runner_cfg, RUNNERS, default_args=self.default_args)


def build_runner_constructor(cfg: dict):
    return build_from_cfg(cfg, RUNNER_BUILDERS)


def build_runner(cfg: dict, default_args: Optional[dict] = None):
    from .. import runner  # noqa: F401  (registers the facades in RUNNERS)
    runner_cfg = dict(_plain(cfg))
    constructor = runner_cfg.pop('constructor', 'DefaultRunnerConstructor')
    return build_runner_constructor(dict(type=constructor, runner_cfg=runner_cfg,
                                         default_args=default_args))()


def _plain(value):
    to_dict = getattr(value, 'to_dict', None)
    return to_dict() if callable(to_dict) else value

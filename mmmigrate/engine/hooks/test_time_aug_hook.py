"""``PrepareTTAHook`` and ``build_runner_with_tta``: test with a
test-time-augmentation model wrapped around the trained one."""
from ..registry import HOOKS, MODELS, RUNNERS
from .hook import Hook


@HOOKS.register_module()
class PrepareTTAHook(Hook):
    """Before testing, replaces ``runner.model`` with ``MODELS.build(tta_cfg)``
    where ``tta_cfg['module']`` is the runner's model (a ``BaseTTAModel``)."""

    def __init__(self, tta_cfg: dict):
        self.tta_cfg = tta_cfg

    def before_test(self, runner) -> None:
        self.tta_cfg['module'] = runner.model
        runner.model = MODELS.build(self.tta_cfg)


def build_runner_with_tta(cfg: dict):
    """A runner built from ``cfg`` that tests with ``cfg.tta_model`` and
    ``cfg.tta_pipeline`` (the test dataset's pipeline is replaced)."""
    if not hasattr(cfg, 'tta_model'):
        raise AssertionError('please make sure tta_model is defined in your config.')
    if not hasattr(cfg, 'tta_pipeline'):
        raise AssertionError('please make sure tta_pipeline is defined in your config.')
    cfg['test_dataloader']['dataset']['pipeline'] = cfg['tta_pipeline']
    if 'runner_type' in cfg:
        runner = RUNNERS.build(cfg)
    else:
        from ..runner import Runner
        runner = Runner.from_cfg(cfg)
    runner.register_hook(PrepareTTAHook(tta_cfg=cfg['tta_model']))
    return runner

"""MMCV's optimizer hooks as legacy training scripts build them
(``mmcv.runner.OptimizerHook`` under the shim): mmdet 2.x's
``train_detector`` makes ``OptimizerHook(**cfg.optimizer_config)`` or
``Fp16OptimizerHook(...)`` objects and passes them to
``register_training_hooks``.

On the engine the optim wrapper does what these hooks did, so the objects
only carry their settings: the runner facades read them as the
``optimizer_config`` dict MMCV's config would have held (``config()``) and
translate that like any other (grad_clip -> clip_grad, cumulative_iters ->
accumulative_counts, fp16 -> AmpOptimWrapper). A subclass is a custom
optimizer hook: the translator refuses it by name, since its own step logic
has to move into an optim wrapper.
"""
from .hooks import LegacyHook


class OptimizerHook(LegacyHook):
    """``OptimizerHook(grad_clip=None, detect_anomalous_params=False)``."""

    def __init__(self, grad_clip=None, detect_anomalous_params=False):
        self._settings = dict(grad_clip=grad_clip,
                              detect_anomalous_params=detect_anomalous_params)

    def config(self) -> dict:
        """The ``optimizer_config`` dict that describes this hook; a
        subclass's own type name marks it custom."""
        kind = type(self)
        name = kind.__name__ if kind.__module__ != __name__ else kind.__qualname__
        return dict(type=name, **{k: v for k, v in self._settings.items() if v is not None})


class GradientCumulativeOptimizerHook(OptimizerHook):
    """``GradientCumulativeOptimizerHook(cumulative_iters=1, **kwargs)``."""

    def __init__(self, cumulative_iters: int = 1, **kwargs):
        super().__init__(**kwargs)
        self._settings['cumulative_iters'] = cumulative_iters


class Fp16OptimizerHook(OptimizerHook):
    """``Fp16OptimizerHook(grad_clip=None, coalesce=True, bucket_size_mb=-1,
    loss_scale=512., distributed=True)``."""

    def __init__(self, grad_clip=None, coalesce=True, bucket_size_mb=-1, loss_scale=512.,
                 distributed=True):
        super().__init__(grad_clip)
        self._settings.update(coalesce=coalesce, bucket_size_mb=bucket_size_mb,
                              loss_scale=loss_scale, distributed=distributed)


class GradientCumulativeFp16OptimizerHook(Fp16OptimizerHook):
    """``GradientCumulativeFp16OptimizerHook(cumulative_iters=1, **kwargs)``."""

    def __init__(self, cumulative_iters: int = 1, **kwargs):
        super().__init__(**kwargs)
        self._settings['cumulative_iters'] = cumulative_iters

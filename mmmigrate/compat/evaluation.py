"""MMCV 1.x's ``EvalHook`` as MMEngine validation, for converted training
scripts (``mmmigrate convert`` writes ``runner.register_hook(EvalHook(loader,
**eval_cfg))`` as ``Runner(val_dataloader=loader, val_cfg=dict(type=
PredictValLoop), val_evaluator=[DatasetMetric(loader.dataset, **eval_cfg)])``).

MMCV's hook ran ``model(return_loss=False, **data)`` over the loader
(``single_gpu_test``) and scored the collected results with
``dataset.evaluate(results, logger=..., **eval_kwargs)``:

- :class:`PredictValLoop` is MMEngine's ``ValLoop`` running each batch
  through ``model.test_step`` (preprocess, then ``forward(mode='predict')``),
  not ``val_step``: a converted legacy ``val_step`` still computes the val
  workflow's losses, which is not what the hook evaluated.
- :class:`DatasetMetric` collects the predictions (across processes, like
  ``DistEvalHook``) and calls the dataset's own ``evaluate``.

The hook's own arguments (``interval``, ``save_best``, ...) are accepted and
not used here: the converted config carries them (``train_cfg.val_interval``,
``default_hooks.checkpoint.save_best``).
"""
from typing import Any, Optional, Sequence

import torch

from ..rules import load_pack
from .mmcv1 import mmengine_module

# EvalHook / DistEvalHook arguments that are not dataset.evaluate() arguments
HOOK_ARGUMENTS = frozenset(load_pack('eval_hooks')['hook_arguments'])

BaseMetric = mmengine_module('evaluator').BaseMetric
ValLoop = mmengine_module('runner').ValLoop
autocast = mmengine_module('runner').autocast


class DatasetMetric(BaseMetric):
    """Scores a validation run with ``dataset.evaluate(results, logger,
    **eval_kwargs)``, as MMCV 1.x's EvalHook did.

    Args:
        dataset: the validation dataset (``val_dataloader.dataset``).
        gpu_collect / tmpdir: DistEvalHook's ways of gathering the results
            of every process; ``collect_device`` / ``collect_dir`` /
            ``prefix`` (what a converted config's val_evaluator says) win.
        **eval_kwargs: the EvalHook's keyword arguments; its own ones
            (``interval``, ``save_best``, ...) are dropped, the rest go to
            ``dataset.evaluate`` (``metric='bbox'``, ...).
    """

    def __init__(self, dataset, gpu_collect: bool = False, tmpdir: Optional[str] = None,
                 collect_device: Optional[str] = None, collect_dir: Optional[str] = None,
                 prefix: Optional[str] = None, **eval_kwargs):
        # the converted config's val_evaluator says collect_device / collect_dir;
        # DistEvalHook ignored tmpdir when it gathered on the GPU
        collect_device = collect_device or ('gpu' if gpu_collect else 'cpu')
        if collect_dir is None and collect_device == 'cpu':
            collect_dir = tmpdir
        super().__init__(collect_device=collect_device, prefix=prefix, collect_dir=collect_dir)
        if 'type' in eval_kwargs:
            raise TypeError(f"val_evaluator has type={eval_kwargs['type']!r}: that metric "
                            'replaces dataset.evaluate, so pass the config\'s val_evaluator '
                            'to the Runner instead of DatasetMetric(...)')
        if not callable(getattr(dataset, 'evaluate', None)):
            raise TypeError(f'{type(dataset).__name__} has no evaluate(results, ...) method: '
                            'MMCV 1.x EvalHook scored results with it; give the Runner an '
                            'MMEngine metric as val_evaluator instead')
        self.dataset = dataset
        self.eval_kwargs = {k: v for k, v in eval_kwargs.items() if k not in HOOK_ARGUMENTS}

    def process(self, data_batch: Any, data_samples: Sequence) -> None:
        # one result per sample, as single_gpu_test's results.extend(result)
        self.results.extend(data_samples)

    def compute_metrics(self, results: list) -> dict:
        logger = mmengine_module('logging').MMLogger.get_current_instance()
        return self.dataset.evaluate(results, logger=logger, **self.eval_kwargs)


class PredictValLoop(ValLoop):
    """MMEngine's ValLoop, each batch through ``model.test_step`` (what
    MMCV's ``single_gpu_test`` ran: ``forward(return_loss=False)``)."""

    @torch.no_grad()
    def run_iter(self, idx, data_batch) -> None:
        self.runner.call_hook('before_val_iter', batch_idx=idx, data_batch=data_batch)
        with autocast(enabled=getattr(self, 'fp16', False)):
            outputs = self.runner.model.test_step(data_batch)
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
        self.runner.call_hook('after_val_iter', batch_idx=idx, data_batch=data_batch,
                              outputs=outputs)

"""``RuntimeInfoHook``: publishes epoch, iteration, learning rates, losses
and metrics in the message hub."""
from typing import Any, Dict, Optional

from ..registry import HOOKS
from ..version import __version__
from .hook import DATA_BATCH, Hook


def _is_scalar(value: Any) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    if hasattr(value, 'numel'):
        return value.numel() == 1
    size = getattr(value, 'size', None)  # numpy arrays and scalars
    return isinstance(size, int) and size == 1 and hasattr(value, 'item')


@HOOKS.register_module()
class RuntimeInfoHook(Hook):
    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        runner.message_hub.update_info_dict(dict(
            cfg=runner.cfg.pretty_text, seed=runner.seed,
            experiment_name=runner.experiment_name, mmengine_version=__version__))
        self.last_loop_stage = None

    def before_train(self, runner) -> None:
        hub = runner.message_hub
        hub.update_info('loop_stage', 'train')
        hub.update_info('epoch', runner.epoch)
        hub.update_info('iter', runner.iter)
        hub.update_info('max_epochs', runner.max_epochs)
        hub.update_info('max_iters', runner.max_iters)
        metainfo = getattr(runner.train_dataloader.dataset, 'metainfo', None)
        if metainfo is not None:
            hub.update_info('dataset_meta', metainfo)

    def after_train(self, runner) -> None:
        runner.message_hub.pop_info('loop_stage')

    def before_train_epoch(self, runner) -> None:
        runner.message_hub.update_info('epoch', runner.epoch)

    def before_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        hub = runner.message_hub
        hub.update_info('iter', runner.iter)
        lr_dict = runner.optim_wrapper.get_lr()
        if not isinstance(lr_dict, dict):
            raise AssertionError('`runner.optim_wrapper.get_lr()` should return a dict of lr '
                                 'lists; check that the optimizer constructor returns an '
                                 f'OptimWrapper, got {lr_dict!r}')
        for name, lr in lr_dict.items():
            hub.update_scalar(f'train/{name}', lr[0])

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        if outputs is not None:
            hub = runner.message_hub
            for key, value in outputs.items():
                hub.update_scalar(f'train/{key}', value)

    def before_val(self, runner) -> None:
        self.last_loop_stage = runner.message_hub.get_info('loop_stage')
        runner.message_hub.update_info('loop_stage', 'val')

    def _publish_metrics(self, runner, mode: str, metrics: Optional[Dict[str, Any]]) -> None:
        for key, value in (metrics or {}).items():
            if _is_scalar(value):
                runner.message_hub.update_scalar(f'{mode}/{key}', value)
            else:
                runner.message_hub.update_info(f'{mode}/{key}', value)

    def after_val_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        self._publish_metrics(runner, 'val', metrics)

    def after_val(self, runner) -> None:
        if self.last_loop_stage == 'train':
            runner.message_hub.update_info('loop_stage', self.last_loop_stage)
            self.last_loop_stage = None
        else:
            runner.message_hub.pop_info('loop_stage')

    def before_test(self, runner) -> None:
        runner.message_hub.update_info('loop_stage', 'test')

    def after_test(self, runner) -> None:
        runner.message_hub.pop_info('loop_stage')

    def after_test_epoch(self, runner, metrics: Optional[Dict[str, float]] = None) -> None:
        self._publish_metrics(runner, 'test', metrics)

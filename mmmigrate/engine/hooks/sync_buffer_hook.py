"""``SyncBuffersHook``: averages buffers (BN statistics) across ranks."""
from ..registry import HOOKS
from .hook import Hook


@HOOKS.register_module()
class SyncBuffersHook(Hook):
    """Average the model's buffers (e.g. BN statistics) across ranks after
    each training epoch and before validation."""
    priority = 'NORMAL'

    def __init__(self) -> None:
        from ..dist import is_distributed
        self.distributed = is_distributed()
        self.called_in_train = False

    def before_val_epoch(self, runner) -> None:
        from ..dist import all_reduce_params
        if self.distributed:
            if not self.called_in_train:
                all_reduce_params(runner.model.buffers(), op='mean')
            self.called_in_train = False

    def after_train_epoch(self, runner) -> None:
        from ..dist import all_reduce_params
        if self.distributed:
            all_reduce_params(runner.model.buffers(), op='mean')
            self.called_in_train = True

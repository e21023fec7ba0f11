"""``EmptyCacheHook``: releases cached CUDA memory between epochs or iterations."""
from typing import Optional, Sequence, Union

import torch

from ..registry import HOOKS
from .hook import DATA_BATCH, Hook


@HOOKS.register_module()
class EmptyCacheHook(Hook):
    """Release cached CUDA memory before/after epochs or after iterations."""
    priority = 'NORMAL'

    def __init__(self, before_epoch: bool = False, after_epoch: bool = True,
                 after_iter: bool = False) -> None:
        self._do_before_epoch = before_epoch
        self._do_after_epoch = after_epoch
        self._do_after_iter = after_iter

    @staticmethod
    def _empty_cache() -> None:
        if torch.cuda.is_available():
            torch.cuda.empty_cache()

    def _after_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                    outputs: Optional[Union[dict, Sequence]] = None, mode: str = 'train') -> None:
        if self._do_after_iter:
            self._empty_cache()

    def _before_epoch(self, runner, mode: str = 'train') -> None:
        if self._do_before_epoch:
            self._empty_cache()

    def _after_epoch(self, runner, mode: str = 'train') -> None:
        if self._do_after_epoch:
            self._empty_cache()

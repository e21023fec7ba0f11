"""``ZeroRedundancyOptimizer``: torch's ZeRO optimizer (optimizer state
sharded over the ranks), built from an optimizer type name."""
import torch

from ...dist import is_main_process
from ...registry import OPTIMIZERS

try:
    from torch.distributed.optim import ZeroRedundancyOptimizer as _TorchZero
except ImportError:  # torch built without distributed support
    _TorchZero = object


@OPTIMIZERS.register_module()
class ZeroRedundancyOptimizer(_TorchZero):
    """``dict(type='ZeroRedundancyOptimizer', optimizer_type='AdamW', lr=...)``;
    needs an initialised process group. ``state_dict`` gathers the shards
    on rank 0 (other ranks return an empty dict)."""

    def __init__(self, params, optimizer_type: str, **kwargs):
        from torch.distributed.rpc import is_available
        if _TorchZero is object or not is_available():
            raise AssertionError('ZeroRedundancyOptimizer needs torch.distributed with rpc, '
                                 'which this torch build lacks')
        super().__init__(list(params), getattr(torch.optim, optimizer_type), **kwargs)

    def state_dict(self):
        self.consolidate_state_dict()
        return super().state_dict() if is_main_process() else dict()

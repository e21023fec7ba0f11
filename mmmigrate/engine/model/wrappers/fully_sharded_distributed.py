"""``MMFullyShardedDataParallel``: torch FSDP with the engine's step API."""
from typing import Dict

import torch
from torch.distributed.fsdp import FullyShardedDataParallel

from ...registry import FUNCTIONS, MODEL_WRAPPERS
from ..utils import forward_with_batch


def _resolve_policy(policy):
    """``auto_wrap_policy`` may be a callable, a registered function name,
    or ``dict(type=name, **kwargs)`` (e.g. ``size_based_auto_wrap_policy``
    with ``min_num_params``)."""
    import functools
    from torch.distributed.fsdp import wrap
    if policy is None or callable(policy):
        return policy
    if isinstance(policy, str):
        policy = dict(type=policy)
    policy = dict(policy)
    name = policy.pop('type')
    func = FUNCTIONS.get(name) if isinstance(name, str) else name
    if func is None:
        func = getattr(wrap, name, None)
    if func is None:
        raise ValueError(f'MMFullyShardedDataParallel: unknown auto_wrap_policy {name!r}')
    return functools.partial(func, **policy) if policy else func


@MODEL_WRAPPERS.register_module(force=True)  # replaces the lazy stand-in
class MMFullyShardedDataParallel(FullyShardedDataParallel):
    """FSDP whose ``train_step`` runs preprocessing and the sharded forward,
    ``parse_losses`` and ``update_params`` (use ``AmpOptimWrapper`` with
    ``use_fsdp=True`` for mixed precision). Other arguments go to
    ``torch.distributed.fsdp.FullyShardedDataParallel``."""

    def __init__(self, module, auto_wrap_policy=None, **kwargs):
        if not torch.cuda.is_available():
            raise RuntimeError('MMFullyShardedDataParallel needs CUDA devices (torch FSDP does '
                               'not run on CPU); use MMDistributedDataParallel on CPU')
        super().__init__(module=module, auto_wrap_policy=_resolve_policy(auto_wrap_policy),
                         **kwargs)

    def train_step(self, data: dict, optim_wrapper) -> Dict[str, torch.Tensor]:
        with optim_wrapper.optim_context(self):
            data = self.module.data_preprocessor(data, training=True)
            losses = self._run_forward(data, mode='loss')
        parsed_loss, log_vars = self.module.parse_losses(losses)
        optim_wrapper.update_params(parsed_loss)
        return log_vars

    def val_step(self, data: dict) -> list:
        data = self.module.data_preprocessor(data, False)
        return self._run_forward(data, mode='predict')

    def test_step(self, data: dict) -> list:
        data = self.module.data_preprocessor(data, False)
        return self._run_forward(data, mode='predict')

    _run_forward = forward_with_batch

"""``DistSamplerSeedHook``: tells the sampler the epoch, so every epoch
(and every rank consistently) gets a new shuffle."""
from ..registry import HOOKS
from .hook import Hook


@HOOKS.register_module()
class DistSamplerSeedHook(Hook):
    priority = 'NORMAL'

    def before_train_epoch(self, runner) -> None:
        loader = runner.train_loop.dataloader
        sampler = getattr(loader, 'sampler', None)
        if hasattr(sampler, 'set_epoch'):
            sampler.set_epoch(runner.epoch)
            return
        batch_sampler = getattr(loader, 'batch_sampler', None)
        if hasattr(getattr(batch_sampler, 'sampler', None), 'set_epoch'):
            batch_sampler.sampler.set_epoch(runner.epoch)

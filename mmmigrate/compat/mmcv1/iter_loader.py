"""MMCV 1.x's ``IterLoader``: an endless iterator over a data loader that
counts its passes (``epoch``) and re-seeds a sampler with ``set_epoch`` at
each new pass. (MMCV also slept 2 s there, against a deadlock of its own
workers; the engine's loaders do not need it.)"""


class IterLoader:

    def __init__(self, dataloader):
        self._dataloader = dataloader
        self.iter_loader = iter(self._dataloader)
        self._epoch = 0

    @property
    def epoch(self) -> int:
        return self._epoch

    def __next__(self):
        try:
            return next(self.iter_loader)
        except StopIteration:
            self._epoch += 1
            if hasattr(self._dataloader.sampler, 'set_epoch'):
                self._dataloader.sampler.set_epoch(self._epoch)
            self.iter_loader = iter(self._dataloader)
            return next(self.iter_loader)

    def __len__(self):
        return len(self._dataloader)

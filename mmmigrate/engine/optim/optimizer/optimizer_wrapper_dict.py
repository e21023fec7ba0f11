"""``OptimWrapperDict``: several named optimizer wrappers (e.g. a GAN's
generator and discriminator), each stepped by the model's ``train_step``."""
from contextlib import contextmanager
from typing import Dict, Iterator, List, Tuple

import torch.nn as nn

from .optimizer_wrapper import OptimWrapper


class OptimWrapperDict(OptimWrapper):
    """A dict of ``OptimWrapper``s with the wrapper interface where it makes
    sense (lr/momentum queries, state dicts, ``zero_grad``); stepping must be
    done per wrapper: ``optim_wrapper['generator'].update_params(loss)``."""

    def __init__(self, **optim_wrapper_dict: OptimWrapper):
        for name, value in optim_wrapper_dict.items():
            if not isinstance(value, OptimWrapper):
                raise AssertionError('`OptimWrapperDict` only accept OptimWrapper instance, '
                                     f'but got {name}: {type(value)}')
        self.optim_wrappers = optim_wrapper_dict

    def _per_wrapper(self, what: str):
        raise NotImplementedError(f'`{what}` should be called by each optimizer separately '
                                  f'(one of {list(self.optim_wrappers)})')

    def update_params(self, loss, step_kwargs=None, zero_kwargs=None) -> None:
        self._per_wrapper('update_params')

    def backward(self, loss, **kwargs) -> None:
        self._per_wrapper('backward')

    def step(self, **kwargs) -> None:
        self._per_wrapper('step')

    def zero_grad(self, **kwargs) -> None:
        for optim_wrapper in self.optim_wrappers.values():
            optim_wrapper.zero_grad()

    @contextmanager
    def optim_context(self, model: nn.Module):
        self._per_wrapper('optim_context')
        yield

    def initialize_count_status(self, model: nn.Module, cur_iter, max_iters) -> None:
        """Nothing to do: each wrapper keeps its own counts."""

    @property
    def param_groups(self) -> Dict[str, list]:
        return {name: wrapper.param_groups for name, wrapper in self.optim_wrappers.items()}

    def get_lr(self) -> Dict[str, List[float]]:
        lrs = {}
        for name, wrapper in self.optim_wrappers.items():
            inner = wrapper.get_lr()
            if 'base_lr' in inner:
                lrs[f'{name}.base_lr'] = inner['base_lr']
            lrs[f'{name}.lr'] = inner['lr']
        return lrs

    def get_momentum(self) -> Dict[str, List[float]]:
        return {f'{name}.momentum': wrapper.get_momentum()['momentum']
                for name, wrapper in self.optim_wrappers.items()}

    def state_dict(self) -> dict:
        return {name: wrapper.state_dict() for name, wrapper in self.optim_wrappers.items()}

    def load_state_dict(self, state_dict: dict) -> None:
        for name, state in state_dict.items():
            if name not in self.optim_wrappers:
                raise KeyError(f'optimizer state for {name!r} does not match any wrapper of '
                               f'the OptimWrapperDict ({list(self.optim_wrappers)})')
            self.optim_wrappers[name].load_state_dict(state)

    def items(self) -> Iterator[Tuple[str, OptimWrapper]]:
        yield from self.optim_wrappers.items()

    def values(self) -> Iterator[OptimWrapper]:
        yield from self.optim_wrappers.values()

    def keys(self) -> Iterator[str]:
        yield from self.optim_wrappers.keys()

    def __getitem__(self, key: str) -> OptimWrapper:
        if key not in self.optim_wrappers:
            raise KeyError(f'no optimizer wrapper named {key!r} (have '
                           f'{list(self.optim_wrappers)}); check the optim_wrapper config')
        return self.optim_wrappers[key]

    def __contains__(self, key: str) -> bool:
        return key in self.optim_wrappers

    def __len__(self) -> int:
        return len(self.optim_wrappers)

    def __repr__(self) -> str:
        return ''.join(f'name: {name}\n{wrapper!r}' for name, wrapper in self.optim_wrappers.items())

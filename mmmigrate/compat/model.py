"""Legacy MMCV 1.x models on the bundled engine, unchanged.

``LegacyModel`` is a ``BaseModel`` around a module with the MMCV contract
(CATALOGUE §4.1): ``train_step(data, optimizer)`` returning ``loss`` /
``log_vars`` / ``num_samples``, ``val_step``, ``forward(..., return_loss=)``.

- A model whose ``train_step`` leaves the update to MMCV's ``OptimizerHook``
  (it returns ``loss``) is stepped as that hook did: ``zero_grad`` first,
  then backward on the model's own loss (its reduction untouched), clipping
  and the step, all through the engine's optim wrapper (so ``clip_grad``,
  accumulation and AMP settings of the converted config apply).
- A model that steps its optimizers itself (GAN style: no ``loss`` in what
  it returns) receives the raw torch optimizers, a dict of them for an
  ``OptimWrapperDict``, exactly what MMCV's runner passed.
- ``log_vars`` the engine's logger averages (losses) are logged as MMCV's
  LogBuffer averaged them: weighted by ``num_samples`` over the logging
  window (each value goes into the message hub times its count, with the
  count); the others (an accuracy) as their latest value, as the engine
  logs such keys (under a runner facade, MMCV's own logger hooks average
  every key, as MMCV did). The adapter returns an empty dict, so the
  engine's RuntimeInfoHook does not log them a second time, unweighted.
  Legacy hooks read the whole MMCV output as ``runner.outputs``.
- A batch collated with MMCV's DataContainers (``compat.data_container``)
  reaches the module as MMCV's wrappers handed it on: each container
  replaced by its chunk.
- ``val_step`` / ``test_step`` return ``forward(**data, return_loss=False)``
  (the engine's val loop feeds them to an evaluator); the val phases of a
  legacy workflow call the module's own ``val_step`` (``legacy_val_step``).
"""
from typing import Union

import torch.nn as nn

from ..engine.logging import MessageHub
from ..engine.model import BaseModel
from ..engine.optim import OptimWrapperDict
from ..engine.registry import MODELS
from .data_container import has_data_container, scatter, scatter_kwargs
from .mmcv1.log_buffer import update_hub


MMCV_TRAIN_STEP = 'mmcv_train_step'  # forward mode running the module's train_step


def mmcv_contract(model) -> bool:
    """A model whose ``train_step`` takes the optimizer (MMCV's contract),
    not yet adapted."""
    import inspect
    train_step = getattr(model, 'train_step', None)
    if train_step is None or hasattr(model, 'data_preprocessor'):
        return False
    return 'optim_wrapper' not in inspect.signature(train_step).parameters


@MODELS.register_module()
class LegacyModel(BaseModel):
    """``model=dict(type='LegacyModel', module=dict(type='MyMMCVModel', ...))``
    in a config, or ``LegacyModel(my_mmcv_model)`` in code."""

    def __init__(self, module: Union[nn.Module, dict], data_preprocessor=None,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.last_outputs = None
        self.log_buffer = None  # a runner facade's: log_vars go there as MMCV's run_iter put them
        self.module = MODELS.build(module) if isinstance(module, dict) else module
        if not hasattr(self.module, 'train_step'):
            raise TypeError(f'{type(self.module).__name__} has no train_step(data, optimizer): '
                            'it does not follow the MMCV model contract')
        # checkpoints hold the module's own keys, as MMCV saved them
        self.register_state_dict_post_hook(_module_keys_out)
        self.register_load_state_dict_pre_hook(_module_keys_in)
        self._steps_seen = 0  # optimizer steps the module made itself
        self._watched = set()

    def train_step(self, data, optim_wrapper, ddp=None):
        """MMCV's step; ``ddp``: the DistributedDataParallel around this
        model, whose forward runs the module's ``train_step``."""
        data = self.data_preprocessor(own_chunk(data), True)
        optimizers = _raw_optimizers(optim_wrapper)
        self._watch(optimizers)
        steps_before = self._steps_seen
        if ddp is None:
            outputs = self.module.train_step(data, optimizers)
        else:  # through DDP's forward, as MMCV's wrapper ran it: gradients are averaged
            outputs = ddp(data, optimizers, mode=MMCV_TRAIN_STEP)
        name = type(self.module).__name__
        if not isinstance(outputs, dict):
            raise TypeError(f'{name}.train_step returned {type(outputs).__name__}; the MMCV '
                            'contract is a dict with loss, log_vars and num_samples')
        if 'loss' not in outputs and self._steps_seen == steps_before:
            raise TypeError(
                f'{name}.train_step returned no loss (it returned {sorted(outputs)}) and '
                'stepped no optimizer itself, so nothing would be trained: return '
                "dict(loss=..., log_vars=..., num_samples=...) as MMCV's OptimizerHook "
                'expected, or step the optimizer it receives')
        self.last_outputs = outputs  # what legacy hooks read as runner.outputs
        if 'loss' in outputs:
            if isinstance(optim_wrapper, OptimWrapperDict):
                raise TypeError('train_step returned a loss to back-propagate but there are '
                                'several optimizers: MMCV\'s OptimizerHook stepped one')
            if optim_wrapper._accumulative_counts == 1:
                optim_wrapper.zero_grad()  # OptimizerHook's order: zero_grad first
            steps_before = self._steps_seen
            optim_wrapper.update_params(outputs['loss'])
            clipped = self._steps_seen > steps_before and \
                getattr(optim_wrapper, 'grad_name', None) == 'grad_norm' and \
                bool(optim_wrapper.clip_grad_kwargs)
        else:
            clipped = False
        _log_weighted(outputs.get('log_vars', {}), outputs.get('num_samples', 1))
        if self.log_buffer is not None and 'log_vars' in outputs:
            self.log_buffer.update(outputs['log_vars'], outputs['num_samples'])
            if clipped:  # OptimizerHook logged the norm after the iteration's values
                norm = MessageHub.get_current_instance().get_scalar('train/grad_norm')
                self.log_buffer.update({'grad_norm': norm.current()}, outputs['num_samples'])
        return {}

    def val_step(self, data):
        return self._predict(data)

    def legacy_val_step(self, data, *optimizer) -> dict:
        """The module's own ``val_step`` as MMCV's runners called it (the
        val phase of a workflow: EpochBasedRunner passed the optimizer,
        IterBasedRunner did not)."""
        outputs = self.module.val_step(self.data_preprocessor(own_chunk(data), False),
                                       *optimizer)
        if not isinstance(outputs, dict):
            raise TypeError(f'{type(self.module).__name__}.val_step returned '
                            f'{type(outputs).__name__}; MMCV\'s runner wanted a dict')
        return outputs

    def test_step(self, data):
        return self._predict(data)

    def _predict(self, data):
        data = self.data_preprocessor(own_chunk(data), False)
        if isinstance(data, dict):
            return self.module(**data, return_loss=False)
        return self.module(*data, return_loss=False)

    def forward(self, *args, mode: str = 'tensor', **kwargs):
        if mode == MMCV_TRAIN_STEP:  # called by DDP's forward (train_step's ddp)
            return self.module.train_step(*args, **kwargs)
        if 'return_loss' in kwargs:  # called as MMCV's wrappers were (single_gpu_test)
            inputs, kwargs = scatter_kwargs(args, kwargs, [-1])
            return self.module(*(inputs[0] if inputs else ()), **(kwargs[0] if kwargs else {}))
        return self.module(*args, return_loss=mode == 'loss', **kwargs)

    def _watch(self, optimizers) -> None:
        """Count the steps the module makes on its optimizers itself."""
        for optimizer in optimizers.values() if isinstance(optimizers, dict) else [optimizers]:
            if id(optimizer) not in self._watched:
                self._watched.add(id(optimizer))
                optimizer.register_step_post_hook(self._count_step)

    def _count_step(self, optimizer, args, kwargs) -> None:
        self._steps_seen += 1


def own_chunk(data):
    """A batch collated by MMCV's ``collate`` as MMCV's wrappers handed it to
    the model: each DataContainer replaced by its (first) chunk."""
    return scatter(data, [-1])[0] if has_data_container(data) else data


def _module_keys_out(model, state_dict, prefix, local_metadata) -> None:
    """``module.linear.weight`` -> ``linear.weight`` in what LegacyModel saves."""
    inner = prefix + 'module.'
    for key in list(state_dict):
        value = state_dict.pop(key)
        state_dict[prefix + key[len(inner):] if key.startswith(inner) else key] = value
    # the per-module versions too (their names have no trailing dot)
    metadata = getattr(state_dict, '_metadata', None)
    inner_name = inner[:-1]
    for key in list(metadata or ()):
        if key == inner_name:
            metadata[prefix[:-1]] = metadata.pop(key)
        elif key.startswith(inner):
            metadata[prefix + key[len(inner):]] = metadata.pop(key)


def _module_keys_in(model, state_dict, prefix, *args) -> None:
    """The module's own keys (an MMCV checkpoint's) back under ``module.``."""
    own = (prefix + 'module.', prefix + 'data_preprocessor.')
    for key in list(state_dict):
        value = state_dict.pop(key)
        renamed = key.startswith(prefix) and not key.startswith(own)
        state_dict[prefix + 'module.' + key[len(prefix):] if renamed else key] = value


def _log_weighted(log_vars: dict, num_samples) -> None:
    hub = MessageHub.get_current_instance()
    count = int(num_samples) if num_samples else 1
    for key, value in log_vars.items():
        update_hub(hub, f'train/{key}', value, count)


def _raw_optimizers(optim_wrapper):
    if isinstance(optim_wrapper, OptimWrapperDict):
        return {name: wrapper.optimizer for name, wrapper in optim_wrapper.items()}
    return optim_wrapper.optimizer

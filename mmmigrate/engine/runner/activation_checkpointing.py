"""Activation checkpointing (``mmengine.runner.activation_checkpointing``):
named submodules recompute their forward during backward instead of keeping
activations, trading compute for memory."""
from functools import wraps
from operator import attrgetter
from typing import List, Union

import torch
from torch.utils.checkpoint import checkpoint


def wrap_forward(forward):
    """``forward`` run through ``torch.utils.checkpoint`` (positional
    arguments only). ``use_reentrant=True`` is the behaviour MMEngine gets
    from torch's default; said explicitly, torch does not warn."""
    @wraps(forward)
    def wrapper(*args):
        return checkpoint(forward, *args, use_reentrant=True)
    return wrapper


def turn_on_activation_checkpointing(model: torch.nn.Module, modules: Union[List[str], str]):
    """Checkpoint the submodules of ``model`` named in ``modules``
    (dotted paths such as ``'backbone.layer1'``)."""
    if isinstance(modules, str):
        modules = [modules]
    for module_name in modules:
        module = attrgetter(module_name)(model)
        module.forward = wrap_forward(module.forward)

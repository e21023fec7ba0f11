"""Recognising model wrappers."""
import torch.nn as nn

from ...registry import MODEL_WRAPPERS, Registry


def is_model_wrapper(model: nn.Module, registry: Registry = MODEL_WRAPPERS) -> bool:
    """Whether ``model`` is an instance of a class registered in
    ``MODEL_WRAPPERS`` or one of its child registries."""
    registry.import_from_location()
    classes = tuple(obj for obj in registry.module_dict.values() if isinstance(obj, type))
    if isinstance(model, classes):
        return True
    return any(is_model_wrapper(model, child) for child in registry.children.values())

"""``mmcv.cnn.utils.weight_init``: MMEngine's ``mmengine.model.weight_init``
holds every one of its names."""
from . import mmengine_module


def __getattr__(name: str):
    if name.startswith('__'):
        raise AttributeError(name)
    weight_init = mmengine_module('model.weight_init')
    try:
        return getattr(weight_init, name)
    except AttributeError:
        raise AttributeError(f'mmengine.model.weight_init has no {name}') from None

"""``mmcv.device`` / ``mmcv.utils.device_type``: accelerator checks and the
accelerators' data-parallel wrappers. IPU support is not served (left out
with the IPU modules); its flag says no."""
import functools
import importlib

import torch


def is_ipu_available() -> bool:
    return False


IS_IPU_AVAILABLE = False


@functools.lru_cache(maxsize=None)
def _accelerator_wrapper(name: str, base_path: str, device: str):
    """MMCV's data-parallel wrapper for an accelerator torch reaches through
    its own backend (MLU, NPU, MPS): the compat wrapper, once the device is
    there (one class per name, however often it is asked for)."""
    module_name, _, class_name = base_path.rpartition('.')
    base = getattr(importlib.import_module(module_name), class_name)

    def __init__(self, module, *args, **kwargs):
        backend = getattr(torch, device, None)
        if backend is None or not getattr(backend, 'is_available', lambda: False)():
            raise RuntimeError(f'{name} needs a {device.upper()} device, which this torch '
                               'build does not see')
        base.__init__(self, module.to(device), *args, **kwargs)
    return type(name, (base,), {'__init__': __init__})


_WRAPPERS = {
    'MLUDataParallel': ('mmmigrate.compat.parallel.MMDataParallel', 'mlu'),
    'MLUDistributedDataParallel': ('mmmigrate.compat.parallel.MMDistributedDataParallel', 'mlu'),
    'NPUDataParallel': ('mmmigrate.compat.parallel.MMDataParallel', 'npu'),
    'NPUDistributedDataParallel': ('mmmigrate.compat.parallel.MMDistributedDataParallel', 'npu'),
    'MPSDataParallel': ('mmmigrate.compat.parallel.MMDataParallel', 'mps'),
}


def __getattr__(name: str):
    if name in _WRAPPERS:
        return _accelerator_wrapper(name, *_WRAPPERS[name])
    raise AttributeError(name)

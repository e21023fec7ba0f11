"""``mmcv.device`` / ``mmcv.utils.device_type``: accelerator checks. IPU
support is not served (left out with the IPU modules); its flag says no."""


def is_ipu_available() -> bool:
    return False


IS_IPU_AVAILABLE = False


def _accelerator_wrapper(name: str, base_path: str, device: str):
    """MMCV's data-parallel wrapper for an accelerator torch reaches through
    its own backend (MLU, NPU, MPS): the compat wrapper, once the device is
    there."""
    import importlib

    module_name, _, class_name = base_path.rpartition('.')
    base = getattr(importlib.import_module(module_name), class_name)

    def __init__(self, module, *args, **kwargs):
        backend = getattr(__import__('torch'), device.split(':')[0], None)
        if backend is None or not getattr(backend, 'is_available', lambda: False)():
            raise RuntimeError(f'{name} needs a {device.upper()} device, which this torch '
                               'build does not see')
        base.__init__(self, module.to(device), *args, **kwargs)
    return type(name, (base,), {'__init__': __init__})


def __getattr__(name: str):
    wrappers = {
        'MLUDataParallel': ('mmmigrate.compat.parallel.MMDataParallel', 'mlu'),
        'MLUDistributedDataParallel': ('mmmigrate.compat.parallel.MMDistributedDataParallel',
                                       'mlu'),
        'NPUDataParallel': ('mmmigrate.compat.parallel.MMDataParallel', 'npu'),
        'NPUDistributedDataParallel': ('mmmigrate.compat.parallel.MMDistributedDataParallel',
                                       'npu'),
        'MPSDataParallel': ('mmmigrate.compat.parallel.MMDataParallel', 'mps'),
    }
    if name in wrappers:
        return _accelerator_wrapper(name, *wrappers[name])
    raise AttributeError(name)

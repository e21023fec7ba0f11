"""MMCV's ``@auto_fp16`` / ``@force_fp32`` for legacy model code under the
``mmcv`` shim. MMCV activated them only on modules whose ``fp16_enabled``
was set (by ``wrap_fp16_model``, from ``Fp16OptimizerHook``); otherwise the
method ran as written. On the engine mixed precision is the
``AmpOptimWrapper``'s job (a config's ``fp16`` becomes one), which leaves
``fp16_enabled`` unset: the decorated methods then run as written, as they
did in MMCV without fp16. A module that sets ``fp16_enabled`` itself gets
the decorated method under ``torch.autocast`` (``auto_fp16``) or with
autocast disabled (``force_fp32``)."""
import functools

import torch


def _device_type(module) -> str:
    parameter = next(module.parameters(), None) if hasattr(module, 'parameters') else None
    return parameter.device.type if parameter is not None else 'cpu'


def auto_fp16(apply_to=None, out_fp32=False, supported_types=None):
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if not getattr(self, 'fp16_enabled', False):
                return method(self, *args, **kwargs)
            with torch.autocast(_device_type(self), dtype=torch.float16):
                output = method(self, *args, **kwargs)
            return _to_float(output) if out_fp32 else output
        return wrapper
    return decorator


def force_fp32(apply_to=None, out_fp16=False):
    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if not getattr(self, 'fp16_enabled', False):
                return method(self, *args, **kwargs)
            with torch.autocast(_device_type(self), enabled=False):
                args = [_to_float(a) for a in args]
                kwargs = {k: _to_float(v) for k, v in kwargs.items()}
                return method(self, *args, **kwargs)
        return wrapper
    return decorator


def _to_float(value):
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return value.float()
    if isinstance(value, (list, tuple)):
        return type(value)(_to_float(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_float(v) for k, v in value.items()}
    return value

"""``autocast``: mixed precision on whatever device the run uses."""
from contextlib import contextmanager
from typing import Optional

import torch

from ..device import get_device


@contextmanager
def autocast(device_type: Optional[str] = None,
             dtype: Optional[torch.dtype] = None,
             enabled: bool = True,
             cache_enabled: Optional[bool] = None):
    """``torch.autocast`` on ``device_type`` (default: the run's device).

    Default dtype: float16 on CUDA, bfloat16 on CPU. Unlike MMEngine, CPU
    autocast also accepts float16 (supported by torch >= 2.3).
    """
    device_type = device_type or get_device()
    if device_type not in ('cuda', 'cpu', 'mlu', 'npu', 'musa'):
        if enabled:
            raise ValueError('User specified autocast device_type must be cuda or cpu (or an '
                             f'mlu, npu or musa device), but got {device_type}')
        yield  # nothing to turn off: autocast never runs on this device here
        return
    if not enabled:
        # Turns off an enclosing autocast too, as torch.autocast(enabled=False) does.
        with torch.autocast(device_type=device_type, enabled=False):
            yield
        return
    if cache_enabled is None:
        cache_enabled = torch.is_autocast_cache_enabled()
    if device_type == 'cuda':
        if dtype is None:
            dtype = torch.get_autocast_dtype('cuda')
        if dtype == torch.bfloat16 and not torch.cuda.is_bf16_supported():
            raise RuntimeError('this CUDA device does not support bfloat16; use '
                               "dtype='float16'")
    elif device_type == 'cpu':
        if dtype is None:
            dtype = torch.bfloat16
    with torch.autocast(device_type=device_type, dtype=dtype, enabled=True,
                        cache_enabled=cache_enabled):
        yield

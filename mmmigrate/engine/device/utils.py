"""Which accelerator to run on, and its memory statistics
(``mmengine.device.utils``). Accelerator plug-ins (torch_npu, torch_mlu,
torch_dipu, torch_musa) are looked for only where installed."""
import importlib.util
from functools import lru_cache
from typing import Optional

import torch


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def is_cuda_available() -> bool:
    return torch.cuda.is_available()


def is_mps_available() -> bool:
    mps = getattr(torch.backends, 'mps', None)
    return bool(mps is not None and mps.is_available())


def is_npu_available() -> bool:
    return hasattr(torch, 'npu') and torch.npu.is_available()


def is_mlu_available() -> bool:
    return hasattr(torch, 'is_mlu_available') and torch.is_mlu_available()


def is_musa_available() -> bool:
    """Moore Threads GPUs (torch_musa): only where it is installed."""
    return hasattr(torch, 'musa') and torch.musa.is_available()


def is_dipu_available() -> bool:
    """DIPU (torch_dipu): only where it is installed."""
    return _installed('torch_dipu')


def is_npu_support_full_precision() -> bool:
    """Whether the Ascend NPU (SoC version 220 and later) computes in full precision."""
    if not is_npu_available():
        return False
    import torch_npu.npu.utils as npu_utils
    return npu_utils.get_soc_version() >= 220


def _max_memory_mb(backend, device, reset: bool) -> int:
    memory = backend.max_memory_allocated(device=device)
    megabytes = torch.tensor([int(memory) // (1024 * 1024)], dtype=torch.int, device=device)
    if reset:
        backend.reset_peak_memory_stats()
    return int(megabytes.item())


def get_max_cuda_memory(device: Optional[torch.device] = None) -> int:
    """Peak CUDA memory allocated by tensors, in MB, since the last call
    (the peak is reset)."""
    return _max_memory_mb(torch.cuda, device, reset=True)


def get_max_musa_memory(device: Optional[torch.device] = None) -> int:
    """Peak MUSA memory allocated by tensors, in MB."""
    return _max_memory_mb(torch.musa, device, reset=False)


@lru_cache(maxsize=None)
def get_device() -> str:
    """The device type a run uses by default: npu, cuda, mlu, mps, dipu,
    musa or cpu (the first available, in that order)."""
    for name, available in (('npu', is_npu_available), ('cuda', is_cuda_available),
                            ('mlu', is_mlu_available), ('mps', is_mps_available),
                            ('dipu', is_dipu_available), ('musa', is_musa_available)):
        if available():
            return name
    return 'cpu'



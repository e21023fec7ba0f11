"""``is_jit_tracing`` (``mmengine.utils.dl_utils.trace``)."""
import torch


def is_jit_tracing() -> bool:
    """Whether the code runs under ``torch.jit.trace``."""
    return torch.jit.is_tracing()

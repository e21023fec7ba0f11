"""Saving and restoring random-number state, so that a resumed run draws
exactly the random numbers the uninterrupted run would have drawn.

MMEngine does not save random state: after a resume, dropout masks and
other random draws restart from the seed. The runner here writes, for each
periodic checkpoint, a small file per rank (``<checkpoint>.rng-rank<r>``)
holding the random state at the moment training continues after that
checkpoint (the start of the next epoch or iteration, after any
validation), and restores it at the same moment when resuming.
"""
import glob
import io
import os
import random
from typing import Optional

import torch

from .checkpoint import atomic_write_bytes

SUFFIX = '.rng-rank'


def sidecar_path(checkpoint_path: str, rank: int) -> str:
    return f'{checkpoint_path}{SUFFIX}{rank}'


def sidecar_paths(checkpoint_path: str) -> list:
    return glob.glob(glob.escape(checkpoint_path) + SUFFIX + '*')


def capture_rng_state() -> dict:
    """Python, numpy (if installed), torch CPU and CUDA generator states, as
    plain data (loadable with ``weights_only=True``)."""
    version, internal, gauss = random.getstate()
    state = dict(python=[version, list(internal), gauss], torch=torch.get_rng_state())
    try:
        import numpy as np
        kind, keys, pos, has_gauss, cached = np.random.get_state()
        state['numpy'] = [kind, keys.tolist(), pos, has_gauss, cached]
    except ImportError:
        pass
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict) -> None:
    version, internal, gauss = state['python']
    random.setstate((version, tuple(internal), gauss))
    torch.set_rng_state(state['torch'])
    if 'numpy' in state:
        try:
            import numpy as np
            kind, keys, pos, has_gauss, cached = state['numpy']
            np.random.set_state((kind, np.array(keys, dtype=np.uint32), pos, has_gauss, cached))
        except ImportError:
            pass
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


def write_sidecar(checkpoint_path: str, rank: int) -> None:
    buffer = io.BytesIO()
    torch.save(capture_rng_state(), buffer)
    atomic_write_bytes(sidecar_path(checkpoint_path, rank), buffer.getvalue())


def read_sidecar(checkpoint_path: str, rank: int) -> Optional[dict]:
    path = sidecar_path(checkpoint_path, rank)
    if not os.path.isfile(path):
        return None
    return torch.load(path, weights_only=True)

"""Saving and restoring random-number state, so that a resumed run draws
exactly the random numbers the uninterrupted run would have drawn.

MMEngine does not save random state: after a resume, dropout masks and
other random draws restart from the seed. The runner here writes, for each
resumable checkpoint, a small file per rank (``<checkpoint>.rng-rank<r>``)
holding the random state at the moment training continues after that
checkpoint (the start of the next epoch or iteration, after any
validation; for the last checkpoint of a run, the end of training), and
restores it at the same moment when resuming.

That state exists only after the validation that follows a save, so a
checkpoint becomes the resume target only then: ``RandomStateKeeper``
writes and syncs every rank's file first, and only afterwards runs what
was deferred with ``when_resumable`` (``CheckpointHook`` writes
``last_checkpoint`` and deletes the checkpoints ``max_keep_ckpts`` let go).
A run killed between a save and that moment resumes from the previous
checkpoint, which is complete.
"""
import glob
import io
import logging
import os
import random
from typing import Callable, List, Optional

import torch

from ..dist import barrier
from ..logging import print_log
from .checkpoint import atomic_write_bytes

SUFFIX = '.rng-rank'


class RandomStateError(RuntimeError):
    """A random-state file that cannot be read or restored."""


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
    """The random state recorded for ``checkpoint_path`` on ``rank``, None
    when there is no such file; ``RandomStateError`` naming the file when
    it is not a random state this runner wrote."""
    path = sidecar_path(checkpoint_path, rank)
    if not os.path.isfile(path):
        return None
    try:
        state = torch.load(path, weights_only=True)
    except Exception as e:  # pickle's errors name no file
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise RandomStateError(f'{path}: cannot be read as a random state with '
                               f'weights_only=True ({first}); delete it to resume with the '
                               'state saved inside the checkpoint') from None
    check_rng_state(state, path, 'delete it to resume with the state saved inside the '
                    'checkpoint')
    return state


def check_rng_state(state, path: str, advice: str) -> None:
    """Raise ``RandomStateError`` naming ``path`` (and saying ``advice``)
    unless ``state`` restores (tried, then the current state is put back)."""
    current = capture_rng_state()
    try:
        restore_rng_state(state)
    except Exception as e:
        raise RandomStateError(f'{path}: not a random state this engine wrote ({type(e).__name__}'
                               f': {e}); {advice}') from None
    finally:
        restore_rng_state(current)


class RandomStateKeeper:
    """One runner's side of the protocol in this module's docstring."""

    def __init__(self, rank: int) -> None:
        self.rank = rank
        self._to_restore: Optional[dict] = None
        self._pending: Optional[str] = None
        self._deferred: List[Callable[[], None]] = []

    def before_save(self, checkpoint_path: str) -> None:
        """Called before a resumable checkpoint is written to
        ``checkpoint_path``. An older checkpoint still waiting (a custom
        loop that never calls ``sync``) is made resumable first; this
        rank's old random-state file for the path goes, so that a
        checkpoint without one is known to be unfinished."""
        if self._pending is not None and self._pending != checkpoint_path:
            self._commit()
        stale = sidecar_path(checkpoint_path, self.rank)
        if os.path.exists(stale):
            os.remove(stale)

    def after_save(self, checkpoint_path: str) -> None:
        self._pending = checkpoint_path

    def when_resumable(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the last resumable checkpoint has its random
        state on disk (at once when none is waiting)."""
        if self._pending is None:
            action()
        else:
            self._deferred.append(action)

    def sync(self) -> None:
        """Where training continues: restore a resumed state, or record the
        state of the checkpoint saved since and make it resumable."""
        if self._to_restore is not None:
            restore_rng_state(self._to_restore)
            self._to_restore = None
        elif self._pending is not None:
            self._commit()

    def _commit(self) -> None:
        write_sidecar(self._pending, self.rank)
        barrier()  # every rank's file is on disk before rank 0 names the checkpoint
        self._pending = None
        deferred, self._deferred = self._deferred, []
        for action in deferred:
            action()

    def load(self, checkpoint_path: str, checkpoint: dict) -> None:
        """Take the state to restore at the next ``sync`` from the resumed
        checkpoint's file, else (with a warning naming the missing file)
        from the state the checkpoint holds from the moment it was saved."""
        state = read_sidecar(checkpoint_path, self.rank)
        if state is None and checkpoint.get('rng_state') is not None:
            state = checkpoint['rng_state']
            check_rng_state(state, checkpoint_path, 'its rng_state entry is damaged: resume '
                            'from another checkpoint, or load it with load_from (weights only)')
            print_log(f'{sidecar_path(checkpoint_path, self.rank)} is missing: the run that saved '
                      f'{checkpoint_path} stopped before training went on after it (or it was '
                      'saved by a custom loop), so the random state is the one saved inside the '
                      'checkpoint, and random draws may differ from an uninterrupted run. The '
                      'work dir\'s last_checkpoint names a checkpoint that resumes exactly.',
                      logger='current', level=logging.WARNING)
        self._to_restore = state

"""MMCV's lr and momentum updater hooks (``mmcv.runner.hooks.lr_updater`` /
``momentum_updater``: what libraries subclass, mmdet's YOLOX hook from the
cosine one) behave as in MMCV 1.7.2 on the engine's runner: the same lr and
momentum in every param group at every iteration, to the last bit, for
every policy with its warmups, on both runner types. Live against the MMCV
oracle venv (``.oracle/mmcv``)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MMCV_PYTHON = ROOT / '.oracle' / 'mmcv' / 'bin' / 'python'
SCRIPT = HERE / 'updater_hooks_script.py'


def _run(python, *flags) -> list:
    out = subprocess.run([str(python), str(SCRIPT), *flags], capture_output=True, text=True,
                         timeout=600, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not MMCV_PYTHON.exists(), reason='no MMCV 1.7.2 oracle venv at '
                    '.oracle/mmcv (../shared/oracle/setup_mmcv.sh)')
def test_updater_hooks_give_mmcvs_lr_and_momentum_at_every_iteration():
    sys.path.insert(0, str(HERE))
    from updater_hooks_script import CASES
    theirs = _run(MMCV_PYTHON)
    ours = _run(sys.executable, '--shim')
    assert len(ours) == len(theirs) == len(CASES)
    for case, mine, reference in zip(CASES, ours, theirs):
        assert mine == reference, case

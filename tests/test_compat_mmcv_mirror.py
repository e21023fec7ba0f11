"""``mmmigrate.compat.mmcv``: MMCV 1.7.2's module tree served by the compat
layer without installing the ``mmcv`` shim (what ``mmmigrate convert``
routes the names with no MMEngine drop-in to). Each check runs in a fresh
interpreter: importing ``mmcv`` must stay what the environment has."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_legacy_names_are_the_objects_the_shim_serves_without_touching_mmcv():
    out = _python('''
import sys
from mmmigrate.compat.mmcv.parallel import MMDataParallel, collate, DataContainer
from mmmigrate.compat.mmcv.runner import EpochBasedRunner, Hook, get_dist_info
from mmmigrate.compat.mmcv.runner.hooks.lr_updater import LrUpdaterHook, annealing_cos
from mmmigrate.compat.mmcv.utils import get_logger
from mmmigrate.compat.mmcv import Config
import mmmigrate.compat.mmcv.fileio as fileio
import mmengine.dist, mmengine.fileio
from mmmigrate.compat.runner import EpochBasedRunner as facade
from mmmigrate.compat.mmcv1.lr_updater import LrUpdaterHook as legacy_lr
assert EpochBasedRunner is facade and LrUpdaterHook is legacy_lr
assert get_dist_info is mmengine.dist.get_dist_info  # a name that moved: its new home
assert fileio.load is mmengine.fileio.load
assert annealing_cos(1.0, 0.0, 0.5) == 0.5
assert Config.fromstring('a = 1', '.py').a == 1  # MMCV's Config on the engine's
assert DataContainer([1]).data == [1]
mmcv = sys.modules.get('mmcv')
assert mmcv is None or not getattr(mmcv, '__mmmigrate_shim__', False), mmcv
print('ok')
''')
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith('ok')


def test_a_name_mmcv_never_had_is_a_clear_import_error():
    out = _python('from mmmigrate.compat.mmcv.runner import NoSuchRunner')
    assert out.returncode == 1
    assert "cannot import name 'NoSuchRunner' from 'mmmigrate.compat.mmcv.runner'" in out.stderr
    out = _python('import mmmigrate.compat.mmcv.no_such_module')
    assert "No module named 'mmmigrate.compat.mmcv.no_such_module'" in out.stderr

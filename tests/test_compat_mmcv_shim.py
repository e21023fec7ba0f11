"""The `mmcv` import shim (`mmmigrate.compat.mmcv_shim`): legacy imports
resolve to the engine's equivalents from the same table `mmmigrate convert`
uses; names without one say what to use; a real MMCV 1.x is never shadowed.
Each check runs in a fresh interpreter (the shim changes the import system)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MMCV_PYTHON = ROOT / '.oracle' / 'mmcv' / 'bin' / 'python'


def _python(code: str, python=sys.executable, env=None) -> subprocess.CompletedProcess:
    env = dict(os.environ, **(env or {}), PYTHONPATH=str(ROOT))
    return subprocess.run([str(python), '-c', code], capture_output=True, text=True, env=env,
                          timeout=300)


def test_moved_names_resolve_to_the_engine():
    out = _python('''
from mmmigrate.compat.mmcv_shim import install_mmcv_shim
assert install_mmcv_shim()
from mmcv.runner import get_dist_info, load_checkpoint, HOOKS
from mmcv.parallel import is_module_wrapper
from mmcv import Config
import mmcv
import mmengine.dist, mmengine.registry, mmengine.config, mmengine.model, mmengine.utils
assert get_dist_info is mmengine.dist.get_dist_info
assert HOOKS is mmengine.registry.HOOKS
# MMCV's Config: the engine's loading, MMCV's pretty_text and dump
assert issubclass(Config, mmengine.config.Config) and Config.__name__ == 'Config'
from mmcv.parallel import MMDataParallel
import torch
assert is_module_wrapper(MMDataParallel(torch.nn.Linear(1, 1)))
assert not is_module_wrapper(torch.nn.Linear(1, 1))
assert mmcv.mkdir_or_exist is mmengine.utils.mkdir_or_exist
assert mmcv.__version__ == '1.7.0'  # what every MMCV-1.x library accepts at import
import mmcv.runner.hooks.lr_updater  # deep module paths import
print('ok')
''')
    assert out.returncode == 0 and out.stdout.strip() == 'ok', out.stderr[-2000:]


def test_a_name_only_mmcv_2_has_says_what_to_install():
    """Without any MMCV, the cnn bricks, image and ops of MMCV 2.x cannot be
    served: the error names the package to install."""
    out = _python('''
from mmmigrate.compat.mmcv_shim import install_mmcv_shim
install_mmcv_shim()
from mmcv.cnn import ConvModule
''')
    assert out.returncode != 0
    assert 'mmcv.cnn.ConvModule is part of MMCV 2.x, which is not installed' in out.stderr
    assert 'pip install --no-deps mmcv-lite==2.2.0' in out.stderr


def test_a_name_mmcv_never_had_is_an_attribute_error():
    out = _python('''
from mmmigrate.compat.mmcv_shim import install_mmcv_shim
install_mmcv_shim()
import mmcv.runner
assert not hasattr(mmcv.runner, 'NoSuchRunner')
try:
    from mmcv.runner import NoSuchRunner
except ImportError as error:
    print(type(error).__name__)
''')
    assert out.returncode == 0 and out.stdout.strip() == 'ImportError', out.stderr[-2000:]


def test_mmmigrate_run_installs_it_on_request(tmp_path):
    script = tmp_path / 'legacy.py'
    script.write_text('from mmcv.runner import get_dist_info\nprint(get_dist_info())\n')
    out = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'run', str(script)],
                         capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONPATH=str(ROOT), MMMIGRATE_MMCV_SHIM=''))
    assert out.returncode != 0 and 'mmcv' in out.stderr  # not asked: no shim
    out = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'run', '--mmcv-shim',
                          str(script)], capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0 and out.stdout.strip() == '(0, 1)', out.stderr[-2000:]
    out = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'run', str(script)],
                         capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONPATH=str(ROOT), MMMIGRATE_MMCV_SHIM='1'))
    assert out.returncode == 0 and out.stdout.strip() == '(0, 1)', out.stderr[-2000:]


@pytest.mark.skipif(not MMCV_PYTHON.exists(), reason='no MMCV 1.7.2 oracle venv at '
                    '.oracle/mmcv (../shared/oracle/setup_mmcv.sh)')
def test_a_real_mmcv_1_is_never_shadowed():
    out = _python('''
from mmmigrate.compat.mmcv_shim import install_mmcv_shim
assert install_mmcv_shim() is False
from mmcv.runner import EpochBasedRunner
print(EpochBasedRunner.__module__)
''', python=MMCV_PYTHON)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == 'mmcv.runner.epoch_based_runner'

"""Real MMCV-1.x libraries, converted by ``mmmigrate convert``, import on
MMCV 2.x without the shim: mmcls 0.25.0, mmsegmentation 0.30.0 and mmdet 2.28.2
from their wheels, converted as a user would (``mmmigrate convert -j 0``), then
every module imported with mmcv-lite 2.2.0 and real MMEngine 0.10.7 (the
``mmcv-lite+mmengine`` stack; compiled ``mmcv.ops`` stood in, as mmcv-lite
has none). No converted module may import a module or name MMCV 2.x
removed: those are routed to ``mmmigrate.compat.mmcv``."""
import ast
import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from stacks import LIBRARIES, package_folder, stack_env  # noqa: E402

from mmmigrate.rules.shim_table import gone_in_mmcv2  # noqa: E402

CONVERTED = ('mmcls', 'mmseg', 'mmdet')
# third-party packages the stack does not install (ONNX export, ...)
NOT_INSTALLED = ('onnxruntime',)


@pytest.fixture(scope='module')
def converted(tmp_path_factory) -> Path:
    source = package_folder(LIBRARIES)
    out = tmp_path_factory.mktemp('converted')
    for package in CONVERTED:
        shutil.copytree(source / package, out / package,
                        ignore=shutil.ignore_patterns('.mim', '__pycache__'))
    result = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'convert', str(out), '-j', '0',
                             '--no-progress'], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def legacy_only_imports(tree_root: Path) -> list:
    found = []
    for path in tree_root.rglob('*.py'):
        with warnings.catch_warnings():  # the libraries' own invalid escapes
            warnings.simplefilter('ignore')
            tree = ast.parse(path.read_text(encoding='utf-8'))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and not node.level and node.module and \
                    node.module.split('.')[0] == 'mmcv':
                found += [f'{path}:{node.lineno} {node.module}.{a.name}' for a in node.names
                          if gone_in_mmcv2(node.module, a.name)]
            elif isinstance(node, ast.Import):
                found += [f'{path}:{node.lineno} {a.name}' for a in node.names
                          if a.name.startswith('mmcv.') and gone_in_mmcv2(a.name)]
    return found


def test_no_converted_module_imports_what_mmcv2_removed(converted):
    assert legacy_only_imports(converted) == []


def test_every_converted_module_imports_without_the_shim(converted):
    env = stack_env('mmcv-lite+mmengine', extra_path=[converted])
    env.pop('MMMIGRATE_MMCV_SHIM', None)
    out = subprocess.run([sys.executable, str(HERE / 'import_family.py'), '--no-shim',
                          *CONVERTED], env=env, capture_output=True, text=True, timeout=600,
                         cwd=converted)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for library in CONVERTED:
        for module, error in result[library]['failed'].items():
            assert error.startswith('ModuleNotFoundError') and \
                any(f"'{name}" in error for name in NOT_INSTALLED), (module, error)
        assert result[library]['imported'] > 100, result[library]['imported']

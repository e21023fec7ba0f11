"""The rest of the MMCV-1.x family imports through the shim with mmcv-lite
2.2.0 (bundled engine): every module of mmdet 2.28.2, mmaction2 0.24.1,
mmpose 0.29.0 and mmocr 0.6.3, their test packages aside. A module may only
fail for a third-party package the test stack does not install (torchvision
for mmpose's inference API, lanms / imgaug for mmocr's): never for a name
of MMCV or MMEngine."""
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from stacks import stack_env  # noqa: E402

LIBRARIES = {'mmdet': 360, 'mmaction': 150, 'mmpose': 140, 'mmocr': 20}  # at least imported
NOT_INSTALLED = ('torchvision', 'lanms', 'imgaug')


def test_every_module_of_the_family_imports():
    out = subprocess.run([sys.executable, str(HERE / 'import_family.py'), *LIBRARIES],
                         env=stack_env('family'), capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for library, least in LIBRARIES.items():
        assert result[library]['imported'] >= least, (library, result[library]['imported'])
        for module, error in result[library]['failed'].items():
            assert error.startswith('ModuleNotFoundError') and \
                any(f"'{name}" in error for name in NOT_INSTALLED), (module, error)

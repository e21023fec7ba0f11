"""Every public name of MMCV 1.7.2 (``rules/mmcv1_names.yaml``, recorded
from the real library by ``tests/oracle/record_mmcv1_names.py``; compiled
ops, TensorRT, ONNX and IPU left out) imports under the shim with mmcv-lite
2.2.0 installed, beside real MMEngine or ``--no-deps`` with the bundled
engine; without any MMCV, each name only MMCV 2.x provides fails saying
which package to install. The whole list is checked, in a fresh interpreter
per stack."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from stacks import stack_env  # noqa: E402

NAMES = HERE.parents[1] / 'mmmigrate' / 'rules' / 'mmcv1_names.yaml'


def _served(tmp_path, env) -> dict:
    out = tmp_path / 'served.json'
    run = subprocess.run([sys.executable, str(HERE / 'served_names.py'), '--json', str(out)],
                         env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(out.read_text())


def test_the_list_is_mmcv_1_7_2s_modules():
    modules = yaml.safe_load(NAMES.read_text())['modules']
    assert {'mmcv', 'mmcv.runner', 'mmcv.utils', 'mmcv.cnn', 'mmcv.parallel', 'mmcv.fileio',
            'mmcv.engine', 'mmcv.runner.hooks.evaluation', 'mmcv.cnn.bricks.registry'} <= \
        set(modules)
    assert not any(name.startswith(('mmcv.ops', 'mmcv.tensorrt', 'mmcv.onnx'))
                   for name in modules)
    assert modules['mmcv']['Config'] == 'mmcv.utils.config'  # re-exports keep their origin
    assert sum(map(len, modules.values())) > 1000


@pytest.mark.parametrize('stack', ['mmcv-lite+mmengine', 'mmcv-lite'])
def test_every_name_is_served_with_mmcv_lite(stack, tmp_path):
    result = _served(tmp_path, stack_env(stack))
    assert result['failures'] == {}
    assert result['served'] == result['total'] > 1000


def test_without_mmcv_the_rest_says_what_to_install(tmp_path):
    import os
    result = _served(tmp_path, dict(os.environ, PYTHONPATH=str(HERE.parents[1])))
    assert result['served'] > 600  # runner, parallel, fileio, utils, engine: all of them
    assert result['failures']
    for name, error in result['failures'].items():
        assert 'is part of MMCV 2.x, which is not installed' in error, (name, error)
        assert 'mmcv-lite==2.2.0' in error

"""Differential: every converted fixture config loads in real MMEngine
0.10.7's Config and gives the same dict as the bundled engine's Config."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.oracle, pytest.mark.slow]

FIXTURES = Path(__file__).resolve().parents[1] / 'fixtures' / 'config'
NOT_LOADABLE = {'static_never_executed'}  # loading runs it; that case forbids it
# MMEngine 0.10 loads configs with import statements in its lazy-import mode,
# where calling an imported function fails: the tool flags those files
# ([config-import-statement]) instead.
WITH_IMPORTS = {'lr_opaque_value_kept'}
LOAD_ALL = '''
import json, sys
from mmengine.config import Config
out = {}
for path in sys.argv[2:]:
    try:
        out[path] = Config.fromfile(path, import_custom_modules=False).to_dict()
    except Exception as e:
        out[path] = {'__error__': f'{type(e).__name__}: {e}'}
with open(sys.argv[1], 'w') as f:
    json.dump(out, f, default=repr)
'''


def _expected_files(tmp_path) -> list:
    files = []
    for case in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        if case.name in NOT_LOADABLE | WITH_IMPORTS:
            continue
        shutil.copytree(case / 'expected', tmp_path / case.name)
        files.extend(sorted((tmp_path / case.name).rglob('*.py')))
    return files


def test_configs_with_imports_are_flagged():
    for case in WITH_IMPORTS:
        assert '[config-import-statement]' in (FIXTURES / case / 'findings.txt').read_text()


def test_outputs_load_identically_in_real_mmengine(mmengine_python, tmp_path):
    from mmmigrate.engine.config import Config
    files = _expected_files(tmp_path)
    result_file = tmp_path / 'mmengine.json'
    proc = subprocess.run([str(mmengine_python), '-c', LOAD_ALL, str(result_file),
                           *map(str, files)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    theirs = json.loads(result_file.read_text())
    errors = {p: v['__error__'] for p, v in theirs.items() if '__error__' in v}
    assert not errors, errors
    for path in files:
        ours = json.loads(json.dumps(
            Config.fromfile(str(path), import_custom_modules=False).to_dict(), default=repr))
        assert ours == theirs[str(path)], path

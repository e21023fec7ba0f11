"""Legacy MMCV training scripts, unchanged, through the `mmcv` shim
(tests/fixtures/compat/legacy_scripts): each was run as it is on real
MMCV 1.7.2 (record_legacy_scripts.sh; results in <name>.mmcv.json). On the
bundled engine each must end with the same parameters and checkpoints, with
the same loss at every iteration and the same lr to the last bit."""
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / 'tests' / 'fixtures' / 'compat' / 'legacy_scripts'
CASES = sorted(p.stem for p in SCRIPTS.glob('*.py') if p.stem != 'common')
RUN = '''
import sys
from mmmigrate.compat.mmcv_shim import install_mmcv_shim
assert install_mmcv_shim()
sys.path.insert(0, '.')
exec(compile(open(sys.argv[1]).read(), sys.argv[1], 'exec'), {'__name__': '__main__'})
'''


@pytest.mark.parametrize('case', CASES)
def test_legacy_script_matches_its_mmcv_run(case):
    out = subprocess.run([sys.executable, '-c', RUN, f'{case}.py'], capture_output=True,
                         text=True, timeout=300, cwd=SCRIPTS,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.returncode == 0, out.stderr[-3000:]
    ours = json.loads(out.stdout.strip().splitlines()[-1])
    legacy = json.loads((SCRIPTS / f'{case}.mmcv.json').read_text())
    assert ours['params'] == legacy['params']  # the same arithmetic: bitwise
    # MMCV also links latest.pth; the engine writes work_dir/last_checkpoint
    assert ours['checkpoints'] == [c for c in legacy['checkpoints'] if c != 'latest.pth']
    assert [row[:2] for row in ours['history']] == [row[:2] for row in legacy['history']]
    for mine, theirs in zip(ours['history'], legacy['history']):
        # MMCV computes each lr directly, the schedulers chain factors
        assert math.isclose(mine[2], theirs[2], rel_tol=1e-12, abs_tol=0), (mine, theirs)

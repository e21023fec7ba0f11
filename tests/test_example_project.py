"""The README's main job: `mmmigrate convert` the legacy example project
(examples/legacy_project, MMCV 1.x style), then train the result on the
bundled engine. Its per-iteration loss and lr must be those of the legacy
project trained on real MMCV 1.7.2 (tests/fixtures/example, recorded by
record_mmcv_history.sh there with the project's own LossHistoryHook)."""
import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEGACY = ROOT / 'examples' / 'legacy_project'
RECORDED = ROOT / 'tests' / 'fixtures' / 'example' / 'mmcv_1.7.2_history.jsonl'
CLI = [sys.executable, '-m', 'mmmigrate.cli']


def _history(path: Path) -> list:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_converted_example_trains_as_the_legacy_project_did(tmp_path):
    converted = tmp_path / 'converted'
    out = subprocess.run(CLI + ['convert', str(LEGACY), '--out-dir', str(converted)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    for source in converted.rglob('*.py'):  # nothing of MMCV 1.x is left to import
        assert 'mmcv' not in source.read_text(), source
    work_dir = tmp_path / 'work_dir'
    run = subprocess.run(CLI + ['run', str(converted / 'tools' / 'train.py'),
                                str(converted / 'configs' / 'toy_regression.py'),
                                '--work-dir', str(work_dir)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    ours, legacy = _history(work_dir / 'history.jsonl'), _history(RECORDED)
    assert [(r['epoch'], r['batch'], r['iter']) for r in ours] == \
        [(r['epoch'], r['batch'], r['iter']) for r in legacy]
    # The forward, the loss reduction, clipping and the SGD step are the same
    # arithmetic on both sides: the losses are bitwise equal.
    assert [r['loss'] for r in ours] == [r['loss'] for r in legacy]
    # During warm-up MMCV computes lr = base * (1 - (1 - i/W) * (1 - ratio))
    # directly while LinearLR multiplies chained factors: they differ in the
    # last bit (relative 2e-16), never more.
    for mine, theirs in zip(ours, legacy):
        assert math.isclose(mine['lr'], theirs['lr'], rel_tol=1e-12, abs_tol=0), (mine, theirs)
    assert (work_dir / 'epoch_3.pth').exists()


def test_converting_the_converted_example_changes_nothing(tmp_path):
    converted = tmp_path / 'converted'
    subprocess.run(CLI + ['convert', str(LEGACY), '--out-dir', str(converted)],
                   capture_output=True, check=True, timeout=300)
    again = subprocess.run(CLI + ['convert', str(converted), '--check'],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr

"""`mmmigrate convert`, import moves: fixture pairs in
tests/fixtures/convert/imports (``X.in.py`` -> ``X.out.py``, findings in
``X.findings.txt`` as ``line severity [rule]``), reviewed by hand."""
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmmigrate.cli import main
from .source_fixtures import cases, check_reviewed_output, \
    check_second_run_changes_nothing

FIXTURES = Path(__file__).resolve().parents[1] / 'fixtures' / 'convert' / 'imports'
CASES = cases(FIXTURES)


@pytest.mark.parametrize('case', CASES)
def test_output_is_the_reviewed_one(case):
    check_reviewed_output(FIXTURES, case)


@pytest.mark.parametrize('case', CASES)
def test_second_run_changes_nothing(case, tmp_path):
    check_second_run_changes_nothing(FIXTURES, case, tmp_path)


@pytest.mark.parametrize('case', [c for c in CASES if b'mmcv' not in
                                  (FIXTURES / f'{c}.out.py').read_bytes()])
def test_output_runs_on_the_bundled_engine(case):
    """Outputs that no longer need MMCV import what they name from the
    bundled engine (served as `mmengine`)."""
    code = ('from mmmigrate.engine.alias import install_mmengine_alias\n'
            'install_mmengine_alias(prefer_bundled=True)\n'
            f'source = open({str(FIXTURES / (case + ".out.py"))!r}, encoding="utf-8-sig").read()\n'
            'exec(compile(source, "fixture", "exec"), {"__name__": "fixture"})\n')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


UNREADABLE = FIXTURES.parent / 'unreadable'


def test_unreadable_files_are_reported_and_left_byte_identical(tmp_path):
    """tests/fixtures/convert/unreadable: each X.in.py must come out as
    X.out.py (the same bytes) with X.report.txt's words in the report."""
    cases = sorted(p.name[:-len('.in.py')] for p in UNREADABLE.glob('*.in.py'))
    assert len(cases) == 5
    for case in cases:
        (tmp_path / f'{case}.py').write_bytes((UNREADABLE / f'{case}.in.py').read_bytes())
    good = tmp_path / 'good.py'
    good.write_text('from mmcv.runner import get_dist_info\n')
    result = CliRunner().invoke(main, ['convert', str(tmp_path), '-v'], catch_exceptions=False)
    assert result.exit_code == 2
    for case in cases:
        assert (tmp_path / f'{case}.py').read_bytes() == \
            (UNREADABLE / f'{case}.out.py').read_bytes(), case
        assert f'{case}.py' in result.stderr, case
        assert (UNREADABLE / f'{case}.report.txt').read_text().strip() in result.stderr, case
    assert good.read_text() == 'from mmengine.dist import get_dist_info\n'


def test_configs_in_a_source_tree_go_to_the_config_converter(tmp_path):
    (tmp_path / 'configs').mkdir()
    config = tmp_path / 'configs' / 'cfg.py'
    config.write_text("optimizer = dict(type='SGD', lr=0.1)\n"
                      "optimizer_config = dict(grad_clip=None)\n")
    result = CliRunner().invoke(main, ['convert', str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert config.read_text() == (
        "optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1))\n")


def test_check_and_diff_write_nothing(tmp_path):
    source = tmp_path / 'a.py'
    source.write_text('from mmcv.runner import get_dist_info\n')
    assert CliRunner().invoke(main, ['convert', str(tmp_path), '--check']).exit_code == 1
    diff = CliRunner().invoke(main, ['convert', str(tmp_path), '--diff'])
    assert '+from mmengine.dist import get_dist_info' in diff.stdout
    assert source.read_text() == 'from mmcv.runner import get_dist_info\n'


def test_the_report_counts_the_files_skipped_without_parsing(tmp_path):
    (tmp_path / 'plain.py').write_text('import torch\n')
    (tmp_path / 'legacy.py').write_text('from mmcv.runner import get_dist_info\n')
    result = CliRunner().invoke(main, ['convert', str(tmp_path)], catch_exceptions=False)
    assert result.stderr.rstrip().splitlines()[-1].startswith(
        '2 files (1 skipped: no mmcv), 1 converted')

"""`mmmigrate config` on the fixture trees of tests/fixtures/config.

Each case is ``input/`` (legacy files, a ``_base_`` tree where the case is
about inheritance), ``expected/`` (what the tool must write; reviewed by
hand) and ``findings.txt`` (``file:line severity [rule]`` per finding).
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmmigrate.cli import main

CASES_DIR = Path(__file__).resolve().parents[1] / 'fixtures' / 'config'
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir())
# Loading executes a config; this case is about *not* executing it.
NOT_LOADABLE = {'static_never_executed'}


def _files(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob('*.py'))}


def _convert(tree: Path, *options) -> dict:
    result = CliRunner().invoke(main, ['config', str(tree), '--report', 'json', *options],
                                catch_exceptions=False)
    report = json.loads(result.output)
    kept = any(f['severity'] == 'error' for file in report['files'] for f in file['findings'])
    # 3: a value was kept because it could not be carried over
    assert result.exit_code == 3 if kept else result.exit_code in (0, 1), result.output
    return report, result.exit_code


def _findings_lines(report: dict, root: Path) -> list:
    lines = []
    for item in report['files']:
        name = Path(item['path']).resolve().relative_to(root.resolve())
        for finding in item['findings']:
            lines.append(f'{name}:{finding.get("line", "")} {finding["severity"]} '
                         f'[{finding["rule"]}]')
    return sorted(lines)


@pytest.fixture(params=CASES)
def converted(request, tmp_path):
    case = CASES_DIR / request.param
    tree = tmp_path / request.param
    shutil.copytree(case / 'input', tree)
    report, _ = _convert(tree)
    return case, tree, report


def test_output_is_the_reviewed_expected_tree(converted):
    case, tree, _ = converted
    assert _files(tree) == _files(case / 'expected')


def test_findings_are_the_expected_ones(converted):
    case, tree, report = converted
    expected = (case / 'findings.txt').read_text().splitlines()
    assert _findings_lines(report, tree) == [line for line in expected if line]


def test_second_run_changes_nothing(converted):
    _, tree, _ = converted
    report, code = _convert(tree, '--check')
    assert code != 1 and report['summary']['changed'] == 0  # 3: values still kept


def test_output_loads_with_the_bundled_config(converted):
    case, tree, _ = converted
    if case.name in NOT_LOADABLE:
        pytest.skip('executing this config is what the case forbids')
    from mmmigrate.engine.config import Config
    for path in sorted(tree.rglob('*.py')):
        # custom_imports name the user's packages, which do not exist here
        config = Config.fromfile(str(path), import_custom_modules=False)
        assert isinstance(config.to_dict(), dict)


def test_every_legacy_key_left_says_why(converted):
    """A legacy key the tool leaves in a file has a TODO (it could not be
    converted) or a NOTE (it is converted elsewhere) right above it, or is
    read by another statement of the file."""
    from mmmigrate.migrate.reader import parse_config
    from mmmigrate.migrate.translate.config import LEGACY_KEYS
    _, tree, _ = converted
    for path in sorted(tree.rglob('*.py')):
        parsed = parse_config(path)
        lines = parsed.source.replace('\r\n', '\n').splitlines()
        read_elsewhere = set().union(*(s.reads for s in parsed.statements
                                       if s.assigned not in LEGACY_KEYS))
        for key in set(parsed.values) & set(LEGACY_KEYS) - read_elsewhere:
            above = lines[parsed.lines[key] - 2] if parsed.lines[key] > 1 else ''
            assert above.startswith('#   ') or '(mmmigrate)' in above, (path, key)


def test_conversion_never_executes_the_config(tmp_path):
    tree = tmp_path / 'tree'
    shutil.copytree(CASES_DIR / 'static_never_executed' / 'input', tree)
    result = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'config', str(tree)],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / 'SHOULD_NOT_EXIST').exists()
    assert 'optim_wrapper' in (tree / 'cfg.py').read_text()

"""Which files `mmmigrate convert` / `config` look at: .gitignore rules,
skipped tool folders, --include / --exclude, and the progress bar."""
from pathlib import Path

from click.testing import CliRunner

from mmmigrate.cli import main
from mmmigrate.migrate.selection import select_python_files

LEGACY = 'from mmcv.runner import get_dist_info\n'


def _tree(root: Path, files) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _selected(root: Path, **options) -> list:
    return [p.relative_to(root).as_posix() for p in select_python_files([root], **options)]


def test_gitignore_rules_as_git_reads_them(tmp_path):
    root = _tree(tmp_path, {
        '.gitignore': '# generated code\ngen_*.py\n!gen_keep.py\nbuild/\n/docs\n**/cache/\n',
        'a.py': '', 'pkg/gen_x.py': '', 'pkg/gen_keep.py': '', 'build/b.py': '',
        'pkg/build.py': '',  # `build/` names folders only
        'docs/conf.py': '', 'pkg/docs/api.py': '',  # `/docs` is anchored to the top
        'pkg/deep/cache/c.py': '',
        'sub/.gitignore': 'local_*.py\n', 'sub/local_x.py': '', 'sub/kept.py': '',
    })
    assert _selected(root) == ['a.py', 'pkg/build.py', 'pkg/docs/api.py', 'pkg/gen_keep.py',
                               'sub/kept.py']
    assert len(_selected(root, gitignore=False)) == 10


def test_tool_folders_are_never_walked(tmp_path):
    root = _tree(tmp_path, {'src/a.py': '', '.git/hooks/x.py': '', '.venv/lib/y.py': '',
                            'src/__pycache__/z.py': '', 'node_modules/w.py': ''})
    assert _selected(root) == ['src/a.py']


def test_include_and_exclude_globs(tmp_path):
    root = _tree(tmp_path, {'mmdet/models/a.py': '', 'mmdet/apis/b.py': '',
                            'tests/test_a.py': '', 'setup.py': ''})
    assert _selected(root, include=['mmdet/*']) == ['mmdet/apis/b.py', 'mmdet/models/a.py']
    assert _selected(root, exclude=['tests', 'setup.py']) == ['mmdet/apis/b.py',
                                                             'mmdet/models/a.py']
    assert _selected(root, include=['test_*.py']) == ['tests/test_a.py']


def test_a_file_named_explicitly_is_taken_even_if_ignored(tmp_path):
    root = _tree(tmp_path, {'.gitignore': 'x.py\n', 'x.py': LEGACY})
    assert select_python_files([root / 'x.py']) == [root / 'x.py']


def test_cli_options_reach_the_walk(tmp_path):
    root = _tree(tmp_path, {'.gitignore': 'ignored.py\n', 'ignored.py': LEGACY,
                            'kept.py': LEGACY, 'tests/t.py': LEGACY})
    result = CliRunner().invoke(main, ['convert', str(root), '--exclude', 'tests'],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert (root / 'kept.py').read_text() != LEGACY
    assert (root / 'ignored.py').read_text() == LEGACY
    assert (root / 'tests' / 't.py').read_text() == LEGACY
    result = CliRunner().invoke(main, ['convert', str(root), '--no-gitignore', '--check'],
                                catch_exceptions=False)
    assert result.exit_code == 1  # ignored.py and tests/t.py would change


def test_progress_bar_when_asked(tmp_path):
    root = _tree(tmp_path, {f'm{i}.py': LEGACY for i in range(5)})
    result = CliRunner().invoke(main, ['convert', str(root), '--progress', '--check'],
                                catch_exceptions=False)
    assert '5/5 files' in result.stderr
    result = CliRunner().invoke(main, ['convert', str(root), '--check'],
                                catch_exceptions=False)
    assert 'files (' not in result.stderr  # not a terminal, few files: no bar

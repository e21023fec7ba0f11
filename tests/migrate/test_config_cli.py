"""`mmmigrate config` command-line behaviour: where output goes, --diff,
--check, standard input, unreadable files, --flatten, -j."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmmigrate.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / 'fixtures' / 'config'
TREE = FIXTURES / 'base_tree_mmdet_layout'
LEGACY = "optimizer = dict(type='SGD', lr=0.01)\noptimizer_config = dict(grad_clip=None)\n"
CONVERTED = "optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01))\n"


def run(*args, input=None):
    return CliRunner().invoke(main, ['config', *map(str, args)], input=input,
                              catch_exceptions=False)


@pytest.fixture
def tree(tmp_path):
    shutil.copytree(TREE / 'input', tmp_path / 'configs')
    return tmp_path / 'configs'


def _texts(root: Path) -> dict:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob('*.py'))}


def test_in_place_by_default(tmp_path):
    config = tmp_path / 'cfg.py'
    config.write_text(LEGACY)
    assert run(config).exit_code == 0
    assert config.read_text() == CONVERTED


def test_output_file_leaves_the_input_alone(tmp_path):
    config, out = tmp_path / 'cfg.py', tmp_path / 'new' / 'cfg.py'
    config.write_text(LEGACY)
    assert run(config, '-o', out).exit_code == 0
    assert config.read_text() == LEGACY and out.read_text() == CONVERTED


def test_out_dir_mirrors_the_tree(tree, tmp_path):
    result = run(tree, '--out-dir', tmp_path / 'new')
    assert result.exit_code == 0
    assert _texts(tree) == _texts(TREE / 'input')  # inputs untouched
    assert _texts(tmp_path / 'new') == _texts(TREE / 'expected')


def test_diff_writes_nothing_and_prints_a_unified_diff(tree):
    result = run(tree, '--diff')
    assert result.exit_code == 0
    assert _texts(tree) == _texts(TREE / 'input')
    assert '-lr_config = dict(step=[16, 22])' in result.output
    assert '+param_scheduler = [' in result.output


def test_check_exits_1_when_something_would_change_and_0_after(tree):
    assert run(tree, '--check').exit_code == 1
    assert _texts(tree) == _texts(TREE / 'input')
    assert run(tree).exit_code == 0
    assert run(tree, '--check').exit_code == 0


def test_standard_input_to_standard_output(tmp_path):
    result = run('-', input=LEGACY)
    assert result.exit_code == 0
    assert result.stdout == CONVERTED


def test_unparseable_file_is_reported_with_its_line_and_left_untouched(tmp_path):
    broken = tmp_path / 'broken.py'
    # seed 004's model fragment, with its stray closing parenthesis
    text = "model = dict(\n    type='ImageClassifier',\n    backbone=...,\n    ))\n" + LEGACY
    broken.write_text(text)
    good = tmp_path / 'good.py'
    good.write_text(LEGACY)
    result = run(tmp_path, '--report', 'json')
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    errors = {Path(f['path']).name: f['error'] for f in report['files'] if f['error']}
    assert list(errors) == ['broken.py'] and 'broken.py:4:' in errors['broken.py']
    assert broken.read_text() == text
    assert good.read_text() == CONVERTED  # the other files are still converted


def test_text_report_names_file_line_rule_and_summary(tmp_path):
    config = tmp_path / 'cfg.py'
    config.write_text("runner = dict(type='EpochBasedRunner', max_epochs=8)\n"
                      "evaluation = dict(interval=2, start=3, metric='acc')\n")
    result = run(config)
    assert f'{config}:2: warning [evaluation-start-shift]' in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == (
        '1 files, 1 converted, 2 keys converted, 2 flagged, 0 not readable')


def test_flatten_writes_one_self_contained_config(tree, tmp_path):
    leaf = tree / 'retinanet_r50_fpn_2x_coco.py'
    out = tmp_path / 'flat.py'
    assert run(leaf, '--flatten', '-o', out).exit_code == 0
    text = out.read_text()
    assert '_base_ =' not in text and 'lr_config' not in text
    from mmmigrate.engine.config import Config
    flat = Config.fromfile(str(out)).to_dict()
    shutil.copytree(TREE / 'expected', tmp_path / 'expected')
    inherited = Config.fromfile(str(tmp_path / 'expected' / leaf.name)).to_dict()
    assert flat == inherited


def test_jobs_give_the_same_result_as_one_process(tmp_path):
    one, many = tmp_path / 'one', tmp_path / 'many'
    for target in (one, many):
        for case in ('base_tree_mmdet_layout', 'base_fanin_sibling_bases',
                     'base_child_partial_lr_override'):
            shutil.copytree(FIXTURES / case / 'input', target / case)
    assert run(one, '-j', '1').exit_code == 0
    assert run(many, '-j', '2').exit_code == 0
    assert _texts(one) == _texts(many)


def test_help_explains_the_command():
    result = CliRunner().invoke(main, ['config', '--help'])
    assert result.exit_code == 0
    for word in ('--out-dir', '--diff', '--check', '--flatten', 'TODO(mmmigrate)', 'Exit status'):
        assert word in result.output


def test_converting_one_config_does_not_import_torch(tmp_path):
    config = tmp_path / 'cfg.py'
    config.write_text(LEGACY)
    code = ('import sys\nfrom mmmigrate.cli import main\n'
            f'sys.argv = ["mmmigrate", "config", {str(config)!r}]\n'
            'try:\n    main()\nexcept SystemExit:\n    pass\n'
            'assert "torch" not in sys.modules, "torch was imported"\n')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert config.read_text() == CONVERTED

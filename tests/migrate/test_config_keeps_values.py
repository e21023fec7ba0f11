"""`mmmigrate config` never deletes a value whose meaning it cannot carry
over: the legacy key stays, with a TODO(mmmigrate) and an error finding
(exit status 3), and a second run changes nothing."""
import ast
import subprocess
import sys

import pytest


def config(*args):
    return subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'config', *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def assignments(text: str) -> dict:
    """Top-level ``name: source`` of a config."""
    tree = ast.parse(text)
    return {node.targets[0].id: ast.get_source_segment(text, node.value)
            for node in tree.body if isinstance(node, ast.Assign)}


def convert_twice(path):
    first = config(path)
    after_first = path.read_text()
    config(path)
    assert path.read_text() == after_first, 'a second run changed the file'
    return first, after_first


def test_an_optimizer_that_is_not_a_literal_keeps_its_optimizer_config(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text("import copy\n_opt = dict(type='SGD', lr=0.02, momentum=0.9)\n"
                    "optimizer = copy.deepcopy(_opt)\n"
                    "optimizer_config = dict(grad_clip=dict(max_norm=35, norm_type=2))\n"
                    "runner = dict(type='EpochBasedRunner', max_epochs=12)\n")
    result, text = convert_twice(path)
    assert result.returncode == 3
    values = assignments(text)
    assert values['optimizer'] == 'copy.deepcopy(_opt)'
    assert values['optimizer_config'] == 'dict(grad_clip=dict(max_norm=35, norm_type=2))'
    assert 'optimizer_config is kept' in text and 'optimizer_config is kept' in result.stderr
    assert values['train_cfg'] == "dict(type='EpochBasedTrainLoop', max_epochs=12)"


def test_list_valued_legacy_keys_are_all_kept_and_flagged(tmp_path):
    path = tmp_path / 'cfg.py'
    original = ("optimizer = [dict(type='SGD', lr=0.1)]\n"
                "runner = [dict(type='EpochBasedRunner', max_epochs=12)]\n"
                "checkpoint_config = [dict(interval=1)]\n"
                "log_config = [dict(interval=50)]\n")
    path.write_text(original)
    result, text = convert_twice(path)
    assert result.returncode == 3
    assert assignments(text) == assignments(original)  # nothing lost, nothing invented
    assert text.count('# TODO(mmmigrate): [') == 4
    for rule in ('optimizer-opaque', 'runner-no-length', 'checkpoint-opaque',
                 'log-config-opaque'):
        assert f'error [{rule}]' in result.stderr


def test_a_form_feed_line_does_not_shift_the_rewrite(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text("optimizer = dict(type='SGD', lr=0.1)\n\x0c\nwork_dir = './work'\n"
                    "runner = dict(type='EpochBasedRunner', max_epochs=3)\n")
    result, text = convert_twice(path)
    assert result.returncode == 0, result.stderr
    values = assignments(text)
    assert values['work_dir'] == "'./work'" and 'optimizer' not in values
    assert values['train_cfg'] == "dict(type='EpochBasedTrainLoop', max_epochs=3)"
    assert '\x0c' in text


SCHEDULE_BASE = ("optimizer = dict(type='SGD', lr=0.02, momentum=0.9)\n"
                 "optimizer_config = dict(grad_clip=None)\n"
                 "lr_config = dict(policy='step', step=[8, 11])\n"
                 "runner = dict(type='EpochBasedRunner', max_epochs=12)\n")


def test_a_converted_child_keeps_its_schedule_when_its_base_is_converted_later(tmp_path):
    (tmp_path / 'sched.py').write_text(SCHEDULE_BASE)
    child = tmp_path / 'child.py'
    child.write_text("_base_ = './sched.py'\nlr_config = dict(step=[16, 23])\n")
    assert config(child).returncode == 0  # the child first, its base still legacy
    converted_child = child.read_text()
    assert 'milestones=[16, 23]' in converted_child
    assert config(tmp_path).returncode == 0  # then the whole tree
    assert child.read_text() == converted_child
    assert 'milestones=[8, 11]' in (tmp_path / 'sched.py').read_text()


@pytest.mark.parametrize('child_line,written', [
    ("fp16 = dict(loss_scale=256.)",
     "optim_wrapper = dict(type='AmpOptimWrapper', loss_scale=256.)"),  # as written
    ("optimizer_config = dict(grad_clip=dict(max_norm=35, norm_type=2))",
     "optim_wrapper = dict(clip_grad=dict(max_norm=35, norm_type=2))"),
])
def test_a_legacy_child_over_a_converted_base_changes_its_optim_wrapper(tmp_path, child_line,
                                                                        written):
    (tmp_path / 'sched.py').write_text(SCHEDULE_BASE)
    assert config(tmp_path / 'sched.py').returncode == 0
    child = tmp_path / 'child.py'
    child.write_text(f"_base_ = './sched.py'\n{child_line}\n")
    result, text = convert_twice(child)
    assert result.returncode == 0, result.stderr
    assert text == f"_base_ = './sched.py'\n{written}\n"


def test_a_legacy_key_assigned_with_other_names_is_flagged(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text("optimizer = other = dict(type='SGD', lr=0.1)\n")
    result, text = convert_twice(path)
    assert result.returncode == 3
    assert 'error [legacy-key-chained] optimizer is assigned together' in result.stderr
    assert assignments(text) == {'optimizer': "dict(type='SGD', lr=0.1)"}


def test_writing_elsewhere_says_when_a_relative_base_no_longer_leads_to_it(tmp_path):
    (tmp_path / 'cfgs').mkdir()
    (tmp_path / 'cfgs' / 'base.py').write_text(SCHEDULE_BASE)
    child = tmp_path / 'cfgs' / 'child.py'
    child.write_text("_base_ = './base.py'\nlr_config = dict(step=[16, 23])\n")
    elsewhere = config(child, '-o', tmp_path / 'out' / 'child.py')
    assert elsewhere.returncode == 0
    assert "warning [base-path-moved] written to" in elsewhere.stderr
    beside = config(child, '-o', tmp_path / 'cfgs' / 'child_new.py')
    mirrored = config(tmp_path / 'cfgs', '--out-dir', tmp_path / 'mirror')
    assert 'base-path-moved' not in beside.stderr + mirrored.stderr


def test_a_new_key_is_written_below_the_names_it_uses(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_text("optimizer = dict(type='SGD', lr=0.02)\n"
                    "max_iters = 368750\n"
                    "runner = dict(type='IterBasedRunner', max_iters=max_iters)\n"
                    "interval = 5000\n"
                    "checkpoint_config = dict(by_epoch=False, interval=interval)\n"
                    "evaluation = dict(interval=interval, metric='bbox')\n")
    result, text = convert_twice(path)
    assert result.returncode == 0, result.stderr
    namespace = {}
    exec(compile(text, str(path), 'exec'), namespace)  # used to raise NameError: interval
    assert namespace['train_cfg'] == dict(type='IterBasedTrainLoop', max_iters=368750,
                                          val_interval=5000)
    assert namespace['default_hooks']['checkpoint']['interval'] == 5000

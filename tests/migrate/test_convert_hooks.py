"""`mmmigrate convert`, hooks: fixture pairs in tests/fixtures/convert/hooks,
reviewed by hand; the converted hooks run inside the bundled engine's
Runner (MMEngine calls hook points with keyword arguments, so a legacy
signature would raise a TypeError there)."""
import subprocess
import sys
from pathlib import Path

import pytest

from .source_fixtures import cases, check_reviewed_output, \
    check_second_run_changes_nothing

FIXTURES = Path(__file__).resolve().parents[1] / 'fixtures' / 'convert' / 'hooks'
CASES = cases(FIXTURES)
# cases whose output keeps what needs a human (their findings say what)
NOT_RUNNABLE = {'what_cannot_be_rewritten_is_reported', 'not_a_hook_is_left_alone',
                'epoch_helpers_and_meta', 'runner_mode_is_reported',
                'logger_hook_subclass_reads_the_buffer',
                'custom_runner_attribute_is_reported',  # a custom runner's attribute
                'hook_class_defined_in_a_function'}  # its class is built by a call


@pytest.mark.parametrize('case', CASES)
def test_output_is_the_reviewed_one(case):
    check_reviewed_output(FIXTURES, case)


@pytest.mark.parametrize('case', CASES)
def test_second_run_changes_nothing(case, tmp_path):
    check_second_run_changes_nothing(FIXTURES, case, tmp_path)


RUN_HOOKS = '''
import sys
from mmmigrate.engine.alias import install_mmengine_alias
install_mmengine_alias(prefer_bundled=True)
from mmengine.hooks import Hook
sys.path.insert(0, sys.argv[3])
from hook_run_parts import train_with_hooks

namespace = {'__name__': 'converted'}
exec(compile(open(sys.argv[1]).read(), 'converted', 'exec'), namespace)
hooks = [v() for v in namespace.values()
         if isinstance(v, type) and issubclass(v, Hook) and v is not Hook]
assert hooks, 'no hook class in the converted file'
train_with_hooks(hooks, sys.argv[2])
for hook in hooks:
    print(type(hook).__name__, {k: v for k, v in vars(hook).items() if k != 'priority'})
'''


def _run_converted_hooks(case: str, work_dir: Path) -> str:
    result = subprocess.run([sys.executable, '-c', RUN_HOOKS, str(FIXTURES / f'{case}.out.py'),
                             str(work_dir), str(Path(__file__).resolve().parents[1])],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.parametrize('case', [c for c in CASES if c not in NOT_RUNNABLE])
def test_converted_hooks_run_in_the_bundled_runner(case, tmp_path):
    assert _run_converted_hooks(case, tmp_path)  # each hook prints its state


def test_generic_points_are_called_for_train_and_val_as_in_mmcv(tmp_path):
    out = _run_converted_hooks('generic_points_get_train_and_val_methods', tmp_path)
    # 2 epochs x 3 train batches + 2 validations x 3 val batches; 2 + 2 epochs
    assert "Counter {'iters': 12, 'epochs': 4}" in out


def test_rewritten_helpers_and_runner_internals_see_what_mmcv_gave(tmp_path):
    out = _run_converted_hooks('helpers_and_runner_internals', tmp_path)
    # 2 epochs of 3 batches, interval 2: every_n_train_iters fires at
    # iterations 2, 4, 6 (the lr); every_n_inner_iters at batch 2 of each
    # epoch ('inner'); end_of_epoch at batch 3 (the loader length, 3); the
    # last epoch once. The order is MMCV's for the same hook.
    assert "'seen': [0.01, 'inner', 3, 0.01, 'inner', 0.01, 3, 'last epoch']" in out


@pytest.mark.parametrize('newline,indent', [(b'\r\n', b'    '), (b'\n', b'\t')])
def test_added_methods_follow_the_file_newlines_and_indentation(newline, indent, tmp_path):
    """The generic-points case written with CRLF and a BOM, or with tabs:
    the methods added to it use the file's own newline and indentation."""
    from mmmigrate.migrate.source_file import convert_source

    def restyle(data: bytes) -> bytes:
        return data.replace(b'    ', indent).replace(b'\n', newline)
    case = 'generic_points_get_train_and_val_methods'
    source = tmp_path / 'hook.py'
    source.write_bytes(b'\xef\xbb\xbf' + restyle((FIXTURES / f'{case}.in.py').read_bytes()))
    expected = b'\xef\xbb\xbf' + restyle((FIXTURES / f'{case}.out.py').read_bytes())
    assert convert_source(source).new_data == expected


def test_a_helper_the_hook_overrides_keeps_being_called(tmp_path):
    """WarmStartHook defines every_n_iters itself (acting at every iteration
    before start_iter): the call stays its own, not MMEngine's
    every_n_train_iters, and the override runs in the engine's Runner. With
    interval 2 and start_iter 2 over 6 iterations it fires at 0, 1 (warm
    start), then 3 and 5; the subclass (whose base is in the same file)
    also keeps the override."""
    out = _run_converted_hooks('own_helper_override_is_kept', tmp_path)
    assert "WarmStartHook {'interval': 2, 'start_iter': 2, 'fired': [0, 1, 3, 5]}" in out
    # and after the first epoch (3 iterations done: (3 + 1) % 2 == 0)
    assert "LaterWarmStartHook {'interval': 2, 'start_iter': 2, 'fired': [0, 1, 'epoch', 3, " \
        "5]}" in out


TREE = {
    'base.py': '''from mmcv.runner import Hook


class WarmBase(Hook):

    def every_n_iters(self, runner, n):
        return runner.iter < 3 or (runner.iter + 1) % n == 0
''',
    # a hook of the project whose file never says mmcv
    'child.py': '''from .base import WarmBase


class Child(WarmBase):

    def after_train_iter(self, runner):
        if self.every_n_iters(runner, 5) and self.is_last_iter(runner):
            runner.logger.info('x')


class NotAHook:

    def after_train_iter(self, runner):
        return runner
''',
}


def test_a_hook_whose_base_is_in_another_file_of_the_tree(tmp_path):
    """The tree's class index tells child.py that WarmBase is a hook that
    defines every_n_iters: Child gets MMEngine's hook signature, keeps
    calling its base's override, and is_last_iter becomes MMEngine's;
    a class that is no hook keeps its method as it is."""
    from mmmigrate.migrate.driver import convert_sources
    for name, text in TREE.items():
        (tmp_path / name).write_text(text)
    outcomes = convert_sources(sorted(tmp_path.glob('*.py')))
    child = next(o for o in outcomes if o.path.endswith('child.py')).new_source
    assert 'def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):' in child
    assert 'self.every_n_iters(runner, 5) and self.is_last_train_iter(runner)' in child
    assert child.endswith('    def after_train_iter(self, runner):\n        return runner\n')

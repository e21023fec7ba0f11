"""Files written by `mmmigrate config` and `mmmigrate convert` get the mode a
plain ``open()`` gives under the umask; a file converted or copied into an
output folder keeps its source's executable bits; a file converted in place
keeps its own mode."""
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from mmmigrate.cli import main

LEGACY_CONFIG = "optimizer = dict(type='SGD', lr=0.01)\noptimizer_config = dict(grad_clip=None)\n"
LEGACY_SCRIPT = "#!/usr/bin/env python\nfrom mmcv.runner import get_dist_info\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def invoke(*args):
    result = CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize('mask', [0o022, 0o077], ids=['umask022', 'umask077'])
def test_convert_out_dir_gives_umask_modes_and_keeps_executable_bits(tmp_path, umask, mask):
    source = tmp_path / 'project'
    (source / 'tools').mkdir(parents=True)
    script = source / 'tools' / 'train.py'
    script.write_text(LEGACY_SCRIPT)
    script.chmod(0o755)
    untouched = source / 'tools' / 'run.sh.py'  # no mmcv: copied, not converted
    untouched.write_text('#!/usr/bin/env python\nprint(1)\n')
    untouched.chmod(0o700)
    module = source / 'model.py'
    module.write_text('from mmcv.runner import get_dist_info\n')
    module.chmod(0o600)
    (source / 'configs').mkdir()
    (source / 'configs' / 'cfg.py').write_text(LEGACY_CONFIG)
    umask(mask)
    invoke('convert', source, '--out-dir', tmp_path / 'out')
    out = tmp_path / 'out'
    assert 'mmengine' in (out / 'tools' / 'train.py').read_text()
    assert 'optim_wrapper' in (out / 'configs' / 'cfg.py').read_text()
    assert mode(out / 'tools' / 'train.py') == 0o777 & ~mask
    assert mode(out / 'tools' / 'run.sh.py') == (0o666 | 0o100) & ~mask
    assert mode(out / 'model.py') == 0o666 & ~mask
    assert mode(out / 'configs' / 'cfg.py') == 0o666 & ~mask


def test_config_output_file_gets_the_umask_mode(tmp_path, umask):
    config = tmp_path / 'cfg.py'
    config.write_text(LEGACY_CONFIG)
    umask(0o027)
    invoke('config', config, '-o', tmp_path / 'new.py')
    assert mode(tmp_path / 'new.py') == 0o640


def test_in_place_conversion_keeps_the_files_own_mode(tmp_path, umask):
    config, script = tmp_path / 'cfg.py', tmp_path / 'train.py'
    config.write_text(LEGACY_CONFIG)
    config.chmod(0o604)
    script.write_text(LEGACY_SCRIPT)
    script.chmod(0o750)
    umask(0o077)
    invoke('config', config)
    invoke('convert', script)
    assert 'optim_wrapper' in config.read_text() and 'mmengine' in script.read_text()
    assert (mode(config), mode(script)) == (0o604, 0o750)


def test_a_symlinked_config_is_converted_through_the_link(tmp_path):
    real = tmp_path / 'shared' / 'cfg.py'
    real.parent.mkdir()
    real.write_text(LEGACY_CONFIG)
    link = tmp_path / 'cfg.py'
    link.symlink_to(real)
    invoke('config', link)
    assert link.is_symlink() and 'optim_wrapper' in real.read_text()


def test_a_read_only_file_is_not_rewritten(tmp_path):
    config = tmp_path / 'cfg.py'
    config.write_text(LEGACY_CONFIG)
    config.chmod(0o444)
    result = CliRunner().invoke(main, ['config', str(config)], catch_exceptions=False)
    assert result.exit_code == 2 and 'read-only' in result.output
    assert config.read_text() == LEGACY_CONFIG


def test_a_symlink_inside_the_output_folder_is_not_followed(tmp_path):
    source = tmp_path / 'configs'
    (source / 'sub').mkdir(parents=True)
    (source / 'sub' / 'cfg.py').write_text(LEGACY_CONFIG)
    (source / 'top.py').write_text(LEGACY_CONFIG)
    outside = tmp_path / 'elsewhere'
    outside.mkdir()
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'sub').symlink_to(outside)
    result = CliRunner().invoke(main, ['config', str(source), '--out-dir', str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 2 and 'symlink' in result.output
    assert list(outside.iterdir()) == []
    assert 'optim_wrapper' in (out / 'top.py').read_text()  # the rest is written


def test_a_temporary_file_left_by_a_killed_run_is_removed(tmp_path):
    config = tmp_path / 'cfg.py'
    config.write_text(LEGACY_CONFIG)
    stale = tmp_path / '.cfg.py.abcd1234.tmp'
    stale.write_text('half a file')
    invoke('config', config)
    assert not stale.exists() and 'optim_wrapper' in config.read_text()


def test_diff_with_a_json_report_keeps_stdout_for_the_diff(tmp_path):
    import json
    import subprocess
    import sys
    config = tmp_path / 'cfg.py'
    config.write_text(LEGACY_CONFIG)
    result = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'config', str(config),
                             '--diff', '--report', 'json'], capture_output=True, text=True)
    assert result.stdout.startswith('--- a/') and '+optim_wrapper' in result.stdout
    assert json.loads(result.stderr)['summary']['changed'] == 1

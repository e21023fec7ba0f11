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

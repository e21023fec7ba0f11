"""Every file a training run writes (checkpoints, their random-state files,
last_checkpoint, logs, scalar files) gets the mode a plain ``open()`` gives
under the user's umask, not mkstemp's 0o600."""
import stat
from pathlib import Path

import pytest

from mmmigrate.engine.config import Config
from mmmigrate.engine.runner import Runner
from mmmigrate.engine.runner.checkpoint import atomic_write_text

HERE = Path(__file__).parent


def modes(root: Path) -> dict:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode)
            for p in root.rglob('*') if p.is_file()}


@pytest.mark.parametrize('mask', [0o022, 0o027], ids=['umask022', 'umask027'])
def test_a_training_run_writes_files_with_the_umask_mode(tmp_path, umask, mask):
    import toy_project  # noqa: F401  (registers the toy classes)
    umask(mask)
    cfg = Config.fromfile(HERE / 'toy_config.py')
    cfg.work_dir = str(tmp_path / 'work')
    cfg.train_cfg.max_epochs = 2
    runner = Runner.from_cfg(cfg)
    runner.train()
    runner.logger.handlers.clear()
    written = modes(tmp_path / 'work')
    assert {'epoch_2.pth', 'epoch_2.pth.rng-rank0', 'last_checkpoint'} <= set(written)
    assert any(name.endswith('.log') for name in written)
    assert written == {name: 0o666 & ~mask for name in written}


def test_an_existing_file_keeps_its_mode_when_replaced(tmp_path, umask):
    umask(0o022)
    target = tmp_path / 'last_checkpoint'
    target.write_text('old')
    target.chmod(0o604)
    atomic_write_text(str(target), 'new')
    assert target.read_text() == 'new'
    assert stat.S_IMODE(target.stat().st_mode) == 0o604

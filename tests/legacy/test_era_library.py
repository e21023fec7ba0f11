"""An MMEngine-era library trains on the bundled engine with real MMEngine's
numbers: mmpretrain 1.2.0 (installed ``--no-deps`` beside mmcv-lite 2.2.0
``--no-deps``, the bundled engine served as ``mmengine``) trains its own
ResNet-18 CIFAR-10 config for two short epochs with validation
(``era_run.py``: a synthetic dataset, no downloads), and every iteration's
loss and learning rate, each validation's accuracy and every final
parameter and buffer are the ones real MMEngine 0.10.7 gives
(``record_era_run.py`` -> ``tests/fixtures/legacy/era``)."""
import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from record_era_run import FIXTURE, run_era  # noqa: E402


@pytest.mark.recorded_numerics
@pytest.mark.slow
def test_mmpretrain_resnet18_cifar_trains_with_mmengines_numbers(tmp_path):
    recorded = json.loads(FIXTURE.read_text())
    ours = run_era('mmpretrain', True, tmp_path)
    assert ours['engine'] == 'mmmigrate.engine.runner.runner'
    assert len(ours['loss']) == 8 and len(ours['val']) == 2
    assert ours['loss'] == recorded['loss']
    assert ours['lr'] == recorded['lr']
    assert ours['val'] == recorded['val']
    differing = sorted(name for name in recorded['state']
                       if ours['state'].get(name) != recorded['state'][name])
    assert set(ours['state']) == set(recorded['state']) and not differing, differing[:5]

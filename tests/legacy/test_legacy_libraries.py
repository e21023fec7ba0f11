"""Real MMCV-1.x libraries train unchanged on the new stack with MMCV
1.7.2's numbers: mmcls 0.25.0, mmsegmentation 0.30.0 and mmdet 2.28.2
(RetinaNet; its NMS a plain-torch stand-in on both sides), installed from
their wheels, each through its own ``tools/train.py`` on a tiny synthetic
project (``projects/``: a dataset registered by ``custom_imports``, no
files, no network), with validation, on

- mmcv-lite 2.2.0 + real MMEngine 0.10.7 (``pip install mmcv-lite``), and
- mmcv-lite 2.2.0 ``--no-deps`` + the bundled engine,

both through the mmmigrate ``mmcv`` shim, against the run recorded on real
MMCV 1.7.2 (``record_mmcv_runs.py`` -> ``tests/fixtures/legacy``).
Compared: every iteration's loss and log_vars (bitwise), lr (1e-12
relative), what MMCV's TextLoggerHook wrote to ``*.log.json`` (the val
metrics included), every parameter of the last checkpoint (bitwise), its
meta, the files MMCV left in the work dir, and the library's own
``init_model`` + ``inference_model`` on the checkpoint."""
import json
import math
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from library_runs import run_library_tool, train_and_collect  # noqa: E402

FIXTURES = HERE.parent / 'fixtures' / 'legacy'
STACKS = ('mmcv-lite+mmengine', 'mmcv-lite')
# what the engine adds to a work dir beside MMCV's files (resumable
# checkpoints: the random state of each, the name of the last one)
ENGINE_FILES = {'last_checkpoint'}
SERVED_VERSION = '1.7.0'


def _recorded(library: str) -> dict:
    return json.loads((FIXTURES / f'{library}.mmcv-1.7.2.json').read_text())


@pytest.mark.recorded_numerics
@pytest.mark.parametrize('stack', STACKS)
@pytest.mark.parametrize('library', ['mmcls', 'mmseg', 'mmdet'])
def test_library_trains_unchanged_with_mmcvs_numbers(library, stack, tmp_path):
    ours = train_and_collect(library, stack, tmp_path / 'work_dir')
    theirs = _recorded(library)
    assert len(ours['training']) == len(theirs['training'])
    for mine, reference in zip(ours['training'], theirs['training']):
        for key in ('epoch', 'iter', 'inner_iter', 'loss', 'num_samples', 'log_vars',
                    'momentum'):
            assert mine[key] == reference[key], (key, mine, reference)
        for lr, reference_lr in zip(mine['lr'], reference['lr']):
            assert math.isclose(lr, reference_lr, rel_tol=1e-12, abs_tol=0), (mine, reference)
    assert ours['log'] == theirs['log']  # MMCV's log.json: train windows and val metrics
    assert any(record.get('mode') == 'val' for record in ours['log'])
    assert ours['params'] == theirs['params']
    # CLASSES, config, library version, seed, epoch / iter, hook_msgs; the shim
    # reports MMCV 1.7.0 (rules/mmcv_shim.yaml says why), the oracle is 1.7.2
    assert ours['meta'] == dict(theirs['meta'], mmcv_version=SERVED_VERSION)
    assert set(theirs['files']) <= set(ours['files'])
    assert set(ours['files']) - set(theirs['files']) <= ENGINE_FILES
    assert ours['inference'] == theirs['inference']  # MMCV's class names, the same scores


def _parameters(path: Path) -> dict:
    import torch
    return torch.load(path, map_location='cpu', weights_only=False)['state_dict']


@pytest.mark.recorded_numerics
def test_a_resumed_library_run_ends_bitwise_as_the_uninterrupted_one(tmp_path):
    """mmcls' tools/train.py --resume-from its own epoch_1.pth (with the
    random state the engine keeps beside it) ends with the parameters of the
    run that was never stopped, and its tools/test.py scores the checkpoint
    as the run's last validation did."""
    whole, resumed = tmp_path / 'whole', tmp_path / 'resumed'
    train = ('--seed', '0', '--deterministic')
    run_library_tool('mmcls', 'mmcv-lite', 'train.py', '--work-dir', str(whole), *train)
    resumed.mkdir()
    for path in whole.glob('epoch_1.pth*'):
        (resumed / path.name).write_bytes(path.read_bytes())
    run_library_tool('mmcls', 'mmcv-lite', 'train.py', '--work-dir', str(resumed), *train,
                     '--resume-from', str(resumed / 'epoch_1.pth'))
    # each run links its own latest checkpoint, and only in its own folder
    assert [(folder / 'latest.pth').readlink().name for folder in (whole, resumed)] == \
        ['epoch_2.pth', 'epoch_2.pth']
    ours, reference = _parameters(resumed / 'epoch_2.pth'), _parameters(whole / 'epoch_2.pth')
    assert ours.keys() == reference.keys()
    assert all(ours[key].equal(reference[key]) for key in reference)
    tested = run_library_tool('mmcls', 'mmcv-lite', 'test.py', str(whole / 'latest.pth'),
                              '--metrics', 'accuracy', '--metric-options', 'topk=(1,2)')
    last_val = [r for r in _recorded('mmcls')['log'] if r.get('mode') == 'val'][-1]
    for key in ('accuracy_top-1', 'accuracy_top-2'):
        assert f'{key} : {last_val[key]}' in tested

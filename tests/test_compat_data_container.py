"""MMCV's DataContainer, collate and scatter (`mmmigrate.compat.data_container`,
served by the shim as `mmcv.parallel`): the same batches collated and
scattered by ours and, in its oracle venv, by real MMCV 1.7.2 give the same
structures and the same tensors, bit for bit. (Training through them is
checked on MMCV in legacy_scripts/data_containers.py.)"""
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from mmmigrate.compat.data_container import DataContainer, collate, scatter

ROOT = Path(__file__).resolve().parents[1]
MMCV_PYTHON = ROOT / '.oracle' / 'mmcv' / 'bin' / 'python'

# builds `cases` with the DataContainer class in scope as DC; run by both sides
CASES = '''
import torch
g = torch.Generator().manual_seed(5)
cases = {}
sizes = [(3, 4, 5), (3, 6, 2), (3, 5, 5), (3, 2, 7), (3, 4, 4)]
cases['stack_pad2_chunks_of_2'] = ([dict(img=DC(torch.randn(*s, generator=g), stack=True))
                                    for s in sizes], 2)
cases['stack_pad1_value'] = ([DC(torch.randn(2, n, generator=g), stack=True, padding_value=-1,
                                 pad_dims=1) for n in (3, 5, 4)], 3)
cases['stack_pad3'] = ([DC(torch.randn(1, 2 + i, 3, 1 + i, generator=g), stack=True,
                           pad_dims=3) for i in range(3)], 2)
cases['stack_no_pad'] = ([DC(torch.randn(2, 3, generator=g), stack=True, pad_dims=None)
                          for _ in range(4)], 2)
cases['list_and_cpu_only'] = ([(DC(torch.randn(i + 1, 4, generator=g)),
                                DC(dict(idx=i, shape=(i, 2)), cpu_only=True),
                                torch.tensor(float(i)))
                               for i in range(5)], 2)
cases['plain_dicts'] = ([dict(x=torch.randn(3, generator=g), y=i) for i in range(4)], 4)
'''

DUMP = '''
import sys, torch
from mmcv.parallel import DataContainer as DC, collate, scatter
exec(CASES)
out = {}
for name, (batch, per_gpu) in cases.items():
    collated = collate(batch, samples_per_gpu=per_gpu)
    out[name] = (plain(collated), plain(scatter(collated, [-1])))
torch.save(out, sys.argv[1])
'''

PLAIN = '''
def plain(value):
    """DataContainers as tagged tuples, so that results compare with ==."""
    if isinstance(value, DC):
        return ('DC', value.stack, value.cpu_only, value.padding_value, plain(value.data))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, [plain(v) for v in value])
    if isinstance(value, dict):
        return ('dict', {k: plain(v) for k, v in value.items()})
    if isinstance(value, torch.Tensor):
        return ('tensor', str(value.dtype), tuple(value.shape), value.flatten().tolist())
    return value
'''


def _ours() -> dict:
    namespace = {'DC': DataContainer, 'torch': torch}
    exec(PLAIN + CASES, namespace)
    out = {}
    for name, (batch, per_gpu) in namespace['cases'].items():
        collated = collate(batch, samples_per_gpu=per_gpu)
        out[name] = (namespace['plain'](collated), namespace['plain'](scatter(collated, [-1])))
    return out


@pytest.mark.skipif(not MMCV_PYTHON.exists(), reason='no MMCV 1.7.2 oracle venv at '
                    '.oracle/mmcv (../shared/oracle/setup_mmcv.sh)')
def test_collate_and_scatter_give_what_mmcv_gave(tmp_path):
    target = tmp_path / 'mmcv.pt'
    code = f'CASES = {CASES!r}\n' + PLAIN.replace('DC', 'DC') + DUMP
    out = subprocess.run([str(MMCV_PYTHON), '-W', 'ignore', '-c',
                          'from mmcv.parallel import DataContainer as DC\n' + code,
                          str(target)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    theirs = torch.load(target, weights_only=False)
    ours = _ours()
    assert sorted(ours) == sorted(theirs)
    for name in ours:
        assert ours[name] == theirs[name], name


def test_stacked_images_are_padded_at_the_end_and_metas_stay_lists():
    batch = [dict(img=DataContainer(torch.ones(1, 2, 3), stack=True),
                  img_metas=DataContainer(dict(idx=i), cpu_only=True)) for i in range(3)]
    collated = collate(batch, samples_per_gpu=2)
    chunks = collated['img'].data
    assert [tuple(c.shape) for c in chunks] == [(2, 1, 2, 3), (1, 1, 2, 3)]
    assert collated['img_metas'].data == [[dict(idx=0), dict(idx=1)], [dict(idx=2)]]
    mine = scatter(collated, [-1])[0]
    assert torch.equal(mine['img'], chunks[0]) and mine['img_metas'] == [dict(idx=0),
                                                                         dict(idx=1)]


def test_bad_containers_say_what_is_wrong():
    with pytest.raises(ValueError, match='pad_dims must be None, 1, 2 or 3'):
        DataContainer(torch.ones(2), pad_dims=4)
    with pytest.raises(AttributeError, match="has no attribute size for type <class 'dict'>"):
        DataContainer(dict(a=1)).size()
    with pytest.raises(ValueError, match='must agree on the dims that are not padded'):
        collate([DataContainer(torch.ones(1, 2, 2), stack=True),
                 DataContainer(torch.ones(2, 2, 2), stack=True)], samples_per_gpu=2)

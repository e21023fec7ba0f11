"""Two-process training on the CPU with the gloo backend (torchrun), as
``launcher='pytorch'`` runs it; compared with one process."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name('dist_train_script.py')
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def torchrun(mode: str, out_dir: Path, nproc: int = 2) -> list:
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, '-m', 'torch.distributed.run', f'--nproc_per_node={nproc}',
           f'--master_port={free_port()}', str(SCRIPT), mode, str(out_dir)]
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads((out_dir / f'rank{r}.json').read_text()) for r in range(nproc)]


def single_process(mode: str, out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, str(SCRIPT), mode, str(out_dir)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((out_dir / 'rank0.json').read_text())


def assert_close(a: dict, b: dict, tol: float) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert all(abs(x - y) <= tol * max(1.0, abs(y)) for x, y in zip(a[key], b[key])), key


def test_ddp_averages_gradients_and_shards_the_sampler(tmp_path):
    rank0, rank1 = torchrun('ddp', tmp_path / 'two')
    assert rank0['wrapper'] == 'MMDistributedDataParallel'
    assert rank0['params'] == rank1['params']  # identical on both ranks
    # DefaultSampler: one shuffle per epoch (seed + epoch), every second index.
    for epoch, (a, b) in enumerate(zip(rank0['indices'], rank1['indices'])):
        assert not set(a) & set(b) and sorted(a + b) == list(range(16)), epoch
    assert rank0['indices'][0] != rank0['indices'][1]
    # Averaged gradients over 2 x 2 samples = one process with batches of 4.
    one = single_process('ddp', tmp_path / 'one')
    for epoch in range(3):
        merged = [i for pair in zip(rank0['indices'][epoch], rank1['indices'][epoch]) for i in pair]
        assert merged == one['indices'][epoch]
    assert_close(rank0['params'], one['params'], 1e-6)
    # Validation results are collected from both ranks, without the padding.
    assert rank0['metrics']['val/toy/count'] == rank1['metrics']['val/toy/count'] == 7
    assert abs(rank0['metrics']['val/toy/sse'] - one['metrics']['val/toy/sse']) < 1e-3


def test_sync_buffers_hook_averages_bn_statistics(tmp_path):
    rank0, rank1 = torchrun('bn_sync', tmp_path / 'two')
    assert rank0['params'] == rank1['params']  # running stats included


def test_separate_ddp_for_a_two_optimizer_model(tmp_path):
    rank0, rank1 = torchrun('separate', tmp_path / 'two')
    assert rank0['wrapper'] == 'MMSeparateDistributedDataParallel'
    assert rank0['params'] == rank1['params']
    assert_close(rank0['params'], single_process('separate', tmp_path / 'one')['params'], 1e-6)


def test_custom_wrapper_from_model_wrappers(tmp_path):
    rank0, rank1 = torchrun('custom', tmp_path / 'two')
    assert rank0['wrapper'] == 'CustomDistributedDataParallel'
    assert rank0['params'] == rank1['params']

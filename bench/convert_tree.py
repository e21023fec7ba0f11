"""``mmmigrate convert`` on a generated source tree, next to a bare libcst
parse-and-print of the files that use MMCV, measured in the same run.

    python bench/convert_tree.py [--files 2000] [--repeats 3] [--jobs 1,2]
    python bench/convert_tree.py --tree DIR [--jobs 0,1]   # a real tree

With ``--tree`` the files are a real tree's (the dev corpus: the Python
packages of mmpose, mmaction2, ... unpacked from their wheels): printed are
files/s of ``mmmigrate convert -j N`` over every ``.py`` file (a fresh copy
each round), the peak memory of its largest process (a worker or the main
one), and the bare libcst round trip of the same files.

About one file in ten uses MMCV (imports from ``mmcv.runner`` /
``mmcv.parallel`` / ``mmcv.utils``, a legacy hook); the others are plain
PyTorch modules of similar size. Printed: the tool's total time (from a
fresh copy each round: read, pre-filter, transform, write), the bare
libcst round trip of the MMCV-using files, the rate at which the other
files are skipped (MB/s), and the time with each ``--jobs`` value.
Targets: total <= 1.5x the bare round trip; skipping >= 20 MB/s; -j 2
faster than -j 1.
"""
import argparse
import shutil
import tempfile
import time
from pathlib import Path

from conversion_timing import bare_libcst, time_command, time_command_with_memory

PLAIN = '''"""A plain PyTorch module, number {i}."""
import math

import torch
import torch.nn as nn


class Block{i}(nn.Module):
    """Residual block with {width} channels."""

    def __init__(self, width: int = {width}, dropout: float = 0.1):
        super().__init__()
        self.conv1 = nn.Conv2d(width, width, 3, padding=1)
        self.norm1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, padding=1)
        self.norm2 = nn.BatchNorm2d(width)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x
        out = torch.relu(self.norm1(self.conv1(x)))
        out = self.dropout(out)
        out = self.norm2(self.conv2(out))
        return torch.relu(out + identity)


def init_weights(module: nn.Module, scale: float = {scale}) -> None:
    for child in module.modules():
        if isinstance(child, nn.Conv2d):
            fan_out = child.kernel_size[0] * child.kernel_size[1] * child.out_channels
            child.weight.data.normal_(0, math.sqrt(2.0 / fan_out) * scale)
            if child.bias is not None:
                child.bias.data.zero_()
'''
LEGACY = '''"""A legacy MMCV 1.x module, number {i}."""
import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, kaiming_init
from mmcv.parallel import MMDistributedDataParallel, is_module_wrapper
from mmcv.runner import HOOKS, BaseModule, Hook, get_dist_info, load_checkpoint
from mmcv.utils import Config, get_logger


class Head{i}(BaseModule):

    def __init__(self, width={width}):
        super().__init__()
        self.conv = ConvModule(width, width, 3, padding=1)

    def init_weights(self):
        kaiming_init(self.conv.conv)

    def forward(self, x):
        return self.conv(x)


@HOOKS.register_module()
class Monitor{i}(Hook):

    def __init__(self, interval={interval}):
        self.interval = interval

    def after_train_iter(self, runner):
        if self.every_n_iters(runner, self.interval):
            rank, _ = get_dist_info()
            loss = runner.outputs['loss']
            runner.log_buffer.update({{'monitor_loss': float(loss)}})


def load(model, path):
    if is_module_wrapper(model):
        model = model.module
    return load_checkpoint(model, path, map_location='cpu')
'''


def generate(root: Path, count: int) -> tuple:
    legacy = []
    for i in range(count):
        folder = root / f'pkg{i % 40}'
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f'module_{i}.py'
        values = dict(i=i, width=16 + i % 48, scale=1 + i % 7 / 10, interval=1 + i % 9)
        if i % 10 == 0:
            path.write_text(LEGACY.format(**values))
            legacy.append(path)
        else:
            path.write_text(PLAIN.format(**values))
    return sorted(root.rglob('*.py')), legacy


def skip_rate(files) -> float:
    """MB/s at which the pre-filter reads and rejects the other files."""
    from mmmigrate.migrate.source_file import looks_like_config, mentions_mmcv
    start = time.perf_counter()
    size = 0
    for path in files:
        data = path.read_bytes()
        size += len(data)
        assert not mentions_mmcv(data) and not looks_like_config(path, data)
    return size / (time.perf_counter() - start) / 1e6


def real_tree(source: Path, repeats: int, jobs) -> None:
    files = sorted(source.rglob('*.py'))
    print(f'{source}: {len(files)} .py files')
    bare = min(bare_libcst(files) for _ in range(repeats))
    print(f'{"bare libcst parse+print (all files)":40s} {len(files) / bare:8.0f} files/s')
    with tempfile.TemporaryDirectory() as tmp:
        for job_count in jobs:
            runs = []
            for round_index in range(repeats):
                tree = Path(tmp) / f'run_{job_count}_{round_index}'
                shutil.copytree(source, tree)
                runs.append(time_command_with_memory('convert', tree, job_count))
                shutil.rmtree(tree)
            best = min(seconds for seconds, _ in runs)
            peak = max(memory for _, memory in runs)
            print(f'{f"mmmigrate convert -j {job_count}":40s} {len(files) / best:8.0f} files/s'
                  f'   {bare / best:.2f}x the bare round trip   peak {peak:.0f} MB per process')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--files', type=int, default=2000)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--jobs', default='1,2', help='comma-separated process counts')
    parser.add_argument('--tree', type=Path, help='a real source tree instead of a generated one')
    args = parser.parse_args()
    if args.tree is not None:
        real_tree(args.tree, args.repeats, [int(j) for j in args.jobs.split(',')])
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / 'source'
        files, legacy = generate(source, args.files)
        others = [p for p in files if p not in set(legacy)]
        print(f'{len(files)} files, {len(legacy)} use MMCV')
        bare = min(bare_libcst(legacy) for _ in range(args.repeats))
        print(f'{"bare libcst parse+print (MMCV files)":40s} {bare:7.3f} s')
        rate = max(skip_rate(others) for _ in range(args.repeats))
        print(f'{"skipping the other files":40s} {rate:7.1f} MB/s')
        for job_count in [int(j) for j in args.jobs.split(',')]:
            times = []
            for round_index in range(args.repeats):
                tree = Path(tmp) / f'run_{job_count}_{round_index}'
                shutil.copytree(source, tree)
                times.append(time_command('convert', tree, job_count))
            best = min(times)
            print(f'{f"mmmigrate convert -j {job_count} (total)":40s} {best:7.3f} s   '
                  f'{best / bare:.2f}x the bare round trip')


if __name__ == '__main__':
    main()

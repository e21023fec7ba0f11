"""Per-iteration framework overhead: the same model trained by a plain
PyTorch loop, by the bundled engine's Runner and (when its oracle venv is
installed) by real MMEngine 0.10.7, in one run.

    python bench/train_overhead.py [--repeats 11] [--model tiny|heavy|all]

All variants run in one process (the oracle venv's interpreter when it
exists: it has the same Python and torch, and the project is put on its
path), one training run after the other, in an order that rotates every
round; each variant trains ``--repeats`` times. Both engines run their
default hooks except the checkpoint hook (no disk writes in the timed
part), logging every 10 iterations to the console (captured) and to their
log and scalar files, like a real run. The clock is the training thread's
CPU time, from the end of a warm-up to the last iteration. The sampler
(the same in all three variants) reads it when it hands out the first index
of the first timed batch and when it runs out, so that no timing code runs
inside either engine: a hook reading the clock would count as overhead.

The plain loop runs the engines' order of calls (forward, backward, step,
then ``zero_grad``), so that the difference is the engines' own work.

Each variant's time per iteration is its best round (as ``timeit``
advises: on a shared machine noise only ever adds time), and the overhead
of an engine is its best minus the plain loop's best. On a virtual machine
whose speed drifts by tens of percent over seconds, two bests can come from
different phases, so a second figure is printed beside it: the median over
rounds of the engine's time minus the plain loop's time in the same round
(the two ran within a second of each other). Printed for a
tiny model (framework-bound) and for a model whose step takes over 20 ms
on this machine (2 cores, one torch thread).
"""
import argparse
import contextlib
import gc
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MMENGINE_PYTHON = Path(os.environ.get('MMMIGRATE_MMENGINE_VENV', REPO / '.oracle' / 'mmengine')) \
    / 'bin' / 'python'
CLOCK = time.thread_time  # not charged for moments the core is given to others
MODELS = {
    'tiny': dict(width=16, depth=2, batch=8, iters=1000, warmup=100),
    'heavy': dict(width=512, depth=4, batch=320, iters=60, warmup=10),
}


def build(spec):
    import torch
    import torch.nn as nn
    torch.manual_seed(0)
    layers = []
    for _ in range(spec['depth']):
        layers += [nn.Linear(spec['width'], spec['width']), nn.ReLU()]
    net = nn.Sequential(*layers, nn.Linear(spec['width'], 1))
    g = torch.Generator().manual_seed(1)
    data = [(torch.randn(spec['width'], generator=g), torch.randn(1, generator=g))
            for _ in range(spec['batch'] * spec['iters'])]
    return net, data


def clocked_loader(spec, data):
    """``DataLoader(data, batch_size, shuffle=True)`` whose sampler reads the
    clock when the first timed batch is drawn and when the epoch is over."""
    from torch.utils.data import DataLoader, RandomSampler

    class ClockedSampler(RandomSampler):
        def __iter__(self):
            first_timed = spec['warmup'] * spec['batch']
            for drawn, index in enumerate(super().__iter__()):
                if drawn == first_timed:
                    self.start = CLOCK()
                yield index
            self.end = CLOCK()

        def seconds_per_iter(self):
            return (self.end - self.start) / (spec['iters'] - spec['warmup'])

    sampler = ClockedSampler(data)
    return DataLoader(data, batch_size=spec['batch'], sampler=sampler), sampler


def plain(spec):
    import torch
    net, data = build(spec)
    loader, clock = clocked_loader(spec, data)
    optimizer = torch.optim.SGD(net.parameters(), lr=1e-3, momentum=0.9)
    net.train()
    for x, y in loader:
        loss = ((net(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        # Zeroed after the step, as both engines do: the gradients are freed
        # before the next forward. Zeroing before `backward` instead keeps
        # them alive through the forward, which costs the tiny model about
        # 10 us per iteration and would hide that much of either overhead.
        optimizer.zero_grad()
    return clock.seconds_per_iter()


def engine(spec, package, run_index):
    import importlib
    BaseModel = importlib.import_module(f'{package}.model').BaseModel
    Runner = importlib.import_module(f'{package}.runner').Runner
    net, data = build(spec)

    class Wrapped(BaseModel):
        def __init__(self):
            super().__init__()
            self.net = net

        def forward(self, x, y, mode='tensor'):
            out = self.net(x)
            if mode == 'loss':
                return dict(loss=(out - y) ** 2)
            return out

    loader, clock = clocked_loader(spec, data)
    with tempfile.TemporaryDirectory() as work_dir:
        runner = Runner(model=Wrapped(), work_dir=work_dir, train_dataloader=loader,
                        # one epoch over `iters` batches (an iteration-based loop
                        # would measure MMEngine's 2 s sleep at each loader restart)
                        train_cfg=dict(by_epoch=True, max_epochs=1),
                        optim_wrapper=dict(optimizer=dict(type='SGD', lr=1e-3, momentum=0.9)),
                        default_hooks=dict(checkpoint=None),
                        randomness=dict(seed=0),
                        # a logger, hub and visualizer of its own for every run
                        experiment_name=f'bench_{package}_{run_index}')
        runner.train()
        runner.logger.handlers.clear()  # close the log file before its dir goes
    return clock.seconds_per_iter()


def measure_all(model: str, repeats: int, with_mmengine: bool) -> dict:
    """Times per iteration, {variant: [seconds per round]}."""
    import torch
    torch.set_num_threads(1)
    if with_mmengine:
        import mmengine  # noqa: F401  (fails here, clearly, if the venv is broken)
    sys.path.insert(0, str(REPO))
    spec = MODELS[model]
    variants = ['plain', 'ours'] + (['mmengine'] if with_mmengine else [])
    samples = {v: [] for v in variants}
    for round_index in range(repeats):
        shift = round_index % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            gc.collect()
            with contextlib.redirect_stdout(io.StringIO()):  # the console log
                if variant == 'plain':
                    seconds = plain(spec)
                else:
                    package = 'mmengine' if variant == 'mmengine' else 'mmmigrate.engine'
                    seconds = engine(spec, package, round_index)
            samples[variant].append(seconds)
    return samples


def report(model: str, samples: dict) -> None:
    spec = MODELS[model]
    plain_times = samples['plain']
    timed = spec['iters'] - spec['warmup']
    print(f'\n{model} model: width {spec["width"]}, depth {spec["depth"]}, batch '
          f'{spec["batch"]}; {timed} timed iterations per run, {len(plain_times)} rounds')
    print(f'{"":10s} {"best ms/iter":>12s} {"overhead ms":>12s} {"overhead %":>11s} '
          f'{"same-round overhead ms (median)":>32s}')
    overhead = {}
    for variant, times in samples.items():
        overhead[variant] = min(times) - min(plain_times)
        paired = statistics.median(t - p for t, p in zip(times, plain_times))
        print(f'{variant:10s} {min(times) * 1e3:12.3f} {overhead[variant] * 1e3:12.4f} '
              f'{100 * overhead[variant] / min(plain_times):10.1f}% {paired * 1e3:32.4f}')
    if 'mmengine' in overhead:
        if overhead['mmengine'] > 0:
            print(f'our overhead / MMEngine overhead = '
                  f'{overhead["ours"] / overhead["mmengine"]:.3f}')
        else:
            print('MMEngine shows no overhead above the noise at this size')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeats', type=int, default=11, help='rounds per model')
    parser.add_argument('--model', choices=list(MODELS) + ['all'], default='all')
    parser.add_argument('--inner', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--with-mmengine', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args()
    models = list(MODELS) if args.model == 'all' else [args.model]
    if args.inner:
        import json
        print(json.dumps({m: measure_all(m, args.repeats, args.with_mmengine)
                          for m in models}))
        return
    with_mmengine = MMENGINE_PYTHON.exists()
    python = str(MMENGINE_PYTHON) if with_mmengine else sys.executable
    print(f'interpreter: {python}' + ('' if with_mmengine else
                                      ' (no MMEngine oracle venv: plain loop and ours only)'))
    command = [python, __file__, '--inner', '--repeats', str(args.repeats), '--model',
               args.model] + (['--with-mmengine'] if with_mmengine else [])
    env = dict(os.environ, PYTHONWARNINGS='ignore', OMP_NUM_THREADS='1')
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=str(REPO))
    if out.returncode != 0:
        sys.exit(f'benchmark process failed:\n{out.stderr[-3000:]}')
    import json
    results = json.loads(out.stdout.strip().splitlines()[-1])
    for model in models:
        report(model, results[model])


if __name__ == '__main__':
    main()

"""Import time of the engine against ``import torch`` (and real MMEngine
when its oracle venv is installed), measured in fresh interpreters in the
same run.

    python bench/import_time.py [--repeat 7]
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MMENGINE_PYTHON = Path(os.environ.get('MMMIGRATE_MMENGINE_VENV', REPO / '.oracle' / 'mmengine')) \
    / 'bin' / 'python'

CASES = [
    ('python (empty)', sys.executable, 'pass'),
    ('import torch', sys.executable, 'import torch'),
    ('import mmmigrate.engine', sys.executable, 'import mmmigrate.engine'),
    ('engine core (model+optim+dataset)', sys.executable,
     'import mmmigrate.engine.model, mmmigrate.engine.optim, mmmigrate.engine.dataset'),
]
MMENGINE_CASES = [
    ('import mmengine', 'import mmengine'),
    ('mmengine core (model+optim+dataset)', 'import mmengine.model, mmengine.optim, '
     'mmengine.dataset'),
]


def measure(python: str, statement: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([python, '-c', statement], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=7)
    args = parser.parse_args()
    cases = list(CASES)
    if MMENGINE_PYTHON.exists():
        cases += [(name, str(MMENGINE_PYTHON), stmt) for name, stmt in MMENGINE_CASES]
    results = {name: measure(python, stmt, args.repeat) for name, python, stmt in cases}
    empty, torch_time = results['python (empty)'], results['import torch']
    print(f'{"what":40s} {"wall s":>8s} {"beyond python":>14s} {"vs torch":>9s}')
    for name, seconds in results.items():
        beyond = seconds - empty
        print(f'{name:40s} {seconds:8.3f} {beyond:14.3f} {beyond / (torch_time - empty):9.2f}')


if __name__ == '__main__':
    main()

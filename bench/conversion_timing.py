"""What the two conversion benchmarks share: the bare libcst baseline and
timing one CLI run."""
import json
import subprocess
import sys
import time
from pathlib import Path


def bare_libcst(files) -> float:
    """Seconds to read, parse and print back ``files`` with libcst."""
    import libcst
    start = time.perf_counter()
    for path in files:
        source = path.read_bytes().decode('utf-8-sig')  # newlines as they are
        assert libcst.parse_module(source).code == source
    return time.perf_counter() - start


def slowest_file(command: str, tree: Path, jobs: int) -> tuple:
    """(seconds, path) of the file that took longest in one run."""
    result = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', command, str(tree),
                             '-j', str(jobs), '--report', 'json'], capture_output=True,
                            text=True)
    files = json.loads(result.stdout)['files']
    slowest = max(files, key=lambda f: f.get('seconds', 0))
    return slowest.get('seconds', 0), slowest['path']


def time_command(command: str, tree: Path, jobs: int) -> float:
    """Wall seconds of ``mmmigrate COMMAND TREE -j JOBS`` (exits on failure)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', command, str(tree),
                             '-j', str(jobs)], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    # config exits 3 when it kept a value it could not carry over: a
    # finished run all the same
    if result.returncode not in ((0, 3) if command == 'config' else (0, )):
        sys.exit(f'mmmigrate {command} failed:\n{result.stderr[-2000:]}')
    return elapsed


_PEAK = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:], capture_output=True).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def time_command_with_memory(command: str, tree: Path, jobs: int) -> tuple:
    """(wall seconds, peak MB of its largest process) of one ``mmmigrate
    COMMAND TREE -j JOBS``: a fresh interpreter runs it, so the peak is this
    run's (Linux keeps the largest resident size among waited-for
    descendants, the workers included)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, '-c', _PEAK, sys.executable, '-m', 'mmmigrate.cli',
                             command, str(tree), '-j', str(jobs)], capture_output=True,
                            text=True, check=True)
    elapsed = time.perf_counter() - start
    code, peak_kb = result.stdout.split()
    if int(code) != 0:
        sys.exit(f'mmmigrate {command} failed with exit status {code}')
    return elapsed, int(peak_kb) / 1024

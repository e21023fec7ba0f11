"""What the two conversion benchmarks share: the bare libcst baseline and
timing one CLI run."""
import subprocess
import sys
import time
from pathlib import Path


def bare_libcst(files) -> float:
    """Seconds to read, parse and print back ``files`` with libcst."""
    import libcst
    start = time.perf_counter()
    for path in files:
        source = path.read_text(encoding='utf-8')
        assert libcst.parse_module(source).code == source
    return time.perf_counter() - start


def time_command(command: str, tree: Path, jobs: int) -> float:
    """Wall seconds of ``mmmigrate COMMAND TREE -j JOBS`` (exits on failure)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', command, str(tree),
                             '-j', str(jobs)], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f'mmmigrate {command} failed:\n{result.stderr[-2000:]}')
    return elapsed

"""Where the oracle virtual environments live and how to run code in them.

``../shared/oracle/setup_mmengine.sh DIR`` creates the MMEngine one; CI
puts it at ``.oracle/mmengine`` in the repository (override with the
environment variable ``MMMIGRATE_MMENGINE_VENV``).
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).with_name('scenarios.py')
FIXTURES = REPO / 'tests' / 'fixtures' / 'oracle'
SETUP_MMENGINE = REPO.parent / 'shared' / 'oracle' / 'setup_mmengine.sh'


def mmengine_venv() -> Path:
    return Path(os.environ.get('MMMIGRATE_MMENGINE_VENV', REPO / '.oracle' / 'mmengine'))


def mmengine_python() -> Optional[Path]:
    """The oracle's interpreter, or None when the venv is not usable."""
    python = mmengine_venv() / 'bin' / 'python'
    if not python.exists():
        return None
    check = subprocess.run([str(python), '-c', 'import mmengine.runner'],
                           capture_output=True, text=True)
    return python if check.returncode == 0 else None


def run_on_mmengine(suite: str, python: Path) -> dict:
    """Run one scenario suite on real MMEngine and return its results."""
    env = dict(os.environ, PYTHONWARNINGS='ignore', TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1')
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, f'{suite}.json')
        # MMEngine logs to stdout, so the results travel through a file.
        proc = subprocess.run([str(python), str(SCENARIOS), '--backend', 'mmengine',
                               '--suite', suite, '--out', out],
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f'oracle suite {suite} failed:\n{proc.stderr[-4000:]}')
        with open(out) as f:
            return json.load(f)


def dumps_one_case_per_line(result: dict) -> str:
    """Compact JSON with one case per line, so fixture diffs stay readable."""
    lines = [f'{json.dumps(name)}: {json.dumps(value, sort_keys=True, separators=(",", ":"))}'
             for name, value in sorted(result.items())]
    return '{\n' + ',\n'.join(lines) + '\n}\n'


def fixture_path(suite: str) -> Path:
    return FIXTURES / f'mmengine_{suite}.json'


def main() -> int:
    """Record every suite from real MMEngine into tests/fixtures/oracle/."""
    sys.path.insert(0, str(SCENARIOS.parent))
    from scenarios import SUITES
    python = mmengine_python()
    if python is None:
        print(f'no MMEngine oracle at {mmengine_venv()}; create it with\n'
              f'  bash {SETUP_MMENGINE} {mmengine_venv()}', file=sys.stderr)
        return 2
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for suite in sys.argv[1:] or SUITES:
        result = run_on_mmengine(suite, python)
        fixture_path(suite).write_text(dumps_one_case_per_line(result))
        print(f'recorded {suite}: {len(result)} cases -> {fixture_path(suite)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

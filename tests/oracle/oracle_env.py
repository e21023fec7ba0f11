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
    # MMEngine logs to stdout, so the results travel through a file.
    return run_scenario_process(python, 'mmengine', ['--suite', suite])


def dumps_one_case_per_line(result: dict) -> str:
    """Compact JSON with one case per line, so fixture diffs stay readable."""
    lines = [f'{json.dumps(name)}: {json.dumps(value, sort_keys=True, separators=(",", ":"))}'
             for name, value in sorted(result.items())]
    return '{\n' + ',\n'.join(lines) + '\n}\n'


INTEROP_CHECKPOINT = FIXTURES / 'mmengine_interop_epoch_3.pth'


def run_scenario_process(python, backend: str, args: list) -> dict:
    """Run scenarios.py with ``args`` in ``python`` and return its JSON."""
    env = dict(os.environ, PYTHONWARNINGS='ignore', TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1')
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'out.json')
        proc = subprocess.run([str(python), str(SCENARIOS), '--backend', backend, *args,
                               '--out', out], capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f'scenario {args} on {backend} failed:\n{proc.stderr[-4000:]}')
        with open(out) as f:
            return json.load(f)


def record_interop(python) -> None:
    """An MMEngine checkpoint of a run stopped after 3 of 6 epochs, and the
    parameters of the uninterrupted MMEngine run."""
    import shutil
    with tempfile.TemporaryDirectory() as tmp:
        full = run_scenario_process(python, 'mmengine', [
            '--suite', 'interop', '--interop-dir', os.path.join(tmp, 'full')])
        run_scenario_process(python, 'mmengine', [
            '--suite', 'interop', '--interop-dir', os.path.join(tmp, 'half'),
            '--interop-stop-after', '3'])
        shutil.copyfile(os.path.join(tmp, 'half', 'epoch_3.pth'), INTEROP_CHECKPOINT)
    fixture_path('interop').write_text(dumps_one_case_per_line({'uninterrupted': full}))


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
    for suite in sys.argv[1:] or SUITES + ('interop', ):
        if suite == 'interop':
            record_interop(python)
            print(f'recorded interop -> {INTEROP_CHECKPOINT}')
            continue
        result = run_on_mmengine(suite, python)
        fixture_path(suite).write_text(dumps_one_case_per_line(result))
        print(f'recorded {suite}: {len(result)} cases -> {fixture_path(suite)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

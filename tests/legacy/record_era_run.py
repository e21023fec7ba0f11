"""Record mmpretrain 1.2.0's ResNet-18 CIFAR-10 run (``era_run.py``) on real
MMEngine 0.10.7 (the ``mmpretrain+mmengine`` stack of ``stacks.py``) as the
reference of ``test_era_library.py``:

    python tests/legacy/record_era_run.py
    -> tests/fixtures/legacy/era/mmpretrain_resnet18_cifar10.mmengine-0.10.7.json
"""
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from stacks import stack_path  # noqa: E402

FIXTURE = HERE.parent / 'fixtures' / 'legacy' / 'era' / \
    'mmpretrain_resnet18_cifar10.mmengine-0.10.7.json'


def run_era(stack: str, bundled: bool, folder: Path) -> dict:
    """What ``era_run.py`` records in ``stack``, run in ``folder``."""
    out = folder / 'record.json'
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(stack_path(stack)))
    run = subprocess.run([sys.executable, str(HERE / 'era_run.py'), str(out),
                          str(folder / 'work'), *(['--bundled'] if bundled else [])],
                         cwd=folder, env=env, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f'era_run.py failed in the {stack} stack:\n{run.stderr[-3000:]}')
    return json.loads(out.read_text())


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        record = run_era('mmpretrain+mmengine', False, Path(folder))
    if record['engine'] != 'mmengine.runner.runner':
        raise RuntimeError(f'the reference ran on {record["engine"]}, not real MMEngine')
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(record, indent=1, sort_keys=True) + '\n')
    print(f'recorded {FIXTURE}')


if __name__ == '__main__':
    main()

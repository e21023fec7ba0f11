"""Records what the real libraries say about OpenMMLab's official ports:
for a sample of ``official_pairs`` (every ``STRIDE``-th pair of each
library), the first iteration where the lr (and the momentum) of the port
parts from its legacy config's, and the largest relative deviation — with
real MMCV 1.7.2's updater hooks on the legacy side and real MMEngine
0.10.7's schedulers on the new side (``official_trajectories.py``, run in
the oracle venvs ``.oracle/mmcv`` and ``.oracle/mmengine``).

    python tests/corpus/record_official_verdicts.py

writes ``tests/fixtures/verify/official_pairs.json``, which
``tests/migrate/test_verify_official.py`` holds ``mmmigrate verify`` to.
A pair ``mmmigrate verify`` cannot read (a schedule written as an
expression, a policy a library registered itself) is recorded with its
error, so that the test also holds the error.
"""
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from fetch import CACHE  # noqa: E402
from official_pairs import LIBRARIES, pairs, relative  # noqa: E402

from mmmigrate.migrate.reader import ConfigTree  # noqa: E402
from mmmigrate.verify.compare import schedule_row  # noqa: E402
from mmmigrate.verify.pair import read_sides  # noqa: E402
from mmmigrate.verify.semantics import VerifyError  # noqa: E402

FIXTURE = ROOT / 'tests' / 'fixtures' / 'verify' / 'official_pairs.json'
STRIDE = {'mmdet': 10, 'mmseg': 16, 'mmcls': 6}
CONFIGS = CACHE / 'official-configs'
ITERS_PER_EPOCH = 20  # short epochs: the records stay small, epoch-based steps still happen


def sample() -> list:
    return [(library, legacy, new) for library in LIBRARIES
            for legacy, new in pairs(library)[::STRIDE[library]]]


def _oracle(side: str, jobs: list, scratch: Path) -> list:
    python = ROOT / '.oracle' / side / 'bin' / 'python'
    jobs_path, out_path = scratch / f'{side}_jobs.json', scratch / f'{side}_out.json'
    jobs_path.write_text(json.dumps(jobs))
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS='ignore')
    subprocess.run([str(python), str(HERE / 'official_trajectories.py'), side, str(jobs_path),
                    str(out_path)], check=True, env=env)
    return json.loads(out_path.read_text())


def main() -> None:
    records, jobs = [], []
    for library, legacy, new in sample():
        record = dict(library=library, legacy=relative(legacy), new=relative(new))
        try:
            legacy_side, new_side, _ = read_sides(legacy, new, ITERS_PER_EPOCH, ConfigTree())
        except VerifyError as e:
            record['error'] = str(e).replace(f'{CONFIGS}{os.sep}', '')
            records.append(record)
            continue
        jobs.append(dict(lr_config=legacy_side.schedule[1],
                         momentum_config=legacy_side.schedule[2],
                         legacy_run=dataclasses.asdict(legacy_side.run),
                         param_scheduler=new_side.schedule[1],
                         new_run=dataclasses.asdict(new_side.run)))
        records.append(record)
    with tempfile.TemporaryDirectory() as scratch:
        mmcv = _oracle('mmcv', jobs, Path(scratch))
        mmengine = _oracle('mmengine', jobs, Path(scratch))
    traced = iter(zip(mmcv, mmengine))
    for record in records:
        if 'error' in record:
            continue
        (legacy_lr, legacy_momentum), (new_lr, new_momentum) = next(traced)
        for name, a, b in (('lr', legacy_lr, new_lr), ('momentum', legacy_momentum,
                                                           new_momentum)):
            row = schedule_row(name, a, b)
            record[name] = dict(first_difference=row.first_difference,
                                max_relative_deviation=row.max_relative_deviation,
                                steps=[len(a), len(b)])
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(dict(iters_per_epoch=ITERS_PER_EPOCH, stride=STRIDE,
                                       pairs=records), indent=1) + '\n')
    compared = [r for r in records if 'error' not in r]
    same = [r for r in compared if r['lr']['first_difference'] is None
            and r['momentum']['first_difference'] is None]
    print(f'{len(records)} pairs, {len(compared)} compared, {len(same)} with the same lr and '
          f'momentum at every iteration; written to {FIXTURE}')


if __name__ == '__main__':
    main()

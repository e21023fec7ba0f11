"""Record the reference runs of the legacy libraries on real MMCV 1.7.2
(``.oracle/mmcv``, ``bash ../shared/oracle/setup_mmcv.sh .oracle/mmcv``):
``python tests/legacy/record_mmcv_runs.py [LIBRARY...]`` writes
``tests/fixtures/legacy/<library>.mmcv-1.7.2.json``, what
``test_legacy_libraries.py`` compares the new stacks with."""
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from library_runs import LIBRARY_PROJECTS, train_and_collect  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / 'fixtures' / 'legacy'


def main(libraries) -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for library in libraries or sorted(LIBRARY_PROJECTS):
        with tempfile.TemporaryDirectory() as folder:
            result = train_and_collect(library, 'mmcv-1.7.2', Path(folder) / 'work_dir')
        result.pop('stdout')
        path = FIXTURES / f'{library}.mmcv-1.7.2.json'
        path.write_text(json.dumps(result, indent=1, sort_keys=True) + '\n')
        print(f'{library}: {len(result["training"])} iterations -> {path}')


if __name__ == '__main__':
    main(sys.argv[1:])

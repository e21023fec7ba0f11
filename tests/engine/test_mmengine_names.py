"""Every mmengine name that mmpretrain 1.2.0, mmseg 1.2.2, mmdet 3.3.0,
mmpose 1.3.2, mmaction2 1.2.0 and mmocr 1.0.1 import exists in the bundled
engine (the list: tests/fixtures/engine/mmengine_names.txt, written by
tests/corpus/mmengine_names.py from the libraries' wheels)."""
import importlib
from pathlib import Path

import pytest

LIST = Path(__file__).resolve().parents[1] / 'fixtures' / 'engine' / 'mmengine_names.txt'
ENTRIES = [line for line in LIST.read_text().splitlines() if line and not line.startswith('#')]


def _bundled(module: str) -> str:
    return 'mmmigrate.engine' + module[len('mmengine'):]


def test_the_list_covers_the_libraries():
    assert len(ENTRIES) > 200
    assert 'mmengine.dataset:BaseDataset' in ENTRIES


@pytest.mark.parametrize('entry', ENTRIES)
def test_name_exists_in_the_bundled_engine(entry):
    module, _, name = entry.partition(':')
    imported = importlib.import_module(_bundled(module))
    if name and not hasattr(imported, name):
        # `from mmengine import dist` names a submodule
        importlib.import_module(f'{_bundled(module)}.{name}')

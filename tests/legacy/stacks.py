"""The software stacks the legacy libraries run on in the tests, as folders
of packages put on ``PYTHONPATH`` beside an interpreter that has torch:

- ``mmcv-lite+mmengine``: mmcv-lite 2.2.0 and real MMEngine 0.10.7 (what
  ``pip install mmcv-lite==2.2.0`` brings), with the mmmigrate shim;
- ``mmcv-lite``: mmcv-lite 2.2.0 installed ``--no-deps``, the bundled engine
  serving ``mmengine``, with the shim;
- ``mmcv-1.7.2``: the reference, real MMCV 1.7.2 (the oracle venv's
  interpreter, ``.oracle/mmcv``), for recordings only;
- ``family``: ``mmcv-lite`` with more of the MMCV-1.x family (mmpose,
  mmaction2, mmocr), for the import check;
- ``mmpretrain`` / ``mmpretrain+mmengine``: mmpretrain 1.2.0, an
  MMEngine-era library, on mmcv-lite with the bundled engine served as
  ``mmengine`` / with real MMEngine 0.10.7.

Each stack is a few ``pip install --no-deps --target`` folders, pinned, built
once under ``~/.cache/mmmigrate-tests/legacy`` (atomically: a half-built
folder never counts) from the package index; the wheels of the libraries
themselves (mmcls 0.25.0, mmsegmentation 0.30.0, mmdet 2.28.2) included.
"""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List

CACHE = Path(os.environ.get('MMMIGRATE_TEST_CACHE',
                            Path.home() / '.cache' / 'mmmigrate-tests')) / 'legacy'
LIBRARIES = ['mmcls==0.25.0', 'mmsegmentation==0.30.0', 'mmdet==2.28.2',
             # what mmdet imports besides
             'six==1.17.0', 'pycocotools==2.0.11', 'terminaltables==3.1.10', 'scipy==1.17.1']
MMCV_LITE = ['mmcv-lite==2.2.0', 'addict==2.4.0', 'yapf==0.43.0', 'platformdirs==4.14.9',
             'opencv-python==5.1.0.95']
PLOTTING = ['matplotlib==3.11.2', 'contourpy==1.3.3', 'cycler==0.12.1', 'fonttools==4.69.1',
            'kiwisolver==1.5.1', 'pyparsing==3.3.3', 'python-dateutil==4.0.0',
            'pillow==13.0.0', 'packaging==26.4', 'prettytable==3.19.0', 'wcwidth==0.9.5']
# more of the family, for the import check (and what they import besides)
FAMILY = ['mmpose==0.29.0', 'mmaction2==0.24.1', 'mmocr==0.6.3', 'json_tricks==3.17.3',
          'munkres==3.0.0', 'einops==0.8.2', 'rapidfuzz==3.14.6', 'shapely==2.2.0',
          'lmdb==3.0.0']
# an MMEngine-era library (on mmcv-lite, with the bundled engine or real
# MMEngine), and what it imports besides
ERA = ['mmpretrain==1.2.0', 'einops==0.8.2', 'model-index==0.1.11', 'Markdown==3.11.4', 'mat4py==0.6.0',
       'importlib-metadata==8.7.0', 'zipp==4.1.2',
       'ordered-set==4.1.0', 'rich==15.0.0', 'markdown-it-py==4.3.0', 'mdurl==0.1.2',
       'Pygments==2.21.0']
MMENGINE = ['mmengine==0.10.7', 'termcolor==3.3.0', 'rich==15.0.0', 'markdown-it-py==4.3.0',
            'mdurl==0.1.2', 'Pygments==2.21.0']
STACKS = {
    'mmcv-lite+mmengine': [LIBRARIES, MMCV_LITE, PLOTTING, MMENGINE],
    'mmcv-lite': [LIBRARIES, MMCV_LITE, PLOTTING],
    'mmcv-1.7.2': [LIBRARIES, PLOTTING],
    'family': [LIBRARIES, FAMILY, MMCV_LITE, PLOTTING],
    'mmpretrain': [ERA, MMCV_LITE, PLOTTING],
    'mmpretrain+mmengine': [ERA, MMCV_LITE, PLOTTING, MMENGINE],
}
ROOT = Path(__file__).resolve().parents[2]
MMCV_PYTHON = ROOT / '.oracle' / 'mmcv' / 'bin' / 'python'


def package_folder(requirements: List[str]) -> Path:
    """A folder holding exactly ``requirements`` (pip ``--target``)."""
    key = hashlib.sha256('\n'.join(requirements).encode()).hexdigest()[:12]
    folder = CACHE / f'{requirements[0].split("==")[0]}-{key}'
    if folder.is_dir():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix='.building-', dir=CACHE))
    try:
        subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
                        '--disable-pip-version-check', '--target', str(staging),
                        *requirements], check=True, capture_output=True, text=True)
        try:
            staging.rename(folder)
        except OSError:  # another process built it meanwhile
            if not folder.is_dir():
                raise
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f'cannot install {requirements}: {error.stderr[-2000:]}') from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def stack_path(stack: str) -> List[str]:
    """The ``PYTHONPATH`` entries of ``stack`` (mmmigrate's checkout first)."""
    return [str(ROOT)] + [str(package_folder(group)) for group in STACKS[stack]]


def stack_python(stack: str) -> str:
    return str(MMCV_PYTHON) if stack == 'mmcv-1.7.2' else sys.executable


def stack_env(stack: str, extra_path=()) -> dict:
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([*map(str, extra_path), *stack_path(stack)])
    env['PYTHONHASHSEED'] = '0'
    env.pop('MMMIGRATE_ENGINE', None)
    return env


if __name__ == '__main__':  # build every stack's folders (what CI does once)
    for name in STACKS:
        print(name, stack_path(name))

"""OpenMMLab's own ports of their MMCV 1.x configs: each legacy config of
mmdet 2.28.2, mmsegmentation 0.30.0 and mmcls 0.25.0 paired with its
MMEngine-era counterpart in mmdet 3.3.0, mmsegmentation 1.2.2 and mmpretrain
1.2.0, by model name.

The wheels are downloaded once (``pip download --no-deps``, see
``mmengine_names.wheel``) and their ``.mim/configs`` unpacked under the test
cache, outside the checkout.

Pairing: the same relative path, else the same folder and the same name
tokens once the ``<gpus>xb<batch>`` token is left out (the MMEngine-era
names reorder them: ``fcn_r50-d8_512x1024_40k_cityscapes`` became
``fcn_r50-d8_4xb2-40k_cityscapes-512x1024``).

    python tests/corpus/official_pairs.py     # prints the pairs per library
"""
import os
import re
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fetch import CACHE  # noqa: E402
from mmengine_names import wheel  # noqa: E402

# library: (legacy wheel, MMEngine-era wheel), as (name, version, package)
LIBRARIES = {
    'mmdet': (('mmdet', '2.28.2', 'mmdet'), ('mmdet', '3.3.0', 'mmdet')),
    'mmseg': (('mmsegmentation', '0.30.0', 'mmseg'), ('mmsegmentation', '1.2.2', 'mmseg')),
    'mmcls': (('mmcls', '0.25.0', 'mmcls'), ('mmpretrain', '1.2.0', 'mmpretrain')),
}


def configs_of(name: str, version: str, package: str) -> Path:
    """The unpacked ``.mim/configs`` folder of one wheel."""
    target = CACHE / 'official-configs' / f'{name}-{version}'
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        prefix = f'{package}/.mim/configs/'
        with tempfile.TemporaryDirectory(dir=target.parent, prefix='.unpacking-') as scratch:
            with zipfile.ZipFile(wheel(name, version)) as archive:
                for member in archive.namelist():
                    if member.startswith(prefix) and member.endswith('.py'):
                        out = Path(scratch) / 'configs' / member[len(prefix):]
                        out.parent.mkdir(parents=True, exist_ok=True)
                        out.write_bytes(archive.read(member))
            try:
                os.rename(Path(scratch) / 'configs', target)
            except OSError:  # another process unpacked it first
                pass
    return target


def _key(path: Path) -> tuple:
    tokens = [t for t in re.split(r'[_\-]', path.stem) if not re.fullmatch(r'\d+xb\d+', t)]
    return path.parent.name, tuple(sorted(tokens))


def pairs(library: str) -> list:
    """[(legacy config, its port)] of one library, sorted by legacy path."""
    legacy_root = configs_of(*LIBRARIES[library][0])
    new_root = configs_of(*LIBRARIES[library][1])
    by_key = {}
    for new in sorted(new_root.rglob('*.py')):
        if '_base_' not in new.parts:
            by_key.setdefault(_key(new), new)
    found = []
    for legacy in sorted(legacy_root.rglob('*.py')):
        if '_base_' in legacy.parts:
            continue
        new = new_root / legacy.relative_to(legacy_root)
        if not new.is_file():
            new = by_key.get(_key(legacy))
        if new is not None:
            found.append((legacy, new))
    return found


def relative(path: Path) -> str:
    """A config's path below the cache, as fixtures name it."""
    return str(path.relative_to(CACHE / 'official-configs'))


if __name__ == '__main__':
    for library in LIBRARIES:
        found = pairs(library)
        print(f'{library}: {len(found)} pairs')

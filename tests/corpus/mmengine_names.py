"""The mmengine names that MMEngine-era libraries import, computed from
their wheels' sources: every ``from mmengine.x import a`` and ``import
mmengine.x`` in every ``.py`` file of each wheel (configs included).

    python tests/corpus/mmengine_names.py [OUT]

downloads the wheels (``pip download --no-deps``) into the cache folder of
``fetch.py`` and writes the sorted list, one ``module:name`` (or ``module``
for a plain module import) per line, to ``OUT`` (default
``tests/fixtures/engine/mmengine_names.txt``), which
``tests/engine/test_mmengine_names.py`` checks against the bundled engine.
"""
import ast
import subprocess
import sys
import zipfile
from pathlib import Path

from fetch import CACHE

LIBRARIES = {'mmpretrain': '1.2.0', 'mmsegmentation': '1.2.2', 'mmdet': '3.3.0',
             'mmpose': '1.3.2', 'mmaction2': '1.2.0', 'mmocr': '1.0.1'}
DEFAULT_OUT = Path(__file__).resolve().parents[1] / 'fixtures' / 'engine' / 'mmengine_names.txt'


def wheel(name: str, version: str) -> Path:
    folder = CACHE / 'era-wheels'
    folder.mkdir(parents=True, exist_ok=True)
    found = list(folder.glob(f'{name}-{version}-*.whl'))
    if not found:
        subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-deps',
                        f'{name}=={version}', '-d', str(folder)], check=True)
        found = list(folder.glob(f'{name}-{version}-*.whl'))
    return found[0]


def names_in(source: str) -> set:
    """``module:name`` and ``module`` entries of the mmengine imports of a source."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and (node.module == 'mmengine' or node.module.startswith('mmengine.')):
            found.update(f'{node.module}:{alias.name}' for alias in node.names
                         if alias.name != '*')
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names
                         if alias.name == 'mmengine' or alias.name.startswith('mmengine.'))
    return found


def main(out: Path = DEFAULT_OUT) -> None:
    names = set()
    for name, version in LIBRARIES.items():
        with zipfile.ZipFile(wheel(name, version)) as archive:
            for member in archive.namelist():
                if member.endswith('.py'):
                    names |= names_in(archive.read(member).decode('utf-8', 'replace'))
    header = ('# mmengine names imported by ' + ', '.join(f'{n} {v}' for n, v in LIBRARIES.items())
              + '\n# written by tests/corpus/mmengine_names.py\n')
    out.write_text(header + ''.join(f'{entry}\n' for entry in sorted(names)))
    print(f'{len(names)} names -> {out}')


if __name__ == '__main__':
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)

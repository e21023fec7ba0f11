"""The development corpus: the MMCV 1.x-era configs and Python packages that
OpenMMLab shipped in their packages (``.mim/configs`` inside the package).

Downloaded once (``pip download --no-deps``) into ``mmmigrate-tests/corpus``
under ``$XDG_CACHE_HOME`` (default ``~/.cache``), outside the checkout, and
unpacked into ``configs/LIBRARY`` and ``sources/LIBRARY``.
"""
import ast
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

CACHE = (Path(os.environ.get('XDG_CACHE_HOME') or Path.home() / '.cache')
         / 'mmmigrate-tests' / 'corpus')
# name -> version. mmdet3d 0.18.1 exists only as an sdist (its metadata step
# imports torch, hence --no-build-isolation); mmrazor 0.3.1 ships no configs
# at all, only its sources.
LIBRARIES = {'mmpose': '0.29.0', 'mmaction2': '0.24.1', 'mmocr': '0.6.3', 'mmrotate': '0.3.4',
             'mmedit': '0.16.1', 'mmdet3d': '0.18.1', 'mmselfsup': '0.11.0',
             'mmrazor': '0.3.1'}


class CorpusUnavailable(RuntimeError):
    """A package could not be downloaded (no registry access)."""


def corpus(libraries=None) -> tuple:
    """(configs folder, sources folder), a sub-folder per library in each.
    Each package is unpacked in a scratch folder and renamed into place, so
    processes running side by side never see half a corpus."""
    configs, sources = CACHE / 'configs', CACHE / 'sources'
    CACHE.mkdir(parents=True, exist_ok=True)
    for name in libraries or LIBRARIES:
        if (configs / name).is_dir() and (sources / name).is_dir():
            continue
        with tempfile.TemporaryDirectory(dir=CACHE, prefix='.unpacking-') as scratch:
            _unpack(name, LIBRARIES[name], Path(scratch))
            for kind in ('configs', 'sources'):
                (CACHE / kind).mkdir(exist_ok=True)
                try:
                    os.rename(Path(scratch) / kind / name, CACHE / kind / name)
                except OSError:  # another process put it there first
                    pass
    return configs, sources


def _archive(name: str, version: str, scratch: Path) -> Path:
    found = [p for pattern in (f'{name}-{version}-*.whl', f'{name}-{version}.tar.gz')
             for p in CACHE.glob(pattern)]
    if found:
        return found[0]
    result = subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-deps',
                             '--no-build-isolation', f'{name}=={version}', '-d', str(scratch)],
                            capture_output=True, text=True)
    downloaded = [p for p in scratch.iterdir() if p.name.startswith(f'{name}-{version}')]
    if result.returncode != 0 or not downloaded:
        raise CorpusUnavailable(f'cannot download {name}=={version}: {result.stderr[-300:]}')
    os.replace(downloaded[0], CACHE / downloaded[0].name)
    return CACHE / downloaded[0].name


def _members(archive: Path):
    """(path inside the installed tree, bytes) of every .py file a user
    would install: a wheel's files, an sdist's package folder."""
    if archive.suffix == '.whl':
        with zipfile.ZipFile(archive) as z:
            for member in z.namelist():
                if member.endswith('.py') and '.dist-info' not in member.split('/')[0]:
                    yield member, z.read(member)
        return
    with tarfile.open(archive) as t:
        for member in t.getmembers():
            parts = member.name.split('/')  # NAME-VERSION/PACKAGE/...
            if member.isfile() and member.name.endswith('.py') and len(parts) > 2 \
                    and parts[1] == archive.name.split('-')[0]:
                yield '/'.join(parts[1:]), t.extractfile(member).read()


def _unpack(name: str, version: str, scratch: Path) -> None:
    for member, data in _members(_archive(name, version, scratch)):
        parts = member.split('/')
        if '.mim' in parts:
            if parts[parts.index('.mim') + 1] != 'configs':
                continue
            target = scratch / 'configs' / name / Path(*parts[parts.index('.mim') + 2:])
        else:
            target = scratch / 'sources' / name / Path(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for kind in ('configs', 'sources'):
        (scratch / kind / name).mkdir(parents=True, exist_ok=True)


def chain_of(leaf: Path) -> list:
    """``leaf`` and the files it inherits from (string or list ``_base_``)."""
    found, todo = [leaf.resolve()], [leaf.resolve()]
    while todo:
        current = todo.pop()
        try:
            module = ast.parse(current.read_bytes())
        except (SyntaxError, ValueError, OSError):
            continue
        for node in module.body:
            if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == '_base_' for t in node.targets):
                try:
                    value = ast.literal_eval(node.value)
                except ValueError:
                    continue
                for base in [value] if isinstance(value, str) else value:
                    path = (current.parent / base).resolve()
                    if path.suffix == '.py' and path.exists() and path not in found:
                        found.append(path)
                        todo.append(path)
    return found

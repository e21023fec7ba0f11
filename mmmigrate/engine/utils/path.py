"""File-system helpers (``mmengine.utils.path``): ``fopen``, ``symlink``,
``scandir``, ``mkdir_or_exist``, ``check_file_exist``, ``find_vcs_root``."""
import os
import os.path as osp
from pathlib import Path


def fopen(filepath, *args, **kwargs):
    """``open`` for a str or ``Path``."""
    if isinstance(filepath, (str, Path)):
        return open(filepath, *args, **kwargs)
    raise ValueError(f'`filepath` should be a string or a Path, got {type(filepath).__name__}')


def symlink(src, dst, overwrite: bool = True, **kwargs) -> None:
    """Link ``dst`` to ``src``, replacing an existing ``dst`` (or link)."""
    if overwrite and os.path.lexists(dst):
        os.remove(dst)
    os.symlink(src, dst, **kwargs)


def scandir(dir_path, suffix=None, recursive: bool = False, case_sensitive: bool = True):
    """The files under ``dir_path`` (paths relative to it; hidden files
    skipped), optionally only those ending with ``suffix`` (a str or a tuple
    of str), descending into folders with ``recursive``. A generator."""
    if not isinstance(dir_path, (str, Path)):
        raise TypeError('"dir_path" must be a string or Path object')
    if suffix is not None and not isinstance(suffix, (str, tuple)):
        raise TypeError('"suffix" must be a string or tuple of strings')
    if suffix is not None and not case_sensitive:
        suffix = suffix.lower() if isinstance(suffix, str) else tuple(s.lower() for s in suffix)
    root = str(dir_path)

    def walk(folder):
        for entry in os.scandir(folder):
            if entry.is_file() and not entry.name.startswith('.'):
                relative = osp.relpath(entry.path, root)
                compared = relative if case_sensitive else relative.lower()
                if suffix is None or compared.endswith(suffix):
                    yield relative
            elif recursive and os.path.isdir(entry.path):
                yield from walk(entry.path)
    return walk(root)


def mkdir_or_exist(dir_name: str, mode: int = 0o777) -> None:
    if dir_name == '':
        return
    os.makedirs(osp.expanduser(dir_name), mode=mode, exist_ok=True)


def check_file_exist(filename: str, msg_tmpl: str = 'file "{}" does not exist'):
    if not osp.isfile(filename):
        raise FileNotFoundError(msg_tmpl.format(filename))


def is_filepath(x) -> bool:
    return isinstance(x, (str, os.PathLike))


def is_abs(path: str) -> bool:
    """Whether ``path`` is absolute: a local absolute path, or an
    ``http://``, ``https://`` or ``s3://`` URI."""
    return osp.isabs(path) or path.startswith(('http://', 'https://', 's3://'))


def find_vcs_root(path, markers=('.git', )):
    """The nearest folder at or above ``path`` (a file or a folder) that
    holds one of ``markers``, or None."""
    if osp.isfile(path):
        path = osp.dirname(path)
    previous, current = None, osp.abspath(osp.expanduser(path))
    while current != previous:
        if any(osp.exists(osp.join(current, marker)) for marker in markers):
            return current
        previous, current = current, osp.split(current)[0]
    return None

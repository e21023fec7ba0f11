"""Text files as lists or dicts: ``list_from_file``, ``dict_from_file``."""
from io import StringIO
from typing import Optional

from .file_client import FileClient
from .io import get_text


def _read_text(filename, encoding: str, file_client_args: Optional[dict],
               backend_args: Optional[dict]) -> str:
    # MMCV-style `file_client_args` go through FileClient, as in MMEngine.
    if file_client_args is not None:
        return FileClient.infer_client(file_client_args, filename).get_text(filename, encoding)
    return get_text(filename, encoding, backend_args=backend_args)


def list_from_file(filename, prefix: str = '', offset: int = 0, max_num: int = 0,
                   encoding: str = 'utf-8', file_client_args: Optional[dict] = None,
                   backend_args: Optional[dict] = None) -> list:
    """The file's lines (without line breaks), each after ``prefix``,
    skipping ``offset`` lines, at most ``max_num`` of them (0: all)."""
    text = _read_text(filename, encoding, file_client_args, backend_args)
    items = []
    with StringIO(text) as f:
        for _ in range(offset):
            f.readline()
        for line in f:
            if 0 < max_num <= len(items):
                break
            items.append(prefix + line.rstrip('\n\r'))
    return items


def dict_from_file(filename, key_type=str, encoding: str = 'utf-8',
                   file_client_args: Optional[dict] = None,
                   backend_args: Optional[dict] = None) -> dict:
    """Each line ``key value [value ...]`` (split on whitespace) as
    ``{key_type(key): value}``, or a list of the values when there are
    several."""
    text = _read_text(filename, encoding, file_client_args, backend_args)
    mapping = {}
    for number, line in enumerate(StringIO(text), 1):
        items = line.rstrip('\n').split()
        if len(items) < 2:
            raise ValueError(f'{filename}:{number}: a line of dict_from_file needs a key and '
                             f'at least one value, got {line.rstrip()!r}')
        mapping[key_type(items[0])] = items[1:] if len(items) > 2 else items[1]
    return mapping

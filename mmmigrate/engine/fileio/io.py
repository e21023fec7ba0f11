"""``load`` / ``dump`` by file extension: json, yaml/yml, pkl/pickle."""
import json
import pickle
from pathlib import Path
from typing import Any, Optional

FORMATS = ('json', 'yaml', 'yml', 'pkl', 'pickle')


def _format_of(file, file_format: Optional[str]) -> str:
    if file_format is None:
        if not isinstance(file, (str, Path)):
            raise ValueError('file_format is required when file is not a path')
        file_format = str(file).rsplit('.', 1)[-1]
    file_format = file_format.lower().lstrip('.')
    if file_format not in FORMATS:
        raise ValueError(f'unsupported file format {file_format!r}; use one of {FORMATS}')
    return file_format


def _plain(obj):
    """Tuples become lists so that safe YAML can represent them."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


def load(file, file_format: Optional[str] = None, **kwargs) -> Any:
    """Load a json, yaml or pickle file (or open file object)."""
    fmt = _format_of(file, file_format)
    binary = fmt in ('pkl', 'pickle')
    if isinstance(file, (str, Path)):
        with open(file, 'rb' if binary else 'r', **({} if binary else {'encoding': 'utf-8'})) as f:
            return load(f, fmt, **kwargs)
    if fmt == 'json':
        return json.load(file, **kwargs)
    if fmt in ('yaml', 'yml'):
        import yaml
        return yaml.safe_load(file)
    return pickle.load(file, **kwargs)


def dump(obj: Any, file=None, file_format: Optional[str] = None, **kwargs):
    """Dump ``obj`` to ``file`` (a path or file object), or return the
    serialised text/bytes when ``file`` is None."""
    fmt = _format_of(file, file_format)
    if fmt == 'json':
        kwargs.setdefault('indent', 4)
        text = json.dumps(obj, **kwargs)
    elif fmt in ('yaml', 'yml'):
        import yaml
        kwargs.setdefault('sort_keys', False)
        text = yaml.safe_dump(_plain(obj), **kwargs)
    else:
        text = pickle.dumps(obj, **kwargs)
    if file is None:
        return text
    if isinstance(file, (str, Path)):
        mode = 'wb' if isinstance(text, bytes) else 'w'
        with open(file, mode, **({} if mode == 'wb' else {'encoding': 'utf-8'})) as f:
            f.write(text)
    else:
        file.write(text)

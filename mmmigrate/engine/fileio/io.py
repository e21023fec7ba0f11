"""File access by path or URI (the local disk, or HTTP(S) for reading),
and ``load`` / ``dump`` through the format handlers (json, yaml, pickle,
and any registered with ``register_handler``)."""
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any, Optional

from .backends import BaseStorageBackend
from .file_client import FileClient
from .handlers import file_handlers


def _backend(uri, backend_args: Optional[dict] = None) -> BaseStorageBackend:
    """The backend ``backend_args`` names (``dict(backend='disk')``), else
    the one the URI's prefix implies (the disk for a plain path)."""
    if backend_args and backend_args.get('backend') is not None:
        return FileClient._instance(**backend_args).client
    return FileClient._instance(prefix=FileClient.parse_uri_prefix(uri)).client


def get(filepath, backend_args: Optional[dict] = None) -> bytes:
    return _backend(filepath, backend_args).get(filepath)


def get_text(filepath, encoding: str = 'utf-8', backend_args: Optional[dict] = None) -> str:
    return _backend(filepath, backend_args).get_text(filepath, encoding)


def put(obj: bytes, filepath, backend_args: Optional[dict] = None) -> None:
    _backend(filepath, backend_args).put(obj, filepath)


def put_text(obj: str, filepath, backend_args: Optional[dict] = None) -> None:
    _backend(filepath, backend_args).put_text(obj, filepath)


def exists(filepath, backend_args: Optional[dict] = None) -> bool:
    return _backend(filepath, backend_args).exists(filepath)


def isdir(filepath, backend_args: Optional[dict] = None) -> bool:
    return _backend(filepath, backend_args).isdir(filepath)


def isfile(filepath, backend_args: Optional[dict] = None) -> bool:
    return _backend(filepath, backend_args).isfile(filepath)


def join_path(filepath, *filepaths, backend_args: Optional[dict] = None) -> str:
    return _backend(filepath, backend_args).join_path(filepath, *filepaths)


def get_local_path(filepath, backend_args: Optional[dict] = None):
    """A context manager giving a local path to the file (a temporary copy
    for a remote one)."""
    return _backend(filepath, backend_args).get_local_path(str(filepath))


def remove(filepath, backend_args: Optional[dict] = None) -> None:
    _backend(filepath, backend_args).remove(filepath)


def list_dir_or_file(dir_path, list_dir: bool = True, list_file: bool = True, suffix=None,
                     recursive: bool = False, backend_args: Optional[dict] = None):
    return _backend(dir_path, backend_args).list_dir_or_file(dir_path, list_dir, list_file,
                                                             suffix, recursive)


def _handler(file, file_format: Optional[str]):
    if file_format is None:
        if not isinstance(file, (str, Path)):
            raise ValueError('file_format is required when file is not a path')
        file_format = str(file).rsplit('.', 1)[-1]
    handler = file_handlers.get(file_format.lower().lstrip('.'))
    if handler is None:
        raise TypeError(f'Unsupported format: {file_format} (known: {sorted(file_handlers)}; '
                        'add one with register_handler)')
    return handler


def load(file, file_format: Optional[str] = None, file_client_args: Optional[dict] = None,
         backend_args: Optional[dict] = None, **kwargs) -> Any:
    """Load a json / yaml / pickle (or registered format) file, by path,
    URI or open file object."""
    handler = _handler(file, file_format)
    if isinstance(file, (str, Path)):
        backend = _backend(str(file), file_client_args or backend_args)
        if handler.str_like:
            with StringIO(backend.get_text(str(file))) as f:
                return handler.load_from_fileobj(f, **kwargs)
        with BytesIO(backend.get(str(file))) as f:
            return handler.load_from_fileobj(f, **kwargs)
    if hasattr(file, 'read'):
        return handler.load_from_fileobj(file, **kwargs)
    raise TypeError('"file" must be a filepath str, a Path or a file-object')


def dump(obj: Any, file=None, file_format: Optional[str] = None,
         file_client_args: Optional[dict] = None, backend_args: Optional[dict] = None,
         **kwargs):
    """Write ``obj`` to ``file`` (a path, URI or open file object), or
    return its serialised text/bytes when ``file`` is None."""
    handler = _handler(file, file_format)
    if file is None:
        return handler.dump_to_str(obj, **kwargs)
    if isinstance(file, (str, Path)):
        backend = _backend(str(file), file_client_args or backend_args)
        if handler.str_like:
            with StringIO() as f:
                handler.dump_to_fileobj(obj, f, **kwargs)
                backend.put_text(f.getvalue(), str(file))
        else:
            with BytesIO() as f:
                handler.dump_to_fileobj(obj, f, **kwargs)
                backend.put(f.getvalue(), str(file))
        return None
    if hasattr(file, 'write'):
        handler.dump_to_fileobj(obj, file, **kwargs)
        return None
    raise TypeError('"file" must be a filepath str, a Path or a file-object')

"""File access by path or URI through the storage backends (the local
disk, HTTP(S) for reading, object stores whose clients are installed), and
``load`` / ``dump`` through the format handlers (json, yaml, pickle, and
any registered with ``register_handler``)."""
import json
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any, Optional, Union

from ..utils import is_filepath
from .backends import BaseStorageBackend, backends, prefix_to_backends
from .file_client import FileClient
from .handlers import file_handlers


backend_instances: dict = {}


def _parse_uri_prefix(uri: Union[str, Path]) -> str:
    """``'s3'`` for ``'s3://bucket/x'`` and ``'cluster:s3://bucket/x'``;
    ``''`` for a local path."""
    assert is_filepath(uri), f'expected a path or URI, got {type(uri)}'
    uri = str(uri)
    if '://' not in uri:
        return ''
    prefix = uri.split('://')[0]
    return prefix.split(':')[-1]


def _get_file_backend(prefix: str, backend_args: dict) -> BaseStorageBackend:
    if 'backend' in backend_args:  # a named backend wins over the URI's prefix
        args = dict(backend_args)
        name = args.pop('backend')
        if name not in backends:
            raise ValueError(f'backend {name!r} is not registered (known: {sorted(backends)}); '
                             'register it with mmengine.fileio.register_backend')
        return backends[name](**args)
    if prefix not in prefix_to_backends:
        raise ValueError(f'no storage backend serves {prefix}:// URIs (known prefixes: '
                         f'{sorted(p for p in prefix_to_backends if p)})')
    return prefix_to_backends[prefix](**backend_args)


def get_file_backend(uri: Union[str, Path, None] = None, *,
                     backend_args: Optional[dict] = None,
                     enable_singleton: bool = False) -> BaseStorageBackend:
    """The storage backend for ``uri`` (by its prefix: a local path, http://,
    s3://, ...) or for ``backend_args=dict(backend=name, ...)``, which wins.
    With ``enable_singleton`` the same arguments give the same instance."""
    backend_args = {} if backend_args is None else backend_args
    if uri is None and 'backend' not in backend_args:
        raise ValueError('uri should not be None when "backend" does not exist in '
                         'backend_args')
    prefix = _parse_uri_prefix(uri) if uri is not None else ''
    if not enable_singleton:
        return _get_file_backend(prefix, backend_args)
    key = f'{prefix}:{json.dumps(backend_args)}'
    if key not in backend_instances:
        backend_instances[key] = _get_file_backend(prefix, backend_args)
    return backend_instances[key]


def _backend(uri, backend_args: Optional[dict] = None) -> BaseStorageBackend:
    return get_file_backend(uri, backend_args=backend_args, enable_singleton=True)


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


def copyfile(src, dst, backend_args: Optional[dict] = None):
    """Copy file ``src`` to ``dst`` (a file, or a folder to copy into), both
    in the storage of ``src``; returns the destination."""
    return _backend(src, backend_args).copyfile(src, dst)


def copytree(src, dst, backend_args: Optional[dict] = None):
    """Copy folder ``src`` to ``dst`` (which must not exist)."""
    return _backend(src, backend_args).copytree(src, dst)


def copyfile_from_local(src, dst, backend_args: Optional[dict] = None):
    """Copy local file ``src`` to ``dst`` in ``dst``'s storage."""
    return _backend(dst, backend_args).copyfile_from_local(src, dst)


def copytree_from_local(src, dst, backend_args: Optional[dict] = None):
    return _backend(dst, backend_args).copytree_from_local(src, dst)


def copyfile_to_local(src, dst, backend_args: Optional[dict] = None):
    """Copy ``src`` from its storage to local ``dst``."""
    return _backend(dst, backend_args).copyfile_to_local(src, dst)


def copytree_to_local(src, dst, backend_args: Optional[dict] = None):
    return _backend(dst, backend_args).copytree_to_local(src, dst)


def rmtree(dir_path, backend_args: Optional[dict] = None) -> None:
    _backend(dir_path, backend_args).rmtree(dir_path)


def copy_if_symlink_fails(src, dst, backend_args: Optional[dict] = None) -> bool:
    """Link ``dst`` to ``src``, or copy where the storage has no links;
    returns whether a link was made."""
    return _backend(src, backend_args).copy_if_symlink_fails(src, dst)


def generate_presigned_url(url: str, client_method: str = 'get_object',
                           expires_in: int = 3600, backend_args: Optional[dict] = None) -> str:
    """A time-limited URL for an object (object-storage backends only)."""
    return _backend(url, backend_args).generate_presigned_url(url, client_method, expires_in)


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
        backend = (FileClient.infer_client(file_client_args, file) if file_client_args
                   else _backend(str(file), backend_args))
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
        backend = (FileClient.infer_client(file_client_args, file) if file_client_args
                   else _backend(str(file), backend_args))
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

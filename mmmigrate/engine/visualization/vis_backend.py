"""Visualizer backends: where scalars, images and configs go
(``mmengine.visualization.vis_backend``). ``LocalVisBackend`` (files) and
``TensorboardVisBackend`` are here; the backends of experiment-tracking
services (W&B, MLflow, ClearML, Neptune, DVCLive, Aim) are in
``external_backends.py`` and need their client packages."""
import functools
import json
import logging
import os
import os.path as osp
from typing import Any, Callable, Optional

from ..logging import print_log
from ..registry import VISBACKENDS

_EXTERNAL = ('AimVisBackend', 'ClearMLVisBackend', 'DVCLiveVisBackend', 'MLflowVisBackend',
             'NeptuneVisBackend', 'WandbVisBackend')


def force_init_env(old_func: Callable) -> Any:
    """Decorates a backend method that needs the backend's environment
    (folders, clients): ``_init_env()`` runs first, once."""
    @functools.wraps(old_func)
    def wrapper(obj: object, *args, **kwargs):
        if not hasattr(obj, '_init_env'):
            raise AttributeError(f'{type(obj)} does not have _init_env method.')
        if not getattr(obj, '_env_initialized', False):
            print_log(f'Attribute `_env_initialized` is not defined in {type(obj)} or '
                      f'`{type(obj)}._env_initialized is False, `_init_env` will be called and '
                      f'{type(obj)}._env_initialized will be set to True', logger='current',
                      level=logging.DEBUG)
            obj._init_env()
            obj._env_initialized = True
        return old_func(obj, *args, **kwargs)
    return wrapper


def __getattr__(name: str):
    # The external backends are defined in their own module (which imports
    # this one); they are reachable here too, as in MMEngine.
    if name in _EXTERNAL:
        from . import external_backends
        return getattr(external_backends, name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


_NEWLINE = os.linesep.encode()  # what MMEngine's text-mode files end lines with


def _number(value):
    return value.item() if hasattr(value, 'item') else value


_JSON_KEYS: dict = {}  # key -> json.dumps(key), for the few keys a run logs
_JSON_KEYS_KEPT = 1024


def _json_line(record: dict) -> bytes:
    """``json.dumps(record)`` as bytes, plus the line end. A flat record of
    float and int values (every scalar record of a run) is written here
    directly, the very text json.dumps makes: a float's repr (NaN and the
    infinities by json's names), an int's repr and each key as json.dumps
    escapes it (outside ASCII too, as MMEngine's json.dump does). This runs
    at every logging interval, and json's encoder is several Python calls.
    Anything else goes to json.dumps."""
    parts = []
    for key, value in record.items():
        kind = type(value)
        if kind is float:
            if value - value == 0:  # finite
                text = float.__repr__(value)
            else:
                text = 'NaN' if value != value else 'Infinity' if value > 0 else '-Infinity'
        elif kind is int:
            text = int.__repr__(value)
        else:
            return json.dumps(record).encode('ascii') + _NEWLINE
        encoded_key = _JSON_KEYS.get(key)
        if encoded_key is None:
            if type(key) is not str:
                return json.dumps(record).encode('ascii') + _NEWLINE
            encoded_key = json.dumps(key)
            if len(_JSON_KEYS) < _JSON_KEYS_KEPT:
                _JSON_KEYS[key] = encoded_key
        parts.append(f'{encoded_key}: {text}')
    return ('{' + ', '.join(parts) + '}').encode('ascii') + _NEWLINE


class BaseVisBackend:
    """A backend writes under ``save_dir``; its environment (directories,
    clients) is created on first use."""

    def __init__(self, save_dir: str):
        self._save_dir = save_dir
        self._env_initialized = False

    def _ensure_env(self) -> None:
        if not self._env_initialized:
            self._init_env()
            self._env_initialized = True

    def _init_env(self) -> None:
        os.makedirs(self._save_dir, exist_ok=True)

    @property
    def experiment(self) -> Any:
        self._ensure_env()
        return self

    def add_config(self, config, **kwargs) -> None:
        pass

    def add_graph(self, model, data_batch, **kwargs) -> None:
        pass

    def add_image(self, name: str, image, step: int = 0, **kwargs) -> None:
        pass

    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        pass

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        pass

    def close(self) -> None:
        pass


@VISBACKENDS.register_module()
class LocalVisBackend(BaseVisBackend):
    """Scalars as JSON lines in ``save_dir/scalars.json`` (and in
    ``file_path`` when given), the config as ``save_dir/config.py``."""

    def __init__(self, save_dir: str, img_save_dir: str = 'vis_image',
                 config_save_file: str = 'config.py', scalar_save_file: str = 'scalars.json'):
        if not config_save_file.endswith('.py'):
            raise AssertionError('LocalVisBackend: config_save_file must end with .py')
        if not scalar_save_file.endswith('.json'):
            raise AssertionError('LocalVisBackend: scalar_save_file must end with .json')
        super().__init__(save_dir)
        self._img_save_dir = img_save_dir
        self._config_save_file = config_save_file
        self._scalar_save_file = scalar_save_file
        self._files = {}
        self._extra_paths = {}  # file_path argument -> its path under save_dir

    def _init_env(self) -> None:
        super()._init_env()
        self._img_save_dir = osp.join(self._save_dir, self._img_save_dir)
        self._config_save_file = osp.join(self._save_dir, self._config_save_file)
        self._scalar_save_file = osp.join(self._save_dir, self._scalar_save_file)

    def add_config(self, config, **kwargs) -> None:
        self._ensure_env()
        config.dump(self._config_save_file)

    def add_image(self, name: str, image, step: int = 0, **kwargs) -> None:
        """``image`` (RGB uint8) as ``img_save_dir/<name>_<step>.png``."""
        self._ensure_env()
        assert image.dtype == 'uint8', f'images are uint8, got {image.dtype}'
        os.makedirs(self._img_save_dir, exist_ok=True)
        path = osp.join(self._img_save_dir, f'{name}_{step}.png')
        try:
            import cv2
        except ImportError:
            try:
                from matplotlib import image as mpimg
            except ImportError:
                raise ImportError('saving images needs OpenCV or matplotlib: pip install '
                                  'matplotlib') from None
            mpimg.imsave(path, image)
        else:
            cv2.imwrite(path, cv2.cvtColor(image, cv2.COLOR_RGB2BGR))

    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        self._ensure_env()
        self._append(_json_line({name: _number(value), 'step': step}), self._scalar_save_file)

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        self._ensure_env()
        record = {k: v if type(v) is float else _number(v) for k, v in scalar_dict.items()}
        record.setdefault('step', step)
        line = _json_line(record)
        if file_path is not None:
            path = self._extra_paths.get(file_path)
            if path is None:
                if not file_path.endswith('.json'):
                    raise AssertionError('LocalVisBackend: file_path must end with .json, got '
                                     f'{file_path}')
                path = osp.join(self._save_dir, file_path)
                if path == self._scalar_save_file:
                    raise AssertionError('LocalVisBackend: file_path must differ from '
                                     'scalar_save_file')
                self._extra_paths[file_path] = path
            self._append(line, path)
        self._append(line, self._scalar_save_file)

    def _append(self, line: bytes, path: str) -> None:
        # Files stay open for the run, unbuffered: each line reaches the file
        # in one write, so a crash loses nothing written before it (and no
        # text or buffer layer runs at every logging interval).
        f = self._files.get(path)
        if f is None:
            f = self._files[path] = open(path, 'ab', buffering=0)
        written = f.write(line)
        while written < len(line):  # a short write (e.g. interrupted by a signal)
            written += f.write(line[written:])

    def close(self) -> None:
        for f in self._files.values():
            f.close()
        self._files.clear()


@VISBACKENDS.register_module()
class TensorboardVisBackend(BaseVisBackend):
    """Scalars and the config text for TensorBoard (needs the ``tensorboard``
    package)."""

    def _init_env(self) -> None:
        super()._init_env()
        try:
            from torch.utils.tensorboard import SummaryWriter
        except ImportError as e:
            raise ImportError('TensorboardVisBackend needs tensorboard: run '
                              '`pip install tensorboard`, or use LocalVisBackend') from e
        self._tensorboard = SummaryWriter(self._save_dir)

    @property
    def experiment(self):
        self._ensure_env()
        return self._tensorboard

    def add_config(self, config, **kwargs) -> None:
        self._ensure_env()
        self._tensorboard.add_text('config', config.pretty_text)

    def add_image(self, name: str, image, step: int = 0, **kwargs) -> None:
        self._ensure_env()
        self._tensorboard.add_image(name, image, step, dataformats='HWC')

    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        self._ensure_env()
        value = _number(value)
        if isinstance(value, (int, float)):
            self._tensorboard.add_scalar(name, value, step)
        else:
            import warnings
            warnings.warn(f'Got {type(value)}, but numpy array, torch tensor, int or float are '
                          'expected. skip it!')

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        assert isinstance(scalar_dict, dict), 'scalar_dict must be a dict'
        assert 'step' not in scalar_dict, 'Please set it directly through the step parameter'
        for key, value in scalar_dict.items():
            self.add_scalar(key, value, step)

    def close(self) -> None:
        if self._env_initialized:
            self._tensorboard.close()

"""Backends for experiment-tracking services (``WandbVisBackend``,
``MLflowVisBackend``, ``ClearMLVisBackend``, ``NeptuneVisBackend``,
``DVCLiveVisBackend``, ``AimVisBackend``). Each imports its client package
when first used and says how to install it when it is missing; what each
sends follows MMEngine's backend of the same name."""
import os
import os.path as osp
from collections.abc import MutableMapping
from typing import Optional, Sequence, Union

import numpy as np
import torch

from ..registry import VISBACKENDS
from ..utils import scandir
from .vis_backend import BaseVisBackend, force_init_env


def _require(module: str, package: str):
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f'Please run "pip install {package}" to install {package}') from None


def _no_step_key(scalar_dict: dict) -> None:
    assert isinstance(scalar_dict, dict)
    assert 'step' not in scalar_dict, 'Please set it directly through the step parameter'


def _artifacts(folder: str, suffix, recursive: bool) -> dict:
    """``{path: folder relative to `folder`}`` of the files with ``suffix``."""
    found = {}
    for name in scandir(folder, suffix, recursive):
        path = osp.join(folder, name)
        found[path] = osp.dirname(osp.relpath(path, folder))
    return found


@VISBACKENDS.register_module()
class WandbVisBackend(BaseVisBackend):
    """Weights & Biases (``wandb``): ``init_kwargs`` go to ``wandb.init``."""

    def __init__(self, save_dir: str, init_kwargs: Optional[dict] = None,
                 define_metric_cfg: Union[dict, list, None] = None, commit: Optional[bool] = True,
                 log_code_name: Optional[str] = None, watch_kwargs: Optional[dict] = None):
        super().__init__(save_dir)
        self._init_kwargs = init_kwargs
        self._define_metric_cfg = define_metric_cfg
        self._commit = commit
        self._log_code_name = log_code_name
        self._watch_kwargs = watch_kwargs if watch_kwargs is not None else {}

    def _init_env(self):
        os.makedirs(self._save_dir, exist_ok=True)
        self._init_kwargs = dict(self._init_kwargs or {})
        self._init_kwargs.setdefault('dir', self._save_dir)
        wandb = _require('wandb', 'wandb')
        wandb.init(**self._init_kwargs)
        if isinstance(self._define_metric_cfg, dict):
            for metric, summary in self._define_metric_cfg.items():
                wandb.define_metric(metric, summary=summary)
        elif isinstance(self._define_metric_cfg, list):
            for metric_cfg in self._define_metric_cfg:
                wandb.define_metric(**metric_cfg)
        elif self._define_metric_cfg is not None:
            raise ValueError('define_metric_cfg should be dict or list')
        self._wandb = wandb

    @property
    @force_init_env
    def experiment(self):
        return self._wandb

    @force_init_env
    def add_config(self, config, **kwargs) -> None:
        self._wandb.config.update(
            config.to_dict(), allow_val_change=self._init_kwargs.get('allow_val_change', False))
        self._wandb.run.log_code(name=self._log_code_name)

    @force_init_env
    def add_graph(self, model: torch.nn.Module, data_batch: Sequence[dict], **kwargs) -> None:
        self._wandb.watch(model, **self._watch_kwargs)

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs) -> None:
        self._wandb.log({name: self._wandb.Image(image)}, commit=self._commit)

    @force_init_env
    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        self._wandb.log({name: value}, commit=self._commit)

    @force_init_env
    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        self._wandb.log(scalar_dict, commit=self._commit)

    def close(self) -> None:
        if hasattr(self, '_wandb'):
            self._wandb.join()


@VISBACKENDS.register_module()
class MLflowVisBackend(BaseVisBackend):
    """MLflow (``mlflow``): metrics, params from the config (flattened, or
    only ``tracked_config_keys``), and the work dir's files with
    ``artifact_suffix`` as artifacts at ``close()``."""

    def __init__(self, save_dir: str, exp_name: Optional[str] = None,
                 run_name: Optional[str] = None, tags: Optional[dict] = None,
                 params: Optional[dict] = None, tracking_uri: Optional[str] = None,
                 artifact_suffix=('.json', '.log', '.py', 'yaml'),
                 tracked_config_keys: Optional[dict] = None,
                 artifact_location: Optional[str] = None):
        super().__init__(save_dir)
        self._exp_name = exp_name
        self._run_name = run_name
        self._tags = tags
        self._params = params
        self._tracking_uri = tracking_uri
        self._artifact_suffix = artifact_suffix
        self._tracked_config_keys = tracked_config_keys
        self._artifact_location = artifact_location

    def _init_env(self):
        os.makedirs(self._save_dir, exist_ok=True)
        self._mlflow = mlflow = _require('mlflow', 'mlflow')
        from ..logging import MMLogger
        logger = MMLogger.get_current_instance()
        for handler in logger.handlers:  # mlflow may have closed the log file
            if getattr(handler, 'stream', None) is None or handler.stream.closed:
                handler.stream = open(handler.baseFilename, 'a')
        if self._tracking_uri is not None:
            logger.warning('Please make sure that the mlflow server is running.')
            mlflow.set_tracking_uri(self._tracking_uri)
        else:
            prefix = 'file:\\' if os.name == 'nt' else 'file://'
            mlflow.set_tracking_uri(f'{prefix}{osp.abspath(self._save_dir)}')
        self._exp_name = self._exp_name or 'Default'
        if mlflow.get_experiment_by_name(self._exp_name) is None:
            mlflow.create_experiment(self._exp_name, artifact_location=self._artifact_location)
        mlflow.set_experiment(self._exp_name)
        if self._run_name is not None:
            mlflow.set_tag('mlflow.runName', self._run_name)
        if self._tags is not None:
            mlflow.set_tags(self._tags)
        if self._params is not None:
            mlflow.log_params(self._params)

    @property
    @force_init_env
    def experiment(self):
        return self._mlflow

    @force_init_env
    def add_config(self, config, **kwargs) -> None:
        self.cfg = config
        tracked = (self.cfg.to_dict() if self._tracked_config_keys is None
                   else {key: self.cfg[key] for key in self._tracked_config_keys})
        self._mlflow.log_params(self._flatten(tracked))
        self._mlflow.log_text(self.cfg.pretty_text, 'config.py')

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs) -> None:
        self._mlflow.log_image(image, name)

    @force_init_env
    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        self._mlflow.log_metric(name, value, step)

    @force_init_env
    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        _no_step_key(scalar_dict)
        self._mlflow.log_metrics(scalar_dict, step)

    def close(self) -> None:
        if not hasattr(self, '_mlflow'):
            return
        if hasattr(self, 'cfg'):
            for path, folder in _artifacts(self.cfg.work_dir, self._artifact_suffix,
                                           True).items():
                self._mlflow.log_artifact(path, folder)
        self._mlflow.end_run()

    def _flatten(self, d, parent_key: str = '', sep: str = '.') -> dict:
        """``{'a': {'b': 1}}`` -> ``{'a.b': 1}``; dicts inside lists by index."""
        items = {}
        for key, value in d.items():
            name = parent_key + sep + key if parent_key else key
            if isinstance(value, MutableMapping):
                items.update(self._flatten(value, name, sep=sep))
            elif isinstance(value, list) and any(isinstance(x, dict) for x in value):
                for i, item in enumerate(value):
                    items.update(self._flatten(item, name + sep + str(i), sep=sep))
            else:
                items[name] = value
        return items


@VISBACKENDS.register_module()
class ClearMLVisBackend(BaseVisBackend):
    """ClearML (``clearml``): ``init_kwargs`` go to ``clearml.Task.init``;
    the work dir's ``artifact_suffix`` files are uploaded at ``close()``."""

    def __init__(self, save_dir: Optional[str] = None, init_kwargs: Optional[dict] = None,
                 artifact_suffix=('.py', '.pth')):
        super().__init__(save_dir)
        self._init_kwargs = init_kwargs
        self._artifact_suffix = artifact_suffix

    def _init_env(self) -> None:
        self._clearml = _require('clearml', 'clearml')
        self._task = self._clearml.Task.init(**(self._init_kwargs or {}))
        self._logger = self._task.get_logger()

    @property
    @force_init_env
    def experiment(self):
        return self._clearml

    @force_init_env
    def add_config(self, config, **kwargs) -> None:
        self.cfg = config
        self._task.connect_configuration(config.to_dict())

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs) -> None:
        self._logger.report_image(title=name, series=name, iteration=step, image=image)

    @force_init_env
    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        self._logger.report_scalar(title=name, series=name, value=value, iteration=step)

    @force_init_env
    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        _no_step_key(scalar_dict)
        for key, value in scalar_dict.items():
            self._logger.report_scalar(title=key, series=key, value=value, iteration=step)

    def close(self) -> None:
        if not hasattr(self, '_clearml'):
            return
        work_dir = getattr(getattr(self, 'cfg', None), 'work_dir', '')
        if work_dir and osp.isdir(work_dir):
            for path in _artifacts(work_dir, self._artifact_suffix, False):
                self._task.upload_artifact(osp.basename(path), path)
        self._task.close()


@VISBACKENDS.register_module()
class NeptuneVisBackend(BaseVisBackend):
    """Neptune (``neptune``): ``init_kwargs`` go to ``neptune.init_run``
    (offline mode by default)."""

    def __init__(self, save_dir: Optional[str] = None, init_kwargs: Optional[dict] = None):
        super().__init__(save_dir)
        self._init_kwargs = init_kwargs

    def _init_env(self):
        neptune = _require('neptune', 'neptune')
        self._init_kwargs = self._init_kwargs or {'mode': 'offline'}
        self._neptune = neptune.init_run(**self._init_kwargs)

    @property
    @force_init_env
    def experiment(self):
        return self._neptune

    @force_init_env
    def add_config(self, config, **kwargs) -> None:
        from neptune.types import File
        self._neptune['config'].upload(File.from_content(config.pretty_text))

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs) -> None:
        from neptune.types import File
        self._neptune['images'].append(File.as_image(image.astype(np.float32) / 255.0),
                                       name=name, step=step)

    @force_init_env
    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        self._neptune[name].append(value, step=step)

    @force_init_env
    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        _no_step_key(scalar_dict)
        for key, value in scalar_dict.items():
            self._neptune[key].append(value, step=step)

    def close(self) -> None:
        if hasattr(self, '_neptune'):
            self._neptune.stop()


@VISBACKENDS.register_module()
class DVCLiveVisBackend(BaseVisBackend):
    """DVCLive (``dvclive``): metrics, params and images in ``save_dir``;
    the ``artifact_suffix`` files there are logged at ``close()``."""

    def __init__(self, save_dir: str, artifact_suffix=('.json', '.py', 'yaml'),
                 init_kwargs: Optional[dict] = None):
        super().__init__(save_dir)
        self._artifact_suffix = artifact_suffix
        self._init_kwargs = init_kwargs

    def _init_env(self):
        dvclive = _require('dvclive', 'dvclive')
        pygit2 = _require('pygit2', 'dvclive')
        try:
            path = pygit2.discover_repository(os.fspath(os.curdir), True, '')
            pygit2.Repository(path).default_signature
        except KeyError:  # not a git repository with a signature: DVC without SCM
            os.system('dvc init -f --no-scm')
        self._init_kwargs = dict(self._init_kwargs or {})
        self._init_kwargs.setdefault('dir', self._save_dir)
        self._init_kwargs.setdefault('save_dvc_exp', True)
        self._init_kwargs.setdefault('cache_images', True)
        self._dvclive = dvclive.Live(**self._init_kwargs)

    @property
    @force_init_env
    def experiment(self):
        return self._dvclive

    @force_init_env
    def add_config(self, config, **kwargs) -> None:
        self.cfg = config
        self._dvclive.log_params(self._to_dvc_paramlike(self.cfg.to_dict()))

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs) -> None:
        assert image.dtype == np.uint8
        self._dvclive.log_image(f'{name}.png', image)

    @force_init_env
    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        if isinstance(value, torch.Tensor):
            value = value.numpy()
        self._dvclive.step = step
        self._dvclive.log_metric(name, value)

    @force_init_env
    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        for key, value in scalar_dict.items():
            self.add_scalar(key, value, step, **kwargs)

    def close(self) -> None:
        if not hasattr(self, '_dvclive'):
            return
        for path, folder in _artifacts(self._save_dir, self._artifact_suffix, True).items():
            self._dvclive.log_artifact(path, folder)
        self._dvclive.end()

    def _to_dvc_paramlike(self, value):
        if isinstance(value, dict) or hasattr(value, 'items'):
            return {k: self._to_dvc_paramlike(v) for k, v in value.items()}
        if isinstance(value, (tuple, list)):
            return [self._to_dvc_paramlike(item) for item in value]
        if isinstance(value, (torch.Tensor, np.ndarray)):
            return value.tolist()
        if isinstance(value, np.generic):
            return value.item()
        return value


@VISBACKENDS.register_module()
class AimVisBackend(BaseVisBackend):
    """Aim (``aim``): ``init_kwargs`` go to ``aim.Run``; the experiment is
    named after the last two folders of ``save_dir``."""

    def __init__(self, save_dir: Optional[str] = None, init_kwargs: Optional[dict] = None):
        super().__init__(save_dir)
        self._init_kwargs = init_kwargs

    def _init_env(self):
        aim = _require('aim', 'aim')
        if self._save_dir is not None:
            parts = osp.normpath(self._save_dir).split(os.sep)
            experiment = f'{parts[-2]}_{parts[-1]}'
        else:
            from datetime import datetime
            experiment = datetime.now().strftime('%Y%m%d_%H%M%S')
        self._init_kwargs = dict(self._init_kwargs or {})
        self._init_kwargs.setdefault('experiment', experiment)
        self._aim_run = aim.Run(**self._init_kwargs)

    @property
    @force_init_env
    def experiment(self):
        return self._aim_run

    @force_init_env
    def add_config(self, config, **kwargs) -> None:
        self._aim_run['hparams'] = config.to_dict() if hasattr(config, 'to_dict') else config

    @force_init_env
    def add_image(self, name: str, image: np.ndarray, step: int = 0, **kwargs) -> None:
        from aim import Image
        self._aim_run.track(name=name, value=Image(image), step=step)

    @force_init_env
    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        self._aim_run.track(name=name, value=value, step=step)

    @force_init_env
    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        for key, value in scalar_dict.items():
            self._aim_run.track(name=key, value=value, step=step)

    def close(self) -> None:
        if hasattr(self, '_aim_run'):
            self._aim_run.close()

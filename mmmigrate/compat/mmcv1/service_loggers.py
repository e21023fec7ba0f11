"""MMCV 1.x's logger hooks for tracking services (Weights & Biases, MLflow,
Neptune, DVCLive, ClearML, Segmind, Pavi), as libraries subclass and configs
name them (``log_config.hooks``). Each imports its service's package when
built, as MMCV's did, and says which package to install when it is missing;
what each logs is ``LoggerHook.get_loggable_tags`` at MMCV's steps.
"""
import importlib
import os.path as osp
import warnings
from typing import Dict, Optional, Union

from .logger_hooks import LoggerHook, _master_only
from . import mmengine_module


def _service(module: str, install: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f'Please run "pip install {install}" to install {install}') from None


class WandbLoggerHook(LoggerHook):

    def __init__(self, init_kwargs: Optional[Dict] = None, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, commit: bool = True,
                 by_epoch: bool = True, with_step: bool = True, log_artifact: bool = True,
                 out_suffix: Union[str, tuple] = ('.log.json', '.log', '.py'),
                 define_metric_cfg: Optional[Dict] = None):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.import_wandb()
        self.init_kwargs = init_kwargs
        self.commit = commit
        self.with_step = with_step
        self.log_artifact = log_artifact
        self.out_suffix = out_suffix
        self.define_metric_cfg = define_metric_cfg

    def import_wandb(self) -> None:
        self.wandb = _service('wandb', 'wandb')

    @_master_only
    def before_run(self, runner) -> None:
        super().before_run(runner)
        if self.wandb is None:
            self.import_wandb()
        self.wandb.init(**(self.init_kwargs or {}))
        summaries = ['min', 'max', 'mean', 'best', 'last', 'none']
        for metric, summary in (self.define_metric_cfg or {}).items():
            if summary not in summaries:
                warnings.warn(f'summary should be in {summaries}. metric={metric}, '
                              f'summary={summary} will be skipped.')
            self.wandb.define_metric(metric, summary=summary)

    @_master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner)
        if not tags:
            return
        if self.with_step:
            self.wandb.log(tags, step=self.get_iter(runner), commit=self.commit)
        else:
            tags['global_step'] = self.get_iter(runner)
            self.wandb.log(tags, commit=self.commit)

    @_master_only
    def after_run(self, runner) -> None:
        if self.log_artifact:
            scandir = mmengine_module('utils').scandir
            artifact = self.wandb.Artifact(name='artifacts', type='model')
            for filename in scandir(runner.work_dir, self.out_suffix, True):
                artifact.add_file(osp.join(runner.work_dir, filename))
            self.wandb.log_artifact(artifact)
        self.wandb.join()


class MlflowLoggerHook(LoggerHook):

    def __init__(self, exp_name: Optional[str] = None, tags: Optional[Dict] = None,
                 params: Optional[Dict] = None, log_model: bool = True, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, by_epoch: bool = True):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.import_mlflow()
        self.exp_name, self.tags, self.params, self.log_model = exp_name, tags, params, log_model

    def import_mlflow(self) -> None:
        self.mlflow = _service('mlflow', 'mlflow')
        self.mlflow_pytorch = _service('mlflow.pytorch', 'mlflow')

    @_master_only
    def before_run(self, runner) -> None:
        super().before_run(runner)
        if self.exp_name is not None:
            self.mlflow.set_experiment(self.exp_name)
        if self.tags is not None:
            self.mlflow.set_tags(self.tags)
        if self.params is not None:
            self.mlflow.log_params(self.params)

    @_master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner)
        if tags:
            self.mlflow.log_metrics(tags, step=self.get_iter(runner))

    @_master_only
    def after_run(self, runner) -> None:
        if self.log_model:
            import torch
            self.mlflow_pytorch.log_model(runner.model, 'models',
                                          pip_requirements=[f'torch=={torch.__version__}'])


class NeptuneLoggerHook(LoggerHook):

    def __init__(self, init_kwargs: Optional[Dict] = None, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = True, with_step: bool = True,
                 by_epoch: bool = True):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.import_neptune()
        self.init_kwargs = init_kwargs
        self.with_step = with_step

    def import_neptune(self) -> None:
        self.neptune = _service('neptune.new', 'neptune-client')
        self.run = None

    @_master_only
    def before_run(self, runner) -> None:
        self.run = self.neptune.init(**(self.init_kwargs or {}))

    @_master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner)
        for name, value in tags.items():
            if self.with_step:
                self.run[name].log(value, step=self.get_iter(runner))
            else:
                tags['global_step'] = self.get_iter(runner)
                self.run[name].log(tags)

    @_master_only
    def after_run(self, runner) -> None:
        self.run.stop()


class DvcliveLoggerHook(LoggerHook):

    def __init__(self, model_file: Optional[str] = None, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, by_epoch: bool = True,
                 dvclive=None, **kwargs):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.model_file = model_file
        self._import_dvclive(dvclive, **kwargs)

    def _import_dvclive(self, dvclive=None, **kwargs) -> None:
        live = _service('dvclive', 'dvclive').Live
        self.dvclive = dvclive if dvclive is not None else live(**kwargs)

    @_master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner)
        if tags:
            self.dvclive.set_step(self.get_epoch(runner) if self.by_epoch
                                  else self.get_iter(runner))
            for name, value in tags.items():
                self.dvclive.log(name, value)

    def after_train_epoch(self, runner) -> None:
        if self.model_file is not None:
            runner.save_checkpoint(osp.dirname(self.model_file),
                                   filename_tmpl=osp.basename(self.model_file),
                                   create_symlink=False)
        if self.by_epoch:
            super().after_train_epoch(runner)

    def after_train_iter(self, runner) -> None:
        if not self.by_epoch:
            super().after_train_iter(runner)


class ClearMLLoggerHook(LoggerHook):

    def __init__(self, init_kwargs: Optional[Dict] = None, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, by_epoch: bool = True):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.import_clearml()
        self.init_kwargs = init_kwargs

    def import_clearml(self):
        self.clearml = _service('clearml', 'clearml')

    @_master_only
    def before_run(self, runner) -> None:
        super().before_run(runner)
        self.task = self.clearml.Task.init(**(self.init_kwargs or {}))
        self.task_logger = self.task.get_logger()

    @_master_only
    def log(self, runner) -> None:
        for tag, value in self.get_loggable_tags(runner).items():
            self.task_logger.report_scalar(tag, tag, value, self.get_iter(runner))


class SegmindLoggerHook(LoggerHook):

    def __init__(self, interval: int = 10, ignore_last: bool = True, reset_flag: bool = False,
                 by_epoch=True):
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.import_segmind()

    def import_segmind(self) -> None:
        segmind = _service('segmind', 'segmind')
        self.log_metrics = segmind.tracking.fluent.log_metrics
        self.mlflow_log = segmind.utils.logging_utils.try_mlflow_log

    @_master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner)
        if tags:
            self.mlflow_log(self.log_metrics, tags, step=runner.epoch, epoch=runner.epoch)


class PaviLoggerHook(LoggerHook):
    """Pavi's scalars and checkpoint snapshots, as MMCV logged them; the
    model-graph upload (``add_graph_kwargs.active``) is refused: it traced
    the model through ONNX, which the shim leaves out."""

    def __init__(self, init_kwargs: Optional[Dict] = None, add_graph: Optional[bool] = None,
                 img_key: Optional[str] = None, add_last_ckpt: bool = False, interval: int = 10,
                 ignore_last: bool = True, reset_flag: bool = False, by_epoch: bool = True,
                 add_graph_kwargs: Optional[Dict] = None,
                 add_ckpt_kwargs: Optional[Dict] = None) -> None:
        super().__init__(interval, ignore_last, reset_flag, by_epoch)
        self.init_kwargs = init_kwargs
        if add_graph or (add_graph_kwargs or {}).get('active', False):
            raise NotImplementedError('PaviLoggerHook: add_graph traces the model through '
                                      'ONNX, which the mmmigrate shim does not serve; drop it')
        add_ckpt_kwargs = add_ckpt_kwargs or {}
        self.add_ckpt = add_ckpt_kwargs.get('active', False)
        self.add_last_ckpt = add_last_ckpt
        self.add_ckpt_start = add_ckpt_kwargs.get('start', 0)
        self.add_ckpt_interval = add_ckpt_kwargs.get('interval', 1)

    @_master_only
    def before_run(self, runner) -> None:
        super().before_run(runner)
        try:
            from pavi import SummaryWriter
        except ImportError:
            raise ImportError('No module named pavi, please contact pavi team or visit '
                              'document for pavi installation instructions.') from None
        self.run_name = runner.work_dir.split('/')[-1]
        self.init_kwargs = dict(self.init_kwargs or {})
        self.init_kwargs.setdefault('name', self.run_name)
        self.init_kwargs.setdefault('model', runner._model_name)
        self.writer = SummaryWriter(**self.init_kwargs)

    def get_step(self, runner) -> int:
        if self.get_mode(runner) == 'val' and self.by_epoch:
            return self.get_epoch(runner)
        return self.get_iter(runner)

    def _add_ckpt(self, runner, path: str, step: int) -> None:
        if osp.islink(path):
            import os
            path = osp.join(runner.work_dir, os.readlink(path))
        if osp.isfile(path):
            self.writer.add_snapshot_file(tag=self.run_name, snapshot_file_path=path,
                                          iteration=step)

    @_master_only
    def log(self, runner) -> None:
        tags = self.get_loggable_tags(runner, add_mode=False)
        if tags:
            self.writer.add_scalars(self.get_mode(runner), tags, self.get_step(runner))

    @_master_only
    def after_run(self, runner) -> None:
        if self.add_last_ckpt:
            step = runner.epoch if self.by_epoch else runner.iter
            self._add_ckpt(runner, osp.join(runner.work_dir, 'latest.pth'), step)
        self.writer.close()

    @_master_only
    def after_train_epoch(self, runner) -> None:
        super().after_train_epoch(runner)
        step = self.get_epoch(runner)
        if self.by_epoch and self.add_ckpt and step >= self.add_ckpt_start and \
                (step - self.add_ckpt_start) % self.add_ckpt_interval == 0:
            self._add_ckpt(runner, osp.join(runner.work_dir, f'epoch_{step}.pth'), step)

    @_master_only
    def after_train_iter(self, runner) -> None:
        super().after_train_iter(runner)
        step = self.get_iter(runner)
        if not self.by_epoch and self.add_ckpt and step >= self.add_ckpt_start and \
                (step - self.add_ckpt_start) % self.add_ckpt_interval == 0:
            self._add_ckpt(runner, osp.join(runner.work_dir, f'iter_{step}.pth'), step)

"""``Runner``: builds what a config describes and runs training, validation
and test through loops and hooks (``mmengine.runner.Runner``).

Everything follows MMEngine 0.10.7's order of construction and of calls,
including the points where random numbers are drawn, so that the same
config and seed give the same numbers.
"""
import copy
import os
import os.path as osp
import pickle
import time
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Union

import torch
import torch.nn as nn
from torch.nn.parallel.distributed import DistributedDataParallel
from torch.optim import Optimizer
from torch.utils.data import DataLoader

from ..config import Config
from ..device import get_device
from ..dist import broadcast, get_dist_info, init_dist, is_distributed, master_only
from ..evaluator import Evaluator
from ..hooks import Hook, Priority, get_priority
from ..hooks.default_train_iter import RUNNER_CACHE_KEY, DefaultTrainIterHooks
from ..hooks.hook import hooks_for_stage
from ..logging import MessageHub, MMLogger
from ..model import (MMDistributedDataParallel, convert_sync_batchnorm, is_model_wrapper,
                     revert_sync_batchnorm)
from ..optim import OptimWrapper, OptimWrapperDict, _ParamScheduler, build_optim_wrapper
from ..registry import (EVALUATOR, HOOKS, LOG_PROCESSORS, LOOPS, MODEL_WRAPPERS, MODELS,
                        OPTIM_WRAPPERS, PARAM_SCHEDULERS, RUNNERS, VISUALIZERS,
                        DefaultScope)
from ..utils import apply_to, is_seq_of, mkdir_or_exist
from ..visualization import Visualizer
from .base_loop import BaseLoop
from .checkpoint import (CHECKPOINT_UPGRADERS, REPLAY_SCHEDULES, _load_checkpoint,
                         _load_checkpoint_to_model, find_latest_checkpoint, save_checkpoint,
                         weights_to_cpu)
from .dataloader import build_dataloader
from ..utils.dl_utils import collect_env
from .environment import raise_open_file_limit, set_multi_processing
from .log_processor import LogProcessor
from .rng_state import RandomStateKeeper, capture_rng_state
from .loops import EpochBasedTrainLoop, IterBasedTrainLoop, TestLoop, ValLoop, keeps_own_counters
from .utils import get_batch_size, set_random_seed

ENGINE_VERSION = '0.10.7'


class CheckpointMismatchError(RuntimeError):
    """A checkpoint does not belong to the model it is loaded into."""


def _instance_name(manager_cls, name: str) -> str:
    """``name``, or ``name_<n>`` when an instance of that name exists: two
    runners started in the same second must not share a logger, message
    hub or visualizer."""
    if not manager_cls.check_instance_created(name):
        return name
    index = 1
    while manager_cls.check_instance_created(f'{name}_{index}'):
        index += 1
    return f'{name}_{index}'


def _all_or_none(names: str, values) -> None:
    if not (all(v is None for v in values) or all(v is not None for v in values)):
        given = [n for n, v in zip(names.split(', '), values) if v is not None]
        missing = [n for n, v in zip(names.split(', '), values) if v is None]
        raise ValueError(f'{names} must be given together: got {given} but not {missing}')


_NO_LOOP = object()  # never a train loop
_FAST_PATH_READS = ('call_hook', 'iter', 'epoch', 'max_iters', 'train_dataloader')


def _holds_built_scheduler(schedulers) -> bool:
    if isinstance(schedulers, dict):
        return any(map(_holds_built_scheduler, schedulers.values()))
    if isinstance(schedulers, (list, tuple)):
        return any(map(_holds_built_scheduler, schedulers))
    return isinstance(schedulers, _ParamScheduler)


@RUNNERS.register_module()
class Runner:
    """See MMEngine's documentation of ``Runner``; every argument has the
    same meaning. Training components (train loop, optim wrapper,
    schedulers) are built when ``train()`` needs them, validation and test
    components when their loop runs."""

    cfg: Config
    # (train loop object last checked, whether it is a BaseLoop)
    _checked_train_loop: tuple = (None, False)
    # that loop when its counters can be read from their attributes
    _counted_train_loop: object = _NO_LOOP

    def __init__(self, model: Union[nn.Module, Dict], work_dir: str,
                 train_dataloader: Optional[Union[DataLoader, Dict]] = None,
                 val_dataloader: Optional[Union[DataLoader, Dict]] = None,
                 test_dataloader: Optional[Union[DataLoader, Dict]] = None,
                 train_cfg: Optional[Dict] = None, val_cfg: Optional[Dict] = None,
                 test_cfg: Optional[Dict] = None, auto_scale_lr: Optional[Dict] = None,
                 optim_wrapper: Optional[Union[OptimWrapper, Dict]] = None,
                 param_scheduler=None, val_evaluator=None, test_evaluator=None,
                 default_hooks: Optional[Dict[str, Union[Hook, Dict]]] = None,
                 custom_hooks: Optional[List[Union[Hook, Dict]]] = None,
                 data_preprocessor: Union[nn.Module, Dict, None] = None,
                 load_from: Optional[str] = None, resume: bool = False,
                 launcher: str = 'none', env_cfg: Dict = dict(dist_cfg=dict(backend='nccl')),
                 log_processor: Optional[Dict] = None, log_level: str = 'INFO',
                 visualizer: Optional[Union[Visualizer, Dict]] = None,
                 default_scope: str = 'mmengine', randomness: Dict = dict(seed=None),
                 experiment_name: Optional[str] = None, cfg: Optional[Union[Dict, Config]] = None):
        self._work_dir = osp.abspath(work_dir)
        mkdir_or_exist(self._work_dir)
        if isinstance(cfg, Config):
            self.cfg = copy.deepcopy(cfg)
        elif isinstance(cfg, dict):
            self.cfg = Config(cfg)
        else:
            self.cfg = Config(dict())

        _all_or_none('train_dataloader, train_cfg, optim_wrapper',
                     [train_dataloader, train_cfg, optim_wrapper])
        self._train_dataloader = train_dataloader
        self._train_loop = train_cfg
        self.optim_wrapper = optim_wrapper
        self.auto_scale_lr = auto_scale_lr
        if param_scheduler is not None and optim_wrapper is None:
            raise ValueError('param_scheduler is given without optim_wrapper')
        self._check_scheduler_cfg(param_scheduler)
        self.param_schedulers = param_scheduler
        # the configs, to rebuild the schedules when resuming an MMCV checkpoint
        self._param_scheduler_cfg = None if _holds_built_scheduler(param_scheduler) \
            else copy.deepcopy(param_scheduler)

        _all_or_none('val_dataloader, val_cfg, val_evaluator',
                     [val_dataloader, val_cfg, val_evaluator])
        self._val_dataloader = val_dataloader
        self._val_loop = val_cfg
        self._val_evaluator = val_evaluator
        _all_or_none('test_dataloader, test_cfg, test_evaluator',
                     [test_dataloader, test_cfg, test_evaluator])
        self._test_dataloader = test_dataloader
        self._test_loop = test_cfg
        self._test_evaluator = test_evaluator

        if launcher not in ('none', 'pytorch', 'slurm', 'mpi'):
            raise ValueError(f"launcher must be 'none', 'pytorch', 'slurm' or 'mpi', got "
                             f'{launcher!r}')
        self._launcher = launcher
        self._distributed = launcher != 'none'
        self.setup_env(env_cfg)
        self._randomness_cfg = dict(randomness)
        self.set_randomness(**self._randomness_cfg)

        if experiment_name is not None:
            self._experiment_name = f'{experiment_name}_{self._timestamp}'
        elif self.cfg.filename is not None:
            stem = osp.splitext(osp.basename(self.cfg.filename))[0]
            self._experiment_name = f'{stem}_{self._timestamp}'
        else:
            self._experiment_name = self.timestamp
        self._log_dir = osp.join(self.work_dir, self.timestamp)
        mkdir_or_exist(self._log_dir)
        if default_scope is not None:
            default_scope = DefaultScope.get_instance(
                _instance_name(DefaultScope, self._experiment_name), scope_name=default_scope)
        self.default_scope = default_scope

        self.log_processor = self.build_log_processor(
            {} if log_processor is None else log_processor)
        self.logger = self.build_logger(log_level=log_level)
        self._log_env(env_cfg)
        self.message_hub = self.build_message_hub()
        self.visualizer = self.build_visualizer(visualizer)
        if self.cfg:
            self.visualizer.add_config(self.cfg)

        self._load_from = load_from
        self._resume = resume
        self._has_loaded = False
        self._random_state = RandomStateKeeper(self.rank)
        if isinstance(model, dict) and data_preprocessor is not None:
            model.setdefault('data_preprocessor', data_preprocessor)
        self.model = self.build_model(model)
        self.model = self.wrap_model(self.cfg.get('model_wrapper_cfg'), self.model)
        inner = self.model.module if hasattr(self.model, 'module') else self.model
        self._model_name = type(inner).__name__

        self._hooks: List[Hook] = []
        self._hooks_by_stage: Dict[Any, Any] = {}
        self.register_hooks(default_hooks, custom_hooks)
        self.logger.info(f'Hooks will be executed in the following order:\n'
                         f'{self.get_hooks_info()}')
        self.dump_config()

    @classmethod
    def from_cfg(cls, cfg) -> 'Runner':
        """Build a runner from a whole config (``model`` and ``work_dir``
        required; every other Runner argument read from its key)."""
        cfg = copy.deepcopy(cfg)
        for key in ('model', 'work_dir'):
            if key not in cfg:
                raise KeyError(f'the config has no {key!r}; Runner.from_cfg needs it'
                               + (' (or pass --work-dir)' if key == 'work_dir' else ''))
        return cls(
            model=cfg['model'], work_dir=cfg['work_dir'],
            train_dataloader=cfg.get('train_dataloader'),
            val_dataloader=cfg.get('val_dataloader'),
            test_dataloader=cfg.get('test_dataloader'), train_cfg=cfg.get('train_cfg'),
            val_cfg=cfg.get('val_cfg'), test_cfg=cfg.get('test_cfg'),
            auto_scale_lr=cfg.get('auto_scale_lr'), optim_wrapper=cfg.get('optim_wrapper'),
            param_scheduler=cfg.get('param_scheduler'),
            val_evaluator=cfg.get('val_evaluator'), test_evaluator=cfg.get('test_evaluator'),
            default_hooks=cfg.get('default_hooks'), custom_hooks=cfg.get('custom_hooks'),
            data_preprocessor=cfg.get('data_preprocessor'), load_from=cfg.get('load_from'),
            resume=cfg.get('resume', False), launcher=cfg.get('launcher', 'none'),
            env_cfg=cfg.get('env_cfg', dict(dist_cfg=dict(backend='nccl'))),
            log_processor=cfg.get('log_processor'), log_level=cfg.get('log_level', 'INFO'),
            visualizer=cfg.get('visualizer'),
            default_scope=cfg.get('default_scope', 'mmengine'),
            randomness=cfg.get('randomness', dict(seed=None)),
            experiment_name=cfg.get('experiment_name'), cfg=cfg)

    # -- properties ----------------------------------------------------------
    @property
    def experiment_name(self):
        return self._experiment_name

    @property
    def model_name(self):
        return self._model_name

    @property
    def work_dir(self):
        return self._work_dir

    @property
    def log_dir(self):
        return self._log_dir

    # Hooks read these several times per iteration. A built-in train loop
    # (or a subclass that keeps its counters) is read straight from its
    # attributes; any other loop through its properties.
    @property
    def max_epochs(self):
        loop = self._train_loop
        if loop is self._counted_train_loop:
            return loop._max_epochs
        return self._train_loop_count('max_epochs')

    @property
    def max_iters(self):
        loop = self._train_loop
        if loop is self._counted_train_loop:
            return loop._max_iters
        return self._train_loop_count('max_iters')

    @property
    def epoch(self):
        loop = self._train_loop
        if loop is self._counted_train_loop:
            return loop._epoch
        return self._train_loop_count('epoch')

    @property
    def iter(self):
        loop = self._train_loop
        if loop is self._counted_train_loop:
            return loop._iter
        return self._train_loop_count('iter')

    def _train_loop_count(self, name: str) -> int:
        loop = self._train_loop
        if loop is not self._checked_train_loop[0]:
            loop = self._built_train_loop()
        return getattr(loop, name) if self._checked_train_loop[1] else 0

    @property
    def launcher(self):
        return self._launcher

    @property
    def distributed(self):
        return self._distributed

    @property
    def rank(self):
        return self._rank

    @property
    def world_size(self):
        return self._world_size

    @property
    def deterministic(self):
        return self._deterministic

    @property
    def seed(self):
        return self._seed

    @property
    def timestamp(self):
        return self._timestamp

    @property
    def hooks(self):
        # A caller may edit the list: forget the per-stage dispatch lists.
        self._hooks_by_stage = {}
        return self._hooks

    @property
    def train_loop(self):
        loop = self._train_loop
        if loop is not None and loop is not self._checked_train_loop[0] \
                and not isinstance(loop, BaseLoop):
            loop = self._train_loop = self.build_train_loop(loop)
        return loop

    def _built_train_loop(self) -> Optional[BaseLoop]:
        """The train loop (built on first use), or None when there is none or
        it is not a BaseLoop. Hooks read epoch/iter many times per
        iteration: the isinstance check on the (abstract) base class is done
        once per loop object."""
        loop = self.train_loop
        checked, is_loop = self._checked_train_loop
        if loop is not checked:
            is_loop = isinstance(loop, BaseLoop)
            self._checked_train_loop = (loop, is_loop)
            self._counted_train_loop = loop if keeps_own_counters(type(loop)) \
                else _NO_LOOP
        return loop if is_loop else None

    @property
    def val_loop(self):
        if self._val_loop is not None and not isinstance(self._val_loop, BaseLoop):
            self._val_loop = self.build_val_loop(self._val_loop)
        return self._val_loop

    @property
    def test_loop(self):
        if self._test_loop is not None and not isinstance(self._test_loop, BaseLoop):
            self._test_loop = self.build_test_loop(self._test_loop)
        return self._test_loop

    @property
    def train_dataloader(self):
        loop = self._train_loop
        if loop is self._counted_train_loop:
            return loop.dataloader
        return self.train_loop.dataloader

    @property
    def val_dataloader(self):
        return self.val_loop.dataloader

    @property
    def test_dataloader(self):
        return self.test_loop.dataloader

    @property
    def val_evaluator(self):
        return self.val_loop.evaluator

    @property
    def test_evaluator(self):
        return self.test_loop.evaluator

    @property
    def val_interval(self):
        return self.train_loop.val_interval

    @property
    def val_begin(self):
        return self.train_loop.val_begin

    # -- environment -----------------------------------------------------------
    def setup_env(self, env_cfg: Dict) -> None:
        """cudnn benchmark, multiprocessing settings, the process group
        (for a launcher), a shared timestamp and the open-file limit."""
        if env_cfg.get('cudnn_benchmark'):
            torch.backends.cudnn.benchmark = True
        set_multi_processing(**env_cfg.get('mp_cfg', {}), distributed=self.distributed)
        if self.distributed and not is_distributed():
            init_dist(self.launcher, **env_cfg.get('dist_cfg', {}))
        self._rank, self._world_size = get_dist_info()
        timestamp = torch.tensor(time.time(), dtype=torch.float64)
        broadcast(timestamp)
        self._timestamp = time.strftime('%Y%m%d_%H%M%S', time.localtime(timestamp.item()))
        raise_open_file_limit(env_cfg.get('resource_limit', 4096))

    def set_randomness(self, seed, diff_rank_seed: bool = False,
                       deterministic: bool = False) -> None:
        self._deterministic = deterministic
        self._seed = set_random_seed(seed=seed, deterministic=deterministic,
                                     diff_rank_seed=diff_rank_seed)

    def _log_env(self, env_cfg: dict) -> None:
        runtime = OrderedDict(env_cfg)
        runtime.update(self._randomness_cfg)
        runtime['seed'] = self._seed
        runtime['Distributed launcher'] = self._launcher
        runtime['Distributed training'] = self._distributed
        runtime['GPU number'] = self._world_size
        env = '\n    '.join(f'{k}: {v}' for k, v in collect_env().items())
        run = '\n    '.join(f'{k}: {v}' for k, v in runtime.items())
        line = '-' * 60
        self.logger.info(f'\n{line}\nSystem environment:\n    {env}\n\nRuntime environment:'
                         f'\n    {run}\n{line}\n')
        if len(self.cfg):
            self.logger.info(f'Config:\n{self.cfg.pretty_text}')

    # -- builders ----------------------------------------------------------------
    def build_logger(self, log_level: Union[int, str] = 'INFO', log_file: Optional[str] = None,
                     **kwargs) -> MMLogger:
        log_cfg = dict(log_level=log_level,
                       log_file=log_file or osp.join(self._log_dir, f'{self.timestamp}.log'),
                       **kwargs)
        log_cfg.setdefault('name', _instance_name(MMLogger, self._experiment_name))
        log_cfg.setdefault('file_mode', 'a')
        return MMLogger.get_instance(**log_cfg)

    def build_message_hub(self, message_hub: Optional[Dict] = None) -> MessageHub:
        name = _instance_name(MessageHub, self._experiment_name)
        if message_hub is None:
            message_hub = dict(name=name)
        elif isinstance(message_hub, dict):
            message_hub.setdefault('name', name)
        else:
            raise TypeError(f'message_hub must be a dict or None, got {message_hub!r}')
        return MessageHub.get_instance(**message_hub)

    def build_visualizer(self, visualizer=None) -> Visualizer:
        name = _instance_name(Visualizer, self._experiment_name)
        if visualizer is None:
            return Visualizer.get_instance(name=name, vis_backends=[dict(type='LocalVisBackend')],
                                           save_dir=self._log_dir)
        if isinstance(visualizer, Visualizer):
            return visualizer
        if isinstance(visualizer, dict):
            visualizer.setdefault('name', name)
            visualizer.setdefault('save_dir', self._log_dir)
            return VISUALIZERS.build(visualizer)
        raise TypeError(f'visualizer must be a Visualizer, a dict or None, got {visualizer!r}')

    def build_model(self, model: Union[nn.Module, Dict]) -> nn.Module:
        if isinstance(model, nn.Module):
            return model
        if isinstance(model, dict):
            return MODELS.build(model)
        raise TypeError(f'model must be an nn.Module or a config dict, got {type(model).__name__}')

    def wrap_model(self, model_wrapper_cfg: Optional[Dict], model: nn.Module) -> nn.Module:
        """Move the model to the device; in distributed runs wrap it
        (``MMDistributedDataParallel`` unless ``model_wrapper_cfg`` says
        otherwise), converting BN to SyncBN when ``cfg.sync_bn`` is set;
        otherwise revert SyncBN to BN."""
        if is_model_wrapper(model):
            if model_wrapper_cfg is not None:
                raise TypeError('the model is already wrapped, so model_wrapper_cfg must be '
                                f'None, got {model_wrapper_cfg}')
            return model
        model = model.to(get_device())
        if not self.distributed:
            self.logger.info('Distributed training is not used, all SyncBatchNorm (SyncBN) '
                             'layers in the model will be automatically reverted to '
                             'BatchNormXd layers if they are used.')
            return revert_sync_batchnorm(model)
        sync_bn = self.cfg.get('sync_bn', None)
        if sync_bn is not None:
            model = convert_sync_batchnorm(model, sync_bn)
        device_ids = [int(os.environ['LOCAL_RANK'])] if torch.cuda.is_available() else None
        if model_wrapper_cfg is None:
            return MMDistributedDataParallel(
                module=model, device_ids=device_ids, broadcast_buffers=False,
                find_unused_parameters=self.cfg.get('find_unused_parameters', False))
        if isinstance(model_wrapper_cfg, str):  # seed 000 writes the bare type name
            model_wrapper_cfg = dict(type=model_wrapper_cfg)
        model_wrapper_cfg = dict(model_wrapper_cfg)
        model_wrapper_cfg.setdefault('type', 'MMDistributedDataParallel')
        wrapper_type = model_wrapper_cfg['type']
        wrapper_cls = MODEL_WRAPPERS.get(wrapper_type) if isinstance(wrapper_type, str) \
            else wrapper_type
        if wrapper_cls is None:
            raise MODEL_WRAPPERS.unknown_type_error(wrapper_type)
        default_args = dict(module=model)
        if isinstance(wrapper_cls, type) and issubclass(wrapper_cls, DistributedDataParallel) \
                and device_ids is not None:
            default_args['device_ids'] = device_ids
        return MODEL_WRAPPERS.build(model_wrapper_cfg, default_args=default_args)

    def _init_model_weights(self) -> None:
        model = self.model.module if is_model_wrapper(self.model) else self.model
        if hasattr(model, 'init_weights'):
            model.init_weights()
            for params in model.state_dict().values():
                broadcast(params)

    def scale_lr(self, optim_wrapper: OptimWrapper, auto_scale_lr: Optional[Dict] = None) -> None:
        """Multiply every learning rate by (world size × batch size) /
        ``auto_scale_lr.base_batch_size`` when ``auto_scale_lr.enable``."""
        if auto_scale_lr is None or not auto_scale_lr.get('enable', False):
            return
        if 'base_batch_size' not in auto_scale_lr:
            raise KeyError('auto_scale_lr needs base_batch_size')
        real_bs = self.world_size * get_batch_size(self._train_dataloader)
        ratio = float(real_bs) / float(auto_scale_lr['base_batch_size'])
        self.logger.info(f'LR is set based on batch size of {auto_scale_lr["base_batch_size"]} '
                         f'and the current batch size is {real_bs}. Scaling the original LR '
                         f'by {ratio}.')

        def is_built(schedulers):
            if isinstance(schedulers, dict):
                return 'type' not in schedulers and any(map(is_built, schedulers.values()))
            if isinstance(schedulers, list):
                return any(map(is_built, schedulers))
            return isinstance(schedulers, _ParamScheduler)

        if is_built(self.param_schedulers):
            raise RuntimeError('scale_lr must run before the parameter schedulers are built')
        wrappers = list(optim_wrapper.values()) if isinstance(optim_wrapper, OptimWrapperDict) \
            else [optim_wrapper]
        for wrapper in wrappers:
            for group in wrapper.optimizer.param_groups:
                group['lr'] = group['lr'] * ratio

    def build_optim_wrapper(self, optim_wrapper) -> Union[OptimWrapper, OptimWrapperDict]:
        if isinstance(optim_wrapper, OptimWrapper):
            return optim_wrapper
        if not isinstance(optim_wrapper, dict):
            raise TypeError('optim_wrapper must be an OptimWrapper or a dict, got '
                            f'{type(optim_wrapper).__name__}')
        optimizer = optim_wrapper.get('optimizer', None)
        if isinstance(optimizer, Optimizer):
            optim_wrapper.setdefault('type', 'OptimWrapper')
            return OPTIM_WRAPPERS.build(optim_wrapper)
        if optimizer is not None or 'constructor' in optim_wrapper:
            return build_optim_wrapper(self.model, optim_wrapper)
        wrappers = OrderedDict()
        for name, optim in optim_wrapper.items():
            if not isinstance(optim, OptimWrapper):
                raise ValueError(
                    f'optim_wrapper.{name} must be a built OptimWrapper when optim_wrapper has '
                    'neither "optimizer" nor "constructor" (a config for several optimizers '
                    'needs a constructor that builds an OptimWrapperDict)')
            wrappers[name] = optim
        return OptimWrapperDict(**wrappers)

    def _build_param_scheduler(self, scheduler, optim_wrapper: OptimWrapper) -> list:
        schedulers = scheduler if isinstance(scheduler, (list, tuple)) else [scheduler]
        built = []
        for index, item in enumerate(schedulers):
            if isinstance(item, _ParamScheduler):
                built.append(item)
                continue
            if not isinstance(item, dict):
                raise TypeError(f'param_scheduler[{index}] must be a scheduler or a dict, got '
                                f'{item!r}')
            item = copy.deepcopy(item)
            if isinstance(self._train_loop, BaseLoop):
                item.setdefault('end', self.max_epochs if item.get('by_epoch', True)
                                else self.max_iters)
            built.append(PARAM_SCHEDULERS.build(item, default_args=dict(
                optimizer=optim_wrapper, epoch_length=len(self.train_dataloader))))
        return built

    def build_param_scheduler(self, scheduler):
        if not isinstance(self.optim_wrapper, OptimWrapperDict):
            if not isinstance(self.optim_wrapper, OptimWrapper):
                raise RuntimeError('build the optim wrapper before the parameter schedulers')
            return self._build_param_scheduler(scheduler, self.optim_wrapper)
        built = {}
        for name, wrapper in self.optim_wrapper.items():
            per_optimizer = isinstance(scheduler, dict) and 'type' not in scheduler
            built[name] = self._build_param_scheduler(scheduler[name] if per_optimizer
                                                      else scheduler, wrapper)
        return built

    def build_evaluator(self, evaluator) -> Evaluator:
        if isinstance(evaluator, Evaluator):
            return evaluator
        if isinstance(evaluator, dict):
            if 'metrics' in evaluator:
                evaluator.setdefault('type', 'Evaluator')
                return EVALUATOR.build(evaluator)
            return Evaluator(evaluator)
        if isinstance(evaluator, list):
            return Evaluator(evaluator)
        raise TypeError('an evaluator must be a dict, a list of dicts or an Evaluator (a bare '
                        f'metric object is not accepted), got {type(evaluator).__name__}')

    @staticmethod
    def build_dataloader(dataloader, seed: Optional[int] = None,
                         diff_rank_seed: bool = False) -> DataLoader:
        return build_dataloader(dataloader, seed, diff_rank_seed)

    def build_train_loop(self, loop) -> BaseLoop:
        if isinstance(loop, BaseLoop):
            return loop
        if not isinstance(loop, dict):
            raise TypeError(f'train_cfg must be a loop or a dict, got {loop!r}')
        cfg = copy.deepcopy(loop)
        if 'type' in cfg and 'by_epoch' in cfg:
            raise RuntimeError('train_cfg: give either `type` or `by_epoch`, not both')
        if 'type' in cfg:
            return LOOPS.build(cfg, default_args=dict(runner=self,
                                                      dataloader=self._train_dataloader))
        if 'by_epoch' not in cfg:
            raise KeyError("train_cfg needs type='EpochBasedTrainLoop' / 'IterBasedTrainLoop' "
                           'or by_epoch=True/False')
        loop_cls = EpochBasedTrainLoop if cfg.pop('by_epoch') else IterBasedTrainLoop
        return loop_cls(**cfg, runner=self, dataloader=self._train_dataloader)

    def _build_eval_loop(self, loop, default_cls, dataloader, evaluator, name: str) -> BaseLoop:
        if isinstance(loop, BaseLoop):
            return loop
        if not isinstance(loop, dict):
            raise TypeError(f'{name} must be a loop or a dict, got {loop!r}')
        cfg = copy.deepcopy(loop)
        if 'type' in cfg:
            return LOOPS.build(cfg, default_args=dict(runner=self, dataloader=dataloader,
                                                      evaluator=evaluator))
        return default_cls(**cfg, runner=self, dataloader=dataloader, evaluator=evaluator)

    def build_val_loop(self, loop) -> BaseLoop:
        return self._build_eval_loop(loop, ValLoop, self._val_dataloader, self._val_evaluator,
                                     'val_cfg')

    def build_test_loop(self, loop) -> BaseLoop:
        return self._build_eval_loop(loop, TestLoop, self._test_dataloader,
                                     self._test_evaluator, 'test_cfg')

    def build_log_processor(self, log_processor) -> LogProcessor:
        if isinstance(log_processor, LogProcessor):
            return log_processor
        if not isinstance(log_processor, dict):
            raise TypeError(f'log_processor must be a LogProcessor or a dict, got {log_processor!r}')
        cfg = copy.deepcopy(log_processor)
        return LOG_PROCESSORS.build(cfg) if 'type' in cfg else LogProcessor(**cfg)

    # -- running -----------------------------------------------------------------
    def load_or_resume(self) -> None:
        if self._has_loaded:
            return
        resume_from = None
        if self._resume and self._load_from is None:
            resume_from = find_latest_checkpoint(self.work_dir)
            self.logger.info(f'Auto resumed from the latest checkpoint {resume_from}.')
        elif self._resume:
            resume_from = self._load_from
        if resume_from is not None:
            self.resume(resume_from)
            self._has_loaded = True
        elif self._load_from is not None:
            self.load_checkpoint(self._load_from)
            self._has_loaded = True

    def train(self) -> nn.Module:
        """Build the training components, run ``before_run``, initialise
        the weights, load or resume, and run the train loop."""
        model = self.model.module if is_model_wrapper(self.model) else self.model
        if not hasattr(model, 'train_step'):
            raise TypeError(f'{type(model).__name__} has no train_step: derive the model from '
                            'BaseModel (or implement train_step(data, optim_wrapper))')
        if self._val_loop is not None and not hasattr(model, 'val_step'):
            raise TypeError(f'{type(model).__name__} has no val_step but a validation loop '
                            'is configured')
        if self._train_loop is None:
            raise RuntimeError('train() needs train_dataloader, train_cfg and optim_wrapper')
        self._train_loop = self.build_train_loop(self._train_loop)
        self.optim_wrapper = self.build_optim_wrapper(self.optim_wrapper)
        self.scale_lr(self.optim_wrapper, self.auto_scale_lr)
        if self.param_schedulers is not None:
            self.param_schedulers = self.build_param_scheduler(self.param_schedulers)
        if self._val_loop is not None:
            self._val_loop = self.build_val_loop(self._val_loop)
        self.call_hook('before_run')
        self._init_model_weights()
        self.load_or_resume()
        self.optim_wrapper.initialize_count_status(self.model, self._train_loop.iter,
                                                   self._train_loop.max_iters)
        self._maybe_compile('train_step')
        model = self.train_loop.run()
        self.sync_rng_state()  # a custom loop's last checkpoint, if it never synced
        self.call_hook('after_run')
        return model

    def _run_eval(self, mode: str) -> dict:
        if getattr(self, f'_{mode}_loop') is None:
            raise RuntimeError(f'{mode}() needs {mode}_dataloader, {mode}_cfg and '
                               f'{mode}_evaluator')
        loop = getattr(self, f'build_{mode}_loop')(getattr(self, f'_{mode}_loop'))
        setattr(self, f'_{mode}_loop', loop)
        self.call_hook('before_run')
        self.load_or_resume()
        metrics = loop.run()
        self.call_hook('after_run')
        return metrics

    def val(self) -> dict:
        """Validate (loading ``load_from`` first) and return the metrics."""
        return self._run_eval('val')

    def test(self) -> dict:
        """Test (loading ``load_from`` first) and return the metrics."""
        return self._run_eval('test')

    def call_hook(self, fn_name: str, **kwargs) -> None:
        """Call ``fn_name`` on every hook that has it, in priority order.

        Hooks whose method for a standard stage is the base class's no-op are
        skipped (the list per stage is computed once per set of hooks)."""
        hooks = self._hooks_by_stage.get(fn_name)
        if hooks is None:
            hooks = self._hooks_by_stage[fn_name] = hooks_for_stage(self._hooks, fn_name)
        for hook in hooks:
            try:
                getattr(hook, fn_name)(self, **kwargs)
            except TypeError as e:
                raise TypeError(f'{e} in {hook}') from None

    call_hooks = call_hook  # the spelling seed 001 uses

    def train_iter_hooks(self) -> Union[DefaultTrainIterHooks, bool]:
        """What the training loops call instead of ``call_hook`` at
        ``before_train_iter`` / ``after_train_iter`` while those stages have
        exactly the default hooks (``hooks.default_train_iter``), else False.
        Worked out once per set of hooks; the loops read the answer from
        ``_hooks_by_stage[RUNNER_CACHE_KEY]`` while it is there."""
        stages = self._hooks_by_stage
        fast = stages.get(RUNNER_CACHE_KEY)
        if fast is None:
            fast = False
            cls = type(self)
            # It calls no call_hook and reads the counters behind these
            # properties: a runner redefining any of them keeps call_hook.
            if all(getattr(cls, name) is getattr(Runner, name) for name in _FAST_PATH_READS) \
                    and 'call_hook' not in vars(self):
                fast = DefaultTrainIterHooks.for_hooks(
                    hooks_for_stage(self._hooks, 'before_train_iter'),
                    hooks_for_stage(self._hooks, 'after_train_iter')) or False
            stages[RUNNER_CACHE_KEY] = fast
        return fast

    def register_hook(self, hook: Union[Hook, Dict],
                      priority: Optional[Union[str, int, Priority]] = None) -> None:
        """Insert ``hook`` (an object or a config) after every hook with a
        priority value lower or equal; ``priority`` (or the config's
        ``priority`` key) overrides the hook's own."""
        if not isinstance(hook, (Hook, dict)):
            raise TypeError(f'a hook must be a Hook or a config dict, got {type(hook).__name__}')
        config_priority = None
        if isinstance(hook, dict):
            hook = dict(hook)
            config_priority = hook.pop('priority', None)
            hook = HOOKS.build(hook)
        if priority is not None:
            hook.priority = priority
        elif config_priority is not None:
            hook.priority = config_priority
        self._hooks_by_stage = {}
        value = get_priority(hook.priority)
        for index in range(len(self._hooks) - 1, -1, -1):
            if value >= get_priority(self._hooks[index].priority):
                self._hooks.insert(index + 1, hook)
                return
        self._hooks.insert(0, hook)

    def register_default_hooks(self, hooks: Optional[Dict[str, Union[Hook, Dict]]] = None) -> None:
        """The default hooks, updated by ``hooks`` (``None`` removes one)."""
        defaults: dict = dict(
            runtime_info=dict(type='RuntimeInfoHook'), timer=dict(type='IterTimerHook'),
            sampler_seed=dict(type='DistSamplerSeedHook'), logger=dict(type='LoggerHook'),
            param_scheduler=dict(type='ParamSchedulerHook'),
            checkpoint=dict(type='CheckpointHook', interval=1))
        for name, hook in (hooks or {}).items():
            if hook is None:
                if name not in defaults:
                    raise KeyError(f'default_hooks.{name}=None removes nothing: the default '
                                   f'hooks are {list(defaults)}')
                defaults.pop(name)
            else:
                defaults[name] = hook
        for hook in defaults.values():
            self.register_hook(hook)

    def register_custom_hooks(self, hooks: List[Union[Hook, Dict]]) -> None:
        for hook in hooks:
            self.register_hook(hook)

    def register_hooks(self, default_hooks=None, custom_hooks=None) -> None:
        self.register_default_hooks(default_hooks)
        if custom_hooks is not None:
            self.register_custom_hooks(custom_hooks)

    def get_hooks_info(self) -> str:
        stage_hooks: Dict[str, list] = {stage: [] for stage in Hook.stages}
        for hook in self.hooks:
            try:
                priority = Priority(get_priority(hook.priority)).name
            except ValueError:
                priority = hook.priority
            for stage in hook.get_triggered_stages():
                stage_hooks.setdefault(stage, []).append(
                    f'({priority:<12}) {type(hook).__name__:<35}')
        return '\n'.join(f'{stage}:\n' + '\n'.join(infos) + '\n -------------------- '
                         for stage, infos in stage_hooks.items() if infos)

    # -- checkpoints ---------------------------------------------------------------
    def _checked_model_keys(self, checkpoint: dict, filename: str, revise_keys,
                            exact: bool) -> None:
        """Refuse a checkpoint whose weights do not belong to this model."""
        import re
        state = checkpoint.get('state_dict', checkpoint)
        names = {}
        for key, value in state.items():
            for pattern, replacement in revise_keys:
                key = re.sub(pattern, replacement, key)
            names[key] = value
        model = self.model.module if is_model_wrapper(self.model) else self.model
        own = model.state_dict()
        common = set(own) & set(names)
        if own and not common:
            raise CheckpointMismatchError(
                f'{filename}: none of its {len(names)} weights match the model '
                f'{type(model).__name__} (checkpoint keys start with {sorted(names)[:3]}, the '
                f'model\'s with {sorted(own)[:3]}); is it the checkpoint of another model?')
        if exact:
            mismatched = [k for k in sorted(common) if hasattr(names[k], 'shape')
                          and tuple(names[k].shape) != tuple(own[k].shape)]
            if mismatched:
                k = mismatched[0]
                raise CheckpointMismatchError(
                    f'{filename}: cannot resume: {len(mismatched)} weights have other shapes '
                    f'than the model\'s (e.g. {k}: {tuple(names[k].shape)} in the checkpoint, '
                    f'{tuple(own[k].shape)} in the model)')

    def load_checkpoint(self, filename: str, map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False, revise_keys: list = [(r'^module.', '')],
                        weights_only: bool = True, *, _resuming: bool = False):
        """Load weights (``after_load_checkpoint`` hooks run first) and
        return the checkpoint dict."""
        checkpoint = _load_checkpoint(filename, map_location=map_location,
                                      weights_only=weights_only)
        if not isinstance(checkpoint, dict):
            raise CheckpointMismatchError(f'{filename}: not a checkpoint (no state_dict)')
        if _resuming and not isinstance(checkpoint.get('meta'), dict):
            raise CheckpointMismatchError(
                f'{filename}: cannot resume: it has no meta (the epoch and iteration it was '
                'saved at); to start from its weights, use load_from without resume')
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        self._checked_model_keys(checkpoint, filename, revise_keys, exact=self._resume)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        checkpoint = _load_checkpoint_to_model(model, checkpoint, strict, revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    def resume(self, filename: str, resume_optimizer: bool = True,
               resume_param_scheduler: bool = True,
               map_location: Union[str, Callable] = 'default') -> None:
        """Restore weights, epoch/iteration, message hub, optimizer and
        scheduler states from ``filename``."""
        if map_location == 'default':
            map_location = get_device()
        checkpoint = self.load_checkpoint(filename, map_location=map_location, _resuming=True)
        by_epoch = not isinstance(self.train_loop, IterBasedTrainLoop)
        for upgrade in CHECKPOINT_UPGRADERS:
            upgraded = upgrade(checkpoint, by_epoch)
            if upgraded is not None:
                self.logger.info(f'{filename}: resuming from its {upgrade.__doc__}')
                checkpoint = upgraded
                break
        meta = checkpoint.get('meta')
        if not isinstance(meta, dict) or 'epoch' not in meta or 'iter' not in meta:
            raise CheckpointMismatchError(f'{filename}: cannot resume: its meta has no '
                                          'epoch/iter (use load_from to load weights only)')
        if 'message_hub' not in checkpoint:
            raise CheckpointMismatchError(
                f'{filename}: cannot resume: no message_hub state (an MMCV 1.x checkpoint? '
                'convert it with `mmmigrate checkpoint`, or use load_from for weights only)')
        self.train_loop._epoch = meta['epoch']
        self.train_loop._iter = meta['iter']
        if 'config' in meta:
            self._check_gpu_count(Config.fromstring(meta['config'], file_format='.py'))
        resumed_seed = meta.get('seed', None)
        current_seed = self._randomness_cfg.get('seed')
        if resumed_seed is not None and resumed_seed != current_seed:
            if current_seed is not None:
                self.logger.warning(f'The value of random seed in the checkpoint '
                                    f'"{resumed_seed}" is different from the value in '
                                    f'`randomness` config "{current_seed}"')
            self._randomness_cfg.update(seed=resumed_seed)
            self.set_randomness(**self._randomness_cfg)
        dataset_meta = getattr(self.train_dataloader.dataset, 'metainfo', None)
        if pickle.dumps(meta.get('dataset_meta', None)) != pickle.dumps(dataset_meta):
            self.logger.warning('The dataset metainfo from the resumed checkpoint is different '
                                'from the current training dataset, please check the '
                                'correctness of the checkpoint or the training dataset.')
        self.message_hub.load_state_dict(checkpoint['message_hub'])
        if 'optimizer' in checkpoint and resume_optimizer:
            self.optim_wrapper = self.build_optim_wrapper(self.optim_wrapper)
            self.optim_wrapper.load_state_dict(checkpoint['optimizer'])
        if resume_param_scheduler and self.param_schedulers is None:
            self.logger.warning('`resume_param_scheduler` is True but `self.param_schedulers` '
                                'is None, so skip resuming parameter schedulers')
            resume_param_scheduler = False
        if 'param_schedulers' in checkpoint and resume_param_scheduler:
            self.param_schedulers = self.build_param_scheduler(self.param_schedulers)
            saved = checkpoint['param_schedulers']
            if isinstance(self.param_schedulers, dict):
                for name, schedulers in self.param_schedulers.items():
                    for scheduler, state in zip(schedulers, saved[name]):
                        scheduler.load_state_dict(state)
            else:
                for scheduler, state in zip(self.param_schedulers, saved):
                    scheduler.load_state_dict(state)
        elif meta.get(REPLAY_SCHEDULES) and resume_param_scheduler:
            self._replay_param_schedulers()
        self._random_state.load(filename, checkpoint)
        self._has_loaded = True
        self.logger.info(f'resumed epoch: {self.epoch}, iter: {self.iter}')

    def _replay_param_schedulers(self) -> None:
        """Schedules of a run resumed from an MMCV checkpoint, which holds no
        scheduler state: the lr goes back to each group's ``initial_lr``
        (MMCV's LrUpdaterHook wrote it there), the schedulers are built
        afresh and stepped as ParamSchedulerHook would have stepped them up
        to the resumed epoch / iteration, so the lr continues where MMCV
        stopped."""
        if self._param_scheduler_cfg is None:
            self.logger.warning('the MMCV checkpoint holds no scheduler state and the '
                                'schedulers were given built: the lr schedule restarts')
            return
        wrappers = (list(self.optim_wrapper.values())
                    if isinstance(self.optim_wrapper, OptimWrapperDict) else [self.optim_wrapper])
        for wrapper in wrappers:
            for group in wrapper.optimizer.param_groups:
                for key in ('lr', 'momentum'):
                    if f'initial_{key}' in group and key in group:
                        group[key] = group[f'initial_{key}']
        self.param_schedulers = self.build_param_scheduler(self._param_scheduler_cfg)
        lists = (list(self.param_schedulers.values()) if isinstance(self.param_schedulers, dict)
                 else [self.param_schedulers])
        schedulers = [s for group in lists for s in group]
        by_iter = [s for s in schedulers if not s.by_epoch]
        by_epoch = [s for s in schedulers if s.by_epoch]
        if isinstance(self.train_loop, IterBasedTrainLoop):
            for _ in range(self.iter):
                for scheduler in by_iter:
                    scheduler.step()
        else:
            per_epoch = len(self.train_dataloader)
            for _ in range(self.epoch):
                for _ in range(per_epoch):
                    for scheduler in by_iter:
                        scheduler.step()
                for scheduler in by_epoch:
                    scheduler.step()
        self.logger.info(f'learning-rate schedule replayed to epoch {self.epoch}, iteration '
                         f'{self.iter} (the MMCV checkpoint holds no scheduler state)')

    def _check_gpu_count(self, config: Config) -> None:
        previous = config.get('gpu_ids', None)
        if previous and len(previous) != self._world_size:
            if self.auto_scale_lr is None or not self.auto_scale_lr.get('enable', False):
                raise RuntimeError(
                    'Number of GPUs used for current experiment is not consistent with the '
                    'checkpoint being resumed from. This will result in poor performance due '
                    'to the learning rate. You must set the `auto_scale_lr` parameter for '
                    'Runner and make `auto_scale_lr["enable"]=True`.')
            self.logger.info('Number of GPU used for current experiment is not consistent with '
                             'resuming from checkpoint but the leaning rate will be adjusted '
                             f'according to the setting in auto_scale_lr={self.auto_scale_lr}')

    def sync_rng_state(self) -> None:
        """Called by the train loops where training continues (before an
        epoch's data is drawn, before each iteration of an iteration-based
        loop, and when training ends): restores the random state of a
        resumed checkpoint, or records it for the checkpoint saved since
        the last call, which only then becomes resumable (``rng_state``)."""
        self._random_state.sync()

    def when_checkpoint_resumable(self, action) -> None:
        """Run ``action()`` once the checkpoint saved last (with its
        optimizer) can be resumed bitwise, at once when none is waiting.
        ``CheckpointHook`` names a checkpoint in ``last_checkpoint`` (and
        deletes the ones ``max_keep_ckpts`` lets go) through this."""
        self._random_state.when_resumable(action)

    def save_checkpoint(self, out_dir: str, filename: str, file_client_args=None,
                        save_optimizer: bool = True, save_param_scheduler: bool = True,
                        meta: Optional[dict] = None, by_epoch: bool = True,
                        backend_args=None) -> None:
        """Write a checkpoint (atomically, on rank 0) in MMEngine's layout, made
        of plain data only, so it loads with ``torch.load(weights_only=True)``.
        A checkpoint with the optimizer state can be resumed: every rank
        records its random state for it where training continues
        (``sync_rng_state``)."""
        if file_client_args is not None or backend_args is not None:
            raise ValueError('save_checkpoint: remote storage (file_client_args/backend_args) '
                             'is not supported by the bundled engine')
        path = osp.join(out_dir, filename)
        if save_optimizer:
            self._random_state.before_save(path)
        self._write_checkpoint(out_dir, filename, save_optimizer, save_param_scheduler, meta,
                               by_epoch)
        if save_optimizer:
            self._random_state.after_save(path)

    @master_only
    def _write_checkpoint(self, out_dir: str, filename: str, save_optimizer: bool,
                          save_param_scheduler: bool, meta: Optional[dict],
                          by_epoch: bool) -> None:
        if meta is None:
            meta = {}
        elif not isinstance(meta, dict):
            raise TypeError(f'meta must be a dict or None, got {type(meta).__name__}')
        if by_epoch:
            meta.setdefault('epoch', self.epoch + 1)
            meta.setdefault('iter', self.iter)
        else:
            meta.setdefault('epoch', self.epoch)
            meta.setdefault('iter', self.iter + 1)
        meta.update(cfg=self.cfg.pretty_text, seed=self.seed,
                    experiment_name=self.experiment_name,
                    time=time.strftime('%Y%m%d_%H%M%S', time.localtime()),
                    mmengine_version=ENGINE_VERSION)
        if hasattr(self.train_dataloader.dataset, 'metainfo'):
            meta.update(dataset_meta=self.train_dataloader.dataset.metainfo)
        model = self.model.module if is_model_wrapper(self.model) else self.model

        def to_cpu(state):
            return apply_to(state, lambda x: hasattr(x, 'cpu'), lambda x: x.cpu())

        checkpoint = {
            'meta': meta,
            'state_dict': weights_to_cpu(model.state_dict()),
            'message_hub': to_cpu(self.message_hub.plain_state_dict()),
            # Random state when saved; the per-rank files written at the next
            # training step are preferred (see sync_rng_state).
            'rng_state': capture_rng_state(),
        }
        if save_optimizer:
            if not isinstance(self.optim_wrapper, OptimWrapper):
                raise TypeError('save_optimizer needs a built OptimWrapper, got '
                                f'{type(self.optim_wrapper).__name__}')
            checkpoint['optimizer'] = to_cpu(self.optim_wrapper.state_dict())
        if save_param_scheduler and self.param_schedulers is None:
            self.logger.warning('`save_param_scheduler` is True but `self.param_schedulers` is '
                                'None, so skip saving parameter schedulers')
            save_param_scheduler = False
        if save_param_scheduler:
            if isinstance(self.param_schedulers, dict):
                checkpoint['param_schedulers'] = {
                    name: [s.state_dict() for s in schedulers]
                    for name, schedulers in self.param_schedulers.items()}
            else:
                checkpoint['param_schedulers'] = [s.state_dict() for s in self.param_schedulers]
        self.call_hook('before_save_checkpoint', checkpoint=checkpoint)
        save_checkpoint(checkpoint, osp.join(out_dir, filename))

    @master_only
    def dump_config(self) -> None:
        name = osp.basename(self.cfg.filename) if self.cfg.filename else f'{self.timestamp}.py'
        self.cfg.dump(osp.join(self.work_dir, name))

    def _check_scheduler_cfg(self, param_scheduler) -> None:
        if param_scheduler is None or isinstance(param_scheduler, _ParamScheduler) or \
                is_seq_of(param_scheduler, _ParamScheduler):
            return
        if is_seq_of(param_scheduler, dict):
            for index, item in enumerate(param_scheduler):
                if 'type' not in item:
                    raise KeyError(f'param_scheduler[{index}] has no "type": {item!r}')
        elif isinstance(param_scheduler, dict):
            if 'type' not in param_scheduler:
                for name, item in param_scheduler.items():
                    if not isinstance(item, (dict, tuple, list, _ParamScheduler)):
                        raise TypeError(f'param_scheduler.{name} must be a dict or a list, got '
                                        f'{type(item).__name__}')
        else:
            raise TypeError(
                'param_scheduler must be a scheduler, a dict (one scheduler, or one entry per '
                f'optimizer) or a list of dicts, got {type(param_scheduler).__name__}')

    def _maybe_compile(self, target: str) -> None:
        compile_cfg = self.cfg.get('compile', None)
        if compile_cfg is None or compile_cfg is False:
            return
        compile_cfg = {} if compile_cfg is True else dict(compile_cfg)
        setattr(self.model, target, torch.compile(getattr(self.model, target), **compile_cfg))
        self.logger.info('Model has been "compiled". The first few iterations will be slow, '
                         'please be patient.')

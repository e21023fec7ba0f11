"""``Runner``: builds what a config describes and runs training, validation
and test through loops and hooks (``mmengine.runner.Runner``).

The builders are in ``runner_builders.py``, loading, resuming and saving
checkpoints in ``runner_checkpointing.py``, registering and calling hooks in
``runner_hooks.py`` (mixins of ``Runner``).

Everything follows MMEngine 0.10.7's order of construction and of calls,
including the points where random numbers are drawn, so that the same
config and seed give the same numbers.
"""
import copy
import os.path as osp
import time
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Union

import torch
import torch.nn as nn
from torch.utils.data import DataLoader

from ..config import Config
from ..dist import broadcast, get_dist_info, init_dist, is_distributed, master_only
from ..hooks import Hook
from ..hooks.default_train_iter import RUNNER_CACHE_KEY, DefaultTrainIterHooks
from ..hooks.hook import hooks_for_stage
from ..model import is_model_wrapper
from ..optim import OptimWrapper, _ParamScheduler
from ..registry import RUNNERS, DefaultScope
from ..utils import is_seq_of, mkdir_or_exist
from ..utils.dl_utils import collect_env, set_multi_processing
from ..visualization import Visualizer
from .base_loop import BaseLoop
from .checkpoint import find_latest_checkpoint
from .environment import raise_open_file_limit
from .loops import keeps_own_counters
from .rng_state import RandomStateKeeper
from .runner_builders import RunnerBuilders, _instance_name
from .runner_checkpointing import RunnerCheckpointing
from .runner_hooks import RunnerHooks
from .utils import set_random_seed



def _all_or_none(names: str, values) -> None:
    if not (all(v is None for v in values) or all(v is not None for v in values)):
        given = [n for n, v in zip(names.split(', '), values) if v is not None]
        missing = [n for n, v in zip(names.split(', '), values) if v is None]
        raise ValueError(f'{names} should be either all None or not None: got {given} but '
                         f'not {missing}')


_NO_LOOP = object()  # never a train loop
_FAST_PATH_READS = ('call_hook', 'iter', 'epoch', 'max_iters', 'train_dataloader')


def _holds_built_scheduler(schedulers) -> bool:
    if isinstance(schedulers, dict):
        return any(map(_holds_built_scheduler, schedulers.values()))
    if isinstance(schedulers, (list, tuple)):
        return any(map(_holds_built_scheduler, schedulers))
    return isinstance(schedulers, _ParamScheduler)


@RUNNERS.register_module()
class Runner(RunnerHooks, RunnerBuilders, RunnerCheckpointing):
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
            raise ValueError('param_scheduler should be None when optim_wrapper is None')
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
            raise AssertionError(f'If you want to validate, {type(model).__name__} must '
                                 'implement val_step (a validation loop is configured)')
        if self._train_loop is None:
            raise RuntimeError('`self._train_loop` should not be None when calling train(): '
                               'give train_dataloader, train_cfg and optim_wrapper')
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
            raise RuntimeError(f'`self._{mode}_loop` should not be None when calling {mode}(): '
                               f'give {mode}_dataloader, {mode}_cfg and {mode}_evaluator')
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
                if 'type' not in item:  # AssertionError, as MMEngine raises
                    raise AssertionError('Each parameter scheduler should contain the key type, '
                                         f'but param_scheduler[{index}] is {item!r}')
        elif isinstance(param_scheduler, dict):
            if 'type' not in param_scheduler:
                for name, item in param_scheduler.items():
                    if not isinstance(item, (dict, tuple, list, _ParamScheduler)):
                        raise AssertionError('Each value of `param_scheduler` should be a dict or '
                                             f'a list, but param_scheduler.{name} is '
                                             f'{type(item).__name__}')
        else:
            raise TypeError(
                '`param_scheduler` should be a `_ParamScheduler`, `dict`, a list of them, or a '
                'dict with one entry per optimizer, but got '
                f'{type(param_scheduler).__name__}')

    def _maybe_compile(self, target: str) -> None:
        compile_cfg = self.cfg.get('compile', None)
        if compile_cfg is None or compile_cfg is False:
            return
        compile_cfg = {} if compile_cfg is True else dict(compile_cfg)
        setattr(self.model, target, torch.compile(getattr(self.model, target), **compile_cfg))
        self.logger.info('Model has been "compiled". The first few iterations will be slow, '
                         'please be patient.')

"""The ``build_*`` methods of the Runner (logger, message hub, visualizer,
model and its wrapper, optimizer wrapper, parameter schedulers, evaluator,
dataloaders, loops, log processor), as a mixin of ``Runner``."""
import copy
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, Optional, Union

import torch
import torch.nn as nn
from torch.nn.parallel.distributed import DistributedDataParallel
from torch.optim import Optimizer
from torch.utils.data import DataLoader

from ..device import get_device
from ..dist import broadcast
from ..evaluator import Evaluator
from ..logging import MessageHub, MMLogger
from ..model import (MMDistributedDataParallel, convert_sync_batchnorm, is_model_wrapper,
                     revert_sync_batchnorm)
from ..optim import OptimWrapper, OptimWrapperDict, _ParamScheduler, build_optim_wrapper
from ..registry import (EVALUATOR, LOG_PROCESSORS, LOOPS, MODEL_WRAPPERS, MODELS, OPTIM_WRAPPERS,
                        PARAM_SCHEDULERS, VISUALIZERS)
from ..visualization import Visualizer
from .base_loop import BaseLoop
from .dataloader import build_dataloader
from .log_processor import LogProcessor
from .loops import EpochBasedTrainLoop, IterBasedTrainLoop, TestLoop, ValLoop
from .utils import get_batch_size



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


class RunnerBuilders:
    """Builders of ``Runner``: each takes what the config gave (a built
    object is returned as it is)."""

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
            raise TypeError(f'message_hub should be dict or None, but got {message_hub!r}')
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
        raise TypeError('visualizer should be Visualizer object, a dict or None, but got '
                        f'{visualizer!r}')

    def build_model(self, model: Union[nn.Module, Dict]) -> nn.Module:
        if isinstance(model, nn.Module):
            return model
        if isinstance(model, dict):
            return MODELS.build(model)
        raise TypeError('model should be a nn.Module object or dict, but got '
                        f'{type(model).__name__}')

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
            raise AssertionError('Lack of `base_batch_size` in `auto_scale_lr`.')
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
            raise TypeError('optimizer wrapper should be an OptimWrapper object or dict, but got '
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
                    'each item mush be an optimizer object when "type" and "constructor" are '
                    f'not in optimizer, but got {name}={optim} (a config for several '
                    'optimizers needs a constructor that builds an OptimWrapperDict)')
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
                raise AssertionError('`build_optim_wrapper` should be called before '
                                     '`build_param_scheduler`')
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
        raise TypeError('evaluator should be one of dict, list of dict, and Evaluator (a bare '
                        f'metric object is not accepted), got {type(evaluator).__name__}')

    @staticmethod
    def build_dataloader(dataloader, seed: Optional[int] = None,
                         diff_rank_seed: bool = False) -> DataLoader:
        return build_dataloader(dataloader, seed, diff_rank_seed)

    def build_train_loop(self, loop) -> BaseLoop:
        if isinstance(loop, BaseLoop):
            return loop
        if not isinstance(loop, dict):
            raise TypeError(f'train_cfg should be a BaseLoop object or dict, but got {loop!r}')
        cfg = copy.deepcopy(loop)
        if 'type' in cfg and 'by_epoch' in cfg:
            raise RuntimeError('Only one of `type` or `by_epoch` can exist in `train_cfg`.')
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
            raise TypeError(f'{name} should be a BaseLoop object or dict, but got {loop!r}')
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
            raise TypeError('log_processor should be a LogProcessor object or dict, but got '
                            f'{log_processor!r}')
        cfg = copy.deepcopy(log_processor)
        return LOG_PROCESSORS.build(cfg) if 'type' in cfg else LogProcessor(**cfg)

"""Loading, resuming and saving checkpoints: the checkpoint methods of the
Runner, as a mixin of ``Runner``."""
import os.path as osp
import pickle
import time
from typing import Callable, Optional, Union


from ..config import Config
from ..device import get_device
from ..dist import master_only
from ..model import is_model_wrapper
from ..optim import OptimWrapper, OptimWrapperDict
from ..utils import apply_to
from ..version import __version__
from .checkpoint import (CHECKPOINT_UPGRADERS, REPLAY_SCHEDULES, _load_checkpoint,
                         _load_checkpoint_to_model, save_checkpoint, weights_to_cpu)
from .rng_state import capture_rng_state
from .loops import IterBasedTrainLoop



class CheckpointMismatchError(RuntimeError):
    """A checkpoint does not belong to the model it is loaded into."""


class RunnerCheckpointing:
    """``load_checkpoint``, ``resume`` and ``save_checkpoint`` of ``Runner``."""

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
                    mmengine_version=__version__)
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

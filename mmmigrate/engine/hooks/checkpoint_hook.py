"""``CheckpointHook``: periodic, last and best checkpoints."""
import functools
import hashlib
import os
import os.path as osp
import pickle
import shutil
from collections import deque
from math import inf
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Union

from ..dist import is_main_process, master_only
from ..logging import print_log
from ..registry import HOOKS
from ..utils import is_list_of, is_seq_of
from .hook import DATA_BATCH, Hook


def _remove(path: str) -> bool:
    from ..runner.rng_state import sidecar_paths
    for sidecar in sidecar_paths(path):
        os.remove(sidecar)
    if osp.isfile(path):
        os.remove(path)
        return True
    if osp.isdir(path):
        shutil.rmtree(path)
        return True
    return False


@HOOKS.register_module()
class CheckpointHook(Hook):
    """Save a checkpoint every ``interval`` epochs (``by_epoch``) or
    iterations, from ``save_begin`` on, and at the end (``save_last``).

    ``max_keep_ckpts`` keeps only the newest periodic checkpoints.
    ``save_best`` (a metric name, a list of them, or ``'auto'`` for the first
    metric) keeps the best checkpoint by ``rule`` (``'greater'``/``'less'``,
    inferred from ``greater_keys``/``less_keys`` when omitted).
    ``published_keys`` writes a slim copy of the last/best checkpoints
    named with their sha256 prefix. The work dir's ``last_checkpoint``
    file names the newest checkpoint that resumes bitwise, for
    ``resume=True``: a checkpoint is named there (and the one
    ``max_keep_ckpts`` lets go is deleted) once training goes on after it,
    past the validation that follows the save, when its random state is
    recorded (``Runner.when_checkpoint_resumable``); MMEngine names it at
    once. Checkpoints are written atomically. Only local paths are
    supported.
    Unlike MMEngine, a previous best checkpoint is only deleted when it lies
    in this run's ``out_dir`` (a run resumed elsewhere keeps the original).
    """
    out_dir: str
    priority = 'VERY_LOW'
    rule_map = {'greater': lambda x, y: x > y, 'less': lambda x, y: x < y}
    init_value_map = {'greater': -inf, 'less': inf}
    _default_greater_keys = ['acc', 'top', 'AR@', 'auc', 'precision', 'mAP', 'mDice',
                             'mIoU', 'mAcc', 'aAcc']
    _default_less_keys = ['loss']

    def __init__(self, interval: int = -1, by_epoch: bool = True,
                 save_optimizer: bool = True, save_param_scheduler: bool = True,
                 out_dir: Optional[Union[str, Path]] = None, max_keep_ckpts: int = -1,
                 save_last: bool = True, save_best: Union[str, List[str], None] = None,
                 rule: Union[str, List[str], None] = None,
                 greater_keys: Optional[Sequence[str]] = None,
                 less_keys: Optional[Sequence[str]] = None,
                 file_client_args: Optional[dict] = None, filename_tmpl: Optional[str] = None,
                 backend_args: Optional[dict] = None,
                 published_keys: Union[str, List[str], None] = None, save_begin: int = 0,
                 **kwargs) -> None:
        if kwargs:
            raise TypeError(
                f'CheckpointHook got unknown arguments {sorted(kwargs)}; MMCV-only keys such as '
                'create_symlink, sync_buffer and meta have no MMEngine equivalent (remove them)')
        if file_client_args is not None and backend_args is not None:
            raise ValueError('"file_client_args" and "backend_args" cannot be set at the same '
                             'time.')
        self.file_client_args = file_client_args
        self.backend_args = backend_args
        self.interval = interval
        self.by_epoch = by_epoch
        self.save_optimizer = save_optimizer
        self.save_param_scheduler = save_param_scheduler
        self.out_dir = None if out_dir is None else str(out_dir)
        self.max_keep_ckpts = max_keep_ckpts
        self.save_last = save_last
        self.filename_tmpl = filename_tmpl or ('epoch_{}.pth' if by_epoch else 'iter_{}.pth')
        # AssertionError for bad settings, as MMEngine raises.
        if not (save_best is None or isinstance(save_best, str) or is_list_of(save_best, str)):
            raise AssertionError('CheckpointHook: "save_best" should be a str or list of str '
                                 f'or None, but got {type(save_best)}')
        if isinstance(save_best, list):
            if 'auto' in save_best and len(save_best) != 1:
                raise AssertionError('CheckpointHook: Only support one "auto" in "save_best" '
                                     'list.')
            if len(save_best) != len(set(save_best)):
                raise AssertionError('CheckpointHook: Find duplicate element in "save_best".')
        elif save_best is not None:
            save_best = [save_best]
        self.save_best = save_best
        if not (rule is None or isinstance(rule, str) or is_list_of(rule, str)):
            raise AssertionError('CheckpointHook: "rule" should be a str or list of str or '
                                 f'None, but got {type(rule)}')
        if isinstance(rule, list):
            if len(rule) not in (1, len(self.save_best or [])):
                raise AssertionError('CheckpointHook: Number of "rule" must be 1 or the same as '
                                     f'number of "save_best", but got {len(rule)}.')
        else:
            rule = [rule]
        self.greater_keys = self._as_keys(greater_keys, self._default_greater_keys)
        self.less_keys = self._as_keys(less_keys, self._default_less_keys)
        if self.save_best is not None:
            self.is_better_than: Dict[str, Callable] = {}
            self._init_rule(rule, self.save_best)
            if len(self.key_indicators) == 1:
                self.best_ckpt_path: Optional[str] = None
            else:
                self.best_ckpt_path_dict: Dict = {}
        if isinstance(published_keys, str):
            published_keys = [published_keys]
        elif published_keys is not None:
            if not is_seq_of(published_keys, str):
                raise TypeError('CheckpointHook: `published_keys` must be a str or a '
                                'sequence of str')
            if len(published_keys) != len(set(published_keys)):
                raise AssertionError('CheckpointHook: Find duplicate elements in '
                                     '"published_keys".')
        self.published_keys = published_keys
        self.last_ckpt = None
        if save_begin < 0:
            raise ValueError(f'CheckpointHook: `save_begin` must be >= 0, got {save_begin}')
        self.save_begin = save_begin

    @staticmethod
    def _as_keys(keys, default):
        if keys is None:
            return default
        if not isinstance(keys, (list, tuple)):
            keys = (keys, )
        if not is_seq_of(keys, str):
            raise TypeError(f'CheckpointHook: metric keys must be strings, got {keys!r}')
        return keys

    def _init_rule(self, rules, key_indicators) -> None:
        if len(rules) == 1:
            rules = rules * len(key_indicators)
        self.rules = []
        for rule, key in zip(rules, key_indicators):
            if rule not in self.rule_map and rule is not None:
                raise KeyError(f"CheckpointHook: rule must be 'greater', 'less' or None, "
                               f'got {rule!r}')
            if rule is None and key != 'auto':
                lower = key.lower()
                greater = {k.lower() for k in self.greater_keys}
                less = {k.lower() for k in self.less_keys}
                if lower in greater:
                    rule = 'greater'
                elif lower in less:
                    rule = 'less'
                elif any(k in lower for k in greater):
                    rule = 'greater'
                elif any(k in lower for k in less):
                    rule = 'less'
                else:
                    raise ValueError(f'CheckpointHook: cannot infer whether a greater or a '
                                     f"smaller {key!r} is better; set rule='greater' or 'less'")
            if rule is not None:
                self.is_better_than[key] = self.rule_map[rule]
            self.rules.append(rule)
        self.key_indicators = key_indicators

    def _path(self, filename: str) -> str:
        return osp.join(self.out_dir, filename)

    def _open_storage(self) -> None:
        """``file_client`` (MMCV's interface) and ``file_backend`` of
        ``out_dir``. Checkpoints are written by crash-safe local writes, so
        the storage must be the local disk: an object store (``s3://...``)
        is refused here with the reason."""
        from ..fileio import FileClient, LocalBackend, get_file_backend
        self.file_client = FileClient.infer_client(self.file_client_args, self.out_dir)
        if self.file_client_args is None:
            self.file_backend = get_file_backend(self.out_dir, backend_args=self.backend_args)
        else:
            self.file_backend = self.file_client
        local = self.file_backend if not isinstance(self.file_backend, FileClient) \
            else self.file_backend.client
        if not isinstance(local, LocalBackend):
            raise ValueError(f'CheckpointHook: out_dir {self.out_dir} is in {local.name} '
                             'storage; the bundled engine writes checkpoints crash-safely to '
                             'the local disk only: give a local out_dir and copy them after')

    def before_train(self, runner) -> None:
        if self.out_dir is None:
            self.out_dir = runner.work_dir
        self._open_storage()
        if self.out_dir != runner.work_dir:
            self.out_dir = self.file_backend.join_path(
                self.out_dir, osp.basename(runner.work_dir.rstrip(osp.sep)))
        runner.logger.info(f'Checkpoints will be saved to {self.out_dir}.')
        self._remove_interrupted_writes()
        hub = runner.message_hub
        if self.save_best is not None:
            if len(self.key_indicators) == 1:
                self.best_ckpt_path = hub.get_info('best_ckpt')
            else:
                for key in self.key_indicators:
                    self.best_ckpt_path_dict[key] = hub.get_info(f'best_ckpt_{key}')
        if self.max_keep_ckpts > 0:
            keep_ckpt_ids = list(hub.get_info('keep_ckpt_ids', []))
            while len(keep_ckpt_ids) > self.max_keep_ckpts:
                step = keep_ckpt_ids.pop(0)
                if is_main_process():
                    _remove(self._path(self.filename_tmpl.format(step)))
            self.keep_ckpt_ids: deque = deque(keep_ckpt_ids, self.max_keep_ckpts)

    def after_train_epoch(self, runner) -> None:
        if not self.by_epoch:
            return
        if self.every_n_epochs(runner, self.interval, self.save_begin) or (
                self.save_last and self.is_last_train_epoch(runner)):
            runner.logger.info(f'Saving checkpoint at {runner.epoch + 1} epochs')
            self._save_checkpoint(runner)

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        if self.by_epoch:
            return
        if self.every_n_train_iters(runner, self.interval, self.save_begin) or (
                self.save_last and self.is_last_train_iter(runner)):
            runner.logger.info(f'Saving checkpoint at {runner.iter + 1} iterations')
            self._save_checkpoint(runner)

    def after_val_epoch(self, runner, metrics=None) -> None:
        # `metrics` defaults to None like every other hook's (MMEngine's
        # CheckpointHook requires it; seed 001's custom loop omits it).
        if not metrics:
            runner.logger.warning('Since `metrics` is an empty dict, the behavior to save '
                                  'the best checkpoint will be skipped in this evaluation.')
            return
        self._save_best_checkpoint(runner, metrics)

    def after_train(self, runner) -> None:
        if self.published_keys is None:
            return
        if self.save_last and self.last_ckpt is not None:
            self._publish_model(runner, self.last_ckpt)
        if getattr(self, 'best_ckpt_path', None) is not None:
            self._publish_model(runner, str(self.best_ckpt_path))
        for best in getattr(self, 'best_ckpt_path_dict', {}).values():
            if best is not None:
                self._publish_model(runner, best)

    @master_only
    def _publish_model(self, runner, ckpt_path: str) -> None:
        from ..runner.checkpoint import _load_checkpoint, save_checkpoint
        checkpoint = _load_checkpoint(ckpt_path)
        removed = [key for key in list(checkpoint) if key not in self.published_keys]
        for key in removed:
            checkpoint.pop(key)
        if removed:
            print_log(f'Key {removed} will be removed because they are not found in '
                      'published_keys. If you want to keep them, please set '
                      f'`{removed}` in published_keys', logger='current')
        sha = hashlib.sha256(pickle.dumps(checkpoint)).hexdigest()
        final_path = osp.splitext(ckpt_path)[0] + f'-{sha[:8]}.pth'
        save_checkpoint(checkpoint, final_path)
        print_log(f'The checkpoint ({ckpt_path}) is published to {final_path}.',
                  logger='current')

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        evicted = None
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and
                                            self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                evicted = self._path(self.filename_tmpl.format(self.keep_ckpt_ids.popleft()))
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
        filename = self.filename_tmpl.format(step)
        self.last_ckpt = self._path(filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(self.out_dir, filename, save_optimizer=self.save_optimizer,
                               save_param_scheduler=self.save_param_scheduler, meta=meta,
                               by_epoch=self.by_epoch)
        if is_main_process():
            # Named for --resume, and the old one deleted, only once the new
            # one can be resumed bitwise (see engine/runner/rng_state.py).
            commit = functools.partial(self._name_last_checkpoint, runner.work_dir,
                                       self.last_ckpt, evicted)
            if hasattr(runner, 'when_checkpoint_resumable'):
                runner.when_checkpoint_resumable(commit)
            else:  # a runner of another engine
                commit()

    @staticmethod
    def _name_last_checkpoint(work_dir: str, checkpoint: str, evicted: Optional[str]) -> None:
        from ..runner.checkpoint import atomic_write_text
        atomic_write_text(osp.join(work_dir, 'last_checkpoint'), checkpoint)
        if evicted is not None and evicted != checkpoint:
            _remove(evicted)

    def _remove_interrupted_writes(self) -> None:
        """Delete temporary files left by a checkpoint write that a crash
        interrupted (the checkpoint they were for was never replaced)."""
        import glob
        if not is_main_process() or not osp.isdir(self.out_dir):
            return
        for tmp in glob.glob(osp.join(glob.escape(self.out_dir), '.*.pth.*.tmp')):
            os.remove(tmp)

    def _owns(self, path: str) -> bool:
        return osp.dirname(osp.abspath(path)) == osp.abspath(self.out_dir)

    def _save_checkpoint(self, runner) -> None:
        if self.by_epoch:
            step = runner.epoch + 1
            meta = dict(epoch=step, iter=runner.iter)
        else:
            step = runner.iter + 1
            meta = dict(epoch=runner.epoch, iter=step)
        self._save_checkpoint_with_step(runner, step, meta)

    def _save_best_checkpoint(self, runner, metrics) -> None:
        if not self.save_best:
            return
        if self.by_epoch:
            ckpt_filename = self.filename_tmpl.format(runner.epoch)
            cur_type, cur_time = 'epoch', runner.epoch
        else:
            ckpt_filename = self.filename_tmpl.format(runner.iter)
            cur_type, cur_time = 'iter', runner.iter
        meta = dict(epoch=runner.epoch, iter=runner.iter)
        if 'auto' in self.key_indicators:
            self._init_rule(self.rules, [list(metrics.keys())[0]])
        hub = runner.message_hub
        updated = False
        for key, rule in zip(self.key_indicators, self.rules):
            if key not in metrics:
                raise KeyError(f'CheckpointHook: save_best={key!r} is not among the '
                               f'validation metrics {list(metrics)}')
            score = metrics[key]
            single = len(self.key_indicators) == 1
            score_key = 'best_score' if single else f'best_score_{key}'
            ckpt_key = 'best_ckpt' if single else f'best_ckpt_{key}'
            previous = self.best_ckpt_path if single else self.best_ckpt_path_dict[key]
            best_score = hub.get_info(score_key, self.init_value_map[rule])
            if score is None or not self.is_better_than[key](score, best_score):
                continue
            updated = True
            hub.update_info(score_key, score)
            # Only this run's own files are removed: a run resumed into another
            # work dir leaves the original run's best checkpoint alone.
            if previous and is_main_process() and self._owns(previous) and _remove(previous):
                runner.logger.info(f'The previous best checkpoint {previous} is removed')
            best_name = f'best_{key}_{ckpt_filename}'.replace('/', '_')
            path = self._path(best_name)
            if single:
                self.best_ckpt_path = path
            else:
                self.best_ckpt_path_dict[key] = path
            hub.update_info(ckpt_key, path)
            runner.save_checkpoint(self.out_dir, filename=best_name, save_optimizer=False,
                                   save_param_scheduler=False, meta=meta, by_epoch=False)
            runner.logger.info(f'The best checkpoint with {score:0.4f} {key} at {cur_time} '
                               f'{cur_type} is saved to {best_name}.')
        if updated and self.last_ckpt is not None:
            self._save_checkpoint_with_step(runner, cur_time, meta)

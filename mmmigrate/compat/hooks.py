"""Legacy MMCV 1.x hooks on the bundled engine, unchanged.

``LegacyHook`` is what the ``mmcv`` shim serves as ``mmcv.runner.Hook``. A
hook class written for MMCV derives from it and runs in the engine's Runner:

- its methods keep MMCV's signatures: the engine calls
  ``after_train_iter(runner, batch_idx=..., data_batch=..., outputs=...)``
  and the hook receives one ``runner`` argument, a view of the engine's
  Runner that also has what MMCV's runner had (CATALOGUE §2.3, §3.5):
  ``inner_iter``, ``outputs`` (MMCV's dict with ``loss`` / ``log_vars`` /
  ``num_samples`` when the model is a ``LegacyModel``), ``data_batch``,
  ``optimizer`` (the torch optimizer), ``data_loader``, ``mode``,
  ``log_buffer`` (MMCV's ``LogBuffer``: the runner facade's own, or on
  an engine run one whose updates also go to the message hub), ``meta``,
  ``logger``, ``timestamp``, ``current_lr()`` / ``current_momentum()``;
- the generic points ``before_iter`` / ``after_iter`` / ``before_epoch`` /
  ``after_epoch`` are called from the train and val points, as MMCV's Hook
  did (the engine never calls them);
- ``every_n_iters`` / ``every_n_inner_iters`` / ``every_n_epochs`` /
  ``end_of_epoch`` / ``is_last_epoch`` / ``is_last_iter`` keep MMCV's
  signatures.
"""
import difflib
import functools
from typing import Optional

from ..engine.hooks import Hook
from ..engine.optim import OptimWrapperDict
from .mmcv1.log_buffer import LogBuffer, update_hub

# engine hook points and the per-call arguments they pass
POINTS = ('before_run', 'after_run', 'before_train', 'after_train',
          'before_train_epoch', 'after_train_epoch', 'before_val_epoch', 'after_val_epoch',
          'before_train_iter', 'after_train_iter', 'before_val_iter', 'after_val_iter',
          'before_test_epoch', 'after_test_epoch', 'before_test_iter', 'after_test_iter')
GENERIC = ('before_iter', 'after_iter', 'before_epoch', 'after_epoch')


class HubLogBuffer(LogBuffer):
    """``runner.log_buffer`` of a legacy hook on an engine run (not a runner
    facade, which has MMCV's own buffer and logger hooks): MMCV's buffer, and
    each update also goes to the message hub (``train/<key>`` or
    ``val/<key>``, by ``update_hub``), so the engine's logger logs it: the
    means of the keys it averages are MMCV's count-weighted ones."""

    def __init__(self, runner):
        super().__init__()
        self._hub = runner.message_hub
        self.mode = 'train'

    def update(self, vars: dict, count: int = 1) -> None:
        super().update(vars, count)
        for key, value in vars.items():
            update_hub(self._hub, f'{self.mode}/{key}', value, count)


# what a runner facade holds for MMCV's hooks (the engine's Runner has others
# of the same names: its logger, its model wrapper, its checkpoint writer)
FACADE_STATE = ('log_buffer', 'meta', 'timestamp', 'logger', 'work_dir', 'model',
                'save_checkpoint', 'model_name', '_model_name', 'resume', 'load_checkpoint')


class LegacyRunnerView:
    """The engine's Runner as MMCV hooks saw MMCV's runner: what a runner
    facade holds (``FACADE_STATE``) comes from the facade, the rest from the
    engine's Runner, plus the attributes only MMCV's runner had."""

    def __init__(self, runner, mode: str, batch_idx=None, data_batch=None, outputs=None):
        facade = getattr(runner, '_mmcv_facade', None)
        self.__dict__.update(_runner=runner, _facade=facade, mode=mode, _batch_idx=batch_idx,
                             data_batch=data_batch, _outputs=outputs)

    def __getattr__(self, name):
        if self._facade is not None and name in FACADE_STATE:
            return getattr(self._facade, name)
        return getattr(self._runner, name)

    def __setattr__(self, name, value):
        target = self._facade if self._facade is not None and name in FACADE_STATE \
            else self._runner
        setattr(target, name, value)

    def _counters(self) -> tuple:
        if self._facade is not None:
            return self._facade.counters(self.mode, self._batch_idx)
        return self._runner.epoch, self._runner.iter, self._batch_idx

    @property
    def epoch(self):
        return self._counters()[0]

    @property
    def iter(self):
        return self._counters()[1]

    @property
    def inner_iter(self):
        return self._counters()[2]

    @property
    def outputs(self):
        model = self._runner.model
        if not hasattr(model, 'last_outputs'):  # a LegacyModel inside DDP
            model = getattr(model, 'module', model)
        legacy = getattr(model, 'last_outputs', None)  # a LegacyModel's MMCV outputs
        return legacy if legacy is not None and self.mode == 'train' else self._outputs

    @property
    def optimizer(self):
        wrapper = self._runner.optim_wrapper
        if isinstance(wrapper, OptimWrapperDict):
            return {name: w.optimizer for name, w in wrapper.items()}
        return getattr(wrapper, 'optimizer', wrapper)

    def current_lr(self):
        """MMCV's ``runner.current_lr()``: the lr of every param group (a
        dict of such lists for a dict of optimizers)."""
        return self._per_optimizer('lr', lambda group: group['lr'])

    def current_momentum(self):
        """MMCV's ``runner.current_momentum()``: ``momentum``, else
        ``betas[0]``, else 0 for every param group."""
        return self._per_optimizer('momentum', lambda group: group['momentum'] if 'momentum'
                                   in group else group['betas'][0] if 'betas' in group else 0)

    def _per_optimizer(self, what: str, read):
        optimizer = self.optimizer
        if isinstance(optimizer, dict):
            return {name: [read(g) for g in optim.param_groups]
                    for name, optim in optimizer.items()}
        if not hasattr(optimizer, 'param_groups'):
            raise RuntimeError(f'{what} is not applicable because optimizer does not exist.')
        return [read(group) for group in optimizer.param_groups]

    @property
    def data_loader(self):
        return self._runner.val_dataloader if self.mode == 'val' else \
            self._runner.train_dataloader

    @property
    def log_buffer(self) -> LogBuffer:
        if self._facade is not None:
            return self._facade.log_buffer
        buffer = getattr(self._runner, '_mmcv_log_buffer', None)
        if buffer is None:
            buffer = HubLogBuffer(self._runner)
            object.__setattr__(self._runner, '_mmcv_log_buffer', buffer)
        buffer.mode = 'val' if self.mode == 'val' else 'train'
        return buffer

    @property
    def meta(self) -> dict:
        if self._facade is not None:
            return self._facade.meta
        meta = getattr(self._runner, '_mmcv_meta', None)
        if meta is None:
            meta = {}
            object.__setattr__(self._runner, '_mmcv_meta', meta)
        return meta

    @property
    def max_epochs(self):
        return self._runner.max_epochs

    @property
    def max_iters(self):
        return self._runner.max_iters


def _mode_of(point: str) -> str:
    return 'val' if '_val_' in point else 'test' if '_test_' in point else 'train'


def _adapted(point: str, method):
    """``method(self, runner)`` of a legacy hook, callable as the engine calls
    ``point``."""
    @functools.wraps(method)
    def call(self, runner, batch_idx=None, data_batch=None, outputs=None, metrics=None):
        if isinstance(runner, LegacyRunnerView):
            return method(self, runner)
        return method(self, LegacyRunnerView(runner, _mode_of(point), batch_idx, data_batch,
                                             outputs))
    call.__mmmigrate_legacy__ = True
    return call


class LegacyHook(Hook):
    """Base of MMCV-style hooks (``mmcv.runner.Hook`` under the shim)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _refuse_misspelled_points(cls)
        for point in POINTS:
            method = cls.__dict__.get(point)
            if method is not None and not getattr(method, '__mmmigrate_legacy__', False):
                setattr(cls, point, _adapted(point, method))

    # MMCV's generic points, and the specific ones that called them
    def before_iter(self, runner):
        pass

    def after_iter(self, runner):
        pass

    def before_epoch(self, runner):
        pass

    def after_epoch(self, runner):
        pass

    def before_train_epoch(self, runner, *args, **kwargs):
        self.before_epoch(_view(runner, 'train'))

    def after_train_epoch(self, runner, *args, **kwargs):
        self.after_epoch(_view(runner, 'train'))

    def before_val_epoch(self, runner, *args, **kwargs):
        self.before_epoch(_view(runner, 'val'))

    def after_val_epoch(self, runner, metrics=None):
        self.after_epoch(_view(runner, 'val'))

    def before_train_iter(self, runner, batch_idx=None, data_batch=None):
        self.before_iter(_view(runner, 'train', batch_idx, data_batch))

    def after_train_iter(self, runner, batch_idx=None, data_batch=None, outputs=None):
        self.after_iter(_view(runner, 'train', batch_idx, data_batch, outputs))

    def before_val_iter(self, runner, batch_idx=None, data_batch=None):
        self.before_iter(_view(runner, 'val', batch_idx, data_batch))

    def after_val_iter(self, runner, batch_idx=None, data_batch=None, outputs=None):
        self.after_iter(_view(runner, 'val', batch_idx, data_batch, outputs))

    # MMCV's helpers, with MMCV's signatures
    def every_n_epochs(self, runner, n: int) -> bool:
        return (runner.epoch + 1) % n == 0 if n > 0 else False

    def every_n_inner_iters(self, runner, n: int) -> bool:
        return (runner.inner_iter + 1) % n == 0 if n > 0 else False

    def every_n_iters(self, runner, n: int) -> bool:
        return (runner.iter + 1) % n == 0 if n > 0 else False

    def end_of_epoch(self, runner) -> bool:
        return runner.inner_iter + 1 == len(runner.data_loader)

    def is_last_epoch(self, runner) -> bool:
        return runner.epoch + 1 == runner.max_epochs

    def is_last_iter(self, runner) -> bool:
        return runner.iter + 1 == runner.max_iters


def _refuse_misspelled_points(cls) -> None:
    """A method named almost like a hook point (``after_train_iteration``)
    would never be called, by MMCV or the engine: refuse the class."""
    known = set(POINTS) | set(GENERIC) | set(Hook.stages)
    for name, value in vars(cls).items():
        if not callable(value) or name in known or not name.startswith(('before_', 'after_')):
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        if close:
            raise TypeError(f'{cls.__module__}.{cls.__qualname__}.{name} is not a hook point: '
                            f'no runner calls it. Did you mean {close[0]}? (the points are '
                            f'{", ".join(POINTS + GENERIC)})')


def _view(runner, mode: str, batch_idx=None, data_batch=None,
          outputs: Optional[dict] = None) -> LegacyRunnerView:
    if isinstance(runner, LegacyRunnerView):
        return runner
    return LegacyRunnerView(runner, mode, batch_idx, data_batch, outputs)

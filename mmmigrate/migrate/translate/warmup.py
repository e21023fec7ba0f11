"""MMCV's warmups (``warmup``, ``warmup_iters``, ``warmup_ratio``,
``warmup_by_epoch``) around a translated main schedule; see
``schedules.py`` and ``spec/SCHEDULES.md``."""
from typing import Callable, List, Optional

from .schedule_types import Main, Param, ScheduleError, TrainingShape, scale_at, skip_identity
from .values import Finding


def pop_warmup(param: Param, config: dict) -> Optional[dict]:
    kind = config.pop('warmup', None)
    iters = config.pop('warmup_iters', 0)
    ratio = config.pop('warmup_ratio', param.default_warmup_ratio)
    by_epoch = bool(config.pop('warmup_by_epoch', False))
    if kind is None:
        return None
    if kind not in ('constant', 'linear', 'exp'):
        raise ScheduleError('schedule-bad-argument', f'{param.key}: warmup must be '
                            f"'constant', 'linear' or 'exp', got {kind!r}")
    if not iters or iters <= 0 or not 0 < ratio <= 1:
        raise ScheduleError('schedule-bad-argument', f'{param.key}: a warmup needs '
                            'warmup_iters > 0 and 0 < warmup_ratio <= 1 (MMCV asserts it)')
    return dict(kind=kind, iters=iters, ratio=ratio, by_epoch=by_epoch)


def _warmup_factor(warmup: dict, length: int) -> Callable[[int], float]:
    """MMCV's factor at iteration i < W (the lr is multiplied by it)."""
    ratio, kind = warmup['ratio'], warmup['kind']
    if kind == 'constant':
        return lambda i: ratio
    if kind == 'linear':
        return lambda i: 1 - (1 - i / length) * (1 - ratio)
    return lambda i: ratio ** (1 - i / length)


def with_warmup(param: Param, main: Main, warmup: dict, shape: TrainingShape,
                 findings: List[Finding]) -> List[dict]:
    length = warmup['iters']
    if warmup['by_epoch']:
        if shape.epoch_length is None:
            return _approximate_epoch_warmup(param, main, warmup, findings)
        length = warmup['iters'] * shape.epoch_length
    factor = _warmup_factor(warmup, length)
    if param.name == 'momentum':  # MMCV divides the momentum by the warmup factor
        lr_factor = factor
        factor = lambda i: 1 / lr_factor(i)  # noqa: E731
    iter_main = not main.by_epoch and not main.multiplicative
    if iter_main:
        return _sandwich(param, main, factor, length)
    if param.name == 'lr':
        warm = _compact_lr_warmup(param, warmup, length)
    else:
        warm = skip_identity([scale_at(param, 0, factor(0), False)] + [
            scale_at(param, t, factor(t) / factor(t - 1), False) for t in range(1, length)] + [
            scale_at(param, length, 1 / factor(length - 1), False)])
    if main.multiplicative:
        return _in_step_zero_order(main, warm)
    # An epoch-based main that anneals towards a non-zero value: exact as
    # long as no epoch starts inside the warmup; otherwise divide the warmup
    # out around the main's step at each such epoch start.
    if shape.epoch_length is None:
        findings.append(Finding(
            'warmup-epoch-boundary', 'info', param.key,
            f'exact when an epoch has more than {length} iterations (the warmup ends inside '
            'the first epoch, as usual); if it does not, the warmup and the annealing '
            'overlap differently than in MMCV at each epoch start inside the warmup'))
        return _in_step_zero_order(main, warm)
    boundaries = range(shape.epoch_length, length, shape.epoch_length)
    before = [scale_at(param, t // shape.epoch_length, 1 / factor(t), True) for t in boundaries]
    after = [scale_at(param, t // shape.epoch_length, factor(t), True) for t in boundaries]
    return _in_step_zero_order(main, warm, before, after)


def _in_step_zero_order(main: Main, warm: List[dict], before=(), after=()) -> List[dict]:
    """Warmup first, as MMEngine-era configs write it, unless the main
    schedule *sets* the value at step 0 (a CosineRestart restart), which
    would erase the warmup's first factor: every scheduler steps once at
    construction, in list order."""
    core = list(before) + main.schedulers + list(after)
    resets = any(item['type'].startswith('CosineRestart') and item.get('begin', 0) <= 0
                 for item in main.schedulers)
    return core + warm if resets else warm + core


def _compact_lr_warmup(param: Param, warmup: dict, length: int) -> List[dict]:
    ratio, kind = warmup['ratio'], warmup['kind']
    if kind == 'constant':
        return [param.sched('Constant', False, factor=ratio, begin=0, end=length + 1)]
    if kind == 'linear':
        return [param.sched('Linear', False, start_factor=ratio, end_factor=1.0, begin=0,
                            end=length + 1)]
    return [param.sched('Constant', False, factor=ratio, begin=0, end=1),
            param.sched('Exponential', False, gamma=ratio ** (-1 / length), begin=0,
                        end=length + 1)]


def _sandwich(param: Param, main: Main, factor: Callable[[int], float],
              length: int) -> List[dict]:
    """Divide the warmup factor out before an iteration-based main steps and
    multiply it back after: the value is then factor(t) * main(t) exactly."""
    before = [] if main.sets_values else [
        scale_at(param, t, 1 / factor(t - 1), False) for t in range(1, length + 1)]
    after = [scale_at(param, 0, factor(0), False)] + [
        scale_at(param, t, factor(t), False) for t in range(1, length)]
    return skip_identity(before) + main.schedulers + skip_identity(after)


def _approximate_epoch_warmup(param: Param, main: Main, warmup: dict,
                              findings: List[Finding]) -> List[dict]:
    if param.name == 'momentum':
        raise ScheduleError('warmup-needs-epoch-length',
                            f'{param.key}: warmup_by_epoch=True here needs the number of '
                            'iterations per epoch, which is not known statically; give '
                            'warmup_iters in iterations')
    if not main.multiplicative and not main.by_epoch:
        findings.append(Finding(
            'warmup-chained-affine', 'warning', param.key,
            'the warmup overlaps an iteration-based annealing towards a non-zero minimum; '
            'MMEngine chains the two recursively while MMCV multiplied them, which leaves a '
            'small difference during and after the warmup (SCHEDULES.md §3.4; 1e-4 '
            'relative on mmcls swin). Set warmup_iters in iterations to make it exact'))
    ratio, kind = warmup['ratio'], warmup['kind']
    epochs = warmup['iters']
    if kind == 'constant':
        warm = [param.sched('Constant', True, factor=ratio, begin=0, end=epochs,
                            convert_to_iter_based=True)]
        stake = '(1 - warmup_ratio) of the lr on one iteration'
    elif kind == 'linear':
        warm = [param.sched('Linear', True, start_factor=ratio, end_factor=1.0, begin=0,
                            end=epochs, convert_to_iter_based=True)]
        stake = 'lr * (1 - warmup_ratio) / W over the warmup (W its length in iterations)'
    else:
        raise ScheduleError('warmup-needs-epoch-length',
                            f'{param.key}: an exp warmup with warmup_by_epoch=True needs the '
                            'number of iterations per epoch, which is not known statically')
    findings.append(Finding(
        'warmup-by-epoch-approximate', 'warning', param.key,
        f'warmup_by_epoch: MMCV warms up for {epochs} epochs of iterations and reaches the '
        'full value at the first iteration after them; MMEngine\'s convert_to_iter_based '
        'cannot add that one iteration without knowing the epoch length, so the warmup '
        f'ends one iteration early: difference up to {stake}. Set warmup_iters in '
        'iterations to make it exact'))
    return warm + main.schedulers

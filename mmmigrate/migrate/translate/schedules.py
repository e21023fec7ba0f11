"""``lr_config`` / ``momentum_config`` -> ``param_scheduler``.

The mapping is the "exact" one of ``spec/SCHEDULES.md``, measured on real
MMCV 1.7.2 and MMEngine 0.10.7: the MMEngine schedulers emitted here give
the value MMCV's updater hooks gave at every iteration, using built-in
schedulers only. The main differences from the official migration guide:

- warmups end at ``end=W+1`` (MMEngine's last action happens at ``end-1``);
- poly and linear annealing use ``begin=-1`` so that they divide by ``P``;
- CosineRestart weights absorb ``min_lr``;
- a warmup combined with a main schedule that is not a pure multiplier
  (annealing towards a non-zero minimum, restarts, one-cycle) is wrapped in
  one-shot multipliers, because MMEngine chains schedulers recursively
  while MMCV multiplies the warmup factor into the finished value.

MMCV's own defaults are resolved first, as its runners do: under
``IterBasedRunner`` lr schedules default to ``by_epoch=False`` but momentum
schedules do not, and a schedule left ``by_epoch=True`` there never ran.

Everything here works on plain values; nothing imports torch.
"""
import math
from typing import List, Optional, Tuple

from .schedule_types import (Main, Param, ScheduleError, TrainingShape, scale_at,
                             skip_identity)
from .values import Finding, is_opaque
from .warmup import pop_warmup, with_warmup


def translate_schedules(lr_config, momentum_config, shape: TrainingShape
                        ) -> Tuple[Optional[List[dict]], List[Finding]]:
    """The ``param_scheduler`` list for the two legacy keys (either may be
    None), and the findings. Returns None for the list when a schedule
    cannot be carried over; the findings then say why."""
    findings: List[Finding] = []
    out: List[dict] = []
    for param, config in ((Param('lr'), lr_config), (Param('momentum'), momentum_config)):
        if config is None:
            continue
        try:
            out.extend(_translate_one(param, config, shape, findings))
        except ScheduleError as e:
            findings.append(Finding(e.rule, 'error', param.key, str(e)))
            return None, findings
    return out, findings


# -- policies -------------------------------------------------------------

def _translate_one(param: Param, config, shape: TrainingShape,
                   findings: List[Finding]) -> List[dict]:
    if not isinstance(config, dict):
        raise ScheduleError('schedule-opaque', f'{param.key} is not a dict literal '
                            f'({config!r}); convert it by hand')
    if is_opaque(config):
        names = sorted(k for k, v in config.items() if is_opaque(v))
        raise ScheduleError('schedule-opaque', f'{param.key}: {", ".join(names)} cannot be '
                            'evaluated without running the config; write literal values '
                            'and run mmmigrate again')
    config = dict(config)
    policy = config.pop('policy', None)
    if policy is None:
        raise ScheduleError('schedule-no-policy', f'{param.key} has no "policy"')
    # MMCV: an all-lowercase policy is title-cased ('step' -> 'Step'),
    # any other spelling is used as it is.
    policy_name = str(policy)
    if policy_name == policy_name.lower():
        policy_name = policy_name.title()
    builder = _POLICIES.get(policy_name)
    if builder is None or (param.name == 'momentum' and policy_name not in _MOMENTUM_POLICIES):
        raise ScheduleError('schedule-unknown-policy',
                            f'{param.key}: policy {policy!r} has no MMEngine equivalent '
                            'known to mmmigrate; write the param_scheduler by hand')
    forced_iter = policy_name in ('Cyclic', 'OneCycle')
    if forced_iter:
        by_epoch = False
        config.pop('by_epoch', None)
    elif 'by_epoch' in config:
        by_epoch = bool(config.pop('by_epoch'))
    else:
        # IterBasedRunner.register_training_hooks sets by_epoch=False for
        # the lr hook only; the momentum hook keeps its default (True).
        by_epoch = not (shape.runner == 'iter' and param.name == 'lr')
    warmup = pop_warmup(param, config)
    if shape.runner == 'iter' and by_epoch:
        findings.append(Finding(
            f'{param.name}-frozen', 'warning', param.key,
            f'{param.key} is by_epoch=True under IterBasedRunner: MMCV never ran it '
            f'(before_train_epoch is not called), so the {param.name} stayed constant'
            + (' and the warmup was ignored' if warmup else '') +
            '; no scheduler is emitted, which keeps that behaviour'))
        return []
    if warmup and warmup['by_epoch'] and shape.runner == 'iter':
        raise ScheduleError('warmup-by-epoch-iter-runner',
                            f'{param.key}: warmup_by_epoch=True under IterBasedRunner '
                            'crashes MMCV (AssertionError); set warmup_iters in iterations')
    try:
        main = builder(param, config, by_epoch, shape, findings)
    except KeyError as e:
        raise ScheduleError('schedule-missing-argument',
                            f'{param.key}: policy {policy!r} needs {e.args[0]!r}, which is not '
                            'given; MMCV raises a TypeError here too') from None
    except (TypeError, ValueError) as e:
        raise ScheduleError('schedule-bad-argument',
                            f'{param.key}: policy {policy!r} cannot use these arguments '
                            f'({e}); MMCV would fail here too') from None
    _reject_leftovers(param, policy_name, config)
    if not warmup:
        return main.schedulers
    return with_warmup(param, main, warmup, shape, findings)


def _reject_leftovers(param: Param, policy: str, config: dict) -> None:
    if config:
        raise ScheduleError('schedule-unknown-argument',
                            f'{param.key}: {", ".join(sorted(map(str, config)))} not accepted '
                            f'by policy {policy!r}; MMCV raises a TypeError here too. When it '
                            'comes from a _base_ file (dicts merge), add _delete_=True to '
                            f'this {param.key}')


def _fixed(param, config, by_epoch, shape, findings) -> Main:
    return Main([], by_epoch, multiplicative=True)


def _step(param, config, by_epoch, shape, findings) -> Main:
    step = config.pop('step')
    gamma = config.pop('gamma', param.default_step_gamma)
    minimum = config.pop(param.min_key, None)
    if minimum is None or minimum <= 0 or gamma >= 1:
        # max(b * gamma**k, min_lr) never clips: a plain step schedule
        if isinstance(step, int):
            return Main([param.sched('Step', by_epoch, step_size=step, gamma=gamma)],
                         by_epoch, True)
        return Main([param.sched('MultiStep', by_epoch, milestones=list(step), gamma=gamma)],
                     by_epoch, True)
    bases = _bases(param, shape)
    reference = bases[-1] if bases else None
    if reference is None:
        raise ScheduleError(f'step-{param.min_key}-needs-base',
                            f'{param.key}: {param.min_key} clipping depends on the optimizer '
                            f'{param.name}, which is not a literal; write it as a literal')
    if reference < minimum:
        raise ScheduleError(f'step-{param.min_key}-above-base',
                            f'{param.key}: {param.min_key}={minimum} is above the base '
                            f'{param.name} {reference}; MMCV starts at the minimum, which no '
                            'MMEngine scheduler can express')
    milestones = list(step) if not isinstance(step, int) else \
        _milestones_until_clipped(param, step, gamma, minimum, reference)
    schedulers, gammas = [], []
    previous = reference
    for k, milestone in enumerate(milestones, start=1):
        value = max(reference * gamma ** k, minimum)
        if value == previous:
            break
        gammas.append(value / previous)
        schedulers.append(param.sched('MultiStep', by_epoch, milestones=[milestone],
                                      gamma=value / previous))
        previous = value
    distinct = sorted(set(bases))
    if len(distinct) > 1:
        deviation = 0.0
        for base in distinct:
            ours = base
            for k, ratio in enumerate(gammas, start=1):
                ours *= ratio
                deviation = max(deviation, abs(ours - max(base * gamma ** k, minimum)))
            for k in range(len(gammas) + 1, len(milestones) + 1):
                deviation = max(deviation, abs(ours - max(base * gamma ** k, minimum)))
        findings.append(Finding(
            f'step-{param.min_key}-groups', 'warning', param.key,
            f'{param.min_key}={minimum} clips each param group at a different step because '
            f'the groups start from different {param.name}s '
            f'({", ".join(f"{b:g}" for b in distinct)}); '
            f'MMEngine cannot express that: the clipping of the group at {reference:g} is '
            f'used for all, largest {param.name} difference {deviation:.3g}',
            deviation=deviation))
    return Main(schedulers, by_epoch, True)


def _milestones_until_clipped(param, step: int, gamma: float, minimum: float,
                              base: float) -> List[int]:
    """``step, 2*step, ...`` up to the first one where ``base * gamma**k``
    falls to ``minimum`` (0 < gamma < 1 and minimum > 0, so it does)."""
    if step <= 0:
        raise ScheduleError('schedule-bad-argument', f'{param.key}: step must be positive')
    milestones, k = [], 1
    while True:
        milestones.append(k * step)
        if base * gamma ** k <= minimum:
            return milestones
        k += 1


def _exp(param, config, by_epoch, shape, findings) -> Main:
    return Main([param.sched('Exponential', by_epoch, gamma=config.pop('gamma'))],
                 by_epoch, True)


def _poly(param, config, by_epoch, shape, findings) -> Main:
    power = config.pop('power', 1.0)
    minimum = config.pop(param.min_key, 0.0)
    # begin=-1 makes MMEngine divide by P (MMCV's max_progress), not P-1.
    return Main([param.sched('Poly', by_epoch, eta_min=minimum, power=power, begin=-1)],
                 by_epoch, multiplicative=minimum == 0)


def _inv(param, config, by_epoch, shape, findings) -> Main:
    gamma = config.pop('gamma')
    power = config.pop('power', 1.0)
    length = _need_length(param, 'inv', shape, by_epoch)
    schedulers = [param.sched('MultiStep', by_epoch, milestones=[t],
                              gamma=((1 + gamma * (t - 1)) / (1 + gamma * t)) ** power)
                  for t in range(1, length)]
    return Main(schedulers, by_epoch, True)


def _minimum(param, config, policy, required=True):
    """(eta_min, eta_min_ratio), exactly one of them set."""
    minimum = config.pop(param.min_key, None)
    ratio = config.pop(param.min_ratio_key, None)
    if (minimum is None) == (ratio is None):
        if not required and minimum is None:
            return 0.0, None
        raise ScheduleError('schedule-bad-argument',
                            f'{param.key}: policy {policy!r} needs exactly one of '
                            f'{param.min_key} and {param.min_ratio_key}')
    return minimum, ratio


def _eta(minimum, ratio) -> dict:
    return dict(eta_min=minimum) if ratio is None else dict(eta_min_ratio=ratio)


def _cosine(param, config, by_epoch, shape, findings) -> Main:
    minimum, ratio = _minimum(param, config, 'CosineAnnealing')
    return Main([param.sched('CosineAnnealing', by_epoch, **_eta(minimum, ratio))],
                 by_epoch, multiplicative=(minimum or ratio or 0) == 0)


def _flat_cosine(param, config, by_epoch, shape, findings) -> Main:
    start_percent = config.pop('start_percent', 0.75)
    minimum, ratio = _minimum(param, config, 'FlatCosineAnnealing')
    length = _need_length(param, 'FlatCosineAnnealing', shape, by_epoch)
    begin = round(length * start_percent)  # MMCV uses Python's (banker's) round
    return Main([param.sched('CosineAnnealing', by_epoch, begin=begin, **_eta(minimum, ratio))],
                 by_epoch, multiplicative=(minimum or ratio or 0) == 0)


def _cosine_restart(param, config, by_epoch, shape, findings) -> Main:
    periods = list(config.pop('periods'))
    weights = list(config.pop('restart_weights', [1]))
    minimum, ratio = _minimum(param, config, 'CosineRestart')
    if len(weights) != len(periods):
        raise ScheduleError('schedule-bad-argument', f'{param.key}: periods and '
                            'restart_weights must have the same length')
    length = shape.progress_length(by_epoch)
    if length is not None and sum(periods) < length:
        raise ScheduleError('schedule-bad-argument',
                            f'{param.key}: the periods cover {sum(periods)} '
                            f'{"epochs" if by_epoch else "iterations"} but training has '
                            f'{length}; MMCV stops with a ValueError there')
    # MMCV restarts at m + w(b - m), MMEngine at w'b: w' = w + (1 - w) m / b.
    if ratio is not None:
        new_weights = [w + (1 - w) * ratio for w in weights]
    elif minimum == 0 or all(w == 1 for w in weights):
        new_weights = weights
    else:
        bases = _bases(param, shape)
        if not bases:
            raise ScheduleError('restart-min-needs-base',
                                f'{param.key}: the restart weights depend on the optimizer '
                                f'{param.name}, which is not a literal; write it as a literal')
        reference = bases[-1]
        new_weights = [w + (1 - w) * minimum / reference for w in weights]
        distinct = sorted(set(bases))
        if len(distinct) > 1:
            deviation = max((1 - w) * minimum * abs(base / reference - 1)
                            for w in weights for base in distinct)
            findings.append(Finding(
                'restart-min-groups', 'warning', param.key,
                f'absolute {param.min_key}={minimum} with restart_weights {weights}: MMCV '
                f'restarts each param group at {param.min_key} + w * (base - '
                f'{param.min_key}), which MMEngine can match for one base only '
                f'({reference}); largest {param.name} difference {deviation:.3g}. Use '
                f'{param.min_ratio_key} to make it exact', deviation=deviation))
    return Main([param.sched('CosineRestart', by_epoch, periods=periods,
                              restart_weights=new_weights, **_eta(minimum, ratio))],
                 by_epoch, multiplicative=False)


def _linear_annealing(param, config, by_epoch, shape, findings) -> Main:
    minimum, ratio = _minimum(param, config, 'LinearAnnealing')
    if ratio is not None:
        return Main([param.sched('Linear', by_epoch, start_factor=1.0, end_factor=ratio,
                                  begin=-1)], by_epoch, True)
    # The same straight line, with an absolute end shared by all groups.
    return Main([param.sched('Poly', by_epoch, eta_min=minimum, power=1.0, begin=-1)],
                 by_epoch, multiplicative=minimum == 0)


def _cyclic(param, config, by_epoch, shape, findings) -> Main:
    default_ratio = (10, 1e-4) if param.name == 'lr' else (0.85 / 0.95, 1)
    target = config.pop('target_ratio', default_ratio)
    if isinstance(target, (int, float)):
        target = (target, target / 1e5)
    elif len(target) == 1:
        target = (target[0], target[0] / 1e5)
    up_ratio, down_ratio = target
    times = config.pop('cyclic_times', 1)
    step_ratio_up = config.pop('step_ratio_up', 0.4)
    strategy = config.pop('anneal_strategy', 'cos')
    gamma = config.pop('gamma', 1)
    total = _need_length(param, 'cyclic', shape, False)
    period = total // times
    up = int(step_ratio_up * period)
    if up == 0 or up == period or down_ratio == 0:
        raise ScheduleError('schedule-bad-argument',
                            f'{param.key}: a cyclic schedule with an empty phase or a zero '
                            'end ratio is not supported; convert it by hand')
    if strategy not in ('cos', 'linear'):
        raise ScheduleError('schedule-bad-argument',
                            f"{param.key}: anneal_strategy must be 'cos' or 'linear'")
    ramp = _cosine_ramp if strategy == 'cos' else _linear_ramp
    schedulers = []
    cycles = math.ceil(total / period)
    for cycle in range(cycles):
        start = cycle * period
        scale = gamma ** cycle
        peak = 1 - scale + up_ratio * scale
        schedulers += ramp(param, 1.0, peak, start, up)
        schedulers += ramp(param, peak, down_ratio, start + up, period - up)
        if cycle + 1 < cycles:
            schedulers.append(scale_at(param, start + period, 1 / down_ratio, False))
    return Main(skip_identity(schedulers), False, multiplicative=strategy == 'linear')


def _cosine_ramp(param, start_ratio, end_ratio, begin, length) -> List[dict]:
    """Cosine from ``start_ratio`` to ``end_ratio`` times the base, over
    ``length`` steps from ``begin`` (the value at ``begin`` is already set)."""
    return [param.sched('CosineAnnealing', False, T_max=length, eta_min_ratio=end_ratio,
                        begin=begin, end=begin + length + 1)]


def _linear_ramp(param, start_ratio, end_ratio, begin, length) -> List[dict]:
    if end_ratio <= start_ratio:
        return [param.sched('Linear', False, start_factor=1.0,
                            end_factor=end_ratio / start_ratio, begin=begin,
                            end=begin + length + 1)]
    # Linear factors must stay in [0, 1]: jump to the end value, then ramp
    # up from start/end of it.
    return [scale_at(param, begin, end_ratio / start_ratio, False),
            param.sched('Linear', False, start_factor=start_ratio / end_ratio, end_factor=1.0,
                        begin=begin, end=begin + length + 1)]


def _one_cycle(param, config, by_epoch, shape, findings) -> Main:
    if param.name == 'momentum':
        return _one_cycle_momentum(param, config, shape, findings)
    max_lr = config.pop('max_lr')
    params = dict(eta_max=max_lr)
    if isinstance(max_lr, (list, tuple)):
        groups = shape.num_groups
        if groups is None:
            raise ScheduleError('onecycle-list-needs-groups',
                                'lr_config: a list max_lr needs the number of param groups, '
                                'which depends on values that are not literals')
        if len(max_lr) != groups:
            raise ScheduleError('schedule-bad-argument',
                                f'lr_config: max_lr has {len(max_lr)} values for {groups} '
                                'param groups')
        # MMEngine's OptimWrapper adds a param group (base_param_settings)
        # when there are several; it needs a value too.
        params['eta_max'] = list(max_lr) + ([max_lr[0]] if groups > 1 else [])
    for key in ('total_steps', 'pct_start', 'anneal_strategy', 'div_factor',
                'final_div_factor', 'three_phase'):
        if key in config:
            params[key] = config.pop(key)
    return Main([param.sched('OneCycle', False, **params)], False, multiplicative=False,
                 sets_values=True)


def _one_cycle_momentum(param, config, shape, findings) -> Main:
    base_m = config.pop('base_momentum', 0.85)
    max_m = config.pop('max_momentum', 0.95)
    pct_start = config.pop('pct_start', 0.3)
    strategy = config.pop('anneal_strategy', 'cos')
    three_phase = config.pop('three_phase', False)
    total = _need_length(param, 'OneCycle', shape, False)
    m0 = shape.base_momentum
    if m0 is None:
        raise ScheduleError('onecycle-momentum-needs-base',
                            'momentum_config: OneCycle momentum is expressed relative to the '
                            "optimizer's momentum, which is not a literal here")
    # MMCV's phase ends: pct*T - 1 (and 2*pct*T - 2 with three phases), T - 1.
    exact_ends = [pct_start * total - 1] + ([2 * pct_start * total - 2] if three_phase else [])
    ends = [int(e) for e in exact_ends]
    if any(e != x for e, x in zip(ends, exact_ends)):
        # The whole phase ends (each rounded down or up) closest to MMCV's.
        candidates = [[math.floor(e) for e in exact_ends], [math.ceil(e) for e in exact_ends]]
        if three_phase:
            candidates += [[math.floor(exact_ends[0]), math.ceil(exact_ends[1])],
                           [math.ceil(exact_ends[0]), math.floor(exact_ends[1])]]
        scored = [(_one_cycle_momentum_deviation(base_m, max_m, total, exact_ends, c,
                                                 three_phase, strategy), c)
                  for c in candidates]
        deviation, ends = min(scored)
        findings.append(Finding(
            'onecycle-momentum-fraction', 'warning', param.key,
            f'OneCycle momentum changes phase at iteration {exact_ends[0]:g}, which is not '
            'a whole number; MMEngine schedulers can only change phase on whole '
            f'iterations, so it is rounded; largest momentum difference {deviation:.3g}',
            deviation=deviation))
    ramp = _cosine_ramp if strategy == 'cos' else _linear_ramp
    schedulers = []
    if max_m != m0:
        schedulers.append(scale_at(param, 0, max_m / m0, False))
    first = ends[0]
    schedulers += ramp(param, max_m / m0, base_m / m0, 0, first)
    if three_phase:
        schedulers += ramp(param, base_m / m0, max_m / m0, first, ends[1] - first)
    else:
        schedulers += ramp(param, base_m / m0, max_m / m0, first, total - 1 - first)
    for item in schedulers:  # MMCV's last phase ends at T - 1
        item['end'] = min(item['end'], total)
    return Main(schedulers, False, multiplicative=False, sets_values=False)


def _one_cycle_momentum_deviation(base_m, max_m, total, exact_ends, ends, three_phase,
                                  strategy) -> float:
    def value(t, phase_ends):
        points = [0] + list(phase_ends) + [total - 1]
        levels = [max_m, base_m] + ([max_m, max_m] if three_phase else [max_m])
        for i in range(len(points) - 1):
            if t <= points[i + 1] or i == len(points) - 2:
                pct = (t - points[i]) / (points[i + 1] - points[i])
                start, end = levels[i], levels[i + 1]
                if strategy == 'cos':
                    return end + (start - end) * (math.cos(math.pi * pct) + 1) / 2
                return start + (end - start) * pct
        raise AssertionError('unreachable')
    return max(abs(value(t, exact_ends) - value(t, ends)) for t in range(total))


_POLICIES: dict = {
    'Fixed': _fixed, 'Step': _step, 'Exp': _exp, 'Poly': _poly, 'Inv': _inv,
    'CosineAnnealing': _cosine, 'FlatCosineAnnealing': _flat_cosine,
    'CosineRestart': _cosine_restart, 'LinearAnnealing': _linear_annealing,
    'Cyclic': _cyclic, 'OneCycle': _one_cycle,
}
_MOMENTUM_POLICIES = {'Step', 'CosineAnnealing', 'LinearAnnealing', 'Cyclic', 'OneCycle'}


def _bases(param: Param, shape: TrainingShape) -> Optional[List[float]]:
    if param.name == 'lr':
        return list(shape.base_lrs) if shape.base_lrs else None
    return None if shape.base_momentum is None else [shape.base_momentum]


def _need_length(param, policy, shape, by_epoch) -> int:
    length = shape.progress_length(by_epoch)
    if length is None:
        raise ScheduleError(
            'schedule-needs-length',
            f'{param.key}: policy {policy!r} with by_epoch={by_epoch} needs the total number '
            f'of {"epochs" if by_epoch else "iterations"}, which is not known statically '
            '(iterations per epoch depend on the dataset); write the param_scheduler by hand')
    return length

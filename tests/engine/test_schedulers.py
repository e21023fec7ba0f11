"""Parameter schedulers: bad input, resuming from state, and the contracts
that the differential fixtures do not show directly."""
import warnings
import pytest
import torch

from mmmigrate.engine.optim import (CosineAnnealingLR, LinearLR, MultiStepLR,
                                    OneCycleLR, OptimWrapper, PolyLR,
                                    StepMomentum, build_optim_wrapper)
from mmmigrate.engine.registry import PARAM_SCHEDULERS


def sgd(lr=0.1, momentum=0.9):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=lr, momentum=momentum)


def build(cfg, optimizer, **default_args):
    return PARAM_SCHEDULERS.build(cfg, default_args=dict(optimizer=optimizer, **default_args))


@pytest.mark.parametrize('cfg', [dict(type='LinearLR', begin=5, end=5),
                                 dict(type='MultiStepLR', milestones=[1], begin=8, end=3)])
def test_begin_not_before_end_is_one_clear_error(cfg):
    with pytest.raises(ValueError, match=r'end should be larger than begin \(got begin=\d+, '
                                         r'end=\d+\)'):
        build(cfg, sgd())


@pytest.mark.parametrize('cfg, key', [
    (dict(type='LinearLR', start_factor=1.5), 'start_factor'),
    (dict(type='ConstantLR', factor=-0.1), 'factor'),
    (dict(type='OneCycleLR', eta_max=1.0, total_steps=0), 'total_steps'),
    (dict(type='OneCycleLR', eta_max=1.0, total_steps=10, pct_start=1), 'pct_start'),
    (dict(type='OneCycleLR', eta_max=1.0, total_steps=10, anneal_strategy='cosine'),
     'anneal_strategy'),
    (dict(type='ReduceOnPlateauLR', factor=1.0), 'factor'),
    (dict(type='ReduceOnPlateauLR', rule='more'), 'rule'),
])
def test_invalid_arguments_name_the_key(cfg, key):
    with pytest.raises(ValueError, match=key):
        build(cfg, sgd())


def test_cosine_restart_checks_are_assertions_as_in_mmengine():
    with pytest.raises(AssertionError, match='periods'):
        build(dict(type='CosineRestartLR', periods=[2, 3], restart_weights=[1], eta_min=0), sgd())
    with pytest.raises(AssertionError, match='exactly one of `eta_min`'):
        build(dict(type='CosineRestartLR', periods=[2], eta_min=0, eta_min_ratio=0.1), sgd())


def test_scheduler_stepped_before_its_optimizer_warns():
    optimizer = sgd()
    scheduler = build(dict(type='StepLR', step_size=1), optimizer)
    with pytest.warns(UserWarning, match='before `optimizer.step\(\)`'):
        scheduler.step()
    optimizer = sgd()
    scheduler = build(dict(type='StepLR', step_size=1), optimizer)
    optimizer.step()
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        scheduler.step()
    assert optimizer._global_step == 0


def test_convert_to_iter_based_needs_epoch_length_and_an_epoch_scheduler():
    with pytest.raises(AssertionError, match='epoch_length'):
        build(dict(type='MultiStepLR', milestones=[1], convert_to_iter_based=True), sgd())
    with pytest.raises(AssertionError, match='by_epoch=False'):
        build(dict(type='MultiStepLR', milestones=[1], by_epoch=False,
                   convert_to_iter_based=True), sgd(), epoch_length=4)
    with pytest.raises(ValueError, match='cannot be converted'):
        build(dict(type='ReduceOnPlateauLR', convert_to_iter_based=True), sgd(), epoch_length=4)


def test_convert_to_iter_based_scales_epoch_units():
    scheduler = build(dict(type='MultiStepLR', milestones=[2, 3], begin=1, end=4,
                           convert_to_iter_based=True), sgd(), epoch_length=5)
    assert not scheduler.by_epoch
    assert (scheduler.begin, scheduler.end) == (5, 20)
    assert sorted(scheduler.milestones) == [10, 15]


def test_momentum_scheduler_needs_momentum_or_betas():
    optimizer = torch.optim.Adagrad([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match='neither `momentum` nor `betas`'):
        StepMomentum(optimizer, step_size=1)


def test_momentum_scheduler_drives_adam_beta1():
    optimizer = torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))], lr=0.1, betas=(0.9, 0.99))
    scheduler = StepMomentum(optimizer, step_size=1, gamma=0.5)
    scheduler.step()
    assert optimizer.param_groups[0]['betas'] == (0.45, 0.99)


def test_onecycle_refuses_to_step_past_total_steps():
    scheduler = OneCycleLR(sgd(), eta_max=1.0, total_steps=3, by_epoch=False)
    for _ in range(3):
        scheduler.step()
    with pytest.raises(ValueError, match='total_steps is 3'):
        scheduler.step()


def _run(schedulers, optimizer, steps):
    values = []
    for _ in range(steps):
        values.append(optimizer.param_groups[0]['lr'])
        for scheduler in schedulers:
            scheduler.step()
    return values


def test_state_dict_resumes_a_chain_exactly():
    def make(optimizer):
        return [LinearLR(optimizer, start_factor=0.1, by_epoch=False, end=5),
                CosineAnnealingLR(optimizer, T_max=20, eta_min=0.001, by_epoch=False),
                PolyLR(optimizer, power=2.0, begin=10, end=25, by_epoch=False)]

    reference_optimizer = sgd()
    reference = _run(make(reference_optimizer), reference_optimizer, 25)

    first = sgd()
    schedulers = make(first)
    head = _run(schedulers, first, 9)
    states = [s.state_dict() for s in schedulers]
    assert all('optimizer' not in state for state in states)

    # The runner's resume order: build the schedulers on the fresh
    # optimizer, then load the optimizer state, then the scheduler states.
    second = sgd()
    resumed = make(second)
    second.load_state_dict(first.state_dict())
    for scheduler, state in zip(resumed, states):
        scheduler.load_state_dict(state)
    tail = _run(resumed, second, 16)
    assert head + tail == reference


def test_state_dict_uses_mmengines_attribute_names():
    state = MultiStepLR(sgd(), milestones=[2, 4], gamma=0.5).state_dict()
    assert {'base_values', 'begin', 'end', 'by_epoch', 'last_step', '_global_step',
            'milestones', 'gamma', 'param_name', '_last_value', 'verbose'} <= set(state)
    onecycle = OneCycleLR(sgd(), eta_max=1.0, total_steps=10).state_dict()
    assert '_schedule_phases' in onecycle and 'anneal_func' not in onecycle


def test_resume_without_state_needs_initial_values():
    with pytest.raises(KeyError, match="'initial_lr'"):
        MultiStepLR(sgd(), milestones=[1], last_step=3)


def test_schedulers_accept_the_wrapper_and_step_base_param_settings():
    model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    wrapper = build_optim_wrapper(model, dict(
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9),
        paramwise_cfg=dict(custom_keys={'0.': dict(lr_mult=0.5)})))
    assert isinstance(wrapper, OptimWrapper) and len(wrapper.param_groups) == 5
    scheduler = MultiStepLR(wrapper, milestones=[1], gamma=0.1)
    scheduler.step()
    lrs = wrapper.get_lr()
    assert lrs['base_lr'] == pytest.approx([0.01])
    assert lrs['lr'] == pytest.approx([0.005, 0.005, 0.01, 0.01])


def test_reduce_on_plateau_lowers_after_patience():
    optimizer = sgd(lr=1.0)
    scheduler = build(dict(type='ReduceOnPlateauLR', monitor='loss', patience=1, factor=0.5),
                      optimizer)
    for loss in (1.0, 1.0, 1.0):
        scheduler.step()
        scheduler.step({'loss': loss})
    assert optimizer.param_groups[0]['lr'] == 0.5
    with pytest.raises(KeyError, match="'loss' is not among"):
        scheduler.step({'acc': 1.0})

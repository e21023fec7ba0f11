"""Optimizer wrappers and their constructor: accumulation, clipping, AMP on
CPU, several optimizers, state, and configuration errors."""
import pytest
import torch
import torch.nn as nn

from mmmigrate.engine.optim import (AmpOptimWrapper, OptimWrapper,
                                    OptimWrapperDict, build_optim_wrapper)
from mmmigrate.engine.registry import BuildError, UnknownTypeError


def linear(seed=0):
    torch.manual_seed(seed)
    return nn.Linear(3, 1)


def sgd(model, lr=0.1):
    return torch.optim.SGD(model.parameters(), lr=lr)


@pytest.mark.parametrize('counts', [0, -1, 1.5, True])
def test_accumulative_counts_must_be_a_positive_int(counts):
    model = linear()
    with pytest.raises(ValueError, match='`accumulative_counts` must be a positive int'):
        OptimWrapper(sgd(model), accumulative_counts=counts)


def test_accumulative_counts_zero_from_config_is_one_clear_error():
    with pytest.raises(ValueError, match='accumulative_counts'):
        build_optim_wrapper(linear(), dict(optimizer=dict(type='SGD', lr=0.1),
                                           accumulative_counts=0))


@pytest.mark.parametrize('clip_grad, message', [
    ({}, 'non-empty dict'), (dict(type='median', x=1), '"norm" or "value"'),
    (dict(type='value'), 'needs arguments besides type'), ([1], 'non-empty dict')])
def test_bad_clip_grad(clip_grad, message):
    with pytest.raises(ValueError, match=message):
        OptimWrapper(sgd(linear()), clip_grad=clip_grad)


def test_accumulation_steps_every_n_and_on_the_shorter_last_window():
    model = linear()
    wrapper = OptimWrapper(sgd(model), accumulative_counts=3)
    wrapper.initialize_count_status(model, init_counts=0, max_counts=7)
    steps = []
    original_step = wrapper.optimizer.step

    def counting_step(*args, **kwargs):
        steps.append(wrapper.inner_count)
        return original_step(*args, **kwargs)

    wrapper.optimizer.step = counting_step
    scales = []
    for _ in range(7):
        loss = model(torch.ones(1, 3)).sum() * 0 + 6.0
        scales.append(wrapper.scale_loss(loss).item())
        wrapper.update_params(model(torch.ones(1, 3)).sum())
    assert steps == [3, 6, 7]
    assert scales == [2.0] * 6 + [6.0]  # the last window has length 1


def test_accumulation_without_count_status_always_divides_by_n():
    wrapper = OptimWrapper(sgd(linear()), accumulative_counts=4)
    assert wrapper.scale_loss(torch.tensor(8.0)).item() == 2.0


def test_grad_norm_is_logged_to_the_message_hub(message_hub):
    model = linear()
    wrapper = OptimWrapper(sgd(model), clip_grad=dict(max_norm=0.1))
    wrapper.update_params(model(torch.ones(2, 3)).sum() * 10)
    norm = message_hub.get_scalar('train/grad_norm').current()
    assert norm > 0.1
    assert all(p.grad is None for p in model.parameters())  # zeroed after the step


@pytest.mark.parametrize('name', ['scale_loss', 'backward', 'should_update', 'step',
                                  'zero_grad'])
@pytest.mark.parametrize('where', ['subclass', 'instance'])
def test_update_params_calls_a_redefined_step_method(name, where):
    """update_params does the five methods' work inline only while none of
    them is redefined; a redefinition, in a subclass or on the instance (as
    a test's mock would be), is called as in MMEngine. The result is the
    same either way."""
    calls = []

    def recording(method):
        def record(self, *args, **kwargs):
            calls.append(name)
            return method(self, *args, **kwargs)
        return record

    def train(make_wrapper):
        model = linear()
        wrapper = make_wrapper(model)
        wrapper.initialize_count_status(model, init_counts=0, max_counts=5)
        for step in range(5):
            wrapper.update_params(model(torch.full((2, 3), float(step))).sum())
        return [p.detach().clone() for p in model.parameters()], wrapper.inner_count

    def redefined(model):
        if where == 'subclass':
            wrapper_type = type('Redefined', (OptimWrapper, ),
                                {name: recording(getattr(OptimWrapper, name))})
            return wrapper_type(sgd(model), accumulative_counts=2, clip_grad=dict(max_norm=1))
        wrapper = OptimWrapper(sgd(model), accumulative_counts=2, clip_grad=dict(max_norm=1))
        setattr(wrapper, name, recording(getattr(OptimWrapper, name)).__get__(wrapper))
        return wrapper

    inline_params, inline_count = train(
        lambda model: OptimWrapper(sgd(model), accumulative_counts=2,
                                   clip_grad=dict(max_norm=1)))
    assert calls == []
    params, count = train(redefined)
    assert calls.count(name) == {'scale_loss': 5, 'backward': 5, 'should_update': 5,
                                 'step': 3, 'zero_grad': 3}[name]
    assert count == inline_count == 5
    assert all(torch.equal(a, b) for a, b in zip(params, inline_params))


def test_optim_context_skips_gradient_sync_until_the_step():
    class SyncRecorder(nn.Linear):
        def __init__(self):
            super().__init__(3, 1)
            self.no_sync_entered = 0

        def no_sync(self):
            import contextlib
            self.no_sync_entered += 1
            return contextlib.nullcontext()

    model = SyncRecorder()
    wrapper = OptimWrapper(sgd(model), accumulative_counts=2)
    wrapper.initialize_count_status(model, 0, 4)
    for _ in range(4):
        with wrapper.optim_context(model):
            loss = model(torch.ones(1, 3)).sum()
        wrapper.update_params(loss)
    assert model.no_sync_entered == 2


def test_several_param_groups_add_base_param_settings():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    optimizer = torch.optim.SGD([{'params': model[0].parameters(), 'lr': 0.01},
                                 {'params': model[1].parameters()}], lr=0.1, momentum=0.9)
    wrapper = OptimWrapper(optimizer)
    assert len(wrapper.param_groups) == 3
    assert wrapper.get_lr() == {'base_lr': [0.1], 'lr': [0.01, 0.1]}
    assert wrapper.get_momentum() == {'momentum': [0.9, 0.9]}
    state = wrapper.state_dict()
    assert 'base_param_settings' in state
    fresh = OptimWrapper(torch.optim.SGD([{'params': model[0].parameters(), 'lr': 0.01},
                                          {'params': model[1].parameters()}], lr=0.1))
    fresh.load_state_dict(state)
    assert fresh.optimizer.param_groups[0]['momentum'] == 0.9


def test_amp_wrapper_trains_on_cpu_with_bfloat16():
    model = linear()
    wrapper = AmpOptimWrapper(optimizer=sgd(model), dtype='bfloat16')
    before = model.weight.detach().clone()
    with wrapper.optim_context(model):
        out = model(torch.ones(4, 3))
        assert out.dtype == torch.bfloat16
    wrapper.update_params(out.float().sum())
    assert not torch.equal(before, model.weight)
    assert 'loss_scaler' in wrapper.state_dict()


@pytest.mark.parametrize('loss_scale', [512., 512])
def test_amp_static_loss_scale_stays_fixed(loss_scale):
    model = linear()
    wrapper = AmpOptimWrapper(loss_scale=loss_scale, optimizer=sgd(model))
    for _ in range(3):
        wrapper.update_params(model(torch.ones(1, 3)).sum())
    assert wrapper.loss_scaler.get_scale() == 512.


def test_amp_dynamic_loss_scale_backs_off_on_overflow():
    model = linear()
    wrapper = AmpOptimWrapper(optimizer=sgd(model))
    before = model.weight.detach().clone()
    wrapper.update_params(model(torch.ones(1, 3)).sum() * float('inf'))
    assert wrapper.loss_scaler.get_scale() == 65536. / 2
    assert torch.equal(before, model.weight)  # the inf step was skipped


@pytest.mark.parametrize('loss_scale', [True, 'static', None])
def test_amp_loss_scale_must_be_dynamic_float_or_dict(loss_scale):
    with pytest.raises(TypeError, match='loss_scale'):
        AmpOptimWrapper(loss_scale=loss_scale, optimizer=sgd(linear()))


def test_amp_loss_scale_dict_and_state_roundtrip():
    model = linear()
    wrapper = AmpOptimWrapper(loss_scale=dict(init_scale=128., growth_interval=1),
                              optimizer=sgd(model))
    wrapper.update_params(model(torch.ones(1, 3)).sum())
    state = wrapper.state_dict()
    other = AmpOptimWrapper(optimizer=sgd(linear()))
    other.load_state_dict(state)
    assert other.loss_scaler.get_scale() == wrapper.loss_scaler.get_scale() == 256.


def test_amp_dtype_validation():
    with pytest.raises(ValueError, match='dtype'):
        AmpOptimWrapper(dtype='float8', optimizer=sgd(linear()))


def test_optim_wrapper_dict_gan_style():
    gen, disc = linear(0), linear(1)
    wrappers = OptimWrapperDict(generator=OptimWrapper(sgd(gen)),
                                discriminator=OptimWrapper(sgd(disc, lr=0.2)))
    assert wrappers.get_lr() == {'generator.lr': [0.1], 'discriminator.lr': [0.2]}
    assert wrappers.get_momentum() == {'generator.momentum': [0], 'discriminator.momentum': [0]}
    before = disc.weight.detach().clone()
    wrappers['discriminator'].update_params(disc(torch.ones(1, 3)).sum())
    assert not torch.equal(before, disc.weight)
    with pytest.raises(NotImplementedError, match='should be called by each optimizer separately'):
        wrappers.update_params(torch.tensor(1.0))
    with pytest.raises(NotImplementedError):
        with wrappers.optim_context(gen):
            pass
    with pytest.raises(KeyError, match="no optimizer wrapper named 'critic'"):
        wrappers['critic']
    state = wrappers.state_dict()
    assert set(state) == {'generator', 'discriminator'}
    wrappers.load_state_dict(state)
    with pytest.raises(AssertionError, match='only accept OptimWrapper'):
        OptimWrapperDict(generator=sgd(gen))


def test_constructor_errors_name_the_config_key():
    with pytest.raises(AssertionError, match='must contain "optimizer" config'):
        build_optim_wrapper(linear(), dict(type='OptimWrapper'))
    with pytest.raises(UnknownTypeError, match="type='SGDX'.*Did you mean: SGD"):
        build_optim_wrapper(linear(), dict(optimizer=dict(type='SGDX', lr=0.1)))
    with pytest.raises(ValueError, match=r'custom_keys\[.head.\]\.decay_mult needs'):
        build_optim_wrapper(linear(), dict(optimizer=dict(type='SGD', lr=0.1),
                                           paramwise_cfg=dict(custom_keys={
                                               'head': dict(decay_mult=0.)})))
    with pytest.raises(ValueError, match='norm_decay_mult needs optimizer.weight_decay'):
        build_optim_wrapper(linear(), dict(optimizer=dict(type='SGD', lr=0.1),
                                           paramwise_cfg=dict(norm_decay_mult=0.)))
    with pytest.raises(BuildError, match="type='OptimWrapper'.*accumulate"):
        build_optim_wrapper(linear(), dict(optimizer=dict(type='SGD', lr=0.1), accumulate=2))


def test_frozen_parameters_are_left_out_with_paramwise_cfg():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    model[0].weight.requires_grad_(False)
    wrapper = build_optim_wrapper(model, dict(optimizer=dict(type='SGD', lr=0.1),
                                              paramwise_cfg=dict(bias_lr_mult=2.)))
    params = [p for g in wrapper.optimizer.param_groups for p in g['params']]
    assert len(params) == 3 and all(p is not model[0].weight for p in params)


def test_prebuilt_amp_wrapper_type_from_config():
    wrapper = build_optim_wrapper(linear(), dict(type='AmpOptimWrapper', dtype='bfloat16',
                                                 optimizer=dict(type='SGD', lr=0.1)))
    assert isinstance(wrapper, AmpOptimWrapper) and wrapper.cast_dtype == torch.bfloat16

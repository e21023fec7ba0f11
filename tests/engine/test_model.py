"""BaseModule / BaseModel, data preprocessors, collate functions, data
elements and checkpoint loading."""
from collections import namedtuple

import pytest
import torch
import torch.nn as nn

from mmmigrate.engine.dataset import default_collate, pseudo_collate
from mmmigrate.engine.model import (BaseDataPreprocessor, BaseModel,
                                    BaseModule, ImgDataPreprocessor,
                                    ModuleDict, ModuleList, Sequential,
                                    initialize, revert_sync_batchnorm,
                                    stack_batch)
from mmmigrate.engine.runner import load_checkpoint
from mmmigrate.engine.structures import BaseDataElement


class Toy(BaseModel):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fc = nn.Linear(2, 1)

    def forward(self, inputs, labels=None, mode='tensor'):
        out = self.fc(inputs)
        if mode == 'loss':
            return dict(loss=((out - labels) ** 2).mean())
        if mode == 'predict':
            return [o for o in out]
        return out


def test_base_model_forward_is_abstract():
    class NoForward(BaseModel):
        pass

    with pytest.raises(TypeError, match='abstract'):
        NoForward()


def test_train_val_test_steps():
    from mmmigrate.engine.optim import OptimWrapper
    torch.manual_seed(0)
    model = Toy()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    data = dict(inputs=torch.ones(3, 2), labels=torch.zeros(3, 1))
    log_vars = model.train_step(data, wrapper)
    assert list(log_vars) == ['loss'] and log_vars['loss'].requires_grad
    assert len(model.val_step(data)) == 3 and len(model.test_step((torch.ones(2, 2), ))) == 2
    with pytest.raises(TypeError, match='dict, list or tuple'):
        model._run_forward(torch.ones(1), mode='tensor')


def test_call_module_still_runs_every_kind_of_module_hook():
    """call_module (used by train/val/test_step) calls ``forward`` directly
    only when ``module(...)`` would do nothing else."""
    from torch.nn.modules import module as torch_module

    from mmmigrate.engine.model.utils import call_module
    seen = []
    registrations = {
        'forward pre': lambda m: m.register_forward_pre_hook(lambda *a: seen.append('hook')),
        'forward pre with kwargs': lambda m: m.register_forward_pre_hook(
            lambda *a: seen.append('hook'), with_kwargs=True),
        'forward': lambda m: m.register_forward_hook(lambda *a: seen.append('hook')),
        'backward pre': lambda m: m.register_full_backward_pre_hook(
            lambda *a: seen.append('hook')),
        'backward': lambda m: m.register_full_backward_hook(lambda *a: seen.append('hook')),
        'global forward pre': lambda m: torch_module.register_module_forward_pre_hook(
            lambda *a: seen.append('hook')),
        'global forward': lambda m: torch_module.register_module_forward_hook(
            lambda *a: seen.append('hook')),
        'global backward pre': lambda m: torch_module.register_module_full_backward_pre_hook(
            lambda *a: seen.append('hook')),
        'global backward': lambda m: torch_module.register_module_full_backward_hook(
            lambda *a: seen.append('hook')),
    }
    for kind, register in registrations.items():
        seen.clear()
        linear = nn.Linear(2, 1)
        handle = register(linear)
        try:
            call_module(linear, torch.ones(1, 2, requires_grad=True)).sum().backward()
        finally:
            handle.remove()
        assert seen == ['hook'], kind

    class CountedCall(nn.Linear):
        calls = 0

        def __call__(self, *args, **kwargs):
            CountedCall.calls += 1
            return super().__call__(*args, **kwargs)

    call_module(CountedCall(2, 1), torch.ones(1, 2))
    assert CountedCall.calls == 1


def test_call_module_knows_every_hook_store_of_this_torch():
    """call_module copies the condition of nn.Module._call_impl's shortcut:
    a torch release that adds a kind of hook must fail here, not skip it."""
    import inspect
    import re
    source = inspect.getsource(nn.Module._call_impl)
    shortcut = source[source.index('if not ('):source.index('return forward_call(')]
    assert set(re.findall(r'\b(_\w*hooks)\b', shortcut)) == {
        '_forward_pre_hooks', '_forward_hooks', '_backward_pre_hooks', '_backward_hooks',
        '_global_forward_pre_hooks', '_global_forward_hooks', '_global_backward_pre_hooks',
        '_global_backward_hooks'}
    wrapped = inspect.getsource(nn.Module._wrapped_call_impl)
    assert set(re.findall(r'self\.(_\w+)', wrapped)) == {'_compiled_call_impl', '_call_impl'}


def test_train_step_runs_hooks_on_the_model_and_its_preprocessor():
    from mmmigrate.engine.optim import OptimWrapper
    model = Toy()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    data = dict(inputs=torch.ones(3, 2), labels=torch.zeros(3, 1))
    seen = []

    def double_inputs(module, args, kwargs):
        seen.append('model pre')
        return args, dict(kwargs, inputs=kwargs['inputs'] * 2)

    with torch.no_grad():  # the loss of the inputs as the pre-hook changes them
        expected = ((model.fc(data['inputs'] * 2) - data['labels']) ** 2).mean()
    model.data_preprocessor.register_forward_hook(lambda *a: seen.append('preprocessor'))
    model.register_forward_pre_hook(double_inputs, with_kwargs=True)
    log_vars = model.train_step(data, wrapper)
    assert seen == ['preprocessor', 'model pre']
    assert torch.equal(log_vars['loss'].detach(), expected)


@pytest.mark.parametrize('batch', ['dict', 'tuple', 'list', 'namedtuple'])
def test_train_step_without_module_hooks_gives_what_the_hooked_call_gives(batch):
    """train_step calls ``forward`` directly when no module hook is set;
    with a (no-op) hook it goes through ``nn.Module.__call__``. Both give
    the same losses and the same parameters, bit for bit."""
    from mmmigrate.engine.optim import OptimWrapper
    inputs, labels = torch.randn(4, 2), torch.randn(4, 1)
    Batch = namedtuple('Batch', 'inputs labels')
    data = {'dict': dict(inputs=inputs, labels=labels), 'tuple': (inputs, labels),
            'list': [inputs, labels], 'namedtuple': Batch(inputs, labels)}[batch]

    def train(hooked):
        torch.manual_seed(0)
        model = Toy()
        seen = []
        if hooked:
            model.register_forward_hook(lambda *args: seen.append('model'))
        wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9))
        losses = [model.train_step(data, wrapper)['loss'].item() for _ in range(3)]
        assert seen == (['model'] * 3 if hooked else [])
        return losses, [p.detach().clone() for p in model.parameters()]

    direct_losses, direct_params = train(hooked=False)
    hooked_losses, hooked_params = train(hooked=True)
    assert direct_losses == hooked_losses
    assert all(torch.equal(a, b) for a, b in zip(direct_params, hooked_params))


def test_train_step_says_what_a_preprocessor_returned_wrongly():
    from mmmigrate.engine.optim import OptimWrapper

    class ToTensor(BaseDataPreprocessor):
        def forward(self, data, training=False):
            return data['inputs']

    model = Toy(data_preprocessor=ToTensor())
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(TypeError, match='must return a dict, list or tuple, got Tensor'):
        model.train_step(dict(inputs=torch.ones(1, 2)), wrapper)


def test_parse_losses_of_one_loss_tensor():
    model = Toy()
    loss = torch.tensor([1.0, 2.0, 4.5])
    total, log_vars = model.parse_losses({'loss': loss})
    assert type(log_vars).__name__ == 'OrderedDict' and list(log_vars) == ['loss']
    assert total.item() == 2.5 and log_vars['loss'] is total
    # a tensor subclass, or another single key, takes the general route
    total, log_vars = model.parse_losses({'loss': nn.Parameter(loss)})
    assert total.item() == 2.5 and list(log_vars) == ['loss']
    total, log_vars = model.parse_losses({'loss_cls': loss})
    assert list(log_vars) == ['loss', 'loss_cls'] and total.item() == 2.5
    total, log_vars = model.parse_losses({'acc': loss})
    assert total == 0 and list(log_vars) == ['loss', 'acc']


def test_data_preprocessor_argument():
    assert isinstance(Toy().data_preprocessor, BaseDataPreprocessor)
    model = Toy(data_preprocessor=dict(type='ImgDataPreprocessor', mean=[0.], std=[1.]))
    assert isinstance(model.data_preprocessor, ImgDataPreprocessor)
    with pytest.raises(TypeError, match='data_preprocessor should be a .dict. or .nn.Module.'):
        Toy(data_preprocessor='ImgDataPreprocessor')


def test_model_device_follows_to():
    model = Toy()
    model.to('cpu')
    assert model.data_preprocessor.device == torch.device('cpu')


def test_cast_data_walks_nested_containers():
    Pair = namedtuple('Pair', 'a b')
    sample = BaseDataElement(metainfo=dict(id=1), score=torch.ones(1))
    data = dict(x=[torch.zeros(1), ('s', None)], p=Pair(torch.ones(1), b'raw'), e=sample)
    out = BaseDataPreprocessor()(data)
    assert isinstance(out['p'], Pair) and out['p'].b == b'raw'
    assert out['x'][1] == ('s', None)
    assert out['e'].metainfo == dict(id=1) and torch.equal(out['e'].score, torch.ones(1))


def test_img_preprocessor_rejects_bad_settings_and_inputs():
    # AssertionError, as MMEngine raises (its own tests match on it).
    with pytest.raises(AssertionError, match='`bgr2rgb` and `rgb2bgr`'):
        ImgDataPreprocessor(bgr_to_rgb=True, rgb_to_bgr=True)
    with pytest.raises(AssertionError, match='mean and std should be both'):
        ImgDataPreprocessor(mean=[1, 2, 3])
    with pytest.raises(AssertionError, match='`mean` should have 1 \\(gray\\) or 3'):
        ImgDataPreprocessor(mean=[1, 2], std=[1, 2, 3])
    with pytest.raises(AssertionError, match='`std` should have 1 \\(gray\\) or 3'):
        ImgDataPreprocessor(mean=[1, 2, 3], std=[1, 2])
    pre = ImgDataPreprocessor(mean=[0, 0, 0], std=[1, 1, 1])
    with pytest.raises(AssertionError, match='shape \\(3, H, W\\)'):
        pre(dict(inputs=[torch.zeros(1, 4, 4)]))
    with pytest.raises(AssertionError, match='NCHW'):
        pre(dict(inputs=torch.zeros(3, 4, 4)))


def test_stack_batch_pads_bottom_right_to_divisor():
    out = stack_batch([torch.ones(1, 2, 3), torch.ones(1, 3, 2)], pad_size_divisor=4, pad_value=-1)
    assert out.shape == (2, 1, 4, 4)
    assert out[0, 0, :2, :3].eq(1).all() and out[0, 0, 2:].eq(-1).all()


def test_collate_functions():
    batch = [dict(img=torch.ones(2), meta=dict(id=i), tags=['a', 'b']) for i in range(3)]
    pseudo = pseudo_collate(batch)
    assert isinstance(pseudo['img'], list) and len(pseudo['img']) == 3
    assert pseudo['meta'] == dict(id=[0, 1, 2]) and pseudo['tags'] == [('a', ) * 3, ('b', ) * 3]
    stacked = default_collate(batch)
    assert stacked['img'].shape == (3, 2) and torch.equal(stacked['meta']['id'],
                                                          torch.tensor([0, 1, 2]))
    elements = [BaseDataElement(v=torch.ones(1)) for _ in range(2)]
    assert default_collate(elements) == elements
    with pytest.raises(RuntimeError, match='equal size'):
        pseudo_collate([[1, 2], [1]])


def test_base_data_element_fields():
    element = BaseDataElement(metainfo=dict(img_shape=(4, 4)), bboxes=torch.zeros(2, 4))
    element.scores = torch.ones(2)
    assert set(element.keys()) == {'bboxes', 'scores'} and element.metainfo_keys() == ['img_shape']
    assert 'scores' in element and element.get('missing', 0) == 0
    with pytest.raises(AttributeError, match='metainfo field'):
        element.img_shape = (1, 1)
    with pytest.raises(AttributeError, match='private'):
        element._data_fields = set()
    clone = element.clone()
    clone.scores[0] = 5
    assert element.scores[0] == 5  # clone shares tensors, like MMEngine
    new = element.new(scores=torch.zeros(3))
    assert new.keys() == ['scores'] and new.img_shape == (4, 4)
    assert element.detach().to('cpu').cpu().bboxes.shape == (2, 4)
    assert element.pop('scores').shape == (2, ) and 'scores' not in element
    assert element.pop('missing', 7) == 7
    assert element.to_dict()['img_shape'] == (4, 4)
    assert 'META INFORMATION' in repr(element)


class Inner(BaseModule):
    def __init__(self):
        super().__init__(init_cfg=dict(type='Constant', val=2.0, layer='Linear'))
        self.fc = nn.Linear(2, 2)


class Outer(BaseModule):
    def __init__(self, init_cfg=None):
        super().__init__(init_cfg)
        self.inner = Inner()
        self.head = nn.Linear(2, 2)


def test_init_weights_runs_own_cfg_then_children():
    model = Outer(init_cfg=dict(type='Constant', val=1.0, layer='Linear'))
    model.init_weights()
    assert model.head.weight.eq(1).all() and model.inner.fc.weight.eq(2).all()
    assert model.is_init and model.inner.is_init
    assert not hasattr(model, '_params_init_info')


def test_pretrained_init_is_applied_last(tmp_path):
    donor = Outer()
    for param in donor.parameters():
        nn.init.constant_(param, 5.0)
    torch.save(donor.state_dict(), tmp_path / 'w.pth')
    model = Outer(init_cfg=[dict(type='Pretrained', checkpoint=str(tmp_path / 'w.pth')),
                            dict(type='Constant', val=1.0, layer='Linear')])
    model.init_weights()
    assert all(p.eq(5).all() for p in model.parameters())


def test_init_cfg_errors():
    with pytest.raises(TypeError, match='init_cfg must be a dict or a list'):
        initialize(nn.Linear(1, 1), 'Constant')
    with pytest.raises(RuntimeError, match="names 'nope'"):
        initialize(nn.Linear(1, 1), dict(type='Constant', val=1, override=dict(name='nope')))
    with pytest.raises(ValueError, match='needs a "type" key'):
        initialize(nn.Linear(1, 1), dict(type='Constant', val=1,
                                         override=dict(name='weight', val=2)))


def test_module_containers_take_init_cfg():
    cfg = dict(type='Constant', val=3.0, layer='Linear')
    for container in (Sequential(nn.Linear(1, 1), init_cfg=cfg),
                      ModuleList([nn.Linear(1, 1)], init_cfg=cfg),
                      ModuleDict(dict(a=nn.Linear(1, 1)), init_cfg=cfg)):
        container.init_weights()
        assert all(p.eq(3).all() for p in container.parameters() if p.dim() == 2)


def test_load_checkpoint_strips_module_prefix_and_reports_mismatches(tmp_path, capsys):
    source = nn.Linear(2, 2)
    torch.save({'state_dict': {f'module.{k}': v for k, v in source.state_dict().items()},
                'meta': {}}, tmp_path / 'ckpt.pth')
    target = nn.Linear(2, 2)
    checkpoint = load_checkpoint(target, tmp_path / 'ckpt.pth', map_location='cpu')
    assert torch.equal(target.weight, source.weight) and 'meta' in checkpoint
    with pytest.raises(RuntimeError, match='unexpected key in source state_dict'):
        load_checkpoint(target, tmp_path / 'ckpt.pth', strict=True, revise_keys=[])
    renamed = load_checkpoint(nn.Linear(2, 2), tmp_path / 'ckpt.pth',
                              revise_keys=[(r'^module\.', ''), (r'^weight$', 'w')])
    assert renamed['state_dict'] is not None


class Payload:
    """An arbitrary pickled object, which weights-only loading refuses."""


def test_load_checkpoint_is_weights_only_unless_asked(tmp_path):
    torch.save({'state_dict': nn.Linear(1, 1).state_dict(), 'obj': Payload()},
               tmp_path / 'unsafe.pth')
    with pytest.raises(RuntimeError, match='weights_only=False'):
        load_checkpoint(nn.Linear(1, 1), tmp_path / 'unsafe.pth')
    load_checkpoint(nn.Linear(1, 1), tmp_path / 'unsafe.pth', weights_only=False)
    with pytest.raises(FileNotFoundError):
        load_checkpoint(nn.Linear(1, 1), tmp_path / 'missing.pth')


def test_revert_sync_batchnorm():
    model = nn.Sequential(nn.SyncBatchNorm(3))
    reverted = revert_sync_batchnorm(model)
    assert not isinstance(reverted[0], nn.SyncBatchNorm)
    assert reverted[0](torch.randn(4, 3, 2)).shape == (4, 3, 2)


PARSE_LOSSES_CASES = '''
import torch
from collections import OrderedDict
def cases():
    g = torch.Generator().manual_seed(0)
    r = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)
    return [
        dict(loss=r(4)),
        dict(loss_cls=r(3), acc=r(1), loss_bbox=[r(2), r(5)]),
        dict(acc=r(2), loss=r(3), loss_aux=r(2)),   # the model's own 'loss' key
        dict(top1=r(2)),                           # no loss at all
        OrderedDict(loss_b=r(2), loss_a=r(2), loss_c=[r(1)]),
    ]
def run(parse_losses):
    out = []
    for losses in cases():
        total, log_vars = parse_losses(losses)
        out.append([float(total), [[k, float(v)] for k, v in log_vars.items()]])
    return out
'''


def test_parse_losses_matches_real_mmengine(mmengine_python, tmp_path):
    """Key order, the total, and which value 'loss' shows in log_vars, on
    loss dicts with lists, non-loss keys, the model's own 'loss' key and no
    loss: as real MMEngine's BaseModel.parse_losses, to the bit."""
    import json
    import subprocess
    code = PARSE_LOSSES_CASES + '''
import json, sys
from mmengine.model import BaseModel
class M(BaseModel):
    def forward(self, *a, **k): pass
json.dump(run(M().parse_losses), open(sys.argv[1], 'w'))
'''
    target = tmp_path / 'theirs.json'
    out = subprocess.run([str(mmengine_python), '-W', 'ignore', '-c', code, str(target)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    namespace = {}
    exec(PARSE_LOSSES_CASES, namespace)
    ours = namespace['run'](Toy().parse_losses)
    assert ours == json.loads(target.read_text())

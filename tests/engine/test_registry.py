"""Registry: registration forms, lookup through scopes and parents, building,
and the errors a config author sees."""
import subprocess
import sys

import pytest

from mmmigrate.engine.registry import (FUNCTIONS, HOOKS, MODELS, OPTIMIZERS,
                                       PARAM_SCHEDULERS, BuildError,
                                       DefaultScope, Registry,
                                       UnknownTypeError, build_from_cfg)
from mmmigrate.engine.utils import ManagerMixin


def make_registry(name='thing', **kwargs):
    return Registry(name, scope='testscope', **kwargs)


def test_register_as_decorator_with_default_and_explicit_names():
    reg = make_registry()

    @reg.register_module()
    class Alpha:
        pass

    @reg.register_module(name=['Beta', 'B'])
    class BetaImpl:
        pass

    assert reg.get('Alpha') is Alpha
    assert reg.get('Beta') is BetaImpl and reg.get('B') is BetaImpl
    assert len(reg) == 3 and 'Alpha' in reg


def test_register_as_call_and_functions():
    reg = make_registry()

    def make_pair(a, b=2):
        return (a, b)

    assert reg.register_module(module=make_pair) is make_pair
    assert reg.build(dict(type='make_pair', a=1)) == (1, 2)


def test_duplicate_name_needs_force():
    reg = make_registry()
    reg.register_module(name='X', module=int)
    with pytest.raises(KeyError, match='X is already registered in thing at'):
        reg.register_module(name='X', module=float)
    reg.register_module(name='X', module=float, force=True)
    assert reg.get('X') is float


@pytest.mark.parametrize('bad', [dict(name=3), dict(force='yes')])
def test_register_rejects_bad_arguments(bad):
    with pytest.raises(TypeError):
        make_registry().register_module(**bad)


def test_build_from_cfg_merges_default_args_with_cfg_priority():
    reg = make_registry()

    @reg.register_module()
    class Box:
        def __init__(self, size, color='red'):
            self.size, self.color = size, color

    box = build_from_cfg(dict(type='Box', size=3), reg, default_args=dict(size=1, color='blue'))
    assert (box.size, box.color) == (3, 'blue')
    box = build_from_cfg(dict(size=5), reg, default_args=dict(type='Box'))
    assert box.size == 5


def test_type_may_be_a_class():
    class Free:
        def __init__(self, value):
            self.value = value

    assert build_from_cfg(dict(type=Free, value=7), make_registry()).value == 7


def test_unknown_type_names_registry_and_suggests_close_names():
    with pytest.raises(UnknownTypeError) as info:
        OPTIMIZERS.build(dict(type='AdamWW', lr=0.1))
    message = str(info.value)
    assert "type='AdamWW' is not registered in the 'optimizer' registry" in message
    assert 'Did you mean: AdamW' in message
    assert isinstance(info.value, KeyError)  # what MMEngine raises


def test_wrong_constructor_argument_names_the_type_and_accepted_keys():
    import torch
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    # LinearLR's constructor is a *args/**kwargs mixin: the accepted keys
    # are collected along the MRO.
    with pytest.raises(BuildError) as info:
        PARAM_SCHEDULERS.build(dict(type='LinearLR', start_factr=0.1),
                               default_args=dict(optimizer=optimizer))
    message = str(info.value)
    assert "type='LinearLR'" in message and 'start_factr' in message
    assert 'start_factor' in message and 'end_factor' in message
    with pytest.raises(BuildError, match="type='SGD'.*lrr.*momentum"):
        OPTIMIZERS.build(dict(type='SGD', params=[torch.nn.Parameter(torch.zeros(1))], lrr=1))


def test_cfg_without_type_is_a_clear_error():
    with pytest.raises(KeyError, match='must contain the key "type"'):
        MODELS.build(dict(depth=50))
    with pytest.raises(TypeError, match='cfg should be a dict, ConfigDict or Config'):
        MODELS.build(['not', 'a', 'dict'])


def test_child_registry_falls_back_to_parent_and_parent_reaches_child_by_scope():
    parent = Registry('model', scope='rootpkg')
    child = Registry('model', parent=parent, scope='downstream')

    @parent.register_module()
    class Shared:
        pass

    @child.register_module()
    class Local:
        pass

    assert child.get('Shared') is Shared
    assert parent.get('Local') is None
    assert parent.get('downstream.Local') is Local
    assert child.get('rootpkg.Shared') is Shared
    assert parent.children == {'downstream': child}
    assert child.root is parent


def test_registry_scope_is_inferred_from_the_creating_module():
    assert Registry('inferred').scope == __name__.split('.')[0]


def test_default_scope_switches_the_build_registry():
    parent = Registry('model', scope='rootpkg2')
    child = Registry('model', parent=parent, scope='downstream2')

    @parent.register_module(name='Net')
    class ParentNet:
        pass

    @child.register_module(name='Net')
    class ChildNet:
        pass

    assert isinstance(parent.build(dict(type='Net')), ParentNet)
    assert isinstance(parent.build(dict(type='Net', _scope_='downstream2')), ChildNet)
    with DefaultScope.overwrite_default_scope('downstream2'):
        assert isinstance(parent.build(dict(type='Net')), ChildNet)
    assert DefaultScope.get_current_instance() is None or \
        DefaultScope.get_current_instance().scope_name != 'downstream2'


def test_dotted_import_path_resolves_as_a_type():
    import torch
    assert OPTIMIZERS.get('torch.optim.SGD') is torch.optim.SGD


def test_manager_mixin_classes_are_built_as_named_instances():
    reg = make_registry()

    @reg.register_module()
    class Hub(ManagerMixin):
        def __init__(self, name):
            super().__init__(name)

    first = reg.build(dict(type='Hub', name='shared-hub'))
    assert reg.build(dict(type='Hub', name='shared-hub')) is first


def test_torch_optimizers_are_preregistered():
    import torch
    for name in ('SGD', 'Adam', 'AdamW', 'RMSprop'):
        assert OPTIMIZERS.get(name) is getattr(torch.optim, name)


def test_root_registries_are_lazy_about_their_modules():
    code = ('import sys; from mmmigrate.engine.registry import OPTIMIZERS, PARAM_SCHEDULERS;'
            "assert 'mmmigrate.engine.optim' not in sys.modules;"
            "assert OPTIMIZERS.get('SGD') is not None;"
            "assert PARAM_SCHEDULERS.get('MultiStepLR') is not None; print('ok')")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert out.stdout.strip() == 'ok', out.stderr


def test_collate_functions_are_registered():
    from mmmigrate.engine.dataset import default_collate, pseudo_collate
    assert FUNCTIONS.get('pseudo_collate') is pseudo_collate
    assert FUNCTIONS.get('default_collate') is default_collate
    assert HOOKS.scope == 'mmengine'


def test_repr_lists_entries():
    reg = make_registry()
    reg.register_module(name='Thing', module=dict)
    assert repr(reg).startswith('Registry of thing') and 'Thing: builtins.dict' in repr(reg)

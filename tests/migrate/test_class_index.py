"""The tree's class index (mmmigrate/migrate/class_index.py): what a scan of
class headers and defs, without parsing, says about a project's classes."""
from mmmigrate.migrate.class_index import ClassIndex

HOOKS_FILE = b'''from mmcv.runner import HOOKS, Hook


@HOOKS.register_module()
class Registered(object):
    def after_run(self, runner):
        pass


class WarmBase(Hook):

    def every_n_iters(self, runner, n):
        def inner(x):  # a nested function is no method
            return x
        return inner(n)

    class Nested:
        def is_last_iter(self, runner):
            pass
'''
CHILD_FILE = b'''from .base import WarmBase


class Child(WarmBase):
    def after_train_iter(self, runner):
        pass


class Grandchild(Child, object):
    pass


class Plain:
    def train_step(self, data, optimizer):
        pass
'''
MODELS_FILE = b'''import torch.nn as nn


class Restorer(nn.Module):
    def train_step(self, data, optimizer):
        pass


class SRGAN(Restorer):
    pass


class Detector(BaseModule):
    def forward(self, img, return_loss=True):
        pass
'''


def test_hooks_are_named_registered_or_derived_across_files():
    index = ClassIndex([HOOKS_FILE, CHILD_FILE])
    assert {'Registered', 'WarmBase', 'Child', 'Grandchild'} <= index.hooks
    assert 'Plain' not in index.hooks and 'Nested' not in index.hooks


def test_methods_of_a_class_include_its_tree_bases_only_direct_ones():
    index = ClassIndex([HOOKS_FILE, CHILD_FILE])
    assert index.methods_of('Grandchild') == {'after_train_iter', 'every_n_iters'}
    assert index.methods_of('Nested') == {'is_last_iter'}
    assert index.methods_of('Unknown') == set()


def test_models_are_the_ones_the_converter_makes_base_models_and_their_subclasses():
    index = ClassIndex([MODELS_FILE, CHILD_FILE])
    assert index.models == {'Restorer', 'SRGAN', 'Detector'}  # Plain derives from nothing

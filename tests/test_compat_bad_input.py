"""Bad legacy input stops with one clear message: a model whose train_step
returns no loss (and steps nothing itself), a hook overriding a point that
does not exist, a checkpoint without meta."""
import subprocess
import sys

import pytest
import torch
from torch.utils.data import DataLoader

from mmmigrate.compat.hooks import LegacyHook
from mmmigrate.compat.model import LegacyModel
from mmmigrate.compat.runner import EpochBasedRunner
from mmmigrate.engine.runner import CheckpointMismatchError


class Regressor(torch.nn.Module):

    def __init__(self, return_loss=True):
        super().__init__()
        self.linear = torch.nn.Linear(4, 1)
        self.return_loss = return_loss

    def train_step(self, data, optimizer=None):
        x, y = data
        loss = ((self.linear(x).squeeze(1) - y) ** 2).mean()
        outputs = dict(log_vars=dict(loss=loss.item()), num_samples=len(x))
        if self.return_loss:
            outputs['loss'] = loss
        return outputs


def _facade(model, work_dir):
    torch.manual_seed(0)
    x = torch.randn(8, 4)
    loader = DataLoader(list(zip(x, x.sum(1))), batch_size=4)
    runner = EpochBasedRunner(model, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                              work_dir=str(work_dir), max_epochs=1)
    runner.register_training_hooks(lr_config=None, optimizer_config=dict(grad_clip=None))
    return runner, loader


def test_a_train_step_without_loss_that_steps_nothing_is_refused(tmp_path):
    runner, loader = _facade(Regressor(return_loss=False), tmp_path)
    with pytest.raises(TypeError, match=r"Regressor.train_step returned no loss \(it returned "
                                        r"\['log_vars', 'num_samples'\]\) and stepped no "
                                        r'optimizer itself'):
        runner.run([loader], [('train', 1)])


def test_a_model_stepping_its_optimizer_itself_needs_no_loss(tmp_path):
    class SelfStepping(Regressor):
        def train_step(self, data, optimizer=None):
            outputs = super().train_step(data)
            optimizer.zero_grad()
            ((self.linear(data[0]).squeeze(1) - data[1]) ** 2).mean().backward()
            optimizer.step()
            return outputs

    model = SelfStepping(return_loss=False)
    before = model.linear.weight.detach().clone()
    runner, loader = _facade(model, tmp_path)
    runner.run([loader], [('train', 1)])
    assert not torch.equal(model.linear.weight, before)


def test_a_misspelled_hook_point_is_refused_where_the_class_is_defined():
    with pytest.raises(TypeError, match=r'LossLogger.after_train_iteration is not a hook point: '
                                        r'no runner calls it. Did you mean after_train_iter\?'):
        class LossLogger(LegacyHook):
            def after_train_iteration(self, runner):
                pass

    class WithHelpers(LegacyHook):  # other before_/after_ names are the hook's own business
        def after_step_done(self, runner):
            pass


def test_resuming_a_checkpoint_without_meta_says_why(tmp_path):
    model = Regressor()
    checkpoint = tmp_path / 'weights_only.pth'
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    runner, loader = _facade(model, tmp_path)
    runner.resume(str(checkpoint))
    with pytest.raises(CheckpointMismatchError, match='cannot resume: it has no meta .* use '
                                                      'load_from without resume'):
        runner.run([loader], [('train', 1)])
    out = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'checkpoint', str(checkpoint),
                          str(tmp_path / 'new.pth')], capture_output=True, text=True)
    assert out.returncode == 2 and 'not an MMCV 1.x runner checkpoint' in out.stderr
    assert not (tmp_path / 'new.pth').exists()


def test_legacy_model_checkpoints_hold_the_module_keys_as_mmcv_saved_them():
    model = LegacyModel(Regressor())
    assert sorted(model.state_dict()) == ['linear.bias', 'linear.weight']
    state = {k: torch.full_like(v, 0.5) for k, v in Regressor().state_dict().items()}
    model.load_state_dict(state)
    assert torch.equal(model.module.linear.weight, torch.full((1, 4), 0.5))


def test_a_custom_optimizer_hook_subclass_is_refused_by_name(tmp_path):
    from mmmigrate.compat.optimizer_hooks import OptimizerHook

    class ScaledOptimizerHook(OptimizerHook):  # its own step logic: no wrapper does it
        def after_train_iter(self, runner):
            pass

    runner, loader = _facade(Regressor(), tmp_path)
    runner.register_training_hooks(lr_config=None, optimizer_config=ScaledOptimizerHook())
    with pytest.raises(ValueError, match="optimizer_config: optimizer_config type "
                                         "'ScaledOptimizerHook' is a custom optimizer hook"):
        runner.run([loader], [('train', 1)])

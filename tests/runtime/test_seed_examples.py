"""The MMEngine-side examples of the seed documents (../shared/seeds/), run
on the bundled engine as written. Where a document has a typo, the fix is
marked with a `# seed typo:` comment saying what the document wrote."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

from mmmigrate.engine.hooks import Hook
from mmmigrate.engine.model import BaseModel
from mmmigrate.engine.optim import OptimWrapper, OptimWrapperDict
from mmmigrate.engine.registry import HOOKS, LOOPS, RUNNERS
from mmmigrate.engine.runner import BaseLoop, Runner


class MMEngineToyModel(BaseModel):
    """Seed 000 (and 003), "基于 MMEngine 执行器的模型"."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1)

    def forward(self, img, label, mode):
        feat = self.linear(img)
        if mode == 'loss':
            loss1 = (feat - label).pow(2)
            loss2 = (feat - label).abs()
            return dict(loss1=loss1, loss2=loss2)
        elif mode == 'predict':
            return [_feat for _feat in feat]
        else:
            pass


def toy_loader():
    train_dataset = [(torch.ones(1, 1), torch.ones(1, 1))] * 50
    return DataLoader(train_dataset, batch_size=2)


def test_seed000_toy_model_runner(tmp_path):
    runner = Runner(
        model=MMEngineToyModel(),
        work_dir=str(tmp_path / 'tmp_dir'),
        train_dataloader=toy_loader(),
        train_cfg=dict(by_epoch=True, max_epochs=5),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)))
    model = runner.train()
    assert runner.epoch == 5 and runner.iter == 125
    assert (tmp_path / 'tmp_dir' / 'epoch_5.pth').exists()
    # The optimum of (w + b - 1)^2 + |w + b - 1| on the all-ones data.
    out = model.linear(torch.ones(1, 1)).item()
    assert abs(out - 1.0) < 0.02


# -- seed 001: a custom loop with extra hook points --------------------------
@LOOPS.register_module(force=True)
class CustomValLoop(BaseLoop):
    def __init__(self, runner, dataloader, evaluator, dataloader2):
        # seed typo: super().__init__(runner, dataloader, evaluator) - BaseLoop
        # takes (runner, dataloader); the evaluator is built here, as ValLoop does.
        super().__init__(runner, dataloader)
        self.evaluator = runner.build_evaluator(evaluator)
        self.dataloader2 = runner.build_dataloader(dataloader2)

    def run(self):
        self.runner.call_hooks('before_val_epoch')
        for idx, data_batch in enumerate(self.dataloader):
            self.runner.call_hooks(
                'before_val_iter', batch_idx=idx, data_batch=data_batch)
            outputs = self.run_iter(idx, data_batch)
            self.runner.call_hooks(
                'after_val_iter', batch_idx=idx, data_batch=data_batch, outputs=outputs)
        # seed typo: self.evaluator.evaluate() - evaluate takes the dataset size.
        metric = self.evaluator.evaluate(len(self.dataloader.dataset))

        for idx, data_batch in enumerate(self.dataloader2):
            self.runner.call_hooks(
                'before_valloader2_iter', batch_idx=idx, data_batch=data_batch)
            self.run_iter(idx, data_batch)
            self.runner.call_hooks(
                'after_valloader2_iter', batch_idx=idx, data_batch=data_batch, outputs=outputs)
        metric2 = self.evaluator.evaluate(len(self.dataloader2.dataset))

        self.runner.metrics_seen = (metric, metric2)  # stands for the document's `...`
        self.runner.call_hooks('after_val_epoch')

    # seed typo: run_iter is used but not shown; this is ValLoop's.
    @torch.no_grad()
    def run_iter(self, idx, data_batch):
        outputs = self.runner.model.val_step(data_batch)
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
        return outputs


@HOOKS.register_module(force=True)
class CustomValHook(Hook):
    calls = []

    # seed typo: the document's methods lack the `runner` parameter that
    # call_hook passes to every hook method.
    def before_valloader2_iter(self, runner, batch_idx, data_batch):
        self.calls.append(('before', batch_idx))

    def after_valloader2_iter(self, runner, batch_idx, data_batch, outputs):
        self.calls.append(('after', batch_idx))


class CountMetric:
    """A metric for the loops above (the document leaves the evaluator out)."""


def _count_metric():
    from mmmigrate.engine.evaluator import BaseMetric

    class Count(BaseMetric):
        default_prefix = 'count'

        def process(self, data_batch, data_samples):
            self.results.extend(data_samples)

        def compute_metrics(self, results):
            return dict(n=len(results))
    return Count


def test_seed001_custom_val_loop_with_extra_hook_points(tmp_path):
    from mmmigrate.engine.registry import DATASETS
    Count = _count_metric()

    @DATASETS.register_module(name='ValDataset2', force=True)
    class ValDataset2:
        def __len__(self):
            return 4

        def __getitem__(self, idx):
            return (torch.ones(1), torch.ones(1))

    val_loader = DataLoader([(torch.ones(1), torch.ones(1))] * 6, batch_size=2)
    # The config of the document, with the parts it leaves as `...` filled in.
    val_cfg = dict(type='CustomValLoop', dataloader2=dict(
        dataset=dict(type='ValDataset2'), batch_size=2,
        sampler=dict(type='DefaultSampler', shuffle=False), collate_fn=dict(type='default_collate')))
    custom_hooks = [dict(type='CustomValHook')]
    CustomValHook.calls.clear()
    runner = Runner(model=MMEngineToyModel(), work_dir=str(tmp_path), val_dataloader=val_loader,
                    val_cfg=val_cfg, val_evaluator=[Count()], custom_hooks=custom_hooks)
    runner.val()
    assert runner.metrics_seen == ({'count/n': 6}, {'count/n': 4})
    assert CustomValHook.calls == [('before', 0), ('after', 0), ('before', 1), ('after', 1)]


# -- seed 001: a custom runner ------------------------------------------------
@RUNNERS.register_module(force=True)
class CustomRunner(Runner):
    env_calls = 0

    # seed typo: def setup_env(self): ... - Runner calls setup_env(env_cfg), and
    # an empty body would leave the runner without rank and timestamp.
    def setup_env(self, env_cfg):
        type(self).env_calls += 1
        super().setup_env(env_cfg)


def test_seed001_custom_runner_from_runner_type(tmp_path):
    cfg = dict(runner_type='CustomRunner', model=dict(type='ToyModelFromCfg'),
               work_dir=str(tmp_path))
    from mmmigrate.engine.registry import MODELS

    @MODELS.register_module(name='ToyModelFromCfg', force=True)
    class ToyModelFromCfg(MMEngineToyModel):
        pass

    runner = RUNNERS.build(cfg)
    assert isinstance(runner, CustomRunner) and CustomRunner.env_calls == 1



def test_runners_registry_builds_the_plain_runner_without_runner_type(tmp_path):
    from mmmigrate.engine.registry import MODELS
    from mmmigrate.engine.runner import Runner
    MODELS.register_module(name='PlainRunnerToy', module=MMEngineToyModel, force=True)
    assert RUNNERS.get('Runner') is Runner
    runner = RUNNERS.build(dict(model=dict(type='PlainRunnerToy'), work_dir=str(tmp_path)))
    assert type(runner) is Runner

# -- seed 002: Runner with default_hooks / custom_hooks -------------------------
@HOOKS.register_module(force=True)
class NumClassCheckHook(Hook):
    """Stands for mmdet's hook of that name, which the document registers."""
    checked = 0

    def before_train_epoch(self, runner):
        type(self).checked += 1


def test_seed002_default_and_custom_hooks(tmp_path):
    model = MMEngineToyModel()  # seed: ResNet18()
    optim_wrapper = dict(
        type='OptimWrapper',  # seed typo: 'OptimizerWrapper' is not a registered name
        optimizer=dict(type='SGD', lr=0.001, momentum=0.9))
    # As written: the trailing comma makes this a tuple, which the Runner
    # accepts like a list.
    param_scheduler = dict(type='MultiStepLR', milestones=[2, 3]),
    default_hooks = dict(
        logger=dict(type='LoggerHook'),
        param_scheduler=dict(type='ParamSchedulerHook'),
        checkpoint=dict(type='CheckpointHook', interval=5),
    )
    custom_hooks = [dict(type='NumClassCheckHook')]
    NumClassCheckHook.checked = 0
    runner = Runner(
        model=model,
        work_dir=str(tmp_path / 'work_dir'),
        optim_wrapper=optim_wrapper,
        param_scheduler=param_scheduler,
        train_cfg=dict(by_epoch=True, max_epochs=3),
        default_hooks=default_hooks,
        custom_hooks=custom_hooks,
        train_dataloader=toy_loader(),  # seed: xxx
    )
    runner.train()
    assert NumClassCheckHook.checked == 3
    # The scheduler's `end` defaults to max_epochs=3, so the milestone at
    # step 3 falls outside its window: one decay.
    assert runner.optim_wrapper.get_lr()['lr'] == [0.001 * 0.1]
    # interval=5 with 3 epochs: only the last epoch is saved (save_last).
    assert sorted(p.name for p in (tmp_path / 'work_dir').glob('*.pth')) == ['epoch_3.pth']


# -- seed 000: GAN train_step with two optim wrappers ---------------------------
class ToyGAN(BaseModel):
    """The document's train_discriminator / train_generator, in a model."""

    def __init__(self, noise_size=2):
        super().__init__()
        self.noise_size = noise_size
        self.generator = nn.Linear(noise_size, 2)
        self.discriminator = nn.Linear(2, 1)

    def disc_loss(self, disc_pred_fake, disc_pred_real):
        losses = dict(loss_fake=nn.functional.softplus(disc_pred_fake),
                      loss_real=nn.functional.softplus(-disc_pred_real))
        return self.parse_losses(losses)

    def gen_loss(self, disc_pred_fake):
        return self.parse_losses(dict(loss_gen=nn.functional.softplus(-disc_pred_fake)))

    def train_discriminator(self, inputs, optimizer_wrapper):
        real_imgs = inputs['inputs']
        z = torch.randn(
            (real_imgs.shape[0], self.noise_size)).type_as(real_imgs)
        with torch.no_grad():
            fake_imgs = self.generator(z)

        disc_pred_fake = self.discriminator(fake_imgs)
        disc_pred_real = self.discriminator(real_imgs)

        parsed_losses, log_vars = self.disc_loss(disc_pred_fake,
                                                 disc_pred_real)
        optimizer_wrapper.update_params(parsed_losses)
        return log_vars

    def train_generator(self, inputs, optimizer_wrapper):
        real_imgs = inputs['inputs']
        z = torch.randn(real_imgs.shape[0], self.noise_size).type_as(real_imgs)

        fake_imgs = self.generator(z)

        disc_pred_fake = self.discriminator(fake_imgs)
        parsed_loss, log_vars = self.gen_loss(disc_pred_fake)

        optimizer_wrapper.update_params(parsed_loss)
        return log_vars

    def train_step(self, data, optim_wrapper):
        inputs = self.data_preprocessor(data, True)
        log_vars = self.train_discriminator(inputs, optim_wrapper['discriminator'])
        log_vars.update(self.train_generator(inputs, optim_wrapper['generator']))
        return log_vars

    def forward(self, inputs, mode='tensor'):
        return self.generator(inputs)


def test_seed000_gan_with_two_optim_wrappers(tmp_path):
    torch.manual_seed(0)
    model = ToyGAN()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    optim_wrapper = OptimWrapperDict(
        generator=OptimWrapper(torch.optim.Adam(model.generator.parameters(), lr=0.01)),
        discriminator=OptimWrapper(torch.optim.Adam(model.discriminator.parameters(), lr=0.01)))
    data = [dict(inputs=torch.randn(2)) for _ in range(8)]
    runner = Runner(model=model, work_dir=str(tmp_path), train_cfg=dict(by_epoch=True, max_epochs=2),
                    train_dataloader=dict(dataset=data, batch_size=4,
                                          sampler=dict(type='DefaultSampler', shuffle=False),
                                          collate_fn=dict(type='default_collate')),
                    optim_wrapper=optim_wrapper)
    runner.train()
    after = model.state_dict()
    assert all(not torch.equal(before[k], after[k]) for k in before)
    scalars = runner.message_hub.log_scalars
    assert {'train/loss_gen', 'train/loss_fake', 'train/generator.lr',
            'train/discriminator.lr'} <= set(scalars)

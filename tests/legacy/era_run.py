"""Train mmpretrain 1.2.0's ResNet-18 CIFAR-10 config, from the library's
wheel, for two short epochs with validation on a small synthetic dataset,
and write what the run did as JSON:

    python era_run.py OUT_JSON WORK_DIR [--bundled]

``--bundled`` serves ``mmengine`` from mmmigrate's bundled engine (the
``mmpretrain`` stack of stacks.py); without it the interpreter's MMEngine is
used (the ``mmpretrain+mmengine`` stack: real MMEngine 0.10.7). The record:
the loss and learning rate of every iteration, the validation accuracy of
each epoch, and every final parameter and buffer (the sha256 of its
bytes), so two runs can be compared bit for bit.

The config is the wheel's ``resnet/resnet18_8xb16_cifar10.py`` unchanged
but for what a test needs: the dataset (CIFAR-10 itself cannot be
downloaded here) is ``SyntheticCIFAR``, images drawn from a fixed seed;
two epochs of 4 iterations, the lr milestone after the first; no
dataloader workers; a fixed seed; the checkpoint hook off (the runs are
compared by their parameters).
"""
import hashlib
import importlib.abc
import importlib.machinery
import json
import os.path as osp
import sys
import types

import numpy as np


class _StandIn(types.ModuleType):
    """A module whose every name exists and fails when used."""

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)

        def unavailable(*args, **kwargs):
            raise RuntimeError(f'{self.__name__}.{name} is a stand-in (torchvision is not '
                               'importable beside this torch build)')
        value = type(name, (), {'__init__': unavailable, '__call__': unavailable})
        setattr(self, name, value)
        return value


class _StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves ``torchvision`` and its submodules as stand-ins: mmpretrain
    imports torchvision's transforms at import time, and PyPI's torchvision
    does not import beside this machine's CPU build of torch. The run never
    calls it (its pipeline is mmcv's and mmpretrain's numpy transforms), the
    same on both engines."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname == 'torchvision' or fullname.startswith('torchvision.'):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _StandIn(spec.name)
        module.__path__ = []
        module.__version__ = 'stand-in'  # what the engines' environment reports read
        return module

    def exec_module(self, module):
        pass


def _torchvision_or_stand_in() -> None:
    try:
        import torchvision  # noqa: F401
    except Exception:
        for name in [n for n in sys.modules if n.split('.')[0] == 'torchvision']:
            del sys.modules[name]
        sys.meta_path.insert(0, _StandInFinder())


def main(out_json: str, work_dir: str, bundled: bool) -> None:
    if bundled:
        from mmmigrate.engine.alias import install_mmengine_alias
        install_mmengine_alias(prefer_bundled=True)
    import torch
    _torchvision_or_stand_in()
    import mmpretrain
    from mmengine.config import Config
    from mmengine.hooks import Hook
    from mmengine.registry import HOOKS
    from mmengine.runner import Runner
    from mmpretrain.datasets import BaseDataset
    from mmpretrain.registry import DATASETS

    @DATASETS.register_module()
    class SyntheticCIFAR(BaseDataset):
        """CIFAR-10-shaped samples (32x32 RGB uint8, 10 classes) from a seed."""
        METAINFO = dict(classes=tuple(f'class{i}' for i in range(10)))

        def __init__(self, size: int, seed: int, **kwargs):
            self.size, self.seed = size, seed
            super().__init__(ann_file='', **kwargs)

        def load_data_list(self):
            rng = np.random.RandomState(self.seed)
            images = rng.randint(0, 256, (self.size, 32, 32, 3), dtype=np.uint8)
            labels = rng.randint(0, 10, self.size)
            return [dict(img=image, gt_label=int(label))
                    for image, label in zip(images, labels)]

    @HOOKS.register_module()
    class RecordHook(Hook):
        """Every iteration's loss and learning rate, every validation's metrics."""
        priority = 'LOWEST'

        def __init__(self):
            self.record = dict(loss=[], lr=[], val=[])

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            self.record['loss'].append(float(outputs['loss'].detach()).hex())
            self.record['lr'].append(runner.optim_wrapper.get_lr()['lr'][0])

        def after_val_epoch(self, runner, metrics=None):
            self.record['val'].append({k: float(v) for k, v in (metrics or {}).items()})

    config = osp.join(osp.dirname(mmpretrain.__file__), '.mim', 'configs', 'resnet',
                      'resnet18_8xb16_cifar10.py')
    cfg = Config.fromfile(config)
    cfg.work_dir = work_dir
    cfg.randomness = dict(seed=0)
    for split, size, seed in (('train', 64, 1), ('val', 32, 2)):
        loader = cfg[f'{split}_dataloader']
        loader.num_workers = 0
        loader.persistent_workers = False
        loader.dataset = dict(type='SyntheticCIFAR', size=size, seed=seed,
                              pipeline=loader.dataset.pipeline)
    cfg.test_dataloader = cfg.val_dataloader
    cfg.train_cfg.max_epochs = 2
    cfg.param_scheduler.milestones = [1]  # the lr steps down within the two epochs
    cfg.default_hooks.checkpoint = None
    cfg.custom_hooks = [dict(type='RecordHook')]
    cfg.log_level = 'WARNING'

    runner = Runner.from_cfg(cfg)
    runner.train()
    record = next(hook for hook in runner.hooks if type(hook).__name__ == 'RecordHook').record
    model = runner.model.module if hasattr(runner.model, 'module') else runner.model
    record['state'] = {name: hashlib.sha256(value.detach().cpu().contiguous().numpy()
                                            .tobytes()).hexdigest()
                       for name, value in model.state_dict().items()}
    record['engine'] = type(runner).__module__
    record['torch'] = torch.__version__
    with open(out_json, 'w') as f:
        json.dump(record, f)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], '--bundled' in sys.argv[3:])

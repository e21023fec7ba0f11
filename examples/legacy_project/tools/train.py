"""Train a toyproj model with MMCV 1.x's EpochBasedRunner."""
import argparse
import os.path as osp
import sys

import torch
from mmcv import Config
from mmcv.parallel import MMDataParallel
from mmcv.runner import EpochBasedRunner, build_optimizer
from mmcv.utils import get_logger

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from toyproj import build_model, build_train_loader  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description='Train a toyproj model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and checkpoints')
    parser.add_argument('--seed', type=int, default=0, help='seed of the model initialisation')
    parser.add_argument('--batch-size', type=int, default=8)
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    work_dir = args.work_dir or osp.join(
        'work_dirs', osp.splitext(osp.basename(args.config))[0])
    logger = get_logger('toyproj')

    torch.manual_seed(args.seed)
    model = build_model(cfg.model)
    data_loaders = [build_train_loader(cfg.model.in_channels, args.batch_size)]
    model = MMDataParallel(model, device_ids=None)

    optimizer = build_optimizer(model, cfg.optimizer)
    runner = EpochBasedRunner(
        model,
        optimizer=optimizer,
        work_dir=work_dir,
        logger=logger,
        max_epochs=cfg.runner.max_epochs)
    runner.register_training_hooks(
        cfg.lr_config,
        cfg.optimizer_config,
        cfg.checkpoint_config,
        cfg.log_config,
        custom_hooks_config=cfg.get('custom_hooks', None))
    runner.run(data_loaders, cfg.workflow)


if __name__ == '__main__':
    main()

"""Throughput of ``mmmigrate config`` on a generated tree of MMCV 1.x
configs, next to a bare libcst parse-and-print of the same files measured
in the same run.

    python bench/config_convert.py [--families 40] [--leaves 24] [--jobs 1,2]
    python bench/config_convert.py --corpus [--jobs 0]

The tree mimics an OpenMMLab ``configs/`` folder: per family a ``_base_``
folder (model, dataset, schedule, runtime) and leaf configs that inherit
from them and from each other, overriding a few keys (lr steps, epochs,
optimizer, data). The tool converts it in place from a fresh copy each
round (reading, translating, rendering, writing); the baseline reads each
file, parses it with libcst and prints it back. Best of ``--repeats``
rounds; the ratio is tool files/s over baseline files/s (target >= 0.6 on
one core). ``--jobs`` lists the process counts to time the tool with (0:
one process per core).

``--corpus`` times the development corpus instead (every config of the
OpenMMLab packages in tests/corpus/fetch.py, downloaded once), and prints
the slowest single file of a run.
"""
import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from conversion_timing import bare_libcst, slowest_file, time_command

MODEL = '''# model settings
model = dict(
    type='{family}Detector',
    backbone=dict(type='ResNet', depth=50, num_stages=4, out_indices=(0, 1, 2, 3),
                  frozen_stages=1, norm_cfg=dict(type='BN', requires_grad=True),
                  norm_eval=True, style='pytorch',
                  init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(type='FPN', in_channels=[256, 512, 1024, 2048], out_channels=256,
              num_outs=5),
    bbox_head=dict(type='RetinaHead', num_classes=80, in_channels=256, stacked_convs=4,
                   feat_channels=256,
                   loss_cls=dict(type='FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
                                 loss_weight=1.0),
                   loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
    train_cfg=dict(assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.4,
                                 min_pos_iou=0, ignore_iof_thr=-1),
                   allowed_border=-1, pos_weight=-1, debug=False),
    test_cfg=dict(nms_pre=1000, min_bbox_size=0, score_thr=0.05,
                  nms=dict(type='nms', iou_threshold=0.5), max_per_img=100))
'''
DATASET = '''# dataset settings
dataset_type = 'CocoDataset'
data_root = 'data/coco/'
img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', img_scale=(1333, 800), keep_ratio=True),
    dict(type='RandomFlip', flip_ratio=0.5),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='Pad', size_divisor=32),
    dict(type='DefaultFormatBundle'),
    dict(type='Collect', keys=['img', 'gt_bboxes', 'gt_labels']),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiScaleFlipAug', img_scale=(1333, 800), flip=False,
         transforms=[dict(type='Resize', keep_ratio=True), dict(type='RandomFlip'),
                     dict(type='Normalize', **img_norm_cfg), dict(type='Pad', size_divisor=32),
                     dict(type='ImageToTensor', keys=['img']),
                     dict(type='Collect', keys=['img'])])
]
data = dict(
    samples_per_gpu=2,
    workers_per_gpu=2,
    train=dict(type=dataset_type, ann_file=data_root + 'annotations/train.json',
               img_prefix=data_root + 'train2017/', pipeline=train_pipeline),
    val=dict(type=dataset_type, ann_file=data_root + 'annotations/val.json',
             img_prefix=data_root + 'val2017/', pipeline=test_pipeline),
    test=dict(type=dataset_type, ann_file=data_root + 'annotations/val.json',
              img_prefix=data_root + 'val2017/', pipeline=test_pipeline))
evaluation = dict(interval=1, metric='bbox')
'''
SCHEDULE = '''# optimizer
optimizer = dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=0.0001)
optimizer_config = dict(grad_clip=None)
# learning policy
lr_config = dict(
    policy='step',
    warmup='linear',
    warmup_iters=500,
    warmup_ratio=0.001,
    step=[8, 11])
runner = dict(type='EpochBasedRunner', max_epochs=12)
'''
RUNTIME = '''checkpoint_config = dict(interval=1)
# yapf:disable
log_config = dict(
    interval=50,
    hooks=[
        dict(type='TextLoggerHook'),
        # dict(type='TensorboardLoggerHook')
    ])
# yapf:enable
custom_hooks = [dict(type='NumClassCheckHook')]

dist_params = dict(backend='nccl')
log_level = 'INFO'
load_from = None
resume_from = None
workflow = [('train', 1)]
opencv_num_threads = 0
mp_start_method = 'fork'
'''
LEAVES = [
    "_base_ = [\n    '../_base_/models/{f}.py', '../_base_/datasets/coco.py',\n"
    "    '../_base_/schedules/schedule_1x.py', '../_base_/default_runtime.py'\n]\n"
    "# optimizer\noptimizer = dict(type='SGD', lr={lr}, momentum=0.9, weight_decay=0.0001)\n",
    "_base_ = './{f}_r50_fpn_1x_{i}.py'\n# learning policy\nlr_config = dict(step=[16, 22])\n"
    "runner = dict(type='EpochBasedRunner', max_epochs=24)\n",
    "_base_ = './{f}_r50_fpn_1x_{i}.py'\nmodel = dict(backbone=dict(depth=101, init_cfg=dict("
    "type='Pretrained', checkpoint='torchvision://resnet101')))\n",
    "_base_ = './{f}_r50_fpn_1x_{i}.py'\noptimizer = dict(_delete_=True, type='AdamW', "
    "lr=0.0001, weight_decay=0.05)\noptimizer_config = dict(grad_clip=dict(max_norm=35, "
    "norm_type=2))\nfp16 = dict(loss_scale=512.)\n",
    "_base_ = './{f}_r50_fpn_1x_{i}.py'\ndata = dict(samples_per_gpu=4, workers_per_gpu=4)\n"
    "evaluation = dict(interval=2, save_best='bbox_mAP')\ncheckpoint_config = dict(interval=2, "
    "max_keep_ckpts=3)\n",
    "_base_ = './{f}_r50_fpn_1x_{i}.py'\nlr_config = dict(_delete_=True, policy='CosineAnnealing',"
    " warmup='linear', warmup_iters=1000, warmup_ratio=1.0 / 10, min_lr_ratio=1e-5)\n",
]


def generate(root: Path, families: int, leaves: int) -> int:
    for family in range(families):
        name = f'fam{family}'
        base = root / name / '_base_'
        for folder, text in (('models', MODEL.format(family=name.title())),
                             ('datasets', DATASET), ('schedules', SCHEDULE)):
            (base / folder).mkdir(parents=True, exist_ok=True)
        (base / 'models' / f'{name}.py').write_text(MODEL.format(family=name.title()))
        (base / 'datasets' / 'coco.py').write_text(DATASET)
        (base / 'schedules' / 'schedule_1x.py').write_text(SCHEDULE)
        (base / 'default_runtime.py').write_text(RUNTIME)
        configs = root / name / 'configs'
        configs.mkdir(parents=True, exist_ok=True)
        for index in range(leaves):
            group = index // len(LEAVES)
            kind = index % len(LEAVES)
            text = LEAVES[kind].format(f=name, i=group, lr=0.01 * (1 + group))
            suffix = f'1x_{group}' if kind == 0 else f'v{kind}_{group}'
            (configs / f'{name}_r50_fpn_{suffix}.py').write_text(text)
    return sum(1 for _ in root.rglob('*.py'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--families', type=int, default=40)
    parser.add_argument('--leaves', type=int, default=24)
    parser.add_argument('--jobs', default='1,2', help='comma-separated process counts')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--corpus', action='store_true',
                        help='time the development corpus, not a generated tree')
    args = parser.parse_args()
    jobs = [int(j) for j in args.jobs.split(',')]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / 'source'
        if args.corpus:
            shutil.copytree(_corpus_configs(), source)
            count = sum(1 for _ in source.rglob('*.py'))
            print(f'{count} configs of the development corpus, {os.cpu_count()} cores')
        else:
            count = generate(source, args.families, args.leaves)
            print(f'{count} configs ({args.families} families), {os.cpu_count()} cores')
        files = sorted(source.rglob('*.py'))
        bare = min(bare_libcst(files) for _ in range(args.repeats))
        print(f'{"bare libcst parse+print":28s} {count / bare:8.0f} files/s')
        for job_count in jobs:
            times = []
            for round_index in range(args.repeats):
                tree = Path(tmp) / f'run_{job_count}_{round_index}'
                shutil.copytree(source, tree)
                times.append(time_command('config', tree, job_count))
            best = min(times)
            print(f'{f"mmmigrate config -j {job_count}":28s} {count / best:8.0f} files/s   '
                  f'ratio to bare (one core): {bare / best:.2f}')
        tree = Path(tmp) / 'slowest'
        shutil.copytree(source, tree)
        seconds, path = slowest_file('config', tree, jobs[-1])
        print(f'slowest file: {seconds:.3f} s ({Path(path).relative_to(tree.resolve())})')


def _corpus_configs() -> Path:
    """The corpus configs folder (a sub-folder per library), downloaded once."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tests'))
    from corpus.fetch import corpus
    return corpus()[0]


if __name__ == '__main__':
    main()
